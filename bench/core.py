"""What every benchmark shares: a row of results, statistics, and the table and JSON they end in.

A benchmark module has one function, `run(quick: bool) -> list[Row]`. `quick` means "as few
repetitions as still give a number" (the tests use it to check the plumbing, never the figures).
"""

from __future__ import annotations

import json
import math
import os
import platform
import statistics
import subprocess
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Row:
    """One measured figure, with what it is compared against."""

    section: str                  # "setup", "build", "notebooks", "localnet" or "site"
    name: str                     # what was measured, in plain words
    value: float
    unit: str                     # "s", "ms", "KB", "req/s" or "x"
    floor: float | None = None    # the same measurement with the work taken out, same unit
    target: str = ""              # the budget in words, e.g. "< 5 s" or "<= 1.5x floor"
    met: bool | None = None       # None when there is no target
    note: str = ""                # how it was measured, when the name is not enough
    extra: dict = field(default_factory=dict)  # further figures (p99, samples, ...) for the JSON

    @property
    def ratio(self) -> float | None:
        if not self.floor:
            return None
        return self.value / self.floor


def stats(samples: Iterable[float]) -> dict[str, float]:
    """Median, p99, mean, min, max and count of some samples."""
    ordered = sorted(samples)
    if not ordered:
        raise ValueError("no samples")
    return {
        "n": len(ordered),
        "median": statistics.median(ordered),
        "p99": percentile(ordered, 99),
        "mean": statistics.fmean(ordered),
        "min": ordered[0],
        "max": ordered[-1],
    }


def percentile(ordered: list[float], pct: float) -> float:
    """The nearest-rank percentile of already sorted samples."""
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def timed(fn: Callable[[], object]) -> float:
    """Seconds one call of `fn` takes."""
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def repeat(fn: Callable[[], object], times: int) -> list[float]:
    """Seconds each of `times` calls of `fn` takes."""
    return [timed(fn) for _ in range(times)]


def below(value: float, limit: float) -> bool:
    return value < limit


def machine() -> dict[str, object]:
    """What the figures were measured on."""
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpus": os.cpu_count(),
        "cpu": cpu or platform.processor(),
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
    }


def commit() -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                             capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return out.stdout.strip()


def report(rows: list[Row], sections: list[str]) -> dict:
    """The JSON document `make bench` writes."""
    return {
        "measured": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "commit": commit(),
        "machine": machine(),
        "sections": sections,
        "rows": [dict(asdict(row), ratio=row.ratio) for row in rows],
    }


def write_json(document: dict, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2, sort_keys=False) + "\n")


def number(value: float, unit: str) -> str:
    """A figure as people read it: 3 significant digits, no exponent."""
    if unit == "KB":
        return f"{value:,.0f} KB"
    if unit == "req/s":
        return f"{value:,.0f} req/s"
    if unit == "x":
        return f"{value:.2f}x"
    if value >= 100:
        text = f"{value:,.0f}"
    elif value >= 10:
        text = f"{value:.1f}"
    else:
        text = f"{value:.2f}"
    return f"{text} {unit}"


def verdict(row: Row) -> str:
    if row.met is None:
        return ""
    return "met" if row.met else "MISSED"


def table(rows: list[Row]) -> str:
    """A plain-text table, one line per row, grouped by section."""
    header = ("section", "measurement", "value", "floor", "ratio", "target", "")
    lines = [header]
    for row in rows:
        lines.append((
            row.section,
            row.name,
            number(row.value, row.unit),
            number(row.floor, row.unit) if row.floor is not None else "",
            f"{row.ratio:.2f}x" if row.ratio is not None else "",
            row.target,
            verdict(row),
        ))
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    out = []
    for index, line in enumerate(lines):
        out.append("  ".join(cell.ljust(width) for cell, width in zip(line, widths)).rstrip())
        if index == 0:
            out.append("  ".join("-" * width for width in widths).rstrip())
    return "\n".join(out)
