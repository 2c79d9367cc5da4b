"""Bybit market data, balances, order lifecycle, executions, key introspection and withdrawals."""

from __future__ import annotations

from decimal import Decimal

import pytest

from localnet.core import ledger
from tests.localnet.bybit_support import PUBLIC_PEM, Bybit, now_ms, result


@pytest.fixture
def client(net):
    c = Bybit(net.url("bybit"), net.create_key("bybit", permissions=("read", "trade"), label="bot"))
    yield c
    c.close()


def coins(c: Bybit, query: str = "accountType=UNIFIED") -> dict[str, dict]:
    wallet = result(c.get("/v5/account/wallet-balance", query))["list"][0]
    assert wallet["accountType"] == "UNIFIED"
    return {row["coin"]: row for row in wallet["coin"]}


def test_server_time(net, client):
    net.set_clock(frozen_time_ms=1_700_000_000_123)
    try:
        body = client.raw("GET", "/v5/market/time").json()
        assert body == {"retCode": 0, "retMsg": "OK", "retExtInfo": {}, "time": 1_700_000_000_123,
                        "result": {"timeSecond": "1700000000", "timeNano": "1700000000123000000"}}
    finally:
        net.set_clock()


def test_instruments_tickers_orderbook(client):
    spot = result(client.raw("GET", "/v5/market/instruments-info?category=spot"))
    assert [i["symbol"] for i in spot["list"]] == ["BTCUSDT", "ETHUSDT", "ETHBTC", "LTCBTC"]
    btc = spot["list"][0]
    assert (btc["baseCoin"], btc["quoteCoin"], btc["status"]) == ("BTC", "USDT", "Trading")
    assert btc["priceFilter"] == {"tickSize": "0.01"} and btc["lotSizeFilter"]["minOrderAmt"] == "5"
    one = result(client.raw("GET", "/v5/market/instruments-info?category=spot&symbol=ETHBTC"))["list"]
    assert [i["symbol"] for i in one] == ["ETHBTC"]
    assert result(client.raw("GET", "/v5/market/instruments-info?category=linear"))["list"] == []

    tick = result(client.raw("GET", "/v5/market/tickers?category=spot&symbol=BTCUSDT"))["list"][0]
    assert Decimal(tick["bid1Price"]) < Decimal(tick["lastPrice"]) < Decimal(tick["ask1Price"])
    book = result(client.raw("GET", "/v5/market/orderbook?category=spot&symbol=BTCUSDT&limit=5"))
    assert book["s"] == "BTCUSDT" and len(book["a"]) == len(book["b"]) == 5
    assert book["b"][0][0] == tick["bid1Price"] and book["a"][0][0] == tick["ask1Price"]
    assert len(result(client.raw("GET", "/v5/market/orderbook?category=spot&symbol=BTCUSDT"))["a"]) == 1


def test_wallet_balance_lists_non_zero_coins(client):
    balances = coins(client)
    assert set(balances) == {"BTC", "ETH", "USDT", "LTC"}
    assert balances["USDT"]["walletBalance"] == "10000" and balances["USDT"]["locked"] == "0"
    assert set(coins(client, "accountType=UNIFIED&coin=BTC,USDT")) == {"BTC", "USDT"}


def test_limit_order_lifecycle(client):
    placed = result(client.order(orderLinkId="life-1"))
    assert placed["orderLinkId"] == "life-1" and len(placed["orderId"]) == 19 and placed["orderId"].isdigit()
    assert coins(client)["USDT"]["locked"] == "500"

    listed = result(client.get("/v5/order/realtime", "category=spot&symbol=BTCUSDT"))["list"]
    assert [o["orderId"] for o in listed] == [placed["orderId"]]
    order = listed[0]
    assert (order["orderStatus"], order["side"], order["orderType"], order["timeInForce"]) == (
        "New", "Buy", "Limit", "GTC")
    assert (order["price"], order["qty"], order["leavesQty"], order["cumExecQty"]) == ("50000", "0.01", "0.01", "0")
    by_link = result(client.get("/v5/order/realtime", "category=spot&orderLinkId=life-1"))["list"]
    assert [o["orderId"] for o in by_link] == [placed["orderId"]]

    cancel = {"category": "spot", "symbol": "BTCUSDT", "orderLinkId": "life-1"}
    assert result(client.post("/v5/order/cancel", cancel)) == placed
    assert coins(client)["USDT"]["locked"] == "0"
    assert result(client.get("/v5/order/realtime", "category=spot"))["list"] == []
    closed = result(client.get("/v5/order/realtime", "category=spot&openOnly=1"))["list"]
    assert closed[0]["orderId"] == placed["orderId"] and closed[0]["orderStatus"] == "Cancelled"
    assert closed[0]["cancelType"] == "CancelByUser"
    by_id = result(client.get("/v5/order/realtime", f"category=spot&orderId={placed['orderId']}"))["list"]
    assert by_id[0]["orderStatus"] == "Cancelled"


