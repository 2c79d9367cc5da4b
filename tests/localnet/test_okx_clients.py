"""ccxt and the official python-okx SDK against localnet's OKX, configured as the reference page shows."""

from __future__ import annotations

import ccxt
import pytest
from okx import Account, MarketData, Trade

from snippets import okx as recipe
from tests.localnet.okx_support import ok_data


@pytest.fixture
def key(net):
    return net.create_key("okx", permissions=("read", "trade"))


def ccxt_client(net, key: dict, demo: bool = True) -> ccxt.okx:
    """The configuration the reference page shows (snippets/okx.py), or the same without demo mode."""
    if demo:
        return recipe.ccxt_demo_client(key["api_key"], key["secret"], key["passphrase"], net.url("okx"))
    exchange = ccxt.okx({"apiKey": key["api_key"], "secret": key["secret"], "password": key["passphrase"]})
    exchange.urls["api"] = {"rest": net.url("okx")}
    return exchange


# ---- ccxt -----------------------------------------------------------------------------------------

def test_ccxt_load_markets_maps_okx_ids(net, key):
    markets = ccxt_client(net, key).load_markets()
    assert {m: markets[m]["id"] for m in markets} == {
        "BTC/USDT": "BTC-USDT", "ETH/USDT": "ETH-USDT", "ETH/BTC": "ETH-BTC", "LTC/BTC": "LTC-BTC"}
    assert markets["BTC/USDT"]["precision"]["price"] == 0.01 and markets["BTC/USDT"]["limits"]["amount"]["min"] == 9e-05


def test_ccxt_public_ticker_and_book(net, key):
    exchange = ccxt_client(net, key)
    ticker = exchange.fetch_ticker("ETH/USDT")
    assert ticker["bid"] < ticker["ask"]
    book = exchange.fetch_order_book("BTC/USDT", limit=5)
    assert len(book["bids"]) == 5 and book["bids"][0][0] < book["asks"][0][0]


def test_ccxt_balance_place_query_cancel(net, key):
    exchange = ccxt_client(net, key)
    assert exchange.fetch_balance()["USDT"]["free"] == 10000
    order = exchange.create_order("BTC/USDT", "limit", "buy", 0.01, 50000)
    assert order["id"].isdigit()
    fetched = exchange.fetch_order(order["id"], "BTC/USDT")
    assert (fetched["status"], fetched["price"], fetched["amount"]) == ("open", 50000, 0.01)
    assert fetched["clientOrderId"].startswith("6b9ad766b55dBCDE")  # ccxt's broker prefix, accepted as clOrdId
    assert [o["id"] for o in exchange.fetch_open_orders("BTC/USDT")] == [order["id"]]
    balance = exchange.fetch_balance()
    assert (balance["USDT"]["free"], balance["USDT"]["used"]) == (9500, 500)
    exchange.cancel_order(order["id"], "BTC/USDT")
    assert exchange.fetch_order(order["id"], "BTC/USDT")["status"] == "canceled"
    assert exchange.fetch_balance()["USDT"]["free"] == 10000


def test_ccxt_market_order_and_trades(net, key):
    exchange = ccxt_client(net, key)
    order = exchange.create_order("ETH/USDT", "market", "sell", 0.5)
    assert exchange.fetch_order(order["id"], "ETH/USDT")["status"] == "closed"
    trades = exchange.fetch_my_trades("ETH/USDT")
    assert trades and {t["order"] for t in trades} == {order["id"]}
    assert sum(t["amount"] for t in trades) == pytest.approx(0.5)
    assert [o["id"] for o in exchange.fetch_closed_orders("ETH/USDT")] == [order["id"]]


