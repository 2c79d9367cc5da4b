"""A link checker for the built site: every internal link and anchor resolves, nothing loads from elsewhere.

It reads the output of `mkdocs build` (no server, no network). Every HTML page is parsed with
the standard library's `html.parser`; every reference in it (href, src, srcset, form action,
poster, url(...) in inline styles and <style> blocks) and every url(...)/@import in the site's
CSS files is resolved against the URL of the file holding it, the way a browser resolves it,
with the site published at `base_url`. Then:

- a reference into the site must name an existing file (a directory URL means its index.html);
- a #fragment must be an id (or an <a name>) on the target page;
- a reference to another host is allowed only as a plain <a href> to a host in EXTERNAL_HOSTS,
  over https; those are listed in the report, never requested. Anything the browser would fetch
  by itself (script, stylesheet, image, frame, font, form) from another host is a problem;
- every sitemap.xml entry and every search-index location resolves, and every page is in the sitemap.

`check_site(site_dir, base_url)` returns a Report; `report.problems` is empty when all is well.
A scheduled external-link job can take `report.external_urls()` and request them.
"""

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

# Hosts a page may link to (plain <a href>, opened only when a reader clicks), and what they are.
EXTERNAL_HOSTS: dict[str, str] = {
    "developers.binance.com": "Binance API documentation",
    "github.com": "exchanges' API docs and SDKs, libraries, advisories, secret scanners",
    "bybit-exchange.github.io": "Bybit API documentation",
    "www.okx.com": "OKX API documentation and help",
    "docs.kraken.com": "Kraken API documentation",
    "support.kraken.com": "Kraken help centre",
    "blog.kraken.com": "Kraken announcement of API key features",
    "docs.cdp.coinbase.com": "Coinbase Advanced Trade documentation",
    "portal.cdp.coinbase.com": "Coinbase developer portal (where keys are created)",
    "help.coinbase.com": "Coinbase help centre",
    "www.binance.com": "Binance help and key management",
    "www.bybit.com": "Bybit key management",
    "www.mexc.com": "MEXC notice cited on how keys leak",
    "testnet.binance.vision": "Binance Spot testnet",
    "testnet.bybit.com": "Bybit testnet",
    "demo.binance.com": "Binance demo trading",
    "docs.github.com": "GitHub documentation on secrets",
    "docs.sentry.io": "Sentry documentation on scrubbing data",
    "pypi.org": "Python package pages",
    "colab.research.google.com": "Open in Colab (each notebook page, from repo_url)",
    "hypothesis.readthedocs.io": "hypothesis documentation (how KeyLab is tested)",
    "keyring.readthedocs.io": "keyring documentation",
    "developer.1password.com": "1Password CLI documentation",
    "hub.docker.com": "a Binance test tool's image",
    "www.python-httpx.org": "httpx documentation",
    "www.rfc-editor.org": "RFC 6238 (TOTP)",
    "squidfunk.github.io": "Material for MkDocs (footer credit)",
    "www.cryptoglobe.com": "report cited on withdrawal permissions",
    "www.comparitech.com": "GitHub honeypot study cited on how keys leak",
    "unchainedcrypto.com": "3Commas leak report",
    "decrypt.co": "3Commas leak report",
    "blockworks.co": "3Commas leak report",
}

# <link rel=...> values the browser does not fetch by itself; any other rel (stylesheet, icon,
# preload, prefetch, modulepreload, manifest, preconnect, dns-prefetch, ...) is a load.
NON_FETCHING_RELS = {"canonical", "next", "prev", "alternate", "author", "license", "help", "bookmark",
                     "external", "nofollow", "noopener", "noreferrer", "search", "tag"}

# Attributes holding a URL, on any element.
URL_ATTRIBUTES = {"href", "src", "xlink:href", "action", "formaction", "poster", "data", "srcset"}

_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_CSS_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"\s]*))\s*\)""", re.I)
_CSS_IMPORT = re.compile(r"""@import\s+(?:"([^"]*)"|'([^']*)')""", re.I)
_SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@dataclass(frozen=True)
class Ref:
    """One reference as written: in which file, on which element, and whether the browser fetches it."""

    source: str  # site-relative path of the file holding it ("keys/permissions/index.html")
    url: str
    where: str  # "<a href>", "<img srcset>", "style url()", "sitemap <loc>", ...
    navigation: bool  # True for a link the reader follows; False for anything fetched on load


@dataclass(frozen=True)
class Problem:
    source: str
    url: str
    why: str

    def __str__(self) -> str:
        return f"{self.source}: {self.url} -> {self.why}"


