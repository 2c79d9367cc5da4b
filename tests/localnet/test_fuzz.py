"""Fuzzing every localnet port (the five exchanges and the key-management page) with hostile requests.

Three runs per port, all bounded (counts below, multiplied by KEYLAB_SOAK in `make soak`):

- unsigned: random routes, wrong methods, path tricks, duplicate and mis-encoded parameters, NaN and
  overflowing numbers, broken or deeply nested JSON, wrong content types, odd header bytes;
- signed: the same hostility in the parameters of requests signed with a valid key, so that it
  reaches the parameter parsers and the trading code behind authentication;
- raw socket: bytes httpx refuses to send (broken request lines, lying Content-Length, endless
  chunked bodies, half-sent requests).

The property, for every answer: no 5xx, no stack trace, not the exchange's own "internal error",
and every error in that exchange's own shape (tests/localnet/fuzzing.py says which, and why);
nothing logged as an error by localnet or uvicorn; and the port still answers afterwards.
"""

from __future__ import annotations

import logging
import re
import socket
from collections import Counter
from urllib.parse import urlsplit

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from localnet.client import start
from localnet.exchanges.coinbase import ids as coinbase_ids
from localnet.exchanges.coinbase.app import PATTERNS as COINBASE_PATTERNS
from tests.localnet import fuzzing
from tests.localnet.coinbase_support import Coinbase
from tests.localnet.fuzzing import PORTS, Answer, Request
from tests.localnet.manage_support import Manage
from tests.soak import scaled

UNSIGNED_PER_PORT = scaled(60)  # hostile unsigned requests per port (hypothesis examples)
SIGNED_PER_PORT = scaled(60)  # hostile requests signed with a valid key, per port
SIGNED_PORTS = PORTS  # manage's "signed" requests carry its Origin + CSRF token instead of a signature
UNLIMITED = dict(weight_limit=10**9, ban_after=10**9, rate_limit=10**6, public_rate_limit=10**6)
SAMPLE_ORDER_ID = "11111111-1111-4111-8111-111111111111"

sent: Counter[str] = Counter()  # requests sent per port by this module (the figure on the testing page)


class ErrorLog(logging.Handler):
    """Collects ERROR records from localnet, uvicorn and asyncio while the fuzz runs."""

    LOGGERS = ("localnet", "uvicorn", "asyncio")

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def take(self) -> list[str]:
        out = [f"{r.name}: {r.getMessage()}" + (f" ({r.exc_info[1]!r})" if r.exc_info else "") for r in self.records]
        self.records.clear()
        return out


class Fuzz:
    """The fuzzed localnet: a client per port that counts what it sends, routes, keys."""

    def __init__(self, net) -> None:
        self.net = net
        self.clients = {port: httpx.Client(base_url=net.url(port), timeout=30,
                                           event_hooks={"request": [self._counter(port)]}) for port in PORTS}
        self.keys: dict[str, dict] = {}

    @staticmethod
    def _counter(port: str):
        def count(request: httpx.Request) -> None:
            sent[port] += 1
        return count

    def app(self, port: str):
        return next(s for s in self.net._servers if s.name == port).app

    def routes(self, port: str, private: bool = False) -> list[tuple[str, str]]:
        """(method, path) of every route; path parameters filled with plausible values."""
        if port == "manage":
            table = [(m, r.path.replace("{key_id}", "1").replace("{name}", "manage.js"))
                     for r in self.app(port).app.routes for m in sorted(r.methods) if m != "HEAD"]
            return [(m, p) for m, p in table if not private or p.startswith("/api/")]
        table = [(m, p, route.permission) for (m, p), route in self.app(port).routes.items()]
        if port == "coinbase":
            account = coinbase_ids.account_uuid(self.key("coinbase")["account_id"], "BTC")  # the fuzz key's wallet
            sample = {"product_id": "BTC-USD", "account_uuid": account, "account_id": account,
                      "order_id": SAMPLE_ORDER_ID}
            for (m, pattern), route in COINBASE_PATTERNS.items():
                path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda g: sample[g.group(1)], pattern.pattern)
                table.append((m, path, route.permission))
        return [(m, p) for m, p, permission in table if not private or permission is not None]

    def send(self, port: str, r: Request) -> Answer:
        response = self.clients[port].request(r.method, r.target, content=r.body, headers=r.headers)
        return Answer.of(response)

    def ping(self, port: str) -> None:
        response = self.clients[port].get(fuzzing.PING[port])
        assert response.status_code == 200, response.text

    def key(self, port: str) -> dict:
        if port not in self.keys:
            extra = {"type": "ed25519"} if port == "coinbase" else {}
            self.keys[port] = self.net.create_key(port, permissions=("read", "trade", "withdraw"), ips=("127.0.0.1",),
                                                 **extra)
        return self.keys[port]

    def close(self) -> None:
        for client in self.clients.values():
            client.close()


