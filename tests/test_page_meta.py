"""Each page's last-updated date, edit and report links, and a notebook's download and Colab links."""

import importlib.util
import logging
import os
import re
import subprocess
import sys
from datetime import date, datetime, timezone
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.sitebuild import build_site, shared_site

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("page_meta", ROOT / "hooks/page_meta.py")
hook = importlib.util.module_from_spec(spec)
sys.modules["page_meta"] = hook  # dataclasses look their module up there, as in MkDocs' own loader
spec.loader.exec_module(hook)

REPO = "https://github.com/keylab-course/keylab"
FORK = "https://github.com/someone/fork"
NOTEBOOK = "notebooks/02-sign-a-request"


def git(cwd: Path, *args: str, when: str = "2024-01-01T12:00:00+00:00") -> None:
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.org", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@example.org", GIT_AUTHOR_DATE=when, GIT_COMMITTER_DATE=when,
               GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1")
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A checkout with docs/, a notebooks/ folder behind a docs/notebooks symlink, known commit dates."""
    (tmp_path / "docs").mkdir()
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "docs/notebooks").symlink_to("../notebooks")
    git(tmp_path, "init", "-q", "-b", "main")
    (tmp_path / "docs/a.md").write_text("a\n")
    (tmp_path / "notebooks/01-x.ipynb").write_text("{}\n")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-qm", "first", when="2024-03-01T23:30:00-02:00")  # 2 March in UTC
    (tmp_path / "notebooks/01-x.ipynb").write_text('{"a": 1}\n')
    git(tmp_path, "commit", "-qam", "notebook", when="2025-07-04T10:00:00+00:00")
    (tmp_path / "docs/b.md").write_text("b\n")
    git(tmp_path, "add", "docs/b.md")
    git(tmp_path, "commit", "-qm", "b", when="2026-11-21T08:00:00+00:00")
    (tmp_path / "docs/new.md").write_text("not committed\n")
    return tmp_path


def test_each_file_gets_the_utc_date_of_the_last_commit_touching_it(repo: Path):
    paths = ["docs/a.md", "docs/b.md", "notebooks/01-x.ipynb", "docs/new.md"]
    assert hook.last_commit_dates(repo, paths) == {
        "docs/a.md": date(2024, 3, 2),
        "notebooks/01-x.ipynb": date(2025, 7, 4),
        "docs/b.md": date(2026, 11, 21),
    }  # docs/new.md is untracked: no date


def test_outside_a_git_checkout_or_without_git_there_are_no_dates(tmp_path: Path, monkeypatch):
    (tmp_path / "a.md").write_text("a\n")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    assert hook.last_commit_dates(tmp_path, ["a.md"]) == {}
    monkeypatch.setenv("PATH", str(tmp_path))  # no git program at all
    assert hook.last_commit_dates(tmp_path, ["a.md"]) == {}


def test_dates_read_the_same_in_every_locale():
    assert hook.date_text(date(2026, 11, 21)) == "21 November 2026"
    assert hook.date_text(date(2024, 1, 2)) == "2 January 2024"


def test_a_page_behind_the_symlink_is_edited_where_the_link_points(repo: Path):
    path = hook.source_path(str(repo / "docs/notebooks/01-x.ipynb"), repo)
    assert path == "notebooks/01-x.ipynb"
    assert hook.edit_url(REPO, "edit/main/docs/", repo / "docs", path, repo) == f"{REPO}/edit/main/notebooks/01-x.ipynb"
    assert hook.edit_url(REPO + "/", "edit/main/docs/", repo / "docs", "docs/a.md", repo) == f"{REPO}/edit/main/docs/a.md"
    assert hook.source_path("/elsewhere/x.md", repo) is None


@pytest.mark.parametrize("url, expected", [
    (REPO, ("keylab-course", "keylab")),
    (REPO + "/", ("keylab-course", "keylab")),
    (REPO + ".git", ("keylab-course", "keylab")),
    ("http://github.com/a/b", None),
    ("https://github.com/a", None),
    ("https://github.com/a/b/tree/main", None),
    ("https://gitlab.com/a/b", None),
    ("https://github.com.evil.example/a/b", None),
])
def test_only_a_github_repository_address_names_owner_and_repository(url, expected):
    assert hook.github_repo(url) == expected


@pytest.mark.parametrize("edit_uri, docs_path, expected", [
    ("edit/main/docs/", "docs", "main"),
    ("blob/main/docs/", "docs", "main"),
    ("edit/feature/page-dates/docs/", "docs", "feature/page-dates"),
    ("edit/main/", ".", "main"),
    ("edit/main/", "docs", None),          # the docs folder is missing from edit_uri
    ("edit/docs/", "docs", None),          # no branch left
    ("-/edit/main/docs/", "docs", None),   # GitLab's form
    ("src/default/docs/?mode=edit", "docs", None),
    ("", "docs", None),
])
def test_the_branch_is_read_from_edit_uri(edit_uri, docs_path, expected):
    assert hook.branch_of(edit_uri, docs_path) == expected


def test_colab_link_needs_owner_repository_and_branch():
    repo = hook.Repository(REPO, "keylab-course", "keylab", "main")
    assert hook.colab_url(repo, "notebooks/01-x.ipynb") == (
        "https://colab.research.google.com/github/keylab-course/keylab/blob/main/notebooks/01-x.ipynb")
    assert hook.colab_url(hook.Repository(REPO, "keylab-course", "keylab", None), "notebooks/01-x.ipynb") is None
    assert hook.colab_url(hook.Repository("https://gitlab.com/a/b"), "notebooks/01-x.ipynb") is None


def test_report_link_carries_title_and_address_url_encoded():
    title = 'Keys & secrets: "#1" · 100%'
    url = hook.report_url(REPO + "/", title, "https://example.org/keys/a b/?x=1&y=2#top")
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == f"{REPO}/issues/new"
    assert not re.search(r"[ \"#·]", url) and url.count("&") == 1  # one separator, the rest encoded
    query = parse_qs(parts.query)
    assert query["title"] == [f"Problem on the page: {title}"]
    assert query["body"][0].startswith("Page: https://example.org/keys/a b/?x=1&y=2#top\n")


def config(repo_url: str | None, edit_uri: str = "edit/main/docs/", root: Path = ROOT, repo_name: str = "GitHub"):
    return SimpleNamespace(repo_url=repo_url, edit_uri=edit_uri, edit_uri_template=None, repo_name=repo_name,
                           docs_dir=str(root / "docs"), config_file_path=str(root / "mkdocs.yml"))


def test_repository_settings_and_their_warnings(caplog):
    with caplog.at_level(logging.INFO, logger="mkdocs.hooks.page_meta"):
        assert hook.repository(config(REPO)) == hook.Repository(REPO, "keylab-course", "keylab", "main")
        assert hook.repository(config(None)) is None
        assert caplog.records == []
        assert hook.repository(config("https://gitlab.com/a/b")) == hook.Repository("https://gitlab.com/a/b")
        assert [r.levelname for r in caplog.records] == ["INFO"]  # another host is a choice, not a mistake
        caplog.clear()
        assert hook.repository(config("https://github.com/only-owner")) == hook.Repository("https://github.com/only-owner")
        assert hook.repository(config(REPO, edit_uri="edit/main/")).branch is None
        assert [r.levelname for r in caplog.records] == ["WARNING", "WARNING"]
        caplog.clear()
        assert hook.repository(config(REPO, edit_uri="")).branch is None  # edit links turned off: quiet
        assert caplog.records == []


def test_a_fork_header_names_the_fork_unless_repo_name_is_set():
    settings = config(FORK)
    hook.on_config(settings)
    assert settings.repo_name == "someone/fork"
    settings = config(FORK, repo_name="Our course")
    hook.on_config(settings)
    assert settings.repo_name == "Our course"


# The built site.

class Links(HTMLParser):
    """The page-chrome links of a built page: edit button, notebook buttons, the last line's links."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.found: dict[str, str] = {}
        self.times: list[str] = []
        self._meta = False
        self._href: str | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "aside" and a.get("class") == "keylab-page-meta":
            self._meta = True
        if tag == "time" and self._meta:
            self.times.append(a["datetime"])
        if tag != "a":
            return
        if a.get("rel") == "edit":
            self.found["edit button"] = a["href"]
        elif a.get("class") == "md-source":
            self.found["header"] = a["href"]
        elif a.get("class") == "keylab-button":
            self.found["download" if "download" in a else "colab"] = a["href"]
        elif self._meta:
            self._href = a["href"]

    def handle_data(self, data: str) -> None:
        if self._meta and data.strip() in ("Edit this page", "Report a problem") and self._href:
            self.found[data.strip()] = self._href
            self._href = None

    def handle_endtag(self, tag: str) -> None:
        if tag == "aside":
            self._meta = False


