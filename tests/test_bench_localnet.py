"""bench/localnet.py: the rows' shape, units and ratios (never a time: benchmarks do not fail CI)."""

from __future__ import annotations

import httpx
import pytest

from bench import localnet as bench
from bench.core import Row

SCHEMES = ("HMAC-SHA256 hex (binance)", "HMAC-SHA256 hex (bybit)", "HMAC-SHA256 base64 (okx)",
           "SHA-256 + HMAC-SHA512 (kraken)", "JWT EdDSA (coinbase)", "JWT ES256 (coinbase)")


@pytest.fixture(scope="module")
def rows() -> list[Row]:
    return bench.run(quick=True)


def named(rows: list[Row], name: str) -> Row:
    found = [row for row in rows if row.name == name]
    assert len(found) == 1, (name, [row.name for row in rows])
    return found[0]


@pytest.mark.parametrize("exchange", bench.EXCHANGES)
@pytest.mark.parametrize("clients", bench.CLIENTS)
def test_each_exchange_and_client_count_has_median_p99_and_throughput(rows, exchange, clients):
    who = f"{clients} client" + ("s" if clients > 1 else "")
    median = named(rows, f"{exchange} signed read, median, {who}")
    assert median.section == "localnet" and median.unit == "ms" and median.target == "<= 2x floor"
    assert median.value > 0 and median.floor and median.floor > 0
    assert median.met == (median.ratio <= 2)
    assert median.extra["clients"] == clients
    assert median.extra["requests"] == clients * bench.QUICK.per_client[clients]
    assert median.extra["signed_p99_ms"] >= median.value
    assert median.extra["ping_p99_ms"] >= median.floor
    p99 = named(rows, f"{exchange} signed read, p99, {who}")
    assert p99.unit == "ms" and p99.value == median.extra["signed_p99_ms"] and p99.met is None
    throughput = named(rows, f"{exchange} signed read, throughput, {who}")
    assert throughput.unit == "req/s" and throughput.value == median.extra["signed_req_per_s"]
    assert throughput.floor == median.extra["ping_req_per_s"] > 0


def test_signing_and_every_verifier_are_measured_in_microseconds(rows):
    for exchange in bench.EXCHANGES:
        row = named(rows, f"{exchange} client signing (snippets/{exchange}.py)")
        assert row.unit == "µs" and row.value > 0
    for scheme in SCHEMES:
        row = named(rows, f"verify {scheme}")
        assert row.unit == "µs" and row.value > 0 and row.floor is None
    assert len(rows) == len(bench.EXCHANGES) * (3 * len(bench.CLIENTS) + 1) + len(SCHEMES)


def test_load_rows_compare_with_the_ping():
    ping = bench.Load([0.001] * 98 + [0.010] * 2, wall_s=0.2)  # nearest-rank p99: the 99th of 100
    signed = bench.Load([0.003] * 100, wall_s=0.4)
    median, p99, throughput = bench.load_rows("okx", 8, ping, signed)
    assert (median.value, median.floor, median.met) == (3.0, 1.0, False)
    assert median.name == "okx signed read, median, 8 clients"
    assert (p99.value, p99.floor) == (3.0, 10.0)
    assert (throughput.value, throughput.floor) == (250.0, 500.0)
    assert bench.load_rows("okx", 1, ping, bench.Load([0.002] * 100, 0.2))[0].met is True  # 2x is within


@pytest.mark.parametrize("status, body", [(401, "{}"), (200, '{"error": ["EAPI:Invalid key"]}'),
                                          (200, '{"code": -2015}'), (200, '{"retCode": 10003}')])
def test_an_error_answer_stops_the_benchmark(status, body):
    response = httpx.Response(status, content=body.encode(), request=httpx.Request("GET", "http://x/p"))
    with pytest.raises(RuntimeError):
        bench.answered(response)


@pytest.mark.parametrize("body", ['{}', '{"code": "0", "data": []}', '{"retCode": 0}', '{"error": [], "result": {}}',
                                  '[]'])
def test_a_good_answer_passes(body):
    bench.answered(httpx.Response(200, content=body.encode(), request=httpx.Request("GET", "http://x/p")))
