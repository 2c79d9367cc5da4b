"""Sign a Binance Spot REST request with an HMAC key, using only the standard library.

Binance signs the request's parameters exactly as they travel: the query string, then
(for a form-encoded POST body) the body, joined with nothing in between. The signature
is the lowercase hex HMAC-SHA256 of those bytes, keyed with your secret key, and it goes
last, as the `signature` parameter. The API key itself travels in the `X-MBX-APIKEY`
header; the secret never leaves your machine.
"""

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


def timestamp_ms() -> int:
    """Milliseconds since the Unix epoch: the value Binance expects in `timestamp`."""
    return int(time.time() * 1000)
