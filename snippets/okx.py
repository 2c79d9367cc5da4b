"""Sign an OKX v5 REST request with an HMAC key, using only the standard library.

OKX signs four things glued together with nothing in between: the timestamp (ISO 8601, UTC,
with milliseconds), the HTTP method in capitals, the request path (for a GET, with "?" and
the query string exactly as sent), and the raw body (empty for a GET). The signature is the
standard base64 of the HMAC-SHA256 of that text, keyed with your secret key. Four headers
carry the API key, the signature, the same timestamp and your passphrase; demo-trading keys
also need the header `x-simulated-trading: 1` on every private request.
"""

import base64
import hashlib
import hmac
import json
from datetime import datetime, timezone
from urllib.parse import urlencode


# --8<-- [start:sign]
def timestamp_iso(now: datetime | None = None) -> str:
    """The current UTC time as OKX wants it: 2020-12-08T09:08:57.715Z (exactly 3 decimals)."""
    now = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


def prehash(timestamp: str, method: str, request_path: str, body: str = "") -> str:
    """The text OKX signs: timestamp + METHOD + request path (with ?query for GET) + body."""
    return timestamp + method.upper() + request_path + body


def sign(secret: str, message: str) -> str:
    """Base64 of the HMAC-SHA256 of `message`, keyed with `secret`: the OK-ACCESS-SIGN value."""
    mac = hmac.new(secret.encode("utf-8"), message.encode("utf-8"), hashlib.sha256)
    return base64.b64encode(mac.digest()).decode("ascii")
# --8<-- [end:sign]


# --8<-- [start:request]
def request_path(path: str, params: dict[str, str] | None = None) -> str:
    """The path, plus "?" and the encoded query when there are parameters (GET requests)."""
    return f"{path}?{urlencode(params)}" if params else path


def json_body(params: dict[str, object]) -> str:
    """The JSON body text for a POST. Sign exactly this text, and send exactly this text."""
    return json.dumps(params, separators=(",", ":"))


def auth_headers(api_key: str, secret: str, passphrase: str, method: str, path_with_query: str,
                 body: str = "", timestamp: str | None = None, demo: bool = True) -> dict[str, str]:
    """The headers of one signed request. `demo=True` adds `x-simulated-trading: 1` (demo keys)."""
    timestamp = timestamp or timestamp_iso()
    headers = {
        "OK-ACCESS-KEY": api_key,
        "OK-ACCESS-SIGN": sign(secret, prehash(timestamp, method, path_with_query, body)),
        "OK-ACCESS-TIMESTAMP": timestamp,
        "OK-ACCESS-PASSPHRASE": passphrase,
        "Content-Type": "application/json",
    }
    if demo:
        headers["x-simulated-trading"] = "1"
    return headers
# --8<-- [end:request]


# The two clients below sign requests themselves; only where they send them changes.
# base_url: None for OKX itself, or localnet's OKX, e.g. "http://127.0.0.1:8103".

# --8<-- [start:ccxt]
def ccxt_demo_client(api_key: str, secret: str, passphrase: str, base_url: str | None = None):
    """A ccxt OKX client for demo trading (x-simulated-trading: 1 on every request)."""
    import ccxt

    exchange = ccxt.okx({"apiKey": api_key, "secret": secret, "password": passphrase})
    exchange.set_sandbox_mode(True)  # first: it only adds the demo header (the URL stays www.okx.com)
    if base_url:
        exchange.urls["api"] = {"rest": base_url}  # then point it at localnet
    return exchange
# --8<-- [end:ccxt]


# --8<-- [start:python-okx]
def python_okx_demo_clients(api_key: str, secret: str, passphrase: str, base_url: str | None = None):
    """python-okx's account and trade clients for demo trading (flag "1" sends x-simulated-trading: 1)."""
    from okx import Account, Trade

    domain = base_url or "https://www.okx.com"
    account = Account.AccountAPI(api_key, secret, passphrase, flag="1", domain=domain)
    trade = Trade.TradeAPI(api_key, secret, passphrase, flag="1", domain=domain)
    return account, trade
# --8<-- [end:python-okx]


if __name__ == "__main__":
    # The project's example (not an OKX-published one: OKX publishes no secret with its example).
    ts = "2020-12-08T09:08:57.715Z"
    message = prehash(ts, "GET", request_path("/api/v5/account/balance", {"ccy": "BTC"}))
    print(message)
    print(sign("TEST_SECRET_DO_NOT_USE_0123456789abcd", message))
