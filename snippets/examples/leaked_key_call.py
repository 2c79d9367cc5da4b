"""Call localnet's Binance with a key read from a file: the leak drill's only tool.

Run it with `python -m snippets.examples.leaked_key_call KEYFILE ACTION [--url URL]`.
KEYFILE is what `python -m localnet keys create --exchange binance --json` printed: the
API key and its secret, together, in one file. In the drill of "If a key leaks" that file
*is* the leak: whoever can read it can run this script, from any machine the key's IP
list allows. It prints the HTTP status and a short summary, never the secret.
"""

import argparse
import json
import sys
import urllib.error
import urllib.request
from pathlib import Path

from snippets import binance

DEFAULT_URL = "http://127.0.0.1:8101"  # localnet's Binance

# action: (method, path, parameters). Every one of them is a signed call.
ACTIONS: dict[str, tuple[str, str, dict[str, str]]] = {
    "account": ("GET", "/api/v3/account", {}),  # needs read: balances
    "buy": ("POST", "/api/v3/order",  # needs trade: spend 100 USDT on BTC at once
            {"symbol": "BTCUSDT", "side": "BUY", "type": "MARKET", "quoteOrderQty": "100"}),
    "bait": ("POST", "/api/v3/order",  # needs trade: an order that waits in the book
             {"symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", "timeInForce": "GTC",
              "quantity": "0.01", "price": "30000"}),
    "orders": ("GET", "/api/v3/openOrders", {"symbol": "BTCUSDT"}),  # needs read
    "cancel-all": ("DELETE", "/api/v3/openOrders", {"symbol": "BTCUSDT"}),  # needs trade
}


def send(base_url: str, api_key: str, secret: str, method: str, path: str,
         params: dict[str, str]) -> tuple[int, object]:
    """Sign `params` with `secret`, send them, and return (HTTP status, decoded JSON body)."""
    query = binance.signed_query({**params, "timestamp": binance.timestamp_ms()}, secret)
    request = urllib.request.Request(f"{base_url}{path}?{query}", method=method,
                                     headers={binance.API_KEY_HEADER: api_key})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:  # 4xx: Binance still answers with a JSON body
        return error.code, json.load(error)


def summary(action: str, body: object) -> object:
    """The few fields of a successful answer worth printing."""
    if action == "account":
        return {b["asset"]: b["free"] for b in body["balances"] if float(b["free"]) > 0}
    orders = body if isinstance(body, list) else [body]
    return [f"{o['side']} {o['origQty']} {o['symbol']} {o['type']}"
            + (f" @ {o['price']}" if o["type"] == "LIMIT" else "") + f" {o['status']}" for o in orders]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("keyfile", type=Path, help="JSON printed by `localnet keys create --json`")
    parser.add_argument("action", choices=ACTIONS)
    parser.add_argument("--url", default=DEFAULT_URL, help=f"Binance base URL (default {DEFAULT_URL})")
    args = parser.parse_args(argv)

    key = json.loads(args.keyfile.read_text())
    method, path, params = ACTIONS[args.action]
    status, body = send(args.url, key["api_key"], key["secret"], method, path, params)
    print(status, summary(args.action, body) if status == 200 else body)
    return 0 if status == 200 else 1


if __name__ == "__main__":
    sys.exit(main())
