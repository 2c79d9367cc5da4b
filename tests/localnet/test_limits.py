"""Size limits on every localnet port, and memory that stays bounded however large the request.

The limits (each checked below against the code that sets it):

- body: 64 KB on every exchange (core/http.py ExchangeApp.max_body, Binance's params.MAX_BODY) and on
  the management page (manage/views.py MAX_BODY). A declared Content-Length over it is refused before
  a byte of the body is read; a chunked body is refused as soon as it passes the limit. What is sent
  after the refusal is read and thrown away, never kept.
- request line + headers: 16 KB (core/http.py MAX_HEAD_BYTES). uvicorn's HTTP parser (h11, the only
  one installed: no httptools) refuses a head that outgrows it while arriving with its own plain 400;
  a head that arrived whole gets the exchange's too-large answer (the management page: 431).

Each exchange words "too large" its own way (tests/localnet/fuzzing.py checks the shape of each):
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from localnet.core.http import MAX_HEAD_BYTES, ExchangeApp
from localnet.exchanges.binance import params as binance_params
from localnet.manage import views as manage_views
from localnet.manage.security import cookie_name
from localnet.server import ExchangeServer
from tests.localnet import fuzzing
from tests.localnet.fuzzing import PORTS, Answer
from tests.localnet.manage_support import Manage
from tests.soak import scaled

MAX_BODY = 64 * 1024
OVERSIZED_PER_PORT = scaled(32)  # oversized requests per port in the memory test (4 kinds, in turn)
BIG_STREAMS_PER_PORT = 2  # 50 MB bodies per port in the memory test (one declared, one chunked)
BIG_STREAM = 50 * 1024 * 1024
RSS_GROWTH_LIMIT = 32 * 1024 * 1024  # well under one 50 MB body; the requests add up to over 600 MB
STARTUP_TIMEOUT_S = 60.0
SOCKET_TIMEOUT_S = 30.0  # a liveness bound only: every answer here comes long before it
POST_ROUTE = {"binance": "/api/v3/order", "bybit": "/v5/order/create", "okx": "/api/v5/trade/order",
              "kraken": "/0/private/AddOrder", "coinbase": "/api/v3/brokerage/orders", "manage": "/api/keys"}
# (status, body) of each port's answer to a body over the limit.
TOO_LARGE = {
    "binance": (400, {"code": -1101, "msg": "Too many parameters sent for this endpoint."}),
    "bybit": (413, "Request Entity Too Large"),  # plain text, as Bybit's front end sends it
    "okx": (413, {"code": "413", "data": [], "msg": "Request Entity Too Large"}),
    "kraken": (413, {"error": ["EGeneral:Invalid arguments"]}),
    "coinbase": (400, {"error": "INVALID_ARGUMENT", "error_details": "request body too large",
                       "message": "request body too large"}),
    "manage": (413, {"error": "too_large", "message": f"the body is larger than {MAX_BODY} bytes"}),
}

sent = {"requests": 0, "bytes": 0}  # what this module sent (figures for the testing page)


def test_the_limits_are_the_ones_this_module_states():
    assert ExchangeApp.max_body == binance_params.MAX_BODY == manage_views.MAX_BODY == MAX_BODY
    assert MAX_HEAD_BYTES == 16 * 1024
    server = ExchangeServer("probe", lambda scope, receive, send: None, 0)
    assert server.server.config.h11_max_incomplete_event_size == MAX_HEAD_BYTES
    assert server.server.config.ws == "none"


# ---- raw requests ------------------------------------------------------------------------------------

def address(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    return parts.hostname, parts.port


def head(port: str, url: str, page: Manage | None, extra: bytes = b"") -> bytes:
    """A POST head for the port's body-reading route; the management page's carries its CSRF proof."""
    host = urlsplit(url).netloc
    lines = [f"POST {POST_ROUTE[port]} HTTP/1.1", f"Host: {host}", "Content-Type: application/json"]
    if page is not None:
        lines += [f"Origin: {url}", f"X-CSRF-Token: {page.token}",
                  f"Cookie: {cookie_name(urlsplit(url).port)}={page.token}"]
    return ("\r\n".join(lines) + "\r\n").encode() + extra


def read_answer(sock: socket.socket) -> Answer | None:
    """The first answer on the socket (None when the server closed without one)."""
    data = b""
    while True:
        parsed = fuzzing.parse_raw(data)
        if parsed is not None and parsed[0].status != 100:
            return parsed[0]
        if parsed is not None:
            data = data[parsed[1]:]
            continue
        try:
            chunk = sock.recv(65536)
        except ConnectionResetError:
            return None
        if not chunk:
            return None
        data += chunk


def exchange(url: str, message: bytes, then: bytes = b"") -> Answer | None:
    """Send `message`, read the answer, then send `then` (the rest of a body the server already refused)."""
    with socket.create_connection(address(url), timeout=SOCKET_TIMEOUT_S) as sock:
        sock.sendall(message)
        sent["requests"] += 1
        sent["bytes"] += len(message)
        answer = read_answer(sock)
        try:
            sock.sendall(then)
            sent["bytes"] += len(then)
        except (BrokenPipeError, ConnectionResetError):
            pass
        return answer


def declared_huge(port: str, url: str, page: Manage | None) -> Answer | None:
    """Content-Length: 10 GB and three bytes: answered although the body is nowhere near complete."""
    return exchange(url, head(port, url, page, b"Content-Length: 10000000000\r\n\r\n{}\n"))


def chunked_stream(port: str, url: str, page: Manage | None, size: int = 1024 * 1024) -> Answer | None:
    """A chunked body of which `size` bytes are sent before the answer is awaited: no length is
    declared, so only counting what arrives can stop it."""
    chunk = b"%x\r\n" % 65536 + b"a" * 65536 + b"\r\n"
    return exchange(url, head(port, url, page, b"Transfer-Encoding: chunked\r\n\r\n") + chunk * (size // 65536))


def big_header(port: str, url: str, page: Manage | None) -> Answer | None:
    return exchange(url, head(port, url, page, b"X-Big: " + b"a" * 100_000 + b"\r\nContent-Length: 2\r\n\r\n{}"))


def many_headers(port: str, url: str, page: Manage | None) -> Answer | None:
    lines = b"".join(b"X-%d: v\r\n" % i for i in range(10_000))
    return exchange(url, head(port, url, page, lines + b"Content-Length: 2\r\n\r\n{}"))


def assert_too_large(port: str, answer: Answer | None) -> None:
    assert answer is not None, f"{port}: closed without an answer"
    fuzzing.check_answer(port, answer)
    status, body = TOO_LARGE[port]
    assert answer.status == status, answer
    assert (answer.body.decode() if isinstance(body, str) else json.loads(answer.body)) == body, answer.body


def assert_head_refused(port: str, answer: Answer | None) -> None:
    """Refused by uvicorn's parser (its plain 400) or, for a head that arrived whole, by the port itself."""
    assert answer is not None, f"{port}: closed without an answer"
    fuzzing.check_answer(port, answer, transport_ok=True)
    if answer.body != fuzzing.TRANSPORT_400:
        expected = (431, "headers_too_large") if port == "manage" else TOO_LARGE[port]
        if port == "manage":
            assert (answer.status, answer.json()["error"]) == expected, answer.body
        else:
            assert_too_large(port, answer)


