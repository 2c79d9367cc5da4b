"""The build hook that moves nbconvert's CSS out of each notebook page into one shared stylesheet."""

import importlib.util
import logging
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("notebook_css_hook", ROOT / "hooks/notebook_css.py")
hook = importlib.util.module_from_spec(spec)
spec.loader.exec_module(hook)

NOTEBOOK = SimpleNamespace(file=SimpleNamespace(src_uri="notebooks/01-x.ipynb"), url="notebooks/01-x/")
MARKDOWN = SimpleNamespace(file=SimpleNamespace(src_uri="keys/permissions.md"), url="keys/permissions/")
CONTENT = (
    '<script>clip()</script>\n<style type="text/css">\n  .highlight-ipynb .k { color: green }\n</style>\n'
    '<style type="text/css">\n.jupyter-wrapper .jp-Cell{padding:5px}</style>\n'
    '<div class="jupyter-wrapper"><div class="jp-Cell highlight-ipynb"><span class="k">def</span></div></div>\n'
    "        <style>\n        ['pre { line-height: 125%; }\\n.highlight-ipynb .k { color: green }']\n        </style>\n"
)


def build(pages: list[tuple[SimpleNamespace, str]], site_dir: Path) -> dict[str, str]:
    """Run the hook over some pages the way MkDocs does; the pages' final HTML by URL."""
    config = SimpleNamespace(site_dir=str(site_dir))
    hook.on_pre_build(config)
    out = {}
    for page, content in pages:
        content = hook.on_page_content(content, page, config, None)
        out[page.url] = hook.on_post_page(f"<html><head>\n  </head><body>{content}</body></html>", page, config)
    hook.on_post_build(config)
    return out


def test_notebook_styles_leave_the_page_for_one_shared_stylesheet(tmp_path):
    pages = build([(NOTEBOOK, CONTENT), (MARKDOWN, "<p>Hi</p><style>p{}</style>")], tmp_path)
    notebook = pages[NOTEBOOK.url]
    assert "<style" not in notebook
    assert '<link rel="stylesheet" href="../../assets/stylesheets/notebook.css">\n  </head>' in notebook
    assert '<div class="jupyter-wrapper"><div class="jp-Cell highlight-ipynb"><span class="k">def</span></div>' in notebook
    assert "<script>clip()</script>" in notebook
    # Other pages are left alone.
    assert pages[MARKDOWN.url] == "<html><head>\n  </head><body><p>Hi</p><style>p{}</style></body></html>"
    css = (tmp_path / hook.STYLESHEET).read_text()
    assert css.startswith('@charset "UTF-8";')
    assert css.index(".highlight-ipynb .k") < css.index(".jupyter-wrapper .jp-Cell")  # the page's order
    assert "['pre" not in css  # the malformed closing block is dropped, not shared


def test_blocks_shared_by_many_notebooks_are_written_once(tmp_path):
    other = SimpleNamespace(file=SimpleNamespace(src_uri="notebooks/02-y.ipynb"), url="notebooks/02-y/")
    build([(NOTEBOOK, CONTENT), (other, CONTENT)], tmp_path)
    assert (tmp_path / hook.STYLESHEET).read_text().count(".jupyter-wrapper .jp-Cell") == 1


def test_a_build_without_notebooks_writes_no_stylesheet(tmp_path):
    build([(MARKDOWN, "<p>Hi</p>")], tmp_path)
    assert not (tmp_path / hook.STYLESHEET).exists()


def test_a_notebook_without_the_expected_styles_is_reported(tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="mkdocs.hooks.notebook_css"):
        build([(NOTEBOOK, '<div class="jupyter-wrapper">x</div>')], tmp_path)
    assert "were not where they were expected" in caplog.text


def kept(css: str, classes: set[str]) -> str:
    return hook.stylesheet([css], classes)


def test_rules_for_classes_no_page_has_are_dropped():
    css = kept(".w .a{color:red}.w .b{color:blue}.w .a,.w .c{margin:0}table{width:1px}", {"w", "a"})
    assert ".w .a{color:red}" in css
    assert ".w .b" not in css
    assert ".w .a,.w .c{margin:0}" in css  # one selector that can match keeps the whole rule as it was
    assert "table{width:1px}" in css      # no class: kept


def test_classes_inside_functions_and_materials_own_classes_never_drop_a_rule():
    css = kept(".w .a:not(.gone){x:1}.w .md-typeset__scrollwrap{margin:0}", {"w", "a"})
    assert ".w .a:not(.gone){x:1}" in css
    assert ".w .md-typeset__scrollwrap{margin:0}" in css  # Material adds it as the page runs


def test_rules_that_ask_for_the_root_inside_an_element_are_dropped():
    css = kept(".w :root{--v:1}.w body{margin:0}.w html{x:1}:root{--u:2}html .w{y:1}.w .body{z:1}",
               {"w", "body"})
    assert ":root{--v" not in css and ".w body{" not in css and ".w html{" not in css
    assert ":root{--u:2}" in css and "html .w{y:1}" in css and ".w .body{z:1}" in css


def test_media_queries_are_trimmed_inside_and_kept_when_something_is_left():
    css = kept("@media (max-width:760px){.w .a{x:1}.w .gone{y:1}}@media print{.w .gone{z:1}}"
               "@keyframes spin{from{opacity:0}}", {"w", "a"})
    assert "@media (max-width:760px){.w .a{x:1}}" in css
    assert "print" not in css
    assert "@keyframes spin{from{opacity:0}}" in css


def test_error_output_rules_come_along_when_a_notebook_has_an_error():
    css = ".w .ansi-red-fg{color:#e75c58}.w .jp-RenderedText[data-mime-type='application/vnd.jupyter.stderr']{bg:1}"
    assert ".ansi-red-fg" not in kept(css, {"w", "jp-RenderedText"})
    assert ".ansi-red-fg" in kept(css, {"w", "jp-RenderedText", "ansi-red-fg"})
    assert "vnd.jupyter.stderr" in kept(css, {"w", "jp-RenderedText"})


def test_classes_are_read_from_every_class_attribute():
    html = """<div class="a  b"><span class='c'></span><i class=d></i><p data-class="e"></p></div>"""
    assert hook.classes_in(html) == {"a", "b", "c", "d"}


def test_a_remote_url_in_the_shared_stylesheet_is_reported(tmp_path, caplog):
    content = CONTENT.replace("padding:5px", "background:url(https://cdn.example.com/x.png)")
    with caplog.at_level(logging.WARNING, logger="mkdocs.hooks.notebook_css"):
        build([(NOTEBOOK, content)], tmp_path)
    assert "would load from another host" in caplog.text
