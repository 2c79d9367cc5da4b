"""The build hook that turns a notebook's `../docs/x.md` links into page URLs and checks them."""

import importlib.util
import logging
from pathlib import Path
from types import SimpleNamespace

from mkdocs.structure.files import File, Files

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("notebook_links", ROOT / "hooks/notebook_links.py")
hook = importlib.util.module_from_spec(spec)
spec.loader.exec_module(hook)


def page_file(src_uri: str, dest_uri: str | None = None) -> File:
    f = File(src_uri, "/docs", "/site", use_directory_urls=True)
    if dest_uri:
        f.dest_uri = dest_uri  # what mkdocs-jupyter makes of a notebook: a page of its own
        f.url = dest_uri.removesuffix("index.html")
    return f


NOTEBOOK = page_file("notebooks/03-first.ipynb", "notebooks/03-first/index.html")
FILES = Files([
    page_file("signing/step-by-step.md"),
    page_file("keys/permissions.md"),
    NOTEBOOK,
    page_file("notebooks/05-time.ipynb", "notebooks/05-time/index.html"),
])
PAGE = SimpleNamespace(file=NOTEBOOK)


def test_page_and_notebook_links_become_urls_relative_to_the_notebook_page():
    html = ('<a href="../docs/signing/step-by-step.md">a</a> <a href="../docs/keys/permissions.md#scopes">b</a> '
            '<a href="05-time.ipynb">c</a> <a href="https://example.org/x.md">d</a>')
    out = hook.on_page_content(html, PAGE, None, FILES)
    assert 'href="../../signing/step-by-step/"' in out
    assert 'href="../../keys/permissions/#scopes"' in out
    assert 'href="../05-time/"' in out
    assert 'href="https://example.org/x.md"' in out


def test_a_link_to_a_missing_page_is_a_warning(caplog):
    with caplog.at_level(logging.WARNING):
        out = hook.on_page_content('<a href="../docs/keys/nothing.md">x</a>', PAGE, None, FILES)
    assert "keys/nothing.md, which is not a page" in caplog.text
    assert 'href="../docs/keys/nothing.md"' in out


def test_a_missing_anchor_is_a_warning_once_the_site_is_built(tmp_path, caplog):
    hook.on_pre_build(None)
    hook.on_page_content('<a href="../docs/keys/permissions.md#nope">x</a> <a href="../docs/keys/permissions.md#scopes">y</a>',
                         PAGE, None, FILES)
    built = tmp_path / "keys/permissions/index.html"
    built.parent.mkdir(parents=True)
    built.write_text('<h2 id="scopes">Scopes</h2>')
    with caplog.at_level(logging.WARNING):
        hook.on_post_build(SimpleNamespace(site_dir=str(tmp_path)))
    assert "#nope" in caplog.text and "#scopes" not in caplog.text


def test_markdown_pages_are_left_alone_except_a_readme_among_the_notebooks():
    text = "See [the page](../docs/keys/permissions.md)."
    other = SimpleNamespace(file=page_file("keys/restrictions.md"))
    readme = SimpleNamespace(file=page_file("notebooks/README.md"))
    assert hook.on_page_markdown(text, other, None, FILES) == text
    assert hook.on_page_markdown(text, readme, None, FILES) == "See [the page](../keys/permissions.md)."
    assert hook.on_page_content('<a href="../docs/x.md">', other, None, FILES) == '<a href="../docs/x.md">'


def test_a_notebook_toc_takes_ids_and_text_from_the_headings(caplog):
    from mkdocs.structure.toc import get_toc

    toc = get_toc([{"level": 1, "id": "title", "name": "Title", "children": [
        {"level": 2, "id": "what-does", "name": "What does", "children": []}]}])
    html = ('<h1 id="title">Title<a class="anchor-link" href="#title">¶</a></h1>'
            '<h2 id="what-sign-does">What <code>sign()</code> does<a class="anchor-link" href="#what-sign-does">¶</a></h2>')
    hook.mend_toc(toc, html, "notebooks/02.ipynb")
    entry = toc.items[0].children[0]
    assert (entry.id, entry.title) == ("what-sign-does", "What sign() does")
    with caplog.at_level(logging.WARNING, logger="mkdocs.hooks.notebook_links"):
        hook.mend_toc(toc, html.split("<h2")[0], "notebooks/02.ipynb")
    assert "does not match its headings" in caplog.text
