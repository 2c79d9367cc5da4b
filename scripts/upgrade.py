"""`make upgrade`: move the pinned exchange clients and everything else in uv.lock to their newest releases.

    python scripts/upgrade.py [--project DIR] [--uv PATH]

The `notebooks` extra in pyproject.toml pins its clients exactly (ccxt==..., the SDKs), because
the notebooks' stored outputs depend on them. This script:

1. relaxes each of those pins to `>=` the current version and runs `uv lock --upgrade`, so uv
   picks the newest release of every package in the lock that the constraints allow;
2. writes the versions uv chose back into pyproject.toml as `==` pins and runs `uv lock` again,
   so the lock records the new pins;
3. prints old -> new for every package whose version changed, and says to run `make test`.

If uv fails, pyproject.toml and uv.lock are put back as they were. Pins elsewhere (the dev
group's `==` versions) are left alone: uv cannot move them, and this script does not try.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TABLE = "project.optional-dependencies"
EXTRA = "notebooks"
# "name[extras] == version ; marker": the parts of one pinned requirement.
PIN = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)(?P<extras>\[[^\]]*\])?\s*==\s*(?P<version>[^\s;,]+)\s*(?P<rest>(?:;.*)?)$")
DONE = ("Now run `make test`: it installs the new versions, then the notebooks' stored outputs, the "
        "snippet tests and the library tests show what changed.")


class UpgradeError(RuntimeError):
    """The upgrade could not be done; pyproject.toml and uv.lock are as they were."""


def normalize(name: str) -> str:
    """A package name as the lock spells it (PEP 503: lower case, runs of -_. become -)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def read_pins(pyproject: str) -> dict[str, str]:
    """{normalized name: version} of every `==` requirement in the notebooks extra."""
    requirements = tomllib.loads(pyproject).get("project", {}).get("optional-dependencies", {}).get(EXTRA, [])
    pins = {}
    for requirement in requirements:
        if match := PIN.match(requirement.strip()):
            pins[normalize(match["name"])] = match["version"]
    return pins


def _extra_span(pyproject: str) -> tuple[int, int]:
    """Where the notebooks extra's array lies in the text (start and end offsets)."""
    header = re.search(rf"^\[{re.escape(TABLE)}\][ \t]*$", pyproject, re.M)
    if not header:
        raise UpgradeError(f"pyproject.toml has no [{TABLE}] table")
    next_table = re.search(r"^\[", pyproject[header.end():], re.M)
    table_end = header.end() + next_table.start() if next_table else len(pyproject)
    start = re.compile(rf"^{EXTRA}[ \t]*=[ \t]*\[", re.M).search(pyproject, header.end(), table_end)
    if not start:
        raise UpgradeError(f"[{TABLE}] has no '{EXTRA} = [' line")
    end = pyproject.find("]", start.end())
    while end != -1 and pyproject.count('"', start.end(), end) % 2:  # a ] inside a string ("ccxt[pro]")
        end = pyproject.find("]", end + 1)
    if end == -1 or end > table_end:
        raise UpgradeError(f"the {EXTRA} array in [{TABLE}] is not closed")
    return start.end(), end


def set_pins(pyproject: str, specifiers: dict[str, str]) -> str:
    """`pyproject` with each named requirement of the notebooks extra given a new specifier.

    `specifiers` maps a normalized name to what follows the name: "==4.5.91" or ">=4.5.90".
    Everything else in the file (comments, order, other tables) is kept byte for byte.
    """
    start, end = _extra_span(pyproject)

    def replace(literal: re.Match) -> str:
        match = PIN.match(literal["body"].strip())
        name = normalize(match["name"]) if match else None
        if name not in specifiers or specifiers[name] == f"=={match['version']}":
            return literal[0]  # not ours, or already that pin: kept as written
        rest = f" {match['rest']}" if match["rest"] else ""
        return f'"{match["name"]}{match["extras"] or ""}{specifiers[name]}{rest}"'

    body = re.sub(r'"(?P<body>[^"]*)"', replace, pyproject[start:end])
    new = pyproject[:start] + body + pyproject[end:]
    tomllib.loads(new)  # still TOML
    return new


