"""What browser tests record on a page, and the check that every request stayed on this machine."""

from urllib.parse import urlsplit

from playwright.sync_api import Page


def record_errors(page: Page) -> list[str]:
    """Console errors and uncaught exceptions on every page the test visits, as they happen."""
    found: list[str] = []
    page.on("console", lambda msg: found.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: found.append(str(exc)))
    return found


def record_requests(page: Page) -> list[str]:
    """Every URL the page asks for, from now on."""
    urls: list[str] = []
    page.on("request", lambda request: urls.append(request.url))
    return urls


def assert_local_only(urls: list[str], prefix: str) -> None:
    """Every request went to `prefix` (the page's own site) or was data:/blob:, all on 127.0.0.1."""
    assert urls, "no requests were recorded"
    strays = [url for url in urls if not (url.startswith(prefix) or url.startswith(("data:", "blob:")))]
    assert strays == [], strays
    assert {urlsplit(url).hostname for url in urls if url.startswith("http")} == {"127.0.0.1"}
