"""OKX signing over the exact bytes received: the O2 vectors (exchanges.md §3.5) and what breaks them."""

from __future__ import annotations

import pytest

from tests.localnet.okx_support import Okx, assert_auth_error, assert_error, ok_data

SECRET = "TEST_SECRET_DO_NOT_USE_0123456789abcd"
API_KEY = "TEST-OKX-KEY-DO-NOT-USE"
PASSPHRASE = "Test-Passphrase-1"
TIMESTAMP = "2020-12-08T09:08:57.715Z"
TIME_MS = 1607418537715
GET_SIGN = "uirVsglUCDFwEJaAEaTS/OvPK5aipzLP2CwoSZItYOE="
POST_BODY = b'{"instId":"BTC-USDT","lever":"5","mgnMode":"isolated"}'
POST_SIGN = "RujT00ULQ6bDFmuR7sPw3oXDaxctZb1iJ76rpfVElt0="


@pytest.fixture(scope="module")
def vector_key(net):
    return net.create_key("okx", api_key=API_KEY, secret=SECRET, passphrase=PASSPHRASE, permissions=("read", "trade"))


@pytest.fixture
def frozen(net):
    net.set_clock(frozen_time_ms=TIME_MS)
    yield
    net.set_clock()


def vector_headers(sign: str, **changes: str) -> dict[str, str]:
    headers = {"OK-ACCESS-KEY": API_KEY, "OK-ACCESS-SIGN": sign, "OK-ACCESS-TIMESTAMP": TIMESTAMP,
               "OK-ACCESS-PASSPHRASE": PASSPHRASE, "x-simulated-trading": "1", "Content-Type": "application/json"}
    headers.update(changes)
    return headers


def test_o2_get_vector_is_accepted(net, vector_key, frozen):
    client = Okx(net.url("okx"))
    response = client.raw("GET", "/api/v5/account/balance?ccy=BTC", headers=vector_headers(GET_SIGN))
    data = ok_data(response)
    assert [d["ccy"] for d in data[0]["details"]] == ["BTC"]
    assert data[0]["details"][0]["availBal"] == "1"


def test_o2_post_vector_passes_the_signature_check(net, vector_key, frozen):
    # set-leverage is a derivatives setting: the signed request is accepted, then refused because
    # localnet's accounts are in spot mode (51010), not with 50113.
    client = Okx(net.url("okx"))
    response = client.raw("POST", "/api/v5/account/set-leverage", POST_BODY, vector_headers(POST_SIGN))
    assert_error(response, 200, "51010", "Request unsupported under current account mode")


def test_o2_post_body_with_spaces_is_a_different_message(net, vector_key, frozen):
    client = Okx(net.url("okx"))
    spaced = b'{"instId": "BTC-USDT", "lever": "5", "mgnMode": "isolated"}'
    response = client.raw("POST", "/api/v5/account/set-leverage", spaced, vector_headers(POST_SIGN))
    assert_auth_error(response, "50113", "Invalid signature.")


@pytest.mark.parametrize("target", [
    "/api/v5/account/balance?ccy=ETH",  # another query
    "/api/v5/account/balance",  # query left out of the request
    "/api/v5/account/balance?ccy=BTC&",  # one extra byte
])
def test_o2_get_signature_does_not_fit_another_request(net, vector_key, frozen, target):
    response = Okx(net.url("okx")).raw("GET", target, headers=vector_headers(GET_SIGN))
    assert_auth_error(response, "50113", "Invalid signature.")


def test_o2_vector_is_stale_at_real_time(net, vector_key):
    response = Okx(net.url("okx")).raw("GET", "/api/v5/account/balance?ccy=BTC", headers=vector_headers(GET_SIGN))
    assert_auth_error(response, "50102", "Timestamp request expired.")


def test_lower_case_method_in_prehash_is_refused(net, vector_key, frozen):
    import base64, hashlib, hmac  # noqa: E401 - local to this one check
    message = (TIMESTAMP + "get" + "/api/v5/account/balance?ccy=BTC").encode()
    sign = base64.b64encode(hmac.new(SECRET.encode(), message, hashlib.sha256).digest()).decode()
    response = Okx(net.url("okx")).raw("GET", "/api/v5/account/balance?ccy=BTC", headers=vector_headers(sign))
    assert_auth_error(response, "50113", "Invalid signature.")


def test_body_is_verified_as_sent_with_spaces(net):
    # python-okx sends json.dumps(params) with spaces; the signature covers those bytes as sent.
    key = net.create_key("okx", permissions=("read", "trade"))
    client = Okx(net.url("okx"), key)
    body = '{"instId": "BTC-USDT", "tdMode": "cash", "side": "buy", "ordType": "limit", "px": "50000", "sz": "0.001"}'
    response = client.signed("POST", "/api/v5/trade/order", body=body)
    assert response.json()["data"][0]["sCode"] == "0"
    client.close()
