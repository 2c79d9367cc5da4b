"""Make each authentication mistake once, on every exchange, and print what localnet answers.

Each line: the exchange, the mistake, the HTTP status, and the exchange's own code and message.
Nothing here needs an account or the network: localnet starts in this process.
"""

import base64
import json
import re
import time

import httpx
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from localnet import client
from snippets import binance, bybit, coinbase, kraken, okx

ELSEWHERE = ["203.0.113.0/24"]  # an address range that is not yours: an IP allow-list you fail
WRONG = "TEST_SECRET_DO_NOT_USE_wrong"


def show(exchange: str, mistake: str, response: httpx.Response) -> None:
    """Print one answer, with bracketed details (timestamps, payloads) shortened to [...]."""
    try:
        body = response.json()
    except json.JSONDecodeError:
        body = response.text.strip()
    if isinstance(body, dict):
        code = body.get("code", body.get("retCode", body.get("error", "")))
        message = body.get("msg", body.get("retMsg", body.get("message", "")))
        if isinstance(code, list):  # Kraken: the error list is the message
            code, message = (code[0] if code else ""), ""
    else:
        code, message = "", body
    message = re.sub(r"\[[^\]]*\]", "[...]", str(message))[:140]
    print(f"{exchange:8} {mistake:28} {response.status_code}  " + f"{code} {message}".strip())


def tour_binance(url: str, net: client.Localnet) -> None:
    key = net.create_key("binance", permissions=["read"])
    walled = net.create_key("binance", permissions=["read"], ips=ELSEWHERE)

    def call(api_key: str, secret: str, path: str = "/api/v3/account", method: str = "GET",
             params: dict | None = None, age_ms: int = 0) -> httpx.Response:
        query = binance.signed_query({**(params or {}), "timestamp": binance.timestamp_ms() - age_ms}, secret)
        return httpx.request(method, f"{url}{path}?{query}", headers={binance.API_KEY_HEADER: api_key})

    show("binance", "malformed API key", call("not-a-key", key["secret"]))
    show("binance", "unknown API key", call("TESTKEYDONOTUSE" + "A" * 49, key["secret"]))
    show("binance", "wrong secret", call(key["api_key"], WRONG))
    show("binance", "timestamp 60 s old", call(key["api_key"], key["secret"], age_ms=60_000))
    show("binance", "IP not on the allow-list", call(walled["api_key"], walled["secret"]))
    order = {"symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", "timeInForce": "GTC",
             "quantity": "0.01", "price": "50000"}
    show("binance", "read-only key places order", call(key["api_key"], key["secret"], "/api/v3/order", "POST", order))


def tour_bybit(url: str, net: client.Localnet) -> None:
    key = net.create_key("bybit", permissions=["read"])
    walled = net.create_key("bybit", permissions=["read"], ips=ELSEWHERE)

    def call(api_key: str, secret: str, age_ms: int = 0, order: bool = False) -> httpx.Response:
        ts = str(int(bybit.timestamp_ms()) - age_ms)
        if order:
            body = bybit.json_body({"category": "spot", "symbol": "BTCUSDT", "side": "Buy",
                                    "orderType": "Limit", "qty": "0.01", "price": "50000"})
            sign = bybit.sign_hmac(secret, bybit.string_to_sign(ts, api_key, bybit.DEFAULT_RECV_WINDOW, body))
            return httpx.post(f"{url}/v5/order/create", content=body, headers=bybit.headers(api_key, ts, sign))
        query = bybit.query_string({"accountType": "UNIFIED"})
        sign = bybit.sign_hmac(secret, bybit.string_to_sign(ts, api_key, bybit.DEFAULT_RECV_WINDOW, query))
        return httpx.get(f"{url}/v5/account/wallet-balance?{query}", headers=bybit.headers(api_key, ts, sign))

    show("bybit", "unknown API key", call("TESTKEYDONOTUSE", key["secret"]))
    show("bybit", "wrong secret", call(key["api_key"], WRONG))
    show("bybit", "timestamp 60 s old", call(key["api_key"], key["secret"], age_ms=60_000))
    show("bybit", "IP not on the allow-list", call(walled["api_key"], walled["secret"]))
    show("bybit", "read-only key places order", call(key["api_key"], key["secret"], order=True))


