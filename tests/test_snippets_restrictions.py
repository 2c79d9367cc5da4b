"""The key-upkeep example (docs/keys/restrictions.md): its output, and the database it can keep."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str) -> str:
    result = subprocess.run(
        [sys.executable, *args], cwd=ROOT, capture_output=True, text=True, check=True, timeout=120,
    )
    return result.stdout


def test_key_upkeep_output_is_the_stored_one():
    stored = (ROOT / "snippets/examples/key_upkeep.out").read_text()
    assert run("-m", "snippets.examples.key_upkeep") == stored


def test_key_upkeep_output_never_contains_a_secret_or_api_key():
    out = (ROOT / "snippets/examples/key_upkeep.out").read_text()
    # Bybit's generated API keys are 18 characters, secrets 36; no such token may be printed.
    words = out.replace(":", " ").replace("(", " ").replace(")", " ").split()
    assert not [w for w in words if len(w) >= 18 and w.isalnum()]


def test_the_kept_database_answers_the_cli_commands_the_page_shows(tmp_path):
    db = str(tmp_path / "upkeep.db")
    run("-m", "snippets.examples.key_upkeep", "--db", db)

    listing = run("-m", "localnet", "keys", "list", "--db", db)
    assert "10.0.0.0/8" in listing and "revoked  bot, key 1" in listing

    log = run("-m", "localnet", "log", "--key", "1", "--db", db)
    assert log == ("2026-01-01 00:00:00  bybit     key    1  127.0.0.1        GET    "
                   "/v5/account/wallet-balance  200 error 10010\n")

    rotated = run("-m", "localnet", "keys", "rotate", "2", "--db", db)
    assert rotated.startswith("key 2 rotated; the old secret no longer works")
    assert run("-m", "localnet", "keys", "revoke", "2", "--db", db) == "key 2 revoked\n"

    created = run("-m", "localnet", "keys", "create", "--exchange", "bybit", "--ip", "10.0.0.0/8", "--db", db)
    assert created.startswith("key 8 for bybit (account 7), type hmac, permissions read, IPs 10.0.0.0/8")
