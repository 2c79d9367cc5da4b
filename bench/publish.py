"""Turn bench/latest.json into the Markdown table the testing page includes.

`make bench` writes both files; tests/test_bench.py checks the committed table is exactly what
this module makes of the committed JSON, so the page never shows figures no run produced.
"""

from __future__ import annotations

import json
from pathlib import Path

from bench.core import ROOT, Row, number

TABLE = ROOT / "docs" / "includes" / "performance.md"
SECTION_TITLES = {
    "setup": "Setup",
    "build": "Build",
    "notebooks": "Notebooks",
    "localnet": "localnet",
    "site": "Site",
}


def row_from(data: dict) -> Row:
    fields = {key: data[key] for key in Row.__dataclass_fields__ if key in data}
    return Row(**fields)


def cell(text: str) -> str:
    return text.replace("|", "\\|")


def markdown(document: dict) -> str:
    """The table, one line per figure, with where and when it was measured."""
    rows = [row_from(data) for data in document["rows"]]
    machine = document["machine"]
    day = document["measured"][:10]
    lines = [
        "<!-- Written by `make bench` (bench/publish.py) from bench/latest.json. Do not edit. -->",
        "",
        f"Measured on {day} on a {machine['cpus']}-core machine ({machine['cpu'] or 'unknown CPU'}), "
        f"Python {machine['python']}, commit `{document['commit'] or 'unknown'}`.",
        "",
        "| Part | Measurement | Figure | Floor | Ratio | Target | Result |",
        "|------|-------------|-------:|------:|------:|--------|--------|",
    ]
    for row in rows:
        floor = number(row.floor, row.unit) if row.floor is not None else ""
        ratio = f"{row.ratio:.2f}x" if row.ratio is not None else ""
        verdict = "" if row.met is None else ("met" if row.met else "**missed**")
        lines.append("| " + " | ".join(cell(text) for text in (
            SECTION_TITLES.get(row.section, row.section), row.name, number(row.value, row.unit),
            floor, ratio, row.target, verdict)) + " |")
    return "\n".join(lines) + "\n"


def publish(json_path: Path, table_path: Path = TABLE) -> None:
    table_path.write_text(markdown(json.loads(json_path.read_text())))
