"""The Y2 vectors are accepted byte for byte; any change to what was signed is 10004; the time window."""

from __future__ import annotations

import pytest

from localnet.client import start
from tests.localnet.bybit_support import (DOC_KEY, GET_QUERY, GET_TIME, POST_BODY, POST_TIME, PUBLIC_PEM, SECRET,
                                          Y2_GET_HMAC, Y2_GET_RSA, Y2_POST_HMAC, Bybit, assert_error, hmac_hex,
                                          now_ms, result)

SIGN_PREFIX = "Error sign, please check your signature generation algorithm: origin_string[***"


def doc_headers(timestamp: int, signature: str) -> dict[str, str]:
    return {"X-BAPI-API-KEY": DOC_KEY, "X-BAPI-TIMESTAMP": str(timestamp), "X-BAPI-RECV-WINDOW": "5000",
            "X-BAPI-SIGN": signature, "Content-Type": "application/json"}


@pytest.fixture(scope="module")
def doc(net):
    """The Y2 secret imported under the docs' key "XXXXXXXXXX"."""
    key = net.create_key("bybit", permissions=("read", "trade"), api_key=DOC_KEY, secret=SECRET)
    client = Bybit(net.url("bybit"), key)
    yield net, client
    client.close()
    net.set_clock()


def test_y2_get_accepted_byte_for_byte(doc):
    net, client = doc
    net.set_clock(frozen_time_ms=GET_TIME)
    r = client.raw("GET", f"/v5/order/realtime?{GET_QUERY}", headers=doc_headers(GET_TIME, Y2_GET_HMAC))
    assert result(r) == {"category": "option", "list": [], "nextPageCursor": ""}  # localnet lists no options
    assert r.json()["time"] == GET_TIME


def test_y2_post_accepted_byte_for_byte(doc):
    net, client = doc
    net.set_clock(frozen_time_ms=POST_TIME)
    r = client.raw("POST", "/v5/order/create", POST_BODY.encode(), doc_headers(POST_TIME, Y2_POST_HMAC))
    # Past authentication (no 10004): the order itself is refused, as localnet trades spot only.
    assert_error(r, 10001, "Illegal category")


def test_y2_post_body_respaced_is_a_bad_signature(doc):
    net, client = doc
    net.set_clock(frozen_time_ms=POST_TIME)
    compact = b'{"category":"option"}'
    r = client.raw("POST", "/v5/order/create", compact, doc_headers(POST_TIME, Y2_POST_HMAC))
    assert_error(r, 10004, SIGN_PREFIX + '{"category":"option"}]')


def test_y2_signature_in_upper_case_is_accepted(doc):
    net, client = doc
    net.set_clock(frozen_time_ms=GET_TIME)
    r = client.raw("GET", f"/v5/order/realtime?{GET_QUERY}", headers=doc_headers(GET_TIME, Y2_GET_HMAC.upper()))
    result(r)


def test_query_reordered_is_a_bad_signature(doc):
    net, client = doc
    net.set_clock(frozen_time_ms=GET_TIME)
    reordered = "symbol=BTC-29JUL22-25000-C&category=option"
    r = client.raw("GET", f"/v5/order/realtime?{reordered}", headers=doc_headers(GET_TIME, Y2_GET_HMAC))
    assert_error(r, 10004, SIGN_PREFIX + reordered + "]")


@pytest.mark.parametrize("field", ["X-BAPI-TIMESTAMP", "X-BAPI-RECV-WINDOW", "X-BAPI-API-KEY"])
def test_every_signed_header_counts(doc, field):
    net, client = doc
    net.set_clock(frozen_time_ms=GET_TIME)
    headers = doc_headers(GET_TIME, Y2_GET_HMAC)
    headers[field] = {"X-BAPI-TIMESTAMP": str(GET_TIME - 1), "X-BAPI-RECV-WINDOW": "5001",
                      "X-BAPI-API-KEY": DOC_KEY}[field]
    r = client.raw("GET", f"/v5/order/realtime?{GET_QUERY}", headers=headers)
    if field == "X-BAPI-API-KEY":
        result(r)  # unchanged: the control case
    else:
        assert_error(r, 10004, SIGN_PREFIX + GET_QUERY + "]")


