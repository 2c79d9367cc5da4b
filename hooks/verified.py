"""The "Verified" page's tables, rendered at build time from docs/data/verified.json (mkdocs hook).

The page holds the marker line `<!-- verified-tables -->`; this hook replaces it with a summary
table (one row per exchange: last green live run, last attempt) and, for each exchange that has
passed live, the versions it passed with. The weekly live workflow writes the data file
(scripts/record_live.py). A missing or malformed file, or a page without the marker, is a build
warning (an error under --strict) naming the problem; the page then says the record is unreadable.
"""

from __future__ import annotations

import importlib.util
import logging
import sys
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

log = logging.getLogger("mkdocs.hooks.verified")

PAGE = "reference/verified.md"
MARKER = "<!-- verified-tables -->"
NAMES = {"binance": "Binance Spot testnet", "bybit": "Bybit testnet", "okx": "OKX demo trading"}


def _schema():
    """scripts/verified_data.py, the schema the record script writes with (scripts/ is no package)."""
    if "verified_data" not in sys.modules:
        path = Path(__file__).resolve().parent.parent / "scripts" / "verified_data.py"
        spec = importlib.util.spec_from_file_location("verified_data", path)
        module = importlib.util.module_from_spec(spec)
        sys.modules["verified_data"] = module
        spec.loader.exec_module(module)
    return sys.modules["verified_data"]


def escape(text: str) -> str:
    """Text safe inside a Markdown table cell: no table breaks, markup or HTML."""
    text = " ".join(text.split()).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    for char in "\\`*_[]|":
        text = text.replace(char, "\\" + char)
    return text


def when(at: str) -> str:
    """"2026-05-04T05:41:12Z" as "2026-05-04 05:41 UTC"."""
    return f"{at[:10]} {at[11:16]} UTC"


def _run_link(run: dict[str, Any]) -> str:
    return f" ([workflow run]({run['run_url']}))" if run.get("run_url") else ""


def _green_cell(green: dict[str, Any] | None) -> str:
    if green is None:
        return "**Not verified live yet**"
    commit = f", commit `{green['commit'][:7]}`" if green.get("commit") else ""
    return f"**{when(green['at'])}**{commit}{_run_link(green)}"


def _attempt_cell(attempt: dict[str, Any] | None) -> str:
    if attempt is None:
        return "No live run yet"
    if attempt["outcome"] == "green":
        return f"{when(attempt['at'])}: green{_run_link(attempt)}"
    if attempt["outcome"] == "skipped":
        return f"Not run live since {when(attempt['at'])}: {escape(attempt['reason'])}"
    return f"{when(attempt['at'])}: **failed**, {escape(attempt['reason'])}{_run_link(attempt)}"


def render(data: dict[str, Any]) -> str:
    """The Markdown that replaces the marker: the summary, then each green exchange's versions."""
    lines = ["| Exchange | Last green live run | Last attempt |", "|---|---|---|"]
    for name, entry in data["exchanges"].items():
        lines.append(f"| {NAMES[name]} | {_green_cell(entry['last_green'])} | {_attempt_cell(entry['last_attempt'])} |")
    for name, entry in data["exchanges"].items():
        green = entry["last_green"]
        if green is None:
            continue
        lines += ["", f"### {NAMES[name]}", "",
                  f"Passed live on {when(green['at'])} with these versions, running notebooks "
                  + ", ".join(f"`{escape(stem)}`" for stem in green["notebooks"]) + ".", "",
                  "| Library | Version |", "|---|---|", f"| Python | {escape(green['python'])} |"]
        lines += [f"| {escape(dist)} | {escape(version or 'not installed')} |"
                  for dist, version in green["versions"].items()]
    return "\n".join(lines) + "\n"


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    if page.file.src_uri != PAGE:
        return markdown
    if MARKER not in markdown:
        log.warning(f"{PAGE}: the line {MARKER} is missing, so the live record is not shown")
        return markdown
    schema = _schema()
    try:
        data = schema.load(Path(config.docs_dir) / schema.RELATIVE_PATH)
    except schema.VerifiedDataError as problem:
        log.warning(f"{PAGE}: {problem}")
        return markdown.replace(MARKER, '!!! failure "The live record could not be read"\n\n'
                                        f"    {escape(str(problem))}\n")
    return markdown.replace(MARKER, render(data))
