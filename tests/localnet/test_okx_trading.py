"""OKX trading, balances, introspection, withdrawals, key life cycle and public data against localnet."""

from __future__ import annotations

from decimal import Decimal

import pytest

from localnet.core import ledger
from tests.localnet.okx_support import Okx, assert_auth_error, assert_error, assert_order_refused, ok_data

ORDER = "/api/v5/trade/order"
CANCEL = "/api/v5/trade/cancel-order"
BALANCE = "/api/v5/account/balance"
LIMIT_BUY = {"instId": "BTC-USDT", "tdMode": "cash", "side": "buy", "ordType": "limit", "px": "50000", "sz": "0.01"}


@pytest.fixture
def trader(net):
    key = net.create_key("okx", permissions=("read", "trade"))
    client = Okx(net.url("okx"), key)
    yield client
    client.close()


def balances(client: Okx) -> dict[str, tuple[str, str]]:
    details = ok_data(client.get(BALANCE))[0]["details"]
    return {d["ccy"]: (d["availBal"], d["frozenBal"]) for d in details}


# ---- public data ----------------------------------------------------------------------------------

@pytest.mark.parametrize("demo_header", [{}, {"x-simulated-trading": "1"}])
def test_public_endpoints_work_with_or_without_demo_header(net, demo_header):
    client = Okx(net.url("okx"))
    response = client.raw("GET", "/api/v5/public/instruments?instType=SPOT", headers=demo_header)
    ids = [i["instId"] for i in ok_data(response)]
    assert ids == ["BTC-USDT", "ETH-USDT", "ETH-BTC", "LTC-BTC"]


def test_instrument_rules(net):
    btc = ok_data(Okx(net.url("okx")).public("/api/v5/public/instruments", instType="SPOT", instId="BTC-USDT"))[0]
    assert (btc["baseCcy"], btc["quoteCcy"], btc["tickSz"], btc["lotSz"], btc["minSz"], btc["state"]) == (
        "BTC", "USDT", "0.01", "0.00001", "0.00009", "live")


@pytest.mark.parametrize("inst_type", ["FUTURES", "SWAP", "OPTION", "MARGIN"])
def test_other_instrument_types_are_empty(net, inst_type):
    assert ok_data(Okx(net.url("okx")).public("/api/v5/public/instruments", instType=inst_type)) == []


def test_server_time_follows_the_clock(net):
    net.set_clock(frozen_time_ms=1607418537715)
    try:
        assert ok_data(Okx(net.url("okx")).public("/api/v5/public/time")) == [{"ts": "1607418537715"}]
    finally:
        net.set_clock()


def test_ticker_tickers_and_book(net):
    client = Okx(net.url("okx"))
    ticker = ok_data(client.public("/api/v5/market/ticker", instId="ETH-BTC"))[0]
    assert ticker["instId"] == "ETH-BTC" and Decimal(ticker["bidPx"]) < Decimal(ticker["askPx"])
    assert len(ok_data(client.public("/api/v5/market/tickers", instType="SPOT"))) == 4
    book = ok_data(client.public("/api/v5/market/books", instId="BTC-USDT"))[0]
    assert len(book["asks"]) == len(book["bids"]) == 1  # OKX's default depth is 1
    deep = ok_data(client.public("/api/v5/market/books", instId="BTC-USDT", sz="5"))[0]
    assert len(deep["asks"]) == 5 and deep["asks"][0] == book["asks"][0] and len(deep["asks"][0]) == 4


# ---- orders ---------------------------------------------------------------------------------------

def test_limit_order_rests_locks_funds_and_cancels(trader):
    placed = ok_data(trader.post(ORDER, {**LIMIT_BUY, "clOrdId": "myorder1", "tag": "lesson"}))[0]
    assert (placed["sCode"], placed["sMsg"], placed["clOrdId"], placed["tag"]) == ("0", "Order placed", "myorder1",
                                                                                   "lesson")
    assert placed["ordId"].isdigit()
    assert balances(trader)["USDT"] == ("9500", "500")
    order = ok_data(trader.get(ORDER, instId="BTC-USDT", ordId=placed["ordId"]))[0]
    assert (order["state"], order["px"], order["sz"], order["accFillSz"], order["side"], order["ordType"]) == (
        "live", "50000", "0.01", "0", "buy", "limit")
    by_client = ok_data(trader.get(ORDER, instId="BTC-USDT", clOrdId="myorder1"))[0]
    assert by_client["ordId"] == placed["ordId"]
    pending = ok_data(trader.get("/api/v5/trade/orders-pending", instType="SPOT"))
    assert [o["ordId"] for o in pending] == [placed["ordId"]]
    cancelled = ok_data(trader.post(CANCEL, {"instId": "BTC-USDT", "ordId": placed["ordId"]}))[0]
    assert (cancelled["sCode"], cancelled["ordId"], cancelled["clOrdId"]) == ("0", placed["ordId"], "myorder1")
    assert balances(trader)["USDT"] == ("10000", "0")
    assert ok_data(trader.get(ORDER, instId="BTC-USDT", ordId=placed["ordId"]))[0]["state"] == "canceled"
    again = trader.post(CANCEL, {"instId": "BTC-USDT", "ordId": placed["ordId"]})
    assert_order_refused(again, "51400",
                         "Order cancellation failed as the order has been filled, canceled or does not exist.")


