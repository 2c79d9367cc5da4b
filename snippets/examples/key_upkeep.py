"""Restrict, rotate and revoke keys on localnet's Bybit, then read what the activity log saw.

Run it with `python -m snippets.examples.key_upkeep`. It starts its own localnet on free ports
with a temporary database and a frozen clock, so its output is the same on every run. Add
`--db /tmp/keylab-upkeep.db` (a file that does not exist yet) to keep the database afterwards and
look at it with `python -m localnet keys list --db /tmp/keylab-upkeep.db` and `... log`.

Every call comes from 127.0.0.1, because that is where this script runs. What changes is what
each key allows.
"""

import argparse

import httpx

from localnet.client import Localnet, start
from localnet.core.keys import list_keys
from snippets import bybit

FROZEN_MS = 1_767_225_600_000  # 2026-01-01 00:00:00 UTC
DAY_MS = 86_400_000
BALANCE_PATH = "/v5/account/wallet-balance"


def check_balance(http: httpx.Client, key: dict, now_ms: int) -> str:
    """Sign one read-only call with `key` and return Bybit's answer as 'retCode retMsg'."""
    query = bybit.query_string({"accountType": "UNIFIED"})
    timestamp = str(now_ms)
    plain = bybit.string_to_sign(timestamp, key["api_key"], bybit.DEFAULT_RECV_WINDOW, query)
    headers = bybit.headers(key["api_key"], timestamp, bybit.sign_hmac(key["secret"], plain))
    body = http.get(f"{BALANCE_PATH}?{query}", headers=headers).json()
    return f"{body['retCode']} {body['retMsg']}"


def allow_list(net: Localnet, http: httpx.Client) -> None:
    """A key bound to the office network is refused here; one bound to this machine is not."""
    office = net.create_key("bybit", ips=["10.0.0.0/8"], label="office network")
    here = net.create_key("bybit", ips=["127.0.0.1"], label="this machine")
    print("office network key:", check_balance(http, office, FROZEN_MS))
    print("this machine key:  ", check_balance(http, here, FROZEN_MS))


def rotate_without_downtime(net: Localnet, http: httpx.Client) -> None:
    """Create the new key first, switch to it, check it, and only then revoke the old one."""
    old = net.create_key("bybit", ips=["127.0.0.1"], label="bot, key 1")
    new = net.create_key("bybit", ips=["127.0.0.1"], label="bot, key 2", account_id=old["account_id"])
    print("new key, before the switch:", check_balance(http, new, FROZEN_MS))
    net.revoke_key(old["id"])
    print("old key, after revoking it:", check_balance(http, old, FROZEN_MS))
    print("new key, after revoking:   ", check_balance(http, new, FROZEN_MS))


def rotate_in_place(net: Localnet, http: httpx.Client) -> None:
    """A new secret for the same key: the old secret stops working at that very moment."""
    key = net.create_key("bybit", ips=["127.0.0.1"], label="rotated in place")
    fresh = net.rotate_key(key["id"])
    print("old secret:", check_balance(http, key, FROZEN_MS))
    print("new secret:", check_balance(http, fresh, FROZEN_MS))


def unbound_key_expires(net: Localnet, http: httpx.Client) -> None:
    """Bybit: a key with no IP bound expires 90 days after it was created; a bound one does not."""
    unbound = net.create_key("bybit", label="no IP list")
    bound = net.create_key("bybit", ips=["127.0.0.1"], label="bound to this machine")
    later = FROZEN_MS + 91 * DAY_MS
    net.set_clock(frozen_time_ms=later)
    print("91 days later, no IP list:", check_balance(http, unbound, later))
    print("91 days later, bound key: ", check_balance(http, bound, later))


def show_log(net: Localnet) -> None:
    """What the exchange saw: one line per signed call, refused ones included."""
    labels = {key.id: key.label for key in list_keys(net.store)}
    for entry in net.activity():
        code = entry["error_code"] if entry["error_code"] is not None else ""
        print(f"key {entry['key_id']} ({labels[entry['key_id']]}): {entry['client_ip']} "
              f"{entry['method']} {entry['path']} {entry['outcome']} {code}".rstrip())


def main(db: str | None = None) -> None:
    with start(db=db, frozen_time_ms=FROZEN_MS) as net:
        with httpx.Client(base_url=net.url("bybit")) as http:
            allow_list(net, http)
            rotate_without_downtime(net, http)
            rotate_in_place(net, http)
            unbound_key_expires(net, http)
        print("activity log:")
        show_log(net)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="keep the localnet database in this file (default: a temporary one)")
    main(parser.parse_args().db)
