"""What an exchange keeps for each kind of key, and why one account should have many keys.

Run it with `python -m snippets.examples.keys_on_file`. It starts its own localnet (temporary
database, frozen clock) and plays both sides:

1. It makes an HMAC key and an Ed25519 key, then reads localnet's own database the way a
   thief with a copy of an exchange's database would, and uses what it finds.
2. It gives one account two keys, one per application, revokes one, and shows that the other
   keeps working and that the activity log tells them apart.
"""

import sqlite3

import httpx

from localnet.client import start
from snippets import binance

FROZEN_MS = 1_767_225_600_000  # 2026-01-01 00:00:00 UTC


def read_account(http: httpx.Client, api_key: str, secret: str) -> str:
    """Call Binance's private account endpoint, signed with `secret`; return a one-line verdict."""
    query = binance.signed_query({"timestamp": FROZEN_MS}, secret)
    answer = http.get(f"/api/v3/account?{query}", headers={binance.API_KEY_HEADER: api_key})
    if answer.status_code == 200:
        btc = next(b["free"] for b in answer.json()["balances"] if b["asset"] == "BTC")
        return f"{answer.status_code} OK, BTC balance {btc}"
    return f"{answer.status_code} {answer.json()}"


def what_is_stored(db_path: str, key_id: int) -> str:
    """Describe what the exchange's database holds for a key (as a thief would see it)."""
    with sqlite3.connect(db_path) as db:
        secret, public_key_pem = db.execute(
            "SELECT secret, public_key_pem FROM keys WHERE id = ?", (key_id,)).fetchone()
    if secret:
        return f"a shared secret ({len(secret)} characters): enough to sign requests"
    first_line = public_key_pem.splitlines()[0]
    return f"only a public key ({first_line}): enough to check signatures, not to make them"


def main() -> None:
    with start(frozen_time_ms=FROZEN_MS) as net, httpx.Client(base_url=net.url("binance")) as http:
        print("1. What a stolen copy of the exchange's database gives away")
        hmac_key = net.create_key("binance", permissions=("read",), label="hmac bot")
        ed_key = net.create_key("coinbase", permissions=("read",), type="ed25519", label="ed25519 bot")
        print("   binance hmac:    ", what_is_stored(net.db_path, hmac_key["id"]))
        print("   coinbase ed25519:", what_is_stored(net.db_path, ed_key["id"]))
        with sqlite3.connect(net.db_path) as db:  # the thief signs with the secret from the database
            (stolen,) = db.execute("SELECT secret FROM keys WHERE id = ?", (hmac_key["id"],)).fetchone()
        print("   a request signed with the stolen secret:", read_account(http, hmac_key["api_key"], stolen))

        print("2. One account, one key per application")
        tracker = net.create_key("binance", permissions=("read",), label="portfolio tracker")
        taxes = net.create_key("binance", permissions=("read",), label="tax export",
                               account_id=tracker["account_id"])
        print("   same account:", tracker["account_id"] == taxes["account_id"],
              "| different keys:", tracker["api_key"] != taxes["api_key"])
        print("   tax export:         ", read_account(http, taxes["api_key"], taxes["secret"]))
        print("   tracker:            ", read_account(http, tracker["api_key"], tracker["secret"]))
        net.revoke_key(taxes["id"])  # the tax app is retired; no password changes, no other key changes
        print("   tax export, revoked:", read_account(http, taxes["api_key"], taxes["secret"]))
        print("   tracker, untouched: ", read_account(http, tracker["api_key"], tracker["secret"]))
        for key in (tracker, taxes):
            for entry in net.activity(key["id"]):
                print(f"   log: key {entry['key_id']} ({key['label']}): {entry['method']} {entry['path']}"
                      f" -> {entry['http_status']} {entry['outcome']}")


if __name__ == "__main__":
    main()