@pytest.fixture(scope="module")
def fuzz():
    """A localnet of its own with rate limits out of the way, so that the fuzz reaches the parsers."""
    errors = ErrorLog()
    for name in ErrorLog.LOGGERS:
        logging.getLogger(name).addHandler(errors)
    with start(**UNLIMITED) as net:
        f = Fuzz(net)
        f.errors = errors
        yield f
        f.close()
    for name in ErrorLog.LOGGERS:
        logging.getLogger(name).removeHandler(errors)


@pytest.fixture(autouse=True)
def fresh_error_log(fuzz):
    """Each test answers for the errors logged while it ran, not for an earlier test's."""
    fuzz.errors.take()


def fuzz_settings(examples: int) -> settings:
    """Exactly `examples` requests; generation may be slow on a loaded machine (the server is in-process)."""
    return settings(max_examples=examples, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def assert_quiet(fuzz: Fuzz) -> None:
    assert fuzz.errors.take() == [], "localnet or uvicorn logged errors during the fuzz"


# ---- hypothesis: unsigned ----------------------------------------------------------------------------

@pytest.mark.parametrize("port", PORTS)
def test_hostile_unsigned_requests_get_the_exchanges_own_errors(fuzz, port):
    routes = fuzz.routes(port)

    @fuzz_settings(UNSIGNED_PER_PORT)
    @given(r=fuzzing.requests(port, routes))
    def property_(r: Request) -> None:
        fuzzing.check_answer(port, fuzz.send(port, r))

    property_()
    fuzz.ping(port)
    assert_quiet(fuzz)


# ---- hypothesis: signed ------------------------------------------------------------------------------

def signer(fuzz: Fuzz, port: str):
    """A function that makes a request pass this port's authentication (a valid key, hostile params)."""
    key = fuzz.key(port) if port != "manage" else None
    if port == "binance":
        return lambda r: fuzzing.sign_binance(key, r)
    if port == "bybit":
        return lambda r: fuzzing.sign_bybit(key, r)
    if port == "okx":
        return lambda r: fuzzing.sign_okx(key, r)
    if port == "kraken":
        return lambda r: fuzzing.sign_kraken(key, r)
    if port == "coinbase":
        client = Coinbase(fuzz.net.url("coinbase"), key)
        return lambda r: fuzzing.sign_coinbase(client, r)
    page = Manage(fuzz.net.url("manage"))
    fuzz.clients["manage"].cookies = page.http.cookies
    return lambda r: fuzzing.Request(r.method, r.path, r.query, r.body, {**r.headers, **page.headers()})


@pytest.mark.parametrize("port", SIGNED_PORTS)
def test_hostile_parameters_behind_valid_authentication_get_the_exchanges_own_errors(fuzz, port):
    routes = fuzz.routes(port, private=True)
    sign = signer(fuzz, port)

    @fuzz_settings(SIGNED_PER_PORT)
    @given(r=fuzzing.signed_requests(port, routes))
    def property_(r: Request) -> None:
        fuzzing.check_answer(port, fuzz.send(port, sign(r)))

    property_()
    fuzz.ping(port)
    assert_quiet(fuzz)


# ---- regressions the fuzz found ----------------------------------------------------------------------

# JSON nested deeper than Python's parser recurses raised RecursionError (no ValueError), which became
# Binance's -1000 "unknown error" (exchangeInfo's symbols=[...]) and Bybit's 10016 "Internal System
# Error" (any POST body). Each port must answer it as the bad input it is: (HTTP status, error code).
DEEP_JSON = {
    "binance": (Request("GET", "/api/v3/exchangeInfo", "symbols=" + "%5B" * 3000), (400, -1100)),
    "bybit": (Request("POST", "/v5/order/create", body=fuzzing.deep_nesting(10_000, "[")), (200, 10001)),
    "okx": (Request("POST", "/api/v5/trade/batch-orders", body=fuzzing.deep_nesting(10_000, "[")), (400, "50002")),
    "kraken": (Request("POST", "/0/private/AddOrder", body=fuzzing.deep_nesting(10_000, "{")),
               (200, ["EGeneral:Invalid arguments"])),
    "coinbase": (Request("POST", "/api/v3/brokerage/orders", body=fuzzing.deep_nesting(10_000, "[")),
                 (400, "INVALID_ARGUMENT")),
    "manage": (Request("POST", "/api/keys", body=fuzzing.deep_nesting(10_000, "[")), (400, "bad_json")),
}
ERROR_CODE = {"binance": "code", "bybit": "retCode", "okx": "code", "kraken": "error", "coinbase": "error",
              "manage": "error"}


@pytest.mark.parametrize("port", PORTS)
def test_json_nested_deeper_than_the_parser_goes_is_bad_input_not_an_internal_error(fuzz, port):
    request, expected = DEEP_JSON[port]
    if port != "binance":  # Binance parses exchangeInfo's symbols before (and without) any key
        request = signer(fuzz, port)(request)
    answer = fuzz.send(port, request)
    fuzzing.check_answer(port, answer)
    assert (answer.status, answer.json()[ERROR_CODE[port]]) == expected, answer.body
    assert_quiet(fuzz)
