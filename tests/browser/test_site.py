"""The built site in real Chromium: what a reader sees and does, and what the browser fetches."""

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.a11y import audit
from tests.browser.recorders import assert_local_only, record_errors, record_requests

ROOT = Path(__file__).resolve().parents[2]
SIGNING = "signing/step-by-step/"
NOTEBOOK = "notebooks/02-sign-a-request/"
DOC_SIGNATURE = "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71"
SITEMAP_LOC = "{http://www.sitemaps.org/schemas/sitemap/0.9}loc"
WALK_TABS = 3  # pages the walk loads side by side
# What test_interactions_load_nothing_from_elsewhere does on one page, in order.
INTERACTION_PAGE = "keys/create-a-key/"
INTERACTIONS = ("type a search", "toggle dark mode", "switch a content tab", "open a <details>",
                "scroll to the bottom and back to the top", "follow a link with instant navigation")


def nav_pages() -> list[str]:
    """The URL path of every page in mkdocs.yml's nav, in order ("" for the home page)."""
    nav = (ROOT / "mkdocs.yml").read_text().split("\nnav:\n", 1)[1]
    sources = re.findall(r"^\s+- (?:.*: )?(\S+\.(?:md|ipynb))\s*$", nav, re.M)
    return ["" if src == "index.md" else re.sub(r"(README\.md|\.md|\.ipynb)$", "/", src).replace("//", "/")
            for src in sources]


def every_page(page: Page, site_url: str) -> list[str]:
    """The URL path of every built page: the sitemap's entries, then 404.html.

    tests/test_site_links.py checks that the sitemap lists every page of the build but 404.html.
    """
    response = page.request.get(site_url + "sitemap.xml")
    assert response.ok, response.status
    locs = [loc.text.strip() for loc in ET.fromstring(response.body()).iter(SITEMAP_LOC)]
    assert locs and all(loc.startswith(site_url) for loc in locs), locs
    return [loc.removeprefix(site_url) for loc in locs] + ["404.html"]


class Tab:
    """A browser tab of the page walk, and what went wrong on each page it showed."""

    def __init__(self, page: Page, site_url: str) -> None:
        self.page, self.site_url, self.path, self.response = page, site_url, "", None
        self.errors = record_errors(page)
        self.requests = record_requests(page)
        page.on("websocket", lambda socket: self.requests.append(socket.url))
        self.bad_answers: list[str] = []
        page.on("response", lambda answer: self.bad_answers.append(f"answered {answer.status}: {answer.url}")
                if answer.status >= 400 else None)
        self._seen = (0, 0, 0)

    def since_last_look(self) -> list[str]:
        """What went wrong on the page shown since the last look, each naming the page."""
        errors, requests, answers = (found[seen:] for found, seen in
                                     zip((self.errors, self.requests, self.bad_answers), self._seen))
        self._seen = (len(self.errors), len(self.requests), len(self.bad_answers))
        found = [f"console error: {error}" for error in errors] + answers
        found += [f"request to {url}" for url in requests if not url.startswith((self.site_url, "data:", "blob:"))]
        return [f"{self.path}: {problem}" for problem in found]

    def open(self, path: str) -> list[str]:
        """Start loading `path` without waiting, so that the other tabs load meanwhile; late news of the last page."""
        late = self.since_last_look()
        self.path = path
        self.response = self.page.goto(self.site_url + path, wait_until="commit")
        return late

    def settle(self) -> list[str]:
        """Wait until the page and its lazy loads are done (no request for 500 ms); what went wrong."""
        self.page.wait_for_load_state("networkidle")
        problems = self.since_last_look()
        if not self.response or not self.response.ok:
            problems.append(f"{self.path}: answered {self.response and self.response.status}")
        elif not self.page.locator("h1").first.is_visible():
            problems.append(f"{self.path}: no visible h1")
        return problems


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
    download = page.get_by_role("link", name="Download notebook", exact=True)
    expect(download).to_have_attribute("href", re.compile(r"02-sign-a-request\.ipynb$"))
    response = page.request.get(page.url.split("#")[0] + "02-sign-a-request.ipynb")
    assert response.ok
    assert json.loads(response.body())["nbformat"] == 4
    assert errors == []


@pytest.mark.parametrize("path", nav_pages())
@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_pages_have_no_accessibility_violations(page: Page, site_url: str, path: str, color_scheme: str):
    page.emulate_media(color_scheme=color_scheme)
    page.goto(site_url + path)
    results = audit(page)
    assert results.violations_count == 0, results.generate_report()


def test_every_page_loads_with_no_console_error_and_no_outside_request(page: Page, site_url: str):
    """Every page loaded in full until the network is idle, WALK_TABS at a time; failures name the page."""
    paths = every_page(page, site_url)
    assert len(paths) >= 40
    everything: list[str] = []  # every request of the context: all tabs, workers, service workers
    page.context.on("request", lambda request: everything.append(request.url))
    tabs = [Tab(page, site_url)] + [Tab(page.context.new_page(), site_url) for _ in range(WALK_TABS - 1)]
    problems: list[str] = []
    for first in range(0, len(paths), WALK_TABS):
        batch = list(zip(tabs, paths[first:first + WALK_TABS]))
        for tab, path in batch:
            problems += tab.open(path)
        for tab, _ in batch:
            problems += tab.settle()
    for tab in tabs:
        problems += tab.since_last_look()
    assert problems == [], "\n".join(problems)
    assert page.context.service_workers == []
    assert_local_only(everything, site_url)
    assert len(everything) >= 10 * len(paths)  # each page's own styles, scripts, search index, icon


def test_interactions_load_nothing_from_elsewhere(page: Page, site_url: str, errors: list[str], requested):
    """Lazy loads (search index and worker, Mermaid, the back-to-top button) stay on 127.0.0.1 too."""
    page.goto(site_url + INTERACTION_PAGE)
    page.locator("input.md-search__input").click()  # type a search
    page.keyboard.type("permissions")
    expect(page.locator(".md-search-result__item").first).to_be_visible()
    page.keyboard.press("Escape")
    before = scheme(page)  # toggle dark mode
    page.locator("form[data-md-component=palette] label:visible").click()
    assert scheme(page) != before
    tabs = page.locator(".tabbed-set").first  # switch a content tab
    tabs.locator(".tabbed-labels label").last.click()
    expect(tabs.locator("input").last).to_be_checked()
    details = page.locator("article details").first  # open a <details>
    expect(details).not_to_have_attribute("open", "")
    details.locator("summary").click()
    expect(details).to_have_attribute("open", "")
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")  # scroll to the bottom and back
    page.wait_for_function("window.scrollY > 0")
    page.evaluate("window.scrollBy(0, -200)")  # Material shows "Back to top" while the reader scrolls up
    top = page.locator(".md-top")
    expect(top).not_to_have_attribute("hidden", "")
    top.click()
    page.wait_for_function("window.scrollY === 0")
    with page.expect_response(re.compile(r"/assets/vendor/mermaid/mermaid\.min\.js$")):  # its first diagram
        page.get_by_role("link", name="Signing a request, step by step").first.click()  # instant navigation
    page.wait_for_url(re.compile(re.escape(SIGNING)))
    expect(page.locator("div.mermaid")).to_have_count(1)
    assert errors == []
    assert page.context.service_workers == []
    assert any(url.endswith("search/search_index.json") for url in requested)
    assert any(url.endswith(SIGNING) for url in requested)  # instant navigation fetched the page
    assert_local_only(requested, site_url)


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
