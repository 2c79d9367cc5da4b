"""scripts/set_repo.py (make fork): a fork's site and notebooks name the fork, on copies of the files."""

import difflib
import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("set_repo", ROOT / "scripts" / "set_repo.py")
set_repo = importlib.util.module_from_spec(spec)
spec.loader.exec_module(set_repo)

FORK = "a-learner/keylab.fork"


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    """mkdocs.yml and the notebooks, copied into tmp_path."""
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    (tmp_path / "notebooks").mkdir()
    for path in set_repo.notebooks(ROOT):
        shutil.copy(path, tmp_path / "notebooks" / path.name)
    return tmp_path


def changed_lines(before: str, after: str) -> list[str]:
    return [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def test_the_notebooks_install_the_repository_mkdocs_names_today():
    repo = set_repo.mkdocs_repo((ROOT / "mkdocs.yml").read_text())
    assert set_repo.check_repo(repo) == repo
    paths = set_repo.notebooks(ROOT)
    assert len(paths) >= 10
    for path in paths:
        assert set_repo.notebook_repo(path.read_text()) == repo, path.name


def test_a_fork_gets_its_own_addresses_and_nothing_else_changes(copy):
    before = {path: path.read_text() for path in [copy / "mkdocs.yml", *set_repo.notebooks(copy)]}
    assert set_repo.main([FORK], root=copy) == 0

    mkdocs = (copy / "mkdocs.yml").read_text()
    upstream = set_repo.mkdocs_repo(before[copy / "mkdocs.yml"])
    assert set_repo.mkdocs_repo(mkdocs) == FORK
    assert changed_lines(before[copy / "mkdocs.yml"], mkdocs) == [
        f'-repo_url: !ENV [KEYLAB_REPO_URL, "https://github.com/{upstream}"]',
        f'+repo_url: !ENV [KEYLAB_REPO_URL, "https://github.com/{FORK}"]']
    for path in set_repo.notebooks(copy):
        text = path.read_text()
        assert set_repo.notebook_repo(text) == FORK
        assert len(changed_lines(before[path], text)) == 2, path.name
        install = nbformat.reads(text, as_version=4).cells[1]
        assert f"git+https://github.com/{FORK}\"" in install.source


def test_a_repo_name_line_follows_too(copy):
    mkdocs = copy / "mkdocs.yml"
    mkdocs.write_text(mkdocs.read_text().replace("edit_uri:", "repo_name: keylab-course/keylab\nedit_uri:", 1))
    set_repo.main([FORK], root=copy)
    assert f"\nrepo_name: {FORK}\nedit_uri:" in mkdocs.read_text()


def test_a_second_run_changes_nothing(copy, capsys):
    set_repo.main([FORK], root=copy)
    after = {path: path.read_text() for path in [copy / "mkdocs.yml", *set_repo.notebooks(copy)]}
    assert set_repo.main([FORK], root=copy) == 0
    assert "nothing to change" in capsys.readouterr().out
    assert after == {path: path.read_text() for path in after}


@pytest.mark.parametrize("bad", ["keylab", "you/keylab/extra", "-you/keylab", "you/..", "you/key lab",
                                 "https://github.com/you/keylab", "you/" + "k" * 101])
def test_a_name_that_is_not_owner_slash_name_is_refused(copy, bad, capsys):
    before = (copy / "mkdocs.yml").read_text()
    assert set_repo.main([bad], root=copy) != 0
    assert (copy / "mkdocs.yml").read_text() == before
    assert "nothing was changed" in capsys.readouterr().err or bad.startswith("-")


def test_a_notebook_without_its_install_cell_stops_everything_before_any_write(copy, capsys):
    broken = set_repo.notebooks(copy)[-1]
    nb = nbformat.read(broken, as_version=4)
    nb.cells = [cell for cell in nb.cells if cell.get("id") != "install-keylab"]
    nbformat.write(nb, broken)
    before = {path: path.read_text() for path in [copy / "mkdocs.yml", *set_repo.notebooks(copy)]}
    assert set_repo.main([FORK], root=copy) == 1
    assert broken.name in capsys.readouterr().err
    assert before == {path: path.read_text() for path in before}


def test_the_command_line_needs_exactly_one_repository():
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "set_repo.py")], capture_output=True, text=True)
    assert result.returncode == 2
    assert "usage: python scripts/set_repo.py OWNER/NAME" in result.stderr
