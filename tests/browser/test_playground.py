"""The signing playground (docs/tools/playground.md) in real Chromium.

Every exchange's pre-filled example must reproduce the documented value (the constants the snippet
tests use), compare mode must name the mistake behind a wrong signature (the wrong signatures are
made here, in Python, independently of the page's JavaScript), and the page must work with the
keyboard alone, at phone width, in light and dark mode, and without a single request leaving
127.0.0.1.
"""

import base64
import hashlib
import hmac
import json
import re
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from playwright.sync_api import Page, expect

from tests.browser.a11y import audit

from tests.browser.recorders import assert_local_only

from snippets import coinbase
from tests.test_snippets import DOC_PAYLOAD as BINANCE_PAYLOAD
from tests.test_snippets import DOC_SECRET as BINANCE_SECRET
from tests.test_snippets import DOC_SIGNATURE as BINANCE_SIGNATURE
from tests.test_snippets_binance_keys import B10_ED25519, B10_ED25519_IN_URL, B10_PAYLOAD, B10_RSA, RFC8032_PEM
from tests.test_snippets_bybit import API_KEY as BYBIT_KEY
from tests.test_snippets_bybit import GET_PLAIN as BYBIT_GET_PLAIN
from tests.test_snippets_bybit import GET_TIME as BYBIT_GET_TIME
from tests.test_snippets_bybit import POST_TIME as BYBIT_POST_TIME
from tests.test_snippets_bybit import SECRET as TEST_SECRET
from tests.test_snippets_bybit import Y2_GET_HMAC, Y2_GET_RSA, Y2_POST_HMAC
from tests.test_snippets_coinbase import C1_JWT, C1_KEY_NAME, C1_NONCE, C1_NOW, C1_SECRET, C1_URI
from tests.test_snippets_kraken import DOC_BODY as KRAKEN_BODY
from tests.test_snippets_kraken import DOC_NONCE as KRAKEN_NONCE
from tests.test_snippets_kraken import DOC_PATH as KRAKEN_PATH
from tests.test_snippets_kraken import DOC_SECRET as KRAKEN_SECRET
from tests.test_snippets_kraken import DOC_SIGNATURE as KRAKEN_SIGNATURE
from tests.test_snippets_okx import POST_BODY as OKX_POST_BODY
from tests.test_snippets_okx import SECRET as OKX_SECRET
from tests.test_snippets_okx import TIME_MS as OKX_TIME_MS
from tests.test_snippets_okx import TIMESTAMP as OKX_TIMESTAMP

ROOT = Path(__file__).resolve().parents[2]
PAGE = "tools/playground/"
BINANCE_KEY = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A"  # Binance docs
# Binance docs, SIGNED endpoint example 3: the same order split between query string and body.
BINANCE_MIXED_SIGNATURE = "0fd168b8ddb4876a0358a8d14d0c9f3da0e9b20c5d52b2a00fcf7d1c602f9a77"
# Project vector for GET /api/v3/account (tests/test_snippets.py, exchanges.md §1.6).
BINANCE_ACCOUNT_SIGNATURE = "6cd35332399b004466463b9ad65a112a14f31fb9ddfd5e19bd7298fbd491dbc7"
# OKX vector O2 (tests/test_snippets_okx.py).
OKX_GET_PREHASH = "2020-12-08T09:08:57.715ZGET/api/v5/account/balance?ccy=BTC"
OKX_GET_SIGN = "uirVsglUCDFwEJaAEaTS/OvPK5aipzLP2CwoSZItYOE="
OKX_POST_SIGN = "RujT00ULQ6bDFmuR7sPw3oXDaxctZb1iJ76rpfVElt0="
# RFC 6979 A.2.5: the P-256 test key the page's ECDSA example uses (public test data).
RFC6979_P256 = ec.derive_private_key(
    int("C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721", 16), ec.SECP256R1())

EXAMPLES = [
    ("binance", "order-query", BINANCE_SIGNATURE),
    ("binance", "order-mixed", BINANCE_MIXED_SIGNATURE),
    ("binance", "account", BINANCE_ACCOUNT_SIGNATURE),
    ("binance", "ed25519", B10_ED25519),
    ("binance", "rsa", B10_RSA),
    ("bybit", "get", Y2_GET_HMAC),
    ("bybit", "post", Y2_POST_HMAC),
    ("bybit", "rsa", Y2_GET_RSA),
    ("okx", "get", OKX_GET_SIGN),
    ("okx", "post", OKX_POST_SIGN),
    ("kraken", "addorder", KRAKEN_SIGNATURE),
    ("coinbase", "ed25519", C1_JWT),
]
EXCHANGES = ["binance", "bybit", "okx", "kraken", "coinbase"]


