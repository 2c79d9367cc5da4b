"""Every internal link and anchor of the built site resolves, and nothing is loaded from another host.

The checker is tests/linkcheck.py; the first tests run it over the real strict build, the rest
show on small hand-written sites that each kind of breakage is caught, with a message naming
the page, the link and why.
"""

from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.linkcheck import EXTERNAL_HOSTS, Report, check_site
from tests.sitebuild import shared_site

SITE_URL = "http://127.0.0.1:8000/"


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Report:
    site_dir, result = shared_site(tmp_path_factory)  # built for the default site_url, SITE_URL
    assert result.returncode == 0, result.stdout + result.stderr
    return check_site(site_dir, SITE_URL)


def test_every_link_and_anchor_of_the_built_site_resolves(report: Report):
    assert report.problems == [], "\n".join(map(str, report.problems))


def test_the_check_covered_the_whole_site(report: Report):
    figures = report.figures()
    assert figures["pages"] >= 40  # every page, 404.html and the notebooks included
    assert figures["sitemap_entries"] == figures["pages"] - 1  # all but 404.html
    assert figures["links"] > 20 * figures["pages"]  # at least the navigation on every page
    assert figures["anchors"] > 0 and figures["search_locations"] > figures["pages"]
    assert figures["css_files"] >= 3


def test_every_allowed_host_is_still_linked_and_only_over_https(report: Report):
    linked = {urlsplit(url).hostname for url in report.external_urls()} - {None}
    assert linked == set(EXTERNAL_HOSTS), "hosts no page links to any more: drop them from EXTERNAL_HOSTS"
    assert all(url.startswith("https://") for url in report.external_urls())


