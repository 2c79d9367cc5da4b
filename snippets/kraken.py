"""Sign a Kraken Spot REST private request with the standard library only.

Kraken's private endpoints are all POST requests under /0/private/. The body carries the
parameters plus a `nonce`: a number that must be larger on every call made with the same key.
The signature, sent in the `API-Sign` header, is built in two steps:

1. SHA-256 of the nonce followed by the exact body text (raw 32 bytes, not hex);
2. HMAC-SHA512 of the URI path followed by those 32 bytes, keyed with the base64-decoded
   secret, then encoded as base64.

The API key travels in the `API-Key` header; the secret never leaves your machine.
"""

import base64
import hashlib
import hmac
import time
from collections.abc import Iterable, Mapping
from urllib.parse import urlencode

API_KEY_HEADER = "API-Key"
SIGNATURE_HEADER = "API-Sign"

Params = Mapping[str, object] | Iterable[tuple[str, object]]


# --8<-- [start:sign]
def message_to_sign(uri_path: str, nonce: str, body: str) -> bytes:
    """The bytes Kraken signs: the URI path, then SHA-256(nonce + body) as raw bytes."""
    digest = hashlib.sha256((nonce + body).encode("utf-8")).digest()
    return uri_path.encode("utf-8") + digest


def sign(secret: str, uri_path: str, nonce: str, body: str) -> str:
    """Return the `API-Sign` value: base64 HMAC-SHA512 keyed with the base64-decoded secret."""
    key = base64.b64decode(secret)
    mac = hmac.new(key, message_to_sign(uri_path, nonce, body), hashlib.sha512)
    return base64.b64encode(mac.digest()).decode("ascii")
# --8<-- [end:sign]


# --8<-- [start:request]
def nonce_ms() -> str:
    """Milliseconds since the Unix epoch, as text: a nonce that grows with every call."""
    return str(int(time.time() * 1000))


def encode_body(nonce: str, params: Params = ()) -> str:
    """The form-encoded body, `nonce` first, then the parameters in the order given."""
    pairs = params.items() if isinstance(params, Mapping) else params
    return urlencode([("nonce", nonce), *((key, str(value)) for key, value in pairs)])


def private_request(api_key: str, secret: str, method: str, params: Params = (),
                    nonce: str | None = None) -> tuple[str, dict[str, str], str]:
    """Return (URI path, headers, body) for POST /0/private/<method>, signed and ready to send."""
    uri_path = f"/0/private/{method}"
    nonce = nonce if nonce is not None else nonce_ms()
    body = encode_body(nonce, params)
    headers = {
        API_KEY_HEADER: api_key,
        SIGNATURE_HEADER: sign(secret, uri_path, nonce, body),
        "Content-Type": "application/x-www-form-urlencoded",
    }
    return uri_path, headers, body
# --8<-- [end:request]
