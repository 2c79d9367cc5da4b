"""One shared, cacheable stylesheet for the notebook pages instead of ~590 KB of CSS inside each.

nbconvert (through mkdocs-jupyter) starts every notebook's HTML with <style> blocks: JupyterLab's
whole stylesheet (~574 KB), its light theme, the Pygments colours and a few Mermaid rules, the same
on every notebook page; mkdocs-jupyter ends it with one more, a Python list printed into a <style>
(every rule in it is malformed, so browsers ignore it). Here those blocks leave the page before
the search plugin reads it, and the site gets them once, in order, as `assets/stylesheets/
notebook.css`, which each notebook page links at the end of its <head> (after the site's own
stylesheets, as the blocks came after them before). Material's instant navigation adds and drops
that <link> as the reader moves between pages.

Most of JupyterLab's stylesheet is for the JupyterLab application (menus, dialogs, Blueprint
widgets) that a static notebook page never shows, so the shared file keeps only the rules that
can match: a rule goes when each of its selectors names a class that no notebook page has (and
that Material's JavaScript cannot add), or
asks for the document's root inside an element (`.jupyter-wrapper :root`, 87 KB of variables).
Classes inside :not(), :is() and the like never rule a selector out, and @keyframes, @font-face
and the like are always kept. The CSS is split with a small scanner (strings, comments and braces)
rather than a full CSS parser: nbconvert's CSS is plain, minified CSS, and a parser in Python took
most of a second per build over JupyterLab's 574 KB.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

log = logging.getLogger("mkdocs.hooks.notebook_css")

STYLESHEET = "assets/stylesheets/notebook.css"
WRAPPER = '<div class="jupyter-wrapper">'
# mkdocs-jupyter's closing block: `<style>['pre { ...', ...]</style>`.
LIST_STYLE = re.compile(r"\s*<style>\s*\[.*?\]\s*</style>", re.S)
CLASS_ATTRIBUTE = re.compile(r"""(?<![\w-])class\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")
# Material's JavaScript adds classes of its own as the page runs (it wraps each table in
# .md-typeset__scrollwrap, which mkdocs-jupyter's stylesheet styles): those always count as present.
RUNTIME_PREFIX = "md-"
REMOTE_URL = re.compile(r"""(?:url\(\s*["']?|@import\s+["'])(?:https?:)?//""", re.I)

# What the scanner stops at: strings and comments (skipped whole), braces and semicolons.
CSS_TOKEN = re.compile(r""""(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'|/\*.*?\*/|[{};]""", re.S)
COMMENT = re.compile(r"/\*.*?\*/", re.S)
GROUPING_AT_RULES = ("@media", "@supports", "@container", "@layer")
INSIDE = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")         # (...) and [...], innermost first
CLASS = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")
COMBINATOR = re.compile(r"\s*[>+~]\s*|\s+")
ROOT = re.compile(r"^(?:html|body)(?![\w-])|:root(?![\w-])", re.I)

_blocks: dict[str, None] = {}   # the CSS of each distinct block, in the order first seen
_classes: set[str] = set()      # every class on any notebook page


def is_notebook(page: Page) -> bool:
    return page.file.src_uri.endswith(".ipynb")


def on_pre_build(config: MkDocsConfig) -> None:
    _blocks.clear()
    _classes.clear()


def take_styles(content: str) -> tuple[str, list[str]]:
    """The notebook's HTML without its <style> blocks, and the CSS of the blocks before its cells."""
    head, wrapper, body = content.partition(WRAPPER)
    if not wrapper:
        return content, []
    kept, found, position = [], [], 0
    while (start := head.find("<style", position)) != -1:
        opened = head.find(">", start) + 1
        end = head.find("</style>", opened)
        if opened == 0 or end == -1:
            break
        kept.append(head[position:start])
        found.append(head[opened:end].strip())
        position = end + len("</style>")
    kept.append(head[position:])
    return "".join(kept) + wrapper + LIST_STYLE.sub("", body), found


