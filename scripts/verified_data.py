"""docs/data/verified.json: the last green live run per exchange, and the last attempt.

The weekly live workflow writes it (scripts/record_live.py); the "Verified" page reads it at
build time (hooks/verified.py). Both go through `load()`, so a file one of them cannot read is
refused with a sentence naming the problem, never half-shown.

    {
      "version": 1,
      "exchanges": {
        "binance": {
          "last_green": null | {"at": "2026-05-04T05:41:12Z", "commit": "<sha>" | null,
                                "run_url": "https://..." | null, "python": "3.11.7",
                                "versions": {"ccxt": "4.5.90", "python-binance": "1.0.37", "httpx": "0.28.1"},
                                "notebooks": ["01-first-request", ...]},
          "last_attempt": null | {"at": "...", "commit": ..., "run_url": ...,
                                  "outcome": "green" | "failed" | "skipped",
                                  "reason": null | "one sentence (why it failed or was skipped)"}
        },
        "bybit": {...}, "okx": {...}
      }
    }
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

VERSION = 1
# The exchanges with a practice environment a live run can sign against, and the SDK of each.
EXCHANGES = ("binance", "bybit", "okx")
SDKS = {"binance": "python-binance", "bybit": "pybit", "okx": "python-okx"}
OUTCOMES = ("green", "failed", "skipped")
RELATIVE_PATH = Path("data") / "verified.json"  # inside docs/

_AT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
_SHA = re.compile(r"^[0-9a-f]{7,40}$")


class VerifiedDataError(ValueError):
    """The data file is missing or does not follow the schema; the message says where."""


def empty() -> dict[str, Any]:
    """The record before any live run: nothing green, nothing attempted."""
    return {"version": VERSION,
            "exchanges": {name: {"last_green": None, "last_attempt": None} for name in EXCHANGES}}


def dumps(data: dict[str, Any]) -> str:
    """The file's text: indented, keys in a fixed order, one trailing newline (stable diffs)."""
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def load(path: Path) -> dict[str, Any]:
    """Read and check the data file; raise VerifiedDataError with a plain reason if it is wrong."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise VerifiedDataError(f"{RELATIVE_PATH} is missing (scripts/record_live.py writes it)") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as problem:
        raise VerifiedDataError(f"{RELATIVE_PATH} is not valid JSON: {problem}") from None
    validate(data)
    return data


def validate(data: Any) -> None:
    """Raise VerifiedDataError at the first thing in `data` that breaks the schema."""
    _expect(isinstance(data, dict), "the top level must be an object")
    _expect(data.get("version") == VERSION, f"\"version\" must be {VERSION}, not {data.get('version')!r}")
    exchanges = data.get("exchanges")
    _expect(isinstance(exchanges, dict), "\"exchanges\" must be an object")
    _expect(sorted(exchanges) == sorted(EXCHANGES),
            f"\"exchanges\" must hold exactly {', '.join(EXCHANGES)}; it holds {', '.join(sorted(exchanges)) or 'none'}")
    for name in EXCHANGES:
        entry = exchanges[name]
        _expect(isinstance(entry, dict) and set(entry) == {"last_green", "last_attempt"},
                f"{name}: must have exactly \"last_green\" and \"last_attempt\"")
        if entry["last_green"] is not None:
            _check_green(name, entry["last_green"])
        if entry["last_attempt"] is not None:
            _check_attempt(name, entry["last_attempt"])


def _check_run(where: str, run: Any) -> None:
    _expect(isinstance(run, dict), f"{where} must be an object or null")
    _expect(isinstance(run.get("at"), str) and bool(_AT.match(run["at"])),
            f"{where}.at must be a UTC time like 2026-05-04T05:41:12Z, not {run.get('at')!r}")
    commit = run.get("commit")
    _expect(commit is None or (isinstance(commit, str) and bool(_SHA.match(commit))),
            f"{where}.commit must be a git sha or null")
    url = run.get("run_url")
    _expect(url is None or (isinstance(url, str) and url.startswith("https://")),
            f"{where}.run_url must be an https URL or null")


def _check_green(name: str, run: Any) -> None:
    where = f"{name}.last_green"
    _check_run(where, run)
    _expect(set(run) == {"at", "commit", "run_url", "python", "versions", "notebooks"},
            f"{where} must have at, commit, run_url, python, versions and notebooks")
    _expect(isinstance(run["python"], str) and bool(run["python"]), f"{where}.python must be a version")
    versions = run["versions"]
    _expect(isinstance(versions, dict) and {"ccxt", SDKS[name], "httpx"} <= set(versions)
            and all(isinstance(v, str) or v is None for v in versions.values()),
            f"{where}.versions must give ccxt, {SDKS[name]} and httpx")
    notebooks = run["notebooks"]
    _expect(isinstance(notebooks, list) and bool(notebooks) and all(isinstance(n, str) for n in notebooks),
            f"{where}.notebooks must list the notebooks that ran")


def _check_attempt(name: str, run: Any) -> None:
    where = f"{name}.last_attempt"
    _check_run(where, run)
    _expect(set(run) == {"at", "commit", "run_url", "outcome", "reason"},
            f"{where} must have at, commit, run_url, outcome and reason")
    _expect(run["outcome"] in OUTCOMES, f"{where}.outcome must be one of {', '.join(OUTCOMES)}")
    if run["outcome"] == "green":
        _expect(run["reason"] is None, f"{where}.reason must be null for a green run")
    else:
        _expect(isinstance(run["reason"], str) and bool(run["reason"].strip()),
                f"{where}.reason must say why the run was {run['outcome']}")


def _expect(condition: bool, message: str) -> None:
    if not condition:
        raise VerifiedDataError(f"{RELATIVE_PATH}: {message}")
