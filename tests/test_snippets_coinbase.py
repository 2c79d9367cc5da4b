"""The Coinbase JWT snippet against vector C1 (exchanges.md §5.5) and an independent verifier (PyJWT)."""

import base64
import json

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

from snippets import coinbase

# Vector C1 (PROJECT): RFC 8032 test key 1 as a CDP Ed25519 secret (base64 of seed || public key).
C1_SECRET = "nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2DXWpgBgrEKt9VL/tPJZAc6DuFy89qmIyWvAhpo9wdRGg=="
C1_KEY_NAME = "organizations/00000000-0000-0000-0000-000000000000/apiKeys/11111111-1111-1111-1111-111111111111"
C1_NONCE = "0123456789abcdef0123456789abcdef"
C1_NOW = 1700000000
C1_URI = "GET api.coinbase.com/api/v3/brokerage/accounts"
C1_JWT = (
    "eyJhbGciOiJFZERTQSIsImtpZCI6Im9yZ2FuaXphdGlvbnMvMDAwMDAwMDAtMDAwMC0wMDAwLTAwMDAtMDAwMDAwMDAwMDAwL2FwaUtleXMv"
    "MTExMTExMTEtMTExMS0xMTExLTExMTEtMTExMTExMTExMTExIiwibm9uY2UiOiIwMTIzNDU2Nzg5YWJjZGVmMDEyMzQ1Njc4OWFiY2RlZiIs"
    "InR5cCI6IkpXVCJ9.eyJzdWIiOiJvcmdhbml6YXRpb25zLzAwMDAwMDAwLTAwMDAtMDAwMC0wMDAwLTAwMDAwMDAwMDAwMC9hcGlLZXlzLzEx"
    "MTExMTExLTExMTEtMTExMS0xMTExLTExMTExMTExMTExMSIsImlzcyI6ImNkcCIsIm5iZiI6MTcwMDAwMDAwMCwiZXhwIjoxNzAwMDAwMTIw"
    "LCJ1cmkiOiJHRVQgYXBpLmNvaW5iYXNlLmNvbS9hcGkvdjMvYnJva2VyYWdlL2FjY291bnRzIn0.FcY1xk4oJ2ne2aRvsBa_7U9mezdzZunN-"
    "YJIteLe3H2-oaQzMErJtt9wlqTxPZMfrsQvH24yfG6xqmUeB8R_BQ"
)
# RFC 8032 §7.1 test 1 public key: the second half of the C1 secret must be exactly this.
RFC8032_PUBLIC = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"


def test_c1_jwt_is_reproduced_byte_for_byte():
    token = coinbase.build_jwt(C1_KEY_NAME, C1_SECRET, "GET", "/api/v3/brokerage/accounts",
                               now=C1_NOW, nonce=C1_NONCE)
    assert token == C1_JWT


def test_c1_secret_is_rfc8032_key_1():
    raw = base64.b64decode(C1_SECRET)
    public = coinbase.load_private_key(C1_SECRET).public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    assert len(raw) == 64 and raw[32:].hex() == RFC8032_PUBLIC == public.hex()


def test_c1_header_and_claims_in_the_stated_order():
    header_b64, claims_b64, _ = C1_JWT.split(".")
    pad = lambda s: s + "=" * (-len(s) % 4)  # noqa: E731
    header = base64.urlsafe_b64decode(pad(header_b64)).decode()
    claims = base64.urlsafe_b64decode(pad(claims_b64)).decode()
    expected_header, expected_claims = coinbase.jwt_parts(C1_KEY_NAME, C1_URI, "EdDSA", C1_NOW, C1_NONCE)
    assert header == json.dumps(expected_header, separators=(",", ":"))
    assert claims == json.dumps(expected_claims, separators=(",", ":"))


def test_c1_verifies_with_pyjwt():
    public = coinbase.load_private_key(C1_SECRET).public_key()
    claims = jwt.decode(C1_JWT, public, algorithms=["EdDSA"], options={"verify_exp": False, "verify_nbf": False})
    assert claims == {"sub": C1_KEY_NAME, "iss": "cdp", "nbf": C1_NOW, "exp": C1_NOW + 120, "uri": C1_URI}


def test_uri_has_no_scheme_and_no_query():
    assert coinbase.jwt_uri("post", "api.coinbase.com", "/api/v3/brokerage/orders") == \
        "POST api.coinbase.com/api/v3/brokerage/orders"


def test_es256_token_verifies_and_uses_raw_r_s_signature():
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                            serialization.NoEncryption()).decode()
    assert pem.startswith("-----BEGIN EC PRIVATE KEY-----")
    token = coinbase.build_jwt(C1_KEY_NAME, pem, "POST", "/api/v3/brokerage/orders", now=C1_NOW)
    signature = base64.urlsafe_b64decode(token.split(".")[2] + "==")
    assert len(signature) == 64  # r || s, not DER
    claims = jwt.decode(token, key.public_key(), algorithms=["ES256"], options={"verify_exp": False,
                                                                                 "verify_nbf": False})
    assert claims["uri"] == "POST api.coinbase.com/api/v3/brokerage/orders"
    assert jwt.get_unverified_header(token)["alg"] == "ES256"


def test_every_token_gets_a_fresh_nonce():
    first = coinbase.build_jwt(C1_KEY_NAME, C1_SECRET, "GET", "/x", now=C1_NOW)
    second = coinbase.build_jwt(C1_KEY_NAME, C1_SECRET, "GET", "/x", now=C1_NOW)
    assert first != second


@pytest.mark.parametrize("secret", ["", "not base64!", base64.b64encode(b"short").decode()])
def test_bad_secrets_are_refused(secret):
    with pytest.raises(ValueError):
        coinbase.load_private_key(secret)


def test_a_32_byte_seed_works_too():
    seed_only = base64.b64encode(base64.b64decode(C1_SECRET)[:32]).decode()
    assert isinstance(coinbase.load_private_key(seed_only), ed25519.Ed25519PrivateKey)
    assert coinbase.build_jwt(C1_KEY_NAME, seed_only, "GET", "/api/v3/brokerage/accounts",
                              now=C1_NOW, nonce=C1_NONCE) == C1_JWT


def test_auth_headers():
    assert coinbase.auth_headers("abc") == {"Authorization": "Bearer abc", "Content-Type": "application/json"}


def test_example_section_prints_vector_c1():
    assert coinbase.EXAMPLE_KEY_NAME == C1_KEY_NAME and coinbase.EXAMPLE_SECRET == C1_SECRET
    assert coinbase.example_token() == C1_JWT
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    out = subprocess.run([sys.executable, "-m", "snippets.coinbase"], cwd=root, capture_output=True, text=True,
                         check=True).stdout
    assert out == C1_JWT + "\n"