def open_playground(page: Page, site_url: str) -> None:
    page.goto(site_url + PAGE)
    expect(signature(page)).to_have_text(BINANCE_SIGNATURE)  # the first example, computed


def choose(page: Page, exchange: str, example: str | None = None) -> None:
    page.get_by_label("Exchange", exact=True).select_option(exchange)
    if example:
        page.get_by_label("Example", exact=True).select_option(example)


def signature(page: Page):
    return page.locator("[data-kl-playground] .kl-pg__code--sig code")


def status(page: Page):
    return page.locator("[data-kl-playground] .kl-pg__status")


def token(page: Page):
    return page.locator("[data-kl-playground] .kl-pg__token")


def verdict(page: Page):
    return page.locator("[data-kl-playground] .kl-pg__verdict")


def outputs(page: Page, which: str) -> str:
    heading = {"curl": "As a curl command", "http": "As HTTP"}[which]
    return page.get_by_role("heading", name=heading).locator("xpath=following-sibling::pre[1]").inner_text()


def hex_hmac(secret: str | bytes, message: str | bytes, digest=hashlib.sha256) -> str:
    key = secret.encode() if isinstance(secret, str) else secret
    data = message.encode() if isinstance(message, str) else message
    return hmac.new(key, data, digest).hexdigest()


def b64_hmac(secret: str | bytes, message: str | bytes, digest=hashlib.sha256) -> str:
    return base64.b64encode(bytes.fromhex(hex_hmac(secret, message, digest))).decode()


def kraken_message(path: str, inner: bytes, hex_digest: bool = False) -> bytes:
    digest = hashlib.sha256(inner)
    return path.encode() + (digest.hexdigest().encode() if hex_digest else digest.digest())


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


# --------------------------------------------------------------------------------------------
# Every exchange reproduces its published example


@pytest.mark.parametrize("exchange, example, expected", EXAMPLES, ids=[f"{e}-{x}" for e, x, _ in EXAMPLES])
def test_each_example_reproduces_the_documented_signature(page: Page, site_url: str, errors: list[str],
                                                          exchange: str, example: str, expected: str):
    open_playground(page, site_url)
    choose(page, exchange, example)
    if exchange == "coinbase":
        expect(token(page)).to_have_text(expected)
        expect(signature(page)).to_have_text(expected.rsplit(".", 1)[1])
    else:
        expect(signature(page)).to_have_text(expected)
    expect(status(page)).to_contain_text("✓ Matches the documented signature.")
    assert errors == []


def test_every_exchange_starts_with_its_documented_example(page: Page, site_url: str, errors: list[str]):
    open_playground(page, site_url)
    expected = {"binance": BINANCE_SIGNATURE, "bybit": Y2_GET_HMAC, "okx": OKX_GET_SIGN,
                "kraken": KRAKEN_SIGNATURE, "coinbase": C1_JWT.rsplit(".", 1)[1]}
    for exchange in EXCHANGES:
        choose(page, exchange)  # choosing the exchange alone loads its first example
        expect(signature(page)).to_have_text(expected[exchange])
        expect(status(page)).to_contain_text("Matches the documented signature")
    assert errors == []


LABELS = {
    ("binance", "order-query"): ["API key", "Secret", "Method", "Host", "Path", "Query string", "Body", "Timestamp",
                                 "recvWindow", "timestamp and recvWindow go"],
    ("bybit", "get"): ["API key", "Secret", "Method", "Host", "Path", "Query string", "Timestamp", "recvWindow"],
    ("bybit", "post"): ["API key", "Secret", "Method", "Host", "Path", "Body", "Timestamp", "recvWindow"],
    ("okx", "get"): ["API key", "Secret", "Passphrase", "Method", "Host", "Path", "Query string", "Timestamp"],
    ("okx", "post"): ["API key", "Secret", "Passphrase", "Method", "Host", "Path", "Body", "Timestamp"],
    ("kraken", "addorder"): ["API key", "Secret", "Host", "Path", "Body", "Nonce"],
    ("coinbase", "ed25519"): ["Key name", "Secret", "Method", "Host", "Path", "Query string", "Timestamp", "JWT nonce"],
}
ALL_LABELS = sorted({label for labels in LABELS.values() for label in labels})


