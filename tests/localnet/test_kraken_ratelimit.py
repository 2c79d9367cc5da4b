"""Kraken's per-key call counter: +1 per call, +2 for trade history, 0 for AddOrder/CancelOrder."""

from __future__ import annotations

import pytest

from localnet.client import start
from localnet.exchanges.kraken.counter import CallCounter
from tests.localnet.kraken_support import DEMO_SECRET, Kraken, assert_error, demo_api_key

MAXIMUM = 4


@pytest.fixture(scope="module")
def limited():
    """A localnet whose Kraken counter tops out at 4 and never drains (so no test depends on timing)."""
    with start(rate_limit=MAXIMUM, rate_decay_per_s=0) as running:
        yield running


def client_for(net) -> Kraken:
    key = net.create_key("kraken", permissions=("read", "trade"), api_key=demo_api_key(), secret=DEMO_SECRET)
    return Kraken(net.url("kraken"), key)


def test_calls_over_the_maximum_are_refused(limited):
    client = client_for(limited)
    for _ in range(MAXIMUM):
        client.result("Balance")
    assert_error(client.private("Balance"), "EAPI:Rate limit exceeded")
    client.close()


def test_trade_history_costs_two(limited):
    client = client_for(limited)
    client.result("TradesHistory")
    client.result("TradesHistory")
    assert_error(client.private("Balance"), "EAPI:Rate limit exceeded")
    client.close()


def test_orders_use_another_limiter(limited):
    client = client_for(limited)
    for _ in range(MAXIMUM):
        client.result("Balance")
    placed = client.result("AddOrder", pair="XBTUSD", type="buy", ordertype="limit", price="40000", volume="0.01")
    assert client.result("CancelOrder", txid=placed["txid"][0]) == {"count": 1}
    client.close()


def test_each_key_has_its_own_counter(limited):
    first, second = client_for(limited), client_for(limited)
    for _ in range(MAXIMUM):
        first.result("Balance")
    assert_error(first.private("Balance"), "EAPI:Rate limit exceeded")
    assert "ZUSD" in second.result("Balance")
    first.close()
    second.close()


def test_public_calls_are_free_and_refusals_are_logged(limited):
    client = client_for(limited)
    for _ in range(MAXIMUM):
        client.result("Balance")
    for _ in range(10):
        assert client.public("Time").status_code == 200
    refused = client.private("Balance")
    assert_error(refused, "EAPI:Rate limit exceeded")
    assert limited.activity(client.key["id"])[-1]["error_code"] == "EAPI:Rate limit exceeded"
    client.close()


def test_the_counter_drains_over_time():
    clock = [1000.0]
    counter = CallCounter(maximum=2, decay_per_s=0.5, now=lambda: clock[0])
    assert counter.charge(1, 1) and counter.charge(1, 1)
    assert not counter.charge(1, 1)
    clock[0] += 2.0  # two seconds at 0.5 per second take one off
    assert counter.level(1) == 1.0
    assert counter.charge(1, 1)
    assert not counter.charge(1, 1)