@pytest.fixture(scope="module")
def pages(net):
    made = {port: (Manage(net.url(port)) if port == "manage" else None) for port in PORTS}
    yield made
    for page in made.values():
        if page is not None:
            page.close()


@pytest.mark.parametrize("port", PORTS)
def test_a_declared_10_gb_body_is_refused_before_any_of_it_is_read(net, pages, port):
    assert_too_large(port, declared_huge(port, net.url(port), pages[port]))


@pytest.mark.parametrize("port", PORTS)
def test_a_chunked_body_is_refused_once_it_passes_the_limit_while_it_is_still_arriving(net, pages, port):
    """The answer comes while the client has sent 1 MB of a body it has not finished: the server
    stopped at the limit instead of waiting for the end (a 50 MB stream is in the memory test)."""
    assert_too_large(port, chunked_stream(port, net.url(port), pages[port]))


@pytest.mark.parametrize("port", PORTS)
def test_a_body_just_under_the_limit_is_read(net, pages, port):
    url = net.url(port)
    body = b'{"pad": "' + b"a" * (MAX_BODY - 20) + b'"}'
    answer = exchange(url, head(port, url, pages[port], b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(body))
                      + body)
    assert answer is not None
    fuzzing.check_answer(port, answer)
    assert answer.body != TOO_LARGE[port][1] and answer.status != 413, answer


