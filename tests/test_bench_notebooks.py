"""The notebooks benchmark's plumbing: the floor notebooks, the command, the junit parsing, the rows.

Nothing here runs nbval or looks at a time: the figures are the benchmark's business.
"""

import contextlib
import io
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from bench import notebooks as bench

JUNIT = """<?xml version="1.0" encoding="utf-8"?><testsuites name="pytest tests"><testsuite name="pytest"
 errors="0" failures="0" skipped="0" tests="4" time="3.0">
<testcase classname="notebooks.01-first-request.ipynb" name="Cell 0" time="0.750" />
<testcase classname="notebooks.01-first-request.ipynb" name="Cell 1" time="0.250" />
<testcase classname="notebooks.02-sign-a-request.ipynb" name="Cell 0" time="0.500" />
<testcase classname="bench._floor_x1y.floor-01.ipynb" name="Cell 0" time="0.125" />
</testsuite></testsuites>"""


def test_the_empty_notebook_prints_what_it_stores(tmp_path: Path) -> None:
    [path] = bench.write_floor(tmp_path, 1)
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    [cell] = notebook.cells
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(cell.source, {})
    assert [output.text for output in cell.outputs] == [printed.getvalue()]


def test_the_floor_has_one_notebook_per_real_one_with_their_kernelspec(tmp_path: Path) -> None:
    real = bench.notebooks()
    paths = bench.write_floor(tmp_path / "floor", len(real), like=real[0])
    assert [path.name for path in paths] == [f"floor-{n:02}.ipynb" for n in range(1, len(real) + 1)]
    kernelspec = nbformat.read(real[0], as_version=4).metadata.kernelspec
    assert all(nbformat.read(path, as_version=4).metadata.kernelspec == kernelspec for path in paths)


def test_the_command_is_make_tests_with_a_junit_report(tmp_path: Path) -> None:
    cmd = bench.command([Path("a.ipynb"), Path("b.ipynb")], tmp_path / "j.xml")
    assert cmd[1:7] == ["-m", "pytest", "-n", "2", "--dist", "loadfile"]
    assert f"--junitxml={tmp_path / 'j.xml'}" in cmd
    assert cmd[-2:] == ["a.ipynb", "b.ipynb"]


def test_the_floor_folder_name_survives_junits_dotted_class_names() -> None:
    assert "." not in bench.FLOOR_PREFIX
    assert bench.notebook_name("bench._floor_x1y.floor-01.ipynb") == "floor-01.ipynb"
    assert bench.notebook_name("notebooks.12-activity-log.ipynb") == "12-activity-log.ipynb"


def test_junit_times_are_summed_per_notebook(tmp_path: Path) -> None:
    junit = tmp_path / "j.xml"
    junit.write_text(JUNIT)
    assert bench.per_notebook(junit) == {
        "01-first-request.ipynb": 1.0, "02-sign-a-request.ipynb": 0.5, "floor-01.ipynb": 0.125}


def test_a_failed_cell_is_an_error_not_a_figure(tmp_path: Path) -> None:
    junit = tmp_path / "j.xml"
    junit.write_text(JUNIT.replace('time="0.250" />', 'time="0.250"><failure message="x"/></testcase>'))
    with pytest.raises(RuntimeError, match="01-first-request.ipynb::Cell 1"):
        bench.per_notebook(junit)


def test_rows_compare_the_suite_with_its_floor() -> None:
    floor_each = {"floor-01.ipynb": 0.5, "floor-02.ipynb": 0.5}
    suite = [bench.Run(12.0, 20.0, {"a.ipynb": 2.0, "b.ipynb": 1.0}),
             bench.Run(14.0, 22.0, {"a.ipynb": 4.0, "b.ipynb": 1.0})]
    floor = [bench.Run(8.0, 10.0, floor_each), bench.Run(10.0, 12.0, floor_each)]
    rows = bench.rows_from(suite, floor, alone=bench.Run(5.0, 6.0, {"floor-01.ipynb": 0.5}))
    total, cpu, alone, *each = rows
    assert (total.value, total.floor, total.unit) == (13.0, 9.0, "s")
    assert total.name == "nbval, all 2 notebooks (-n 2)"
    assert total.target == "<= 1.5x floor" and total.met is True
    assert (cpu.value, cpu.floor, cpu.met) == (21.0, 11.0, None)
    assert (alone.value, alone.floor, alone.extra) == (5.0, None, {"cpu_s": 6.0, "notebook_s": 0.5})
    assert [(row.name, row.value, row.floor, row.met) for row in each] == [
        ("a.ipynb", 3.0, 0.5, None), ("b.ipynb", 1.0, 0.5, None)]
    assert {row.section for row in rows} == {"notebooks"}
    missed = bench.rows_from([bench.Run(16.0, 1.0, {"a.ipynb": 1.0})], [bench.Run(10.0, 1.0, floor_each)])[0]
    assert missed.met is False and missed.ratio == 1.6


def test_cpu_seconds_count_finished_child_processes() -> None:
    before = bench.children_cpu()
    subprocess.run([sys.executable, "-c", "sum(range(3_000_000))"], check=True)
    assert bench.children_cpu() > before
