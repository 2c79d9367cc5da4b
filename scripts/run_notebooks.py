"""Execute notebooks in place and store their outputs, ready for nbval to check.

    python scripts/run_notebooks.py [NOTEBOOK ...]      (default: every notebooks/*.ipynb)

Outputs are what nbval compares against on every test run, so they are stored without the
per-cell timing metadata, and with each cell's printed lines in one piece, so that running a
notebook again changes nothing in the file unless an output really changed.

Like the test run, the notebooks share one localnet, started here (unless $LOCALNET_PORT_FILE
names a running one): each kernel finds it through the environment instead of starting its own.
"""

import json
import os
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent


def merge_streams(outputs: list) -> list:
    """Join consecutive stdout (or stderr) chunks into one output, as nbval does when it compares.

    How a kernel splits one cell's printing into chunks depends on timing; merged, the stored
    file is the same on every run.
    """
    merged: list = []
    for output in outputs:
        previous = merged[-1] if merged else None
        if (output.output_type == "stream" and previous is not None and previous.output_type == "stream"
                and previous.name == output.name):
            previous.text += output.text
        else:
            merged.append(output)
    return merged


def run(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=600,
        kernel_name="python3",
        record_timing=False,
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code":
            cell.outputs = merge_streams(cell.outputs)
    nbformat.write(notebook, path)
    print(f"stored outputs: {path.relative_to(ROOT)}")


@contextmanager
def shared_localnet():
    """One localnet for every notebook, announced to the kernels as the test run does."""
    if os.environ.get("LOCALNET_PORT_FILE"):
        yield  # somebody already runs one for us
        return
    from localnet import client

    with tempfile.TemporaryDirectory(prefix="keylab-notebooks-") as workdir:
        net = client.start(db=Path(workdir) / "localnet.db")
        port_file = Path(workdir) / "ports.json"
        port_file.write_text(json.dumps(net.urls))
        os.environ.update(LOCALNET_PORT_FILE=str(port_file), LOCALNET_DB=str(net.db_path))
        try:
            yield
        finally:
            del os.environ["LOCALNET_PORT_FILE"], os.environ["LOCALNET_DB"]
            net.stop()


def main(argv: list[str]) -> int:
    paths = [Path(arg).resolve() for arg in argv] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    with shared_localnet():
        for path in paths:
            run(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
