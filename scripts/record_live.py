"""Record a live run's result per exchange in docs/data/verified.json (the "Verified" page).

    python scripts/record_live.py JUNIT_XML [--pytest-status N] [--data FILE] [--notebooks DIR]

Run it after `pytest --live ... --junitxml=JUNIT_XML` (`make live-record` does both). Each
notebook's metadata (`keylab.live`) names the exchanges it sends live. An exchange is green
when every notebook naming it ran (not skipped) and passed; failed when one of them failed; else
skipped, with the skip reasons (usually: its keys are not set). A green run replaces the
exchange's `last_green`; every run replaces its `last_attempt`, except a skip that repeats the
previous skip word for word (so a repository without keys does not get a new commit each week).
A failure message is never copied into the file: it could hold a live answer. Only cell names are.

Exit status: 1 when a notebook failed live or the test run stopped early (`--pytest-status`
other than 0, 1 or 5), 0 when everything ran green or was skipped, 2 when the report is unreadable.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import os
import platform
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
import verified_data  # noqa: E402  (a sibling module; scripts/ is not a package)

ROOT = Path(__file__).resolve().parent.parent
PYTEST_COMPLETED = (0, 1, 5)  # all passed, some failed, nothing collected: the report is whole


@dataclass
class NotebookResult:
    """How one notebook fared in the report: cells that passed, failed, and skip reasons."""

    passed: int = 0
    failed: list[str] = field(default_factory=list)  # cell names ("Cell 4")
    skip_reasons: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        if self.failed:
            return "failed"
        return "passed" if self.passed else "skipped"


@dataclass(frozen=True)
class Attempt:
    """One exchange's outcome in this run."""

    outcome: str  # green, failed, skipped
    reason: str | None
    notebooks: tuple[str, ...]


def live_notebooks(notebooks_dir: Path) -> dict[str, list[str]]:
    """{notebook stem: exchanges it sends live} for every numbered notebook."""
    found = {}
    for path in sorted(Path(notebooks_dir).glob("[0-9][0-9]-*.ipynb")):
        found[path.stem] = list(nbformat.read(path, as_version=4).metadata.get("keylab", {}).get("live", []))
    return found


def read_junit(path: Path, stems: list[str]) -> dict[str, NotebookResult]:
    """Each notebook's result from a pytest junit report (nbval: one testcase per cell)."""
    try:
        tree = ET.parse(path)
    except (OSError, ET.ParseError) as problem:
        raise ValueError(f"cannot read the junit report {path}: {problem}") from None
    results = {stem: NotebookResult() for stem in stems}
    for case in tree.iter("testcase"):
        # nbval's cells: classname "notebooks.01-first-request.ipynb"; a collection error names
        # the file in "name" instead.
        label = case.get("classname") or case.get("name") or ""
        stem = next((s for s in stems if label.endswith(f"{s}.ipynb")), None)
        if stem is None:
            continue
        result = results[stem]
        if case.find("failure") is not None or case.find("error") is not None:
            result.failed.append(case.get("name") or "?")
        elif (skipped := case.find("skipped")) is not None:
            reason = (skipped.get("message") or "skipped").strip()
            if reason not in result.skip_reasons:
                result.skip_reasons.append(reason)
        else:
            result.passed += 1
    return results


def judge(exchange: str, live: dict[str, list[str]], results: dict[str, NotebookResult]) -> Attempt:
    """Green, failed or skipped for `exchange`, from the notebooks that list it."""
    names = tuple(stem for stem, exchanges in live.items() if exchange in exchanges)
    if not names:
        return Attempt("skipped", "no notebook sends requests to it live", names)
    failed = [f"{stem} ({', '.join(results[stem].failed)})" for stem in names if results[stem].status == "failed"]
    if failed:
        return Attempt("failed", "failed: " + "; ".join(failed), names)
    skipped = [stem for stem in names if results[stem].status == "skipped"]
    if not skipped:
        return Attempt("green", None, names)
    reasons: dict[str, list[str]] = {}
    for stem in skipped:
        for reason in results[stem].skip_reasons or ["not in this run"]:
            reasons.setdefault(reason, []).append(stem)
    return Attempt("skipped", "; ".join(f"{', '.join(stems)}: {reason}" for reason, stems in reasons.items()), names)


