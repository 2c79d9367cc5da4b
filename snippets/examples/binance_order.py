"""Binance's documented example, signed step by step: a LIMIT order for 1 LTC at 0.1 BTC.

The key and secret are the illustrative ones from Binance's API documentation; they open no
account anywhere. Run it with `python -m snippets.examples.binance_order`.
"""

from snippets.binance import API_KEY_HEADER, encode, sign

API_KEY = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A"
SECRET = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j"

PARAMS = {
    "symbol": "LTCBTC",
    "side": "BUY",
    "type": "LIMIT",
    "timeInForce": "GTC",
    "quantity": "1",
    "price": "0.1",
    "recvWindow": "5000",
    "timestamp": "1499827319559",  # fixed, so the signature matches the documented one
}


def main() -> None:
    payload = encode(PARAMS)  # 1. the exact bytes that will travel
    signature = sign(SECRET, payload)  # 2. HMAC-SHA256 of those bytes, in hex
    print("string to sign:", payload)
    print("signature:     ", signature)
    # 3. Sent as a query string; a form body works the same way (see the page).
    print("request:")
    print(f"  POST https://api.binance.com/api/v3/order?{payload}&signature={signature}")
    print(f"  {API_KEY_HEADER}: {API_KEY}")


if __name__ == "__main__":
    main()
