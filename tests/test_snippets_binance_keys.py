"""snippets/binance.py with Ed25519 and RSA keys: published and cross-checked vectors, and localnet's verdict."""

import base64
from urllib.parse import quote

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

from localnet.client import start
from snippets import binance
from tests.localnet.rsa_demo_key import PRIVATE_PEM as RSA_DEMO_PEM

# RFC 8032, section 7.1, TEST 1: the secret key and the signature of the empty message.
RFC8032_SEED = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
RFC8032_EMPTY_SIGNATURE = bytes.fromhex(
    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
)

# Vector B10 (../shared/reference/exchanges.md §1.6): one order payload, signed with the RFC 8032
# key and with the RSA demo key Binance publishes; ccxt computes the same two signatures.
B10_PAYLOAD = ("symbol=BTCUSDT&side=SELL&type=LIMIT&timeInForce=GTC&quantity=1&price=0.2"
               "&timestamp=1668481559918&recvWindow=5000")
B10_ED25519 = "XtZirsmmi0noRzUfkqktvkVfxpkq/WtbLg2UOL3QGYdUBZVlqOBEMuEVw8zioY93N54NcKj9UuAXQEa9zgTDBg=="
B10_ED25519_IN_URL = "XtZirsmmi0noRzUfkqktvkVfxpkq%2FWtbLg2UOL3QGYdUBZVlqOBEMuEVw8zioY93N54NcKj9UuAXQEa9zgTDBg%3D%3D"
B10_RSA = ("uwh3oGpiVTIq0XeF00N1hJ6moowNTDxgbEbhPheZ2YlGWB80MsTQfPYNFB8zaBRn/cpTRiceZJjnNuPdSYY+OY/Bf8wqE9JhjXk+"
           "jWd49qoe4uTZ+AWcyMdlC4suxiURNM3zii5GzGIno1A0PK4JqpRuRGFNsFEQ8ioUPaRf4enhPJfCHgxRj5QEIp2GxXcNzQnKKelRj"
           "W/k0wkxiKFHWZzQcLlOXKfHYensyS9dT1ZGphlqxXyMU0oLpqpuf0YLvj98sC0PS3TZVAZkMltMPqTvecZOTsg15j6Cj21a/Q3J+p0U"
           "3H1ihNjlTH9FrUvjioFLPP9hvWgHMM745pPGdQ==")


def _pem(private_key) -> str:
    return private_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                     serialization.NoEncryption()).decode()


def _public_pem(private_pem: str) -> str:
    key = serialization.load_pem_private_key(private_pem.encode(), password=None)
    return key.public_key().public_bytes(serialization.Encoding.PEM,
                                         serialization.PublicFormat.SubjectPublicKeyInfo).decode()


RFC8032_PEM = _pem(ed25519.Ed25519PrivateKey.from_private_bytes(RFC8032_SEED))


def test_ed25519_reproduces_rfc8032_test_1():
    assert base64.b64decode(binance.sign_with_private_key(RFC8032_PEM, "")) == RFC8032_EMPTY_SIGNATURE


def test_ed25519_reproduces_the_b10_vector_and_is_deterministic():
    first = binance.sign_with_private_key(RFC8032_PEM, B10_PAYLOAD)
    assert first == B10_ED25519
    assert binance.sign_with_private_key(RFC8032_PEM, B10_PAYLOAD) == first
    assert len(first) == 88 and len(base64.b64decode(first)) == 64


def test_rsa_reproduces_the_b10_vector_and_is_deterministic():
    first = binance.sign_with_private_key(RSA_DEMO_PEM, B10_PAYLOAD)
    assert first == B10_RSA
    assert binance.sign_with_private_key(RSA_DEMO_PEM, B10_PAYLOAD) == first


def test_signed_query_percent_encodes_the_signature_of_exactly_what_is_sent():
    params = [("symbol", "BTCUSDT"), ("side", "SELL"), ("type", "LIMIT"), ("timeInForce", "GTC"),
              ("quantity", 1), ("price", 0.2), ("timestamp", 1668481559918), ("recvWindow", 5000)]
    query = binance.signed_query_with_private_key(params, RFC8032_PEM)
    assert query == f"{B10_PAYLOAD}&signature={B10_ED25519_IN_URL}"
    rsa_query = binance.signed_query_with_private_key(params, RSA_DEMO_PEM)
    assert rsa_query == f"{B10_PAYLOAD}&signature={quote(B10_RSA, safe='')}"


def test_other_keys_are_refused_with_a_sentence():
    with pytest.raises(ValueError, match="Ed25519 or RSA"):
        binance.sign_with_private_key(_pem(ec.generate_private_key(ec.SECP256R1())), B10_PAYLOAD)


def test_existing_hmac_functions_are_unchanged():
    secret = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j"
    assert binance.signed_query({"timestamp": 1499827319559, "recvWindow": 5000}, secret) == (
        "timestamp=1499827319559&recvWindow=5000"
        "&signature=6cd35332399b004466463b9ad65a112a14f31fb9ddfd5e19bd7298fbd491dbc7"
    )


@pytest.mark.parametrize("private_pem, key_type", [(RFC8032_PEM, "ed25519"), (RSA_DEMO_PEM, "rsa")])
def test_localnet_accepts_the_query_and_refuses_an_unencoded_plus(private_pem, key_type):
    moment = 1_768_478_400_000
    with start(frozen_time_ms=moment) as net:
        key = net.create_key("binance", type=key_type, public_key_pem=_public_pem(private_pem))
        headers = {binance.API_KEY_HEADER: key["api_key"]}
        with httpx.Client(base_url=net.url("binance"), headers=headers) as http:
            params = {"timestamp": moment, "recvWindow": 5000}
            answer = http.get("/api/v3/account?" + binance.signed_query_with_private_key(params, private_pem))
            assert answer.status_code == 200, answer.text
            payload = binance.encode(params)
            raw = binance.sign_with_private_key(private_pem, payload)
            assert "+" in raw  # true for both keys at this moment; sent as is, '+' reads as a space
            answer = http.get(f"/api/v3/account?{payload}&signature={raw}")
            assert answer.json() == {"code": -1022, "msg": "Signature for this request is not valid."}