def run_context(now: datetime | None = None) -> dict[str, Any]:
    """When, at which commit and where this run happened (the workflow's run page if on GitHub)."""
    now = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    server, repo, run_id = (os.environ.get(n) for n in ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_RUN_ID"))
    return {"at": now.strftime("%Y-%m-%dT%H:%M:%SZ"), "commit": current_commit(),
            "run_url": f"{server}/{repo}/actions/runs/{run_id}" if server and repo and run_id else None}


def current_commit() -> str | None:
    """$GITHUB_SHA in a workflow, else the checkout's HEAD; None outside git."""
    if sha := os.environ.get("GITHUB_SHA"):
        return sha
    try:
        done = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    return done.stdout.strip() or None


def versions(exchange: str) -> dict[str, str | None]:
    """The installed versions of ccxt, the exchange's SDK and httpx (None if not installed)."""
    found: dict[str, str | None] = {}
    for dist in ("ccxt", verified_data.SDKS[exchange], "httpx"):
        try:
            found[dist] = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            found[dist] = None
    return found


def update(data: dict[str, Any], attempts: dict[str, Attempt], context: dict[str, Any]) -> dict[str, Any]:
    """The record after this run: a new copy of `data`, validated."""
    new = {"version": verified_data.VERSION, "exchanges": {}}
    for exchange in verified_data.EXCHANGES:
        entry = dict(data["exchanges"][exchange])
        attempt = attempts[exchange]
        previous = entry["last_attempt"]
        repeated_skip = (attempt.outcome == "skipped" and previous is not None
                         and previous["outcome"] == "skipped" and previous["reason"] == attempt.reason)
        if not repeated_skip:
            entry["last_attempt"] = {**context, "outcome": attempt.outcome, "reason": attempt.reason}
        if attempt.outcome == "green":
            entry["last_green"] = {**context, "python": platform.python_version(),
                                   "versions": versions(exchange), "notebooks": list(attempt.notebooks)}
        new["exchanges"][exchange] = entry
    verified_data.validate(new)
    return new


def record(junit: Path, data_file: Path, notebooks_dir: Path, pytest_status: int = 0,
           now: datetime | None = None) -> tuple[dict[str, Attempt], bool]:
    """Judge the run, write the data file; return the attempts and whether the run failed."""
    live = live_notebooks(notebooks_dir)
    results = read_junit(junit, list(live))
    attempts = {exchange: judge(exchange, live, results) for exchange in verified_data.EXCHANGES}
    stopped = pytest_status not in PYTEST_COMPLETED
    if stopped:
        why = f"the test run stopped early (pytest exit status {pytest_status})"
        attempts = {name: Attempt("failed", why, a.notebooks) for name, a in attempts.items()}
    data = verified_data.load(data_file) if data_file.exists() else verified_data.empty()
    data_file.parent.mkdir(parents=True, exist_ok=True)
    data_file.write_text(verified_data.dumps(update(data, attempts, run_context(now))), encoding="utf-8")
    failed = stopped or any(r.status == "failed" for r in results.values())
    return attempts, failed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("junit", type=Path, help="the report pytest --junitxml wrote")
    parser.add_argument("--pytest-status", type=int, default=0, help="pytest's exit status (default 0)")
    parser.add_argument("--data", type=Path, default=ROOT / "docs" / verified_data.RELATIVE_PATH)
    parser.add_argument("--notebooks", type=Path, default=ROOT / "notebooks")
    args = parser.parse_args(argv)
    try:
        attempts, failed = record(args.junit, args.data, args.notebooks, args.pytest_status)
    except (ValueError, verified_data.VerifiedDataError) as problem:
        print(f"record_live: {problem}", file=sys.stderr)
        return 2
    for exchange, attempt in attempts.items():
        print(f"{exchange:8} {attempt.outcome:8} {attempt.reason or ', '.join(attempt.notebooks)}")
    print(f"recorded in {args.data.name}" + ("; a notebook failed live" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
