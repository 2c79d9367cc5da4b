"""Execute notebooks in place and store their outputs, ready for nbval to check.

    python scripts/run_notebooks.py [NOTEBOOK ...]      (default: every notebooks/*.ipynb)

Outputs are what nbval compares against on every test run, so they are stored without the
per-cell timing metadata that would change on every execution.
"""

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent


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
    nbformat.write(notebook, path)
    print(f"stored outputs: {path.relative_to(ROOT)}")


def main(argv: list[str]) -> int:
    paths = [Path(arg).resolve() for arg in argv] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    for path in paths:
        run(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
