"""Bybit's failure matrix: each refusal with its HTTP status, retCode and retMsg, in Bybit's check order."""

from __future__ import annotations

import json

import pytest

from localnet.client import start
from tests.localnet.bybit_support import Bybit, assert_error, now_ms, result

SIGN_PREFIX = "Error sign, please check your signature generation algorithm: origin_string[***"
STALE = "invalid request, please check your server timestamp or recv_window param. "


@pytest.fixture
def client(net):
    c = Bybit(net.url("bybit"), net.create_key("bybit", permissions=("read", "trade")))
    yield c
    c.close()


@pytest.fixture
def reader(net):
    c = Bybit(net.url("bybit"), net.create_key("bybit", permissions=("read",)))
    yield c
    c.close()


# ---- headers -----------------------------------------------------------------------------------------

def test_no_auth_headers_is_401_without_a_body(client):
    r = client.raw("GET", "/v5/account/wallet-balance?accountType=UNIFIED")
    assert r.status_code == 401 and r.content == b""


def test_legacy_query_authentication_is_401(client):
    query = f"accountType=UNIFIED&api_key={client.key['api_key']}&timestamp={now_ms()}&sign=00"
    r = client.raw("GET", f"/v5/account/wallet-balance?{query}")
    assert r.status_code == 401 and r.content == b""


def test_missing_timestamp(client):
    headers = client.headers(b"")
    del headers["X-BAPI-TIMESTAMP"]
    assert_error(client.raw("GET", "/v5/account/info", headers=headers), 10001,
                 f"empty value: apiTimestamp[] apiKey[{client.key['api_key']}]: Request parameter error.")


def test_missing_signature(client):
    headers = client.headers(b"", timestamp=1234)
    del headers["X-BAPI-SIGN"]
    assert_error(client.raw("GET", "/v5/account/info", headers=headers), 10001,
                 f"empty value: apiTimestamp[1234] apiKey[{client.key['api_key']}] apiSignature[]: "
                 "Request parameter error.")


@pytest.mark.parametrize("stamp", ["abc", "1.5e12", "", "12abc", "99999999999999999999"])
def test_unreadable_timestamp(client, stamp):
    headers = client.headers(b"")
    headers["X-BAPI-TIMESTAMP"] = stamp
    if stamp == "":
        assert_error(client.raw("GET", "/v5/account/info", headers=headers), 10001,
                     f"empty value: apiTimestamp[] apiKey[{client.key['api_key']}]: Request parameter error.")
    else:
        assert_error(client.raw("GET", "/v5/account/info", headers=headers), 10001,
                     "openapi params error! req_timestamp invalid")


@pytest.mark.parametrize("window", ["5s", "5000.0", "99999999999999999999"])
def test_unreadable_recv_window(client, window):
    assert_error(client.get("/v5/account/info", window=window), 10001, "openapi params error! recv_window invalid")


# ---- time, key, IP, permission, signature (in that order) ---------------------------------------------

def test_stale_and_future_timestamps(net, client):
    server = 1_750_000_000_000
    net.set_clock(frozen_time_ms=server)
    try:
        for stamp in (server - 60_000, server + 1000):
            assert_error(client.get("/v5/account/info", timestamp=stamp), 10002,
                         STALE + f"req_timestamp[{stamp}],server_timestamp[{server}],recv_window[5000]")
    finally:
        net.set_clock()


def test_time_is_checked_before_the_key(net, client):
    stamp = now_ms() - 3_600_000
    r = client.get("/v5/account/info", timestamp=stamp, api_key="NO_SUCH_KEY_123456")
    assert r.json()["retCode"] == 10002


def test_unknown_key(client):
    assert_error(client.get("/v5/account/info", api_key="NO_SUCH_KEY_123456"), 10003, "API key is invalid.")


