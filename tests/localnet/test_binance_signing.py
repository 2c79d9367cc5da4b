"""Binance's published HMAC example (B1) is accepted byte for byte; any change to it is -1022."""

from __future__ import annotations

import base64
from urllib.parse import quote

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

from localnet.client import start
from tests.localnet.support import (DOC_API_KEY, DOC_PAYLOAD, DOC_SECRET, DOC_SIGNATURE, DOC_TIME, Binance,
                                     assert_error, hmac_hex)

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
BAD_SIGNATURE = (400, -1022, "Signature for this request is not valid.")

# B10 (exchanges.md): RFC 8032 test key 1, and the RSA demo key published in binance-signature-examples.
ED25519_PRIVATE = """-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g
-----END PRIVATE KEY-----
"""
ED25519_PUBLIC = """-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=
-----END PUBLIC KEY-----
"""
B10_TIME = 1668481559918
B10_PAYLOAD = ("symbol=BTCUSDT&side=SELL&type=LIMIT&timeInForce=GTC&quantity=1&price=0.2"
               "&timestamp=1668481559918&recvWindow=5000")
B10_ED25519 = "XtZirsmmi0noRzUfkqktvkVfxpkq/WtbLg2UOL3QGYdUBZVlqOBEMuEVw8zioY93N54NcKj9UuAXQEa9zgTDBg=="
B10_RSA = ("uwh3oGpiVTIq0XeF00N1hJ6moowNTDxgbEbhPheZ2YlGWB80MsTQfPYNFB8zaBRn/cpTRiceZJjnNuPdSYY+OY/Bf8wqE9JhjXk+"
           "jWd49qoe4uTZ+AWcyMdlC4suxiURNM3zii5GzGIno1A0PK4JqpRuRGFNsFEQ8ioUPaRf4enhPJfCHgxRj5QEIp2GxXcNzQnKKelRj"
           "W/k0wkxiKFHWZzQcLlOXKfHYensyS9dT1ZGphlqxXyMU0oLpqpuf0YLvj98sC0PS3TZVAZkMltMPqTvecZOTsg15j6Cj21a/Q3J+p0U"
           "3H1ihNjlTH9FrUvjioFLPP9hvWgHMM745pPGdQ==")


@pytest.fixture(scope="module")
def doc():
    """localnet frozen at the example's timestamp, with the example key imported on a funded account."""
    with start(frozen_time_ms=DOC_TIME) as net:
        key = net.create_key("binance", permissions=("read", "trade"), api_key=DOC_API_KEY, secret=DOC_SECRET)
        client = Binance(net.url("binance"), key)
        yield net, client
        client.close()


def test_published_signature_is_what_we_expect():
    assert hmac_hex(DOC_SECRET, DOC_PAYLOAD) == DOC_SIGNATURE


def test_b1_accepted_in_query_string(doc):
    net, client = doc
    r = client.raw("POST", f"/api/v3/order?{DOC_PAYLOAD}&signature={DOC_SIGNATURE}")
    assert r.status_code == 200, r.text
    order = r.json()
    assert (order["symbol"], order["side"], order["type"], order["origQty"]) == ("LTCBTC", "BUY", "LIMIT", "1.00000000")
    assert order["transactTime"] == DOC_TIME


def test_b1_accepted_in_body(doc):
    net, client = doc
    r = client.raw("POST", "/api/v3/order", body=f"{DOC_PAYLOAD}&signature={DOC_SIGNATURE}".encode(), headers=FORM)
    assert r.status_code == 200, r.text
    assert r.json()["price"] == "0.10000000"


def test_b1_signature_is_case_insensitive(doc):
    net, client = doc
    r = client.raw("POST", f"/api/v3/order?{DOC_PAYLOAD}&signature={DOC_SIGNATURE.upper()}")
    assert r.status_code == 200, r.text