def test_each_exchange_shows_exactly_its_labelled_controls(page: Page, site_url: str, errors: list[str]):
    open_playground(page, site_url)
    for (exchange, example), labels in LABELS.items():
        choose(page, exchange, example)
        for label in ["Exchange", "Example", "Signature"] + ALL_LABELS:
            control = page.get_by_label(label, exact=True)
            if label in labels or label in ("Exchange", "Example", "Signature"):
                expect(control).to_be_visible()
                expect(page.locator(f"label[for='{control.get_attribute('id')}']")).to_have_text(label)
            else:
                expect(control).to_be_hidden()
    assert errors == []


def test_string_to_sign_is_shown_part_by_part_with_text_labels(page: Page, site_url: str, errors: list[str]):
    open_playground(page, site_url)
    out = page.locator("[data-kl-playground] .kl-pg__out")
    parts = page.get_by_role("group", name="String to sign, part by part")

    choose(page, "bybit", "get")
    expect(out.locator("pre").first).to_have_text(BYBIT_GET_PLAIN)
    for label in ["1 · timestamp", "2 · API key", "3 · recv window", "4 · query string"]:
        expect(parts.get_by_text(label, exact=True)).to_be_visible()
    expect(parts.locator("mark")).to_have_text([BYBIT_GET_TIME, BYBIT_KEY, "5000",
                                                "category=option&symbol=BTC-29JUL22-25000-C"])

    choose(page, "binance", "order-query")
    expect(out.locator("pre").first).to_have_text(BINANCE_PAYLOAD)
    expect(parts.get_by_text("recvWindow parameter")).to_be_visible()
    expect(parts.get_by_text("timestamp parameter")).to_be_visible()

    choose(page, "okx", "get")
    expect(out.locator("pre").first).to_have_text(OKX_GET_PREHASH)
    expect(parts.locator("mark")).to_have_text([OKX_TIMESTAMP, "GET", "/api/v5/account/balance?ccy=BTC"])

    choose(page, "kraken")
    digest = hashlib.sha256((KRAKEN_NONCE + KRAKEN_BODY).encode()).hexdigest()
    expect(parts.locator("mark")).to_have_text([KRAKEN_PATH, digest])
    message = kraken_message(KRAKEN_PATH, (KRAKEN_NONCE + KRAKEN_BODY).encode())
    expect(out.locator("pre").first).to_have_text(message.hex())
    hashed = page.get_by_role("group", name="Text hashed with SHA-256, part by part")
    expect(hashed.locator("mark")).to_have_text([KRAKEN_NONCE, KRAKEN_BODY])

    choose(page, "coinbase")
    header, claims = C1_JWT.split(".")[:2]
    expect(parts.locator("mark")).to_have_text([header, claims])
    expect(page.locator(".kl-pg__legend")).to_contain_text(C1_URI)
    assert errors == []


def test_request_is_shown_as_curl_and_http_without_the_secret(page: Page, site_url: str, errors: list[str]):
    open_playground(page, site_url)
    choose(page, "binance", "order-query")
    curl, http = outputs(page, "curl"), outputs(page, "http")
    assert f"'X-MBX-APIKEY: {BINANCE_KEY}'" in curl
    assert f"{BINANCE_PAYLOAD}&signature={BINANCE_SIGNATURE}" in curl.replace("\n", "")
    request_line = f"POST /api/v3/order?{BINANCE_PAYLOAD}&signature={BINANCE_SIGNATURE} HTTP/1.1"
    assert http.startswith(request_line + "\nHost: api.binance.com\n")
    assert BINANCE_SECRET not in curl + http

    choose(page, "binance", "ed25519")  # a base64 signature is percent-encoded in the URL
    assert f"{B10_PAYLOAD}&signature={B10_ED25519_IN_URL}" in outputs(page, "http")

    choose(page, "okx", "get")
    http = outputs(page, "http")
    for header in [f"OK-ACCESS-SIGN: {OKX_GET_SIGN}", f"OK-ACCESS-TIMESTAMP: {OKX_TIMESTAMP}",
                   "OK-ACCESS-PASSPHRASE: test-passphrase", "OK-ACCESS-KEY: "]:
        assert header in http
    assert OKX_SECRET not in http
    page.get_by_label("Passphrase", exact=True).fill("another-passphrase")  # sent, never signed
    expect(signature(page)).to_have_text(OKX_GET_SIGN)
    assert "OK-ACCESS-PASSPHRASE: another-passphrase" in outputs(page, "http")
    assert "x-simulated-trading" not in outputs(page, "http")
    page.get_by_label("Demo trading key (adds x-simulated-trading: 1)").check()
    expect(page.get_by_role("heading", name="As HTTP").locator("xpath=following-sibling::pre[1]")).to_contain_text(
        "x-simulated-trading: 1")
    expect(signature(page)).to_have_text(OKX_GET_SIGN)

    choose(page, "kraken")
    http = outputs(page, "http")
    assert f"API-Sign: {KRAKEN_SIGNATURE}" in http and http.rstrip("\n").endswith("\n\n" + KRAKEN_BODY)
    assert KRAKEN_SECRET not in http

    choose(page, "coinbase")
    assert f"Authorization: Bearer {C1_JWT}" in outputs(page, "http")
    assert C1_SECRET not in outputs(page, "curl")
    assert errors == []


