"""Rate limits hold under parallel load, on every exchange.

HAMMER_THREADS clients send REQUESTS_PER_THREAD requests each, all at once, at a limit of LIMIT per
window. Each exchange's limiter runs on a frozen clock the test sets (a fresh window per test), so no
real window boundary can fall inside a burst: exactly LIMIT requests are accepted, every other one
gets the exchange's own rate-limit answer, and the usage headers each client sees never go
backwards and never pass the limit. Public requests run truly in parallel in the server; signed
ones meet at the database, one transaction at a time, after their limiter has counted them.
"""

from __future__ import annotations

from collections import Counter
from typing import Callable

import httpx
import pytest

from localnet.client import start
from localnet.core.ratelimit import WeightLimiter
from localnet.exchanges.kraken.counter import CallCounter
from tests.localnet.bybit_support import Bybit
from tests.localnet.coinbase_support import V3, Coinbase, new_key
from tests.localnet.kraken_support import Kraken
from tests.localnet.okx_support import Okx
from tests.localnet.support import Binance
from tests.localnet.threads import run_together
from tests.soak import scaled

HAMMER_THREADS = 8  # clients sending at the same time in each burst
REQUESTS_PER_THREAD = scaled(12)  # requests each client sends in a burst
LIMIT = 40  # requests (Binance: weight) per window, on every exchange
BAN_AFTER = 5  # Binance: 429s before the IP is banned (418)
BAN_S = 120
FIRST_WINDOW = 1_800_000_030.5  # 30.5 s into a minute, 0.5 s into a second and a 2-second window
MEASURED: Counter = Counter()  # accepted and refused requests per exchange, for the report (pytest -s)


class FrozenClock:
    """The limiters' clock: stands still unless the test moves it."""

    def __init__(self, t: float) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


@pytest.fixture(scope="module")
def limited():
    """A localnet with LIMIT on every exchange and every limiter on one frozen clock."""
    clock = FrozenClock(FIRST_WINDOW)
    with start(weight_limit=LIMIT, ban_after=BAN_AFTER, ban_s=BAN_S, rate_limit=LIMIT, public_rate_limit=LIMIT,
               rate_decay_per_s=0) as net:
        apps = {name: app_of(net, name) for name in net.exchange_urls}
        apps["binance"].limiter.now = clock
        apps["bybit"].limiter.now = clock
        for limiter in apps["okx"].limiters.values():
            limiter.now = clock
        apps["coinbase"].private_limiter.now = apps["coinbase"].public_limiter.now = clock
        yield net, clock


@pytest.fixture
def net(limited):
    """The limited localnet, its clock moved to a window (and past any ban) no other test has used."""
    running, clock = limited
    clock.t += 3600
    return running


def app_of(net, exchange: str):
    return next(s.app for s in net._servers if s.name == exchange)


def burst(senders: list[Callable[[], httpx.Response]]) -> list[list[httpx.Response]]:
    """Each sender in its own thread, all released together, REQUESTS_PER_THREAD times; their answers, in order."""
    return run_together(*[lambda send=send: [send() for _ in range(REQUESTS_PER_THREAD)] for send in senders])


def flat(answers: list[list[httpx.Response]]) -> list[httpx.Response]:
    return [r for thread in answers for r in thread]


def never_up(values: list[int]) -> bool:
    return all(a >= b for a, b in zip(values, values[1:]))


def never_down(values: list[int]) -> bool:
    return all(a <= b for a, b in zip(values, values[1:]))


def measure(exchange: str, accepted: int, refused: int) -> None:
    MEASURED[f"{exchange}_accepted"] += accepted
    MEASURED[f"{exchange}_refused"] += refused
    print(f"\n{exchange}: {accepted} accepted, {refused} refused", dict(MEASURED))


# ---- Binance: request weight per IP per minute, 429 then 418 ----------------------------------------