def test_query_and_body_are_concatenated_without_separator(doc):
    net, client = doc
    query, body = DOC_PAYLOAD.split("&quantity=")
    body = "quantity=" + body
    signature = hmac_hex(DOC_SECRET, query + body)  # ...timeInForce=GTCquantity=1...
    r = client.raw("POST", f"/api/v3/order?{query}", body=f"{body}&signature={signature}".encode(), headers=FORM)
    assert r.status_code == 200, r.text
    wrong = hmac_hex(DOC_SECRET, query + "&" + body)
    r = client.raw("POST", f"/api/v3/order?{query}", body=f"{body}&signature={wrong}".encode(), headers=FORM)
    assert_error(r, *BAD_SIGNATURE)


def _changed(char: str) -> str:
    if char.isdigit():
        return "7" if char != "7" else "3"
    if char.isalpha():
        return char.swapcase()
    return "_"


def test_every_single_character_change_to_the_payload_is_rejected(doc):
    net, client = doc
    for i, char in enumerate(DOC_PAYLOAD):
        tampered = DOC_PAYLOAD[:i] + _changed(char) + DOC_PAYLOAD[i + 1:]
        for body in (False, True):
            if body:
                r = client.raw("POST", "/api/v3/order", body=f"{tampered}&signature={DOC_SIGNATURE}".encode(),
                               headers=FORM)
            else:
                r = client.raw("POST", f"/api/v3/order?{tampered}&signature={DOC_SIGNATURE}")
            assert (r.status_code, r.json()) == (400, {"code": -1022, "msg": BAD_SIGNATURE[2]}), (i, tampered, body)


def test_every_single_character_change_to_the_signature_is_rejected(doc):
    net, client = doc
    for i, char in enumerate(DOC_SIGNATURE):
        other = "0" if char != "0" else "1"
        sig = DOC_SIGNATURE[:i] + other + DOC_SIGNATURE[i + 1:]
        r = client.raw("POST", f"/api/v3/order?{DOC_PAYLOAD}&signature={sig}")
        assert_error(r, *BAD_SIGNATURE)


def test_wrong_secret_is_rejected(doc):
    net, client = doc
    sig = hmac_hex(DOC_SECRET[:-1] + "x", DOC_PAYLOAD)
    assert_error(client.raw("POST", f"/api/v3/order?{DOC_PAYLOAD}&signature={sig}"), *BAD_SIGNATURE)


def test_percent_encoded_payload_is_verified_as_sent(doc):
    """The payload is the bytes on the wire: a percent-encoded value is signed in its encoded form."""
    net, client = doc
    payload = "symbol=LTC%42TC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559"
    ok = hmac_hex(DOC_SECRET, payload)
    r = client.raw("POST", f"/api/v3/order?{payload}&signature={ok}")
    assert r.status_code == 200, r.text  # %42 is "B": same order, different bytes
    decoded = hmac_hex(DOC_SECRET, payload.replace("%42", "B"))
    assert_error(client.raw("POST", f"/api/v3/order?{payload}&signature={decoded}"), *BAD_SIGNATURE)


def _register(net, key_type: str, pem: str) -> Binance:
    key = net.create_key("binance", permissions=("read", "trade"), type=key_type, public_key_pem=pem)
    assert key["secret"] is None
    return Binance(net.url("binance"), key)


@pytest.fixture(scope="module")
def b10():
    with start(frozen_time_ms=B10_TIME) as net:
        yield net


