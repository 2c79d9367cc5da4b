"""scripts/record_live.py: a live run's junit report becomes docs/data/verified.json, per exchange."""

import importlib.util
import json
import os
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path
from xml.sax.saxutils import quoteattr

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("record_live", ROOT / "scripts" / "record_live.py")
record_live = importlib.util.module_from_spec(spec)
sys.modules["record_live"] = record_live  # its dataclasses look their module up there
spec.loader.exec_module(record_live)
verified_data = record_live.verified_data

# The repository's notebooks and the exchanges each sends live, as their metadata says.
LIVE = record_live.live_notebooks(ROOT / "notebooks")
NOW = datetime(2026, 5, 4, 5, 41, 12, tzinfo=timezone.utc)
LATER = datetime(2026, 5, 11, 5, 40, 2, tzinfo=timezone.utc)
NO_KEYS = "Binance Spot testnet: set BINANCE_TESTNET_API_KEY and BINANCE_TESTNET_API_SECRET in .env"


def junit(cells: dict[str, str], tmp_path: Path) -> Path:
    """A junit report like nbval's under --live: 3 cells per notebook, each 'pass', 'fail' or a skip reason."""
    cases = []
    for stem, outcome in cells.items():
        for n in range(3):
            inner = {"pass": "", "fail": '<failure message="a live answer, never copied">trace</failure>',
                     "error": '<error message="kernel died">trace</error>'}.get(
                outcome, f"<skipped type=\"pytest.skip\" message={quoteattr(outcome)}>where</skipped>")
            cases.append(f'<testcase classname="notebooks.{stem}.ipynb" name="Cell {n}" time="0.1">{inner}</testcase>')
    path = tmp_path / "junit.xml"
    path.write_text('<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest">'
                    + "".join(cases) + "</testsuite></testsuites>")
    return path


def every(outcome: str, **special: str) -> dict[str, str]:
    """Every notebook with `outcome`, except those named (with '-' for '_') in `special`."""
    cells = {stem: outcome for stem in LIVE}
    cells.update({stem.replace("_", "-"): value for stem, value in special.items()})
    return cells


def record(cells, tmp_path, data=None, status=0, now=NOW):
    data_file = tmp_path / "verified.json"
    if data is not None:
        data_file.write_text(verified_data.dumps(data))
    attempts, failed = record_live.record(junit(cells, tmp_path), data_file, ROOT / "notebooks", status, now)
    return attempts, failed, json.loads(data_file.read_text())


def test_the_notebooks_metadata_is_what_the_record_relies_on():
    assert {stem for stem, ex in LIVE.items() if "binance" in ex} == {
        "01-first-request", "03-first-private-call", "05-time-and-windows", "08-five-exchanges", "09-libraries"}
    assert {stem for stem, ex in LIVE.items() if "okx" in ex} == {"08-five-exchanges", "09-libraries"}
    assert {stem for stem, ex in LIVE.items() if "bybit" in ex} == {"08-five-exchanges", "09-libraries"}


def test_the_committed_file_claims_no_live_run():
    data = verified_data.load(ROOT / "docs" / verified_data.RELATIVE_PATH)
    assert data == verified_data.empty()


def test_all_green_records_versions_commit_and_run_url(tmp_path, monkeypatch):
    monkeypatch.setenv("GITHUB_SERVER_URL", "https://github.com")
    monkeypatch.setenv("GITHUB_REPOSITORY", "keylab-course/keylab")
    monkeypatch.setenv("GITHUB_RUN_ID", "987654")
    monkeypatch.setenv("GITHUB_SHA", "0123456789abcdef0123456789abcdef01234567")
    attempts, failed, data = record(every("pass"), tmp_path)
    assert not failed and {a.outcome for a in attempts.values()} == {"green"}
    okx = data["exchanges"]["okx"]
    assert okx["last_attempt"] == {"at": "2026-05-04T05:41:12Z", "commit": "0123456789abcdef0123456789abcdef01234567",
                                   "run_url": "https://github.com/keylab-course/keylab/actions/runs/987654",
                                   "outcome": "green", "reason": None}
    green = okx["last_green"]
    assert green["notebooks"] == ["08-five-exchanges", "09-libraries"]
    assert set(green["versions"]) == {"ccxt", "python-okx", "httpx"}
    assert green["versions"]["ccxt"] == record_live.importlib.metadata.version("ccxt")
    assert green["python"] == record_live.platform.python_version()
    assert len(data["exchanges"]["binance"]["last_green"]["notebooks"]) == 5
    assert "python-binance" in data["exchanges"]["binance"]["last_green"]["versions"]


def test_without_a_workflow_there_is_no_run_url(tmp_path, monkeypatch):
    for name in ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_RUN_ID"):
        monkeypatch.delenv(name, raising=False)
    _, _, data = record(every("pass"), tmp_path)
    assert data["exchanges"]["binance"]["last_green"]["run_url"] is None


def test_one_failed_notebook_fails_its_exchanges_and_keeps_their_last_green(tmp_path):
    _, _, before = record(every("pass"), tmp_path)
    attempts, failed, data = record(every("pass", **{"08_five_exchanges": "fail"}), tmp_path, before, now=LATER)
    assert failed
    assert {name: a.outcome for name, a in attempts.items()} == {"binance": "failed", "bybit": "failed", "okx": "failed"}
    attempt = data["exchanges"]["bybit"]["last_attempt"]
    assert attempt["at"] == "2026-05-11T05:40:02Z"
    assert attempt["reason"] == "failed: 08-five-exchanges (Cell 0, Cell 1, Cell 2)"
    assert "live answer" not in json.dumps(data)  # failure messages stay out of the published file
    assert data["exchanges"]["bybit"]["last_green"] == before["exchanges"]["bybit"]["last_green"]