def on_page_content(content: str, page: Page, config: MkDocsConfig, files) -> str:
    if not is_notebook(page):
        return content
    content, found = take_styles(content)
    if not found:
        log.warning("%s: nbconvert's <style> blocks were not where they were expected", page.file.src_uri)
    for css in found:
        _blocks.setdefault(css)
    return content


def classes_in(html: str) -> set[str]:
    """Every class named in a class attribute of `html`."""
    return {name for match in CLASS_ATTRIBUTE.finditer(html) for name in "".join(match.groups("")).split()}


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    if not is_notebook(page):
        return output
    _classes.update(classes_in(output))
    href = get_relative_url(STYLESHEET, page.url)
    return output.replace("</head>", f'<link rel="stylesheet" href="{href}">\n  </head>', 1)


def rules(css: str) -> list[tuple[str, str | None]]:
    """The top-level rules of `css` as (prelude, block) pairs; block is None for `@charset ...;`."""
    found: list[tuple[str, str | None]] = []
    depth, start, opened = 0, 0, 0
    for match in CSS_TOKEN.finditer(css):
        token = match.group()
        if token == "{":
            if depth == 0:
                opened = match.end()
            depth += 1
        elif token == "}" and depth > 0:
            depth -= 1
            if depth == 0:
                found.append((COMMENT.sub("", css[start : opened - 1]).strip(), css[opened : match.start()]))
                start = match.end()
        elif token == ";" and depth == 0:
            found.append((COMMENT.sub("", css[start : match.start()]).strip(), None))
            start = match.end()
    return found


def selectors(prelude: str) -> list[str]:
    """A rule's selectors, with what is inside parentheses and brackets taken out."""
    while True:
        flat = INSIDE.sub("()", prelude)
        if flat == prelude:
            return [selector.strip() for selector in flat.split(",")]
        prelude = flat


def names_the_root_late(selector: str) -> bool:
    """True when `:root`, `html` or `body` comes after a combinator: `.jupyter-wrapper :root`
    asks for the document's root inside an element, which nothing is."""
    return any(ROOT.search(compound) for compound in COMBINATOR.split(selector)[1:])


def can_match(prelude: str, classes: set[str]) -> bool:
    """Whether some selector of the rule can match an element on a notebook page."""
    return any(
        {name for name in CLASS.findall(selector) if not name.startswith(RUNTIME_PREFIX)} <= classes
        and not names_the_root_late(selector)
        for selector in selectors(prelude)
    )


def trimmed(css: str, classes: set[str]) -> list[str]:
    """The text of the rules of `css` that can match an element with some of `classes`."""
    kept: list[str] = []
    for prelude, block in rules(css):
        if block is None:
            if not prelude.lower().startswith("@charset"):  # only allowed first; the file has its own
                kept.append(prelude + ";")
        elif prelude.lower().startswith(GROUPING_AT_RULES):
            inner = trimmed(block, classes)
            if inner:
                kept.append(prelude + "{" + "".join(inner) + "}")
        elif prelude.startswith("@") or can_match(prelude, classes):
            kept.append(prelude + "{" + block + "}")
    return kept


def stylesheet(blocks: list[str], classes: set[str]) -> str:
    """The shared stylesheet: every block, in order, trimmed to what can match `classes`."""
    parts = ['@charset "UTF-8";']  # JupyterLab's icons and quotes are not all ASCII
    parts += ["\n".join(trimmed(css, classes)) for css in blocks]
    return "\n".join(parts) + "\n"


def on_post_build(config: MkDocsConfig) -> None:
    if not _blocks:
        return
    css = stylesheet(list(_blocks), _classes)
    for match in REMOTE_URL.finditer(css):
        log.warning("%s would load from another host: %s", STYLESHEET, css[match.start() : match.end() + 60])
    path = Path(config.site_dir) / STYLESHEET
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(css, encoding="utf-8")
