"""ccxt and pybit (Bybit's official SDK) against localnet, configured as snippets/bybit.py shows."""

from __future__ import annotations

import ccxt
import pytest
from pybit.exceptions import InvalidRequestError

from snippets.bybit import ccxt_client, pybit_client
from tests.localnet.bybit_support import PUBLIC_PEM
from tests.localnet.rsa_demo_key import PRIVATE_PEM


@pytest.fixture
def key(net):
    return net.create_key("bybit", permissions=("read", "trade"))


def make_ccxt(base: str, api_key: str, secret: str) -> ccxt.bybit:
    exchange = ccxt_client(base, api_key, secret)
    exchange.enableRateLimit = False  # localnet's limits are per second; tests do not need throttling
    return exchange


def test_ccxt_round_trip(net, key):
    ex = make_ccxt(net.url("bybit"), key["api_key"], key["secret"])
    balance = ex.fetch_balance()
    assert balance["USDT"]["total"] == 10000 and balance["BTC"]["free"] == 1
    assert set(ex.markets) == {"BTC/USDT", "ETH/USDT", "ETH/BTC", "LTC/BTC"}

    order = ex.create_order("BTC/USDT", "limit", "buy", 0.01, 50000)
    assert order["id"].isdigit() and len(order["id"]) == 19
    assert [o["id"] for o in ex.fetch_open_orders("BTC/USDT")] == [order["id"]]
    assert ex.fetch_balance()["USDT"]["used"] == 500
    ex.cancel_order(order["id"], "BTC/USDT")
    assert ex.fetch_open_orders("BTC/USDT") == []
    assert ex.fetch_balance()["USDT"]["free"] == 10000

    ex.create_order("ETH/USDT", "market", "sell", 0.5)
    trades = ex.fetch_my_trades("ETH/USDT")
    assert trades and trades[-1]["side"] == "sell" and trades[-1]["fee"]["currency"] == "USDT"
    assert ex.fetch_balance()["ETH"]["total"] == pytest.approx(9.5)


def test_ccxt_with_an_rsa_key(net):
    key = net.create_key("bybit", type="rsa", public_key_pem=PUBLIC_PEM, permissions=("read", "trade"))
    ex = make_ccxt(net.url("bybit"), key["api_key"], PRIVATE_PEM)
    assert ex.fetch_balance()["USDT"]["free"] == 10000
    order = ex.create_order("BTC/USDT", "limit", "buy", 0.01, 50000)
    ex.cancel_order(order["id"], "BTC/USDT")


def test_ccxt_maps_bybit_errors(net, key):
    ex = make_ccxt(net.url("bybit"), key["api_key"], key["secret"])
    ex.load_markets()
    with pytest.raises(ccxt.InsufficientFunds):
        ex.create_order("BTC/USDT", "limit", "buy", 1, 50000)
    with pytest.raises(ccxt.OrderNotFound):
        ex.cancel_order("2000000000000099999", "BTC/USDT")
    wrong = make_ccxt(net.url("bybit"), key["api_key"], "wrong-secret")
    with pytest.raises(ccxt.AuthenticationError, match="10004"):
        wrong.fetch_balance()
    reader = net.create_key("bybit", permissions=("read",))
    ro = make_ccxt(net.url("bybit"), reader["api_key"], reader["secret"])
    with pytest.raises(ccxt.PermissionDenied, match="10005"):
        ro.create_order("BTC/USDT", "limit", "buy", 0.01, 50000)


def test_pybit_round_trip(net, key):
    session = pybit_client(net.url("bybit"), key["api_key"], key["secret"])
    wallet = session.get_wallet_balance(accountType="UNIFIED")["result"]["list"][0]
    assert {c["coin"]: c["walletBalance"] for c in wallet["coin"]}["USDT"] == "10000"
    placed = session.place_order(category="spot", symbol="BTCUSDT", side="Buy", orderType="Limit", qty="0.01",
                                 price="50000")
    order_id = placed["result"]["orderId"]
    opened = session.get_open_orders(category="spot", symbol="BTCUSDT")["result"]["list"]
    assert [o["orderId"] for o in opened] == [order_id]
    assert session.cancel_order(category="spot", symbol="BTCUSDT", orderId=order_id)["result"]["orderId"] == order_id
    assert session.get_open_orders(category="spot")["result"]["list"] == []
    info = session.get_api_key_information()["result"]
    assert info["apiKey"] == key["api_key"] and info["readOnly"] == 0


def test_pybit_with_an_rsa_key(net):
    key = net.create_key("bybit", type="rsa", public_key_pem=PUBLIC_PEM, permissions=("read", "trade"))
    session = pybit_client(net.url("bybit"), key["api_key"], PRIVATE_PEM, rsa=True)
    assert session.get_wallet_balance(accountType="UNIFIED")["retCode"] == 0
    placed = session.place_order(category="spot", symbol="ETHUSDT", side="Sell", orderType="Limit", qty="1",
                                 price="3500")
    session.cancel_order(category="spot", symbol="ETHUSDT", orderId=placed["result"]["orderId"])


def test_pybit_raises_bybit_errors(net, key):
    session = pybit_client(net.url("bybit"), key["api_key"], "wrong-secret")
    with pytest.raises(InvalidRequestError) as caught:
        session.get_wallet_balance(accountType="UNIFIED")
    assert caught.value.status_code == 10004
    reader = net.create_key("bybit", permissions=("read",))
    ro = pybit_client(net.url("bybit"), reader["api_key"], reader["secret"])
    with pytest.raises(InvalidRequestError) as caught:
        ro.place_order(category="spot", symbol="BTCUSDT", side="Buy", orderType="Limit", qty="0.01", price="50000")
    assert caught.value.status_code == 10005
