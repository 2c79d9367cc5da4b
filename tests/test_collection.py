"""pytest must collect each notebook once: not again through docs/notebooks or a built site."""

import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_each_notebook_is_collected_exactly_once():
    # `make build` leaves copies of the notebooks in site/; plant one as a build would.
    planted = ROOT / "site" / "notebooks" / "collection-probe" / "collection-probe.ipynb"
    created_site = not (ROOT / "site").exists()
    planted.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(next((ROOT / "notebooks").glob("*.ipynb")), planted)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "--collect-only", "-q"],
            cwd=ROOT, capture_output=True, text=True,
        )
    finally:
        shutil.rmtree(ROOT / "site" if created_site else planted.parent)
    assert result.returncode == 0, result.stdout + result.stderr
    files = Counter(
        line.split("::")[0] for line in result.stdout.splitlines() if ".ipynb::" in line
    )
    notebooks = sorted(path.relative_to(ROOT).as_posix() for path in (ROOT / "notebooks").glob("*.ipynb"))
    assert sorted(files) == notebooks