def write_site(root: Path, pages: dict[str, str], css: str = "") -> Path:
    """A tiny built site: the given pages (site-relative path -> body), a stylesheet and a sitemap."""
    for path, body in pages.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(f"<!doctype html><html><head><title>t</title></head><body>{body}</body></html>")
    (root / "style.css").write_text(css)
    (root / "search").mkdir(exist_ok=True)
    (root / "search/search_index.json").write_text('{"docs": [{"location": "a/#top-part"}]}')
    locs = "".join(f"<url><loc>{SITE_URL}{path.removesuffix('index.html')}</loc></url>"
                   for path in pages if path != "404.html")
    (root / "sitemap.xml").write_text(
        f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</urlset>')
    return root


GOOD = {
    "index.html": '<a href="a/">A</a> <a href="a/#top-part">part</a> <a href="#here" id="here">here</a>'
                  '<img alt="" src="pic.svg" srcset="pic.svg 1x, pic.svg 2x"><a href="a/#caf%C3%A9">caf</a>'
                  '<link rel="stylesheet" href="style.css"><a href="https://github.com/x/y">repo</a>'
                  '<a href="mailto:someone@example.com">mail</a><a href="a/#old">old</a>',
    "a/index.html": '<h2 id="top-part">Top</h2><h2 id="café">Café</h2><a name="old"></a>'
                    '<a href="../">home</a><a href="/a/index.html">root-relative</a>'
                    '<div style="background: url(\'../pic.svg\')"></div><style>p { background: url(../pic.svg) }</style>',
    "404.html": '<a href="/">home</a>',
}


def test_a_sound_site_passes_and_is_counted(tmp_path: Path):
    site = write_site(tmp_path, GOOD, css="@import 'style.css'; /* url(gone.png) */ p { background: url(pic.svg) }")
    (site / "pic.svg").write_text("<svg/>")
    report = check_site(site, SITE_URL)
    assert report.problems == []
    assert report.pages == 3 and report.css_files == 1
    assert report.anchors == 5  # #top-part twice (page, search), #here, #café, #old
    assert report.external_urls() == ["https://github.com/x/y", "mailto:someone@example.com"]
    assert report.external["https://github.com/x/y"] == {"index.html"}


@pytest.mark.parametrize(
    ("body", "why"),
    [
        ('<a href="b/">B</a>', "<a href>: no file b/index.html in the site"),
        ('<a href="a">A</a>', "<a href>: a is a directory; the URL needs a trailing slash"),
        ('<a href="a/#nowhere">A</a>', '<a href>: no id "nowhere" on a/index.html'),
        ('<a href="#gone">x</a>', '<a href>: no id "gone" on index.html'),
        ('<img alt="" src="x.png">', "<img src>: no file x.png in the site"),
        ('<img alt="" srcset="a/ 1x, y.png 2x">', "<img srcset>: no file y.png in the site"),
        ('<div style="background:url(z.png)"></div>', "style url(): no file z.png in the site"),
        ('<style>p{background:url("w.png")}</style>', "<style> url(): no file w.png in the site"),
        ('<script src=""></script>', "empty URL in <script src>"),
        ('<form action="send/"></form>', "<form action>: no file send/index.html in the site"),
        ('<script src="https://cdn.example.com/x.js"></script>',
         "<script src> loads from another host (cdn.example.com); the site must work offline"),
        ('<link rel="stylesheet" href="//fonts.example.com/f.css">',
         "<link href> loads from another host (fonts.example.com); the site must work offline"),
        ('<link rel="preconnect" href="https://fonts.example.com">',
         "<link href> loads from another host (fonts.example.com); the site must work offline"),
        ('<iframe src="https://github.com/embed"></iframe>',
         "<iframe src> loads from another host (github.com); the site must work offline"),
        ('<form action="https://github.com/x"></form>',
         "<form action> loads from another host (github.com); the site must work offline"),
        ('<a href="https://evil.example.com/">x</a>',
         "<a href> links to evil.example.com, which is not in linkcheck.EXTERNAL_HOSTS"),
        ('<a href="http://github.com/x">x</a>', "<a href> links to github.com over http; use https"),
        ('<a href="javascript:void(0)">x</a>', "<a href> uses the javascript: scheme"),
    ],
)
def test_each_kind_of_breakage_names_page_link_and_reason(tmp_path: Path, body: str, why: str):
    site = write_site(tmp_path, {"index.html": body, "a/index.html": '<h2 id="top-part">T</h2>'})
    problems = [str(problem) for problem in check_site(site, SITE_URL).problems]
    assert len(problems) == 1, problems
    assert problems[0].startswith("index.html: ") and problems[0].endswith(f" -> {why}")


def test_a_broken_url_in_a_stylesheet_is_reported_against_the_stylesheet(tmp_path: Path):
    site = write_site(tmp_path, {"index.html": "", "a/index.html": '<h2 id="top-part">T</h2>'},
                      css="@import url(https://fonts.example.com/f.css); p { background: url(img/gone.png) }")
    assert [str(problem) for problem in check_site(site, SITE_URL).problems] == [
        "style.css: https://fonts.example.com/f.css -> css url() loads from another host (fonts.example.com);"
        " the site must work offline",
        "style.css: img/gone.png -> css url(): no file img/gone.png in the site",
    ]


def test_sitemap_and_search_index_entries_must_resolve(tmp_path: Path):
    site = write_site(tmp_path, {"index.html": "", "a/index.html": ""})
    (site / "orphan").mkdir()
    (site / "orphan/index.html").write_text("<p>not in the sitemap</p>")
    sitemap = (site / "sitemap.xml").read_text().replace(f"{SITE_URL}a/", f"{SITE_URL}b/")
    (site / "sitemap.xml").write_text(sitemap)
    problems = {str(problem) for problem in check_site(site, SITE_URL).problems}
    assert problems == {
        f"sitemap.xml: {SITE_URL}a/index.html -> page missing from the sitemap",
        f"sitemap.xml: {SITE_URL}orphan/index.html -> page missing from the sitemap",
        f"sitemap.xml: {SITE_URL}b/ -> sitemap <loc>: no file b/index.html in the site",
        'search/search_index.json: a/#top-part -> search location: no id "top-part" on a/index.html',
    }


def test_a_base_element_changes_what_relative_links_resolve_against(tmp_path: Path):
    body = '<base href="a/"><a href="#top-part">in a</a>'
    site = write_site(tmp_path, {"index.html": body, "a/index.html": '<h2 id="top-part">T</h2>'})
    assert check_site(site, SITE_URL).problems == []


def test_the_testing_page_quotes_the_number_of_pages(report: Report):
    page = (Path(__file__).resolve().parent.parent / "docs/reference/testing.md").read_text()
    row = next(line for line in page.splitlines() if line.startswith("| Site pages checked"))
    assert row.split("|")[2].strip().startswith(f"**{report.figures()['pages']}**,"), row
