"""The built site in real Chromium: what a reader sees and does, and what the browser fetches."""

import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from tests.browser.a11y import audit

ROOT = Path(__file__).resolve().parents[2]
SIGNING = "signing/step-by-step/"
NOTEBOOK = "notebooks/02-sign-a-request/"
DOC_SIGNATURE = "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71"


def nav_pages() -> list[str]:
    """The URL path of every page in mkdocs.yml's nav, in order ("" for the home page)."""
    nav = (ROOT / "mkdocs.yml").read_text().split("\nnav:\n", 1)[1]
    sources = re.findall(r"^\s+- (?:.*: )?(\S+\.(?:md|ipynb))\s*$", nav, re.M)
    return ["" if src == "index.md" else re.sub(r"(README\.md|\.md|\.ipynb)$", "/", src).replace("//", "/")
            for src in sources]


def scheme(page: Page) -> str:
    return page.locator("body").get_attribute("data-md-color-scheme")


def test_home_page_renders(page: Page, site_url: str, errors: list[str]):
    page.goto(site_url)
    expect(page).to_have_title(re.compile("KeyLab"))
    expect(page.locator("h1")).to_have_text(re.compile(r"^KeyLab: learn exchange API keys by doing"))
    expect(page.get_by_role("link", name="Signing a request, step by step").first).to_be_visible()
    assert errors == []


def test_dark_mode_choice_persists_across_pages(page: Page, site_url: str, errors: list[str]):
    page.emulate_media(color_scheme="light")
    page.goto(site_url)
    assert scheme(page) == "default"
    page.locator("form[data-md-component=palette] label:visible").click()  # the sun/moon button
    assert scheme(page) == "slate"
    page.get_by_role("link", name="Signing a request, step by step").first.click()
    page.wait_for_url(re.compile(re.escape(SIGNING)))
    assert scheme(page) == "slate"
    page.goto(site_url + NOTEBOOK)  # a full load this time, not instant navigation
    assert scheme(page) == "slate"
    assert errors == []


def test_search_finds_the_signing_page(page: Page, site_url: str):
    page.goto(site_url)
    page.locator("input.md-search__input").click()
    page.keyboard.type("recvWindow")
    expect(page.locator(f'.md-search-result__item a[href*="{SIGNING}"]').first).to_be_visible()


def test_signing_page_draws_its_diagram_with_the_self_hosted_mermaid(page: Page, site_url: str, errors):
    loaded: list[str] = []
    page.on("request", lambda request: loaded.append(request.url))
    page.goto(site_url + SIGNING)
    expect(page.locator("div.mermaid")).to_have_count(1)  # Material swaps the fence for a drawn diagram
    assert any(url.endswith("assets/vendor/mermaid/mermaid.min.js") for url in loaded)
    assert errors == []


def test_notebook_page_shows_stored_outputs_and_download_link(page: Page, site_url: str, errors):
    page.goto(site_url + NOTEBOOK)
    expect(page.get_by_text(f"documented: {DOC_SIGNATURE}")).to_be_visible()
    expect(page.get_by_text("identical:  True")).to_be_visible()
    download = page.locator("a[download]", has=page.locator("svg"))
    expect(download).to_have_attribute("href", re.compile(r"02-sign-a-request\.ipynb$"))
    response = page.request.get(page.url.split("#")[0] + "02-sign-a-request.ipynb")
    assert response.ok
    assert json.loads(response.body())["nbformat"] == 4
    assert errors == []


def test_no_request_leaves_the_machine(page: Page, site_url: str):
    hosts: set[str] = set()
    page.on("request", lambda request: hosts.add(urlsplit(request.url).hostname or ""))
    page.goto(site_url)
    page.get_by_role("link", name="Signing a request, step by step").first.click()  # instant navigation
    page.wait_for_url(re.compile(re.escape(SIGNING)))
    expect(page.locator("div.mermaid")).to_have_count(1)
    page.goto(site_url + NOTEBOOK)
    page.locator("input.md-search__input").click()
    page.keyboard.type("signature")
    expect(page.locator(".md-search-result__item").first).to_be_visible()
    assert hosts - {""} == {"127.0.0.1"}


@pytest.mark.parametrize("path", nav_pages())
@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_pages_have_no_accessibility_violations(page: Page, site_url: str, path: str, color_scheme: str):
    page.emulate_media(color_scheme=color_scheme)
    page.goto(site_url + path)
    results = audit(page)
    assert results.violations_count == 0, results.generate_report()


def test_every_nav_page_loads_without_console_errors(page: Page, site_url: str, errors: list[str]):
    pages = nav_pages()
    assert len(pages) >= 20
    for path in pages:
        response = page.goto(site_url + path)
        assert response is not None and response.ok, path
        expect(page.locator("h1").first).to_be_visible()
    assert errors == []


def test_a_quiz_works_with_the_keyboard_alone(page: Page, site_url: str, errors: list[str]):
    page.goto(site_url + "keys/permissions/")
    quiz = page.locator(".kl-quiz").first
    answer = int(quiz.get_attribute("data-answer"))
    radios = quiz.locator("input[type=radio]")
    count = radios.count()
    verdict = quiz.locator(".kl-quiz__verdict")

    radios.first.focus()
    page.keyboard.press("Tab")  # leaves the radio group for the button, nothing chosen yet
    page.keyboard.press("Enter")
    expect(verdict).to_have_text("Choose an answer first.")

    wrong = (answer + 1) % count
    radios.first.focus()
    page.keyboard.press("Space")
    for _ in range(wrong):
        page.keyboard.press("ArrowDown")
    expect(radios.nth(wrong)).to_be_checked()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(verdict).to_have_text("Not quite. The explanation below says why.")
    expect(quiz.locator("details")).to_have_attribute("open", "")

    radios.nth(wrong).focus()
    for _ in range((answer - wrong) % count):
        page.keyboard.press("ArrowDown")
    expect(radios.nth(answer)).to_be_checked()
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    expect(verdict).to_have_text("Correct.")
    assert errors == []
