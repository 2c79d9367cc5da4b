"""OKX rate limits: per endpoint, per API key (private) or per IP (public), in 2-second windows."""

from __future__ import annotations

import pytest

from localnet.client import start
from tests.localnet.okx_support import Okx, assert_error, ok_data

LIMIT = 3


@pytest.fixture(scope="module")
def net():
    with start(rate_limit=LIMIT) as running:
        yield running


def over_the_limit(send) -> list:
    """Send until refused (at most 2 windows' worth), returning every response."""
    responses = []
    for _ in range(LIMIT * 4):
        responses.append(send())
        if responses[-1].status_code == 429:
            break
    return responses


def test_private_limit_is_50011_with_http_429(net):
    client = Okx(net.url("okx"), net.create_key("okx"))
    responses = over_the_limit(lambda: client.get("/api/v5/account/balance"))
    assert_error(responses[-1], 429, "50011", "Too Many Requests")
    assert all(r.status_code == 200 for r in responses[:-1]) and len(responses) > LIMIT - 1


def test_limits_are_per_key_and_per_endpoint(net):
    first = Okx(net.url("okx"), net.create_key("okx"))
    second = Okx(net.url("okx"), net.create_key("okx"))
    assert over_the_limit(lambda: first.get("/api/v5/account/balance"))[-1].status_code == 429
    ok_data(second.get("/api/v5/account/balance"))  # another key: its own count
    ok_data(first.get("/api/v5/account/config"))  # another endpoint: its own count


def test_public_limit_is_per_ip(net):
    client = Okx(net.url("okx"))
    responses = over_the_limit(lambda: client.public("/api/v5/market/tickers", instType="SPOT"))
    assert_error(responses[-1], 429, "50011", "Too Many Requests")
