"""The "How KeyLab is tested" page quotes the stress tests' configured figures; they must agree.

Counts that depend on thread timing (orders acknowledged, writes recovered) are a typical run and
are not checked here; everything the tests are configured to do is.
"""

import re
from pathlib import Path

import pytest

from localnet.exchanges import EXCHANGES
from snippets.keyscan_cli import read_allow_list
from tests.localnet import fuzzing, test_concurrency, test_durability, test_fuzz, test_limits
from tests.localnet import test_ratelimit_parallel as ratelimit, test_security
from tests.soak import factor

# The bursts test_ratelimit_parallel.py sends: Binance twice (weights, mixed weights), Bybit per UID,
# OKX and Coinbase each per key and per IP, Kraken's counter.
RATE_LIMITED_TESTS = ("binance", "binance mixed", "bybit", "okx private", "okx public", "kraken",
                      "coinbase private", "coinbase public")
ROOT = Path(__file__).resolve().parent.parent
PAGE = (ROOT / "docs/reference/testing.md").read_text()
TEXT = " ".join(PAGE.split())  # the prose with its line breaks undone
ROWS = {cells[0]: cells[1] for cells in (
    [cell.strip() for cell in line.strip("|").split("|")] for line in PAGE.splitlines() if line.startswith("| ")
)}


def figure(row: str) -> str:
    """The figure column of the table row that starts with `row`."""
    assert row in ROWS, f"the figures table has no row {row!r}"
    return ROWS[row]


def bold(n: int) -> str:
    return f"**{n:,}**"


@pytest.fixture(autouse=True)
def normal_run():
    if factor() != 1:
        pytest.skip("the page quotes a normal run's figures, not a soak's")


def test_fuzzing_figures():
    ports = len(fuzzing.PORTS)
    assert figure("Hostile requests fuzzed per run") == (
        f"{bold(test_fuzz.FUZZ_REQUESTS_TOTAL)} ({test_fuzz.FUZZ_REQUESTS_PER_PORT} on each of {ports} ports)")
    per_port = test_limits.OVERSIZED_PER_PORT + test_limits.BIG_STREAMS_PER_PORT
    assert figure("Oversized requests in the memory test").startswith(
        f"{bold(per_port * ports)} ({per_port} on each of {ports} ports)")
    assert f"{per_port} oversized requests per port" in TEXT
    assert f"its memory may grow by {test_limits.RSS_GROWTH_LIMIT // 2**20} MB at most" in TEXT
    assert (f"A request body over {test_limits.MAX_BODY // 1024} KB, or a request line and headers over "
            f"{test_limits.MAX_HEAD_BYTES // 1024} KB, is refused") in TEXT


def test_concurrency_figures():
    accounts = len(EXCHANGES) * (1 + test_concurrency.SOLE_KEYS)
    assert figure("Clients trading at once") == (
        f"{bold(test_concurrency.CLIENTS)}, on {len(EXCHANGES)} exchanges and {accounts} accounts")
    assert f"Each sends {test_concurrency.REQUESTS_PER_CLIENT} requests" in TEXT
    burst = ratelimit.HAMMER_THREADS * ratelimit.REQUESTS_PER_THREAD
    bursts = len(RATE_LIMITED_TESTS)
    assert figure("Requests in parallel against rate limits") == f"{bold(burst * bursts)}, in {bursts} bursts of {burst}"
    assert (f"{ratelimit.HAMMER_THREADS} threads send {ratelimit.REQUESTS_PER_THREAD} requests each against a "
            f"limit of {ratelimit.LIMIT}") in TEXT


def test_durability_and_security_figures():
    assert figure("kill -9 recoveries").startswith(bold(test_durability.KILL_CYCLES) + ",")
    assert figure("Forged forwarding headers tried") == (
        f"{bold(test_security.FORGED_SETS_PER_EXCHANGE)} sets on each of {len(EXCHANGES)} exchanges")
    assert f"{test_security.FORGED_SETS_PER_EXCHANGE * len(EXCHANGES)} requests" in TEXT


def test_scan_figures():
    entries = read_allow_list(ROOT / ".keyscan-allow")
    assert figure("Published examples allowed by the scan").startswith(bold(len(entries)) + " fingerprints")


def test_every_file_named_in_the_table_exists():
    for line in PAGE.splitlines():
        if line.startswith("| ") and not line.startswith("| What"):
            for name in re.findall(r"`([^`]+)`", line.rsplit("|", 2)[-2]):
                if "/" in name or name.startswith("."):
                    assert (ROOT / name).exists(), name
