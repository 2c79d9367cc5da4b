"""Sign a Binance Spot REST request with an HMAC key, using only the standard library.

Binance signs the request's parameters exactly as they travel: the query string, then
(for a form-encoded POST body) the body, joined with nothing in between. The signature
is the lowercase hex HMAC-SHA256 of those bytes, keyed with your secret key, and it goes
last, as the `signature` parameter. The API key itself travels in the `X-MBX-APIKEY`
header; the secret never leaves your machine.

Ed25519 and RSA keys sign the same bytes with your private key instead, and send the
signature in base64, percent-encoded. Only those two functions need a library
(`cryptography`); they import it when called.
"""

import base64
import hashlib
import hmac
import time
from collections.abc import Iterable, Mapping
from urllib.parse import quote, urlencode

API_KEY_HEADER = "X-MBX-APIKEY"

Params = Mapping[str, object] | Iterable[tuple[str, object]]


def sign(secret: str, payload: str) -> str:
    """Return Binance's `signature` for `payload`: hex HMAC-SHA256 keyed with `secret`."""
    mac = hmac.new(secret.encode("utf-8"), payload.encode("utf-8"), hashlib.sha256)
    return mac.hexdigest()


def encode(params: Params) -> str:
    """Percent-encode parameters in the order given, as they will be sent (UTF-8)."""
    pairs = params.items() if isinstance(params, Mapping) else params
    return urlencode([(key, str(value)) for key, value in pairs], quote_via=quote)


def signed_query(params: Params, secret: str) -> str:
    """Return the encoded parameters with `&signature=...` appended, ready to send."""
    payload = encode(params)
    return f"{payload}&signature={sign(secret, payload)}"


def sign_with_private_key(private_key_pem: str, payload: str) -> str:
    """Return Binance's `signature` for an Ed25519 or RSA key: the base64 signature of `payload`.

    Ed25519 signs the payload's bytes as they are; RSA uses PKCS#1 v1.5 padding with SHA-256
    (Binance does not accept PSS). Both give the same signature every time for the same key and
    payload. The result contains `+`, `/` and `=`, so it must be percent-encoded in the query.
    """
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ed25519, padding, rsa

    key = serialization.load_pem_private_key(private_key_pem.encode("utf-8"), password=None)
    data = payload.encode("utf-8")
    if isinstance(key, ed25519.Ed25519PrivateKey):
        raw = key.sign(data)
    elif isinstance(key, rsa.RSAPrivateKey):
        raw = key.sign(data, padding.PKCS1v15(), hashes.SHA256())
    else:
        raise ValueError("Binance key pairs are Ed25519 or RSA; an HMAC secret goes to sign()")
    return base64.b64encode(raw).decode("ascii")


def signed_query_with_private_key(params: Params, private_key_pem: str) -> str:
    """Like signed_query(), for an Ed25519 or RSA key: the base64 signature, percent-encoded."""
    payload = encode(params)
    return f"{payload}&signature={quote(sign_with_private_key(private_key_pem, payload), safe='')}"


def timestamp_ms() -> int:
    """Milliseconds since the Unix epoch: the value Binance expects in `timestamp`."""
    return int(time.time() * 1000)
