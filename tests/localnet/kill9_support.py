"""kill -9 under load: a served localnet to kill, the clients that load it, and what they were told.

`Served` runs `python -m localnet serve` in a subprocess and always reaps it. `Trader` makes a key
on the management page, then places and cancels orders on one exchange (through order_clients);
`KeyMaker` keeps making keys. Both write every acknowledged answer -- one that arrived whole --
into a `Journal`, and stop at the first transport error (the server is gone). `check_database`
then compares the journal with the database the restarted server recovered.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import httpx

from localnet.core.store import Store
from tests.localnet.ledger_checks import assert_ledger_consistent
from tests.localnet.manage_support import Manage
from tests.localnet.order_clients import CLIENTS

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 60.0  # a loaded 2-core box can be slow to start six servers
POLL_S = 0.05
QTY = Decimal("0.001")  # 60 USDT at the reference price of 60000
RESTING = {"BUY": Decimal(50000), "SELL": Decimal(70000)}  # limit prices far from the book: they rest
MAX_OPS_PER_TRADER = 400  # a bound only: the kill comes long before
MAX_KEYS_PER_MAKER = 200
FINISHED = frozenset({"FILLED", "CANCELED", "EXPIRED"})
# Where each exchange places and cancels an order (what the activity log records as the path).
PLACE = {"binance": ("POST", "/api/v3/order"), "bybit": ("POST", "/v5/order/create"),
         "okx": ("POST", "/api/v5/trade/order"), "kraken": ("POST", "/0/private/AddOrder"),
         "coinbase": ("POST", "/api/v3/brokerage/orders")}
CANCEL = {"binance": ("DELETE", "/api/v3/order"), "bybit": ("POST", "/v5/order/cancel"),
          "okx": ("POST", "/api/v5/trade/cancel-order"), "kraken": ("POST", "/0/private/CancelOrder"),
          "coinbase": ("POST", "/api/v3/brokerage/orders/batch_cancel")}


class Served:
    """`python -m localnet serve --db DB` on free ports (or, with `code`, that Python code, which
    writes the port file itself); killed (or stopped) and reaped on exit."""

    def __init__(self, db: Path, folder: Path, code: str | None = None) -> None:
        self.port_file = folder / "ports.json"
        self.port_file.unlink(missing_ok=True)  # a killed server leaves its port file behind
        self.log = open(folder / "serve.log", "ab")
        argv = ["-c", code] if code else ["-m", "localnet", "serve", "--db", str(db), "--base-port", "0",
                                          "--port-file", str(self.port_file)]
        self.proc = subprocess.Popen([sys.executable, *argv], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=self.log)
        self.urls: dict[str, str] = {}

    def __enter__(self) -> "Served":
        try:
            self.urls = self._wait_for_ports()
        except BaseException:
            self.__exit__()
            raise
        return self

    def _wait_for_ports(self) -> dict[str, str]:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not self.port_file.exists():  # written atomically once every server listens
            assert self.proc.poll() is None, f"serve exited with {self.proc.returncode}; see {self.log.name}"
            assert time.monotonic() < deadline, f"serve did not start in {START_TIMEOUT_S:.0f} s"
            time.sleep(POLL_S)
        return json.loads(self.port_file.read_text())

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs, whatever is in flight is cut off."""
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait()

    def stop(self) -> int:
        """SIGTERM, the way a user stops it; the exit status."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(START_TIMEOUT_S)

    def __exit__(self, *exc: object) -> None:
        try:
            self.kill()
        finally:
            self.log.close()


@dataclass
class OrderAck:
    """What the answers said about one order."""

    exchange: str
    account_id: int
    client_id: str
    statuses: frozenset[str] | None  # the ledger statuses the placing answer allows (None: not said)
    executed: Decimal | None  # the filled quantity the placing answer reported (None: not said)
    cancelled: bool = False


@dataclass
class Journal:
    """Every acknowledged write, shared by the client threads."""

    keys: dict[int, dict] = field(default_factory=dict)  # key id -> exchange, api_key, account_id
    orders: dict[int, OrderAck] = field(default_factory=dict)  # ledger order id -> what was said
    requests: Counter = field(default_factory=Counter)  # (key id, method, path, HTTP status) -> answers
    failures: list[str] = field(default_factory=list)
    count: int = 0  # acknowledged answers of any kind, to choose the moment of the kill
    changed: threading.Condition = field(default_factory=threading.Condition)

    def _bump(self) -> None:
        self.count += 1
        self.changed.notify_all()

    def key(self, made: dict) -> None:
        with self.changed:
            self.keys[made["id"]] = {k: made[k] for k in ("exchange", "api_key", "account_id")}
            self._bump()

    def answer(self, key_id: int, request: tuple[str, str, int], order_id: int | None = None,
               order: OrderAck | None = None, cancelled: bool = False) -> None:
        with self.changed:
            self.requests[(key_id, *request)] += 1
            if order is not None:
                self.orders[order_id] = order
            if cancelled:
                self.orders[order_id].cancelled = True
            self._bump()

    def wait_for(self, count: int, threads: list[threading.Thread], timeout_s: float) -> None:
        """Until `count` answers are in (or every thread ended, or the time ran out)."""
        deadline = time.monotonic() + timeout_s
        with self.changed:
            while self.count < count and any(t.is_alive() for t in threads) and time.monotonic() < deadline:
                self.changed.wait(POLL_S)


def create_key(manage: Manage, exchange: str) -> dict:
    """A read+trade key made on the management page; the dict the order clients sign with."""
    body = {"exchange": exchange, "permissions": ["read", "trade"]}
    if exchange == "coinbase":
        body["type"] = "ed25519"
    r = manage.post("/api/keys", body)
    assert r.status_code == 201, r.text
    made = r.json()
    return {**made, "id": made["key"]["id"], "exchange": exchange, "type": made["key"]["type"],
            "account_id": made["key"]["account_id"]}


class Worker(threading.Thread):
    """A client thread: runs `work` until the server goes away; anything else is a failure."""

    def __init__(self, journal: Journal, urls: dict[str, str], seed: str) -> None:
        super().__init__(daemon=True)
        self.journal, self.urls, self.rng = journal, urls, random.Random(seed)

    def run(self) -> None:
        manage = None
        try:
            manage = Manage(self.urls["manage"])
            self.work(manage)
        except httpx.TransportError:
            pass  # killed: this request was not acknowledged
        except Exception as exc:  # noqa: BLE001 - reported by the test
            with self.journal.changed:
                self.journal.failures.append(f"{self.name}: {exc!r}")
        finally:
            if manage is not None:
                manage.close()

    def work(self, manage: Manage) -> None:
        raise NotImplementedError


class KeyMaker(Worker):
    """Makes keys on every exchange in turn."""

    def work(self, manage: Manage) -> None:
        for n in range(MAX_KEYS_PER_MAKER):
            self.journal.key(create_key(manage, list(PLACE)[n % len(PLACE)]))


class Trader(Worker):
    """One key on one exchange: resting limit orders, market orders, cancels of its open orders."""

    def __init__(self, journal: Journal, urls: dict[str, str], seed: str, exchange: str, tag: str) -> None:
        super().__init__(journal, urls, seed)
        self.exchange, self.tag = exchange, tag
        self.last: tuple[str, str, int] | None = None

    def _seen(self, response: httpx.Response) -> None:
        self.last = (response.request.method, response.request.url.path, response.status_code)

    def work(self, manage: Manage) -> None:
        key = create_key(manage, self.exchange)
        self.journal.key(key)
        client = CLIENTS[self.exchange](self.urls[self.exchange], key)
        client.client.http.event_hooks = {"response": [self._seen]}
        resting: list[tuple[int, str, str]] = []  # (ledger id, exchange's id, client id)
        try:
            for n in range(MAX_OPS_PER_TRADER):
                roll = self.rng.random()
                if resting and roll < 0.3:
                    order_id, ref, client_id = resting.pop(self.rng.randrange(len(resting)))
                    answer = client.cancel(ref=ref)
                    assert answer.outcome == "ok", (self.exchange, answer)
                    self.journal.answer(key["id"], self.last, order_id, cancelled=True)
                    continue
                side = self.rng.choice(("BUY", "SELL"))
                kind = "LIMIT" if roll < 0.65 else "MARKET"
                client_id = f"{self.tag}n{n}"
                answer = client.place(side, kind, QTY, RESTING[side] if kind == "LIMIT" else None, client_id)
                if answer.outcome != "ok":
                    assert answer.outcome == "insufficient", (self.exchange, answer)
                    self.journal.answer(key["id"], self.last)
                    continue
                self.journal.answer(key["id"], self.last, answer.ledger_id, OrderAck(
                    self.exchange, key["account_id"], client_id, answer.statuses, answer.executed))
                if kind == "LIMIT":
                    resting.append((answer.ledger_id, answer.ref, client_id))
        finally:
            client.close()


def serve_dying_at_log(db: str, port_file: str, path: str) -> None:
    """Run in a subprocess: localnet on `db` that SIGKILLs itself when it is about to write the
    activity-log entry of a call to `path` -- after the call's own writes, before its answer."""
    from localnet import client
    from localnet.core import activity
    from localnet.server import write_port_file

    record = activity.record

    def record_or_die(store: Store, **entry: object) -> None:
        if entry["path"] == path:
            os.kill(os.getpid(), signal.SIGKILL)
        record(store, **entry)

    activity.record = record_or_die
    net = client.start(db=db)
    write_port_file(port_file, net.urls)
    threading.Event().wait()