def test_bad_signature_echoes_what_was_signed(client):
    body = {"category": "spot", "symbol": "BTCUSDT", "side": "Buy", "orderType": "Limit", "qty": "0.01",
            "price": "50000"}
    r = client.post("/v5/order/create", body, secret="not-the-secret")
    assert_error(r, 10004, SIGN_PREFIX + json.dumps(body) + "]")
    r = client.get("/v5/account/wallet-balance", "accountType=UNIFIED", secret="not-the-secret")
    assert_error(r, 10004, SIGN_PREFIX + "accountType=UNIFIED]")


def test_read_only_key_cannot_trade(reader):
    assert_error(reader.order(), 10005, "Permission denied, please check your API key permissions.")


def test_permission_is_checked_before_the_signature(reader):
    assert_error(reader.order(secret="wrong"), 10005, "Permission denied, please check your API key permissions.")


def test_withdraw_needs_the_withdraw_permission(client):
    body = {"coin": "USDT", "chain": "ETH", "address": "0xabc", "amount": "10", "timestamp": now_ms(),
            "accountType": "FUND"}
    assert_error(client.post("/v5/asset/withdraw/create", body), 10005,
                 "Permission denied, please check your API key permissions.")


def test_ip_allow_list(net):
    far = Bybit(net.url("bybit"), net.create_key("bybit", ips=("10.0.0.0/8",)))
    assert_error(far.get("/v5/account/info"), 10010, "Unmatched IP, please check your API key's bound IP addresses.")
    assert_error(far.get("/v5/account/info", secret="wrong"), 10010,
                 "Unmatched IP, please check your API key's bound IP addresses.")
    near = Bybit(net.url("bybit"), net.create_key("bybit", ips=("127.0.0.1",)))
    result(near.get("/v5/account/info"))
    far.close()
    near.close()


def test_revoked_key(net, client):
    result(client.get("/v5/account/info"))
    net.revoke_key(client.key["id"])
    assert_error(client.get("/v5/account/info"), 10003, "API key is invalid.")
    log = net.activity(client.key["id"])  # the refused call is still logged against the revoked key
    assert log[-1]["error_code"] == 10003 and log[-1]["http_status"] == 200


def test_rotated_key_refuses_the_old_secret(net, client):
    old = client.key["secret"]
    rotated = net.rotate_key(client.key["id"])
    assert rotated["secret"] != old and len(rotated["secret"]) == 36
    assert_error(client.get("/v5/account/info", secret=old), 10004, SIGN_PREFIX + "]")
    result(client.get("/v5/account/info", secret=rotated["secret"]))


def test_keys_without_ip_expire_after_90_days(net):
    free = Bybit(net.url("bybit"), net.create_key("bybit"))
    bound = Bybit(net.url("bybit"), net.create_key("bybit", ips=("127.0.0.1",)))
    later = now_ms() + 91 * 86_400_000
    net.set_clock(frozen_time_ms=later)
    try:
        assert_error(free.get("/v5/account/info", timestamp=later), 33004, "Your api key has expired.")
        result(bound.get("/v5/account/info", timestamp=later))
    finally:
        net.set_clock()
        free.close()
        bound.close()


# ---- routes and malformed input -------------------------------------------------------------------

def test_unknown_path_and_wrong_method(client):
    assert_error(client.raw("GET", "/v5/nope"), 10017, "Route not found.", status=404)
    assert_error(client.raw("GET", "/v5/order/create"), 10017, "Route not found.", status=404)
    assert_error(client.raw("DELETE", "/v5/market/time"), 10017, "Route not found.", status=404)


@pytest.mark.parametrize("body", [
    b"{not json", b"\xff\xfe", b"[1, 2]", b'{"qty": NaN}', b"",
])
def test_malformed_bodies_are_10001_or_a_spot_error(client, body):
    r = client.post("/v5/order/create", body)
    if body == b"":
        assert_error(r, 10001, "Illegal category")  # an empty body reads as {}
    else:
        assert_error(r, 10001, "Request parameter error.")


def test_wrong_content_type_still_reads_json(client):
    raw = json.dumps({"category": "spot", "symbol": "NOPE", "side": "Buy", "orderType": "Limit", "qty": "1",
                      "price": "1"}).encode()
    headers = client.headers(raw)
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    assert_error(client.raw("POST", "/v5/order/create", raw, headers), 170121, "Invalid symbol.")


