"""Request every link from the built site to another site, and report the dead ones.

    python scripts/check_external_links.py [SITE_DIR] [--base-url URL] [--timeout S] [--workers N] [--strict]

It builds nothing: it reads a site `mkdocs build` wrote (default site/), takes the outbound links
tests/linkcheck.py lists, and requests each one, a few at a time: HEAD first, GET when the server
refuses HEAD (403 or 405), redirects followed, one retry after a network error, a timeout, a 429
or a 5xx. A link fails when its last answer is 400 or more, or when no answer came. #fragments
are not checked (one request per page). Failures are printed as a table and, when
$GITHUB_STEP_SUMMARY names a file, appended to it in Markdown.

Other sites move pages and go down for reasons KeyLab cannot fix, so dead links are reported,
not fatal: the exit status is 0 unless --strict is given (then 1 when a link failed). It is 2
when the site folder holds no built site.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urldefrag

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.linkcheck import check_site  # noqa: E402  (the site's own link checker lists the links)

DEFAULT_BASE_URL = "http://127.0.0.1:8000/"  # mkdocs.yml's site_url unless KEYLAB_SITE_URL is set
# Some documentation hosts answer scripts that name themselves with 403; ask as a browser does.
HEADERS = {
    "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "en",
}
RETRY_STATUSES = {429, 500, 502, 503, 504}


@dataclass(frozen=True)
class Result:
    """The last answer for one URL: a status, or why none came."""

    url: str
    status: int | None
    error: str | None = None
    final_url: str | None = None  # where redirects led, when they did

    @property
    def ok(self) -> bool:
        return self.status is not None and self.status < 400

    def describe(self) -> str:
        return self.error or f"HTTP {self.status}"


def outbound_links(site_dir: Path, base_url: str) -> dict[str, set[str]]:
    """{URL without fragment: site pages linking to it} for every http(s) link to another site."""
    links: dict[str, set[str]] = {}
    for url, pages in check_site(site_dir, base_url).external.items():
        if url.startswith(("https://", "http://")):
            links.setdefault(urldefrag(url).url, set()).update(pages)
    return links


def _request(client: httpx.Client, url: str) -> httpx.Response:
    response = client.head(url)
    if response.status_code in (403, 405):  # HEAD refused: ask for the page, read none of it
        with client.stream("GET", url) as response:
            pass
    return response


def check_url(client: httpx.Client, url: str, retry_delay: float = 1.0) -> Result:
    """Request `url` (a second time after a transient failure); the last answer wins."""
    result = Result(url, None, "not requested")
    for attempt in range(2):
        if attempt:
            time.sleep(retry_delay)
        try:
            response = _request(client, url)
        except httpx.TimeoutException:
            result = Result(url, None, "timed out")
            continue
        except httpx.HTTPError as problem:
            result = Result(url, None, f"no answer ({type(problem).__name__})")
            continue
        final = str(response.url)
        result = Result(url, response.status_code, None, final if final != url else None)
        if response.status_code not in RETRY_STATUSES:
            break
    return result


def check_urls(urls: list[str], timeout: float = 15.0, workers: int = 8, retry_delay: float = 1.0) -> list[Result]:
    """Check every URL, `workers` at a time; results in the order of `urls`."""
    with httpx.Client(headers=HEADERS, follow_redirects=True, timeout=timeout, max_redirects=10) as client:
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            return list(pool.map(lambda url: check_url(client, url, retry_delay), urls))


def table(failed: list[Result], links: dict[str, set[str]]) -> str:
    """Plain-text table of the failures, for the log."""
    rows = [(r.describe(), r.url, ", ".join(sorted(links.get(r.url, ())))) for r in failed]
    width = max([len("Result")] + [len(row[0]) for row in rows])
    lines = [f"{'Result':<{width}}  Link (linked from)"]
    lines += [f"{result:<{width}}  {url} ({pages})" for result, url, pages in rows]
    return "\n".join(lines)


def summary(results: list[Result], links: dict[str, set[str]]) -> str:
    """The Markdown the workflow's job summary shows."""
    failed = [r for r in results if not r.ok]
    lines = ["## External links", "",
             f"{len(results)} links to other sites requested: {len(results) - len(failed)} answered, "
             f"{len(failed)} failed. Dead links are reported here and do not fail the run.", ""]
    if failed:
        lines += ["| Result | Link | Linked from |", "|---|---|---|"]
        for r in failed:
            pages = ", ".join(f"`{page}`" for page in sorted(links.get(r.url, ())))
            lines.append(f"| {r.describe()} | <{r.url}> | {pages} |".replace("\n", " "))
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site_dir", nargs="?", type=Path, default=ROOT / "site")
    parser.add_argument("--base-url", default=os.environ.get("KEYLAB_SITE_URL") or DEFAULT_BASE_URL,
                        help="the site_url the site was built with (default: $KEYLAB_SITE_URL or %(default)s)")
    parser.add_argument("--timeout", type=float, default=15.0, help="seconds per request (default %(default)s)")
    parser.add_argument("--workers", type=int, default=8, help="requests at a time (default %(default)s)")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a link failed")
    args = parser.parse_args(argv)
    if not (args.site_dir / "index.html").is_file():
        print(f"check_external_links: no built site in {args.site_dir} (run make build first)", file=sys.stderr)
        return 2
    links = outbound_links(args.site_dir, args.base_url)
    results = check_urls(sorted(links), args.timeout, args.workers)
    failed = [r for r in results if not r.ok]
    redirected = sum(1 for r in results if r.ok and r.final_url)
    print(f"{len(results)} external links: {len(results) - len(failed)} answered "
          f"({redirected} after a redirect), {len(failed)} failed")
    if failed:
        print(table(failed, links))
    if step_summary := os.environ.get("GITHUB_STEP_SUMMARY"):
        with open(step_summary, "a", encoding="utf-8") as out:
            out.write(summary(results, links))
    return 1 if failed and args.strict else 0


if __name__ == "__main__":
    sys.exit(main())
