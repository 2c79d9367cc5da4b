"""Run the scripts under snippets/examples the way a learner does, and read the output the pages show."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "snippets" / "examples"


def run_example(module: str, *args: str) -> str:
    """`python -m snippets.examples.<module> ARGS` from the project root; what it printed (it must exit 0)."""
    result = subprocess.run([sys.executable, "-m", f"snippets.examples.{module}", *args], cwd=ROOT,
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    return result.stdout


def stored_output(module: str) -> str:
    """The output stored beside the script (snippets/examples/<module>.out), as included on the pages."""
    return (EXAMPLES / f"{module}.out").read_text(encoding="utf-8")
