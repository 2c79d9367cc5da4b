"""Kraken endpoints doing their work: market data, balances, orders, fills, introspection, withdrawals."""

from __future__ import annotations

from decimal import Decimal

import pytest

from localnet.core import ledger
from tests.localnet.kraken_support import DEMO_SECRET, Kraken, demo_api_key


@pytest.fixture
def trader(net):
    key = net.create_key("kraken", permissions=("read", "trade", "withdraw"), api_key=demo_api_key(),
                         secret=DEMO_SECRET, label="trading-bot")
    client = Kraken(net.url("kraken"), key)
    yield client
    client.close()


def test_public_market_data_shapes(net):
    client = Kraken(net.url("kraken"))
    assert client.public("SystemStatus").json()["result"]["status"] == "online"
    pairs = client.public("AssetPairs").json()["result"]
    assert set(pairs) == {"XXBTZUSD", "XETHZUSD", "XETHXXBT", "XLTCXXBT", "XBTUSDT", "ETHUSDT"}
    xbt = pairs["XXBTZUSD"]
    assert (xbt["altname"], xbt["wsname"], xbt["base"], xbt["quote"]) == ("XBTUSD", "XBT/USD", "XXBT", "ZUSD")
    assert (xbt["pair_decimals"], xbt["tick_size"], xbt["ordermin"]) == (1, "0.1", "0.00005")
    assets = client.public("Assets").json()["result"]
    assert assets["XXBT"]["altname"] == "XBT" and assets["ZUSD"]["decimals"] == 4
    by_alt = client.public("Ticker", pair="XBTUSD").json()["result"]
    assert list(by_alt) == ["XXBTZUSD"]
    ask, bid = Decimal(by_alt["XXBTZUSD"]["a"][0]), Decimal(by_alt["XXBTZUSD"]["b"][0])
    assert bid < ask
    book = client.public("Depth", pair="XXBTZUSD", count=3).json()["result"]["XXBTZUSD"]
    assert len(book["asks"]) == len(book["bids"]) == 3
    assert Decimal(book["asks"][0][0]) == ask and Decimal(book["bids"][0][0]) == bid
    time = client.public("Time").json()["result"]
    assert isinstance(time["unixtime"], int) and time["rfc1123"].endswith("+0000")
    client.close()


def test_balances_in_kraken_asset_ids(trader):
    balance = trader.result("Balance")
    assert balance == {"XXBT": "1.0000000000", "XETH": "10.0000000000", "XLTC": "100.0000000000",
                       "ZUSD": "100000.0000", "USDT": "10000.00000000"}
    extended = trader.result("BalanceEx")
    assert extended["ZUSD"] == {"balance": "100000.0000", "credit": "0.0000", "credit_used": "0.0000",
                                "hold_trade": "0.0000"}


def test_limit_order_rests_is_queried_and_cancelled(trader):
    placed = trader.result("AddOrder", pair="XBTUSD", type="buy", ordertype="limit", price="50000.0",
                           volume="0.01", cl_ord_id="my-first-order")
    assert placed["descr"] == {"order": "buy 0.01000000 XBTUSD @ limit 50000.0"}
    (txid,) = placed["txid"]
    assert trader.result("BalanceEx")["ZUSD"]["hold_trade"] == "500.0000"
    open_orders = trader.result("OpenOrders")["open"]
    assert list(open_orders) == [txid]
    info = open_orders[txid]
    assert (info["status"], info["cl_ord_id"], info["vol"], info["vol_exec"]) == (
        "open", "my-first-order", "0.01000000", "0.00000000")
    assert trader.result("QueryOrders", txid=txid)[txid]["descr"]["pair"] == "XBTUSD"
    assert trader.result("CancelOrder", txid=txid) == {"count": 1}
    assert trader.result("OpenOrders")["open"] == {}
    closed = trader.result("ClosedOrders")
    assert closed["count"] == 1 and closed["closed"][txid]["status"] == "canceled"
    assert closed["closed"][txid]["reason"] == "User requested"
    assert trader.result("BalanceEx")["ZUSD"]["hold_trade"] == "0.0000"
    # Cancelled already: Kraken says the order is unknown (ccxt turns that into OrderNotFound).
    response = trader.private("CancelOrder", txid=txid)
    assert response.json() == {"error": ["EOrder:Unknown order"]}


def test_cancel_by_client_order_id(trader):
    trader.result("AddOrder", pair="ETHUSD", type="sell", ordertype="limit", price="9000", volume="0.5",
                  cl_ord_id="take-profit-1")
    assert trader.result("CancelOrder", cl_ord_id="take-profit-1") == {"count": 1}