@pytest.mark.parametrize("change, error", [
    ({"secret": "0" * 32}, ccxt.AuthenticationError),
    ({"password": "wrong-passphrase"}, ccxt.AuthenticationError),
    ({"apiKey": "00000000-0000-0000-0000-000000000000"}, ccxt.AuthenticationError),
])
def test_ccxt_maps_auth_errors(net, key, change, error):
    exchange = ccxt_client(net, key)
    for name, value in change.items():
        setattr(exchange, name, value)
    with pytest.raises(error):
        exchange.fetch_balance()


def test_ccxt_without_sandbox_mode_gets_50101(net, key):
    exchange = ccxt_client(net, key, demo=False)
    with pytest.raises(ccxt.AuthenticationError, match="50101"):
        exchange.private_get_account_balance()


def test_ccxt_insufficient_funds(net, key):
    exchange = ccxt_client(net, key)
    with pytest.raises(ccxt.InsufficientFunds, match="51008"):
        exchange.create_order("BTC/USDT", "limit", "buy", 1, 50000)


def test_ccxt_read_only_key_cannot_trade(net):
    exchange = ccxt_client(net, net.create_key("okx"))
    with pytest.raises(ccxt.ExchangeError, match="50120"):
        exchange.create_order("BTC/USDT", "limit", "buy", 0.01, 50000)


# ---- python-okx (the official SDK) ---------------------------------------------------------------

def sdk(api_class, net, key: dict):
    """flag="1" = demo trading (sends x-simulated-trading: 1); domain = localnet's OKX URL."""
    return api_class(key["api_key"], key["secret"], key["passphrase"], flag="1", domain=net.url("okx"))


def test_sdk_balance_place_query_cancel(net, key):
    account, trade = recipe.python_okx_demo_clients(key["api_key"], key["secret"], key["passphrase"], net.url("okx"))
    balance = account.get_account_balance(ccy="USDT")
    assert balance["code"] == "0" and balance["data"][0]["details"][0]["availBal"] == "10000"
    placed = trade.place_order(instId="BTC-USDT", tdMode="cash", side="buy", ordType="limit", px="50000",
                               sz="0.01", clOrdId="sdk1")
    assert placed["code"] == "0", placed
    ord_id = placed["data"][0]["ordId"]
    assert trade.get_order(instId="BTC-USDT", ordId=ord_id)["data"][0]["state"] == "live"
    assert [o["ordId"] for o in trade.get_order_list(instType="SPOT")["data"]] == [ord_id]
    cancelled = trade.cancel_order(instId="BTC-USDT", ordId=ord_id)
    assert cancelled["code"] == "0" and cancelled["data"][0]["clOrdId"] == "sdk1"
    assert trade.get_order(instId="BTC-USDT", clOrdId="sdk1")["data"][0]["state"] == "canceled"
    account.close()
    trade.close()


def test_sdk_config_and_public_data(net, key):
    config = sdk(Account.AccountAPI, net, key).get_account_config()
    assert config["data"][0]["perm"] == "read_only,trade"
    market = MarketData.MarketAPI(flag="1", domain=net.url("okx"))
    assert market.get_ticker(instId="BTC-USDT")["data"][0]["instId"] == "BTC-USDT"


def test_sdk_errors_come_back_as_bodies(net, key):
    trade = sdk(Trade.TradeAPI, net, key)
    refused = trade.place_order(instId="BTC-USDT", tdMode="cash", side="buy", ordType="limit", px="50000", sz="5")
    assert refused["code"] == "1" and refused["data"][0]["sCode"] == "51008"
    live = Account.AccountAPI(key["api_key"], key["secret"], key["passphrase"], flag="0", domain=net.url("okx"))
    assert live.get_account_balance() == {"msg": "APIKey does not match current environment.", "code": "50101"}


def test_sdk_uses_http_1_1_against_localnet(net, key):
    # The SDK's client asks for HTTP/2, which only happens over TLS; plain http:// falls back to HTTP/1.1.
    account = sdk(Account.AccountAPI, net, key)
    response = account.get("/api/v5/public/time")
    assert response.http_version == "HTTP/1.1" and ok_data(response)
    account.close()