def test_changing_an_input_changes_the_signature_and_says_why(page: Page, site_url: str, errors: list[str]):
    open_playground(page, site_url)
    choose(page, "bybit", "get")
    page.get_by_label("Timestamp", exact=True).fill(str(int(BYBIT_GET_TIME) + 1))
    expected = hex_hmac(TEST_SECRET, BYBIT_GET_PLAIN.replace(BYBIT_GET_TIME, str(int(BYBIT_GET_TIME) + 1)))
    expect(signature(page)).to_have_text(expected)
    expect(status(page)).to_contain_text("Differs from the documented signature because you changed: Timestamp")
    page.get_by_label("Example", exact=True).select_option("get")
    expect(signature(page)).to_have_text(Y2_GET_HMAC)
    assert errors == []


def test_ecdsa_token_is_random_and_verifies_with_the_public_key(page: Page, site_url: str, errors: list[str]):
    open_playground(page, site_url)
    choose(page, "coinbase", "es256")
    expect(status(page)).to_contain_text("✓ The token verifies with the public key.")
    first = token(page).inner_text()
    claims = jwt.decode(first, RFC6979_P256.public_key(), algorithms=["ES256"],
                        options={"verify_exp": False, "verify_nbf": False})
    assert claims == {"sub": C1_KEY_NAME, "iss": "cdp", "nbf": C1_NOW, "exp": C1_NOW + 120, "uri": C1_URI}
    assert jwt.get_unverified_header(first)["alg"] == "ES256"
    page.get_by_label("Example", exact=True).select_option("ed25519")
    page.get_by_label("Example", exact=True).select_option("es256")
    expect(token(page)).not_to_have_text(first)  # randomised: same inputs, another signature
    assert errors == []


def test_unusable_secrets_get_a_plain_explanation(page: Page, site_url: str, errors: list[str]):
    open_playground(page, site_url)
    choose(page, "bybit", "get")
    page.get_by_label("Secret", exact=True).fill(RFC8032_PEM)  # an Ed25519 key: Bybit has none
    expect(status(page)).to_have_text(
        "Cannot sign yet: this is an Ed25519 key; this exchange signs with HMAC or RSA keys.")
    expect(signature(page)).to_have_text("—")
    choose(page, "kraken")
    page.get_by_label("Secret", exact=True).fill("not base64!")
    expect(status(page)).to_have_text(
        "Cannot sign yet: kraken secrets are base64, and this one does not decode as base64.")
    choose(page, "coinbase")
    page.get_by_label("Secret", exact=True).fill(base64.b64encode(b"x" * 20).decode())
    expect(status(page)).to_contain_text("an Ed25519 secret is base64 of 32 bytes")
    expect(status(page)).to_contain_text("this one is 20 bytes.")
    assert errors == []


def test_the_script_has_no_way_to_send_or_store_anything():
    source = (ROOT / "docs/assets/javascripts/playground.js").read_text(encoding="utf-8")
    script = re.sub(r"/\*.*?\*/", "", source, flags=re.S)  # the code, without its comments
    for api in ["fetch(", "XMLHttpRequest(", "sendBeacon(", "new WebSocket", "new EventSource", "new Worker",
                "serviceWorker", "RTCPeerConnection", "localStorage", "sessionStorage", "indexedDB",
                "document.cookie", "import(", "new Image", ".src =", "window.open", "location.href ="]:
        assert api not in script, api
    # "https://" appears only to write the curl command and to try a mistake; the one address
    # written out is 127.0.0.1, in a message.
    assert set(re.findall(r"https?://[\w.-]+", script)) == {"http://127.0.0.1"}


# --------------------------------------------------------------------------------------------
# Compare mode


