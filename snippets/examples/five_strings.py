"""One signed request per exchange: the exact text each one signs, and the signature.

Each section uses that exchange's snippet from snippets/ and fixed inputs (published example
keys, or obviously fake ones), so the output never changes and can be checked by hand.
Run it with `python -m snippets.examples.five_strings`.
"""

import base64
import hashlib
import json

from snippets import binance, bybit, coinbase, kraken, okx

FAKE_SECRET = "TEST_SECRET_DO_NOT_USE_0123456789abcd"


# --8<-- [start:binance]
def binance_account() -> None:
    # GET /api/v3/account, signed with the secret from Binance's documentation.
    secret = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j"
    payload = binance.encode({"timestamp": 1499827319559, "recvWindow": 5000})
    print("Binance  signs:", payload)
    print("         sends:", "signature=" + binance.sign(secret, payload))
# --8<-- [end:binance]


# --8<-- [start:bybit]
def bybit_order_list() -> None:
    # GET /v5/order/realtime?category=option&symbol=BTC-29JUL22-25000-C (Bybit's guide example).
    plain = bybit.string_to_sign("1658384314791", "XXXXXXXXXX", "5000",
                                 "category=option&symbol=BTC-29JUL22-25000-C")
    print("Bybit    signs:", plain)
    print("         sends:", "X-BAPI-SIGN: " + bybit.sign_hmac(FAKE_SECRET, plain))
# --8<-- [end:bybit]


# --8<-- [start:okx]
def okx_balance() -> None:
    # GET /api/v5/account/balance?ccy=BTC (the request in OKX's guide).
    message = okx.prehash("2020-12-08T09:08:57.715Z", "GET", "/api/v5/account/balance?ccy=BTC")
    print("OKX      signs:", message)
    print("         sends:", "OK-ACCESS-SIGN: " + okx.sign(FAKE_SECRET, message))
# --8<-- [end:okx]


# --8<-- [start:kraken]
def kraken_add_order() -> None:
    # POST /0/private/AddOrder, Kraken's published example (buy 1.25 XBTUSD at 37500).
    body = kraken.encode_body(kraken.EXAMPLE_NONCE, kraken.EXAMPLE_ORDER)
    inner = hashlib.sha256((kraken.EXAMPLE_NONCE + body).encode()).hexdigest()
    print("Kraken   body: ", body)
    print("         signs: /0/private/AddOrder + SHA-256(nonce + body) =", inner[:16] + "… (32 raw bytes)")
    print("         sends:", "API-Sign: " + kraken.example_signature())
# --8<-- [end:kraken]


# --8<-- [start:coinbase]
def coinbase_accounts() -> None:
    # GET /api/v3/brokerage/accounts: a JWT whose claims name the request, signed with Ed25519.
    token = coinbase.example_token()
    header_b64, claims_b64, _ = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(claims_b64 + "=" * (-len(claims_b64) % 4)))
    print("Coinbase signs: <base64url header>.<base64url claims>, claims =")
    print("               ", json.dumps({k: claims[k] for k in ("iss", "nbf", "exp", "uri")}))
    print("         sends:", "Authorization: Bearer " + token[:24] + "…" + token[-12:])
# --8<-- [end:coinbase]


def main() -> None:
    for show in (binance_account, bybit_order_list, okx_balance, kraken_add_order, coinbase_accounts):
        show()


if __name__ == "__main__":
    main()
