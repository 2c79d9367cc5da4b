"""The leak pages' snippets: the credential scanner, and the leak drill run through the real CLI."""

import json
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

from snippets.keyscan import scan
from snippets.show import mask

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "snippets" / "examples"

DOC_KEY = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A"  # Binance docs
DOC_SECRET = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j"  # Binance docs
DOC_SIGNATURE = "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71"  # Binance docs
KRAKEN_DOC_SECRET = (  # Kraken "Spot REST Authentication" guide
    "kQH5HW/8p1uGOVjbgWA7FunAmGO8lsSUXNsu3eow76sz84Q18fWxnyRzBHCd3pd5nE9qa99HAZtuZuj6F1huXg=="
)


# --- the scanner -------------------------------------------------------------------------------

def test_scan_finds_a_secret_and_names_the_exchange_before_it():
    [finding] = scan(f"config:\n  BINANCE_SECRET={DOC_SECRET}\n")
    assert (finding.line, finding.shape, finding.near) == (2, "64 letters and digits", "binance")
    assert finding.masked == mask(DOC_SECRET) and DOC_SECRET not in finding.masked
    assert not finding.maybe_not_secret


def test_scan_flags_hex_only_matches_as_possibly_harmless():
    [finding] = scan(f"signature={DOC_SIGNATURE}")
    assert finding.maybe_not_secret and finding.near is None


@pytest.mark.parametrize("length", [40, 63, 65, 128])
def test_scan_ignores_runs_of_other_lengths(length):
    assert scan("x " + ("Ab3" * 50)[:length] + " y") == []


def test_scan_finds_kraken_and_pem_shapes():
    text = f"kraken: {KRAKEN_DOC_SECRET}\n-----BEGIN EC PRIVATE KEY-----\nMHcC...\n"
    shapes = [(f.line, f.shape, f.near) for f in scan(text)]
    assert shapes == [(1, "88 base64 characters", "kraken"), (2, "PEM private key", None)]
    assert all(KRAKEN_DOC_SECRET not in f.masked for f in scan(text))


def test_scan_example_output_is_the_stored_one():
    result = subprocess.run([sys.executable, "-m", "snippets.examples.scan_for_keys"],
                            cwd=ROOT, capture_output=True, text=True, check=True)
    stored = (EXAMPLES / "scan_for_keys.out").read_text()
    assert result.stdout == stored
    for credential in (DOC_KEY, DOC_SECRET, KRAKEN_DOC_SECRET):
        assert credential not in stored


def test_scan_example_reads_a_file(tmp_path):
    notebook = tmp_path / "nb.ipynb"
    notebook.write_text(json.dumps({"outputs": [{"text": f"secret {DOC_SECRET}\n"}]}))
    result = subprocess.run([sys.executable, "-m", "snippets.examples.scan_for_keys", str(notebook)],
                            cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.startswith("line 1: 64 letters and digits") and DOC_SECRET not in result.stdout


# --- the leak drill, exactly as "If a key leaks" runs it ----------------------------------------

def run(*argv: str, check: bool = True) -> str:
    done = subprocess.run([sys.executable, "-m", *argv], cwd=ROOT, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0 or not check, done.stderr
    return done.stdout


@contextmanager
def serving_binance(db: Path) -> Iterator[str]:
    """`python -m localnet serve` on `db` and free ports, for one session; yields Binance's URL."""
    ports = db.with_name(db.stem + "-ports.json")
    server = subprocess.Popen(
        [sys.executable, "-m", "localnet", "serve", "--db", str(db), "--base-port", "0",
         "--port-file", str(ports)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert server.stdout.readline().startswith("binance http://127.0.0.1:")
        yield json.loads(ports.read_text())["binance"]
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_leak_drill_output_is_the_stored_one(tmp_path):
    db = tmp_path / "drill.db"
    leaked, cleanup = tmp_path / "leaked-key.json", tmp_path / "cleanup-key.json"
    with serving_binance(db) as url:
        keys = ("localnet", "keys")

        def call(keyfile: Path, action: str) -> str:
            return run("snippets.examples.leaked_key_call", str(keyfile), action, "--url", url, check=False)

        leaked.write_text(run(*keys, "create", "--db", str(db), "--exchange", "binance",
                              "--permissions", "read,trade", "--label", "trading bot", "--json"))
        assert json.loads(leaked.read_text())["id"] == 1
        out = [call(leaked, "account"), call(leaked, "buy"), call(leaked, "bait")]
        out.append(run(*keys, "revoke", "1", "--db", str(db)))
        out.append(call(leaked, "account"))
        cleanup.write_text(run(*keys, "create", "--db", str(db), "--exchange", "binance", "--account", "1",
                               "--permissions", "read,trade", "--label", "cleanup", "--json"))
        out += [call(cleanup, "orders"), call(cleanup, "cancel-all"), call(cleanup, "account")]
        out.append(run(*keys, "revoke", "2", "--db", str(db)))
        assert "".join(out) == (EXAMPLES / "leak_drill.out").read_text()

        log = run("localnet", "log", "--key", "1", "--db", str(db)).splitlines()
        assert [(line.split()[6], line.split()[7], line.split()[8]) for line in log] == [
            ("GET", "/api/v3/account", "200"), ("POST", "/api/v3/order", "200"),
            ("POST", "/api/v3/order", "200"), ("GET", "/api/v3/account", "401")]
        assert log[-1].endswith("error -2015")
        assert json.loads(leaked.read_text())["secret"] not in "".join(out) + "\n".join(log)


def test_key_stopped_working_output_is_the_stored_one(tmp_path):
    """The FAQ's "why did my key stop working?" session: an IP allow-list, then a clock offset."""
    db = tmp_path / "faq.db"
    ip_key, key = tmp_path / "faq-ip-key.json", tmp_path / "faq-key.json"
    with serving_binance(db) as url:

        def call(keyfile: Path) -> str:
            return run("snippets.examples.leaked_key_call", str(keyfile), "account", "--url", url, check=False)

        ip_key.write_text(run("localnet", "keys", "create", "--db", str(db), "--exchange", "binance",
                              "--ip", "203.0.113.7", "--json"))
        key.write_text(run("localnet", "keys", "create", "--db", str(db), "--exchange", "binance", "--json"))
        out = [call(ip_key), call(key)]
        assert run("localnet", "clock", "--offset-ms", "-5000", "--db", str(db)).startswith(
            "clock: real time, offset -5000 ms; server time now ")
        out.append(call(key))
        assert run("localnet", "clock", "--real", "--db", str(db)).startswith("clock: real time, offset 0 ms")
        out.append(call(key))
        assert "".join(out) == (EXAMPLES / "key_stopped_working.out").read_text()