def test_an_error_counts_as_a_failure(tmp_path):
    attempts, failed, _ = record(every("pass", **{"03_first_private_call": "error"}), tmp_path)
    assert failed
    assert attempts["binance"].outcome == "failed" and attempts["okx"].outcome == "green"


def test_skipped_notebooks_keep_the_previous_green_record(tmp_path):
    _, _, before = record(every("pass"), tmp_path)
    attempts, failed, data = record(every(NO_KEYS), tmp_path, before, now=LATER)
    assert not failed
    assert {a.outcome for a in attempts.values()} == {"skipped"}
    binance = data["exchanges"]["binance"]
    assert binance["last_green"] == before["exchanges"]["binance"]["last_green"]
    assert binance["last_attempt"]["outcome"] == "skipped"
    assert NO_KEYS in binance["last_attempt"]["reason"]


def test_green_needs_every_notebook_that_lists_the_exchange(tmp_path):
    # Bybit keys missing: 08 and 09 skip; Binance's other notebooks pass, but 08 and 09 are Binance's too.
    cells = every("pass", **{"08_five_exchanges": "no bybit keys", "09_libraries": "no bybit keys"})
    attempts, failed, data = record(cells, tmp_path)
    assert not failed
    assert attempts["binance"].outcome == "skipped"
    assert attempts["binance"].reason == "08-five-exchanges, 09-libraries: no bybit keys"
    assert data["exchanges"]["binance"]["last_green"] is None


def test_a_notebook_missing_from_the_report_did_not_run(tmp_path):
    cells = every("pass")
    del cells["09-libraries"]
    attempts, _, _ = record(cells, tmp_path)
    assert attempts["okx"] == record_live.Attempt(
        "skipped", "09-libraries: not in this run", ("08-five-exchanges", "09-libraries"))


def test_a_repeated_skip_leaves_the_file_unchanged(tmp_path):
    _, _, first = record(every(NO_KEYS), tmp_path)
    text = (tmp_path / "verified.json").read_text()
    _, _, second = record(every(NO_KEYS), tmp_path, first, now=LATER)
    assert (tmp_path / "verified.json").read_text() == text
    _, _, third = record(every("other reason"), tmp_path, second, now=LATER)
    assert third["exchanges"]["okx"]["last_attempt"]["at"] == "2026-05-11T05:40:02Z"


def test_a_run_that_stopped_early_is_a_failure_even_if_its_cells_passed(tmp_path):
    attempts, failed, data = record(every("pass"), tmp_path, status=2)
    assert failed
    assert {a.reason for a in attempts.values()} == {"the test run stopped early (pytest exit status 2)"}
    assert data["exchanges"]["binance"]["last_green"] is None


def test_exit_status_of_the_command(tmp_path):
    data_file = tmp_path / "verified.json"
    args = ["--data", str(data_file), "--notebooks", str(ROOT / "notebooks")]
    assert record_live.main([str(junit(every(NO_KEYS), tmp_path))] + args) == 0
    assert record_live.main([str(junit(every("pass"), tmp_path))] + args) == 0
    assert record_live.main([str(junit(every("pass", **{"01_first_request": "fail"}), tmp_path))] + args) == 1
    assert record_live.main([str(tmp_path / "absent.xml")] + args) == 2
    data_file.write_text('{"version": 1}')
    assert record_live.main([str(junit(every("pass"), tmp_path))] + args) == 2  # a broken record is not overwritten
    assert data_file.read_text() == '{"version": 1}'


def test_a_real_live_run_without_keys_is_recorded_as_skipped(tmp_path):
    """pytest --live as make live-record runs it, here with no keys: every notebook skips, exit 0."""
    if (ROOT / ".env").exists():
        pytest.skip("a .env here may hold testnet keys; this test must not go live")
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(tuple(f"{p}_" for p in ("BINANCE_TESTNET", "BYBIT_TESTNET", "OKX_DEMO")))
           and not k.startswith(("PYTEST_", "LOCALNET_"))}
    report = tmp_path / "live.xml"
    run = subprocess.run([sys.executable, "-m", "pytest", "--live", "-p", "no:randomly", "-q", "notebooks",
                          f"--junitxml={report}"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    data_file = tmp_path / "verified.json"
    assert record_live.main([str(report), "--data", str(data_file), "--pytest-status", "0"]) == 0
    data = verified_data.load(data_file)
    for exchange in verified_data.EXCHANGES:
        assert data["exchanges"][exchange]["last_green"] is None
        assert data["exchanges"][exchange]["last_attempt"]["outcome"] == "skipped"
    assert "BINANCE_TESTNET_API_KEY" in data["exchanges"]["binance"]["last_attempt"]["reason"]


def test_live_notebooks_reads_the_metadata(tmp_path):
    for name, live in (("01-a", ["binance"]), ("02-b", [])):
        nb = nbformat.v4.new_notebook(metadata={"keylab": {"live": live}})
        nbformat.write(nb, tmp_path / f"{name}.ipynb")
    (tmp_path / "scratch.ipynb").write_text("{}")  # not a numbered notebook: ignored
    assert record_live.live_notebooks(tmp_path) == {"01-a": ["binance"], "02-b": []}
