"""The real CLI in subprocesses: port file, keys created while serving, clock changes, SIGKILL and restart.

The kill -9 test loads a served localnet from several client threads, kills it at a seeded moment
with requests in flight, restarts it on the same database, and checks every acknowledged write:
kill9_support.py has the clients and the checks.
"""

from __future__ import annotations

import json
import os
import random
import signal
import stat
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import httpx

from localnet.exchanges import EXCHANGES
import pytest

from localnet import provision
from localnet.core import activity, keys, ledger
from localnet.core.store import Store
from tests.localnet.kill9_support import Journal, KeyMaker, Served, Trader, check_database, dying_at_log
from tests.localnet.support import (DOC_API_KEY, DOC_PAYLOAD, DOC_SECRET, DOC_SIGNATURE, DOC_TIME, Binance,
                                     assert_error)
from snippets import kraken as kraken_signer
from tests.soak import scaled

KILL_CYCLES = 3  # kill -9, restart, check: this many times (x KEYLAB_SOAK in make soak)
KILL_AFTER_ANSWERS = (30, 90)  # each kill comes after a seeded random number of acknowledged answers in this range
KILL_SEED = 8
TRADERS_PER_EXCHANGE = 1  # client threads placing and cancelling orders, one key each
KEY_MAKERS = 1  # client threads making keys on the management page meanwhile
LOAD_TIMEOUT_S = 120.0  # a bound, not a speed requirement

ROOT = Path(__file__).resolve().parents[2]