def _bybit(plain_suffix: str, *, time=BYBIT_GET_TIME, key=BYBIT_KEY, window="5000") -> str:
    return hex_hmac(TEST_SECRET, time + key + window + plain_suffix)


def _es256_der_token() -> str:
    header, claims = coinbase.jwt_parts(C1_KEY_NAME, C1_URI, "ES256", C1_NOW, C1_NONCE)
    signing_input = ".".join(b64url(json.dumps(part, separators=(",", ":")).encode()) for part in (header, claims))
    der = RFC6979_P256.sign(signing_input.encode(), ec.ECDSA(hashes.SHA256()))
    return signing_input + "." + b64url(der)


def _coinbase_token(uri: str, lifetime: int = 120) -> str:
    header, claims = coinbase.jwt_parts(C1_KEY_NAME, uri, "EdDSA", C1_NOW, C1_NONCE)
    claims["exp"] = C1_NOW + lifetime
    return coinbase.sign_jwt(header, claims, coinbase.load_private_key(C1_SECRET))


BYBIT_QUERY = "category=option&symbol=BTC-29JUL22-25000-C"
OKX_POST_PREHASH = OKX_TIMESTAMP + "POST/api/v5/account/set-leverage" + OKX_POST_BODY
MISTAKES = [
    # (id, exchange, example, pasted, data-verdict, data-cause, text the verdict must contain)
    ("bybit-base64-instead-of-hex", "bybit", "get", base64.b64encode(bytes.fromhex(Y2_GET_HMAC)).decode(),
     "encoding", "encoding", "written as base64, but Bybit expects lowercase hex"),
    ("okx-hex-instead-of-base64", "okx", "get", base64.b64decode(OKX_GET_SIGN).hex(),
     "encoding", "encoding", "written as lowercase hex, but OKX expects base64"),
    ("bybit-uppercase-hex", "bybit", "get", Y2_GET_HMAC.upper(), "encoding", "encoding",
     "written as uppercase hex, but Bybit expects lowercase hex"),
    ("binance-key-and-secret-swapped", "binance", "order-query", hex_hmac(BINANCE_KEY, BINANCE_PAYLOAD),
     "variant", "swapped", "API key and secret swapped"),
    ("bybit-recv-window-missing", "bybit", "get", hex_hmac(TEST_SECRET, BYBIT_GET_TIME + BYBIT_KEY + BYBIT_QUERY),
     "variant", "omit-recvwindow", "recv window left out"),
    ("bybit-api-key-missing", "bybit", "get", hex_hmac(TEST_SECRET, BYBIT_GET_TIME + "5000" + BYBIT_QUERY),
     "variant", "omit-key", "API key left out"),
    ("binance-timestamp-missing", "binance", "order-query",
     hex_hmac(BINANCE_SECRET, BINANCE_PAYLOAD.replace("&timestamp=1499827319559", "")),
     "variant", "omit-timestamp", "timestamp sent but not signed"),
    ("binance-parameters-sorted", "binance", "order-query",
     hex_hmac(BINANCE_SECRET, "&".join(sorted(BINANCE_PAYLOAD.split("&")))),
     "variant", "sorted", "parameters sorted"),
    ("binance-amp-between-query-and-body", "binance", "order-mixed",
     hex_hmac(BINANCE_SECRET, BINANCE_PAYLOAD), "variant", "amp", "an & put between query string and body"),
    ("bybit-json-signed-for-a-get", "bybit", "get",
     _bybit(json.dumps({"category": "option", "symbol": "BTC-29JUL22-25000-C"}, separators=(",", ":"))),
     "variant", "body-query", "body vs query"),
    ("bybit-json-respaced", "bybit", "post", _bybit('{"category":"option"}', time=BYBIT_POST_TIME),
     "variant", "json-compact", "JSON spacing differs"),
    ("okx-secret-with-newline", "okx", "get", b64_hmac(OKX_SECRET + "\n", OKX_GET_PREHASH),
     "variant", "secret-newline", "a newline at the end of the secret"),
    ("okx-timestamp-in-ms", "okx", "get",
     b64_hmac(OKX_SECRET, OKX_GET_PREHASH.replace(OKX_TIMESTAMP, str(OKX_TIME_MS))),
     "variant", "timestamp-ms", "timestamp in milliseconds"),
    ("okx-method-lowercase", "okx", "post", b64_hmac(OKX_SECRET, OKX_POST_PREHASH.replace("POST", "post")),
     "variant", "method-lower", "method in lower case"),
    ("kraken-secret-not-decoded", "kraken", "addorder",
     b64_hmac(KRAKEN_SECRET, kraken_message(KRAKEN_PATH, (KRAKEN_NONCE + KRAKEN_BODY).encode()), hashlib.sha512),
     "variant", "raw-secret", "secret not base64-decoded"),
    ("kraken-hex-digest", "kraken", "addorder",
     b64_hmac(base64.b64decode(KRAKEN_SECRET), kraken_message(KRAKEN_PATH, (KRAKEN_NONCE + KRAKEN_BODY).encode(), True),
              hashlib.sha512),
     "variant", "hex-digest", "SHA-256 as hex text"),
    ("kraken-nonce-not-prefixed", "kraken", "addorder",
     b64_hmac(base64.b64decode(KRAKEN_SECRET), kraken_message(KRAKEN_PATH, KRAKEN_BODY.encode()), hashlib.sha512),
     "variant", "no-nonce-prefix", "nonce not put before the body"),
    ("coinbase-uri-with-scheme", "coinbase", "ed25519",
     _coinbase_token("GET https://api.coinbase.com/api/v3/brokerage/accounts"), "variant", "scheme", "https://"),
    ("coinbase-token-lives-too-long", "coinbase", "ed25519", _coinbase_token(C1_URI, lifetime=300),
     "variant", "lifetime", "the token lives 300 s"),
    ("coinbase-es256-der-signature", "coinbase", "es256", _es256_der_token(),
     "variant", "der", "DER-encoded"),
]