@pytest.mark.parametrize("port", PORTS)
def test_a_100_kb_header_and_10k_headers_are_refused(net, pages, port):
    assert_head_refused(port, big_header(port, net.url(port), pages[port]))
    assert_head_refused(port, many_headers(port, net.url(port), pages[port]))


@pytest.mark.parametrize("port", PORTS)
def test_a_head_just_under_16_kb_is_served(net, port):
    path = fuzzing.PING[port]
    response = httpx.get(net.url(port) + path, headers={"X-Pad": "a" * (MAX_HEAD_BYTES - 2_000)}, timeout=30)
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("port", PORTS)
def test_a_head_just_over_16_kb_is_refused(net, port):
    path = fuzzing.PING[port]
    response = httpx.get(net.url(port) + path, headers={"X-Pad": "a" * (MAX_HEAD_BYTES + 100)}, timeout=30)
    answer = Answer.of(response)
    assert answer.status in (400, 431) or answer.status == TOO_LARGE[port][0], answer
    assert_head_refused(port, answer)


# ---- memory: a localnet of its own, as a process, so that its RSS is its own ------------------------

def memory(pid: int, field: str) -> int:
    """VmRSS (resident now) or VmHWM (the most it has ever been resident) of a process, in bytes."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    raise AssertionError(f"no {field} in /proc/{pid}/status")


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """`python -m localnet serve` on free ports; yields (process, {name: url})."""
    folder = tmp_path_factory.mktemp("limits")
    port_file = folder / "ports.json"
    log = (folder / "serve.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "localnet", "serve", "--db", str(folder / "localnet.db"), "--base-port", "0",
         "--port-file", str(port_file)],
        stdout=log, stderr=subprocess.STDOUT, cwd=Path(__file__).resolve().parents[2])
    process.log_path = folder / "serve.log"
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while not port_file.exists():  # written (atomically) once every server listens
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise AssertionError(f"localnet serve did not start: {process.log_path.read_text()}")
        time.sleep(0.05)
    urls = json.loads(port_file.read_text())
    yield process, urls
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    log.close()


def ping_all(urls: dict[str, str]) -> None:
    for port in PORTS:
        response = httpx.get(urls[port] + fuzzing.PING[port], timeout=30)
        sent["requests"] += 1
        assert response.status_code == 200, (port, response.text)


def test_memory_stays_bounded_under_oversized_requests(served):
    """Hundreds of oversized requests and two 50 MB bodies per port; the server's resident memory grows
    by far less than one of those bodies, and every port still answers."""
    process, urls = served
    pages = {port: (Manage(urls[port]) if port == "manage" else None) for port in PORTS}
    kinds = (declared_huge, chunked_stream, big_header, many_headers)
    for port in PORTS:  # warm up: every code path once, so that first-use allocations are not counted
        for kind in kinds:
            kind(port, urls[port], pages[port])
    ping_all(urls)
    before = {field: memory(process.pid, field) for field in ("VmRSS", "VmHWM")}
    for port in PORTS:
        url, page = urls[port], pages[port]
        for i in range(OVERSIZED_PER_PORT):
            answer = kinds[i % len(kinds)](port, url, page)
            assert answer is not None and 400 <= answer.status < 500, (port, answer)
        body = b"a" * BIG_STREAM
        assert_too_large(port, exchange(url, head(port, url, page, b"Content-Length: %d\r\n\r\n" % BIG_STREAM),
                                        then=body))
        assert_too_large(port, chunked_stream(port, url, page, size=BIG_STREAM))
    ping_all(urls)
    growth = {field: memory(process.pid, field) - before[field] for field in before}
    print(f"memory growth: RSS {growth['VmRSS'] / 2**20:.1f} MB, peak {growth['VmHWM'] / 2**20:.1f} MB")
    # the peak too: a server that read a 50 MB body whole and then let it go would show it here
    assert max(growth.values()) < RSS_GROWTH_LIMIT, f"memory grew by {growth}"
    assert process.poll() is None
    logged = process.log_path.read_text()
    assert "Traceback" not in logged and "ERROR" not in logged, logged[-3000:]
    for page in pages.values():
        if page is not None:
            page.close()