def page_links(site: Path, page: str) -> Links:
    return Links((site / page / "index.html").read_text(encoding="utf-8"))


def expected_links(repo: str) -> dict[str, dict[str, str]]:
    owner_repo = repo.removeprefix("https://github.com/")
    return {
        "signing/step-by-step": {
            "header": repo,
            "edit button": f"{repo}/edit/main/docs/signing/step-by-step.md",
            "Edit this page": f"{repo}/edit/main/docs/signing/step-by-step.md",
        },
        NOTEBOOK: {
            "header": repo,
            "edit button": f"{repo}/edit/main/notebooks/02-sign-a-request.ipynb",
            "Edit this page": f"{repo}/edit/main/notebooks/02-sign-a-request.ipynb",
            "download": "02-sign-a-request.ipynb",
            "colab": f"https://colab.research.google.com/github/{owner_repo}/blob/main/notebooks/02-sign-a-request.ipynb",
        },
    }


def check_site(site: Path, repo: str) -> None:
    for page, expected in expected_links(repo).items():
        links = page_links(site, page)
        report = links.found.pop("Report a problem")
        assert links.found == expected, page
        assert report.startswith(f"{repo}/issues/new?")
        query = parse_qs(urlsplit(report).query)
        assert query["body"][0].startswith(f"Page: http://127.0.0.1:8000/{page}/\n"), page
        assert len(links.times) == 1 and re.fullmatch(r"\d{4}-\d\d-\d\d", links.times[0]), page


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    site_dir, result = shared_site(tmp_path_factory)
    assert result.returncode == 0, result.stdout + result.stderr
    return site_dir


def test_pages_carry_their_links_from_repo_url(site: Path):
    check_site(site, REPO)
    assert (site / NOTEBOOK / "02-sign-a-request.ipynb").is_file()  # what the download button names
    html = (site / "index.html").read_text(encoding="utf-8")
    assert 'data-md-component="source"' not in html  # Material's JavaScript would ask api.github.com


def test_the_last_updated_date_is_the_last_commit_of_the_source(site: Path):
    stamp = subprocess.run(["git", "log", "-1", "--format=%ct", "--", "notebooks/02-sign-a-request.ipynb"],
                           cwd=ROOT, capture_output=True, text=True).stdout.strip()
    if not stamp:
        pytest.skip("not in a git checkout with the notebook's history")
    day = datetime.fromtimestamp(int(stamp), timezone.utc).date()
    assert page_links(site, NOTEBOOK).times == [day.isoformat()]


def test_a_fork_repo_url_changes_every_link(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("KEYLAB_REPO_URL", FORK)
    result = build_site(tmp_path / "site")
    assert result.returncode == 0, result.stdout + result.stderr
    check_site(tmp_path / "site", FORK)