def test_invalid_utf8_and_duplicate_query_parameters(client):
    assert_error(client.get("/v5/order/realtime", "category=spot&symbol=%FF"), 10001, "Request parameter error.")
    assert_error(client.get("/v5/order/realtime", "category=spot&category=spot"), 10001, "Request parameter error.")


def test_oversized_body_is_413(client):
    r = client.raw("POST", "/v5/order/create", b"{" + b" " * 70_000 + b"}",
                   {"Content-Type": "application/json"})
    assert r.status_code == 413 and r.text == "Request Entity Too Large"


@pytest.mark.parametrize("fields, code, message", [
    ({"category": None}, 10001, "Illegal category"),
    ({"category": "linear"}, 10001, "Illegal category"),
    ({"symbol": "DOGEUSDT"}, 170121, "Invalid symbol."),
    ({"symbol": None}, 170105, "Parameter 'symbol' was empty."),
    ({"side": "buy"}, 170117, "Invalid side."),
    ({"orderType": "StopLimit"}, 170116, "Invalid orderType."),
    ({"timeInForce": "GTD"}, 170115, "Invalid timeInForce."),
    ({"qty": None}, 170105, "Parameter 'qty' was empty."),
    ({"price": None}, 170105, "Parameter 'price' was empty."),
    ({"qty": "1e-3"}, 170130, "Data sent for paramter 'qty' is not valid."),
    ({"qty": "NaN"}, 170130, "Data sent for paramter 'qty' is not valid."),
    ({"qty": "123456789012345678901234567890"}, 170130, "Data sent for paramter 'qty' is not valid."),
    ({"qty": 1e400}, 170130, "Data sent for paramter 'qty' is not valid."),  # JSON 1e400 reads as infinity
    ({"qty": "-1"}, 170130, "Data sent for paramter 'qty' is not valid."),
    ({"qty": "0.000001"}, 170137, "Order volume decimal too long"),
    ({"qty": "0.00002", "price": "50000"}, 170140, "Order value exceeded lower limit"),
    ({"qty": "9001"}, 170381, "Order quantity too large."),
    ({"price": "50000.001"}, 170134, "Order price decimal too long."),
    ({"price": "2000000"}, 170132, "Order price too high."),
    ({"qty": "1"}, 170131, "Balance insufficient"),
    ({"orderLinkId": "has space"}, 170130, "Data sent for paramter 'orderLinkId' is not valid."),
    ({"orderLinkId": "x" * 37}, 170130, "Data sent for paramter 'orderLinkId' is not valid."),
    ({"isLeverage": 1}, 170130, "Data sent for paramter 'isLeverage' is not valid."),
    ({"timeInForce": "PostOnly", "price": "70000"}, 170218, "The LIMIT-MAKER order is rejected due to invalid price."),
    ({"orderType": "Market", "qty": "2", "price": None}, 170140, "Order value exceeded lower limit"),
    ({"orderType": "Market", "qty": "10.000000001", "price": None}, 170148, "Market order amount decimal too long"),
    ({"orderType": "Market", "marketUnit": "coin", "price": None}, 170130,
     "Data sent for paramter 'marketUnit' is not valid."),
])
def test_order_parameter_errors(client, fields, code, message):
    r = client.order(**fields) if fields.get("qty") != 1e400 else client.post(
        "/v5/order/create", b'{"category":"spot","symbol":"BTCUSDT","side":"Buy","orderType":"Limit",'
                            b'"qty":1e400,"price":"50000"}')
    assert_error(r, code, message)


def test_duplicate_order_link_id(client):
    result(client.order(orderLinkId="my-order_1"))
    assert_error(client.order(orderLinkId="my-order_1"), 170141, "Duplicate clientOrderId")


