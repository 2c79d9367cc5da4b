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


# --8<-- [start:send]
def send(base_url: str, api_key: str, secret: str, method: str, params: Params = ()) -> dict:
    """POST a signed private call and return Kraken's JSON answer: {"error": [...], "result": ...}.

    Kraken reports errors with HTTP 200, so always look at `error` before using `result`.
    """
    import json
    import urllib.request

    uri_path, headers, body = private_request(api_key, secret, method, params)
    request = urllib.request.Request(base_url + uri_path, data=body.encode("utf-8"), headers=headers)
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)
# --8<-- [end:send]


# --8<-- [start:example]
# Kraken's published example ("Spot REST Authentication" guide): buy 1.25 XBTUSD at 37500.
# The key pair belongs to no account; it exists only to check signing code.
EXAMPLE_SECRET = "kQH5HW/8p1uGOVjbgWA7FunAmGO8lsSUXNsu3eow76sz84Q18fWxnyRzBHCd3pd5nE9qa99HAZtuZuj6F1huXg=="
EXAMPLE_NONCE = "1616492376594"
EXAMPLE_ORDER = {"ordertype": "limit", "pair": "XBTUSD", "price": "37500", "type": "buy", "volume": "1.25"}


def example_signature() -> str:
    """The example's API-Sign; Kraken publishes 4/dpxb3iT4tp/ZCVE...8ndwLUQ== for it."""
    body = encode_body(EXAMPLE_NONCE, EXAMPLE_ORDER)
    return sign(EXAMPLE_SECRET, "/0/private/AddOrder", EXAMPLE_NONCE, body)
# --8<-- [end:example]


# --8<-- [start:ccxt]
def ccxt_kraken(base_url: str, api_key: str, secret: str):
    """A ccxt Kraken client sending every call to `base_url` (localnet: http://127.0.0.1:8104).

    Kraken Spot has no testnet, so ccxt has no sandbox URL for it: replace both API URLs instead.
    """
    import ccxt

    exchange = ccxt.kraken({"apiKey": api_key, "secret": secret})
    exchange.urls["api"]["public"] = base_url
    exchange.urls["api"]["private"] = base_url
    return exchange
# --8<-- [end:ccxt]
