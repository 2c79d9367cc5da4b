"""The permissions example: each key can do exactly what its permissions allow, and the output is stable."""

import re
from pathlib import Path

from tests.examples import run_example

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = "permissions_in_action"
STORED = ROOT / "snippets/examples/permissions_in_action.out"


def test_permissions_example_output_is_the_stored_one():
    assert run_example(EXAMPLE) == STORED.read_text()


def test_stored_output_shows_each_permission_guarding_its_action():
    lines = STORED.read_text().splitlines()
    blocks = {line.split(":")[0]: lines[i + 1 : i + 4] for i, line in enumerate(lines) if not line.startswith(" ")}
    refused = "401 -2015 Invalid API-key, IP, or permissions for action."
    read_only, trade, withdraw = blocks["read-only key"], blocks["trade key"], blocks["withdraw key"]
    assert all("-> 200" in line for line in (read_only[0], trade[0], withdraw[0]))
    assert read_only[1].endswith(refused) and read_only[2].endswith(refused)
    assert trade[1].endswith("200, FILLED") and trade[2].endswith(refused)
    assert withdraw[1].endswith(refused) and withdraw[2].endswith("BTC free 0.50000000 afterwards")


def test_output_contains_nothing_that_looks_like_a_key_or_secret():
    # Binance API keys and HMAC secrets are 64 letters and digits.
    assert not re.search(r"[A-Za-z0-9]{32,}", STORED.read_text())