@pytest.mark.parametrize("exchange, example, pasted, verdict_kind, cause, text",
                         [m[1:] for m in MISTAKES], ids=[m[0] for m in MISTAKES])
def test_compare_mode_names_the_mistake(page: Page, site_url: str, errors: list[str], exchange: str, example: str,
                                        pasted: str, verdict_kind: str, cause: str, text: str):
    open_playground(page, site_url)
    choose(page, exchange, example)
    page.get_by_label("Signature", exact=True).fill(pasted)
    expect(verdict(page)).to_have_attribute("data-verdict", verdict_kind)
    expect(verdict(page)).to_have_attribute("data-cause", cause)
    expect(verdict(page)).to_contain_text(text)
    expect(verdict(page)).to_contain_text("Fix:")
    assert errors == []


@pytest.mark.parametrize("exchange, example, pasted", [
    ("binance", "order-query", BINANCE_SIGNATURE),
    ("binance", "order-query", BINANCE_SIGNATURE.upper()),  # Binance accepts either case
    ("binance", "ed25519", B10_ED25519_IN_URL),  # percent-encoded, as in the URL
    ("bybit", "get", "X-BAPI-SIGN: " + Y2_GET_HMAC),
    ("okx", "post", OKX_POST_SIGN),
    ("kraken", "addorder", KRAKEN_SIGNATURE),
    ("coinbase", "ed25519", C1_JWT),
], ids=["binance", "binance-uppercase", "binance-ed25519-percent-encoded", "bybit-with-header-name", "okx", "kraken",
        "coinbase"])
def test_compare_mode_recognises_a_correct_signature(page: Page, site_url: str, errors: list[str], exchange: str,
                                                     example: str, pasted: str):
    open_playground(page, site_url)
    choose(page, exchange, example)
    page.get_by_label("Signature", exact=True).fill(pasted)
    expect(verdict(page)).to_have_attribute("data-verdict", "match")
    expect(verdict(page)).to_contain_text("✓")
    assert errors == []


def test_compare_mode_verifies_an_ecdsa_token_made_elsewhere(page: Page, site_url: str, errors: list[str]):
    # A token for the same request, signed here with the page's example key at another time.
    header, claims = coinbase.jwt_parts(C1_KEY_NAME, C1_URI, "ES256", C1_NOW + 60, "ff" * 16)
    other = coinbase.sign_jwt(header, claims, RFC6979_P256)
    open_playground(page, site_url)
    choose(page, "coinbase", "es256")
    page.get_by_label("Signature", exact=True).fill(other)
    expect(verdict(page)).to_have_attribute("data-verdict", "match")
    expect(verdict(page)).to_contain_text("A valid token for this request.")
    assert errors == []