def test_binance_weight_holds_then_bans(net):
    clients = [Binance(net.url("binance")) for _ in range(HAMMER_THREADS)]
    answers = burst([lambda c=c: c.public("/api/v3/ping") for c in clients])  # weight 1 each
    everything = flat(answers)
    statuses = Counter(r.status_code for r in everything)
    assert statuses == {200: LIMIT, 429: BAN_AFTER, 418: len(everything) - LIMIT - BAN_AFTER}, statuses
    now = app_of(net, "binance").limiter.now()
    for r in everything:
        if r.status_code == 429:
            assert r.json() == {"code": -1003, "msg": f"Too much request weight used; current limit is {LIMIT} "
                                "request weight per 1 MINUTE. Please use WebSocket Streams for live updates to "
                                "avoid polling the API."}
            assert r.headers["Retry-After"] == "30"
        elif r.status_code == 418:
            until = int((now + BAN_S) * 1000)
            assert r.json() == {"code": -1003, "msg": f"Way too much request weight used; IP banned until {until}. "
                                "Please use WebSocket Streams for live updates to avoid bans."}
            assert r.headers["Retry-After"] == str(BAN_S)
    for thread in answers:  # what each client saw, in the order it saw it
        used = [int(r.headers["X-MBX-USED-WEIGHT-1M"]) for r in thread]
        assert never_down(used) and max(used) <= LIMIT, used
        assert all(r.headers["X-MBX-USED-WEIGHT"] == r.headers["X-MBX-USED-WEIGHT-1M"] for r in thread)
    measure("binance", statuses[200], statuses[429] + statuses[418])
    for c in clients:
        c.close()


def test_binance_mixed_weights_never_pass_the_limit(net):
    """Pings (1), exchangeInfo (20) and signed account reads (20): what was accepted adds up to what was counted."""
    key = net.create_key("binance", permissions=("read",))
    clients = [Binance(net.url("binance"), key) for _ in range(HAMMER_THREADS)]
    senders = []
    for i, c in enumerate(clients):
        senders.append([lambda c=c: c.public("/api/v3/ping"), lambda c=c: c.public("/api/v3/exchangeInfo"),
                        lambda c=c: c.signed("GET", "/api/v3/account")][i % 3])
    weights = {"/api/v3/ping": 1, "/api/v3/exchangeInfo": 20, "/api/v3/account": 20}
    everything = flat(burst(senders))
    accepted = sum(weights[r.request.url.path] for r in everything if r.status_code == 200)
    limiter = app_of(net, "binance").limiter
    assert accepted == limiter.used("127.0.0.1") and LIMIT - 20 < accepted <= LIMIT
    assert Counter(r.status_code for r in everything)[429] == BAN_AFTER
    assert all(int(r.headers["X-MBX-USED-WEIGHT-1M"]) <= LIMIT for r in everything)
    for c in clients:
        c.close()


# ---- Bybit: requests per second per UID and endpoint, retCode 10006 ---------------------------------

def test_bybit_uid_limit_is_shared_by_the_accounts_keys(net):
    first = net.create_key("bybit")
    keys = [first] + [net.create_key("bybit", account_id=first["account_id"]) for _ in range(HAMMER_THREADS - 1)]
    clients = [Bybit(net.url("bybit"), key) for key in keys]
    answers = burst([lambda c=c: c.get("/v5/account/wallet-balance", "accountType=UNIFIED") for c in clients])
    everything = flat(answers)
    codes = Counter(r.json()["retCode"] for r in everything)
    assert codes == {0: LIMIT, 10006: len(everything) - LIMIT}, codes
    reset = str((int(app_of(net, "bybit").limiter.now()) + 1) * 1000)
    for r in everything:
        assert r.status_code == 200 and r.headers["X-Bapi-Limit"] == str(LIMIT)
        if r.json()["retCode"] == 10006:
            assert r.json()["retMsg"] == "Too many visits. Exceeded the API Rate Limit."
            assert (r.headers["X-Bapi-Limit-Status"], r.headers["X-Bapi-Limit-Reset-Timestamp"]) == ("0", reset)
    for thread in answers:
        assert never_up([int(r.headers["X-Bapi-Limit-Status"]) for r in thread])
    assert clients[0].get("/v5/account/info").json()["retCode"] == 0  # another endpoint: its own count
    other = Bybit(net.url("bybit"), net.create_key("bybit"))
    assert other.get("/v5/account/wallet-balance", "accountType=UNIFIED").json()["retCode"] == 0  # another UID
    measure("bybit", codes[0], codes[10006])
    for c in clients + [other]:
        c.close()


# ---- OKX: requests per 2 s per endpoint, per key (private) or IP (public), 50011 -----------------

@pytest.mark.parametrize("kind", ("private", "public"))
def test_okx_limit_per_key_and_per_ip(net, kind):
    key = net.create_key("okx")
    clients = [Okx(net.url("okx"), key) for _ in range(HAMMER_THREADS)]  # one key: one count
    if kind == "private":
        senders = [lambda c=c: c.get("/api/v5/account/balance") for c in clients]
    else:
        senders = [lambda c=c: c.public("/api/v5/market/tickers", instType="SPOT") for c in clients]
    everything = flat(burst(senders))
    statuses = Counter(r.status_code for r in everything)
    assert statuses == {200: LIMIT, 429: len(everything) - LIMIT}, statuses
    assert all(r.json()["code"] == "0" for r in everything if r.status_code == 200)
    assert all(r.json() == {"code": "50011", "msg": "Too Many Requests", "data": []}
               for r in everything if r.status_code == 429)
    measure(f"okx_{kind}", statuses[200], statuses[429])
    for c in clients:
        c.close()