def test_b10_ed25519_accepted_and_tampering_rejected(b10):
    client = _register(b10, "ed25519", ED25519_PUBLIC)
    # The vector's order (1 BTC at 0.2 USDT) passes authentication and then fails the NOTIONAL filter.
    r = client.raw("POST", f"/api/v3/order?{B10_PAYLOAD}&signature={quote(B10_ED25519, safe='')}")
    assert_error(r, 400, -1013, "Filter failure: NOTIONAL")
    r = client.raw("POST", "/api/v3/order",
                   body=f"{B10_PAYLOAD}&signature={quote(B10_ED25519, safe='')}".encode(), headers=FORM)
    assert_error(r, 400, -1013, "Filter failure: NOTIONAL")
    private = serialization.load_pem_private_key(ED25519_PRIVATE.encode(), password=None)
    payload = f"timestamp={B10_TIME}&recvWindow=5000"
    sig = base64.b64encode(private.sign(payload.encode())).decode()
    r = client.raw("GET", f"/api/v3/account?{payload}&signature={quote(sig, safe='')}")
    assert r.status_code == 200, r.text
    tampered = B10_PAYLOAD.replace("quantity=1", "quantity=2")
    assert_error(client.raw("POST", f"/api/v3/order?{tampered}&signature={quote(B10_ED25519, safe='')}"),
                 *BAD_SIGNATURE)
    # Ed25519 signatures are case-sensitive, and must be percent-encoded ('+' would read as a space).
    assert_error(client.raw("POST", f"/api/v3/order?{B10_PAYLOAD}&signature={quote(B10_ED25519.swapcase(), safe='')}"),
                 *BAD_SIGNATURE)


def test_b10_rsa_accepted_and_tampering_rejected(b10):
    rsa_public = _rsa_public_pem()
    client = _register(b10, "rsa", rsa_public)
    payload = f"timestamp={B10_TIME}&recvWindow=5000"
    sig = _rsa_sign(payload)
    r = client.raw("GET", f"/api/v3/account?{payload}&signature={quote(sig, safe='')}")
    assert r.status_code == 200, r.text
    r = client.raw("POST", f"/api/v3/order?{B10_PAYLOAD}&signature={quote(B10_RSA, safe='')}")
    assert_error(r, 400, -1013, "Filter failure: NOTIONAL")  # authenticated, then the filter
    assert_error(client.raw("POST", f"/api/v3/order?{B10_PAYLOAD}&signature={quote(sig, safe='')}"), *BAD_SIGNATURE)


def test_hmac_signature_does_not_work_for_ed25519_key(b10):
    client = _register(b10, "ed25519", ED25519_PUBLIC)
    payload = f"timestamp={B10_TIME}"
    assert_error(client.raw("GET", f"/api/v3/account?{payload}&signature={hmac_hex('x', payload)}"), *BAD_SIGNATURE)


# The RSA key of B10 is Binance's published demo key; we regenerate nothing, we only need its public half.
_RSA_PRIVATE_CACHE: list = []


def _rsa_private():
    if not _RSA_PRIVATE_CACHE:
        from tests.localnet.rsa_demo_key import PRIVATE_PEM

        _RSA_PRIVATE_CACHE.append(serialization.load_pem_private_key(PRIVATE_PEM.encode(), password=None))
    return _RSA_PRIVATE_CACHE[0]


def _rsa_public_pem() -> str:
    return _rsa_private().public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def _rsa_sign(payload: str) -> str:
    return base64.b64encode(_rsa_private().sign(payload.encode(), padding.PKCS1v15(), hashes.SHA256())).decode()


def test_official_non_ascii_example_is_verified_over_its_encoded_bytes(doc):
    """rest-api.md's second HMAC example: symbol １２３４５６, signed in its percent-encoded form."""
    net, client = doc
    payload = ("symbol=%EF%BC%91%EF%BC%92%EF%BC%93%EF%BC%94%EF%BC%95%EF%BC%96&side=BUY&type=LIMIT"
               "&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559")
    signature = "e1353ec6b14d888f1164ae9af8228a3dbd508bc82eb867db8ab6046442f33ef3"
    assert hmac_hex(DOC_SECRET, payload) == signature
    # The signature is accepted; the symbol simply does not trade on localnet.
    assert_error(client.raw("POST", f"/api/v3/order?{payload}&signature={signature}"), 400, -1121, "Invalid symbol.")
    unencoded = hmac_hex(DOC_SECRET, payload.replace(payload[7:61], "１２３４５６"))
    assert_error(client.raw("POST", f"/api/v3/order?{payload}&signature={unencoded}"), *BAD_SIGNATURE)
