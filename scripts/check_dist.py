"""Check the wheel and sdist in a folder (make dist): list what each holds, refuse what must not ship.

    python scripts/check_dist.py dist

The wheel must hold the packages localnet (with its management page, manage/static) and snippets
and their metadata, and nothing else: no tests, caches, databases, .env files or stored example
outputs. The sdist holds the same packages plus what builds and explains them (pyproject.toml,
README.md, LICENSE), not the course (docs, notebooks, site). Exit status 1 names every problem.
"""

from __future__ import annotations

import re
import sys
import tarfile
import zipfile
from pathlib import Path, PurePosixPath

PACKAGES = ("localnet", "snippets")
# Files the management page serves; the wheel is useless without them.
STATIC = tuple(f"localnet/manage/static/{name}" for name in ("index.html", "manage.css", "manage.js", "favicon.svg"))
REQUIRED = ("localnet/__init__.py", "localnet/__main__.py", "localnet/client.py", "snippets/__init__.py", *STATIC)
SDIST_EXTRA = ("pyproject.toml", "README.md", "LICENSE", "PKG-INFO")
# hatchling copies the project's .gitignore into the sdist so a wheel built from it skips the same files.
SDIST_ALLOWED_TOP = {*PACKAGES, *SDIST_EXTRA, ".gitignore"}
ENTRY_POINT = "localnet = localnet.__main__:main"
# Never shipped, in either file (a part of a path, or a file name pattern).
FORBIDDEN_PARTS = {"__pycache__", "tests", ".localnet", ".venv", ".tools", "notebooks", "docs", "site", "bench"}
FORBIDDEN_NAME = re.compile(r"(\.pyc|\.db|\.db-wal|\.db-shm|\.sqlite3|ports\.json)$|^\.env($|\.)")


def _forbidden(path: str) -> bool:
    parts = PurePosixPath(path).parts
    return bool(FORBIDDEN_PARTS & set(parts[:-1])) or bool(FORBIDDEN_NAME.search(parts[-1]))


def wheel_problems(names: list[str]) -> list[str]:
    """What is wrong with a wheel holding `names` (its member paths)."""
    problems = [f"wheel: {path} must not ship" for path in names if _forbidden(path)]
    for path in names:
        top = path.split("/", 1)[0]
        if top not in PACKAGES and not top.endswith(".dist-info"):
            problems.append(f"wheel: {path} is outside localnet/, snippets/ and the metadata")
        elif path.endswith(".out"):
            problems.append(f"wheel: {path} is a stored example output; it belongs in the sdist only")
    problems += [f"wheel: {path} is missing" for path in REQUIRED if path not in names]
    return problems


def sdist_problems(names: list[str]) -> list[str]:
    """What is wrong with an sdist holding `names` (member paths, each under one top folder)."""
    inside = [path.split("/", 1)[1] for path in names if "/" in path]
    problems = [f"sdist: {path} must not ship" for path in inside if _forbidden(path)]
    problems += [f"sdist: {path} is not one of {', '.join(sorted(SDIST_ALLOWED_TOP))}"
                 for path in inside if path.split("/", 1)[0] not in SDIST_ALLOWED_TOP]
    problems += [f"sdist: {path} is missing" for path in (*REQUIRED, *SDIST_EXTRA) if path not in inside]
    return problems


def wheel_names(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as archive:
        return archive.namelist()


def sdist_names(sdist: Path) -> list[str]:
    with tarfile.open(sdist) as archive:
        return [member.name for member in archive.getmembers() if member.isfile()]


def entry_points(wheel: Path) -> str:
    """The wheel's entry_points.txt ('' when it has none)."""
    with zipfile.ZipFile(wheel) as archive:
        found = [n for n in archive.namelist() if n.endswith(".dist-info/entry_points.txt")]
        return archive.read(found[0]).decode() if found else ""


def check(folder: Path) -> list[str]:
    """Every problem with the one wheel and the one sdist in `folder`; prints what each holds."""
    wheels, sdists = sorted(folder.glob("*.whl")), sorted(folder.glob("*.tar.gz"))
    if len(wheels) != 1 or len(sdists) != 1:
        return [f"{folder}: expected one wheel and one sdist, found {len(wheels)} and {len(sdists)}"]
    wheel, sdist = wheels[0], sdists[0]
    for path, names in ((wheel, wheel_names(wheel)), (sdist, sdist_names(sdist))):
        print(f"{path.name}: {len(names)} files, {path.stat().st_size / 1024:.0f} KiB")
    problems = wheel_problems(wheel_names(wheel)) + sdist_problems(sdist_names(sdist))
    if ENTRY_POINT not in entry_points(wheel).splitlines():
        problems.append(f"wheel: entry_points.txt lacks '{ENTRY_POINT}'")
    return problems


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python scripts/check_dist.py DIST_FOLDER", file=sys.stderr)
        return 2
    problems = check(Path(argv[0]))
    for problem in problems:
        print(problem, file=sys.stderr)
    print("dist: problems found" if problems else "dist: ok")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
