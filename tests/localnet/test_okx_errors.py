"""OKX's failure matrix: every refusal with OKX's HTTP status, code and message, and no 5xx for junk input."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from snippets import okx as recipe
from tests.localnet.okx_support import Okx, assert_auth_error, assert_error, assert_order_refused, ok_data

BALANCE = "/api/v5/account/balance"
ORDER = "/api/v5/trade/order"
LIMIT_BUY = {"instId": "BTC-USDT", "tdMode": "cash", "side": "buy", "ordType": "limit", "px": "50000", "sz": "0.001"}


@pytest.fixture
def trader(net):
    key = net.create_key("okx", permissions=("read", "trade"))
    client = Okx(net.url("okx"), key)
    yield client
    client.close()


def shifted(seconds: float) -> str:
    return recipe.timestamp_iso(datetime.now(timezone.utc) + timedelta(seconds=seconds))


# ---- headers ------------------------------------------------------------------------------------

@pytest.mark.parametrize("header, code, msg", [
    ("OK-ACCESS-KEY", "50103", 'Request header "OK-ACCESS-KEY" cannot be empty.'),
    ("OK-ACCESS-PASSPHRASE", "50104", 'Request header "OK-ACCESS-PASSPHRASE" cannot be empty.'),
    ("OK-ACCESS-SIGN", "50106", 'Request header "OK-ACCESS-SIGN" cannot be empty.'),
    ("OK-ACCESS-TIMESTAMP", "50107", 'Request header "OK-ACCESS-TIMESTAMP" cannot be empty.'),
])
def test_missing_header(trader, header, code, msg):
    assert_auth_error(trader.signed("GET", BALANCE, drop=(header,)), code, msg)


def test_empty_header_counts_as_missing(trader):
    response = trader.signed("GET", BALANCE, extra={"OK-ACCESS-SIGN": ""})
    assert_auth_error(response, "50106", 'Request header "OK-ACCESS-SIGN" cannot be empty.')


def test_no_headers_at_all_is_50103(net):
    response = Okx(net.url("okx")).raw("GET", BALANCE)
    assert_auth_error(response, "50103", 'Request header "OK-ACCESS-KEY" cannot be empty.')


# ---- timestamp ----------------------------------------------------------------------------------

@pytest.mark.parametrize("timestamp", [
    "1607418537715",  # milliseconds, not ISO 8601
    "2020-12-08T09:08:57Z",  # no milliseconds
    "2020-12-08T09:08:57.7Z",  # one decimal
    "2020-12-08 09:08:57.715Z",  # space instead of T
    "2020-12-08T09:08:57.715+00:00",  # offset instead of Z
    "2020-13-08T09:08:57.715Z",  # month 13
])
def test_unreadable_timestamp_is_50112(trader, timestamp):
    assert_auth_error(trader.signed("GET", BALANCE, timestamp=timestamp), "50112", "Invalid OK-ACCESS-TIMESTAMP.")


@pytest.mark.parametrize("seconds", [-45, 45, -3600])
def test_timestamp_more_than_30_s_away_is_50102(trader, seconds):
    assert_auth_error(trader.signed("GET", BALANCE, timestamp=shifted(seconds)), "50102",
                      "Timestamp request expired.")


@pytest.mark.parametrize("seconds", [-20, 20])
def test_timestamp_within_30_s_is_accepted(trader, seconds):
    ok_data(trader.signed("GET", BALANCE, timestamp=shifted(seconds)))


def test_window_edge_with_frozen_clock(net, trader):
    now = 1_700_000_000_000
    at = datetime.fromtimestamp(now / 1000, tz=timezone.utc)
    net.set_clock(frozen_time_ms=now)
    try:
        ok_data(trader.signed("GET", BALANCE, timestamp=recipe.timestamp_iso(at - timedelta(seconds=30))))
        late = trader.signed("GET", BALANCE, timestamp=recipe.timestamp_iso(at - timedelta(seconds=30.001)))
        assert_auth_error(late, "50102", "Timestamp request expired.")
    finally:
        net.set_clock()


# ---- key, environment, passphrase, signature, IP ------------------------------------------------

def test_unknown_key_is_50111(net, trader):
    trader.key = {**trader.key, "api_key": "00000000-0000-0000-0000-000000000000"}
    assert_auth_error(trader.get(BALANCE), "50111", "Invalid OK-ACCESS-KEY.")


def test_revoked_key_is_50111_and_logged_against_the_key(net):
    key = net.create_key("okx")
    client = Okx(net.url("okx"), key)
    ok_data(client.get(BALANCE))
    net.revoke_key(key["id"])
    assert_auth_error(client.get(BALANCE), "50111", "Invalid OK-ACCESS-KEY.")
    last = net.activity(key["id"])[-1]
    assert (last["http_status"], last["error_code"], last["outcome"]) == (401, 50111, "error")


@pytest.mark.parametrize("extra", [{}, {"x-simulated-trading": "0"}, {"x-simulated-trading": "true"}])
def test_without_the_demo_header_is_50101(trader, extra):
    response = trader.signed("GET", BALANCE, demo=False, extra=extra)
    assert_auth_error(response, "50101", "APIKey does not match current environment.")


def test_wrong_passphrase_is_50105(trader):
    response = trader.signed("GET", BALANCE, passphrase="not-the-passphrase")
    assert_auth_error(response, "50105", 'Request header "OK-ACCESS-PASSPHRASE" incorrect.')


def test_wrong_secret_is_50113(trader):
    response = trader.signed("GET", BALANCE, secret="0" * 32)
    assert_auth_error(response, "50113", "Invalid signature.")


def test_signature_not_base64_is_50113(trader):
    response = trader.signed("GET", BALANCE, extra={"OK-ACCESS-SIGN": "not a signature"})
    assert_auth_error(response, "50113", "Invalid signature.")


def test_signature_of_other_body_is_50113(trader):
    target_body = recipe.json_body(LIMIT_BUY)
    headers = recipe.auth_headers(trader.key["api_key"], trader.key["secret"], trader.key["passphrase"], "POST",
                                  ORDER, target_body)
    response = trader.raw("POST", ORDER, recipe.json_body({**LIMIT_BUY, "sz": "0.002"}).encode(), headers)
    assert_auth_error(response, "50113", "Invalid signature.")


def test_ip_outside_the_allow_list_is_50110(net):
    key = net.create_key("okx", ips=("10.0.0.0/8",))
    response = Okx(net.url("okx"), key).get(BALANCE)
    assert_auth_error(response, "50110", "Your IP 127.0.0.1 is not included in your API key's IP whitelist.")


def test_ip_inside_the_allow_list_works(net):
    key = net.create_key("okx", ips=("127.0.0.1",))
    ok_data(Okx(net.url("okx"), key).get(BALANCE))


# ---- permissions --------------------------------------------------------------------------------

def test_read_only_key_cannot_trade_50120(net):
    key = net.create_key("okx", permissions=("read",))
    response = Okx(net.url("okx"), key).post(ORDER, LIMIT_BUY)
    assert_error(response, 200, "50120", "This API key doesn't have permission to use this function")


def test_trade_key_cannot_withdraw_50120(trader):
    response = trader.post("/api/v5/asset/withdrawal", {"ccy": "USDT", "amt": "1", "dest": "4", "toAddr": "TXyz"})
    assert_error(response, 200, "50120", "This API key doesn't have permission to use this function")


# ---- routing ------------------------------------------------------------------------------------

def test_unknown_path_is_404(net):
    assert_error(Okx(net.url("okx")).raw("GET", "/api/v5/nothing/here"), 404, "404", "Not Found")


def test_wrong_method_is_50115(net):
    response = Okx(net.url("okx")).raw("POST", "/api/v5/public/time")
    assert_error(response, 405, "50115", "Invalid request method.")


# ---- malformed input: OKX's own 4xx / 200 errors, never a 5xx -----------------------------------

@pytest.mark.parametrize("body, content_type, code, msg", [
    (b"", "application/json", "50000", "Body for POST request cannot be empty."),
    (b'{"instId": ', "application/json", "50002", "JSON syntax error"),
    (b'{"sz": NaN}', "application/json", "50002", "JSON syntax error"),
    (b'["not", "an", "object"]', "application/json", "50002", "JSON syntax error"),
    (b"instId=BTC-USDT", "application/x-www-form-urlencoded", "50006",
     'Invalid Content-Type. Please use "application/JSON".'),
])
def test_malformed_post_bodies(trader, body, content_type, code, msg):
    headers = recipe.auth_headers(trader.key["api_key"], trader.key["secret"], trader.key["passphrase"], "POST",
                                  ORDER, body.decode("ascii"))
    headers["Content-Type"] = content_type
    assert_error(trader.raw("POST", ORDER, body, headers), 400, code, msg)


def test_invalid_utf8_body_signed_as_bytes_is_50002(trader):
    import base64, hashlib, hmac  # noqa: E401
    body = b'{"instId": "BTC-\xff"}'
    timestamp = recipe.timestamp_iso()
    message = (timestamp + "POST" + ORDER).encode() + body
    sign = base64.b64encode(hmac.new(trader.key["secret"].encode(), message, hashlib.sha256).digest()).decode()
    headers = {"OK-ACCESS-KEY": trader.key["api_key"], "OK-ACCESS-SIGN": sign, "OK-ACCESS-TIMESTAMP": timestamp,
               "OK-ACCESS-PASSPHRASE": trader.key["passphrase"], "x-simulated-trading": "1",
               "Content-Type": "application/json"}
    assert_error(trader.raw("POST", ORDER, body, headers), 400, "50002", "JSON syntax error")


@pytest.mark.parametrize("missing", ["instId", "tdMode", "side", "ordType", "sz"])
def test_missing_order_parameter_is_50014(trader, missing):
    order = {k: v for k, v in LIMIT_BUY.items() if k != missing}
    assert_error(trader.post(ORDER, order), 400, "50014", f"Parameter {missing} can not be empty.")


@pytest.mark.parametrize("change, s_code, s_msg", [
    ({"instId": "DOGE-USDT"}, "51001", "Instrument ID, Instrument ID code or Spread ID doesn't exist."),
    ({"side": "hold"}, "51000", "Parameter side error"),
    ({"ordType": "stop"}, "51000", "Parameter ordType error"),
    ({"tdMode": "cross"}, "51010", "Request unsupported under current account mode"),
    ({"tdMode": "nonsense"}, "51000", "Parameter tdMode error"),
    ({"sz": "1e-3"}, "51000", "Parameter sz error"),
    ({"sz": "-1"}, "51000", "Parameter sz error"),
    ({"sz": "NaN"}, "51000", "Parameter sz error"),
    ({"sz": "1" * 40}, "51000", "Parameter sz error"),
    ({"sz": {"nested": 1}}, "51000", "Parameter sz error"),
    ({"px": "Infinity"}, "51000", "Parameter px error"),
    ({"px": "50000.001"}, "51150", "The precision of the number of trades or the price exceeds the limit."),
    ({"px": "2000000"}, "51006",
     "Order price is not within the price limit (max buy price: 1000000 , min sell price: 0.01 )"),
    ({"px": ""}, "51204", "The price for the limit order cannot be empty."),
    ({"sz": "0.000015"}, "51121", "Order quantity must be a multiple of the lot size."),
    ({"sz": "0.00001"}, "51020", "Your order should meet or exceed the minimum order amount."),
    ({"sz": "10000"}, "51203", "Order amount exceeds the limit 9000."),
    ({"sz": "5", "px": "60000"}, "51008", "Order failed. Insufficient USDT balance in account"),
    ({"clOrdId": "has space"}, "51000", "Parameter clOrdId error"),
    ({"tag": "x" * 17}, "51000", "Parameter tag error"),
])
def test_refused_orders_carry_scode(trader, change, s_code, s_msg):
    assert_order_refused(trader.post(ORDER, {**LIMIT_BUY, **change}), s_code, s_msg)


def test_huge_json_numbers_are_refused_not_crashed(trader):
    start = '{"instId":"BTC-USDT","tdMode":"cash","side":"buy","ordType":"limit","px":"50000","sz":'
    assert_order_refused(trader.signed("POST", ORDER, body=start + "9" * 30 + "}"), "51000", "Parameter sz error")
    assert_error(trader.signed("POST", ORDER, body=start + "9" * 5000 + "}"), 400, "50002", "JSON syntax error")


def test_deeply_nested_json_is_refused_not_crashed(trader):
    body = '{"instId":' + "[" * 5000 + "]" * 5000 + "}"
    assert_error(trader.signed("POST", ORDER, body=body), 400, "50002", "JSON syntax error")


@pytest.mark.parametrize("query, status, code, msg", [
    ("", 400, "50014", "Parameter instType can not be empty."),
    ("?instType=STOCKS", 400, "51000", "Parameter instType error"),
    ("?instType=SPOT&instId=DOGE-USDT", 200, "51001", "Instrument ID, Instrument ID code or Spread ID doesn't exist."),
    ("?instType=SPOT&instId=%FF", 400, "51000", "Parameter query error"),
])
def test_public_parameter_errors(net, query, status, code, msg):
    response = Okx(net.url("okx")).raw("GET", "/api/v5/public/instruments" + query)
    assert_error(response, status, code, msg)


@pytest.mark.parametrize("query, status, code, msg", [
    ("", 400, "50014", "Parameter instId can not be empty."),
    ("?instId=BTCUSDT", 200, "51001", "Instrument ID, Instrument ID code or Spread ID doesn't exist."),
    ("?instId=BTC-USDT&sz=401", 400, "51000", "Parameter sz error"),
    ("?instId=BTC-USDT&sz=-1", 400, "51000", "Parameter sz error"),
])
def test_order_book_parameter_errors(net, query, status, code, msg):
    assert_error(Okx(net.url("okx")).raw("GET", "/api/v5/market/books" + query), status, code, msg)


def test_get_order_errors(trader):
    assert_error(trader.get(ORDER, instId="BTC-USDT"), 200, "51003", "Either client order ID or order ID is required.")
    assert_error(trader.get(ORDER, instId="BTC-USDT", ordId="12"), 200, "51603", "Order does not exist.")
    assert_error(trader.get(ORDER, instId="BTC-USDT", ordId="abc"), 200, "51603", "Order does not exist.")
    assert_error(trader.get(ORDER, ordId="1"), 400, "50014", "Parameter instId can not be empty.")


def test_oversized_body_is_413(trader):
    body = '{"instId":"' + "A" * 70_000 + '"}'
    response = trader.signed("POST", ORDER, body=body)
    assert_error(response, 413, "413", "Request Entity Too Large")
