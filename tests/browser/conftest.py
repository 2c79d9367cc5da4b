"""Real Chromium against the built site, served on 127.0.0.1.

The browser is `$CHROMIUM`, else Debian's `/usr/bin/chromium`, else Playwright's own build if
one happens to be installed (this project never downloads one). Without a browser these tests
are skipped with a message, except under CI=true, where a missing browser is a failure.
"""

import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.recorders import record_errors, record_requests
from tests.sitebuild import build_site

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
]


def find_chromium(playwright) -> str | None:
    """The browser to drive; an explicit $CHROMIUM is used as given, never second-guessed."""
    if os.environ.get("CHROMIUM"):
        chosen = os.environ["CHROMIUM"]
        return chosen if os.access(chosen, os.X_OK) else None
    for candidate in ["/usr/bin/chromium", shutil.which("chromium"), playwright.chromium.executable_path]:
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, playwright) -> dict:
    executable = find_chromium(playwright)
    if executable is None:
        message = (
            f"no Chromium at $CHROMIUM={os.environ['CHROMIUM']}"
            if os.environ.get("CHROMIUM")
            else "no Chromium found: install Debian's `chromium` package or set CHROMIUM=/path/to/chrome"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message} (CI=true: browser tests must run)", pytrace=False)
        pytest.skip(message)
    return {**browser_type_launch_args, "executable_path": executable, "args": CHROMIUM_FLAGS}


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args) -> None:
        pass


@pytest.fixture(scope="session")
def site_url(tmp_path_factory) -> Iterator[str]:
    """The site, built for and served at http://127.0.0.1:PORT/ (so instant navigation is on)."""
    site_dir: Path = tmp_path_factory.mktemp("browser-site")
    handler = functools.partial(_QuietHandler, directory=str(site_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    result = build_site(site_dir, site_url=url)
    assert result.returncode == 0, result.stdout + result.stderr
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield url
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args) -> dict:
    # Wide enough for Material's sidebars and header search box.
    return {**browser_context_args, "viewport": {"width": 1280, "height": 900}}


@pytest.fixture
def errors(page) -> list[str]:
    """Console errors and uncaught exceptions on every page the test visits."""
    return record_errors(page)


@pytest.fixture
def requested(page) -> list[str]:
    """Every URL the page asks for, from the moment the test starts."""
    return record_requests(page)