def test_percent_encoded_query_is_signed_as_sent(doc):
    net, client = doc
    net.set_clock()
    query = "category=spot&orderLinkId=a%2Db"  # "a-b", encoded; Bybit signs the encoded form
    r = client.get("/v5/order/realtime", query)
    assert result(r)["list"] == []
    decoded = "category=spot&orderLinkId=a-b"
    headers = client.headers(decoded.encode())
    assert_error(client.raw("GET", f"/v5/order/realtime?{query}", headers=headers), 10004, SIGN_PREFIX + query + "]")


def test_without_recv_window_header_the_empty_string_is_signed(doc):
    """With no X-BAPI-RECV-WINDOW, the string to sign has nothing between key and payload; the window is 5000."""
    net, client = doc
    net.set_clock()
    result(client.get("/v5/account/info", window=None))
    stamp = now_ms()
    plain = f"{stamp}{DOC_KEY}5000".encode()
    headers = {"X-BAPI-API-KEY": DOC_KEY, "X-BAPI-TIMESTAMP": str(stamp), "X-BAPI-SIGN": hmac_hex(SECRET, plain)}
    assert_error(client.raw("GET", "/v5/account/info", headers=headers), 10004, SIGN_PREFIX + "]")


@pytest.mark.parametrize("offset, window, accepted", [
    (0, "5000", True), (-5000, "5000", True), (-5001, "5000", False), (999, "5000", True), (1000, "5000", False),
    (-9000, "10000", True), (-10001, "10000", False), (-20, "20", True), (-21, "20", False),
])
def test_time_window(doc, offset, window, accepted):
    net, client = doc
    server = 1_700_000_000_000
    net.set_clock(frozen_time_ms=server)
    r = client.get("/v5/account/info", timestamp=server + offset, window=window)
    if accepted:
        result(r)
    else:
        assert_error(r, 10002, "invalid request, please check your server timestamp or recv_window param. "
                               f"req_timestamp[{server + offset}],server_timestamp[{server}],recv_window[{window}]")
    net.set_clock()


def test_rsa_vector_accepted_and_tampering_refused():
    """Y2 RSA: Binance's published demo key, registered as a Bybit self-generated RSA key."""
    with start(frozen_time_ms=GET_TIME) as net:
        key = net.create_key("bybit", type="rsa", public_key_pem=PUBLIC_PEM, api_key=DOC_KEY)
        assert key["secret"] is None
        client = Bybit(net.url("bybit"), key, rsa=True)
        headers = doc_headers(GET_TIME, Y2_GET_RSA)
        result(client.raw("GET", f"/v5/order/realtime?{GET_QUERY}", headers=headers))
        headers["X-BAPI-SIGN"] = Y2_GET_RSA[:-4] + "AAA="
        assert_error(client.raw("GET", f"/v5/order/realtime?{GET_QUERY}", headers=headers), 10004,
                     SIGN_PREFIX + GET_QUERY + "]")
        headers["X-BAPI-SIGN"] = Y2_GET_HMAC  # an HMAC for an RSA key: not even base64 of the right size
        assert_error(client.raw("GET", f"/v5/order/realtime?{GET_QUERY}", headers=headers), 10004,
                     SIGN_PREFIX + GET_QUERY + "]")
        client.close()


def test_snippet_documented_example_is_accepted(doc):
    from snippets.bybit import documented_example

    net, client = doc
    net.set_clock(frozen_time_ms=GET_TIME)
    result(client.raw("GET", f"/v5/order/realtime?{GET_QUERY}", headers=documented_example()))