def test_compare_mode_says_when_nothing_explains_it(page: Page, site_url: str, errors: list[str]):
    open_playground(page, site_url)
    choose(page, "bybit", "get")
    page.get_by_label("Signature", exact=True).fill(hex_hmac("some other secret", BYBIT_GET_PLAIN))
    expect(verdict(page)).to_have_attribute("data-verdict", "unknown")
    expect(verdict(page)).to_contain_text("none of the usual mistakes explains it")
    page.get_by_label("Signature", exact=True).fill(hex_hmac(TEST_SECRET, BYBIT_GET_PLAIN, hashlib.sha512))
    expect(verdict(page)).to_have_attribute("data-verdict", "length")
    expect(verdict(page)).to_contain_text("decodes to 64 bytes")
    assert errors == []


# --------------------------------------------------------------------------------------------
# Keyboard, phone width, accessibility


def test_keyboard_alone_changes_exchange_edits_and_compares(page: Page, site_url: str, errors: list[str]):
    open_playground(page, site_url)
    page.locator("h2#try-it a.headerlink").focus()  # the reader has tabbed down to the "Try it" heading
    page.keyboard.press("Tab")
    exchange = page.get_by_label("Exchange", exact=True)
    expect(exchange).to_be_focused()
    page.keyboard.press("ArrowDown")  # Binance -> Bybit
    expect(exchange).to_have_value("bybit")
    expect(signature(page)).to_have_text(Y2_GET_HMAC)

    compare = page.get_by_label("Signature", exact=True)
    for _ in range(40):
        page.keyboard.press("Tab")
        if compare.evaluate("el => el === document.activeElement"):
            break
    expect(compare).to_be_focused()
    page.keyboard.type(Y2_GET_HMAC)
    expect(verdict(page)).to_have_attribute("data-verdict", "match")

    secret = page.get_by_label("Secret", exact=True)
    for _ in range(40):
        page.keyboard.press("Shift+Tab")
        if secret.evaluate("el => el === document.activeElement"):
            break
    expect(secret).to_be_focused()
    page.keyboard.press("End")
    page.keyboard.type(" ")
    expect(signature(page)).to_have_text(hex_hmac(TEST_SECRET + " ", BYBIT_GET_PLAIN))
    expect(page.get_by_text("The secret ends with a space; it is used exactly as typed.")).to_be_visible()
    expect(verdict(page)).to_have_attribute("data-cause", "secret-trimmed")

    now = page.get_by_role("button", name="Use the current time")
    for _ in range(20):
        page.keyboard.press("Tab")
        if now.evaluate("el => el === document.activeElement"):
            break
    expect(now).to_be_focused()
    page.keyboard.press("Enter")
    timestamp = int(page.get_by_label("Timestamp", exact=True).input_value())
    assert timestamp > 1_700_000_000_000
    assert errors == []


def test_focus_is_visible_on_the_controls(page: Page, site_url: str):
    open_playground(page, site_url)
    page.locator("h2#try-it a.headerlink").focus()
    page.keyboard.press("Tab")
    outline = page.get_by_label("Exchange", exact=True).evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline == "solid"


@pytest.mark.parametrize("exchange", EXCHANGES)
def test_phone_width_has_no_sideways_scrolling(page: Page, site_url: str, errors: list[str], exchange: str):
    page.set_viewport_size({"width": 375, "height": 812})
    open_playground(page, site_url)
    choose(page, exchange)
    options = page.get_by_label("Example", exact=True).locator("option").all()
    examples = [option.get_attribute("value") for option in options]
    for example in examples:
        choose(page, exchange, example)
        page.get_by_label("Signature", exact=True).fill("not-a-signature-" + "x" * 120)
        expect(verdict(page)).to_have_attribute("data-verdict", re.compile("."))
        widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert widths[0] <= widths[1], widths
        wide = page.evaluate("""() => [...document.querySelectorAll('[data-kl-playground] *')]
            .filter(el => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
            .map(el => el.tagName + '.' + el.className)""")
        assert wide == []
    assert errors == []


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_no_accessibility_violations(page: Page, site_url: str, color_scheme: str):
    page.emulate_media(color_scheme=color_scheme)
    open_playground(page, site_url)
    for exchange in EXCHANGES:
        choose(page, exchange)
        page.get_by_label("Signature", exact=True).fill("0123")
        expect(verdict(page)).to_have_attribute("data-verdict", re.compile("."))
        results = audit(page)
        assert results.violations_count == 0, exchange + "\n" + results.generate_report()


