"""What keeps a first visit light: the search index waits for search; notebook pages share their CSS.

No timing here: bench/site.py measures bytes and times. These tests check the behaviour the
figures rest on (docs/assets/javascripts/search-on-demand.js and hooks/notebook_css.py).
"""

import re

import pytest
from playwright.sync_api import Page, expect

INDEX = "search/search_index.json"
NOTEBOOK = "notebooks/01-first-request/"
STYLESHEET = "assets/stylesheets/notebook.css"
SIGNING = "signing/step-by-step/"


def index_requests(urls: list[str]) -> list[str]:
    return [url for url in urls if url.split("?")[0].endswith(INDEX)]


def settle(page: Page) -> None:
    """Wait until the page has fetched whatever it fetches by itself after load."""
    page.wait_for_load_state("networkidle")


def test_home_page_asks_for_no_search_index_until_search_is_used(page: Page, site_url: str, requested, errors):
    page.goto(site_url)
    settle(page)
    page.mouse.wheel(0, 2000)  # reading and scrolling is not searching
    settle(page)
    assert index_requests(requested) == []
    page.locator("input.md-search__input").click()
    page.keyboard.type("recvWindow")
    expect(page.locator(f'.md-search-result__item a[href*="{SIGNING}"]').first).to_be_visible()
    assert len(index_requests(requested)) == 1
    assert errors == []


def test_the_search_shortcut_fetches_the_index_and_finds_pages(page: Page, site_url: str, requested):
    page.goto(site_url + "keys/permissions/")
    settle(page)
    assert index_requests(requested) == []
    page.locator("body").press("/")  # Material's shortcut focuses the search box
    page.keyboard.type("recvWindow")
    expect(page.locator(".md-search-result__item").first).to_be_visible()
    assert len(index_requests(requested)) == 1


def test_a_shared_search_link_fetches_the_index_at_once(page: Page, site_url: str, requested):
    page.goto(site_url + "?q=recvWindow")
    expect(page.locator(".md-search-result__item").first).to_be_visible()
    assert len(index_requests(requested)) == 1


def test_instant_navigation_keeps_the_index_waiting(page: Page, site_url: str, requested):
    page.goto(site_url)
    settle(page)
    page.locator(f'a.md-nav__link[href$="{NOTEBOOK}"]').first.click()
    expect(page).to_have_url(site_url + NOTEBOOK)
    settle(page)
    assert index_requests(requested) == []


def test_notebook_page_links_the_shared_stylesheet_instead_of_inlining_css(page: Page, site_url: str):
    html = page.request.get(site_url + NOTEBOOK).text()
    head = html.split("</head>", 1)[0]
    assert f'<link rel="stylesheet" href="../../{STYLESHEET}">' in head
    styles = re.findall(r"<style\b[^>]*>(.*?)</style>", html, re.S)
    assert max((len(css) for css in styles), default=0) < 2_000, [len(css) for css in styles]
    assert len(html) < 300_000  # it was ~710 KB with JupyterLab's CSS inlined
    sheet = page.request.get(site_url + STYLESHEET)
    assert sheet.ok and sheet.headers["content-type"].startswith("text/css")
    assert ".jupyter-wrapper" in sheet.text()


def cell_styles(page: Page) -> dict[str, str]:
    """Computed styles that only the notebook stylesheet gives a notebook's cells."""
    return page.evaluate("""() => {
        const style = (selector) => getComputedStyle(document.querySelector(selector));
        return {
            editor: style(".jp-InputArea-editor").backgroundColor,
            code: style(".jp-InputArea-editor .highlight-ipynb .k, .jp-InputArea-editor .highlight-ipynb .kn").color,
            copy: style(".zeroclipboard-container").position,
            anchor: style(".jp-RenderedMarkdown h1 .anchor-link, .jp-RenderedMarkdown h2 .anchor-link").display,
            output: style(".jp-OutputArea-output pre").fontFamily,
        };
    }""")


# An input cell's background: JupyterLab's --md-grey-100 in the light palette, and the dark
# palette's own (mkdocs-jupyter's [data-md-color-scheme=slate] rules).
EDITOR_BACKGROUND = {"light": "rgb(245, 245, 245)", "dark": "rgb(33, 33, 33)"}


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_notebook_cells_are_styled_in_both_palettes(page: Page, site_url: str, scheme: str):
    page.emulate_media(color_scheme=scheme)
    page.goto(site_url + NOTEBOOK)
    expect(page.locator("body")).to_have_attribute("data-md-color-scheme", "slate" if scheme == "dark" else "default")
    styles = cell_styles(page)
    assert styles["editor"] == EDITOR_BACKGROUND[scheme]
    assert styles["copy"] == "absolute"
    assert styles["anchor"] == "none"
    assert "mono" in styles["output"].lower() or "menlo" in styles["output"].lower()


def test_notebook_cells_are_styled_after_instant_navigation(page: Page, site_url: str):
    page.goto(site_url)
    page.locator(f'a.md-nav__link[href$="{NOTEBOOK}"]').first.click()
    expect(page).to_have_url(site_url + NOTEBOOK)
    expect(page.locator(f'head link[href$="{STYLESHEET}"]')).to_have_count(1)
    expect(page.locator(".zeroclipboard-container").first).to_have_css("position", "absolute")
    page.locator('a.md-nav__link[href$="keys/permissions/"]').first.click()  # and away again
    expect(page).to_have_url(site_url + "keys/permissions/")
    expect(page.locator(f'head link[href$="{STYLESHEET}"]')).to_have_count(0)
