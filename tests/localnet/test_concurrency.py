"""Many clients trading at once on all five exchanges never break the ledger, lose an order or fill one twice.

localnet's market model: an order trades only against the exchange's synthetic book (market.py),
at the moment it is placed, never against another user's order; what is left of a GTC limit order
rests, locking its funds, until it is cancelled. So the collisions worth testing are between
requests on the same account: several keys and threads placing, cancelling and querying at once,
two cancels of one order, a cancel racing the placement that fills part of an order, two orders
reaching for the same last funds, and one client order id sent twice at the same moment.

After each run the database is checked (ledger_checks), and so is every answer a client got:
each acknowledged order exists with the status the client last saw or a later one, each
acknowledged cancel is cancelled, no order is acknowledged or cancelled twice, none is missing.
"""

from __future__ import annotations

import random
import threading
from collections import Counter, defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Iterator

import pytest

from localnet.client import start
from tests.localnet.ledger_checks import assert_ledger_consistent
from tests.localnet.order_clients import (CANCELS_BY_CLIENT_ID, CLOSED, EXCHANGES, OPEN, Answer, new_key,
                                          orders_client)
from tests.localnet.threads import run_together
from tests.soak import scaled

SHARED_KEYS = 4  # keys (one thread each) trading on one shared account, per exchange
SOLE_KEYS = 2  # keys with an account of their own, per exchange
CLIENTS = (SHARED_KEYS + SOLE_KEYS) * len(EXCHANGES)  # concurrent clients in the mixed run
REQUESTS_PER_CLIENT = scaled(60)  # orders, cancels and queries each client sends in the mixed run
RACE_ROUNDS = scaled(3)  # rounds of each deliberate race, on every exchange
QTY = Decimal("0.0001")  # the unit of order sizes (6 USDT at the reference price of 60000)
CONTENDERS = 4  # clients (each with its own key, on one account) in each deliberate race
START_LINE_S = 30  # how long racing requests wait inside the server for each other before the test fails
MEASURED: Counter = Counter()  # what the runs did, for the report (printed at the end with pytest -s)


@pytest.fixture(scope="module")
def net():
    """A localnet whose rate limits stay out of the way: this module is about the ledger.

    When the module is done, every account in the database (races included) is checked once more
    and the figures are printed (pytest -s).
    """
    with start(weight_limit=10**9, rate_limit=10**9) as running:
        yield running
        assert_ledger_consistent(running)
        print("\nconcurrency figures:", dict(MEASURED))


@contextmanager
def start_line(net, exchange: str, parties: int) -> Iterator[None]:
    """Hold each request to `exchange` inside the server until `parties` of them have arrived, then let
    them all go at once: every racing request is in flight together, whatever the thread scheduler or
    the clients' own timing would have allowed. (Without it, requests sent "at once" mostly reach the
    server one after another, and a check-then-act race hides.)
    """
    app = next(s.app for s in net._servers if s.name == exchange)
    answer = app.answer
    barrier = threading.Barrier(parties, timeout=START_LINE_S)

    def wait_then_answer(call):
        barrier.wait()
        return answer(call)

    app.answer = wait_then_answer
    try:
        yield
    finally:
        del app.answer


def db_order(net, ledger_id: int) -> dict:
    row = net.store.db.execute("SELECT * FROM orders WHERE id = ?", (ledger_id,)).fetchone()
    assert row is not None, f"order {ledger_id} was acknowledged but is not in the database"
    return dict(row)


def later_or_same(seen: frozenset[str]) -> frozenset[str]:
    """The statuses an order seen in one of `seen` may have now: an open order may move on, a closed one not."""
    return (seen | CLOSED | {"PARTIALLY_FILLED"}) if seen & OPEN else seen


# ---- the mixed run -------------------------------------------------------------------------------

