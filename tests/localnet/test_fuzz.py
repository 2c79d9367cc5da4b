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

import asyncio
import json
import logging
import re
import socket
from collections import Counter
from urllib.parse import urlsplit

import httpx
import pytest
from hypothesis import HealthCheck, given, settings

from localnet.client import start
from localnet.exchanges.coinbase import ids as coinbase_ids
from localnet.exchanges.coinbase.app import PATTERNS as COINBASE_PATTERNS
from localnet.manage.security import cookie_name
from tests.localnet import fuzzing
from tests.localnet.coinbase_support import Coinbase
from tests.localnet.fuzzing import PORTS, Answer, Request
from tests.localnet.manage_support import Manage
from tests.localnet.threads import run_together
from tests.soak import scaled

UNSIGNED_PER_PORT = scaled(100)  # hostile unsigned requests per port (hypothesis examples)
SIGNED_PER_PORT = scaled(100)  # hostile requests signed with a valid key, per port
UNLIMITED = dict(weight_limit=10**9, ban_after=10**9, rate_limit=10**6, public_rate_limit=10**6)
SAMPLE_ORDER_ID = "11111111-1111-4111-8111-111111111111"

sent: Counter[str] = Counter()  # every request this module sent, per port (pings and fixed cases too)
hostile: Counter[str] = Counter()  # the fuzzed ones: hypothesis examples and raw-socket cases


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

    def __init__(self, net, errors: ErrorLog) -> None:
        self.net = net
        self.errors = errors
        self.clients = {port: httpx.Client(base_url=net.url(port), timeout=30,
                                           event_hooks={"request": [self._counter(port)]}) for port in PORTS}
        self.keys: dict[str, dict] = {}
        self.adopted: list = []

    def adopt(self, client):
        """Close `client` (anything with close()) with the fuzz's own clients."""
        self.adopted.append(client)
        return client

    @staticmethod
    def _counter(port: str):
        def count(request: httpx.Request) -> None:
            sent[port] += 1
        return count

    def app(self, port: str):
        return next(s for s in self.net._servers if s.name == port).app

    def routes(self, port: str, private: bool = False) -> list[tuple[str, str]]:
        """(method, path) of every route; path parameters filled with plausible values."""
        if port == "manage":  # revoke and rotate aim at a key of their own, not at another test's
            spare = str(self.key("manage")["id"])
            table = [(m, r.path.replace("{key_id}", spare).replace("{name}", "manage.js"))
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
        """The fuzz's key for an exchange (every permission); for "manage", a Binance key it may revoke."""
        if port not in self.keys:
            exchange = "binance" if port == "manage" else port
            extra = {"type": "ed25519"} if port == "coinbase" else {}
            self.keys[port] = self.net.create_key(exchange, permissions=("read", "trade", "withdraw"),
                                                 ips=("127.0.0.1",), **extra)
        return self.keys[port]

    def close(self) -> None:
        for client in [*self.clients.values(), *self.adopted]:
            client.close()


@pytest.fixture(scope="module")
def fuzz():
    """A localnet of its own with rate limits out of the way, so that the fuzz reaches the parsers."""
    errors = ErrorLog()
    with start(**UNLIMITED) as net:  # uvicorn configures its loggers as it starts: listen after that
        for name in ErrorLog.LOGGERS:
            logging.getLogger(name).addHandler(errors)
        f = Fuzz(net, errors)
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


# ---- every route, plainly --------------------------------------------------------------------------------

@pytest.mark.parametrize("port", PORTS)
def test_every_route_answers_a_bare_request_in_its_own_shape(fuzz, port):
    """Each route once with no parameters, no key and no body: a success or the port's own error."""
    for method, path in fuzz.routes(port):
        fuzzing.check_answer(port, fuzz.send(port, Request(method, path)))
    assert_quiet(fuzz)


# ---- hypothesis: unsigned ----------------------------------------------------------------------------

@pytest.mark.parametrize("port", PORTS)
def test_hostile_unsigned_requests_get_the_exchanges_own_errors(fuzz, port):
    routes = fuzz.routes(port)

    @fuzz_settings(UNSIGNED_PER_PORT)
    @given(r=fuzzing.requests(port, routes))
    def property_(r: Request) -> None:
        hostile[port] += 1
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
        client = fuzz.adopt(Coinbase(fuzz.net.url("coinbase"), key))
        return lambda r: fuzzing.sign_coinbase(client, r)
    page = fuzz.adopt(Manage(fuzz.net.url("manage")))
    proof = {**page.headers(), "Cookie": f"{cookie_name(urlsplit(page.base).port)}={page.token}"}
    return lambda r: fuzzing.Request(r.method, r.path, r.query, r.body, {**r.headers, **proof})


@pytest.mark.parametrize("port", PORTS)  # the key page's "signature": its Origin, CSRF token and cookie
def test_hostile_parameters_behind_valid_authentication_get_the_exchanges_own_errors(fuzz, port):
    routes = fuzz.routes(port, private=True)
    sign = signer(fuzz, port)

    @fuzz_settings(SIGNED_PER_PORT)
    @given(r=fuzzing.signed_requests(port, routes))
    def property_(r: Request) -> None:
        hostile[port] += 1
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


# ---- raw sockets: what httpx will not send ---------------------------------------------------------------

POST_ROUTE = {"binance": "/api/v3/order", "bybit": "/v5/order/create", "okx": "/api/v5/trade/order",
              "kraken": "/0/private/AddOrder", "coinbase": "/api/v3/brokerage/orders", "manage": "/api/keys"}
CLOSE = b"Connection: close\r\n"
GET_HEAD = b"GET {g} HTTP/1.1\r\nHost: {h}\r\n" + CLOSE
POST_HEAD = b"POST {p} HTTP/1.1\r\nHost: {h}\r\n" + CLOSE
# Complete messages: the server answers (4xx, or 200 where the request is in fact fine) or closes.
RAW_CASES = {
    "garbage": b"GARBAGE\r\n\r\n",
    "no target": b"GET\r\n\r\n",
    "binary": bytes(range(256)) + b"\r\n\r\n",
    "HTTP/9.9": b"GET {g} HTTP/9.9\r\nHost: {h}\r\n" + CLOSE + b"\r\n",
    "HTTP/1.0 without Host": b"GET {g} HTTP/1.0\r\n\r\n",
    "HTTP/1.1 without Host": b"GET {g} HTTP/1.1\r\n" + CLOSE + b"\r\n",
    "two Hosts": GET_HEAD + b"Host: evil.example\r\n\r\n",
    "raw bytes in target": b"GET /\xff\xfe HTTP/1.1\r\nHost: {h}\r\n" + CLOSE + b"\r\n",
    "NUL and bad escapes in target": b"GET {g}/%ff%fe%00%zz HTTP/1.1\r\nHost: {h}\r\n" + CLOSE + b"\r\n",
    "dot segments": b"GET /../../{g}/./../etc/passwd HTTP/1.1\r\nHost: {h}\r\n" + CLOSE + b"\r\n",
    "lower-case method": b"get {g} HTTP/1.1\r\nHost: {h}\r\n" + CLOSE + b"\r\n",
    "NUL in method": b"G\x00T {g} HTTP/1.1\r\nHost: {h}\r\n" + CLOSE + b"\r\n",
    "absolute-form target": b"GET http://evil.example{g} HTTP/1.1\r\nHost: {h}\r\n" + CLOSE + b"\r\n",
    "CONNECT": b"CONNECT {h} HTTP/1.1\r\nHost: {h}\r\n" + CLOSE + b"\r\n",
    "OPTIONS *": b"OPTIONS * HTTP/1.1\r\nHost: {h}\r\n" + CLOSE + b"\r\n",
    "NUL in header name": GET_HEAD + b"X\x00Y: 1\r\n\r\n",
    "space in header name": GET_HEAD + b"X Y: 1\r\n\r\n",
    "high bytes header name": GET_HEAD + b"\xff\xfe: 1\r\n\r\n",
    "control bytes in value": GET_HEAD + b"X: \x01\x02\x1b\r\n\r\n",
    "empty header name": GET_HEAD + b": value\r\n\r\n",
    "header without colon": GET_HEAD + b"NoColonHere\r\n\r\n",
    "folded header": GET_HEAD + b"X: a\r\n folded\r\n\r\n",
    "100 KB header": GET_HEAD + b"X-Big: " + b"a" * 100_000 + b"\r\n\r\n",
    "10k headers": GET_HEAD + b"".join(b"X-%d: v\r\n" % i for i in range(10_000)) + b"\r\n",
    "20 KB target": b"GET {g}?" + b"a=1&" * 5_000 + b" HTTP/1.1\r\nHost: {h}\r\n" + CLOSE + b"\r\n",
    "Content-Length -1": POST_HEAD + b"Content-Length: -1\r\n\r\nabc",
    "Content-Length abc": POST_HEAD + b"Content-Length: abc\r\n\r\nabc",
    "Content-Length 5, 6": POST_HEAD + b"Content-Length: 5, 6\r\n\r\nhello!",
    "two Content-Lengths": POST_HEAD + b"Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
    "same Content-Length twice": POST_HEAD + b"Content-Length: 5\r\nContent-Length: 5\r\n\r\nhello",
    "5000-digit Content-Length": POST_HEAD + b"Content-Length: " + b"9" * 5_000 + b"\r\n\r\nabc",
    "Content-Length 10**20": POST_HEAD + b"Content-Length: 100000000000000000000\r\n\r\nabc",
    "Content-Length 10 GB, Expect 100-continue": POST_HEAD + b"Content-Length: 10000000000\r\n"
                                                b"Expect: 100-continue\r\n\r\n",
    "Content-Length smaller than body": POST_HEAD + b"Content-Length: 2\r\n\r\n{}GARBAGE / HTTP/1.1\r\n\r\n",
    "Content-Length and chunked": POST_HEAD + b"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
                                  b"5\r\nhello\r\n0\r\n\r\n",
    "Transfer-Encoding gzip": POST_HEAD + b"Transfer-Encoding: gzip\r\n\r\nabc",
    "bad chunk size": POST_HEAD + b"Transfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n",
    "chunk extension junk": POST_HEAD + b"Transfer-Encoding: chunked\r\n\r\n5;\xff=\x01\r\nhello\r\n0\r\n\r\n",
    "small chunked body": POST_HEAD + b"Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
    "chunked body over the limit": POST_HEAD + b"Transfer-Encoding: chunked\r\n\r\n"
                                   + b"400\r\n" + b"a" * 1024 + b"\r\n" * 1 + (b"400\r\n" + b"a" * 1024 + b"\r\n") * 99
                                   + b"0\r\n\r\n",
    "pipelined": b"GET {g} HTTP/1.1\r\nHost: {h}\r\n\r\nGET {g} HTTP/1.1\r\nHost: {h}\r\n" + CLOSE + b"\r\n",
    # localnet speaks no WebSocket: the handshake is answered as the plain GET it also is, never 101
    "websocket upgrade": b"GET {g} HTTP/1.1\r\nHost: {h}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                         b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                         + CLOSE + b"\r\n",
    "h2c upgrade": GET_HEAD + b"Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n",
    "HTTP/2 preface": b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
    "TLS hello": b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\x00" * 64,
}
# Messages that never complete: the slow client holds its connection while others are served,
# then leaves; the server may answer (4xx) or wait, and must not fall over either way.
HELD_CASES = {
    "half a request line": b"GET /api",
    "half the headers": b"GET {g} HTTP/1.1\r\nHost: {h}\r\nX-Slow: ",
    "blank lines only": b"\r\n\r\n\r\n",
    "body shorter than Content-Length": POST_HEAD + b"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{}",
    "chunked body that never ends": POST_HEAD + b"Transfer-Encoding: chunked\r\n\r\n" + b"2\r\n{}\r\n" * 20,
}
RAW_TIMEOUT_S = 20.0  # a liveness bound for one raw exchange, far above what an answer takes


def raw_target(net, port: str) -> tuple[str, int]:
    address = urlsplit(net.url(port))
    return address.hostname, address.port


def fill(template: bytes, net, port: str) -> bytes:
    host, number = raw_target(net, port)
    return (template.replace(b"{h}", f"{host}:{number}".encode()).replace(b"{g}", fuzzing.PING[port].encode())
            .replace(b"{p}", POST_ROUTE[port].encode()))


def read_all(sock: socket.socket) -> bytes:
    """Everything until the server closes (every complete raw case ends in Connection: close or a 400)."""
    data = b""
    while True:
        try:
            chunk = sock.recv(65536)
        except ConnectionResetError:
            return data
        if not chunk:
            return data
        data += chunk


def answers(data: bytes, path: str) -> list[Answer]:
    """Every complete HTTP answer in `data`, in order (an interim 100 Continue skipped)."""
    found = []
    while (parsed := fuzzing.parse_raw(data, path=path)) is not None:
        answer, used = parsed
        data = data[used:]
        if answer.status != 100:
            found.append(answer)
    return found


def path_of(message: bytes) -> str:
    parts = message.split(b" ", 2)
    return parts[1].decode("latin-1") if len(parts) > 2 else "/"


@pytest.mark.parametrize("port", PORTS)
def test_raw_malformed_http_gets_a_4xx_or_a_closed_connection(fuzz, port):
    for name, template in RAW_CASES.items():
        message = fill(template, fuzz.net, port)
        with socket.create_connection(raw_target(fuzz.net, port), timeout=RAW_TIMEOUT_S) as sock:
            sent[port] += 1
            hostile[port] += 1
            try:
                sock.sendall(message)
            except (BrokenPipeError, ConnectionResetError):
                pass  # refused while we were still sending: an answer may still be waiting
            data = read_all(sock)
        for answer in answers(data, path_of(message)):
            try:
                fuzzing.check_answer(port, answer, transport_ok=True)
            except AssertionError as exc:
                raise AssertionError(f"raw case {name!r}: {exc}") from None
        fuzz.ping(port)
    assert_quiet(fuzz)


@pytest.mark.parametrize("port", PORTS)
def test_slow_and_abandoned_requests_do_not_stop_the_server(fuzz, port):
    held = []
    for name, template in HELD_CASES.items():
        sock = socket.create_connection(raw_target(fuzz.net, port), timeout=RAW_TIMEOUT_S)
        sock.sendall(fill(template, fuzz.net, port))
        sent[port] += 1
        hostile[port] += 1
        held.append((name, sock))
    fuzz.ping(port)  # served while every slow client still holds its connection
    for name, sock in held:
        sock.setblocking(False)
        try:
            data = sock.recv(65536)
        except BlockingIOError:
            data = b""
        except ConnectionResetError:
            data = b""
        sock.close()
        for answer in answers(data, "/"):
            fuzzing.check_answer(port, answer, transport_ok=True)
    fuzz.ping(port)
    assert_quiet(fuzz)


def run_apart(coroutine) -> None:
    """asyncio.run(coroutine) on a thread of its own: a browser test that ran earlier in this
    worker (Playwright's sync API) may have left an event loop running on this one."""
    run_together(lambda: asyncio.run(coroutine))


def test_a_request_abandoned_before_its_body_arrived_is_not_processed(fuzz):
    """The client says its order is 50 bytes longer than what it sends, then hangs up: half a request
    is no request. (It used to be run on what had arrived: a complete JSON order placed an order for
    a client that saw its request fail.) Driven at the ASGI level, so nothing here depends on timing."""
    key = fuzz.net.create_key("coinbase", type="ed25519", permissions=("read", "trade"))
    host = urlsplit(fuzz.net.url("coinbase")).netloc
    path = "/api/v3/brokerage/orders"
    body = json.dumps({"client_order_id": "abandoned-1", "product_id": "BTC-USD", "side": "BUY",
                       "order_configuration": {"limit_limit_gtc": {"base_size": "0.001", "limit_price": "1000"}}})
    client = fuzz.adopt(Coinbase(fuzz.net.url("coinbase"), key))
    token = client.token("POST", path)
    scope = {"type": "http", "method": "POST", "path": path, "raw_path": path.encode(), "query_string": b"",
             "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 1),
             "headers": [(b"host", host.encode()), (b"authorization", f"Bearer {token}".encode()),
                         (b"content-type", b"application/json"), (b"content-length", b"%d" % (len(body) + 50))]}
    incoming = [{"type": "http.request", "body": body.encode(), "more_body": True}, {"type": "http.disconnect"}]
    answered = []

    async def receive() -> dict:
        return incoming.pop(0)

    async def send(message: dict) -> None:
        answered.append(message)

    run_apart(fuzz.app("coinbase")(scope, receive, send))
    assert answered == []
    assert fuzz.net.activity(key["id"]) == []
    orders = client.get(f"{path}/historical/batch")
    assert orders.status_code == 200 and orders.json()["orders"] == [], orders.text


def test_a_key_request_abandoned_before_its_body_arrived_makes_no_key_and_no_error(fuzz):
    """The management page's side of the same: it used to log a traceback for the disconnect."""
    page = fuzz.adopt(Manage(fuzz.net.url("manage")))
    port = urlsplit(fuzz.net.url("manage")).port
    before = len(page.keys())
    headers = {k.lower(): v for k, v in page.headers().items()}
    headers.update({"host": f"127.0.0.1:{port}", "content-length": "500",
                    "cookie": f"{cookie_name(port)}={page.token}"})
    scope = {"type": "http", "method": "POST", "path": "/api/keys", "raw_path": b"/api/keys", "query_string": b"",
             "root_path": "", "scheme": "http", "http_version": "1.1", "client": ("127.0.0.1", 50000),
             "server": ("127.0.0.1", port), "headers": [(k.encode(), v.encode()) for k, v in headers.items()]}
    incoming = [{"type": "http.request", "body": b'{"exchange": "binance"}', "more_body": True},
                {"type": "http.disconnect"}]
    answered = []

    async def receive() -> dict:
        return incoming.pop(0) if incoming else {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        answered.append(message)

    run_apart(fuzz.app("manage")(scope, receive, send))
    assert [m["status"] for m in answered if m["type"] == "http.response.start"] == [400]
    assert len(page.keys()) == before
    assert_quiet(fuzz)


# Numbers str.isdigit() says yes to and int() cannot read: "²" (a digit to Python, no number), and
# 5000 nines (over int()'s 4300-digit limit). Each was an internal error where a count, an order id or
# a key id is read; now each is the port's own "bad parameter" (or "no such thing") answer.
SUPERSCRIPT_TWO = "%C2%B2"
NUMERALS = [
    ("okx", Request("GET", "/api/v5/trade/orders-pending", f"instType=SPOT&limit={SUPERSCRIPT_TWO}"), (400, "51000")),
    ("okx", Request("GET", "/api/v5/trade/order", f"instId=BTC-USDT&ordId={SUPERSCRIPT_TWO * 19}"), (200, "51603")),
    ("okx", Request("GET", "/api/v5/market/books", f"instId=BTC-USDT&sz={SUPERSCRIPT_TWO}"), (400, "51000")),
    ("bybit", Request("GET", "/v5/order/realtime", f"category=spot&orderId={SUPERSCRIPT_TWO * 19}"), (200, 0)),
    ("coinbase", Request("GET", "/api/v3/brokerage/accounts", f"limit={SUPERSCRIPT_TWO}"), (400, "INVALID_ARGUMENT")),
    ("coinbase", Request("GET", "/api/v3/brokerage/accounts", f"cursor={SUPERSCRIPT_TWO}"), (200, None)),
    ("manage", Request("GET", "/api/activity", "limit=" + "9" * 5000), (400, "bad_limit")),
    ("manage", Request("GET", "/api/activity", "key=" + "9" * 5000), (404, "no_such_key")),
]


@pytest.mark.parametrize("port, request_, expected", NUMERALS, ids=[f"{p}-{r.path}" for p, r, _ in NUMERALS])
def test_numbers_python_cannot_read_are_bad_parameters_not_internal_errors(fuzz, port, request_, expected):
    answer = fuzz.send(port, signer(fuzz, port)(request_))
    fuzzing.check_answer(port, answer)
    assert (answer.status, answer.json().get(ERROR_CODE[port])) == expected, answer.body
    assert_quiet(fuzz)


# ---- the figures ---------------------------------------------------------------------------------------

# Hostile requests per port and in all (the "How KeyLab is tested" page quotes these); scaled in a soak.
FUZZ_REQUESTS_PER_PORT = UNSIGNED_PER_PORT + SIGNED_PER_PORT + len(RAW_CASES) + len(HELD_CASES)
FUZZ_REQUESTS_TOTAL = FUZZ_REQUESTS_PER_PORT * len(PORTS)
FIGURE_TESTS = ("test_hostile_unsigned_requests_get_the_exchanges_own_errors",
                "test_hostile_parameters_behind_valid_authentication_get_the_exchanges_own_errors",
                "test_raw_malformed_http_gets_a_4xx_or_a_closed_connection",
                "test_slow_and_abandoned_requests_do_not_stop_the_server")


def test_the_fuzz_sent_at_least_the_requests_its_figures_claim(request):
    """Runs last: the published figures are what was really sent (when every fuzz test ran)."""
    ran = {item.originalname for item in request.session.items if getattr(item, "module", None) is request.module}
    if not set(FIGURE_TESTS) <= ran:
        pytest.skip("not every fuzz test was selected in this run")
    assert {port: hostile[port] for port in PORTS} == {port: FUZZ_REQUESTS_PER_PORT for port in PORTS}
    assert sum(hostile.values()) == FUZZ_REQUESTS_TOTAL