def test_market_buy_spends_quote_by_default_and_fills(trader):
    placed = ok_data(trader.post(ORDER, {"instId": "BTC-USDT", "tdMode": "cash", "side": "buy", "ordType": "market",
                                         "sz": "600"}))[0]
    order = ok_data(trader.get(ORDER, instId="BTC-USDT", ordId=placed["ordId"]))[0]
    assert (order["state"], order["tgtCcy"], order["sz"], order["clOrdId"]) == ("filled", "quote_ccy", "600", "")
    fills = ok_data(trader.get("/api/v5/trade/fills", instType="SPOT", ordId=placed["ordId"]))
    assert fills and all(f["ordId"] == placed["ordId"] and f["side"] == "buy" for f in fills)
    bought = sum(Decimal(f["fillSz"]) for f in fills)
    assert bought == Decimal(order["accFillSz"]) > 0
    fee = sum(-Decimal(f["fee"]) for f in fills)
    assert Decimal(balances(trader)["BTC"][0]) == 1 + bought - fee


def test_market_sell_by_base_amount(trader):
    placed = ok_data(trader.post(ORDER, {"instId": "ETH-BTC", "tdMode": "cash", "side": "sell", "ordType": "market",
                                         "sz": "1"}))[0]
    order = ok_data(trader.get(ORDER, instId="ETH-BTC", ordId=placed["ordId"]))[0]
    assert (order["state"], order["accFillSz"], order["tgtCcy"]) == ("filled", "1", "base_ccy")
    assert balances(trader)["ETH"] == ("9", "0")


def test_fok_that_cannot_fill_is_canceled(trader):
    placed = ok_data(trader.post(ORDER, {**LIMIT_BUY, "ordType": "fok", "px": "60000", "sz": "0.01"}))[0]
    order = ok_data(trader.get(ORDER, instId="BTC-USDT", ordId=placed["ordId"]))[0]
    assert (order["state"], order["accFillSz"]) == ("canceled", "0")


def test_duplicate_open_client_id_is_51016(trader):
    ok_data(trader.post(ORDER, {**LIMIT_BUY, "clOrdId": "dup1"}))
    assert_order_refused(trader.post(ORDER, {**LIMIT_BUY, "clOrdId": "dup1"}), "51016",
                         "Client order ID already exists.")


def test_batch_orders_partial_success_is_code_2(trader):
    bad = {**LIMIT_BUY, "instId": "DOGE-USDT"}
    response = trader.post("/api/v5/trade/batch-orders", [LIMIT_BUY, bad])
    body = response.json()
    assert response.status_code == 200 and body["code"] == "2"
    assert [d["sCode"] for d in body["data"]] == ["0", "51001"]


def test_batch_of_21_orders_is_51111(trader):
    response = trader.post("/api/v5/trade/batch-orders", [LIMIT_BUY] * 21)
    assert_error(response, 200, "51111", "Maximum 20 orders can be placed in bulk.")


def test_cancel_unknown_order_is_51400(trader):
    response = trader.post(CANCEL, {"instId": "BTC-USDT", "ordId": "700000000000999999"})
    item = assert_order_refused(response, "51400",
                                "Order cancellation failed as the order has been filled, canceled or does not exist.")
    assert item["ordId"] == "700000000000999999"


def test_orders_of_another_account_are_invisible(net, trader):
    placed = ok_data(trader.post(ORDER, LIMIT_BUY))[0]
    other = Okx(net.url("okx"), net.create_key("okx", permissions=("read", "trade")))
    assert_error(other.get(ORDER, instId="BTC-USDT", ordId=placed["ordId"]), 200, "51603", "Order does not exist.")


# ---- introspection, withdrawals, key life cycle -----------------------------------------------------

