"""ccxt and python-binance work against localnet unmodified, but for the base URL."""

from __future__ import annotations

import ccxt
import pytest
from binance.client import Client
from binance.exceptions import BinanceAPIException

from snippets.clients.binance import ccxt_client, python_binance_client


def make_ccxt(base: str, key: dict) -> ccxt.binance:
    """The configuration the Binance page shows (snippets/clients/binance.py), without client-side throttling."""
    exchange = ccxt_client(base, key["api_key"], key["secret"])
    exchange.enableRateLimit = False
    return exchange


def make_python_binance(base: str, key: dict) -> Client:
    return python_binance_client(base, key["api_key"], key["secret"])


@pytest.fixture
def key(net):
    return net.create_key("binance", permissions=("read", "trade"))


def test_ccxt_full_round(net, key):
    ex = make_ccxt(net.url("binance"), key)
    balance = ex.fetch_balance()
    assert balance["USDT"]["free"] == 10000 and balance["BTC"]["total"] == 1
    book = ex.fetch_order_book("BTC/USDT", limit=5)
    assert len(book["bids"]) == 5 and book["bids"][0][0] < book["asks"][0][0]

    limit = ex.create_order("BTC/USDT", "limit", "buy", 0.01, 50000)
    assert limit["status"] == "open" and limit["price"] == 50000
    market = ex.create_order("BTC/USDT", "market", "buy", 0.001)
    assert market["status"] == "closed" and market["filled"] == 0.001
    assert market["fee"]["currency"] == "BTC"

    open_orders = ex.fetch_open_orders("BTC/USDT")
    assert [o["id"] for o in open_orders] == [limit["id"]]
    canceled = ex.cancel_order(limit["id"], "BTC/USDT")
    assert canceled["status"] == "canceled"
    assert ex.fetch_open_orders("BTC/USDT") == []

    trades = ex.fetch_my_trades("BTC/USDT")
    assert trades and trades[-1]["order"] == market["id"] and trades[-1]["side"] == "buy"
    assert ex.fetch_balance()["BTC"]["total"] == pytest.approx(1 + 0.001 * 0.999)


def test_ccxt_maps_errors(net, key):
    ex = make_ccxt(net.url("binance"), key)
    ex.load_markets()
    with pytest.raises(ccxt.InsufficientFunds):
        ex.create_order("BTC/USDT", "limit", "buy", 1, 50000)
    with pytest.raises(ccxt.OrderNotFound):
        ex.cancel_order("123456789", "BTC/USDT")
    bad = make_ccxt(net.url("binance"), {**key, "secret": "wrong"})
    with pytest.raises(ccxt.AuthenticationError):
        bad.fetch_balance()
    reader = make_ccxt(net.url("binance"), net.create_key("binance", permissions=("read",)))
    with pytest.raises(ccxt.AuthenticationError):  # -2015 (ccxt words it as an authentication problem)
        reader.create_order("BTC/USDT", "limit", "buy", 0.01, 50000)


def test_python_binance_full_round(net, key):
    client = make_python_binance(net.url("binance"), key)
    assert client.ping() == {}
    account = client.get_account()
    assert {b["asset"]: b["free"] for b in account["balances"]}["USDT"] == "10000.00000000"
    book = client.get_order_book(symbol="ETHUSDT", limit=5)
    assert len(book["asks"]) == 5

    limit = client.order_limit_buy(symbol="ETHUSDT", quantity="0.1", price="2900")
    assert limit["status"] == "NEW"
    market = client.order_market_sell(symbol="ETHUSDT", quantity="0.2")
    assert market["status"] == "FILLED" and market["fills"]
    assert [o["orderId"] for o in client.get_open_orders(symbol="ETHUSDT")] == [limit["orderId"]]
    assert client.get_order(symbol="ETHUSDT", orderId=limit["orderId"])["status"] == "NEW"
    assert client.cancel_order(symbol="ETHUSDT", orderId=limit["orderId"])["status"] == "CANCELED"
    trades = client.get_my_trades(symbol="ETHUSDT")
    assert trades and trades[-1]["orderId"] == market["orderId"]
    assert client.get_all_orders(symbol="ETHUSDT")[-1]["status"] == "FILLED"
    assert client.get_account_api_permissions()["enableSpotAndMarginTrading"] is True
    assert client.create_test_order(symbol="ETHUSDT", side="BUY", type="MARKET", quantity="0.1") == {}


def test_python_binance_errors(net, key):
    client = make_python_binance(net.url("binance"), key)
    with pytest.raises(BinanceAPIException) as caught:
        client.order_limit_buy(symbol="ETHUSDT", quantity="100", price="2900")
    assert (caught.value.status_code, caught.value.code) == (400, -2010)
    reader = make_python_binance(net.url("binance"), net.create_key("binance", permissions=("read",)))
    with pytest.raises(BinanceAPIException) as caught:
        reader.order_market_buy(symbol="ETHUSDT", quantity="0.1")
    assert (caught.value.status_code, caught.value.code, caught.value.message) == (
        401, -2015, "Invalid API-key, IP, or permissions for action.")
