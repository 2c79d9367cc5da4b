"""The notebooks as Colab runs them: a Python with Jupyter's kernel but no KeyLab, whose first cell
installs KeyLab with pip, then every notebook top to bottom in an empty folder.

The "Colab" here is a fresh venv of the machine's Python: ipykernel, pip, and the locked
dependencies of `keylab[notebooks]` already there (uv puts them in from its cache), but not
KeyLab itself. The install cell's own pip adds KeyLab from the wheel built from this checkout
($KEYLAB_INSTALL), with no index ($PIP_NO_INDEX), so nothing is downloaded. Colab has no OS
keyring either; keyring's "fail" backend stands in for that. The notebooks' stored outputs must
come out the same as in the checkout.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

from tests.package_env import build_dist, fresh_venv, uv_binary, uv_env

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
INSTALL_ID = "install-keylab"
KERNEL = "colab-like"
# Variables of this test run that would lead a kernel to the checkout or to a shared localnet.
CHECKOUT_ENV = ("LOCALNET_PORT_FILE", "LOCALNET_DB", "KEYLAB_TARGET", "PYTHONPATH", "VIRTUAL_ENV")


@dataclass(frozen=True)
class Colab:
    kernels: Path  # a kernelspec directory holding KERNEL, whose python is the fresh venv's
    site_packages: Path
    failed: list  # the install cell's outputs with a wheel that is not there
    installed: list  # its outputs, run again with the wheel
    found: str  # where the kernel found KeyLab's packages afterwards


def install_cell() -> nbformat.NotebookNode:
    """A new cell with the install cell's code (test_notebooks checks every notebook has the same)."""
    return code(next(c.source for c in nbformat.read(NOTEBOOKS[0], as_version=4).cells if c.get("id") == INSTALL_ID))


def code(source: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_code_cell(source)


def run(cells: list, kernels: Path | None, cwd: Path, allow_errors: bool = False) -> list[list]:
    """Run `cells` in one kernel (the colab-like one, or .venv's python3 when kernels is None) in `cwd`."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.from_dict(cell) for cell in cells])
    options = {}
    if kernels is not None:
        options["km"] = KernelManager(kernel_name=KERNEL, kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(kernels)]))
    client = NotebookClient(nb, kernel_name="python3", timeout=600, allow_errors=allow_errors,
                            resources={"metadata": {"path": str(cwd)}}, **options)
    client.execute()
    return [cell.get("outputs", []) for cell in nb.cells]


def text(outputs: list) -> str:
    """What a reader sees of `outputs`: printed text, results, and error lines."""
    parts = []
    for output in outputs:
        parts.append(output.get("text", ""))
        parts.append(str(output.get("data", {}).get("text/plain", "")))
        parts.extend(output.get("traceback", []))
    return "".join(parts)


def comparable(outputs: list) -> list[tuple[str, str]]:
    """Outputs as nbval compares them: consecutive chunks of one stream joined, results as text."""
    shown: list[tuple[str, str]] = []
    for output in outputs:
        if output.output_type == "stream":
            if shown and shown[-1][0] == output.name:
                shown[-1] = (output.name, shown[-1][1] + output.text)
                continue
            shown.append((output.name, output.text))
        else:
            shown.append((output.output_type, str(output.get("data", {}).get("text/plain", output.get("evalue")))))
    return shown


def isolate(monkeypatch: pytest.MonkeyPatch) -> None:
    """Kernels started now see none of this run's localnet, checkout path or target."""
    for name in CHECKOUT_ENV:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="module")
