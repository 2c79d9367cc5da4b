"""snippets/examples/own_project.py: localnet and every library pointed at it, as in a learner's own project.

The README's "Use localnet in your own project" section shows the same settings. The script runs
from the checkout, and from a fresh venv holding only the wheel with its `notebooks` extra, run
from a folder outside the checkout: what `pip install "keylab[notebooks]"` gives a bot project.
"""

from __future__ import annotations

import os
import subprocess

from tests.examples import run_example, stored_output
from tests.package_env import dist_under_test, fresh_venv


def test_own_project_output_matches_the_stored_one():
    assert run_example("own_project") == stored_output("own_project")


def test_own_project_runs_from_the_installed_wheel_with_the_notebooks_extra(tmp_path):
    wheel, _ = dist_under_test(tmp_path / "dist")
    python = fresh_venv(tmp_path / "venv", wheel, extras=("notebooks",))
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV") and not k.startswith("LOCALNET_")}
    work = tmp_path / "bot"
    work.mkdir()
    done = subprocess.run([str(python), "-m", "snippets.examples.own_project"], cwd=work, env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout == stored_output("own_project")
    assert not (work / ".localnet").exists()  # start() keeps its database in a temporary folder
