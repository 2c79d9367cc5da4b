"""Every Binance failure mode: code, message and HTTP status. Malformed input never gives a 5xx."""

from __future__ import annotations

import logging
import random
from urllib.parse import quote

import pytest

from localnet.exchanges.binance import app as binance_app
from tests.localnet.support import Binance, assert_error, hmac_hex, now_ms

T = 1_700_000_000_000
REJECTED = (401, -2015, "Invalid API-key, IP, or permissions for action.")
BAD_FORMAT = (401, -2014, "API-key format invalid.")
AHEAD = (400, -1021, "Timestamp for this request was 1000ms ahead of the server's time.")
OUTSIDE = (400, -1021, "Timestamp for this request is outside of the recvWindow.")
BAD_SIG = (400, -1022, "Signature for this request is not valid.")
DECIMAL_RANGE = "^([0-9]{1,20})(\\.[0-9]{1,20})?$"
ORDER = {"symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", "timeInForce": "GTC", "quantity": "0.001",
         "price": "50000"}


def mandatory(name: str) -> tuple:
    return 400, -1102, f"Mandatory parameter '{name}' was not sent, was empty/null, or malformed."


@pytest.fixture
def frozen(net):
    net.set_clock(frozen_time_ms=T)
    yield T
    net.set_clock()


# ---- API key, IP, permission: -2014 / -2015 -----------------------------------------------------

def test_missing_api_key_header(trader):
    r = trader.http.get("/api/v3/account", params={"timestamp": now_ms(), "signature": "0" * 64})
    assert_error(r, *BAD_FORMAT)


@pytest.mark.parametrize("header", ["", "short", "x" * 63 + "!", "a" * 65])
def test_malformed_api_key(trader, header):
    r = trader.raw("GET", f"/api/v3/account?timestamp={now_ms()}&signature={'0' * 64}",
                   headers={"X-MBX-APIKEY": header})
    assert_error(r, *BAD_FORMAT)


def test_unknown_api_key(trader):
    r = trader.raw("GET", f"/api/v3/account?timestamp={now_ms()}&signature={'0' * 64}", api_key="A" * 64)
    assert_error(r, *REJECTED)


def test_revoked_key_stops_at_once(net, trader):
    assert trader.signed("GET", "/api/v3/account").status_code == 200
    from localnet.core import keys
    keys.revoke(net.store, trader.key["id"])
    assert_error(trader.signed("GET", "/api/v3/account"), *REJECTED)


def test_rotated_key_old_secret_fails_new_works(net, trader):
    from localnet.core import keys
    rotated = keys.rotate(net.store, trader.key["id"])
    assert rotated["secret"] != trader.key["secret"]
    assert_error(trader.signed("GET", "/api/v3/account"), *BAD_SIG)
    fresh = Binance(net.url("binance"), {**trader.key, "secret": rotated["secret"]})
    assert fresh.signed("GET", "/api/v3/account").status_code == 200


def test_ip_not_allowed(net):
    key = net.create_key("binance", permissions=("read", "trade"), ips=("10.0.0.0/8",))
    assert_error(Binance(net.url("binance"), key).signed("GET", "/api/v3/account"), *REJECTED)


def test_ip_allowed(net):
    key = net.create_key("binance", permissions=("read",), ips=("127.0.0.1",))
    assert Binance(net.url("binance"), key).signed("GET", "/api/v3/account").status_code == 200


def test_forwarded_for_header_is_ignored(net):
    key = net.create_key("binance", permissions=("read",), ips=("10.1.2.3",))
    client = Binance(net.url("binance"), key)
    query = f"timestamp={now_ms()}"
    r = client.raw("GET", f"/api/v3/account?{query}&signature={hmac_hex(key['secret'], query)}",
                   headers={"X-Forwarded-For": "10.1.2.3", "X-Real-IP": "10.1.2.3", "Forwarded": "for=10.1.2.3"})
    assert_error(r, *REJECTED)
    assert net.activity(key["id"])[-1]["client_ip"] == "127.0.0.1"


def test_read_only_key_cannot_trade(net):
    key = net.create_key("binance", permissions=("read",))
    client = Binance(net.url("binance"), key)
    assert client.signed("GET", "/api/v3/account").status_code == 200
    assert_error(client.signed("POST", "/api/v3/order", **ORDER), *REJECTED)
    assert_error(client.signed("DELETE", "/api/v3/order", symbol="BTCUSDT", orderId=1), *REJECTED)