def test_market_buy_by_quote_amount_then_sell_by_base(net, client):
    bought = result(client.order(orderType="Market", qty="600", price=None))  # Buy: qty is USDT by default
    order = result(client.get("/v5/order/realtime", f"category=spot&orderId={bought['orderId']}"))["list"][0]
    assert (order["orderStatus"], order["marketUnit"], order["qty"], order["timeInForce"]) == (
        "Filled", "quoteCoin", "600", "IOC")
    got = Decimal(order["cumExecQty"])
    assert 0 < got <= Decimal("0.01") and Decimal(order["cumExecValue"]) <= 600
    fee = Decimal(order["cumFeeDetail"]["BTC"])
    assert fee == Decimal(order["cumExecFee"]) > 0

    execs = result(client.get("/v5/execution/list", f"category=spot&orderId={bought['orderId']}"))["list"]
    assert sum(Decimal(e["execQty"]) for e in execs) == got
    assert {e["feeCurrency"] for e in execs} == {"BTC"} and all(e["execType"] == "Trade" for e in execs)

    sold = result(client.order(orderType="Market", side="Sell", qty="0.001", price=None))
    sell = result(client.get("/v5/order/history", f"category=spot&orderId={sold['orderId']}"))["list"][0]
    assert (sell["marketUnit"], sell["qty"], sell["cumExecQty"], sell["orderStatus"]) == (
        "baseCoin", "0.001", "0.001", "Filled")
    history = result(client.get("/v5/order/history", "category=spot&symbol=BTCUSDT&orderStatus=Filled"))["list"]
    assert [o["orderId"] for o in history] == [sold["orderId"], bought["orderId"]]  # newest first
    assert len(result(client.get("/v5/execution/list", "category=spot&limit=1"))["list"]) == 1

    account = int(result(client.get("/v5/user/query-api"))["userID"])
    btc = Decimal(coins(client)["BTC"]["walletBalance"])
    assert btc == 1 + got - fee - Decimal("0.001")
    assert ledger.expected_totals(net.store, account)["BTC"] == btc


def test_fill_or_kill_and_ioc_that_cannot_fill_are_cancelled(client):
    for tif in ("FOK", "IOC"):
        placed = result(client.order(timeInForce=tif, price="50000"))
        order = result(client.get("/v5/order/realtime", f"category=spot&orderId={placed['orderId']}"))["list"][0]
        assert order["orderStatus"] == "Cancelled" and order["timeInForce"] == tif


def test_post_only_rests_when_it_would_not_take(client):
    placed = result(client.order(timeInForce="PostOnly", price="59000"))
    order = result(client.get("/v5/order/realtime", f"category=spot&orderId={placed['orderId']}"))["list"][0]
    assert (order["orderStatus"], order["timeInForce"]) == ("New", "PostOnly")


def test_query_api_describes_the_key(net):
    trader = net.create_key("bybit", permissions=("read", "trade", "withdraw"), ips=("127.0.0.1",), label="desk")
    c = Bybit(net.url("bybit"), trader)
    r = c.get("/v5/user/query-api")
    info = result(r)
    assert r.json()["retMsg"] == ""  # this endpoint's success message is empty
    assert info["apiKey"] == trader["api_key"] and info["secret"] == "" and info["readOnly"] == 0
    assert info["permissions"]["Spot"] == ["SpotTrade"] and info["permissions"]["Wallet"] == ["Withdraw"]
    assert info["ips"] == ["127.0.0.1"] and info["note"] == "desk" and info["uta"] == 1
    assert info["expiredAt"] == "1970-01-01T00:00:00Z"
    c.close()

    reader = net.create_key("bybit", permissions=("read",))
    c = Bybit(net.url("bybit"), reader)
    info = result(c.get("/v5/user/query-api"))
    assert info["readOnly"] == 1 and info["permissions"]["Spot"] == [] and info["ips"] == ["*"]
    assert info["deadlineDay"] in (89, 90) and info["rsaPublicKey"] == ""
    c.close()


def test_every_key_can_read_and_rsa_keys_show_their_public_key(net):
    key = net.create_key("bybit", type="rsa", public_key_pem=PUBLIC_PEM, permissions=("trade",))
    assert key["permissions"] == ["read", "trade"] and len(key["api_key"]) == 18
    c = Bybit(net.url("bybit"), key, rsa=True)
    info = result(c.get("/v5/user/query-api"))
    assert info["rsaPublicKey"].startswith("-----BEGIN PUBLIC KEY-----") and info["readOnly"] == 0
    result(c.order())
    c.close()


def test_account_info_and_coin_info(client):
    info = result(client.get("/v5/account/info"))
    assert info["unifiedMarginStatus"] == 6 and info["marginMode"] == "REGULAR_MARGIN"
    body = client.get("/v5/asset/coin/query-info", "coin=BTC").json()
    assert body["retMsg"] == "success"
    assert [row["coin"] for row in body["result"]["rows"]] == ["BTC"]


def test_withdraw_debits_the_ledger(net):
    key = net.create_key("bybit", permissions=("read", "withdraw"), ips=("127.0.0.1",))
    c = Bybit(net.url("bybit"), key)
    body = {"coin": "USDT", "chain": "ETH", "address": "0xabc", "amount": "123.45", "timestamp": now_ms(),
            "accountType": "FUND"}
    r = c.post("/v5/asset/withdraw/create", body)
    assert r.json()["retMsg"] == "success" and result(r)["id"].isdigit()
    assert coins(c)["USDT"]["walletBalance"] == "9876.55"
    c.close()


def test_activity_log_names_the_key(net, client):
    client.get("/v5/account/info")
    client.get("/v5/account/info", secret="wrong")
    log = net.activity(client.key["id"])[-2:]
    assert [(e["path"], e["http_status"], e["error_code"]) for e in log] == [
        ("/v5/account/info", 200, None), ("/v5/account/info", 200, 10004)]