def test_cancel_errors(client):
    assert_error(client.post("/v5/order/cancel", {"category": "spot", "symbol": "BTCUSDT"}), 170105,
                 "Parameter 'orderId' was empty.")
    for oid in ("2000000000000099999", "not-an-id", "1"):
        assert_error(client.post("/v5/order/cancel", {"category": "spot", "symbol": "BTCUSDT", "orderId": oid}),
                     170213, "Order does not exist.")
    placed = result(client.order())
    cancel = {"category": "spot", "symbol": "BTCUSDT", "orderId": placed["orderId"]}
    assert_error(client.post("/v5/order/cancel", {**cancel, "symbol": "ETHUSDT"}), 170213, "Order does not exist.")
    result(client.post("/v5/order/cancel", cancel))
    assert_error(client.post("/v5/order/cancel", cancel), 170142, "Order has been cancelled")
    filled = result(client.order(orderType="Market", qty="100", price=None))
    assert_error(client.post("/v5/order/cancel", {**cancel, "orderId": filled["orderId"]}), 170139,
                 "Order has been filled.")


def test_market_endpoint_errors(client):
    assert_error(client.raw("GET", "/v5/market/tickers"), 10001, "Illegal category")
    assert_error(client.raw("GET", "/v5/market/tickers?category=spot&symbol=DOGEUSDT"), 10001, "Not supported symbols")
    assert_error(client.raw("GET", "/v5/market/orderbook?category=spot&symbol=NOPE"), 10001, "Not supported symbols")
    assert_error(client.raw("GET", "/v5/market/orderbook?category=spot&symbol=BTCUSDT&limit=0"), 10001,
                 "params error: limit invalid")
    assert_error(client.raw("GET", "/v5/market/orderbook?category=spot&symbol=%FF"), 10001, "Request parameter error.")


def test_wallet_balance_needs_unified(client):
    assert_error(client.get("/v5/account/wallet-balance", "accountType=SPOT"), 10001,
                 "accountType only support UNIFIED.")


def test_withdraw_errors(net):
    c = Bybit(net.url("bybit"), net.create_key("bybit", permissions=("read", "withdraw"), ips=("127.0.0.1",)))
    base = {"coin": "USDT", "chain": "ETH", "address": "0xabc", "amount": "10", "timestamp": now_ms(),
            "accountType": "FUND"}
    assert_error(c.post("/v5/asset/withdraw/create", {**base, "amount": "20000"}), 131212, "Insufficient balance")
    for bad in ({"coin": "DOGE"}, {"amount": "-1"}, {"address": None}, {"timestamp": "soon"}):
        body = {k: v for k, v in {**base, **bad}.items() if v is not None}
        assert_error(c.post("/v5/asset/withdraw/create", body), 131002, "Parameter error")
    c.close()


# ---- rate limit ----------------------------------------------------------------------------------

def test_rate_limit_per_uid_and_endpoint():
    with start(rate_limit=1) as net:
        c = Bybit(net.url("bybit"), net.create_key("bybit"))
        answers = [c.get("/v5/account/info") for _ in range(3)]
        refused = [r for r in answers if r.json()["retCode"] == 10006]
        assert refused, [r.json() for r in answers]
        assert_error(refused[0], 10006, "Too many visits. Exceeded the API Rate Limit.")
        assert refused[0].headers["X-Bapi-Limit"] == "1"
        assert refused[0].headers["X-Bapi-Limit-Status"] == "0"
        assert int(refused[0].headers["X-Bapi-Limit-Reset-Timestamp"]) > now_ms() - 5000
        ok = [r for r in answers if r.json()["retCode"] == 0]
        assert ok and ok[0].headers["X-Bapi-Limit"] == "1"
        c.close()


def test_rate_limit_headers_use_bybit_table(client):
    r = client.get("/v5/user/query-api")
    assert r.headers["X-Bapi-Limit"] == "10" and int(r.headers["X-Bapi-Limit-Status"]) <= 9
    r = client.get("/v5/account/wallet-balance", "accountType=UNIFIED")
    assert r.headers["X-Bapi-Limit"] == "50"
    assert "X-Bapi-Limit" not in client.raw("GET", "/v5/market/time").headers