def test_trade_only_key_cannot_read(net):
    key = net.create_key("binance", permissions=("trade",))
    assert_error(Binance(net.url("binance"), key).signed("GET", "/api/v3/account"), *REJECTED)


# ---- timestamp and recvWindow: -1021 / -1102 ----------------------------------------------------

def test_missing_timestamp(trader):
    query = "symbol=BTCUSDT"
    r = trader.raw("GET", f"/api/v3/openOrders?{query}&signature={hmac_hex(trader.key['secret'], query)}")
    assert_error(r, *mandatory("timestamp"))


@pytest.mark.parametrize("value", ["abc", "-5", "1.5", "99999999999999999999"])
def test_malformed_timestamp(trader, value):
    assert_error(trader.signed("GET", "/api/v3/account", timestamp=value), *mandatory("timestamp"))


def test_missing_signature(trader):
    r = trader.raw("GET", f"/api/v3/account?timestamp={now_ms()}")
    assert_error(r, *mandatory("signature"))


def test_timestamp_edges_under_frozen_clock(trader, frozen):
    assert trader.signed("GET", "/api/v3/account", timestamp=T + 999).status_code == 200
    assert_error(trader.signed("GET", "/api/v3/account", timestamp=T + 1000), *AHEAD)
    assert trader.signed("GET", "/api/v3/account", timestamp=T - 5000).status_code == 200
    assert_error(trader.signed("GET", "/api/v3/account", timestamp=T - 5001), *OUTSIDE)
    assert trader.signed("GET", "/api/v3/account", timestamp=T - 60000, recvWindow=60000).status_code == 200
    assert_error(trader.signed("GET", "/api/v3/account", timestamp=T - 60001, recvWindow=60000), *OUTSIDE)
    assert_error(trader.signed("GET", "/api/v3/account", timestamp=T - 11, recvWindow=10), *OUTSIDE)


def test_microsecond_timestamps_and_fractional_recv_window(trader, frozen):
    us = T * 1000
    assert trader.signed("GET", "/api/v3/account", timestamp=us + 999_999).status_code == 200
    assert_error(trader.signed("GET", "/api/v3/account", timestamp=us + 1_000_000), *AHEAD)
    assert trader.signed("GET", "/api/v3/account", timestamp=us - 5_000_400, recvWindow="5000.5").status_code == 200
    assert_error(trader.signed("GET", "/api/v3/account", timestamp=us - 5_000_600, recvWindow="5000.5"), *OUTSIDE)


def test_recv_window_above_60000(trader):
    r = trader.signed("GET", "/api/v3/account", recvWindow=60001)
    assert_error(r, 400, -1102, "'recvWindow' contains unexpected value. Cannot be greater than 60000.")


def test_malformed_recv_window(trader):
    r = trader.signed("GET", "/api/v3/account", recvWindow="5000.1234")
    assert_error(r, 400, -1100, "Illegal characters found in parameter 'recvWindow'; legal range is "
                                "'^([0-9]{1,20})(\\.[0-9]{1,3})?$'.")


def test_clock_offset_shows_drift(net, trader):
    net.set_clock(offset_ms=-10_000)  # the exchange runs 10 s behind us: our timestamps look ahead
    try:
        assert_error(trader.signed("GET", "/api/v3/account"), *AHEAD)
        server = trader.public("/api/v3/time").json()["serverTime"]
        assert trader.signed("GET", "/api/v3/account", timestamp=server).status_code == 200
    finally:
        net.set_clock()


# ---- parameters: -1100 / -1101 / -1102 / -1104 / -1108 / -1115..-1121 ---------------------------

def test_duplicate_parameter(trader):
    query = f"symbol=BTCUSDT&symbol=ETHUSDT&timestamp={now_ms()}"
    r = trader.raw("GET", f"/api/v3/openOrders?{query}&signature={hmac_hex(trader.key['secret'], query)}")
    assert_error(r, 400, -1101, "Duplicate values for a parameter detected.")


def test_unknown_parameter(trader):
    r = trader.signed("GET", "/api/v3/openOrders", symbol="BTCUSDT", colour="blue")
    assert_error(r, 400, -1104, "Not all sent parameters were read; read '3' parameter(s) but was sent '4'.")