def test_market_order_fills_and_shows_in_trade_history(trader, net):
    placed = trader.result("AddOrder", pair="XBTUSD", type="buy", ordertype="market", volume="0.5")
    (txid,) = placed["txid"]
    assert placed["descr"]["order"] == "buy 0.50000000 XBTUSD @ market"
    order = trader.result("QueryOrders", txid=txid, trades="true")[txid]
    assert order["status"] == "closed" and order["vol_exec"] == "0.50000000"
    assert Decimal(order["cost"]) > 0 and Decimal(order["fee"]) > 0
    history = trader.result("TradesHistory")
    assert history["count"] == len(order["trades"]) >= 1
    assert set(history["trades"]) == set(order["trades"])
    fill = next(iter(history["trades"].values()))
    assert (fill["ordertxid"], fill["pair"], fill["type"], fill["ordertype"]) == (txid, "XXBTZUSD", "buy", "market")
    # The ledger agrees with the balances Kraken shows.
    totals = ledger.expected_totals(net.store, trader.key["account_id"])
    assert Decimal(trader.result("Balance")["XXBT"]) == totals["BTC"].quantize(Decimal("1E-10"))


def test_validate_only_checks_the_order(trader):
    checked = trader.result("AddOrder", pair="XBTUSD", type="buy", ordertype="limit", price="37500",
                            volume="1.25", validate="true")
    assert checked == {"descr": {"order": "buy 1.25000000 XBTUSD @ limit 37500.0"}}
    assert trader.result("OpenOrders")["open"] == {}


def test_ioc_order_that_cannot_fill_is_cancelled(trader):
    (txid,) = trader.result("AddOrder", pair="XBTUSD", type="buy", ordertype="limit", price="40000",
                            volume="0.01", timeinforce="IOC")["txid"]
    assert trader.result("QueryOrders", txid=txid)[txid]["status"] == "canceled"


def test_another_accounts_order_is_not_visible(trader, net):
    (txid,) = trader.result("AddOrder", pair="XBTUSD", type="buy", ordertype="limit", price="40000",
                            volume="0.01")["txid"]
    other = net.create_key("kraken", permissions=("read", "trade"), api_key=demo_api_key(), secret=DEMO_SECRET)
    stranger = Kraken(net.url("kraken"), other)
    assert stranger.private("QueryOrders", txid=txid).json() == {"error": ["EOrder:Invalid order"]}
    assert stranger.private("CancelOrder", txid=txid).json() == {"error": ["EOrder:Unknown order"]}
    stranger.close()


def test_get_api_key_info_reports_the_key(trader):
    info = trader.result("GetApiKeyInfo")
    assert info["apiKey"] == trader.key["api_key"] and info["apiKeyName"] == "trading-bot"
    assert info["permissions"] == ["query-funds", "query-open-trades", "query-closed-trades", "query-ledger",
                                   "modify-trades", "close-trades", "withdraw-funds"]
    assert info["ipAllowlist"] == [] and info["nonceWindow"] == 0
    assert int(info["nonce"]) > 0  # the nonce of this very call


def test_withdraw_debits_the_ledger(trader):
    refid = trader.result("Withdraw", asset="XBT", key="my-cold-wallet", amount="0.25")["refid"]
    assert refid.startswith("A") and len(refid) == 21
    assert trader.result("Balance")["XXBT"] == "0.7500000000"
    assert trader.result("Withdraw", asset="ZUSD", key="bank", amount="100")["refid"] != refid
    assert trader.result("Balance")["ZUSD"] == "99900.0000"


def test_withdraw_needs_the_withdraw_permission(net):
    key = net.create_key("kraken", permissions=("read", "trade"), api_key=demo_api_key(), secret=DEMO_SECRET)
    client = Kraken(net.url("kraken"), key)
    assert client.private("Withdraw", asset="XBT", key="w", amount="0.1").json() == {
        "error": ["EGeneral:Permission denied"]}
    assert client.result("Balance")["XXBT"] == "1.0000000000"
    client.close()


def test_generated_keys_have_krakens_shapes(net):
    key = net.create_key("kraken", permissions=("read",))
    import base64
    assert len(key["api_key"]) == 56 and len(base64.b64decode(key["secret"], validate=True)) == 64
    client = Kraken(net.url("kraken"), key)
    assert "XXBT" in client.result("Balance")
    client.close()


@pytest.mark.parametrize("kwargs, message", [
    ({"api_key": "too-short", "secret": DEMO_SECRET}, "56 characters"),
    ({"api_key": "A" * 56, "secret": "bm90LTY0LWJ5dGVz"}, "64 bytes"),
    ({"api_key": "A" * 56, "secret": "not base64 at all"}, "64 bytes"),
    ({"type": "ed25519"}, "HMAC"),
])
def test_keys_kraken_would_not_issue_are_refused(net, kwargs, message):
    from localnet.core.keys import KeyProblem
    with pytest.raises(KeyProblem, match=message):
        net.create_key("kraken", **kwargs)
