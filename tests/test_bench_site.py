"""bench/site.py's plumbing: the rows it makes, the server it uses, and what a visit counts.

Never a figure's size or a time: those depend on the machine.
"""

import os
import urllib.error
from concurrent.futures import ThreadPoolExecutor
import urllib.request

import pytest

from bench import site
from bench.core import Row


def visits(*kilobytes: float) -> list[site.Visit]:
    return [site.Visit(kilobytes=kb, requests=10 + i, dcl_ms=100.0 + i, load_ms=200.0 + i, urls=["http://x/"])
            for i, kb in enumerate(kilobytes)]


def test_each_page_gets_a_bytes_row_against_its_budget_then_two_time_rows():
    rows = site.rows_for(site.HOME, visits(300, 500, 350))
    assert [type(row) for row in rows] == [Row, Row, Row]
    assert [row.section for row in rows] == ["site"] * 3
    assert [row.unit for row in rows] == ["KB", "ms", "ms"]
    size, dcl, load = rows
    assert size.name == "home page: transferred" and size.value == 350
    assert size.target == "< 400 KB" and size.met is True  # the budget
    assert size.extra["requests"]["median"] == 11 and "11 requests" in size.note
    assert size.extra["urls"] == ["http://x/"]
    assert dcl.value == 101 and dcl.extra["max"] == 102 and dcl.extra["samples"] == [100, 101, 102]
    assert load.value == 201 and load.met is (201 < site.BUDGET_LOAD_MS)
    assert all(row.floor is None for row in rows)


def test_a_page_over_its_budget_is_marked_missed():
    size = site.rows_for(site.NOTEBOOK, visits(site.BUDGET_KB[site.NOTEBOOK] + 1))[0]
    assert size.name == "notebook page: transferred"
    assert size.met is False and size.target == f"< {site.BUDGET_KB[site.NOTEBOOK]} KB"


def test_the_server_serves_files_as_they_are_and_stops_with_the_block(tmp_path):
    (tmp_path / "index.html").write_text("<p>hello</p>" * 100)
    with site.serving(tmp_path) as url:
        assert url.startswith("http://127.0.0.1:")
        request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip, br"})
        with urllib.request.urlopen(request, timeout=10) as answer:
            assert answer.headers.get("Content-Encoding") is None  # no compression, like mkdocs serve
            assert answer.read() == b"<p>hello</p>" * 100
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(url, timeout=2)


@pytest.mark.skipif(not os.access(site.CHROMIUM, os.X_OK), reason=f"no Chromium at {site.CHROMIUM}")
def test_a_visit_counts_what_is_fetched_after_load_and_not_data_urls(tmp_path):
    (tmp_path / "index.html").write_text(
        '<!doctype html><html><head><link rel="icon" href="data:,">'
        '<link rel="stylesheet" href="style.css"></head><body><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
        "<script>addEventListener('load', () => setTimeout(() => fetch('late.json'), 100))</script>"
        "</body></html>"
    )
    (tmp_path / "style.css").write_text("p { color: red }\n" * 200)
    (tmp_path / "late.json").write_text('{"x": "' + "y" * 20_000 + '"}')
    from playwright.sync_api import sync_playwright

    def one_visit(url: str) -> site.Visit:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=site.CHROMIUM, args=site.CHROMIUM_FLAGS)
            try:
                return site.visit(browser, url)
            finally:
                browser.close()

    with site.serving(tmp_path) as url, ThreadPoolExecutor(1) as thread:
        # A thread of its own: a browser test earlier in this worker may have left an event loop
        # running on this one, and Playwright's sync API refuses to start inside it.
        seen = thread.submit(one_visit, url).result(timeout=120)
    assert seen.urls == [url, url + "late.json", url + "style.css"]
    assert seen.requests == 3
    body_kb = sum(path.stat().st_size for path in tmp_path.iterdir()) / 1000
    assert body_kb <= seen.kilobytes < body_kb + 3  # bodies plus a few hundred bytes of headers each
    assert 0 < seen.dcl_ms <= seen.load_ms