@dataclass
class Journal:
    """Every answer the clients got, and the resting orders each account's clients may cancel."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    placed: list[tuple[str, int, str, Answer]] = field(default_factory=list)  # exchange, account, client id, answer
    seen: list[tuple[str, Answer]] = field(default_factory=list)  # exchange, an answer naming a state
    cancels: list[tuple[str, int, Answer]] = field(default_factory=list)  # exchange, ledger id, answer
    resting: dict[int, list[tuple[str, str, int]]] = field(default_factory=lambda: defaultdict(list))
    outcomes: Counter = field(default_factory=Counter)

    def note(self, what: str, exchange: str, answer: Answer) -> None:
        with self.lock:
            self.outcomes[(what, answer.outcome)] += 1
            if answer.statuses is not None and answer.ledger_id is not None:
                self.seen.append((exchange, answer))


def order_params(rng: random.Random) -> tuple[tuple[str, str, Decimal, Decimal | None], str, bool]:
    """((side, type, qty, price), time in force, whether it rests): a resting limit, a crossing limit or a market order."""
    side = rng.choice(("BUY", "SELL"))
    qty = QTY * rng.randint(1, 20)
    roll = rng.random()
    if roll < 0.5:  # rests: bids below the book's best bid, asks above its best ask
        offset = Decimal(rng.randint(100, 5000))
        return (side, "LIMIT", qty, Decimal(60000) - offset if side == "BUY" else Decimal(60000) + offset), "GTC", True
    if roll < 0.75:  # crosses the first level of the book and fills at once
        price = Decimal("60100") if side == "BUY" else Decimal("59900")
        return (side, "LIMIT", qty, price), rng.choice(("GTC", "IOC")), False
    return (side, "MARKET", qty, None), "GTC", False


def trade(net, journal: Journal, exchange: str, key: dict, seed: int) -> None:
    """One client: REQUESTS_PER_CLIENT orders, cancels (of its own or a sibling key's orders) and queries."""
    rng = random.Random(seed)
    client = orders_client(net, exchange, key)
    account = key["account_id"]
    mine: list[str] = []
    try:
        for n in range(REQUESTS_PER_CLIENT):
            roll = rng.random()
            with journal.lock:
                pool = journal.resting[account]
                target = rng.choice(pool) if pool else None
            if roll < 0.25 and target is not None:
                ref, client_id, ledger_id = target
                by_client_id = exchange in CANCELS_BY_CLIENT_ID and rng.random() < 0.5
                answer = client.cancel(client_id=client_id) if by_client_id else client.cancel(ref)
                with journal.lock:
                    if target in pool:
                        pool.remove(target)
                    journal.cancels.append((exchange, ledger_id, answer))
                journal.note("cancel", exchange, answer)
            elif roll < 0.4 and mine:
                journal.note("query", exchange, client.query(rng.choice(mine)))
            else:
                order, tif, rests = order_params(rng)
                client_id = f"s{seed}n{n}"
                answer = client.place(*order, client_id, tif)
                assert answer.outcome in ("ok", "insufficient"), answer
                journal.note("place", exchange, answer)
                if answer.outcome == "ok":
                    mine.append(answer.ref)
                    with journal.lock:
                        journal.placed.append((exchange, account, client_id, answer))
                        if rests:
                            journal.resting[account].append((answer.ref, client_id, answer.ledger_id))
    finally:
        client.close()


def test_many_clients_on_five_exchanges_keep_the_ledger_exact(net):
    workers = []
    for exchange in EXCHANGES:
        shared = new_key(net, exchange)
        keys = [shared] + [new_key(net, exchange, shared["account_id"]) for _ in range(SHARED_KEYS - 1)]
        keys += [new_key(net, exchange) for _ in range(SOLE_KEYS)]
        workers += [(exchange, key) for key in keys]
    assert len(workers) == CLIENTS
    journal = Journal()
    run_together(*[lambda e=e, k=k, i=i: trade(net, journal, e, k, i) for i, (e, k) in enumerate(workers)])

    accounts = sorted({key["account_id"] for _, key in workers})
    assert_ledger_consistent(net, *accounts)
    check_answers_against_the_database(net, journal, accounts)
    placed_ok = journal.outcomes[("place", "ok")]
    cancels_ok = journal.outcomes[("cancel", "ok")]
    fills = net.store.db.execute(
        f"SELECT COUNT(*) FROM fills WHERE account_id IN ({','.join('?' * len(accounts))})", accounts).fetchone()[0]
    MEASURED.update(clients=CLIENTS, orders_acknowledged=placed_ok, cancels_acknowledged=cancels_ok, fills=fills,
                    cancels_refused=journal.outcomes[("cancel", "unknown")],
                    orders_refused=journal.outcomes[("place", "insufficient")],
                    queries=journal.outcomes[("query", "ok")])
    # The run exercised what it claims to: acknowledged orders and cancels on every exchange, and fills.
    assert {exchange for exchange, *_ in journal.placed} == set(EXCHANGES)
    assert {exchange for exchange, _, answer in journal.cancels if answer.outcome == "ok"} == set(EXCHANGES)
    assert fills > 0


def check_answers_against_the_database(net, journal: Journal, accounts: list[int]) -> None:
    """Every answer a client got agrees with the database, and the database holds nothing no client was told of."""
    ids = [answer.ledger_id for *_, answer in journal.placed]
    assert None not in ids and len(ids) == len(set(ids))  # no order id handed out twice
    for exchange, account, client_id, answer in journal.placed:
        row = db_order(net, answer.ledger_id)
        assert (row["account_id"], row["client_order_id"], row["symbol"]) == (account, client_id, "BTCUSDT"), row
    marks = ",".join("?" * len(accounts))
    in_db = {r[0] for r in net.store.db.execute(f"SELECT id FROM orders WHERE account_id IN ({marks})", accounts)}
    assert in_db == set(ids)  # no lost order and no order nobody placed
    for exchange, answer in journal.seen:
        row = db_order(net, answer.ledger_id)
        assert row["status"] in later_or_same(answer.statuses), (exchange, answer, row)
        if answer.executed is not None:
            executed = Decimal(row["executed_qty"])
            assert executed >= answer.executed and (answer.statuses & OPEN or executed == answer.executed), row
    won = Counter(ledger_id for _, ledger_id, answer in journal.cancels if answer.outcome == "ok")
    assert all(n == 1 for n in won.values()), won  # never two successful cancels of one order
    for exchange, ledger_id, answer in journal.cancels:
        assert answer.ledger_id in (None, ledger_id), (exchange, answer)  # the cancel named the order it was for
        assert db_order(net, ledger_id)["status"] == "CANCELED"  # won here or by a sibling (never refused otherwise)
    canceled = {r[0] for r in net.store.db.execute(
        f"SELECT id FROM orders WHERE status = 'CANCELED' AND account_id IN ({marks})", accounts)}
    assert canceled == set(won)  # every cancelled order was cancelled by an acknowledged cancel


# ---- deliberate races ----------------------------------------------------------------------------

LOSING_CANCEL = {"binance": -2011, "bybit": 170142, "okx": "51400", "kraken": "EOrder:Unknown order",
                 "coinbase": "UNKNOWN_CANCEL_ORDER"}
PARTIAL_FILL = (Decimal("0.8"), Decimal("59988"))  # sells 0.75 BTC into the book's best bid; 0.05 rests
LAST_FUNDS = (("BUY", "LIMIT", Decimal("0.12"), Decimal("50000")),  # locks 6000 of the account's 10000 USDT
              ("BUY", "MARKET", Decimal("0.09"), None))  # pays 5401.08 USDT (and a fee in BTC) at once
REPEATABLE_AFTER_FILL = {"binance", "okx", "kraken"}  # refuse a client order id only while its order is open


def clients_on_one_account(net, exchange: str, count: int = CONTENDERS) -> tuple[list, int]:
    """`count` clients, each with its own key, on one fresh account; and the account's id."""
    first = new_key(net, exchange)
    keys = [first] + [new_key(net, exchange, first["account_id"]) for _ in range(count - 1)]
    return [orders_client(net, exchange, key) for key in keys], first["account_id"]


def close_all(clients: list) -> None:
    for client in clients:
        client.close()


def account_orders(net, account: int) -> list[dict]:
    return [dict(r) for r in net.store.db.execute("SELECT * FROM orders WHERE account_id = ?", (account,))]


@pytest.mark.parametrize("exchange", EXCHANGES)
def test_concurrent_cancels_of_one_order_exactly_one_wins(net, exchange):
    clients, account = clients_on_one_account(net, exchange)
    for n in range(RACE_ROUNDS):
        placed = clients[0].place("BUY", "LIMIT", QTY * 10, Decimal("50000"), f"race{n}")
        assert placed.outcome == "ok"
        with start_line(net, exchange, CONTENDERS):
            answers = run_together(*[lambda c=c: c.cancel(placed.ref) for c in clients])
        MEASURED["race_requests"] += CONTENDERS
        assert sorted(x.outcome for x in answers) == ["ok"] + ["unknown"] * (CONTENDERS - 1), answers
        assert {x.code for x in answers if x.outcome == "unknown"} == {LOSING_CANCEL[exchange]}
        assert db_order(net, placed.ledger_id)["status"] == "CANCELED"
    assert_ledger_consistent(net, account)
    close_all(clients)


@pytest.mark.parametrize("exchange", sorted(CANCELS_BY_CLIENT_ID))
def test_a_cancel_racing_the_fill_never_undoes_it(net, exchange):
    """A cancel by client order id lands before the order (unknown) or after its fill (the rest is cancelled).

    Coinbase is left out: it cancels by order id only, which a client cannot know before the answer.
    """
    qty, price = PARTIAL_FILL
    for n in range(RACE_ROUNDS):
        (placer, canceller), account = clients_on_one_account(net, exchange, 2)
        with start_line(net, exchange, 2):
            placed, cancel = run_together(lambda: placer.place("SELL", "LIMIT", qty, price, f"part{n}"),
                                          lambda: canceller.cancel(client_id=f"part{n}"))
        assert placed.outcome == "ok" and cancel.outcome in ("ok", "unknown"), (placed, cancel)
        MEASURED[f"cancel_vs_partial_fill_{cancel.outcome}"] += 1
        MEASURED["race_requests"] += 4
        row = db_order(net, placed.ledger_id)
        assert Decimal(row["executed_qty"]) == Decimal("0.75")  # the fill stands either way
        assert row["status"] == ("CANCELED" if cancel.outcome == "ok" else "PARTIALLY_FILLED"), (cancel, row)
        if cancel.outcome == "unknown":
            assert canceller.cancel(client_id=f"part{n}").outcome == "ok"
        # A market order fills completely as it is placed: a racing cancel can only miss it.
        with start_line(net, exchange, 2):
            placed, cancel = run_together(lambda: placer.place("SELL", "MARKET", QTY, None, f"mkt{n}"),
                                          lambda: canceller.cancel(client_id=f"mkt{n}"))
        assert (placed.outcome, cancel.outcome) == ("ok", "unknown"), (placed, cancel)
        assert db_order(net, placed.ledger_id)["status"] == "FILLED"
        assert_ledger_consistent(net, account)
        close_all([placer, canceller])


@pytest.mark.parametrize("exchange", EXCHANGES)
@pytest.mark.parametrize("order", LAST_FUNDS, ids=("resting", "filled"))
def test_orders_for_the_last_funds_exactly_one_succeeds(net, exchange, order):
    """Each account holds 10000 USDT; every contender wants about 6000 of it at the same moment."""
    for n in range(RACE_ROUNDS):
        clients, account = clients_on_one_account(net, exchange)
        with start_line(net, exchange, CONTENDERS):
            answers = run_together(*[lambda c=c, i=i: c.place(*order, f"last{n}c{i}") for i, c in enumerate(clients)])
        MEASURED["race_requests"] += CONTENDERS
        assert sorted(x.outcome for x in answers) == ["insufficient"] * (CONTENDERS - 1) + ["ok"], answers
        assert len(account_orders(net, account)) == 1
        assert_ledger_consistent(net, account)  # and so no balance below zero
        close_all(clients)


@pytest.mark.parametrize("exchange", EXCHANGES)
@pytest.mark.parametrize("kind", ("LIMIT", "MARKET"))
def test_one_client_order_id_sent_at_once_by_several_clients(net, exchange, kind):
    """One order results. The others are refused as duplicates, except on Coinbase, which answers each
    with the order it made; a filled order's id is free again on Binance, OKX and Kraken."""
    order = ("BUY", kind, QTY * 10, Decimal("50000") if kind == "LIMIT" else None)  # a LIMIT rests, a MARKET fills
    for n in range(RACE_ROUNDS):
        clients, account = clients_on_one_account(net, exchange)
        with start_line(net, exchange, CONTENDERS):
            answers = run_together(*[lambda c=c: c.place(*order, f"twice{n}") for c in clients])
        MEASURED["race_requests"] += CONTENDERS
        rows = account_orders(net, account)
        if kind == "MARKET" and exchange in REPEATABLE_AFTER_FILL:
            assert [x.outcome for x in answers] == ["ok"] * CONTENDERS and len(rows) == CONTENDERS
        elif exchange == "coinbase":
            assert [x.outcome for x in answers] == ["ok"] * CONTENDERS, answers
            assert len(rows) == 1 and {x.ledger_id for x in answers} == {rows[0]["id"]}
        else:
            assert sorted(x.outcome for x in answers) == ["duplicate"] * (CONTENDERS - 1) + ["ok"], answers
            assert len(rows) == 1
        assert_ledger_consistent(net, account)
        close_all(clients)
