"""Build KeyLab's wheel and sdist, and install the wheel into a fresh venv without the network.

Tests that check the package as a user gets it share these helpers:

    wheel, sdist = build_dist(tmp / "dist")
    python = fresh_venv(tmp / "venv", wheel, extras=("notebooks",), packages=("ipykernel",))

The venv is made from the machine's Python (the one .venv was made from), never from .venv
itself, and uv installs into it from its cache only (`--offline`), at uv.lock's exact versions.
After `make install` the cache holds every package of the base set, the `notebooks` extra and the
dev group for this platform, so this works on a fresh CI machine without the network (a package
only in the `lab` group is not cached and fails).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def uv_binary() -> str:
    """The uv the Makefile uses: the one on PATH, else the private copy in .tools/."""
    found = shutil.which("uv")
    if found:
        return found
    private = ROOT / ".tools" / "bin" / "uv"
    if private.exists():
        return str(private)
    raise FileNotFoundError("uv not found on PATH or in .tools/bin (run `make install` first)")


def base_python() -> str:
    """The machine's Python that this interpreter (usually .venv's) was made from."""
    return getattr(sys, "_base_executable", None) or sys.executable


def uv_env() -> dict[str, str]:
    """The environment for uv: no venv or project of the caller's leaks in; never download a Python."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("VIRTUAL_ENV", "UV_PROJECT_ENVIRONMENT", "PYTHONPATH", "PYTHONHOME")}
    env["UV_PYTHON_DOWNLOADS"] = "never"
    env["UV_NO_PROGRESS"] = "1"
    # The cache may be on another file system than the temp dir; copying then is expected, not a warning.
    env.setdefault("UV_LINK_MODE", "copy")
    return env


def _run(cmd: Sequence[str], cwd: Path | None = None, timeout: float = 300) -> str:
    result = subprocess.run(list(cmd), cwd=cwd, env=uv_env(), capture_output=True, text=True,
                            timeout=timeout, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:3])} ... failed ({result.returncode}):\n{result.stderr}")
    return result.stdout


def build_dist(out_dir: Path) -> tuple[Path, Path]:
    """`uv build` of the checkout into out_dir: (wheel, sdist). The wheel is built from the sdist,
    as pip does with an sdist, so a file the sdist lacks is missing from the wheel too."""
    out_dir.mkdir(parents=True, exist_ok=True)
    _run([uv_binary(), "build", "--quiet", "--offline", "--out-dir", str(out_dir), str(ROOT)])
    wheels = sorted(out_dir.glob("keylab-*.whl"))
    sdists = sorted(out_dir.glob("keylab-*.tar.gz"))
    if len(wheels) != 1 or len(sdists) != 1:
        raise RuntimeError(f"expected one wheel and one sdist in {out_dir}, found {wheels + sdists}")
    return wheels[0], sdists[0]


DIST_ENV = "KEYLAB_DIST"


def dist_under_test(out_dir: Path) -> tuple[Path, Path]:
    """(wheel, sdist): the ones `make dist` left in $KEYLAB_DIST (CI tests what it uploads), or
    else a new build_dist into out_dir."""
    named = os.environ.get(DIST_ENV)
    if not named:
        return build_dist(out_dir)
    folder = Path(named) if Path(named).is_absolute() else ROOT / named
    wheels, sdists = sorted(folder.glob("keylab-*.whl")), sorted(folder.glob("keylab-*.tar.gz"))
    if len(wheels) != 1 or len(sdists) != 1:
        raise RuntimeError(f"${DIST_ENV}: expected one wheel and one sdist in {folder}, found {wheels + sdists}")
    return wheels[0], sdists[0]


def build_wheel_from_tree(out_dir: Path) -> Path:
    """A wheel built straight from the checkout (`uv build --wheel`), to compare with build_dist's."""
    out_dir.mkdir(parents=True, exist_ok=True)
    _run([uv_binary(), "build", "--quiet", "--offline", "--wheel", "--out-dir", str(out_dir), str(ROOT)])
    (wheel,) = out_dir.glob("keylab-*.whl")
    return wheel


def _normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def locked_closure(extras: Sequence[str] = (), packages: Sequence[str] = ()) -> set[str]:
    """Names of the locked packages that keylab (with `extras`) and `packages` need, from uv.lock
    (every platform's, a superset; the export's markers pick this machine's)."""
    locked = {p["name"]: p for p in tomllib.loads((ROOT / "uv.lock").read_text(encoding="utf-8"))["package"]}
    project = locked["keylab"]
    todo = [d["name"] for d in project.get("dependencies", [])]
    for extra in extras:
        todo += [d["name"] for d in project.get("optional-dependencies", {})[extra]]
    for name in packages:
        if _normalize(name) not in locked:
            raise ValueError(f"{name!r} is not in uv.lock; fresh_venv installs locked packages only")
        todo.append(_normalize(name))
    seen: set[str] = set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        package = locked[name]
        for dep in package.get("dependencies", []):
            todo.append(dep["name"])
            for extra in dep.get("extra", []):
                todo += [d["name"] for d in package_extra(locked[dep["name"]], extra)]
    seen.discard("keylab")
    return seen


def package_extra(package: dict, extra: str) -> list[dict]:
    """One extra's dependencies of a locked package."""
    return package.get("optional-dependencies", {}).get(extra, [])


def lock_subset(where: Path, names: set[str]) -> Path:
    """uv.lock exported as a pylock.toml (exact URLs and hashes) holding only `names`: uv installs
    such a file from its cache without asking an index, which `--offline` cannot."""
    text = _run([uv_binary(), "export", "--format", "pylock.toml", "--frozen", "--no-emit-project",
                 "--all-extras", "--all-groups", "--quiet"], cwd=ROOT)
    head, *blocks = text.split("\n[[packages]]\n")
    kept = [b for b in blocks if _normalize(tomllib.loads(b)["name"]) in names]
    missing = names - {_normalize(tomllib.loads(b)["name"]) for b in kept}
    if missing:
        raise RuntimeError(f"uv export left out {sorted(missing)}")
    path = where / "pylock.toml"
    path.write_text("\n[[packages]]\n".join([head, *kept]), encoding="utf-8")
    return path


def fresh_venv(where: Path, wheel: Path, extras: Sequence[str] = (), packages: Sequence[str] = ()) -> Path:
    """A new venv at `where` holding `wheel` (with `extras`) and `packages` (names from uv.lock),
    installed offline from uv's cache at uv.lock's versions; returns the venv's python.

    The dependencies go in first from a pylock.toml, then the wheel without resolving, then
    `uv pip check` confirms the wheel's own requirements (its ranges) hold."""
    where.parent.mkdir(parents=True, exist_ok=True)
    _run([base_python(), "-m", "venv", "--without-pip", str(where)])
    python = where / "bin" / "python"
    uv_pip = [uv_binary(), "pip"]
    target = ["--offline", "--quiet", "--python", str(python)]
    _run([*uv_pip, "install", *target, "-r", str(lock_subset(where, locked_closure(extras, packages)))])
    requirement = f"{wheel}[{','.join(extras)}]" if extras else str(wheel)
    _run([*uv_pip, "install", *target, "--no-deps", requirement])
    _run([*uv_pip, "check", *target])
    return python
