"""Build the glossary page's term list from the same definitions the site-wide tooltips use.

`docs/includes/glossary.md` holds `*[term]: definition` lines that pymdownx.snippets appends to
every page (so each term gets a hover tooltip); `docs/includes/glossary-terms.md` holds terms too
common to underline everywhere. On the page that contains the marker below, this hook replaces
the marker with one alphabetical definition list of both, so there is a single source for every
definition.
"""

from __future__ import annotations

import re
from pathlib import Path

MARKER = "<!-- glossary-terms -->"
ENTRY = re.compile(r"^\*\[(?P<term>[^\]]+)\]:\s*(?P<definition>.+)$", re.M)
SOURCES = ("includes/glossary.md", "includes/glossary-terms.md")


def entries(docs_dir: str) -> list[tuple[str, str]]:
    """(term, definition) pairs from both files, sorted case-insensitively."""
    found = {}
    for name in SOURCES:
        for match in ENTRY.finditer((Path(docs_dir) / name).read_text(encoding="utf-8")):
            found[match["term"]] = match["definition"].strip()
    return sorted(found.items(), key=lambda item: item[0].lower())


def on_page_markdown(markdown: str, page, config, files) -> str:
    if MARKER not in markdown:
        return markdown
    listing = "\n\n".join(f"{term}\n:   {definition[0].upper()}{definition[1:]}."
                          for term, definition in entries(config["docs_dir"]))
    return markdown.replace(MARKER, listing)
