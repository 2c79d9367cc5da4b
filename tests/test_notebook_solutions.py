"""Every notebook's folded solution is code too: it must make its exercise print "correct".

A solution is either complete (it prints "correct" itself, and runs on its own as a script) or
a fill-in: the definitions a learner writes into the exercise cell. A fill-in is put into the
exercise cell in place of the placeholders it replaces (or at the "your turn" line), and the
notebook is run up to that cell in a real kernel.
"""

import ast
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
FENCE = re.compile(r"<details>.*?```python\n(.*?)```", re.DOTALL)


def solution_and_exercise(nb) -> tuple[str, int]:
    """The first solution block, and the index of the exercise cell (its stored output says "not yet")."""
    solution = next(code for c in nb.cells if c.cell_type == "markdown" for code in FENCE.findall(c.source))
    exercise = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code"
                    and "not yet" in "".join(o.get("text", "") for o in c.outputs))
    return solution, exercise


def defined_names(statement: ast.stmt) -> set[str]:
    if isinstance(statement, (ast.FunctionDef, ast.ClassDef)):
        return {statement.name}
    if isinstance(statement, (ast.Assign, ast.AnnAssign)):
        targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
        return {t.id for t in targets if isinstance(t, ast.Name)}
    return set()


def fill_in(exercise: str, solution: str) -> str:
    """The exercise cell with the solution's definitions in place of its placeholders."""
    provided = set().union(*(defined_names(s) for s in ast.parse(solution).body))
    lines = exercise.splitlines()
    kept, inserted = [], False
    for statement in ast.parse(exercise).body:
        text = "\n".join(lines[statement.lineno - 1:statement.end_lineno])
        if defined_names(statement) & provided:
            if not inserted:
                kept.append(solution)
                inserted = True
            continue
        kept.append(text)
    merged = "\n".join(kept)
    if not inserted:  # nothing replaced: the solution goes where the comment says "your turn"
        out = []
        for line in exercise.splitlines():
            out.append(line)
            if "your turn" in line and not inserted:
                out.append(solution)
                inserted = True
        merged = "\n".join(out)
    assert inserted, "the solution replaces nothing and there is no 'your turn' line for it"
    return merged


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_the_solution_makes_the_exercise_correct(path):
    nb = nbformat.read(path, as_version=4)
    solution, exercise = solution_and_exercise(nb)
    if re.search(r"print\(.*correct", solution):  # complete: it checks itself, standing alone
        result = subprocess.run([sys.executable, "-c", solution], cwd=ROOT, capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        output = result.stdout
    else:
        nb.cells = nb.cells[:exercise + 1]
        nb.cells[exercise].source = fill_in(nb.cells[exercise].source, solution)
        nb.cells.append(nbformat.v4.new_code_cell("lab.close()"))
        NotebookClient(nb, kernel_name="python3", timeout=120,
                       resources={"metadata": {"path": str(path.parent)}}).execute()
        output = "".join(o.get("text", "") for o in nb.cells[exercise].outputs)
    assert "correct" in output and "not yet" not in output, output


def test_fill_in_replaces_placeholders_or_goes_at_your_turn():
    exercise = 'PLAN = {\n    "a": (),  # your turn\n}\nprint(PLAN)'
    assert fill_in(exercise, 'PLAN = {"a": ("read",)}') == 'PLAN = {"a": ("read",)}\nprint(PLAN)'
    exercise = "x = make()\n# your turn: one line\nprint(x.flag)"
    assert fill_in(exercise, "x.flag = True") == "x = make()\n# your turn: one line\nx.flag = True\nprint(x.flag)"