# ---- Kraken: the per-key call counter, EAPI:Rate limit exceeded -------------------------------------

def test_kraken_counter_counts_every_call_once(net):
    """One key in every thread: exactly LIMIT calls get past the counter. Some of those may then be
    refused for a nonce overtaken by another thread's (Kraken wants each key's nonces to rise)."""
    key = net.create_key("kraken", permissions=("read",))
    clients = [Kraken(net.url("kraken"), key) for _ in range(HAMMER_THREADS)]
    everything = flat(burst([lambda c=c: c.private("Balance") for c in clients]))
    errors = Counter(tuple(r.json()["error"]) for r in everything)
    limited = errors.pop(("EAPI:Rate limit exceeded",), 0)
    assert limited == len(everything) - LIMIT, errors
    assert set(errors) <= {(), ("EAPI:Invalid nonce",)} and errors[()] > 0, errors
    assert all(r.status_code == 200 for r in everything)
    other = Kraken(net.url("kraken"), net.create_key("kraken", permissions=("read",)))
    assert other.private("Balance").json()["error"] == []  # another key: its own counter
    measure("kraken", LIMIT, limited)
    for c in clients + [other]:
        c.close()


# ---- Coinbase: requests per second per user (private) or IP (public), 429 RESOURCE_EXHAUSTED -------

@pytest.mark.parametrize("kind", ("private", "public"))
def test_coinbase_limit_per_user_and_per_ip(net, kind):
    first = new_key(net)
    keys = [first] + [net.create_key("coinbase", type="ed25519", account_id=first["account_id"])
                      for _ in range(HAMMER_THREADS - 1)]
    clients = [Coinbase(net.url("coinbase"), key) for key in keys]  # one user, several keys
    path = f"{V3}/accounts" if kind == "private" else f"{V3}/market/products"
    senders = [lambda c=c: c.get(path) if kind == "private" else c.http.get(path) for c in clients]
    answers = burst(senders)
    everything = flat(answers)
    statuses = Counter(r.status_code for r in everything)
    assert statuses == {200: LIMIT, 429: len(everything) - LIMIT}, statuses
    for r in everything:
        assert r.headers["x-ratelimit-limit"] == str(LIMIT)
        if r.status_code == 429:
            assert r.json() == {"error": "RESOURCE_EXHAUSTED", "error_details": "Too many requests",
                                "message": "Too many requests"}
            assert r.headers["x-ratelimit-remaining"] == "0"
    for thread in answers:
        assert never_up([int(r.headers["x-ratelimit-remaining"]) for r in thread])
    measure(f"coinbase_{kind}", statuses[200], statuses[429])
    for c in clients:
        c.close()


# ---- the limiters' clocks ---------------------------------------------------------------------------

def test_a_stale_clock_reading_never_reopens_an_old_window():
    """A thread that read the time before another opened a new window (or a clock stepping back) used
    to reset the full bucket to the old window and let a whole window's worth through again."""
    clock = FrozenClock(FIRST_WINDOW + 60)
    limiter = WeightLimiter(limit=3, interval_s=60, ban_after=None, now=clock)
    assert all(limiter.charge("1.2.3.4", 1).allowed for _ in range(3))
    clock.t = FIRST_WINDOW  # the minute before
    assert not limiter.charge("1.2.3.4", 1).allowed
    assert limiter.used("1.2.3.4") == 3
    clock.t = FIRST_WINDOW + 60
    assert not limiter.charge("1.2.3.4", 1).allowed and limiter.used("1.2.3.4") == 3
    clock.t = FIRST_WINDOW + 120  # the next minute opens as usual
    assert limiter.charge("1.2.3.4", 1).used == 1


def test_a_stale_clock_reading_never_inflates_krakens_counter():
    clock = FrozenClock(10.0)
    counter = CallCounter(maximum=2, decay_per_s=1.0, now=clock)
    assert counter.charge(7, 1)
    clock.t = 5.0  # read before the last call: no time has passed for the counter, none goes back
    assert counter.charge(7, 1)
    assert not counter.charge(7, 1)
    clock.t = 11.0
    assert counter.level(7) == 1.0
