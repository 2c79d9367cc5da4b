"""What each page says about itself: when it last changed, where to edit it, how to report a problem.

Every page ends with a line "Last updated <date> · Edit this page · Report a problem" (drawn by
overrides/partials/source-file.html); a notebook page also gets a "Download notebook" and an
"Open in Colab" button above its title (overrides/partials/actions.html). All of it comes from
three settings in mkdocs.yml: `repo_url`, `edit_uri` and `site_url`.

- The date is that of the last commit touching the page's source file, from one `git log` over
  every page at once. Outside a git checkout, or for a file git does not track, there is no date.
  A shallow clone gives every file the date of its oldest fetched commit, which is wrong.
- A page reached through a symlink (docs/notebooks -> ../notebooks) is edited where the link
  points: GitHub does not follow symlinks, so the edit link names notebooks/x.ipynb.
- "Report a problem" opens a new GitHub issue with the page's title and address filled in.
- "Open in Colab" needs a github.com `repo_url` and a branch in `edit_uri` (`edit/<branch>/docs/`).

mkdocs.yml is taken to sit at the root of the repository, as it does in KeyLab.
"""

from __future__ import annotations

import logging
import os
import posixpath
import subprocess
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from urllib.parse import quote, urlencode, urljoin, urlsplit

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

log = logging.getLogger("mkdocs.hooks.page_meta")

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")
COMMIT = "\x00"         # starts each commit's line in the git log output
GIT_TIMEOUT = 30        # seconds; a git that hangs (a lock, a network mount) costs the dates only
COLAB = "https://colab.research.google.com/github"
MKDOCS_GITHUB_NAME = "GitHub"  # MkDocs's repo_name for any github.com repo_url, when none is given


@dataclass(frozen=True)
class Repository:
    """Where the site's sources live on GitHub, as far as mkdocs.yml tells."""

    url: str                   # repo_url, without a trailing slash
    owner: str | None = None   # set when repo_url is a github.com repository
    name: str | None = None
    branch: str | None = None  # from edit_uri


@dataclass(frozen=True)
class PageMeta:
    """What the templates show about one page; None leaves that item out."""

    updated: date | None
    edit_url: str | None
    report_url: str | None
    download_url: str | None = None
    colab_url: str | None = None

    @property
    def updated_text(self) -> str:
        return date_text(self.updated) if self.updated else ""


_repository: Repository | None = None
_sources: dict[str, str] = {}     # page src_uri -> its file's path in the repository
_dates: dict[str, date] = {}      # path in the repository -> date of its last commit (UTC)


def date_text(day: date) -> str:
    """`21 November 2026`, whatever the machine's locale."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def github_repo(repo_url: str) -> tuple[str, str] | None:
    """(owner, name) of a https://github.com/<owner>/<name> address, else None."""
    parts = urlsplit(repo_url)
    path = [part for part in parts.path.split("/") if part]
    if parts.scheme != "https" or parts.hostname != "github.com" or len(path) != 2:
        return None
    return path[0], path[1].removesuffix(".git")


def branch_of(edit_uri: str, docs_path: str) -> str | None:
    """The branch in a GitHub `edit_uri` (`edit/<branch>/<docs_path>/`), else None.

    `docs_path` is docs_dir relative to the repository root ("docs"); a branch may hold slashes.
    """
    parts = [part for part in edit_uri.split("/") if part]
    docs = [part for part in docs_path.split("/") if part not in ("", ".")]
    if "?" in edit_uri or "#" in edit_uri or not parts or parts[0] not in ("edit", "blob"):
        return None
    middle = parts[1:len(parts) - len(docs)] if docs else parts[1:]
    if not middle or (docs and parts[len(parts) - len(docs):] != docs):
        return None
    return "/".join(middle)


def repository(config: MkDocsConfig) -> Repository | None:
    """The repository of config's repo_url, with owner, name and branch where they can be read."""
    if not config.repo_url:
        return None
    url = config.repo_url.rstrip("/")
    found = github_repo(url)
    if found is None:
        if urlsplit(url).hostname == "github.com":
            log.warning("repo_url %s is not a https://github.com/<owner>/<name> address; "
                        "pages get no Colab or report link", url)
        else:
            log.info("repo_url %s is not on github.com: no Colab or report links", url)
        return Repository(url)
    docs_path = Path(os.path.relpath(config.docs_dir, repo_root(config))).as_posix()
    branch = branch_of(config.edit_uri or "", docs_path)
    if branch is None and config.edit_uri:
        log.warning("edit_uri %r names no branch (edit/<branch>/%s/): notebook pages get no Colab link",
                    config.edit_uri, docs_path)
    return Repository(url, *found, branch)


def repo_root(config: MkDocsConfig) -> Path:
    return Path(config.config_file_path).resolve().parent


def source_path(abs_src_path: str, root: Path) -> str | None:
    """The file's path in the repository, symlinks followed; None when it lies outside."""
    try:
        return Path(abs_src_path).resolve().relative_to(root).as_posix()
    except ValueError:
        return None