def tour_okx(url: str, net: client.Localnet) -> None:
    key = net.create_key("okx", permissions=["read"], passphrase="Test-Passphrase-1")
    walled = net.create_key("okx", permissions=["read"], ips=ELSEWHERE, passphrase="Test-Passphrase-1")
    path = "/api/v5/account/balance"

    def call(api_key: str, secret: str, passphrase: str = "Test-Passphrase-1", demo: bool = True,
             timestamp: str | None = None) -> httpx.Response:
        headers = okx.auth_headers(api_key, secret, passphrase, "GET", path, timestamp=timestamp, demo=demo)
        return httpx.get(url + path, headers=headers)

    show("okx", "unknown API key", call("00000000-test-dont-use-000000000000", key["secret"]))
    show("okx", "wrong passphrase", call(key["api_key"], key["secret"], passphrase="wrong-passphrase"))
    show("okx", "wrong secret", call(key["api_key"], WRONG))
    show("okx", "demo key, no demo header", call(key["api_key"], key["secret"], demo=False))
    show("okx", "timestamp from 2020", call(key["api_key"], key["secret"], timestamp="2020-12-08T09:08:57.715Z"))
    show("okx", "IP not on the allow-list", call(walled["api_key"], walled["secret"]))
    body = okx.json_body({"instId": "BTC-USDT", "tdMode": "cash", "side": "buy", "ordType": "limit",
                          "sz": "0.01", "px": "50000"})
    headers = okx.auth_headers(key["api_key"], key["secret"], "Test-Passphrase-1", "POST", "/api/v5/trade/order", body)
    show("okx", "read-only key places order", httpx.post(url + "/api/v5/trade/order", content=body, headers=headers))


def tour_kraken(url: str, net: client.Localnet) -> None:
    key = net.create_key("kraken", permissions=["read"])

    def call(api_key: str, secret: str, method: str = "Balance", params: dict | None = None,
             nonce: str | None = None) -> httpx.Response:
        uri_path, headers, body = kraken.private_request(api_key, secret, method, params or {}, nonce=nonce)
        return httpx.post(url + uri_path, content=body, headers=headers)

    show("kraken", "unknown API key", call("TESTKEYDONOTUSE" + "A" * 41, key["secret"]))
    show("kraken", "wrong private key", call(key["api_key"], "V1JPTkc" + "A" * 81))
    nonce = kraken.nonce_ms()
    call(key["api_key"], key["secret"], nonce=nonce)  # accepted once...
    show("kraken", "same nonce twice", call(key["api_key"], key["secret"], nonce=nonce))
    order = {"ordertype": "limit", "pair": "XBTUSD", "price": "50000", "type": "buy", "volume": "0.01"}
    show("kraken", "read-only key places order", call(key["api_key"], key["secret"], "AddOrder", order))


def tour_coinbase(url: str, net: client.Localnet) -> None:
    key = net.create_key("coinbase", permissions=["read"], type="ed25519")
    secret, path, host = key["private_key"], "/api/v3/brokerage/accounts", coinbase.API_HOST

    def call(token: str, method: str = "GET", target: str = path, body: str | None = None) -> httpx.Response:
        return httpx.request(method, url + target, headers=coinbase.auth_headers(token), content=body)

    other = ed25519.Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption())
    stranger = base64.b64encode(other).decode()
    show("coinbase", "no token", httpx.get(url + path))
    show("coinbase", "wrong private key", call(coinbase.build_jwt(key["api_key"], stranger, "GET", path, host)))
    show("coinbase", "token 5 minutes old", call(coinbase.build_jwt(key["api_key"], secret, "GET", path, host,
                                                                  now=int(time.time()) - 300)))
    show("coinbase", "token names another path", call(coinbase.build_jwt(key["api_key"], secret, "GET",
                                                                       "/api/v3/brokerage/orders", host)))
    order = json.dumps({"client_order_id": "tour-1", "product_id": "BTC-USD", "side": "BUY",
                        "order_configuration": {"limit_limit_gtc": {"base_size": "0.01", "limit_price": "50000"}}})
    token = coinbase.build_jwt(key["api_key"], secret, "POST", "/api/v3/brokerage/orders", host)
    show("coinbase", "read-only key places order", call(token, "POST", "/api/v3/brokerage/orders", order))


if __name__ == "__main__":
    with client.start() as net:
        for name, tour in [("binance", tour_binance), ("bybit", tour_bybit), ("okx", tour_okx),
                           ("kraken", tour_kraken), ("coinbase", tour_coinbase)]:
            tour(net.url(name), net)
