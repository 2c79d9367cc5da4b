"""The build hook that keeps pages from loading anything from another host."""

import importlib.util
import logging
from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("offline_hook", ROOT / "hooks/offline.py")
offline = importlib.util.module_from_spec(spec)
spec.loader.exec_module(offline)

PAGE = SimpleNamespace(file=SimpleNamespace(src_uri="page.md"))


@pytest.mark.parametrize(
    "html",
    [
        '<script src="https://cdn.example.com/x.js"></script>',
        "<img alt='' src=//cdn.example.com/x.png>",
        '<link rel="stylesheet" href="https://fonts.googleapis.com/css">',
        '<link href="https://fonts.gstatic.com" rel="preconnect">',
        '<script type="module">await import("https://esm.example.com/m.mjs")</script>',
        '<div style="background: url(https://img.example.com/a.png)"></div>',
    ],
)
def test_remote_loads_are_reported(html, caplog):
    with caplog.at_level(logging.WARNING, logger="mkdocs.hooks.offline"):
        offline.on_post_page(html, PAGE, None)
    assert "would load from another host" in caplog.text


@pytest.mark.parametrize(
    "html",
    [
        '<a href="https://www.binance.com/">Binance</a>',
        '<link rel="canonical" href="https://keylab.example/">',
        '<script src="../assets/javascripts/bundle.js"></script>',
        '<svg xmlns="http://www.w3.org/2000/svg"></svg>',
    ],
)
def test_links_and_local_assets_pass(html, caplog):
    with caplog.at_level(logging.WARNING, logger="mkdocs.hooks.offline"):
        assert offline.on_post_page(html, PAGE, None) == html
    assert caplog.text == ""


def test_nbconvert_cdn_mermaid_loader_is_removed():
    html = (
        '<p>before</p><script type="module">\n  document.addEventListener("DOMContentLoaded", async () => {\n'
        '    const diagrams = document.querySelectorAll(".jp-Mermaid > pre.mermaid");\n'
        '    const mermaid = (await import("https://cdnjs.cloudflare.com/m.mjs")).default;\n'
        "  });\n</script><p>after</p>"
    )
    assert offline.on_post_page(html, PAGE, None) == "<p>before</p><p>after</p>"


def test_nbconvert_mathjax_block_with_its_empty_script_src_is_removed():
    html = ('<p>before</p><!-- Load mathjax -->\n<script src=""> </script>\n<!-- MathJax configuration -->\n'
            '<script type="text/x-mathjax-config">\n init_mathjax();\n</script>\n'
            "<!-- End of mathjax configuration --><p>after</p>")
    assert offline.on_post_page(html, PAGE, None) == "<p>before</p><p>after</p>"
