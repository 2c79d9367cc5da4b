"""Permissions in action: the same three requests, tried with three Binance keys on localnet.

A read-only key, a read-and-trade key and a read-and-withdraw key (restricted to 127.0.0.1,
since Binance enables withdrawals only on IP-restricted keys) each try to read the account,
place a small market order and withdraw 0.5 BTC. Every request is signed correctly, so the
only thing that differs is what each key is allowed to do.

Run it with `python -m snippets.examples.permissions_in_action`. It starts its own localnet
on free ports with a temporary database and freezes the exchange clock, so the output never
changes. It never prints a secret.
"""

import httpx

from localnet.client import start
from snippets import binance

FROZEN_MS = 1_767_225_600_000  # 2026-01-01 00:00:00 UTC

# What each key may do, and the IP allow-list it needs (withdrawals need one on Binance).
KEYS = {
    "read-only key": {"permissions": ("read",), "ips": ()},
    "trade key": {"permissions": ("read", "trade"), "ips": ()},
    "withdraw key": {"permissions": ("read", "withdraw"), "ips": ("127.0.0.1",)},
}

ORDER = {"symbol": "BTCUSDT", "side": "BUY", "type": "MARKET", "quantity": "0.001"}
WITHDRAWAL = {"coin": "BTC", "address": "bc1q-an-address-the-attacker-controls", "amount": "0.5"}


def signed(http: httpx.Client, method: str, path: str, params: dict, key: dict) -> httpx.Response:
    """Send a SIGNED Binance request: parameters plus timestamp, HMAC signature last."""
    query = binance.signed_query({**params, "timestamp": FROZEN_MS}, key["secret"])
    return http.request(method, f"{path}?{query}", headers={binance.API_KEY_HEADER: key["api_key"]})


def outcome(response: httpx.Response) -> str:
    """One line for a refused request: HTTP status, Binance's code and message."""
    body = response.json()
    return f"{response.status_code} {body['code']} {body['msg']}"


def main() -> None:
    with start(frozen_time_ms=FROZEN_MS) as net:
        with httpx.Client(base_url=net.url("binance")) as http:
            for name, spec in KEYS.items():
                key = net.create_key("binance", label=name, **spec)

                # What Binance says the key may do (GET /sapi/v1/account/apiRestrictions).
                flags = signed(http, "GET", "/sapi/v1/account/apiRestrictions", {}, key).json()
                switches = ("enableReading", "enableSpotAndMarginTrading", "enableWithdrawals")
                print(f"{name}: " + ", ".join(f"{s}={flags[s]}" for s in switches))

                account = signed(http, "GET", "/api/v3/account", {}, key)
                btc = next(b["free"] for b in account.json()["balances"] if b["asset"] == "BTC")
                print(f"  read the account  -> {account.status_code}, BTC free {btc}")

                order = signed(http, "POST", "/api/v3/order", ORDER, key)
                if order.status_code == 200:
                    print(f"  buy 0.001 BTC     -> 200, {order.json()['status']}")
                else:
                    print(f"  buy 0.001 BTC     -> {outcome(order)}")

                withdrawal = signed(http, "POST", "/sapi/v1/capital/withdraw/apply", WITHDRAWAL, key)
                if withdrawal.status_code == 200:
                    after = signed(http, "GET", "/api/v3/account", {}, key).json()["balances"]
                    left = next(b["free"] for b in after if b["asset"] == "BTC")
                    print(f"  withdraw 0.5 BTC  -> 200, BTC free {left} afterwards")
                else:
                    print(f"  withdraw 0.5 BTC  -> {outcome(withdrawal)}")


if __name__ == "__main__":
    main()