def colab(tmp_path_factory: pytest.TempPathFactory) -> Colab:
    """A colab-like kernel, and what its install cell did: first with a wheel that is not there
    (the learner's failed install), then, run again, with the wheel built from this checkout."""
    work = tmp_path_factory.mktemp("colab")
    wheel, _ = build_dist(work / "dist")
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("UV_COMPILE_BYTECODE", "1")  # as pip does: no notebook pays for compiling ccxt
        python = fresh_venv(work / "venv", wheel, extras=("notebooks",), packages=("ipykernel",))
    subprocess.run([uv_binary(), "pip", "uninstall", "--quiet", "--python", str(python), "keylab"],
                   env=uv_env(), check=True, capture_output=True)
    subprocess.run([str(python), "-m", "ensurepip", "--default-pip"], check=True, capture_output=True)  # Colab has pip
    site_packages = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                                        check=True, capture_output=True, text=True).stdout.strip())

    spec = work / "kernels" / KERNEL
    spec.mkdir(parents=True)
    env = {"KEYLAB_INSTALL": f"{wheel}[notebooks]", "PIP_NO_INDEX": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1",
           "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Colab-like (no KeyLab)", "language": "python", "env": env}))

    empty = work / "empty"
    empty.mkdir()
    missing = json.dumps(f"{work / 'dist' / 'keylab-0.0.0-py3-none-any.whl'}[notebooks]")
    cells = [code(f"import os\nos.environ['KEYLAB_INSTALL'] = {missing}"), install_cell(),
             code(f"os.environ['KEYLAB_INSTALL'] = {json.dumps(env['KEYLAB_INSTALL'])}"), install_cell(),
             code("import localnet, snippets.lab\nprint(localnet.__file__, snippets.lab.__file__, sep='\\n')")]
    with pytest.MonkeyPatch.context() as monkeypatch:
        isolate(monkeypatch)
        outputs = run(cells, work / "kernels", empty, allow_errors=True)
    assert not list(empty.iterdir()), "the install cell leaves nothing in the notebook's folder"
    return Colab(work / "kernels", site_packages, outputs[1], outputs[3], text(outputs[4]))


def test_a_failed_install_says_what_to_do_in_one_sentence(colab):
    outputs = colab.failed
    errors = [o for o in outputs if o.output_type == "error"]
    assert len(errors) == 1, text(outputs)
    assert errors[0].traceback == [errors[0].evalue]  # one line: no traceback
    message = errors[0].evalue
    assert message.startswith("KeyLab is not installed (ERROR: ") and "keylab-0.0.0" in message
    assert message.endswith("check the connection, then run this cell again.")


def test_run_again_the_install_cell_installs_keylab_from_the_wheel_with_pip(colab):
    assert comparable(colab.installed) == [("stdout", "Installing KeyLab and the libraries it uses...\n")]
    found = colab.found.splitlines()
    assert found == [str(colab.site_packages / "localnet" / "__init__.py"),
                     str(colab.site_packages / "snippets" / "lab.py")], "from the wheel, not the checkout"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_the_notebook_runs_from_the_installed_wheel_in_an_empty_folder(path, colab, tmp_path, monkeypatch):
    isolate(monkeypatch)
    stored = nbformat.read(path, as_version=4)
    outputs = run(stored.cells, colab.kernels, tmp_path)  # raises at a cell's error
    code_cells = [(cell, new) for cell, new in zip(stored.cells, outputs) if cell.cell_type == "code"]
    install, lab = code_cells[0], code_cells[1]
    assert install[1] == [], "KeyLab is installed now: the install cell does nothing"
    assert comparable(lab[1]) == comparable(lab[0].outputs), "the lab cell: localnet, in this process"
    for number, (cell, new) in enumerate(code_cells):
        assert comparable(new) == comparable(cell.outputs), f"code cell {number} differs from the stored output"


def test_where_keylab_is_importable_the_install_cell_prints_nothing_and_runs_no_pip(tmp_path, monkeypatch):
    isolate(monkeypatch)
    monkeypatch.setenv("KEYLAB_INSTALL", str(tmp_path / "no-such.whl"))
    spy = "import subprocess\ncalls = []\nsubprocess.run = lambda *args, **kwargs: calls.append(args)"
    outputs = run([code(spy), install_cell(), code("print(calls)")], None, tmp_path)  # .venv's kernel
    assert outputs[1] == []
    assert text(outputs[2]) == "[]\n"