@pytest.mark.parametrize("width", [375, 1280])
def test_no_accessibility_violations_with_a_diagnosis_shown(page: Page, site_url: str, width: int):
    page.set_viewport_size({"width": width, "height": 900})
    open_playground(page, site_url)
    choose(page, "binance", "order-query")
    page.get_by_label("Secret", exact=True).fill(BINANCE_SECRET + "\n")
    page.get_by_label("Signature", exact=True).fill(hex_hmac(BINANCE_KEY, BINANCE_PAYLOAD))
    expect(verdict(page)).to_have_attribute("data-verdict", re.compile("."))
    results = audit(page)
    assert results.violations_count == 0, results.generate_report()


# --------------------------------------------------------------------------------------------
# Nothing leaves the machine


def test_note_says_nothing_is_sent(page: Page, site_url: str):
    open_playground(page, site_url)
    expect(page.get_by_text("Nothing you type here is sent anywhere.")).to_be_visible()
    for name in ["Secret", "Signature"]:
        assert page.get_by_label(name, exact=True).get_attribute("spellcheck") == "false"


def test_no_request_leaves_127_0_0_1(page: Page, site_url: str, requested: list[str], errors: list[str]):
    origin = site_url.rstrip("/")
    open_playground(page, site_url)
    for exchange in EXCHANGES:
        choose(page, exchange)
        for option in page.get_by_label("Example", exact=True).locator("option").all():
            page.get_by_label("Example", exact=True).select_option(option.get_attribute("value"))
            expect(status(page)).to_contain_text("✓")
            page.get_by_label("Secret", exact=True).press_sequentially("x")
            page.get_by_label("Secret", exact=True).press("Backspace")
            page.get_by_label("Signature", exact=True).fill("deadbeef")
            expect(verdict(page)).to_have_attribute("data-verdict", re.compile("."))
            page.get_by_role("button", name="Use the current time").click()
    page.wait_for_timeout(300)
    assert_local_only(requested, origin + "/")
    assert errors == []


def test_typing_a_secret_and_comparing_make_no_request_at_all(page: Page, site_url: str, requested: list[str]):
    # Tall enough that nothing scrolls: scrolling makes Material rewrite the address's #anchor
    # (navigation.tracking), after which Chromium fetches the favicon again, on any page.
    page.set_viewport_size({"width": 1280, "height": 9000})
    open_playground(page, site_url)
    assert page.evaluate("document.documentElement.scrollHeight") <= 9000
    page.wait_for_load_state("networkidle")
    for _ in range(50):  # Chromium asks for the favicon on its own, a little after the page has loaded
        if any(url.endswith("/assets/favicon.svg") for url in requested):
            break
        page.wait_for_timeout(100)
    page.wait_for_timeout(500)
    before = len(requested)
    secret = page.get_by_label("Secret", exact=True)
    secret.fill("")
    secret.press_sequentially("my-own-test-secret", delay=10)
    expect(signature(page)).to_have_text(hex_hmac("my-own-test-secret", BINANCE_PAYLOAD))
    page.get_by_label("Signature", exact=True).press_sequentially(BINANCE_SIGNATURE, delay=2)
    expect(verdict(page)).to_have_attribute("data-verdict", re.compile("."))
    choose(page, "kraken")
    page.get_by_label("Secret", exact=True).press_sequentially("AAAA", delay=10)
    page.wait_for_timeout(500)
    assert page.evaluate("window.scrollY") == 0
    assert requested[before:] == []


# --------------------------------------------------------------------------------------------
# Reached by Material's instant navigation


def test_works_after_instant_navigation_and_back(page: Page, site_url: str, errors: list[str]):
    page.goto(site_url)
    # The page is not in the nav yet: give the home page a link to it, and let Material's
    # instant navigation follow it (no full page load).
    page.evaluate("""() => { const a = document.createElement('a'); a.href = 'tools/playground/';
        a.id = 'to-playground'; a.textContent = 'Playground'; document.querySelector('article').append(a); }""")
    page.evaluate("window.__same_document = true")
    page.locator("#to-playground").click()
    page.wait_for_url(re.compile(re.escape(PAGE)))
    expect(signature(page)).to_have_text(BINANCE_SIGNATURE)
    assert page.evaluate("window.__same_document === true"), "expected instant navigation, got a full load"
    page.get_by_role("link", name="localnet").first.click()
    page.wait_for_url(re.compile("localnet"))
    page.go_back()
    page.wait_for_url(re.compile(re.escape(PAGE)))
    expect(signature(page)).to_have_text(BINANCE_SIGNATURE)
    expect(page.locator("[data-kl-playground] form")).to_have_count(1)
    choose(page, "okx")
    expect(signature(page)).to_have_text(OKX_GET_SIGN)
    assert page.evaluate("window.__same_document === true")
    assert errors == []
