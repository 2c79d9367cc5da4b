"""A whole localnet session from Python: start it, make a key, sign a call, read the activity log.

Run it with `python -m snippets.examples.localnet_session`. It starts its own localnet on free
ports with a temporary database, and freezes the exchange clock so the output never changes.
"""

import httpx

from localnet.client import start
from snippets import binance

FROZEN_MS = 1_767_225_600_000  # 2026-01-01 00:00:00 UTC


def main() -> None:
    with start(frozen_time_ms=FROZEN_MS) as net:  # or connect(): reuse a running localnet
        key = net.create_key("binance", permissions=("read",), label="portfolio tracker")
        print("new key:", key["permissions"], "secret length", len(key["secret"]))  # never print the secret

        headers = {binance.API_KEY_HEADER: key["api_key"]}
        with httpx.Client(base_url=net.url("binance")) as http:
            query = binance.signed_query({"timestamp": FROZEN_MS}, key["secret"])
            account = http.get(f"/api/v3/account?{query}", headers=headers).json()
            print({b["asset"]: b["free"] for b in account["balances"]})

            order = {"symbol": "BTCUSDT", "side": "BUY", "type": "MARKET", "quantity": "0.001",
                     "timestamp": FROZEN_MS}
            query = binance.signed_query(order, key["secret"])
            refused = http.post(f"/api/v3/order?{query}", headers=headers)  # a read-only key tries to trade
            print(refused.status_code, refused.json())

        for entry in net.activity(key["id"]):
            print(entry["method"], entry["path"], entry["http_status"], entry["outcome"], entry["error_code"])


if __name__ == "__main__":
    main()
