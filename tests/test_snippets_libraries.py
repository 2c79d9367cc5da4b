"""snippets/examples/library_errors.py: ccxt and pybit turn localnet's error bodies into exceptions.

The script's output is included on docs/practice/libraries.md; this test re-runs it and compares.
"""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_library_errors_output_matches_stored_out_file():
    result = subprocess.run([sys.executable, "-m", "snippets.examples.library_errors"], cwd=ROOT,
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout == (ROOT / "snippets" / "examples" / "library_errors.out").read_text()


def test_output_names_the_exchange_codes_and_never_a_secret():
    text = (ROOT / "snippets" / "examples" / "library_errors.out").read_text()
    for code in ("-2015", "-1022", "10005", "10004"):
        assert code in text
    assert "TEST_SECRET_DO_NOT_USE" not in text
