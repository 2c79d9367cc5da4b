"""Without a browser the browser tests skip, with a reason; under CI=true they fail instead."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ONE_BROWSER_TEST = "tests/browser/test_site.py::test_home_page_renders"


def run_without_browser(ci: bool) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["CHROMIUM"] = str(ROOT / "no-such-browser")
    if ci:
        env["CI"] = "true"
    return subprocess.run(
        [sys.executable, "-m", "pytest", ONE_BROWSER_TEST, "-rs", "-q", "-p", "no:xdist"],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )


def test_missing_browser_skips_with_a_reason_locally():
    result = run_without_browser(ci=False)
    assert result.returncode == 0, result.stdout
    assert "1 skipped" in result.stdout
    assert "no Chromium at $CHROMIUM=" in result.stdout


def test_missing_browser_fails_under_ci():
    result = run_without_browser(ci=True)
    assert result.returncode != 0
    assert "CI=true: browser tests must run" in result.stdout
