"""Keep the built site offline: no page may load anything from another host.

nbconvert's notebook template carries a module script that imports Mermaid from a CDN when a
notebook contains a diagram, and a MathJax block whose script has an empty src (nbconvert's
MathJax URL is unset: the notebooks have no formulas). Both are removed here (notebook diagrams
go through Material's self-hosted Mermaid instead). Then every page is checked for scripts,
stylesheets, images, frames and imports that point at another host; each one is reported as a
warning, which fails the strict build.
"""

import logging
import re

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.pages import Page

log = logging.getLogger("mkdocs.hooks.offline")

NBCONVERT_MERMAID = re.compile(
    r'<script type="module">\s*document\.addEventListener\("DOMContentLoaded", async \(\) => \{\s*'
    r'const diagrams = document\.querySelectorAll\("\.jp-Mermaid.*?</script>',
    re.DOTALL,
)
NBCONVERT_MATHJAX = re.compile(r"<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->", re.DOTALL)

# Ways a page makes the browser fetch something by itself (links the reader clicks are fine).
REMOTE_LOADS = [
    re.compile(r'<(?:script|img|iframe|audio|video|source|embed)\b[^>]*?\bsrc\s*=\s*["\']?(?:https?:)?//', re.I),
    re.compile(r'<link\b(?=[^>]*\brel\s*=\s*["\']?(?:stylesheet|preload|preconnect|modulepreload|icon|manifest|dns-prefetch))[^>]*?\bhref\s*=\s*["\']?(?:https?:)?//', re.I),
    re.compile(r'\bimport\s*\(\s*["\'](?:https?:)?//', re.I),
    re.compile(r'\burl\(\s*["\']?(?:https?:)?//', re.I),
]


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    output = NBCONVERT_MATHJAX.sub("", NBCONVERT_MERMAID.sub("", output))
    for pattern in REMOTE_LOADS:
        for match in pattern.finditer(output):
            snippet = output[match.start() : match.end() + 60].replace("\n", " ")
            log.warning("%s would load from another host: %s", page.file.src_uri, snippet)
    return output
