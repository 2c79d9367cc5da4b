"""snippets/bybit.py against the Bybit vectors in exchanges.md §2.5 (Y1 inputs, Y2 outputs)."""

import base64

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

from snippets import bybit
from tests.localnet.rsa_demo_key import PRIVATE_PEM

# Bybit's "Integration Guidance" examples (docs/v5/guide.mdx): inputs are published, the secret is not.
GET_TIME, POST_TIME = "1658384314791", "1658385579423"
API_KEY = "XXXXXXXXXX"
GET_QUERY = "category=option&symbol=BTC-29JUL22-25000-C"
POST_BODY = '{"category": "option"}'  # with a space, as in the docs: sign the bytes you send
GET_PLAIN = "1658384314791XXXXXXXXXX5000category=option&symbol=BTC-29JUL22-25000-C"
POST_PLAIN = '1658385579423XXXXXXXXXX5000{"category": "option"}'

# Y2 (PROJECT vectors): the same inputs with a stated secret, and with Binance's published RSA demo key.
SECRET = "TEST_SECRET_DO_NOT_USE_0123456789abcd"
Y2_GET_HMAC = "86f8f2493cb5efc24b8f7ca0fd1a60ae80897dfcc9e8ec96ab5ed64da34f7b13"
Y2_POST_HMAC = "e1f7920afbadacd7f71f162c59e9d5d9927ab1986807a90a161cd762aed66e54"
Y2_GET_RSA = (
    "jyPd91X7KN2WRyrYaHQBsEcrgNfts7AXfRpg4z3X8aHZb4o99o1hJ8GWqf/aAm2T0AdcJEqPIARvhUiiNf7XXsAwinf0OUKS9FYEETD4KcD8"
    "HLsOlMfFxNADBV4y3+0xs5Ee73zCsPp0uYXF5a1XJA9v/4/i94Mq6x822PVaHZbCTJV64/6vBMEk9O3n9JHI/OaUJZZkM1ck6a/bDC7fE8iH"
    "W+y95zrx5zhbLtmN9tu5EF3n4aFOdKULRxgtHKAIcmqlbmCG5N/K20T/ckMb6GgMKzsnkYOduGS1kQ9cHAXgL1Lv5wLebv4CjRfB7nDYc5eL"
    "k8lLiO55cib4sHYlww=="
)
# Y1: Bybit's own example signatures; their secret is not published, so they cannot be reproduced.
Y1_GET = "410e0f387bafb7afd0f1722c068515e09945610124fa11774da1da857b72f30b"


def test_string_to_sign_reproduces_the_documented_plain_strings():
    assert bybit.string_to_sign(GET_TIME, API_KEY, "5000", GET_QUERY) == GET_PLAIN
    assert bybit.string_to_sign(POST_TIME, API_KEY, "5000", POST_BODY) == POST_PLAIN


def test_hmac_vectors():
    assert bybit.sign_hmac(SECRET, GET_PLAIN) == Y2_GET_HMAC
    assert bybit.sign_hmac(SECRET, POST_PLAIN) == Y2_POST_HMAC


def test_hmac_is_lowercase_hex_and_differs_from_the_unpublished_doc_example():
    signature = bybit.sign_hmac(SECRET, GET_PLAIN)
    assert signature == signature.lower() and len(signature) == 64
    assert signature != Y1_GET


def test_rsa_vector_with_the_published_demo_key():
    assert bybit.sign_rsa(PRIVATE_PEM, GET_PLAIN) == Y2_GET_RSA


def test_rsa_signature_verifies_with_the_public_half():
    private = serialization.load_pem_private_key(PRIVATE_PEM.encode(), None)
    signature = base64.b64decode(bybit.sign_rsa(PRIVATE_PEM, POST_PLAIN))
    private.public_key().verify(signature, POST_PLAIN.encode(), padding.PKCS1v15(), hashes.SHA256())


def test_body_spacing_changes_the_signature():
    compact = bybit.string_to_sign(POST_TIME, API_KEY, "5000", '{"category":"option"}')
    assert bybit.sign_hmac(SECRET, compact) != Y2_POST_HMAC


@pytest.mark.parametrize("position", [0, 13, 23, len(GET_PLAIN) - 1])
def test_changing_one_character_changes_the_signature(position):
    changed = GET_PLAIN[:position] + ("Y" if GET_PLAIN[position] != "Y" else "Z") + GET_PLAIN[position + 1:]
    assert bybit.sign_hmac(SECRET, changed) != Y2_GET_HMAC


def test_query_string_and_json_body_keep_order_and_are_compact():
    params = {"category": "spot", "symbol": "BTCUSDT", "qty": "0.01"}
    assert bybit.query_string(params) == "category=spot&symbol=BTCUSDT&qty=0.01"
    assert bybit.json_body(params) == '{"category":"spot","symbol":"BTCUSDT","qty":"0.01"}'
    assert bybit.query_string({"note": "a b&c"}) == "note=a+b%26c"


def test_headers_carry_exactly_what_was_signed():
    h = bybit.headers(API_KEY, GET_TIME, Y2_GET_HMAC)
    assert h["X-BAPI-API-KEY"] == API_KEY and h["X-BAPI-TIMESTAMP"] == GET_TIME
    assert h["X-BAPI-RECV-WINDOW"] == "5000" and h["X-BAPI-SIGN"] == Y2_GET_HMAC


def test_timestamp_is_in_milliseconds():
    assert 1_600_000_000_000 < int(bybit.timestamp_ms()) < 10_000_000_000_000


def test_ccxt_signs_like_the_snippet():
    """ccxt's own Bybit signer, on a request we fix, gives the snippet's signature."""
    exchange = bybit.ccxt_client("http://127.0.0.1:9", API_KEY, SECRET)
    exchange.nonce = lambda: int(GET_TIME)
    request = exchange.sign("v5/order/realtime", ["private"], "GET", {"category": "option", "symbol": "BTC-29JUL22-25000-C"})
    assert request["url"] == "http://127.0.0.1:9/v5/order/realtime?" + GET_QUERY
    assert request["headers"]["X-BAPI-SIGN"] == Y2_GET_HMAC


def test_documented_example_headers():
    h = bybit.documented_example()
    assert h["X-BAPI-SIGN"] == Y2_GET_HMAC and h["X-BAPI-TIMESTAMP"] == GET_TIME
    assert h["X-BAPI-API-KEY"] == API_KEY and h["X-BAPI-RECV-WINDOW"] == "5000"