def test_account_config_shows_perm_ip_and_label(net):
    key = net.create_key("okx", permissions=("trade", "withdraw"), ips=("127.0.0.1", "10.0.0.0/8"), label="bot")
    config = ok_data(Okx(net.url("okx"), key).get("/api/v5/account/config"))[0]
    assert (config["perm"], config["ip"], config["label"]) == (
        "read_only,trade,withdraw", "127.0.0.1,10.0.0.0/8", "bot")
    assert config["uid"].isdigit() and config["uid"] == config["mainUid"] and config["acctLv"] == "1"


def test_read_key_config(net):
    key = net.create_key("okx")
    config = ok_data(Okx(net.url("okx"), key).get("/api/v5/account/config"))[0]
    assert (config["perm"], config["ip"], config["label"]) == ("read_only", "", "")


def test_withdrawal_needs_withdraw_permission_and_debits(net):
    key = net.create_key("okx", permissions=("read", "withdraw"))
    client = Okx(net.url("okx"), key)
    body = {"ccy": "USDT", "amt": "250.5", "dest": "4", "toAddr": "TXyzExampleAddress", "chain": "USDT-TRC20"}
    done = ok_data(client.post("/api/v5/asset/withdrawal", body))[0]
    assert (done["ccy"], done["amt"], done["chain"]) == ("USDT", "250.5", "USDT-TRC20") and done["wdId"].isdigit()
    assert balances(client)["USDT"] == ("9749.5", "0")
    too_much = client.post("/api/v5/asset/withdrawal", {**body, "amt": "100000"})
    assert_error(too_much, 200, "58350", "Insufficient balance.")
    assert_error(client.post("/api/v5/asset/withdrawal", {**body, "ccy": "XRP"}), 200, "51012", "Token doesn't exist.")
    assert_error(client.post("/api/v5/asset/withdrawal", {**body, "dest": "9"}), 400, "51000", "Parameter dest error")
    assert ledger.expected_totals(net.store, key["account_id"])["USDT"] == Decimal("9749.5")


def test_funding_balances_and_currencies(net, trader):
    funding = ok_data(trader.get("/api/v5/asset/balances", ccy="BTC,USDT"))
    assert {b["ccy"]: b["availBal"] for b in funding} == {"BTC": "1", "USDT": "10000"}
    currencies = ok_data(trader.get("/api/v5/asset/currencies"))
    assert {c["ccy"] for c in currencies} == {"BTC", "ETH", "LTC", "USDT"}


def test_rotated_key_refuses_the_old_secret(net):
    key = net.create_key("okx")
    old = Okx(net.url("okx"), key)
    ok_data(old.get(BALANCE))
    rotated = net.rotate_key(key["id"])
    assert rotated["secret"] != key["secret"] and rotated["passphrase"] == key["passphrase"]
    assert_auth_error(old.get(BALANCE), "50113", "Invalid signature.")
    ok_data(Okx(net.url("okx"), {**key, "secret": rotated["secret"]}).get(BALANCE))


def test_generated_key_looks_like_okx(net):
    key = net.create_key("okx", permissions=("trade",))
    assert len(key["api_key"]) == 36 and key["api_key"].count("-") == 4
    assert len(key["secret"]) == 32 and key["secret"] == key["secret"].upper()
    assert key["passphrase"] and key["permissions"] == ["read", "trade"]


def test_key_rules(net):
    from localnet.core.keys import KeyProblem
    with pytest.raises(KeyProblem):
        net.create_key("okx", type="ed25519", public_key_pem="x")
    with pytest.raises(KeyProblem):
        net.create_key("okx", passphrase="with\nnewline")
    with pytest.raises(KeyProblem):
        net.create_key("okx", ips=[f"10.0.0.{i}" for i in range(21)])


def test_successful_calls_are_logged(net, trader):
    ok_data(trader.get(BALANCE))
    last = net.activity(trader.key["id"])[-1]
    assert (last["path"], last["http_status"], last["outcome"]) == (BALANCE, 200, "ok")


def test_failed_order_is_logged_with_its_scode(net, trader):
    trader.post(ORDER, {**LIMIT_BUY, "sz": "5", "px": "60000"})
    last = net.activity(trader.key["id"])[-1]
    assert (last["http_status"], last["error_code"], last["outcome"]) == (200, 51008, "error")


def test_wrong_signature_is_logged_against_the_key(net, trader):
    assert_auth_error(trader.signed("GET", BALANCE, secret="X" * 32), "50113", "Invalid signature.")
    last = net.activity(trader.key["id"])[-1]
    assert (last["http_status"], last["error_code"]) == (401, 50113)
