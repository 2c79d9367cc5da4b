"""The strict site build: any warning (a broken link, a missing snippet, a remote asset) fails it."""

import json
import re
from pathlib import Path

import pytest

from tests.sitebuild import shared_site


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    site_dir, result = shared_site(tmp_path_factory)
    log = result.stdout + result.stderr
    assert result.returncode == 0, log
    assert not re.search(r"^(WARNING|ERROR)\b", log, re.M), log
    return site_dir


def test_every_page_is_built(site):
    for page in ["index.html", "signing/step-by-step/index.html", "notebooks/02-sign-a-request/index.html"]:
        assert (site / page).is_file(), page


def test_signing_page_includes_the_tested_snippet_and_its_output(site):
    html = (site / "signing/step-by-step/index.html").read_text()
    assert re.search(r"<span class=\"nf\">signed_query</span>", html)  # the snippet, highlighted
    assert "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71" in html
    assert 'class="mermaid"' in html


def test_glossary_terms_become_abbreviations(site):
    html = (site / "signing/step-by-step/index.html").read_text()
    assert re.search(r'<abbr title="Hash-based Message Authentication Code[^"]*">HMAC</abbr>', html)


def test_notebook_page_has_outputs_and_its_source_beside_it(site):
    page = site / "notebooks/02-sign-a-request"
    html = (page / "index.html").read_text()
    assert "identical:  True" in html
    assert 'download' in html and "02-sign-a-request.ipynb" in html
    source = json.loads((page / "02-sign-a-request.ipynb").read_text())
    assert source["nbformat"] == 4


def test_no_font_or_script_is_loaded_from_another_host(site):
    for page in site.rglob("*.html"):
        html = page.read_text()
        assert "fonts.googleapis.com" not in html, page
        assert not re.search(r'<script[^>]+src="(https?:)?//', html), page