def cli(*args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "localnet", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def serve(db: Path, port_file: Path, *extra: str) -> subprocess.Popen:
    port_file.unlink(missing_ok=True)
    proc = subprocess.Popen([sys.executable, "-m", "localnet", "serve", "--db", str(db), "--base-port", "0",
                             "--port-file", str(port_file), *extra], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()  # printed after the port file is written
    assert line.startswith("binance http://127.0.0.1:"), (line, proc.stderr.read() if proc.poll() is not None else "")
    return proc


def test_serve_kill_restart(tmp_path):
    db, port_file = tmp_path / "net.db", tmp_path / "ports.json"
    first = serve(db, port_file, "--frozen-time-ms", str(DOC_TIME))
    try:
        assert stat.S_IMODE(os.stat(db).st_mode) == 0o600
        urls = json.loads(port_file.read_text())
        assert list(urls) == [*EXCHANGES, "manage"]  # the key-management page comes last
        base = urls["binance"]
        assert httpx.get(base + "/api/v3/time").json() == {"serverTime": DOC_TIME}

        # Binance's published example, imported with the CLI while the server runs.
        cli("keys", "create", "--exchange", "binance", "--db", str(db), "--api-key", DOC_API_KEY,
            "--secret", DOC_SECRET, "--permissions", "read,trade", "--json")
        r = httpx.post(f"{base}/api/v3/order?{DOC_PAYLOAD}&signature={DOC_SIGNATURE}",
                       headers={"X-MBX-APIKEY": DOC_API_KEY})
        assert r.status_code == 200, r.text

        # Another process switches the clock back to real time: the example is now too old.
        assert "real time" in cli("clock", "--db", str(db), "--real")
        r = httpx.post(f"{base}/api/v3/order?{DOC_PAYLOAD}&signature={DOC_SIGNATURE}",
                       headers={"X-MBX-APIKEY": DOC_API_KEY})
        assert_error(r, 400, -1021, "Timestamp for this request is outside of the recvWindow.")

        key = json.loads(cli("keys", "create", "--exchange", "binance", "--db", str(db),
                             "--permissions", "read,trade", "--label", "durable", "--json"))
        assert set(key) >= {"id", "exchange", "api_key", "secret", "passphrase", "permissions", "ips", "type"}
        listing = cli("keys", "list", "--db", str(db))
        assert key["api_key"] in listing and key["secret"] not in listing
        client = Binance(base, key)
        acknowledged = {}
        for i in range(20):
            if i % 2:
                r = client.signed("POST", "/api/v3/order", symbol="BTCUSDT", side="BUY", type="LIMIT",
                                  timeInForce="GTC", quantity="0.001", price=str(50000 + i))
            else:
                r = client.signed("POST", "/api/v3/order", symbol="ETHUSDT", side="SELL", type="MARKET",
                                  quantity="0.01")
            assert r.status_code == 200, r.text
            acknowledged[r.json()["orderId"]] = r.json()["status"]
        client.close()
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(30)

    second = serve(db, port_file)
    try:
        client = Binance(json.loads(port_file.read_text())["binance"], key)
        for symbol in ("BTCUSDT", "ETHUSDT"):
            stored = {o["orderId"]: o["status"] for o in
                      client.signed("GET", "/api/v3/allOrders", symbol=symbol).json()}
            for order_id, status in acknowledged.items():
                if order_id in stored:
                    assert stored[order_id] == status
        found = set()
        for symbol in ("BTCUSDT", "ETHUSDT"):
            found |= {o["orderId"] for o in client.signed("GET", "/api/v3/allOrders", symbol=symbol).json()}
        assert set(acknowledged) <= found
        assert len(client.signed("GET", "/api/v3/openOrders", symbol="BTCUSDT").json()) == 10
        log = cli("log", "--db", str(db), "--key", str(key["id"]), "--json")
        assert len(json.loads(log)) >= 20
        client.close()
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(30)
    store = Store(db)
    held = ledger.balances(store, key["account_id"])
    expected = ledger.expected_totals(store, key["account_id"])
    assert all(free + locked == expected.get(asset, 0) for asset, (free, locked) in held.items())
    store.close()


def test_port_already_taken_fails_cleanly(tmp_path):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "localnet", "serve", "--db", str(tmp_path / "x.db"),
                               "--port", f"binance={port}"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert "did not start" in done.stderr


@pytest.mark.parametrize("args, message", [
    (["--permissions", "read,fly"], "unknown permission"),
    (["--ip", "300.1.1.1"], "not an IP address"),
    (["--type", "ecdsa"], "binance keys are"),
    (["--type", "ed25519"], "needs --public-key"),
    (["--permissions", "withdraw"], "IP-restricted"),
    (["--api-key", "short", "--secret", "s"], "64 letters and digits"),
])
def test_keys_create_refuses_bad_input(tmp_path, args, message):
    from localnet.__main__ import main

    with pytest.raises(SystemExit) as stopped:
        main(["keys", "create", "--exchange", "binance", "--db", str(tmp_path / "k.db"), *args])
    assert message in str(stopped.value)


def test_kill9_under_load_loses_no_acknowledged_write(tmp_path):
    """SIGKILL serve while clients trade and make keys; after each restart every acknowledged key,
    order, cancel, fill and activity-log entry is there, the ledger balances, the file is sound."""
    db = tmp_path / "kill9.db"
    journal = Journal()
    moments = random.Random(KILL_SEED)
    for cycle in range(scaled(KILL_CYCLES)):
        with Served(db, tmp_path) as served:
            if cycle:
                check_database(db, journal)
            workers = [Trader(journal, served.urls, f"{KILL_SEED}/{cycle}/{name}/{i}", name, f"c{cycle}{name}{i}")
                       for name in EXCHANGES for i in range(TRADERS_PER_EXCHANGE)]
            workers += [KeyMaker(journal, served.urls, f"{KILL_SEED}/{cycle}/keys/{i}") for i in range(KEY_MAKERS)]
            for worker in workers:
                worker.start()
            journal.wait_for(journal.count + moments.randint(*KILL_AFTER_ANSWERS), workers, LOAD_TIMEOUT_S)
            served.kill()
            for worker in workers:
                worker.join(LOAD_TIMEOUT_S)
            assert not any(w.is_alive() for w in workers)
        assert journal.failures == []
    with Served(db, tmp_path) as served:
        checked = check_database(db, journal)
        assert served.stop() == 0
    store = Store(db)
    try:
        stored_orders = store.db.execute("SELECT COUNT(*) FROM orders").fetchone()[0]
    finally:
        store.close()
    unacknowledged_found = stored_orders - checked.orders  # committed, but the answer never arrived
    # The run really covered every kind of write on every exchange.
    assert {ack.exchange for ack in journal.orders.values()} == set(EXCHANGES)
    assert checked.cancels > 0 and checked.fills > 0
    assert checked.keys >= scaled(KILL_CYCLES) * len(EXCHANGES) * TRADERS_PER_EXCHANGE
    print(f"kill -9 recoveries: {scaled(KILL_CYCLES)}; acknowledged writes checked: {checked.keys} keys, "
          f"{checked.orders} orders, {checked.cancels} cancels, {checked.fills} fills, "
          f"{checked.log_entries} activity-log entries; orders committed but never acknowledged: "
          f"{unacknowledged_found}")


def test_a_call_and_its_log_entry_are_stored_together(tmp_path):
    """The process dies after an order's own writes, just before its activity-log entry: neither
    the order, nor its reservation, nor the key's last use may survive without the other."""
    db = tmp_path / "crash.db"
    store = Store(db)
    key = provision.create_key(store, "binance", permissions=("read", "trade"))
    store.close()
    with dying_at_log(db, tmp_path, "/api/v3/order") as server:
        client = Binance(server.urls["binance"], key)
        with pytest.raises(httpx.TransportError):
            client.signed("POST", "/api/v3/order", symbol="BTCUSDT", side="BUY", type="LIMIT", timeInForce="GTC",
                          quantity="0.001", price="50000")
        client.close()
        assert server.proc.wait(LOAD_TIMEOUT_S) == -signal.SIGKILL
    store = Store(db)
    try:
        assert store.db.execute("SELECT COUNT(*) FROM orders").fetchone()[0] == 0
        assert store.db.execute("SELECT COUNT(*) FROM activity").fetchone()[0] == 0
        assert store.db.execute("SELECT last_used_ms FROM keys").fetchone()[0] is None
        assert ledger.balances(store, key["account_id"])["USDT"] == (Decimal(10000), Decimal(0))
    finally:
        store.close()


def test_serve_exits_1_when_one_of_its_servers_stops(tmp_path):
    """A server thread that ends on its own takes serve down with status 1, not a silent 0."""
    code = ("import sys\n"
            "import localnet.__main__ as cli\n"
            "start_servers = cli.start_servers\n"
            "def start_then_lose_one(*args):\n"
            "    servers = start_servers(*args)\n"
            "    servers[1].server.should_exit = True\n"
            "    return servers\n"
            "cli.start_servers = start_then_lose_one\n"
            f"sys.exit(cli.main(['serve', '--db', {str(tmp_path / 'x.db')!r}, '--base-port', '0']))\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          timeout=LOAD_TIMEOUT_S)
    assert done.returncode == 1, done
    assert done.stderr.endswith("localnet: the bybit server stopped unexpectedly; stopping the others\n"), done.stderr


def test_a_second_store_on_the_same_file_keeps_the_first_ones_locks(tmp_path):
    """Opening the same database twice in one process must not release the first Store's locks.

    Closing any descriptor of a file drops all of the process's POSIX locks on it. When the second
    Store read the file's first bytes with open(), another process closing its connection took
    itself for the last user and removed the WAL the first Store was using: the notebooks' shared
    localnet then answered "database disk image is malformed".
    """
    path = tmp_path / "shared.db"
    first = Store(path)
    try:
        with first.transaction() as db:
            db.execute("INSERT INTO accounts (exchange, created_ms) VALUES (?, ?)", ("binance", 0))
        second = Store(path)
        reader = "import sqlite3, sys; db = sqlite3.connect(sys.argv[1]); db.execute('SELECT count(*) FROM sqlite_master').fetchone(); db.close()"
        subprocess.run([sys.executable, "-c", reader, str(path)], check=True, timeout=60)
        assert path.with_name("shared.db-wal").exists(), "another process removed the WAL this process still uses"
        with first.transaction() as db:
            db.execute("INSERT INTO accounts (exchange, created_ms) VALUES (?, ?)", ("binance", 0))
        assert second.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        second.close()
    finally:
        first.close()


def test_acknowledged_reads_survive_kill_9(tmp_path):
    """A read call commits without waiting for the disk (Store._connect says why); a killed process
    still loses none of it: every log entry, the key's last use, and the Kraken nonce it used up."""
    db, port_file = tmp_path / "net.db", tmp_path / "ports.json"
    first = serve(db, port_file)
    try:
        urls = json.loads(port_file.read_text())
        made = {name: json.loads(cli("keys", "create", "--exchange", name, "--db", str(db), "--json"))
                for name in ("binance", "kraken")}
        binance = Binance(urls["binance"], made["binance"])
        kraken = httpx.Client(base_url=urls["kraken"], timeout=30)
        reads = 12
        for nonce in range(1, reads + 1):
            assert binance.signed("GET", "/api/v3/account").status_code == 200
            path, headers, body = kraken_signer.private_request(
                made["kraken"]["api_key"], made["kraken"]["secret"], "Balance", nonce=str(nonce))
            answer = kraken.post(path, content=body.encode(), headers=headers)
            assert answer.json()["error"] == [], answer.text
        binance.close()
        kraken.close()
    finally:
        first.send_signal(signal.SIGKILL)  # at once, after the last answer
        first.wait(30)
    store = Store(db)
    try:
        for name, key in made.items():
            log = [e for e in activity.entries(store, key["id"]) if e["outcome"] == "ok"]
            assert len(log) == reads, (name, log)
            last_use = keys.get(store, key["id"]).last_used_ms  # read at the start of the call, logged at its end
            assert log[-2]["time_ms"] <= last_use <= log[-1]["time_ms"], (name, last_use, log[-2:])
        assert keys.last_nonce(store, made["kraken"]["id"]) == reads  # a replay of the last read is refused
    finally:
        store.close()
