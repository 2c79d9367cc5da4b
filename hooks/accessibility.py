"""Small fixes to the HTML that Material and nbconvert emit, found by the axe browser tests.

- Material's search container has role="dialog" but no name; it gets aria-label="Search".
- Notebook code cells, and code blocks in notebooks' Markdown cells, scroll sideways when a line
  is long; a scrolling region must be reachable with the keyboard, so each gets tabindex="0".
"""

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.pages import Page

FIXES = [
    (
        'data-md-component="search" role="dialog">',
        'data-md-component="search" role="dialog" aria-label="Search">',
    ),
    ('<div class="highlight-ipynb hl-python">', '<div class="highlight-ipynb hl-python" tabindex="0">'),
]


# Code blocks written in a notebook's Markdown cells scroll sideways too. (Material's own code
# blocks get their tabindex from Material's script; nbconvert's do not.)
NOTEBOOK_FIXES = [('<div class="highlight"><pre>', '<div class="highlight"><pre tabindex="0">')]


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    for old, new in FIXES + (NOTEBOOK_FIXES if page.file.src_uri.endswith(".ipynb") else []):
        output = output.replace(old, new)
    return output
