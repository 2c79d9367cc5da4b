"""What every exchange on localnet must do, whatever its dialect: never a 5xx, never a stack trace."""

from __future__ import annotations

import json
import random
from urllib.parse import quote

import httpx
import pytest

from localnet.exchanges import EXCHANGES

NAMES = sorted(EXCHANGES)


def _routes(net, name):
    return next(s for s in net._servers if s.name == name).app.routes


@pytest.fixture(scope="module")
def http(net):
    clients = {name: httpx.Client(base_url=net.url(name), timeout=30) for name in NAMES}
    yield clients
    for client in clients.values():
        client.close()


def _assert_clean(response: httpx.Response) -> None:
    assert response.status_code < 500, response.text
    assert "Traceback" not in response.text


@pytest.mark.parametrize("name", NAMES)
def test_every_route_answers_an_unsigned_request_without_5xx(net, http, name):
    for (method, path) in _routes(net, name):
        _assert_clean(http[name].request(method, path))


@pytest.mark.parametrize("name", NAMES)
def test_unknown_paths_and_methods_are_4xx_or_exchange_errors(net, http, name):
    for method, path in (("GET", "/nope"), ("PATCH", "/"), ("GET", "/../../etc/passwd"), ("PUT", "/%00")):
        _assert_clean(http[name].request(method, path))


@pytest.mark.parametrize("name", NAMES)
def test_an_oversized_body_is_refused_without_5xx(net, http, name):
    path = next(p for (m, p) in _routes(net, name) if m == "POST") if any(
        m == "POST" for (m, _) in _routes(net, name)) else "/"
    _assert_clean(http[name].post(path, content=b"x" * (2 * 1024 * 1024)))


@pytest.mark.parametrize("name", NAMES)
def test_random_garbage_never_gives_5xx(net, http, name):
    rng = random.Random(name)
    alphabet = "abc=&%+;,./:?#[]{}\"@!$'()*~-_ \t\x7f0123456789ABCDEF\u00e9\u4e2d"
    routes = list(_routes(net, name))
    headers_pool = [{}, {"Content-Type": "application/json"}, {"Content-Type": "application/x-www-form-urlencoded"},
                    {"Content-Type": "text/plain; charset=latin-1"}]
    for i in range(120):
        method, path = rng.choice(routes)
        raw = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60)))
        query = quote(raw, safe="=&%+") if i % 2 else quote(raw, safe="")
        if i % 3 == 0:
            body = json.dumps({"n": rng.choice([1e308, -1, "NaN", None, [], {}, "9" * 40])}).encode()
        else:
            body = bytes(rng.randrange(256) for _ in range(rng.randint(0, 40)))
        response = http[name].request(method, f"{path}?{query}", content=body if method != "GET" else b"",
                                      headers=rng.choice(headers_pool))
        _assert_clean(response)