def dying_at_log(db: Path, folder: Path, path: str) -> Served:
    """`serve_dying_at_log` in a subprocess, reaped on exit."""
    code = (f"from tests.localnet.kill9_support import serve_dying_at_log; "
            f"serve_dying_at_log({str(db)!r}, {str(folder / 'ports.json')!r}, {path!r})")
    return Served(db, folder, code)


# ---- after the restart ---------------------------------------------------------------------------

RANK = {"NEW": 0, "PARTIALLY_FILLED": 1, "FILLED": 2, "CANCELED": 2, "EXPIRED": 2}


def _check_orders(db: sqlite3.Connection, journal: Journal) -> int:
    """Every acknowledged order is there, as the answers said or later; the number of its fills."""
    fills = 0
    for order_id, ack in journal.orders.items():
        row = db.execute("SELECT * FROM orders WHERE id = ?", (order_id,)).fetchone()
        assert row is not None, f"acknowledged {ack.exchange} order {order_id} is gone"
        assert (row["account_id"], row["client_order_id"]) == (ack.account_id, ack.client_id), (dict(row), ack)
        if ack.cancelled:
            assert row["status"] == "CANCELED", (dict(row), ack)
        elif ack.statuses is not None:
            assert (row["status"] in ack.statuses
                    or RANK[row["status"]] > max(RANK[s] for s in ack.statuses)), (dict(row), ack)
        if ack.executed is not None:
            assert Decimal(row["executed_qty"]) >= ack.executed, (dict(row), ack)
        fills += db.execute("SELECT COUNT(*) FROM fills WHERE order_id = ?", (order_id,)).fetchone()[0]
    return fills