def lock_versions(lock: str) -> dict[str, list[str]]:
    """{package: versions} in a uv.lock (a package resolved differently per platform has several)."""
    found: dict[str, list[str]] = {}
    for package in tomllib.loads(lock).get("package", []):
        if "version" in package:  # the project itself, if dynamic, has none
            found.setdefault(normalize(package["name"]), []).append(package["version"])
    return {name: sorted(set(versions)) for name, versions in found.items()}


def changes(before: dict[str, list[str]], after: dict[str, list[str]]) -> list[tuple[str, str, str]]:
    """(package, old, new) for every package added, removed or moved, sorted by name."""
    rows = []
    for name in sorted(set(before) | set(after)):
        old, new = ", ".join(before.get(name, [])) or "(none)", ", ".join(after.get(name, [])) or "(none)"
        if old != new:
            rows.append((name, old, new))
    return rows


def _uv(uv: str, project: Path, *args: str) -> None:
    env = dict(os.environ, UV_PYTHON_DOWNLOADS="never")
    done = subprocess.run([uv, "lock", *args], cwd=project, env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True)
    if done.returncode:
        raise UpgradeError(f"uv lock {' '.join(args)} failed:\n{done.stdout.strip()}")


def upgrade(project: Path, uv: str) -> tuple[dict[str, tuple[str, str]], list[tuple[str, str, str]]]:
    """Upgrade the pins and the lock in `project`; return (the pins' old and new, every change)."""
    pyproject_path, lock_path = project / "pyproject.toml", project / "uv.lock"
    original_pyproject, original_lock = pyproject_path.read_text(), lock_path.read_text()
    pins = read_pins(original_pyproject)
    if not pins:
        raise UpgradeError(f"the {EXTRA} extra in pyproject.toml pins nothing with ==")
    try:
        pyproject_path.write_text(set_pins(original_pyproject, {n: f">={v}" for n, v in pins.items()}))
        _uv(uv, project, "--upgrade")
        chosen = lock_versions(lock_path.read_text())
        new_pins = {}
        for name in pins:
            if len(chosen.get(name, [])) != 1:
                raise UpgradeError(f"uv.lock holds {chosen.get(name) or 'no'} version(s) of {name}; expected one")
            new_pins[name] = chosen[name][0]
        pyproject_path.write_text(set_pins(original_pyproject, {n: f"=={v}" for n, v in new_pins.items()}))
        _uv(uv, project)
        final = lock_versions(lock_path.read_text())
        if any(final.get(name) != [version] for name, version in new_pins.items()):
            raise UpgradeError("the second uv lock moved a pinned version; nothing was changed")
    except BaseException:
        pyproject_path.write_text(original_pyproject)
        lock_path.write_text(original_lock)
        raise
    return ({name: (pins[name], new_pins[name]) for name in pins},
            changes(lock_versions(original_lock), final))


def default_uv() -> str:
    """uv on PATH, else the private copy `make` installs in .tools/."""
    return shutil.which("uv") or str(ROOT / ".tools" / "bin" / "uv")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--project", type=Path, default=ROOT, help="folder with pyproject.toml and uv.lock")
    parser.add_argument("--uv", default=default_uv(), help="the uv to run (default: %(default)s)")
    args = parser.parse_args(argv)
    uv = str(Path(args.uv).resolve()) if "/" in args.uv else args.uv  # uv runs inside --project
    try:
        pins, changed = upgrade(args.project, uv)
    except (UpgradeError, OSError) as problem:
        print(f"upgrade: {problem}\npyproject.toml and uv.lock are unchanged.", file=sys.stderr)
        return 1
    if not changed:
        print("Everything is already at the newest version uv can resolve; nothing changed.")
        return 0
    pinned = {name for name, (old, new) in pins.items() if old != new}
    width = max(len(name) for name, _, _ in changed)
    print(f"{len(changed)} packages changed in uv.lock ({len(pinned)} pinned client(s) in pyproject.toml, marked *):")
    for name, old, new in changed:
        print(f"  {'*' if name in pinned else ' '} {name:<{width}}  {old} -> {new}")
    print(DONE)
    return 0


if __name__ == "__main__":
    sys.exit(main())
