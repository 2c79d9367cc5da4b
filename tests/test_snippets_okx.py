"""The OKX signing snippet against the project vectors (exchanges.md §3.5) and against ccxt's signer.

OKX's documentation shows only the formula (no secret with an expected signature), so the
vectors here are PROJECT vectors: computed with a stated fake secret and cross-checked with
ccxt's own `sign()`.
"""

from datetime import datetime, timezone

import ccxt
import pytest

from snippets import okx

SECRET = "TEST_SECRET_DO_NOT_USE_0123456789abcd"
TIMESTAMP = "2020-12-08T09:08:57.715Z"
TIME_MS = 1607418537715
GET_PATH = "/api/v5/account/balance?ccy=BTC"
POST_PATH = "/api/v5/account/set-leverage"
POST_BODY = '{"instId":"BTC-USDT","lever":"5","mgnMode":"isolated"}'


def test_timestamp_has_milliseconds_and_z():
    moment = datetime.fromtimestamp(TIME_MS / 1000, tz=timezone.utc)
    assert okx.timestamp_iso(moment) == TIMESTAMP


def test_timestamp_keeps_three_digits_when_milliseconds_are_zero():
    assert okx.timestamp_iso(datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)) == "2024-01-02T03:04:05.000Z"


def test_o2_get_vector():
    message = okx.prehash(TIMESTAMP, "get", okx.request_path("/api/v5/account/balance", {"ccy": "BTC"}))
    assert message == "2020-12-08T09:08:57.715ZGET/api/v5/account/balance?ccy=BTC"
    assert okx.sign(SECRET, message) == "uirVsglUCDFwEJaAEaTS/OvPK5aipzLP2CwoSZItYOE="


def test_o2_post_vector():
    body = okx.json_body({"instId": "BTC-USDT", "lever": "5", "mgnMode": "isolated"})
    assert body == POST_BODY
    message = okx.prehash(TIMESTAMP, "POST", POST_PATH, body)
    assert okx.sign(SECRET, message) == "RujT00ULQ6bDFmuR7sPw3oXDaxctZb1iJ76rpfVElt0="


def test_headers_carry_the_signature_timestamp_passphrase_and_demo_flag():
    headers = okx.auth_headers("my-key", SECRET, "my-passphrase", "GET", GET_PATH, timestamp=TIMESTAMP)
    assert headers == {
        "OK-ACCESS-KEY": "my-key",
        "OK-ACCESS-SIGN": "uirVsglUCDFwEJaAEaTS/OvPK5aipzLP2CwoSZItYOE=",
        "OK-ACCESS-TIMESTAMP": TIMESTAMP,
        "OK-ACCESS-PASSPHRASE": "my-passphrase",
        "Content-Type": "application/json",
        "x-simulated-trading": "1",
    }
    assert "x-simulated-trading" not in okx.auth_headers("k", SECRET, "p", "GET", GET_PATH, demo=False)


def test_a_space_in_the_body_changes_the_signature():
    spaced = '{"instId": "BTC-USDT", "lever": "5", "mgnMode": "isolated"}'
    assert okx.sign(SECRET, okx.prehash(TIMESTAMP, "POST", POST_PATH, spaced)) != (
        "RujT00ULQ6bDFmuR7sPw3oXDaxctZb1iJ76rpfVElt0="
    )


@pytest.mark.parametrize("secret, get_sign, post_sign", [
    (SECRET, "uirVsglUCDFwEJaAEaTS/OvPK5aipzLP2CwoSZItYOE=", "RujT00ULQ6bDFmuR7sPw3oXDaxctZb1iJ76rpfVElt0="),
    ("EXAMPLESECRET0123456789ABCDEF012", "+xdWqo7v7AIN7x9XWBuosqXt1xOSkRBJkfGrtGCCrkA=",
     "8e4BwXe6+O57YPgOsvhy5IhIF24IdZsWGDH5Oh+hp3k="),
])
def test_ccxt_signs_the_same_headers(secret, get_sign, post_sign):
    exchange = ccxt.okx({"apiKey": "k", "secret": secret, "password": "p"})
    exchange.nonce = lambda: TIME_MS
    get = exchange.sign("account/balance", ["private"], "GET", {"ccy": "BTC"})
    assert get["headers"]["OK-ACCESS-TIMESTAMP"] == TIMESTAMP
    assert get["url"].endswith(GET_PATH)
    assert get["headers"]["OK-ACCESS-SIGN"] == get_sign
    assert okx.sign(secret, okx.prehash(TIMESTAMP, "GET", GET_PATH)) == get_sign
    post = exchange.sign("account/set-leverage", ["private"], "POST",
                         {"instId": "BTC-USDT", "lever": "5", "mgnMode": "isolated"})
    assert post["body"] == POST_BODY
    assert post["headers"]["OK-ACCESS-SIGN"] == post_sign
    assert okx.sign(secret, okx.prehash(TIMESTAMP, "POST", POST_PATH, POST_BODY)) == post_sign


def test_running_the_snippet_prints_the_o2_example():
    import subprocess
    import sys
    from pathlib import Path

    script = Path(__file__).resolve().parent.parent / "snippets" / "okx.py"
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, check=True).stdout
    assert out.splitlines() == ["2020-12-08T09:08:57.715ZGET/api/v5/account/balance?ccy=BTC",
                                "uirVsglUCDFwEJaAEaTS/OvPK5aipzLP2CwoSZItYOE="]
