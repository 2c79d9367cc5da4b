"""The same parameters, written two ways, give two different signatures.

An exchange never sees your parameters, only bytes. Each pair below means the same thing to
a person, but not to HMAC: sign one form and send the other, and the exchange refuses the
request. All secrets here are fake. Run it with `python -m snippets.examples.two_encodings`.
"""

import base64
import hashlib
import hmac
import json
from urllib.parse import quote, quote_plus, urlencode

SECRET = "TEST_SECRET_DO_NOT_USE_0123456789abcd"
KRAKEN_SECRET = base64.b64encode(b"TEST_SECRET_DO_NOT_USE_" * 2).decode()  # Kraken secrets are base64


def hmac_hex(key: bytes, text: str) -> str:
    """Hex HMAC-SHA256, as Binance and Bybit send it."""
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()


def show(title: str, first: str, second: str, key: bytes = SECRET.encode()) -> None:
    """Print both forms and the start of each signature."""
    print(title)
    for text in (first, second):
        print(f"  {hmac_hex(key, text)[:16]}…  {text}")


def main() -> None:
    params = {"symbol": "BTCUSDT", "side": "BUY", "quantity": "0.001"}
    show("1. parameter order",
         urlencode(params),
         urlencode(sorted(params.items())))

    note = {"newClientOrderId": "my order #1"}
    show("2. a space and a '#': %20 or +",
         urlencode(note, quote_via=quote),  # RFC 3986 style, what snippets/binance.py sends
         urlencode(note, quote_via=quote_plus))  # HTML-form style, urlencode's default

    symbol = "１２３４５６"  # full-width digits: non-ASCII
    show("3. non-ASCII: raw characters or percent-encoded UTF-8",
         f"symbol={symbol}",
         urlencode({"symbol": symbol}, quote_via=quote))

    body = {"category": "spot", "symbol": "BTCUSDT"}
    show("4. JSON body: with spaces (json.dumps default) or compact",
         json.dumps(body),
         json.dumps(body, separators=(",", ":")))

    print("5. one digest, three spellings")
    digest = hmac.new(SECRET.encode(), b"timestamp=1767225600000", hashlib.sha256).digest()
    print("  lower hex:", digest.hex())
    print("  upper hex:", digest.hex().upper())
    print("  base64:   ", base64.b64encode(digest).decode())

    print("6. a base64 secret: decoded bytes or the text itself as the HMAC key")
    text = "nonce=1767225600000"
    print(f"  {hmac_hex(base64.b64decode(KRAKEN_SECRET), text)[:16]}…  key = base64-decoded secret (right)")
    print(f"  {hmac_hex(KRAKEN_SECRET.encode(), text)[:16]}…  key = the secret's text (wrong)")


if __name__ == "__main__":
    main()
