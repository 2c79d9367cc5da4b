"""Links in notebooks that work in Jupyter, on GitHub and on the site.

A notebook links to a page by the page's Markdown source, relative to the notebook:
`[Permissions](../docs/keys/permissions.md)`, and to another notebook by its file name:
`[notebook 05](05-time-and-windows.ipynb)`. Jupyter and GitHub follow those as they are. On the
site the notebook's HTML (made by nbconvert, which MkDocs never checks) gets each such link
rewritten to the page's URL here; a link to a page or an anchor that does not exist is a
warning, so `mkdocs build --strict` fails on it. Markdown files next to the notebooks (the
folder's README) use the same `../docs/` form, rewritten before MkDocs checks their links.

A notebook page's table of contents is also mended here: mkdocs-jupyter builds it from a Markdown
conversion that drops inline code from headings ("What `sign()` does" became "What does",
#what-does), so its links missed nbconvert's heading ids (#what-sign-does). Each entry takes its
id and text from the heading it stands for.
"""

from __future__ import annotations

import html
import logging
import re
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink, TableOfContents

log = logging.getLogger("mkdocs.hooks.notebook_links")

NOTEBOOKS = "notebooks/"
DOCS_PREFIX = "../docs/"
HREF = re.compile(r'href="(?P<target>[^"#:]+\.(?:md|ipynb))(?:#(?P<anchor>[^"]*))?"')
MARKDOWN_LINK = re.compile(r"\]\(\.\./docs/")
# A Markdown cell's heading as nbconvert writes it: id, then the text, then its pilcrow link.
HEADING = re.compile(r'<h(?P<level>[1-6]) id="(?P<id>[^"]+)">(?P<text>.*?)<a class="anchor-link"', re.S)
TAG = re.compile(r"<[^>]+>")

# (page that links, target file, anchor) pairs whose anchors are checked once every page is built.
_anchors: list[tuple[str, str, str]] = []


def on_pre_build(config: MkDocsConfig) -> None:
    _anchors.clear()


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """A README among the notebooks links to `../docs/x.md`; MkDocs knows that page as `../x.md`."""
    if page.file.src_uri.startswith(NOTEBOOKS) and page.file.src_uri.endswith(".md"):
        return MARKDOWN_LINK.sub("](../", markdown)
    return markdown


def target_path(href: str, page: Page) -> str | None:
    """The docs-relative path a notebook's href points at, or None when it is not a course link."""
    if href.startswith(DOCS_PREFIX):
        return href[len(DOCS_PREFIX):]
    if "/" not in href and href.endswith(".ipynb"):
        return str(Path(page.file.src_uri).parent / href)
    return None


def on_page_content(content: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Point a notebook's course links at the pages' URLs; warn about any that lead nowhere."""
    if not page.file.src_uri.endswith(".ipynb"):
        return content
    if getattr(page, "toc", None):
        mend_toc(page.toc, content, page.file.src_uri)

    def rewrite(match: re.Match) -> str:
        href = html.unescape(match["target"])
        path = target_path(href, page)
        if path is None:
            return match[0]
        target = files.get_file_from_path(path)
        if target is None:
            log.warning("%s links to %s, which is not a page of the site", page.file.src_uri, href)
            return match[0]
        anchor = match["anchor"]
        if anchor:
            _anchors.append((page.file.src_uri, target.dest_uri, anchor))
        url = target.url_relative_to(page.file)
        return f'href="{html.escape(url)}{"#" + anchor if anchor else ""}"'

    return HREF.sub(rewrite, content)


def _entries(items: TableOfContents | list[AnchorLink]) -> list[AnchorLink]:
    """Every entry of a table of contents, in document order."""
    return [entry for item in items for entry in [item, *_entries(item.children)]]


def mend_toc(toc: TableOfContents, content: str, src_uri: str) -> None:
    """Give each table-of-contents entry the id and text of the heading it stands for, in order."""
    entries = _entries(toc)
    headings = list(HEADING.finditer(content))
    if [entry.level for entry in entries] != [int(h["level"]) for h in headings]:
        log.warning("%s: its table of contents does not match its headings", src_uri)
        return
    for entry, heading in zip(entries, headings):
        entry.id = html.unescape(heading["id"])
        entry.title = TAG.sub("", heading["text"]).strip()


def on_post_build(config: MkDocsConfig) -> None:
    """Every anchor a notebook links to must be an id on the built target page."""
    site = Path(config.site_dir)
    for source, dest_uri, anchor in _anchors:
        built = site / dest_uri
        text = built.read_text(encoding="utf-8") if built.is_file() else ""
        if f'id="{anchor}"' not in text:
            log.warning("%s links to #%s on %s, which has no such anchor", source, anchor, dest_uri)
