"""Request weight per IP per minute: X-MBX-USED-WEIGHT-1M on every answer, 429 + Retry-After, then 418."""

from __future__ import annotations

import pytest

from localnet.client import start
from localnet.core.ratelimit import WeightLimiter
from tests.localnet.support import Binance, assert_error

LIMIT = 40
NOW = 1_800_000_030.0  # a fixed instant, 30 s into its minute


class FakeTime:
    def __init__(self, t: float) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def limited():
    """A localnet with a 40-weight limit, a ban after two ignored 429s, and a clock the test moves."""
    with start(weight_limit=LIMIT, ban_after=2) as net:
        app = net._servers[0].app
        app.limiter.now = FakeTime(NOW)
        yield net, app.limiter.now


def test_weight_header_on_every_answer(limited):
    net, _ = limited
    client = Binance(net.url("binance"))
    assert client.public("/api/v3/ping").headers["X-MBX-USED-WEIGHT-1M"] == "1"
    assert client.public("/api/v3/exchangeInfo").headers["X-MBX-USED-WEIGHT-1M"] == "21"
    r = client.public("/api/v3/depth", symbol="NOPE")
    assert r.status_code == 400 and r.headers["X-MBX-USED-WEIGHT-1M"] == "26"
    r = client.http.get("/no/such/path")
    assert r.status_code == 404 and r.headers["X-MBX-USED-WEIGHT-1M"] == "27"
    assert client.public("/api/v3/ping").headers["X-MBX-USED-WEIGHT"] == "28"


def test_429_then_418(limited):
    net, fake = limited
    key = net.create_key("binance", permissions=("read",))
    client = Binance(net.url("binance"), key)
    for used in range(1, LIMIT + 1):
        assert client.public("/api/v3/ping").headers["X-MBX-USED-WEIGHT-1M"] == str(used)
    for _ in range(2):
        r = client.public("/api/v3/ping")
        assert_error(r, 429, -1003, f"Too much request weight used; current limit is {LIMIT} request weight per "
                                    "1 MINUTE. Please use WebSocket Streams for live updates to avoid polling the API.")
        assert r.headers["Retry-After"] == "30"
        assert r.headers["X-MBX-USED-WEIGHT-1M"] == str(LIMIT)
    r = client.signed("GET", "/api/v3/account")  # a third ignored 429: banned
    until = int((NOW + 120) * 1000)
    assert_error(r, 418, -1003, f"Way too much request weight used; IP banned until {until}. "
                                "Please use WebSocket Streams for live updates to avoid bans.")
    assert r.headers["Retry-After"] == "120"
    assert net.activity(key["id"])[-1]["error_code"] == -1003
    fake.t = NOW + 60  # a new minute, but still banned
    assert client.public("/api/v3/ping").status_code == 418
    fake.t = NOW + 121  # ban over
    r = client.public("/api/v3/ping")
    assert r.status_code == 200 and r.headers["X-MBX-USED-WEIGHT-1M"] == "1"


def test_window_resets_each_minute():
    fake = FakeTime(NOW)
    limiter = WeightLimiter(limit=10, now=fake)
    assert limiter.charge("1.2.3.4", 10).allowed
    refused = limiter.charge("1.2.3.4", 1)
    assert not refused.allowed and refused.retry_after_s == 30
    assert limiter.charge("5.6.7.8", 10).allowed  # per IP
    fake.t = NOW + 30
    assert limiter.charge("1.2.3.4", 1).used == 1