def test_invalid_utf8(trader):
    r = trader.raw("GET", f"/api/v3/openOrders?symbol=%FF%FE&timestamp={now_ms()}&signature={'0' * 64}")
    assert_error(r, 400, -1100, "Illegal characters found in a parameter.")


@pytest.mark.parametrize("quantity", ["NaN", "nan", "Infinity", "-1", "1e5", "1,5", " 1", "0x10", "١",
                                      "123456789012345678901", "0.000000000000000000001"])
def test_malformed_decimal(trader, quantity):
    r = trader.signed("POST", "/api/v3/order", **{**ORDER, "quantity": quantity})
    assert_error(r, 400, -1100, f"Illegal characters found in parameter 'quantity'; legal range is '{DECIMAL_RANGE}'.")


def test_huge_quantity_fails_lot_size(trader):
    r = trader.signed("POST", "/api/v3/order", **{**ORDER, "quantity": "99999999999999999999"})
    assert_error(r, 400, -1013, "Filter failure: LOT_SIZE")


def test_order_id_overflow(trader):
    r = trader.signed("GET", "/api/v3/order", symbol="BTCUSDT", orderId="99999999999999999999")
    assert_error(r, 400, -1108, "Parameter 'orderId' overflowed.")


def test_malformed_order_id(trader):
    r = trader.signed("GET", "/api/v3/order", symbol="BTCUSDT", orderId="12a")
    assert_error(r, 400, -1100, "Illegal characters found in parameter 'orderId'; legal range is '^[0-9]{1,20}$'.")


def test_missing_and_empty_symbol(trader):
    assert_error(trader.signed("POST", "/api/v3/order", **{**ORDER, "symbol": ""}), *mandatory("symbol"))
    params = dict(ORDER)
    del params["symbol"]
    assert_error(trader.signed("POST", "/api/v3/order", **params), *mandatory("symbol"))


def test_invalid_symbol(trader):
    assert_error(trader.signed("POST", "/api/v3/order", **{**ORDER, "symbol": "DOGEUSDT"}), 400, -1121, "Invalid symbol.")
    assert_error(trader.public("/api/v3/depth", symbol="NOPE"), 400, -1121, "Invalid symbol.")
    assert_error(trader.public("/api/v3/exchangeInfo", symbol="NOPE"), 400, -1121, "Invalid symbol.")


def test_invalid_enums(trader):
    assert_error(trader.signed("POST", "/api/v3/order", **{**ORDER, "side": "HOLD"}), 400, -1117, "Invalid side.")
    assert_error(trader.signed("POST", "/api/v3/order", **{**ORDER, "type": "MAGIC"}), 400, -1116, "Invalid orderType.")
    assert_error(trader.signed("POST", "/api/v3/order", **{**ORDER, "timeInForce": "GTX"}), 400, -1115,
                 "Invalid timeInForce.")


def test_limit_without_price_and_market_without_quantity(trader):
    params = {k: v for k, v in ORDER.items() if k != "price"}
    assert_error(trader.signed("POST", "/api/v3/order", **params), *mandatory("price"))
    r = trader.signed("POST", "/api/v3/order", symbol="BTCUSDT", side="BUY", type="MARKET")
    assert_error(r, 400, -1102, "Param 'quantity' or 'quoteOrderQty' must be sent, but both were empty/null!")


# ---- filters, balances, unknown orders: -1013 / -2010 / -2011 / -2013 ---------------------------

@pytest.mark.parametrize("change, name", [
    ({"price": "50000.001"}, "PRICE_FILTER"),
    ({"price": "0"}, "PRICE_FILTER"),
    ({"quantity": "0.000011"}, "LOT_SIZE"),
    ({"quantity": "0"}, "LOT_SIZE"),
    ({"quantity": "0.00001", "price": "100"}, "NOTIONAL"),
])
def test_filter_failures(trader, change, name):
    assert_error(trader.signed("POST", "/api/v3/order", **{**ORDER, **change}), 400, -1013, f"Filter failure: {name}")


