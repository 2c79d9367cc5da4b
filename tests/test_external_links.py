"""scripts/check_external_links.py against HTTP servers on 127.0.0.1 (no other host is contacted)."""

import importlib.util
import socket
import sys
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("check_external_links", ROOT / "scripts" / "check_external_links.py")
links = importlib.util.module_from_spec(spec)
sys.modules["check_external_links"] = links  # its dataclass looks its module up there
spec.loader.exec_module(links)


class Handler(BaseHTTPRequestHandler):
    """/ok 200, /missing 404, /moved 301 to /ok, /no-head 405 to HEAD, /flaky 503 once, /slow late."""

    seen: Counter = Counter()
    release = threading.Event()

    def log_message(self, *args) -> None:  # keep the test output clean
        pass

    def answer(self, head: bool) -> None:
        self.seen[(self.command, self.path)] += 1
        self.seen["user-agent"] = self.headers.get("User-Agent", "")
        if self.path == "/slow":
            self.release.wait(10)  # longer than the client's timeout; released at teardown
        status, location = {"/ok": (200, None), "/slow": (200, None), "/moved": (301, "/ok"),
                            "/no-head": (405 if head else 200, None),
                            "/flaky": (503 if self.seen[(self.command, "/flaky")] == 1 else 200, None)
                            }.get(self.path, (404, None))
        self.send_response(status)
        if location:
            self.send_header("Location", location)
        self.send_header("Content-Length", "2")
        self.end_headers()
        if not head:
            self.wfile.write(b"hi")

    def do_HEAD(self) -> None:
        self.answer(head=True)

    def do_GET(self) -> None:
        self.answer(head=False)


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    Handler.release.set()
    httpd.shutdown()
    httpd.server_close()


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_each_kind_of_answer(server):
    urls = [f"{server}/ok", f"{server}/missing", f"{server}/moved", f"{server}/no-head",
            f"http://127.0.0.1:{closed_port()}/", f"{server}/slow", f"{server}/flaky"]
    results = {r.url: r for r in links.check_urls(urls, timeout=2, workers=3, retry_delay=0)}
    assert [r.url for r in links.check_urls(urls[:2], timeout=2, retry_delay=0)] == urls[:2]  # order kept
    assert results[f"{server}/ok"] == links.Result(f"{server}/ok", 200)
    assert results[f"{server}/missing"].status == 404 and not results[f"{server}/missing"].ok
    moved = results[f"{server}/moved"]
    assert moved.ok and moved.final_url == f"{server}/ok"
    assert results[f"{server}/no-head"].status == 200
    assert Handler.seen[("GET", "/no-head")] == 1  # GET only after HEAD was refused
    assert Handler.seen[("GET", "/ok")] == 0  # a HEAD that works is enough
    closed = results[urls[4]]
    assert not closed.ok and closed.describe() == "no answer (ConnectError)"
    assert results[f"{server}/slow"].describe() == "timed out"
    assert Handler.seen[("HEAD", "/slow")] == 2  # retried once
    assert results[f"{server}/flaky"].status == 200 and Handler.seen[("HEAD", "/flaky")] == 2
    assert Handler.seen["user-agent"].startswith("Mozilla/5.0")


def write_site(root: Path) -> Path:
    """A one-page built site linking to two pages of another host (one twice, with a fragment)."""
    root.mkdir()
    (root / "index.html").write_text(
        '<a href="https://pypi.org/project/ccxt/#history">a</a> <a href="https://pypi.org/project/ccxt/">b</a>'
        ' <a href="https://pypi.org/project/gone/">c</a> <a href="mailto:someone@example.org">d</a>')
    (root / "sitemap.xml").write_text('<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                                      "<url><loc>http://127.0.0.1:8000/</loc></url></urlset>")
    (root / "search").mkdir()
    (root / "search" / "search_index.json").write_text('{"docs": []}')
    return root


@pytest.fixture
def site(tmp_path, monkeypatch):
    """The site above, with the requests answered here: /gone is dead."""
    asked = []

    def fake_check(urls, timeout, workers):
        asked.extend(urls)
        return [links.Result(url, 404 if "gone" in url else 200) for url in urls]

    monkeypatch.setattr(links, "check_urls", fake_check)
    monkeypatch.delenv("KEYLAB_SITE_URL", raising=False)
    return write_site(tmp_path / "site"), asked


def test_links_are_requested_once_each_without_fragments(site):
    root, asked = site
    assert links.main([str(root)]) == 0
    assert asked == ["https://pypi.org/project/ccxt/", "https://pypi.org/project/gone/"]


def test_dead_links_are_reported_not_fatal_unless_strict(site, tmp_path, monkeypatch, capsys):
    root, _ = site
    step_summary = tmp_path / "summary.md"
    step_summary.write_text("earlier step\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(step_summary))
    assert links.main([str(root)]) == 0
    out = capsys.readouterr().out
    assert "2 external links: 1 answered (0 after a redirect), 1 failed" in out
    assert "HTTP 404  https://pypi.org/project/gone/ (index.html)" in out
    text = step_summary.read_text()
    assert text.startswith("earlier step\n## External links")  # appended, not overwritten
    assert "| HTTP 404 | <https://pypi.org/project/gone/> | `index.html` |" in text
    assert links.main([str(root), "--strict"]) == 1


def test_no_built_site_is_an_error(tmp_path):
    assert links.main([str(tmp_path)]) == 2


def test_all_answered_has_no_failure_table():
    text = links.summary([links.Result("https://pypi.org/", 200)], {"https://pypi.org/": {"index.html"}})
    assert "1 answered, 0 failed" in text and "| Result |" not in text
