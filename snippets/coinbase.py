"""Sign a Coinbase Advanced Trade request with a CDP API key: one short-lived JWT per request.

Coinbase does not sign the request itself. Instead, for every request you build a JSON Web
Token (JWT) that names your key, says which request it is for (method, host and path, in the
`uri` claim) and is valid for at most two minutes. You sign the token with your private key
(Ed25519 or ECDSA P-256) and send it as `Authorization: Bearer <token>`. The private key never
leaves your machine; Coinbase keeps only the public half.

Only the signature needs a library (`cryptography`); the rest is the standard library, so you
can see every byte of the token.
"""

import base64
import json
import secrets
import time

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

API_HOST = "api.coinbase.com"
TOKEN_LIFETIME_S = 120  # Coinbase refuses tokens that live longer than two minutes


# --8<-- [start:key]
def load_private_key(secret: str) -> ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey:
    """Read the private key the CDP portal gave you.

    An Ed25519 key comes as base64 (64 bytes: the 32-byte seed, then the 32-byte public key);
    an ECDSA key comes as a PEM block that starts with -----BEGIN EC PRIVATE KEY-----.
    """
    if secret.lstrip().startswith("-----BEGIN"):
        return serialization.load_pem_private_key(secret.encode(), password=None)
    raw = base64.b64decode("".join(secret.split()), validate=True)
    return ed25519.Ed25519PrivateKey.from_private_bytes(raw[:32])
# --8<-- [end:key]


# --8<-- [start:claims]
def jwt_uri(method: str, host: str, path: str) -> str:
    """The `uri` claim: method, a space, then host and path -- no https://, no query string."""
    return f"{method.upper()} {host}{path}"


def jwt_parts(key_name: str, uri: str, algorithm: str, now: int, nonce: str) -> tuple[dict, dict]:
    """The JWT header and claims for one request."""
    header = {"alg": algorithm, "kid": key_name, "nonce": nonce, "typ": "JWT"}
    claims = {"sub": key_name, "iss": "cdp", "nbf": now, "exp": now + TOKEN_LIFETIME_S, "uri": uri}
    return header, claims
# --8<-- [end:claims]


# --8<-- [start:sign]
def b64url(data: bytes) -> str:
    """Base64url without padding, as JWTs use it."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def sign_jwt(header: dict, claims: dict, private_key: ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey) -> str:
    """Encode header and claims as compact JSON, then sign `header.claims` with the private key."""
    encoded = [b64url(json.dumps(part, separators=(",", ":")).encode()) for part in (header, claims)]
    signing_input = ".".join(encoded).encode("ascii")
    if isinstance(private_key, ed25519.Ed25519PrivateKey):
        signature = private_key.sign(signing_input)  # EdDSA: 64 bytes
    else:
        der = private_key.sign(signing_input, ec.ECDSA(hashes.SHA256()))
        r, s = decode_dss_signature(der)  # ES256 wants r and s as two 32-byte numbers, not DER
        signature = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    return ".".join(encoded) + "." + b64url(signature)
# --8<-- [end:sign]


# --8<-- [start:request]
def build_jwt(key_name: str, secret: str, method: str, path: str, host: str = API_HOST,
              now: int | None = None, nonce: str | None = None) -> str:
    """A fresh token for one request (a new one for every request: it names the request)."""
    private_key = load_private_key(secret)
    algorithm = "EdDSA" if isinstance(private_key, ed25519.Ed25519PrivateKey) else "ES256"
    header, claims = jwt_parts(
        key_name, jwt_uri(method, host, path), algorithm,
        now=int(time.time()) if now is None else now,
        nonce=secrets.token_hex(16) if nonce is None else nonce,
    )
    return sign_jwt(header, claims, private_key)


def auth_headers(token: str) -> dict[str, str]:
    """The headers of a signed request."""
    return {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
# --8<-- [end:request]


# --8<-- [start:ccxt]
def ccxt_client(base_url: str, key_name: str, secret: str):
    """ccxt's Coinbase client, talking to `base_url` (for example localnet) instead of api.coinbase.com."""
    import ccxt

    exchange = ccxt.coinbase({"apiKey": key_name, "secret": secret})
    exchange.urls["api"]["rest"] = base_url  # ccxt builds every URL (v2 and v3) from this one
    return exchange
# --8<-- [end:ccxt]


# --8<-- [start:sdk]
def sdk_client(base_url: str, key_name: str, secret: str):
    """Coinbase's own SDK (coinbase-advanced-py), talking plain HTTP to `base_url`.

    The SDK always builds https:// URLs and signs "<METHOD> <base_url><path>", so it takes the
    host without a scheme; for a local server without TLS, its session swaps https for http.
    """
    import requests
    from coinbase.rest import RESTClient

    class PlainHttpSession(requests.Session):
        def request(self, method, url, *args, **kwargs):
            return super().request(method, url.replace("https://", "http://", 1), *args, **kwargs)

    client = RESTClient(api_key=key_name, api_secret=secret, base_url=base_url.split("://", 1)[-1])
    client.session = PlainHttpSession()
    return client
# --8<-- [end:sdk]


# --8<-- [start:example]
# KeyLab's vector C1: RFC 8032's first Ed25519 test key, written as a CDP secret. It is a public
# test key that opens no account anywhere; with a fixed time and nonce the token is always the same.
EXAMPLE_KEY_NAME = "organizations/00000000-0000-0000-0000-000000000000/apiKeys/11111111-1111-1111-1111-111111111111"
EXAMPLE_SECRET = "nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2DXWpgBgrEKt9VL/tPJZAc6DuFy89qmIyWvAhpo9wdRGg=="


def example_token() -> str:
    """The token for GET /api/v3/brokerage/accounts at 1700000000 (14 November 2023, 22:13:20 UTC)."""
    return build_jwt(EXAMPLE_KEY_NAME, EXAMPLE_SECRET, "GET", "/api/v3/brokerage/accounts",
                     now=1700000000, nonce="0123456789abcdef0123456789abcdef")


if __name__ == "__main__":
    print(example_token())
# --8<-- [end:example]
