"""Notebooks: nbval over every notebook, as `make test` runs it, against the floor of empty notebooks.

The suite is `python -m pytest -n 2 --dist loadfile notebooks` with the checkout's pytest settings
(pyproject addopts: --nbval --nbval-current-env) and its root conftest.py, which starts one
localnet per xdist worker once notebooks are collected.

The floor is the same command over as many generated notebooks, each one code cell (`print("ok")`
with its stored output) and the real notebooks' kernelspec. They are written to a temporary folder
inside the checkout, so the same rootdir, pyproject options and conftest.py apply and localnet
starts exactly as for the real run: the floor is pytest, xdist, localnet and one kernel start and
stop per notebook, with no lesson in them. Per notebook, the junit report gives each cell's
setup + call + teardown (the kernel starts in the first cell's setup and stops in the last one's
teardown); the per-notebook floor is an empty notebook's figure from the floor run.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ElementTree
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import nbformat

from bench.core import ROOT, Row, stats

SECTION = "notebooks"
NOTEBOOKS = ROOT / "notebooks"
TARGET_RATIO = 1.5
FLOOR_PREFIX = "_floor_"   # the floor's folder, under bench/ (no dots: junit class names are dotted)
# As `make test` runs it: the Makefile exports PYTHONDONTWRITEBYTECODE empty.
ENV = dict(PYTHONDONTWRITEBYTECODE="")


def notebooks(folder: Path = NOTEBOOKS) -> list[Path]:
    return sorted(folder.glob("*.ipynb"))


def command(paths: list[Path], junit: Path, workers: int = 2) -> list[str]:
    """The `make test` command over `paths`, writing a junit report to `junit`."""
    return [sys.executable, "-m", "pytest", "-n", str(workers), "--dist", "loadfile", "-q",
            f"--junitxml={junit}", *[str(path) for path in paths]]


def empty_notebook(like: Path | None = None) -> nbformat.NotebookNode:
    """One code cell that prints "ok", with that output stored, and `like`'s kernelspec and language."""
    notebook = nbformat.v4.new_notebook()
    if like is not None:
        source = nbformat.read(like, as_version=4).metadata
        for name in ("kernelspec", "language_info"):
            if name in source:
                notebook.metadata[name] = source[name]
    cell = nbformat.v4.new_code_cell('print("ok")', execution_count=1)
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="ok\n")]
    notebook.cells = [cell]
    return notebook


def write_floor(folder: Path, count: int, like: Path | None = None) -> list[Path]:
    """`count` empty notebooks in `folder`, named like the real ones (floor-01.ipynb, ...)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(1, count + 1):
        path = folder / f"floor-{index:02}.ipynb"
        nbformat.write(empty_notebook(like), path)
        paths.append(path)
    return paths


def notebook_name(classname: str) -> str:
    """The notebook file a junit test case belongs to: "notebooks.01-first-request.ipynb" -> "01-first-request.ipynb"."""
    parts = classname.split(".")
    return ".".join(parts[-2:]) if parts[-1] == "ipynb" else classname


def per_notebook(junit: Path) -> dict[str, float]:
    """Seconds per notebook file in a junit report: the sum of its cells' times (setup + call + teardown)."""
    totals: dict[str, float] = defaultdict(float)
    for case in ElementTree.parse(junit).getroot().iter("testcase"):
        if case.find("failure") is not None or case.find("error") is not None:
            raise RuntimeError(f"{case.get('classname')}::{case.get('name')} failed")
        totals[notebook_name(case.get("classname", ""))] += float(case.get("time", 0))
    return dict(totals)


@dataclass
class Run:
    """One nbval run: wall seconds, CPU seconds of every process in it, seconds per notebook."""

    wall: float
    cpu: float
    each: dict[str, float]


def children_cpu() -> float:
    """CPU seconds used so far by this process's finished children and their descendants."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_pytest(paths: list[Path], workdir: Path) -> Run:
    """One run over `paths`: its wall and CPU seconds, and seconds per notebook from its junit report.

    CPU seconds cover pytest, its workers, their localnets and the kernels (each process waits for
    its children), so they say how much work there was even when other jobs slow the wall clock.
    """
    junit = workdir / f"junit-{time.monotonic_ns()}.xml"
    cpu, start = children_cpu(), time.perf_counter()
    done = subprocess.run(command(paths, junit), cwd=ROOT, env={**os.environ, **ENV},
                          capture_output=True, text=True)
    elapsed, cpu = time.perf_counter() - start, children_cpu() - cpu
    if done.returncode != 0:
        tail = (done.stdout + done.stderr).strip().splitlines()[-20:]
        raise RuntimeError("nbval run failed:\n" + "\n".join(tail))
    return Run(elapsed, cpu, per_notebook(junit))


def rows_from(suite_runs: list[Run], floor_runs: list[Run], alone: Run | None = None) -> list[Row]:
    """The section's rows from the runs (medians over the repetitions)."""
    count = len(suite_runs[0].each)
    suite, floor = stats(r.wall for r in suite_runs), stats(r.wall for r in floor_runs)
    suite_cpu, floor_cpu = stats(r.cpu for r in suite_runs), stats(r.cpu for r in floor_runs)
    ratio = suite["median"] / floor["median"]
    rows = [
        Row(SECTION, f"nbval, all {count} notebooks (-n 2)", suite["median"], "s", floor=floor["median"],
            target=f"<= {TARGET_RATIO}x floor", met=ratio <= TARGET_RATIO,
            note=f"floor: the same command over {count} one-cell notebooks (kernel start and stop)",
            extra={"suite": suite, "floor": floor}),
        Row(SECTION, "CPU time of that run, all processes", suite_cpu["median"], "s", floor=floor_cpu["median"],
            note="user + system seconds of pytest, workers, localnet and kernels: steadier than wall "
                 "time on a shared machine", extra={"suite": suite_cpu, "floor": floor_cpu}),
    ]
    if alone is not None:
        rows.append(Row(SECTION, "nbval, one empty notebook alone (-n 2)", alone.wall, "s",
                        note="the whole command: pytest, workers, localnet, one kernel",
                        extra={"cpu_s": alone.cpu, "notebook_s": sum(alone.each.values())}))
    empty = stats(seconds for run in floor_runs for seconds in run.each.values())
    for name in sorted({name for run in suite_runs for name in run.each}):
        figures = stats(run.each[name] for run in suite_runs if name in run.each)
        rows.append(Row(SECTION, name, figures["median"], "s", floor=empty["median"],
                        note="junit: setup + call + teardown of its cells; floor: one empty notebook's",
                        extra={"samples": figures}))
    return rows


def run(quick: bool = False) -> list[Row]:
    real = notebooks()
    if not real:
        return []
    times = 1 if quick else 3
    suite_runs, floor_runs = [], []
    with tempfile.TemporaryDirectory(prefix="keylab-bench-nb-") as scratch:
        floor_dir = Path(tempfile.mkdtemp(prefix=FLOOR_PREFIX, dir=ROOT / "bench"))
        try:
            floor = write_floor(floor_dir, len(real), like=real[0])
            # Alternate the two, so that a burst of load on the shared machine hits both alike.
            for _ in range(times):
                suite_runs.append(run_pytest(real, Path(scratch)))
                floor_runs.append(run_pytest(floor, Path(scratch)))
            alone = run_pytest(floor[:1], Path(scratch))
        finally:
            shutil.rmtree(floor_dir, ignore_errors=True)
    return rows_from(suite_runs, floor_runs, alone)