def _check_keys(db: sqlite3.Connection, journal: Journal) -> None:
    """Every acknowledged key is there and live; every key has its funded account (no half key)."""
    for key_id, made in journal.keys.items():
        row = db.execute("SELECT exchange, api_key, account_id, revoked FROM keys WHERE id = ?", (key_id,)).fetchone()
        assert row is not None, f"acknowledged key {key_id} is gone"
        assert dict(row) == {**made, "revoked": 0}, (dict(row), made)
    unfunded = db.execute("SELECT k.id FROM keys k WHERE NOT EXISTS (SELECT 1 FROM transfers t WHERE "
                          "t.account_id = k.account_id AND t.kind = 'deposit')").fetchall()
    assert unfunded == [], [r[0] for r in unfunded]


def _check_log(db: sqlite3.Connection, journal: Journal) -> int:
    """Every acknowledged answer has its log entry; every stored order and cancel has one too."""
    logged = Counter({(r[0], r[1], r[2], r[3]): r[4] for r in db.execute(
        "SELECT key_id, method, path, http_status, COUNT(*) FROM activity GROUP BY 1, 2, 3, 4")})
    for request, count in journal.requests.items():
        assert logged[request] >= count, (request, count, logged[request])
    # Acknowledged or not: an order exists exactly when its placing call is logged as a success,
    # and an order was cancelled exactly when a cancel call is.
    for key_id, exchange, account_id in db.execute("SELECT id, exchange, account_id FROM keys"):
        ok = dict(db.execute("SELECT method || ' ' || path, COUNT(*) FROM activity WHERE key_id = ? AND "
                             "outcome = 'ok' GROUP BY 1", (key_id,)).fetchall())
        placed = db.execute("SELECT COUNT(*) FROM orders WHERE account_id = ?", (account_id,)).fetchone()[0]
        cancelled = db.execute("SELECT COUNT(*) FROM orders WHERE account_id = ? AND status = 'CANCELED'",
                               (account_id,)).fetchone()[0]
        assert ok.get(" ".join(PLACE[exchange]), 0) == placed, (key_id, exchange, ok, placed)
        assert ok.get(" ".join(CANCEL[exchange]), 0) == cancelled, (key_id, exchange, ok, cancelled)
    return sum(journal.requests.values())


@dataclass
class Checked:
    """What one check of the database covered."""

    keys: int
    orders: int
    cancels: int
    fills: int
    log_entries: int


def check_database(db_path: Path, journal: Journal) -> Checked:
    """Compare the journal with the database (read-only, while the restarted server runs)."""
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    db.row_factory = sqlite3.Row
    try:
        assert db.execute("PRAGMA integrity_check").fetchall()[0][0] == "ok"
        _check_keys(db, journal)
        fills = _check_orders(db, journal)
        log_entries = _check_log(db, journal)
    finally:
        db.close()
    store = Store(db_path)
    try:
        assert_ledger_consistent(store)
    finally:
        store.close()
    cancels = sum(1 for ack in journal.orders.values() if ack.cancelled)
    return Checked(len(journal.keys), len(journal.orders), cancels, fills, log_entries)
