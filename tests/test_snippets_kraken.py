"""The Kraken signing snippet against Kraken's published example and an independent signer (ccxt)."""

import base64

import ccxt
import pytest

from snippets import kraken

# Kraken "Spot REST Authentication" guide (docs.kraken.com/api/docs/guides/spot-rest-auth), the
# AddOrder example: buy 1.25 XBTUSD at 37500. Published, illustrative, tied to no account.
DOC_SECRET = "kQH5HW/8p1uGOVjbgWA7FunAmGO8lsSUXNsu3eow76sz84Q18fWxnyRzBHCd3pd5nE9qa99HAZtuZuj6F1huXg=="
DOC_NONCE = "1616492376594"
DOC_BODY = "nonce=1616492376594&ordertype=limit&pair=XBTUSD&price=37500&type=buy&volume=1.25"
DOC_PATH = "/0/private/AddOrder"
DOC_SIGNATURE = "4/dpxb3iT4tp/ZCVEwSnEsLxx0bqyhLpdfOpc6fn7OR8+UClSV5n9E6aSS8MPtnRfp32bAb0nmbRn6H8ndwLUQ=="
DOC_PARAMS = {"ordertype": "limit", "pair": "XBTUSD", "price": "37500", "type": "buy", "volume": "1.25"}
DEMO_KEY = "TESTKEYDONOTUSE" + "A" * 41


def test_sign_reproduces_krakens_documented_signature():
    assert kraken.sign(DOC_SECRET, DOC_PATH, DOC_NONCE, DOC_BODY) == DOC_SIGNATURE


def test_message_is_path_then_raw_sha256_digest():
    message = kraken.message_to_sign(DOC_PATH, DOC_NONCE, DOC_BODY)
    assert message.startswith(DOC_PATH.encode()) and len(message) == len(DOC_PATH) + 32


def test_private_request_builds_the_documented_body_and_headers():
    path, headers, body = kraken.private_request(DEMO_KEY, DOC_SECRET, "AddOrder", DOC_PARAMS, nonce=DOC_NONCE)
    assert (path, body) == (DOC_PATH, DOC_BODY)
    assert headers == {"API-Key": DEMO_KEY, "API-Sign": DOC_SIGNATURE,
                       "Content-Type": "application/x-www-form-urlencoded"}


@pytest.mark.parametrize("position", [0, 6, len(DOC_BODY) // 2, len(DOC_BODY) - 1])
def test_changing_one_body_character_changes_the_signature(position):
    original = DOC_BODY[position]
    changed = DOC_BODY[:position] + ("X" if original != "X" else "Y") + DOC_BODY[position + 1:]
    assert kraken.sign(DOC_SECRET, DOC_PATH, DOC_NONCE, changed) != DOC_SIGNATURE


def test_path_and_nonce_are_part_of_the_signature():
    assert kraken.sign(DOC_SECRET, "/0/private/Balance", DOC_NONCE, DOC_BODY) != DOC_SIGNATURE
    assert kraken.sign(DOC_SECRET, DOC_PATH, "1616492376595", DOC_BODY) != DOC_SIGNATURE


def test_secret_is_used_after_base64_decoding():
    # Using the base64 text itself as the HMAC key is a classic mistake: it gives another value.
    raw_text_secret = base64.b64encode(DOC_SECRET.encode()).decode()
    assert kraken.sign(raw_text_secret, DOC_PATH, DOC_NONCE, DOC_BODY) != DOC_SIGNATURE


def test_snippet_agrees_with_ccxt_on_a_balance_request():
    exchange = ccxt.kraken({"apiKey": DEMO_KEY, "secret": DOC_SECRET})
    exchange.incrementing_nonce = lambda: 1700000000000
    signed = exchange.sign("BalanceEx", ["private"], "POST", {})
    path, headers, body = kraken.private_request(DEMO_KEY, DOC_SECRET, "BalanceEx", nonce="1700000000000")
    assert signed["body"] == body == "nonce=1700000000000"
    assert signed["url"].endswith(path)
    assert signed["headers"]["API-Sign"] == headers["API-Sign"]


def test_snippet_agrees_with_ccxt_on_the_documented_order():
    exchange = ccxt.kraken({"apiKey": DEMO_KEY, "secret": DOC_SECRET})
    exchange.incrementing_nonce = lambda: int(DOC_NONCE)
    signed = exchange.sign("AddOrder", ["private"], "POST", dict(DOC_PARAMS))
    assert signed["body"] == DOC_BODY
    assert signed["headers"]["API-Sign"] == DOC_SIGNATURE


def test_example_section_reproduces_the_published_signature():
    assert kraken.example_signature() == DOC_SIGNATURE
    assert kraken.encode_body(kraken.EXAMPLE_NONCE, kraken.EXAMPLE_ORDER) == DOC_BODY
    assert kraken.EXAMPLE_SECRET == DOC_SECRET


def test_ccxt_section_points_both_api_urls_at_the_base_url():
    exchange = kraken.ccxt_kraken("http://127.0.0.1:8104", DEMO_KEY, DOC_SECRET)
    assert exchange.urls["api"]["public"] == exchange.urls["api"]["private"] == "http://127.0.0.1:8104"
    assert exchange.sign("Balance", ["private"], "POST", {})["url"] == "http://127.0.0.1:8104/0/private/Balance"
