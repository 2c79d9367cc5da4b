"""snippets/examples/library_errors.py: ccxt and pybit turn localnet's error bodies into exceptions.

The script's output is included on docs/practice/libraries.md; this test re-runs it and compares.
"""

from pathlib import Path

from tests.examples import run_example, stored_output

ROOT = Path(__file__).resolve().parent.parent


def test_library_errors_output_matches_stored_out_file():
    assert run_example("library_errors") == stored_output("library_errors")


def test_output_names_the_exchange_codes_and_never_a_secret():
    text = (ROOT / "snippets" / "examples" / "library_errors.out").read_text()
    for code in ("-2015", "-1022", "10005", "10004"):
        assert code in text
    assert "TEST_SECRET_DO_NOT_USE" not in text
