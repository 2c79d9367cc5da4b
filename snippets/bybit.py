"""Sign a Bybit v5 REST request, with an HMAC key or an RSA key.

Bybit signs one string: the timestamp, your API key, the receive window, and then the
request's parameters exactly as they travel. For a GET request that is the query string
(without the "?"); for a POST request it is the raw JSON body. Nothing is sorted and
nothing is re-encoded: the server signs the bytes it receives, so you must sign the bytes
you send.

An HMAC key (the kind Bybit generates for you) signs with HMAC-SHA256 and sends the result
as lowercase hex. An RSA key (the kind you generate yourself, uploading only the public
half) signs with RSA-SHA256 (PKCS#1 v1.5) and sends the result in base64. Everything goes
in four headers; the secret or private key never leaves your machine.
"""

import base64
import hashlib
import hmac
import json
import time
from urllib.parse import urlencode

DEFAULT_RECV_WINDOW = "5000"  # milliseconds; Bybit's default when the header is absent


# --8<-- [start:plain]
def string_to_sign(timestamp: str, api_key: str, recv_window: str, payload: str) -> str:
    """Bybit's string to sign: timestamp + API key + receive window + payload.

    `payload` is the query string of a GET request (no "?") or the raw JSON body of a POST.
    """
    return timestamp + api_key + recv_window + payload
# --8<-- [end:plain]


# --8<-- [start:sign]
def sign_hmac(secret: str, plain: str) -> str:
    """X-BAPI-SIGN for an HMAC key: HMAC-SHA256 keyed with the secret, as lowercase hex."""
    mac = hmac.new(secret.encode("utf-8"), plain.encode("utf-8"), hashlib.sha256)
    return mac.hexdigest()


def sign_rsa(private_key_pem: str, plain: str) -> str:
    """X-BAPI-SIGN for an RSA key: RSA-SHA256 (PKCS#1 v1.5) with your private key, in base64.

    This one needs the `cryptography` package; the standard library has no RSA.
    """
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding

    key = serialization.load_pem_private_key(private_key_pem.encode("utf-8"), password=None)
    signature = key.sign(plain.encode("utf-8"), padding.PKCS1v15(), hashes.SHA256())
    return base64.b64encode(signature).decode("ascii")
# --8<-- [end:sign]


# --8<-- [start:request]
def timestamp_ms() -> str:
    """Milliseconds since the Unix epoch, as the text that goes into X-BAPI-TIMESTAMP."""
    return str(int(time.time() * 1000))


def query_string(params: dict[str, object]) -> str:
    """Encode GET parameters once, in the order given; send exactly this string."""
    return urlencode([(name, str(value)) for name, value in params.items()])


def json_body(params: dict[str, object]) -> str:
    """Serialise POST parameters once; send exactly this string as the body."""
    return json.dumps(params, separators=(",", ":"))


def headers(api_key: str, timestamp: str, signature: str, recv_window: str = DEFAULT_RECV_WINDOW) -> dict[str, str]:
    """The four authentication headers (plus the JSON content type POST bodies need)."""
    return {
        "X-BAPI-API-KEY": api_key,
        "X-BAPI-TIMESTAMP": timestamp,
        "X-BAPI-RECV-WINDOW": recv_window,
        "X-BAPI-SIGN": signature,
        "Content-Type": "application/json",
    }
# --8<-- [end:request]


# --8<-- [start:clients]
def ccxt_client(base_url: str, api_key: str, secret: str):
    """A ccxt Bybit client that talks to `base_url` (localnet) and loads spot markets only.

    `secret` is the HMAC secret, or the PEM private key of an RSA key (ccxt spots the
    "PRIVATE KEY" marker and signs with RSA).
    """
    import ccxt

    exchange = ccxt.bybit({
        "apiKey": api_key,
        "secret": secret,
        "options": {"fetchMarkets": {"types": ["spot"]}, "defaultType": "spot"},
    })
    exchange.urls["api"] = {name: base_url for name in ("spot", "futures", "v2", "public", "private")}
    return exchange


def pybit_client(base_url: str, api_key: str, secret: str, rsa: bool = False):
    """Bybit's own SDK (pybit) pointed at `base_url`. For an RSA key, pass the private key PEM as `secret`."""
    from pybit.unified_trading import HTTP

    session = HTTP(testnet=False, api_key=api_key, api_secret=secret, rsa_authentication=rsa)
    session.endpoint = base_url  # pybit builds https://api.bybit.com otherwise
    return session
# --8<-- [end:clients]


# --8<-- [start:example]
def documented_example(secret: str = "TEST_SECRET_DO_NOT_USE_0123456789abcd") -> dict[str, str]:
    """The headers for Bybit's documented GET example, signed with a stated demo secret.

    Bybit's guide shows the inputs (timestamp, key "XXXXXXXXXX", window, query string) but not
    the secret behind its example signature, so KeyLab signs the same inputs with a fake secret.
    """
    query = "category=option&symbol=BTC-29JUL22-25000-C"  # GET /v5/order/realtime?<this>
    timestamp, api_key = "1658384314791", "XXXXXXXXXX"
    plain = string_to_sign(timestamp, api_key, DEFAULT_RECV_WINDOW, query)
    return headers(api_key, timestamp, sign_hmac(secret, plain))
# --8<-- [end:example]