def last_commit_dates(root: Path, paths: list[str]) -> dict[str, date]:
    """The UTC date of the last commit touching each of `paths` (relative to `root`), from one git log.

    Paths that git does not track are left out; so is everything when `root` is not in a git
    checkout or git is missing.
    """
    if not paths:
        return {}
    command = ["git", "-c", "core.quotePath=false", "log", "--format=%x00%ct", "--name-only",
               "--relative", "--no-renames", "--", *paths]
    try:
        done = subprocess.run(command, cwd=root, capture_output=True, text=True, timeout=GIT_TIMEOUT,
                              env=dict(os.environ, GIT_OPTIONAL_LOCKS="0", LC_ALL="C"))
    except (OSError, subprocess.TimeoutExpired) as error:
        log.info("no page dates: git did not run (%s)", error)
        return {}
    if done.returncode != 0:
        log.info("no page dates: %s", done.stderr.strip().splitlines()[-1:] or "git log failed")
        return {}
    wanted, dates = set(paths), {}
    current: date | None = None
    for line in done.stdout.splitlines():
        if line.startswith(COMMIT):
            current = datetime.fromtimestamp(int(line[1:]), timezone.utc).date()
        elif line and current and line in wanted and line not in dates:
            dates[line] = current  # newest first: the first commit naming a file is its last
    return dates


def edit_url(repo_url: str, edit_uri: str, docs_dir: Path, path: str, root: Path) -> str:
    """The edit link of the file at `path` in the repository, as MkDocs builds it from edit_uri.

    The path is taken relative to docs_dir, so a file behind a symlink comes out as
    `edit/<branch>/notebooks/x.ipynb` (urljoin drops the `docs/..`).
    """
    relative = posixpath.relpath((root / path).as_posix(), docs_dir.resolve().as_posix())
    return urljoin(repo_url.rstrip("/") + "/", edit_uri + quote(relative))


def report_url(repo_url: str, title: str, page_url: str) -> str:
    """A new-issue link on GitHub with the page's title and address filled in."""
    query = urlencode({"title": f"Problem on the page: {title}",
                       "body": f"Page: {page_url}\n\nWhat is wrong, and where on the page:\n"},
                      quote_via=quote)
    return f"{repo_url.rstrip('/')}/issues/new?{query}"


def colab_url(repo: Repository, path: str) -> str | None:
    """The "Open in Colab" address of the notebook at `path` in the repository, if it has one."""
    if not (repo.owner and repo.name and repo.branch):
        return None
    return f"{COLAB}/{quote(repo.owner)}/{quote(repo.name)}/blob/{quote(repo.branch)}/{quote(path)}"


def is_notebook(page: Page) -> bool:
    return page.file.src_uri.endswith(".ipynb")


def copies_notebooks(config: MkDocsConfig) -> bool:
    """Whether mkdocs-jupyter puts each .ipynb beside its page (`include_source`)."""
    plugin = config.plugins.get("mkdocs-jupyter")
    return bool(plugin and plugin.config.get("include_source"))


def download_url(page: Page) -> str:
    """Where mkdocs-jupyter copies the page's notebook, relative to the page."""
    name = posixpath.basename(page.file.abs_src_path)
    return get_relative_url(posixpath.join(posixpath.dirname(page.file.dest_uri), name), page.url)


def on_config(config: MkDocsConfig) -> None:
    """Read the repository once; a fork's header then names the fork (unless repo_name is set)."""
    global _repository
    _repository = repository(config)
    if _repository and _repository.owner and config.repo_name == MKDOCS_GITHUB_NAME:
        config.repo_name = f"{_repository.owner}/{_repository.name}"


def on_nav(nav: Navigation, config: MkDocsConfig, files: Files) -> None:
    """Every page's source path, and one git log for all their dates (after every plugin's on_files)."""
    root = repo_root(config)
    _sources.clear()
    for file in files.documentation_pages():
        if file.abs_src_path and (path := source_path(file.abs_src_path, root)):
            _sources[file.src_uri] = path
    _dates.clear()
    _dates.update(last_commit_dates(root, sorted(set(_sources.values()))))


def meta(page: Page, config: MkDocsConfig) -> PageMeta:
    """What the templates show about `page`."""
    repo, path = _repository, _sources.get(page.file.src_uri)
    edit = page.edit_url
    if repo and path and config.edit_uri and not config.edit_uri_template:
        edit = edit_url(repo.url, config.edit_uri, Path(config.docs_dir), path, repo_root(config))
    report = (report_url(repo.url, page.title or config.site_name, page.canonical_url or page.url)
              if repo and repo.owner else None)
    notebook = is_notebook(page)
    return PageMeta(
        updated=_dates.get(path) if path else None,
        edit_url=edit,
        report_url=report,
        download_url=download_url(page) if notebook and copies_notebooks(config) else None,
        colab_url=colab_url(repo, path) if notebook and repo and path else None,
    )


def on_page_context(context: dict, page: Page, config: MkDocsConfig, nav: Navigation) -> dict:
    page_meta = meta(page, config)
    page.edit_url = page_meta.edit_url  # Material's edit button reads it
    context["page_meta"] = page_meta
    return context
