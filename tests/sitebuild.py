"""Build the site the way `make build` does, for tests."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def build_site(site_dir: Path, site_url: str | None = None) -> subprocess.CompletedProcess:
    """Run `mkdocs build --strict` into `site_dir`; return the finished process (never raises)."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    if site_url:
        env["KEYLAB_SITE_URL"] = site_url
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site_dir)],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )
