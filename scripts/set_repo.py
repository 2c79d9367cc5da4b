"""Point a fork of KeyLab at its own GitHub repository.

    python scripts/set_repo.py OWNER/NAME      (make fork REPO=owner/name)

Rewrites the default of `repo_url` in mkdocs.yml (and `repo_name`, if a line sets it), and the
install spec in every notebook's install cell, so the site's links (Colab's among them) and the
notebooks opened in Colab use the fork. Everything is checked before anything is written: a file that is not as
expected stops the script with nothing changed. Running it twice changes nothing the second time.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GITHUB = "https://github.com/"

# GitHub's rules: an owner is 1-39 letters, digits or hyphens, not starting with a hyphen; a
# repository name is letters, digits, '.', '_' and '-', and may not be '.' or '..'.
REPO = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,38}/(?!\.\.?$)[A-Za-z0-9._-]{1,100}")
REPO_URL = re.compile(r'^(repo_url: !ENV \[KEYLAB_REPO_URL, ")([^"]*)("\])$', re.M)
REPO_NAME = re.compile(r"^(repo_name: )(.*)$", re.M)
# In a notebook file the spec sits inside a JSON string; the repository ends at the closing \".
INSTALL_SPEC = re.compile(r"(keylab\[notebooks\] @ git\+https://github\.com/)([A-Za-z0-9._-]+/[A-Za-z0-9._-]+)")


class NotAsExpected(ValueError):
    """A file does not have the line or cell the script rewrites."""


def check_repo(repo: str) -> str:
    """`repo` if it is a GitHub OWNER/NAME, else ValueError saying what to write."""
    if not REPO.fullmatch(repo):
        raise ValueError(f"{repo!r} is not a GitHub repository written as OWNER/NAME (e.g. you/keylab)")
    return repo


def replace_once(pattern: re.Pattern[str], text: str, value: str, where: str) -> str:
    """Put `value` in the second group of the one match of `pattern` in `text`."""
    found = pattern.findall(text)
    if len(found) != 1:
        raise NotAsExpected(f"{where}: expected exactly one, found {len(found)}")
    return pattern.sub(lambda m: m[1] + value + "".join(m.groups()[2:]), text)


def set_mkdocs(text: str, repo: str) -> str:
    """mkdocs.yml's text with repo_url's default (and repo_name, where set) naming `repo`."""
    text = replace_once(REPO_URL, text, GITHUB + repo, 'mkdocs.yml, line repo_url: !ENV [KEYLAB_REPO_URL, "..."]')
    if REPO_NAME.search(text):  # optional: without it the name is taken from repo_url
        text = replace_once(REPO_NAME, text, repo, "mkdocs.yml, line repo_name:")
    return text


def set_notebook(text: str, repo: str, name: str) -> str:
    """A notebook file's text with its install cell installing from `repo`."""
    return replace_once(INSTALL_SPEC, text, repo, f"{name}, install spec keylab[notebooks] @ git+https://github.com/...")


def mkdocs_repo(text: str) -> str:
    """The repository mkdocs.yml's repo_url names by default (OWNER/NAME)."""
    match = REPO_URL.search(text)
    if not match or not match[2].startswith(GITHUB):
        raise NotAsExpected("mkdocs.yml: no repo_url default on GitHub")
    return match[2].removeprefix(GITHUB)


def notebook_repo(text: str) -> str:
    """The repository a notebook's install cell installs from (OWNER/NAME)."""
    found = INSTALL_SPEC.findall(text)
    if len(found) != 1:
        raise NotAsExpected(f"expected one install spec, found {len(found)}")
    return found[0][1]


def notebooks(root: Path) -> list[Path]:
    """The course notebooks under `root`."""
    return sorted((root / "notebooks").glob("[0-9][0-9]-*.ipynb"))


def set_repo(root: Path, repo: str) -> list[Path]:
    """Rewrite mkdocs.yml and the notebooks under `root` for `repo`; the files that changed."""
    check_repo(repo)
    planned: dict[Path, tuple[str, str]] = {}
    mkdocs = root / "mkdocs.yml"
    text = mkdocs.read_text(encoding="utf-8")
    planned[mkdocs] = (text, set_mkdocs(text, repo))
    paths = notebooks(root)
    if not paths:
        raise NotAsExpected(f"no notebooks in {root / 'notebooks'}")
    for path in paths:
        text = path.read_text(encoding="utf-8")
        planned[path] = (text, set_notebook(text, repo, path.name))
    changed = [path for path, (old, new) in planned.items() if old != new]
    for path in changed:
        path.write_text(planned[path][1], encoding="utf-8")
    return changed


def main(argv: list[str], root: Path = ROOT) -> int:
    if len(argv) != 1 or argv[0].startswith("-"):
        print("usage: python scripts/set_repo.py OWNER/NAME", file=sys.stderr)
        return 2
    try:
        changed = set_repo(root, argv[0])
    except ValueError as problem:  # NotAsExpected too
        print(f"set_repo: {problem}; nothing was changed", file=sys.stderr)
        return 1
    if not changed:
        print(f"already set to {argv[0]}: nothing to change")
    for path in changed:
        print(f"now {argv[0]}: {path.relative_to(root)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
