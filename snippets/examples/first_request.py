"""Your first API calls: ask two exchanges for the price of bitcoin, then try a private door.

Run it with `python -m snippets.examples.first_request`. It starts its own localnet on free ports
with a temporary database and a frozen exchange clock, so it prints the same thing on every run.
No key is needed: the first two calls go to public endpoints, and the third shows what a private
endpoint says to a caller without one.
"""

import httpx

from localnet.client import start

FROZEN_MS = 1_767_225_600_000  # 2026-01-01 00:00:00 UTC


def show_request(response: httpx.Response) -> None:
    """Print the request line: the method, then the path with its query string."""
    request = response.request
    print(request.method, request.url.raw_path.decode())


def show_response(response: httpx.Response) -> None:
    """Print the status line and the one header every JSON answer has."""
    print("  status      ", response.status_code, response.reason_phrase)
    print("  content-type", response.headers["content-type"])


def main() -> None:
    with start(frozen_time_ms=FROZEN_MS) as net, \
            httpx.Client(base_url=net.url("binance")) as binance, \
            httpx.Client(base_url=net.url("okx")) as okx:
        # 1. Binance, a public endpoint. httpx turns `params` into the query string `?symbol=BTCUSDT`.
        price = binance.get("/api/v3/ticker/price", params={"symbol": "BTCUSDT"})
        show_request(price)
        show_response(price)
        print("  weight used ", price.headers["x-mbx-used-weight-1m"], "of this minute's budget")
        print("  body        ", price.text)  # the raw JSON text, exactly as it arrived

        # 2. OKX, the same market in another dialect: BTC-USDT, `instId`, an envelope around the data.
        ticker = okx.get("/api/v5/market/ticker", params={"instId": "BTC-USDT"})
        show_request(ticker)
        show_response(ticker)
        body = ticker.json()  # parse the JSON text into Python dicts and lists
        first = body["data"][0]
        print("  envelope    ", {"code": body["code"], "msg": body["msg"]}, f"+ data: {len(first)} fields")
        print("  some fields ", {name: first[name] for name in ("instId", "last", "bidPx", "askPx", "ts")})

        # 3. Binance again, a private endpoint, and no key in the request.
        private = binance.get("/api/v3/account")
        show_request(private)
        show_response(private)
        print("  body        ", private.text)


if __name__ == "__main__":
    main()