def test_insufficient_balance(trader):
    r = trader.signed("POST", "/api/v3/order", **{**ORDER, "quantity": "1", "price": "50000"})
    assert_error(r, 400, -2010, "Account has insufficient balance for requested action.")
    r = trader.signed("POST", "/api/v3/order", symbol="BTCUSDT", side="SELL", type="MARKET", quantity="2")
    assert_error(r, 400, -2010, "Account has insufficient balance for requested action.")


def test_unknown_order(trader):
    assert_error(trader.signed("DELETE", "/api/v3/order", symbol="BTCUSDT", orderId=987654321), 400, -2011,
                 "Unknown order sent.")
    assert_error(trader.signed("GET", "/api/v3/order", symbol="BTCUSDT", orderId=987654321), 400, -2013,
                 "Order does not exist.")
    assert_error(trader.signed("DELETE", "/api/v3/openOrders", symbol="BTCUSDT"), 400, -2011, "Unknown order sent.")


def test_another_accounts_order_is_unknown(net, trader):
    placed = trader.signed("POST", "/api/v3/order", **ORDER).json()
    other = Binance(net.url("binance"), net.create_key("binance", permissions=("read", "trade")))
    assert_error(other.signed("DELETE", "/api/v3/order", symbol="BTCUSDT", orderId=placed["orderId"]), 400, -2011,
                 "Unknown order sent.")


# ---- transport: content types, paths, methods, catch-all ----------------------------------------

def test_json_body_is_not_read(trader):
    r = trader.raw("POST", "/api/v3/order", body=b'{"symbol": "BTCUSDT", "timestamp": 1, "signature": "00"}',
                   headers={"Content-Type": "application/json"})
    assert_error(r, *mandatory("signature"))


def test_multipart_body_is_not_read(trader):
    r = trader.raw("POST", "/api/v3/order", body=b"--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--x--",
                   headers={"Content-Type": "multipart/form-data; boundary=x"})
    assert_error(r, *mandatory("signature"))


def test_unknown_path_and_method(trader):
    assert_error(trader.http.get("/api/v3/nothing"), 404, -1020, "This operation is not supported.")
    assert_error(trader.http.put("/api/v3/order"), 405, -1020, "This operation is not supported.")
    assert_error(trader.http.get("/"), 404, -1020, "This operation is not supported.")


def test_unexpected_exception_becomes_binance_error(net, monkeypatch, caplog):
    def boom(self, call):
        raise RuntimeError("planted bug")

    route = binance_app.ROUTES[("GET", "/api/v3/ping")]
    monkeypatch.setitem(binance_app.ROUTES, ("GET", "/api/v3/ping"),
                        binance_app.BinanceRoute(boom, None, weight=route.weight, allowed=route.allowed))
    with caplog.at_level(logging.ERROR, logger="localnet"):
        r = Binance(net.url("binance")).public("/api/v3/ping")
    assert_error(r, 400, -1000, "An unknown error occurred while processing the request.")
    assert "planted bug" in caplog.text


def test_random_garbage_never_gives_5xx(trader):
    rng = random.Random(1234)
    alphabet = "abc=&%+;,./:?#[]@!$'()*~-_ \t\x7f0123456789ABCDEF\u00e9\u4e2d"
    paths = [p for (_, p) in binance_app.ROUTES]
    for i in range(300):
        raw = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 80)))
        query = quote(raw, safe="=&%+") if i % 2 else quote(raw, safe="")
        body = bytes(rng.randrange(256) for _ in range(rng.randint(0, 40)))
        method = rng.choice(["GET", "POST", "DELETE"])
        r = trader.raw(method, f"{rng.choice(paths)}?{query}", body=body if method != "GET" else b"",
                       headers={"Content-Type": rng.choice(["application/x-www-form-urlencoded", "text/plain",
                                                            "application/json", ""])})
        assert 200 <= r.status_code < 500, (r.status_code, r.text, query, body)
        if r.status_code >= 400:
            assert set(r.json()) == {"code", "msg"}


def test_oversized_body(trader):
    r = trader.raw("POST", "/api/v3/order", body=b"a=" + b"1" * 70_000,
                   headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert_error(r, 400, -1101, "Too many parameters sent for this endpoint.")


def test_too_many_parameters(trader):
    query = "&".join(f"p{i}=1" for i in range(70))
    assert_error(trader.raw("GET", f"/api/v3/ping?{query}"), 400, -1101, "Too many parameters sent for this endpoint.")
