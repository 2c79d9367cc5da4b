"""The site in headless Chromium: what the home page and a notebook page cost a first-time reader.

The site is built strictly into a temporary folder and served by a plain static HTTP server on
127.0.0.1 (no compression, like `mkdocs serve`). Each visit uses a fresh browser context, so the
cache is cold. A visit counts every response the page receives up to network idle (500 ms without
a request after load), so what the page fetches right after load (Material's search index, for
one) counts too. Bytes are Chromium's own count of what came over the wire (CDP
`Network.loadingFinished` encodedDataLength: headers and body); times are Navigation Timing's
DOMContentLoaded and load, from the start of navigation.
"""

from __future__ import annotations

import functools
import http.server
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench.core import Row, stats

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-default-apps"]
HOME = ""
NOTEBOOK = "notebooks/01-first-request/"
PAGES = {HOME: "home page", NOTEBOOK: "notebook page"}

# Budgets. The home page's is the issue's. A notebook page is the home page's frame plus the
# notebook itself (01 is ~130 KB of HTML: cells, outputs and highlighting) and the notebook
# stylesheet, so it gets the home page's budget plus 200 KB. Times are on 127.0.0.1, where the
# network costs next to nothing, so they measure the browser's work: half a second to
# DOMContentLoaded and a second to load leave room for this shared 2-core machine.
BUDGET_KB = {HOME: 400, NOTEBOOK: 600}
BUDGET_DCL_MS = 500
BUDGET_LOAD_MS = 1000
RUNS = 9
QUICK_RUNS = 1

NAVIGATION_TIMING = """() => {
    const [entry] = performance.getEntriesByType("navigation");
    return {dcl: entry.domContentLoadedEventEnd, load: entry.loadEventEnd};
}"""


@dataclass
class Visit:
    """What one cold visit of a page cost."""

    kilobytes: float
    requests: int
    dcl_ms: float
    load_ms: float
    urls: list[str]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args) -> None:
        pass


@contextmanager
def serving(site_dir: Path) -> Iterator[str]:
    """`site_dir` served at http://127.0.0.1:PORT/ from a thread, for as long as the block runs."""
    handler = functools.partial(_QuietHandler, directory=str(site_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def built_site(site_dir: Path, url: str) -> None:
    """Build the site strictly into `site_dir` for `url`; raise when the build fails."""
    from tests.sitebuild import build_site

    result = build_site(site_dir, site_url=url)
    if result.returncode != 0:
        raise RuntimeError(f"mkdocs build --strict failed:\n{result.stdout}{result.stderr}")


def visit(browser, url: str) -> Visit:
    """Load `url` in a fresh context (cold cache) and count what it fetched until network idle."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        asked: dict[str, str] = {}
        received: dict[str, float] = {}
        cdp.on("Network.requestWillBeSent", lambda event: asked.setdefault(event["requestId"], event["request"]["url"]))
        cdp.on("Network.loadingFinished", lambda event: received.__setitem__(event["requestId"], event["encodedDataLength"]))
        cdp.on("Network.loadingFailed", lambda event: received.setdefault(event["requestId"], 0.0))
        cdp.send("Network.enable")
        page.goto(url, wait_until="load")
        page.wait_for_load_state("networkidle")
        timing = page.evaluate(NAVIGATION_TIMING)
        fetched = {key: url for key, url in asked.items() if url.startswith("http")}  # not data: URLs
        return Visit(
            kilobytes=sum(received.get(key, 0.0) for key in fetched) / 1000,
            requests=len(fetched),
            dcl_ms=timing["dcl"],
            load_ms=timing["load"],
            urls=sorted(fetched.values()),
        )
    finally:
        context.close()


def visits(site_url: str, paths: list[str], runs: int) -> dict[str, list[Visit]]:
    """`runs` cold visits of each page, alternating pages so that noise falls on both alike."""
    from playwright.sync_api import sync_playwright

    found: dict[str, list[Visit]] = {path: [] for path in paths}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            for path in paths:  # one visit each first, not counted: starts the browser's processes
                visit(browser, site_url + path)
            for _ in range(runs):
                for path in paths:
                    found[path].append(visit(browser, site_url + path))
        finally:
            browser.close()
    return found


def rows_for(path: str, seen: list[Visit]) -> list[Row]:
    """The rows of one page: bytes (and requests) against its budget, then DCL and load times."""
    label = PAGES.get(path, path or "home page")
    kilobytes = stats(v.kilobytes for v in seen)
    dcl = stats(v.dcl_ms for v in seen)
    load = stats(v.load_ms for v in seen)
    requests = stats(v.requests for v in seen)
    budget = BUDGET_KB.get(path, BUDGET_KB[HOME])
    where = f"/{path}"
    return [
        Row("site", f"{label}: transferred", kilobytes["median"], "KB", target=f"< {budget} KB",
            met=kilobytes["median"] < budget,
            note=f"{where}, cold cache, until network idle; {requests['median']:.0f} requests",
            extra={"requests": requests, "kilobytes": kilobytes, "urls": seen[-1].urls}),
        Row("site", f"{label}: DOMContentLoaded", dcl["median"], "ms", target=f"< {BUDGET_DCL_MS} ms",
            met=dcl["median"] < BUDGET_DCL_MS, note=f"{where}, median of {dcl['n']} cold visits",
            extra={"p99": dcl["p99"], "max": dcl["max"], "samples": [v.dcl_ms for v in seen]}),
        Row("site", f"{label}: load", load["median"], "ms", target=f"< {BUDGET_LOAD_MS} ms",
            met=load["median"] < BUDGET_LOAD_MS, note=f"{where}, median of {load['n']} cold visits",
            extra={"p99": load["p99"], "max": load["max"], "samples": [v.load_ms for v in seen]}),
    ]


def run(quick: bool = False) -> list[Row]:
    """Build, serve and visit the site; one row per page and figure."""
    paths = list(PAGES)
    with tempfile.TemporaryDirectory(prefix="keylab-bench-site-") as folder:
        site_dir = Path(folder)
        with serving(site_dir) as url:
            built_site(site_dir, url)
            seen = visits(url, paths, QUICK_RUNS if quick else RUNS)
    return [row for path in paths for row in rows_for(path, seen[path])]
