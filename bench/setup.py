"""Setup and build: `make install` cold and warm, `make build` full and after one edit, and how
long `make serve` takes to show an edit.

Everything runs in a copy of the checkout's tracked files in a temporary folder, so the real
checkout, its .venv and its caches are never touched.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.core import ROOT, Row, stats

BUILD_BUDGET_S = 5.0
EDITED_PAGE = Path("docs/basics/what-is-an-api.md")   # the page every edit benchmark changes
EDITED_URL = "basics/what-is-an-api/"
QUIET = dict(NO_MKDOCS_2_WARNING="1", PYTHONDONTWRITEBYTECODE="")


def tracked_files(root: Path = ROOT) -> list[Path]:
    """The checkout's files as git knows them (the working-tree versions)."""
    out = subprocess.run(["git", "ls-files", "-z"], cwd=root, capture_output=True, check=True)
    return [Path(name) for name in out.stdout.decode().split("\0") if name]


def copy_checkout(dest: Path, root: Path = ROOT) -> Path:
    """Copy the tracked files (not .venv, site/ or caches) into `dest`, as a fresh clone has them."""
    for relative in tracked_files(root):
        source = root / relative
        if not source.exists() and not source.is_symlink():
            continue  # deleted in the working tree, not yet committed
        target = dest / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_symlink():
            target.symlink_to(os.readlink(source))
        else:
            shutil.copy2(source, target)
    return dest


def timed_cmd(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> float:
    """Seconds `cmd` takes; raises with its output when it fails."""
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        tail = (done.stdout + done.stderr).strip().splitlines()[-15:]
        raise RuntimeError(f"{' '.join(cmd)} failed ({done.returncode}):\n" + "\n".join(tail))
    return elapsed


def install_env(cache: Path | None) -> dict[str, str]:
    """The environment of a machine whose package caches are `cache` (an empty folder = cold),
    or the machine's own caches when `cache` is None."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("VIRTUAL_ENV", "UV_", "PIP_"))}
    # A uv already on PATH would hide the bootstrap a fresh machine goes through.
    env["PATH"] = os.pathsep.join(part for part in env.get("PATH", "").split(os.pathsep)
                                  if part and not (Path(part) / "uv").exists())
    if cache is not None:
        env.update(UV_CACHE_DIR=str(cache / "uv"), PIP_CACHE_DIR=str(cache / "pip"))
    return env


def bench_install(workdir: Path, cold: bool) -> list[Row]:
    """`make install` in a fresh copy: nothing cached (only when `cold`), packages cached but no
    .venv, and once more with nothing left to do."""
    checkout = copy_checkout(workdir / "checkout")
    rows = []
    if cold:
        env = install_env(workdir / "empty-cache")
        seconds = timed_cmd(["make", "install"], checkout, env)
        rows.append(Row("setup", "make install, nothing cached", seconds, "s",
                        note="fresh copy, empty uv and pip caches: bootstraps uv, downloads every package"))
        shutil.rmtree(checkout / ".venv")
    else:
        env = install_env(None)
    seconds = timed_cmd(["make", "install"], checkout, env)
    rows.append(Row("setup", "make install, packages cached, no .venv yet", seconds, "s",
                    note="a second clone on the same machine"))
    seconds = timed_cmd(["make", "install"], checkout, env)
    rows.append(Row("setup", "make install, already up to date", seconds, "s"))
    return rows


def build_cmd(site_dir: Path) -> list[str]:
    return [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", str(site_dir)]


def edit(page: Path, stamp: str) -> None:
    """Append a paragraph naming `stamp` to a Markdown page."""
    with page.open("a") as handle:
        handle.write(f"\n\nEdited for a benchmark: {stamp}.\n")


def bench_build(workdir: Path, repeats: int) -> list[Row]:
    """Strict builds: fresh copy (no notebook cache), warm, and after one page changes."""
    checkout = copy_checkout(workdir / "checkout")
    env = dict(os.environ, **QUIET)
    site = workdir / "site"
    first = timed_cmd(build_cmd(site), checkout, env)
    warm = [timed_cmd(build_cmd(site), checkout, env) for _ in range(repeats)]
    edited = []
    for index in range(repeats):
        edit(checkout / EDITED_PAGE, f"build {index}")
        edited.append(timed_cmd(build_cmd(site), checkout, env))
    target = f"< {BUILD_BUDGET_S:g} s"
    warm_stats, edited_stats = stats(warm), stats(edited)
    return [
        Row("build", "make build, fresh clone (notebooks converted)", first, "s", target=target,
            met=first < BUILD_BUDGET_S),
        Row("build", "make build, full, notebook cache warm", warm_stats["median"], "s", target=target,
            met=warm_stats["median"] < BUILD_BUDGET_S, note=f"median of {repeats}", extra=warm_stats),
        Row("build", "make build after a one-page change", edited_stats["median"], "s", target=target,
            met=edited_stats["median"] < BUILD_BUDGET_S, note=f"median of {repeats}", extra=edited_stats),
    ]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as answer:
            return answer.read().decode()
    except OSError:
        return None


def wait_for(url: str, text: str, timeout: float) -> float:
    """Poll `url` until its body contains `text`; the seconds it took."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        body = fetch(url)
        if body is not None and text in body:
            return time.perf_counter() - start
        time.sleep(0.02)
    raise TimeoutError(f"{url} did not show {text!r} within {timeout:g} s")


@contextmanager
def serving(checkout: Path, port: int) -> Iterator[subprocess.Popen]:
    """`mkdocs serve` as `make serve` runs it, in `checkout`."""
    cmd = [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}", "--livereload"]
    process = subprocess.Popen(cmd, cwd=checkout, env=dict(os.environ, **QUIET),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def bench_serve(workdir: Path, repeats: int) -> list[Row]:
    """From saving a page to `mkdocs serve` answering with the new text."""
    checkout = copy_checkout(workdir / "checkout")
    port = free_port()
    url = f"http://127.0.0.1:{port}/{EDITED_URL}"
    with serving(checkout, port):
        started = wait_for(url, "</html>", timeout=120)
        reloads = []
        for index in range(repeats):
            stamp = f"reload-{index}-{time.time_ns()}"
            edit(checkout / EDITED_PAGE, stamp)
            reloads.append(wait_for(url, stamp, timeout=60))
            time.sleep(0.5)  # let the watcher settle before the next edit
    reload_stats = stats(reloads)
    return [
        Row("build", "make serve, first page served", started, "s"),
        Row("build", "make serve, an edit shown after saving", reload_stats["median"], "s",
            note=f"median of {repeats}; includes the rebuild", extra=reload_stats),
    ]


def run(quick: bool = False) -> list[Row]:
    """Every setup and build figure; `quick` skips the cold install and repeats nothing."""
    repeats = 1 if quick else 3
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="keylab-bench-") as folder:
        rows += bench_install(Path(folder) / "install", cold=not quick)
    with tempfile.TemporaryDirectory(prefix="keylab-bench-") as folder:
        rows += bench_build(Path(folder), repeats)
    with tempfile.TemporaryDirectory(prefix="keylab-bench-") as folder:
        rows += bench_serve(Path(folder), repeats)
    return rows