@dataclass
class Report:
    pages: int = 0
    css_files: int = 0
    links: int = 0  # references into the site, resolved to a file
    anchors: int = 0  # of those, #fragments looked up on their target page
    sitemap_entries: int = 0
    search_locations: int = 0
    external: dict[str, set[str]] = field(default_factory=dict)  # URL -> pages linking to it
    problems: list[Problem] = field(default_factory=list)

    def external_urls(self) -> list[str]:
        """Every outbound link, sorted: what a scheduled external-link job would request."""
        return sorted(self.external)

    def figures(self) -> dict[str, int]:
        return {"pages": self.pages, "css_files": self.css_files, "links": self.links,
                "anchors": self.anchors, "sitemap_entries": self.sitemap_entries,
                "search_locations": self.search_locations, "external_links": len(self.external)}


class _PageParser(HTMLParser):
    """Collects the ids, <a name>s, <base href> and every URL reference of one HTML page."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.source = source
        self.ids: set[str] = set()
        self.base: str | None = None
        self.refs: list[Ref] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value for name, value in attrs if value is not None}
        if "id" in values:
            self.ids.add(values["id"])
        if tag == "a" and "name" in values:
            self.ids.add(values["name"])
        if tag == "base":  # not a link: what the page's relative links resolve against
            self.base = self.base or values.get("href")
            return
        if tag == "style":
            self._in_style = True
        rels = set(values.get("rel", "").lower().split())
        for name, value in values.items():
            if name == "style":
                self._add_css(value, "style url()")
            elif name in URL_ATTRIBUTES and not (name == "data" and tag != "object"):
                navigation = (tag in ("a", "area") and name == "href") or (
                    tag == "link" and name == "href" and bool(rels) and rels <= NON_FETCHING_RELS)
                urls = _srcset_urls(value) if name == "srcset" else [value.strip()]
                for url in urls:
                    self.refs.append(Ref(self.source, url, f"<{tag} {name}>", navigation))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag == "style":
            self._in_style = False

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self._add_css(data, "<style> url()")

    def _add_css(self, css: str, where: str) -> None:
        self.refs.extend(Ref(self.source, url, where, False) for url in css_urls(css))


def _srcset_urls(srcset: str) -> list[str]:
    """The URLs of a srcset ("a.png 1x, b.png 2x")."""
    return [candidate.split()[0] for candidate in srcset.split(",") if candidate.strip()]


def css_urls(css: str) -> Iterator[str]:
    """Every url(...) and @import "..." in a stylesheet, comments removed."""
    css = _CSS_COMMENT.sub("", css)
    for match in _CSS_URL.finditer(css):
        yield next(group for group in match.groups() if group is not None).strip()
    for match in _CSS_IMPORT.finditer(css):
        yield next(group for group in match.groups() if group is not None).strip()


class _Site:
    """The built site at `root`, published at `base_url`: maps URLs to files and fragments to ids."""

    def __init__(self, root: Path, base_url: str) -> None:
        self.root = root
        self.base = urlsplit(base_url if base_url.endswith("/") else base_url + "/")
        self.ids: dict[str, set[str]] = {}  # site-relative .html path -> ids on that page

    def url_of(self, path: str) -> str:
        return f"{self.base.scheme}://{self.base.netloc}{self.base.path}{path}"

    def local_path(self, url: str) -> str | None:
        """The site-relative path an absolute URL names, or None when it is not in the site."""
        parts = urlsplit(url)
        if (parts.scheme, parts.netloc) != (self.base.scheme, self.base.netloc):
            return None
        if not (parts.path + "/").startswith(self.base.path):
            return None
        path = unquote(parts.path[len(self.base.path):])
        return path + "index.html" if path == "" or path.endswith("/") else path


def check_site(site_dir: Path, base_url: str) -> Report:
    """Check every page, stylesheet, sitemap entry and search location of the site built in `site_dir`."""
    site = _Site(Path(site_dir), base_url)
    report = Report()
    refs: list[tuple[str, Ref]] = []  # (the URL it is resolved against, the reference)
    for page in sorted(site.root.rglob("*.html")):
        source = page.relative_to(site.root).as_posix()
        parser = _PageParser(source)
        parser.feed(page.read_text(encoding="utf-8"))
        parser.close()
        site.ids[source] = parser.ids
        page_url = site.url_of(source)
        base = urljoin(page_url, parser.base) if parser.base else page_url
        refs.extend((base, ref) for ref in parser.refs)
        report.pages += 1
    for css in sorted(site.root.rglob("*.css")):
        source = css.relative_to(site.root).as_posix()
        refs.extend((site.url_of(source), Ref(source, url, "css url()", False))
                    for url in css_urls(css.read_text(encoding="utf-8")))
        report.css_files += 1
    refs.extend((site.url_of("sitemap.xml"), ref) for ref in _sitemap_refs(site, report))
    refs.extend((site.url_of(""), ref) for ref in _search_refs(site, report))
    for base, ref in refs:
        problem = _check(site, report, base, ref)
        if problem:
            report.problems.append(Problem(ref.source, ref.url, problem))
    return report


def _check(site: _Site, report: Report, base: str, ref: Ref) -> str | None:
    """Why `ref` is broken, or None; counts what it checked in `report`."""
    if not ref.url:
        return f"empty URL in {ref.where}"
    scheme = urlsplit(ref.url).scheme.lower()
    if scheme in ("data", "blob"):
        return None
    if scheme in ("mailto", "tel") and ref.navigation:
        report.external.setdefault(ref.url, set()).add(ref.source)
        return None
    absolute = urljoin(base, ref.url)
    parts = urlsplit(absolute)
    if parts.scheme not in ("http", "https"):
        return f"{ref.where} uses the {parts.scheme or 'unknown'}: scheme"
    path = site.local_path(absolute)
    if path is None:
        return _check_external(report, ref, parts.hostname or "", parts.scheme, absolute)
    report.links += 1
    target = site.root / path
    if target.is_dir():
        return f"{ref.where}: {path} is a directory; the URL needs a trailing slash"
    if not target.is_file():
        return f"{ref.where}: no file {path} in the site"
    if parts.fragment:
        report.anchors += 1
        ids = site.ids.get(path)
        if ids is None:
            return f"{ref.where}: #{parts.fragment} on {path}, which is not an HTML page"
        if parts.fragment not in ids and unquote(parts.fragment) not in ids:
            return f"{ref.where}: no id \"{unquote(parts.fragment)}\" on {path}"
    return None


def _check_external(report: Report, ref: Ref, host: str, scheme: str, url: str) -> str | None:
    if not ref.navigation:
        return f"{ref.where} loads from another host ({host}); the site must work offline"
    if host not in EXTERNAL_HOSTS:
        return f"{ref.where} links to {host}, which is not in linkcheck.EXTERNAL_HOSTS"
    if scheme != "https":
        return f"{ref.where} links to {host} over {scheme}; use https"
    report.external.setdefault(url, set()).add(ref.source)
    return None


def _sitemap_refs(site: _Site, report: Report) -> Iterable[Ref]:
    """sitemap.xml's <loc> entries; a page missing from it is a problem of its own."""
    sitemap = site.root / "sitemap.xml"
    if not sitemap.is_file():
        report.problems.append(Problem("sitemap.xml", "", "no sitemap.xml in the site"))
        return []
    locs = [loc.text.strip() for loc in ET.parse(sitemap).iter(f"{_SITEMAP_NS}loc") if loc.text]
    report.sitemap_entries = len(locs)
    listed = {site.local_path(loc) for loc in locs}
    for page in sorted(site.ids):
        if page != "404.html" and page not in listed:
            report.problems.append(Problem("sitemap.xml", site.url_of(page), "page missing from the sitemap"))
    return [Ref("sitemap.xml", loc, "sitemap <loc>", True) for loc in locs]


def _search_refs(site: _Site, report: Report) -> Iterable[Ref]:
    """search/search_index.json's locations, relative to the site root (how Material resolves them)."""
    index = site.root / "search" / "search_index.json"
    if not index.is_file():
        report.problems.append(Problem("search/search_index.json", "", "no search index in the site"))
        return []
    docs = json.loads(index.read_text(encoding="utf-8"))["docs"]
    report.search_locations = len(docs)
    return [Ref("search/search_index.json", doc["location"] or "./", "search location", True) for doc in docs]


def main(argv: list[str]) -> int:
    """`python -m tests.linkcheck SITE_DIR [BASE_URL]`: the figures, the outbound links, then any problems."""
    if not argv or len(argv) > 2:
        print("usage: python -m tests.linkcheck SITE_DIR [BASE_URL]")
        return 2
    report = check_site(Path(argv[0]), argv[1] if len(argv) > 1 else "http://127.0.0.1:8000/")
    print(" ".join(f"{name}={value}" for name, value in report.figures().items()))
    for url in report.external_urls():
        print(f"external {url}")
    for problem in report.problems:
        print(f"PROBLEM {problem}")
    return 1 if report.problems else 0


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))
