"""What every course notebook must be, checked without running it (nbval runs it)."""

import ast
import re
from pathlib import Path

import nbformat
import pytest
import yaml

from snippets import coinbase, kraken
from snippets.examples import binance_order

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
INSTALL_ID = "install-keylab"  # the install cell's id (scripts/set_repo.py rewrites its spec)
SETUP = re.compile(r"^TARGET = None  #.*\nlab = start_lab\(TARGET(?P<args>.*)\)$", re.M)
PUBLISHED_SECRETS = [binance_order.SECRET, kraken.EXAMPLE_SECRET, coinbase.EXAMPLE_SECRET]
FORBIDDEN_OUTPUT = {
    "a localnet port": re.compile(r"127\.0\.0\.1:\d+|localhost:\d+"),
    "a machine path": re.compile(r"/(?:work|tmp|home|root|Users|var/folders)/"),
    "a traceback": re.compile(r"Traceback \(most recent call last\)"),
}


def load(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def outputs_text(cell) -> str:
    parts = []
    for output in cell.get("outputs", []):
        parts.append(output.get("text", ""))
        parts.extend(str(value) for value in output.get("data", {}).values())
        parts.extend(output.get("traceback", []))
    return "\n".join(parts)


def test_the_track_has_at_least_ten_notebooks_numbered_in_order():
    numbers = [int(path.name[:2]) for path in NOTEBOOKS]
    assert len(numbers) >= 10
    assert numbers == list(range(1, len(numbers) + 1))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_shape_goal_switch_exercise_summary_and_close(path):
    nb = load(path)
    markdown = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert nb.cells[0].source.startswith(f"# {path.name[:2]} · ")
    assert "**Goal:**" in nb.cells[0].source
    assert "## Exercise" in markdown and "<summary>Solution</summary>" in markdown and "## Summary" in markdown
    setup = next(c for c in code if "start_lab" in c.source)
    assert setup is code[1], "the switch is the second code cell, right after the install cell"
    match = SETUP.search(setup.source)
    assert match, "the setup cell reads: TARGET = None  # ...  then lab = start_lab(TARGET, live=(...))"
    live = ast.literal_eval(match["args"].partition("live=")[2] or "()") if "live=" in match["args"] else ()
    assert list(live) == nb.metadata.get("keylab", {}).get("live"), "metadata keylab.live matches live=(...)"
    closing = [i for i, c in enumerate(code) if "lab.close()" in c.source]
    assert closing, "the notebook ends its lab with lab.close()"
    assert not any("lab." in c.source for c in code[closing[-1] + 1:]), "nothing uses the lab after lab.close()"


def test_every_notebook_starts_with_the_same_install_cell():
    firsts = {path.name: next(c for c in load(path).cells if c.cell_type == "code") for path in NOTEBOOKS}
    sources = {cell.source for cell in firsts.values()}
    assert len(sources) == 1, "the install cell is the same in every notebook"
    for name, cell in firsts.items():
        assert cell.get("id") == INSTALL_ID, f"{name}: the first code cell is the install cell"
        assert cell.outputs == [], f"{name}: in a checkout the install cell prints nothing"
    source = sources.pop()
    assert len(source.splitlines()) <= 15, "learners see it at the top of every notebook: keep it short"
    assert "KEYLAB_INSTALL" in source and "keylab[notebooks] @ git+https://github.com/" in source
    imported = {alias.name for node in ast.walk(ast.parse(source)) if isinstance(node, (ast.Import, ast.ImportFrom))
                for alias in node.names}
    assert imported <= {"importlib.util", "os", "subprocess", "sys"}, "it imports nothing pip may replace"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_stored_outputs_hold_no_secret_port_path_or_traceback(path):
    for number, cell in enumerate(load(path).cells):
        if cell.cell_type != "code":
            continue
        assert "execution" not in cell.metadata, "timing metadata is stripped (make notebooks)"
        text = outputs_text(cell)
        for what, pattern in FORBIDDEN_OUTPUT.items():
            assert not pattern.search(text), f"cell {number} shows {what}"
        for secret in PUBLISHED_SECRETS:
            assert secret not in text, f"cell {number} prints a whole secret (mask it)"
        assert all(o.output_type != "error" for o in cell.outputs), f"cell {number} has a stored error"
        if "nbval-ignore-output" in cell.metadata.get("tags", []):
            assert cell.source.startswith("#"), f"cell {number} skips its comparison without saying why"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_each_notebook_links_to_its_pages_and_pages_and_nav_link_back(path):
    nb = load(path)
    markdown = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    pages = set(re.findall(r"\]\(\.\./docs/([^)#]+\.md)", markdown))
    assert pages, "the notebook links to at least one page of the site"
    for page in pages:
        assert (ROOT / "docs" / page).is_file(), f"links to missing page {page}"
    linking = [p for p in (ROOT / "docs").rglob("*.md") if f"notebooks/{path.name}" in p.read_text()]
    assert linking, "at least one page links to this notebook"
    nav = (ROOT / "mkdocs.yml").read_text()
    assert f"notebooks/{path.name}" in nav
