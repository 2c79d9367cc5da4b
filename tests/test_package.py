"""KeyLab as a package: what the wheel and sdist hold, and localnet run from a fresh venv.

The wheel is built once (from the sdist, as pip would), installed offline into a venv of the
machine's Python, and used from a folder outside the checkout with PYTHONPATH unset: the console
script serves, makes keys and refuses bad input the way a learner's own project sees it.
"""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import subprocess
import zipfile
from pathlib import Path

import httpx
import pytest

from tests.package_env import ROOT, build_wheel_from_tree, dist_under_test, fresh_venv

spec = importlib.util.spec_from_file_location("check_dist", ROOT / "scripts" / "check_dist.py")
check_dist = importlib.util.module_from_spec(spec)
spec.loader.exec_module(check_dist)

SERVED = ["binance", "bybit", "okx", "kraken", "coinbase", "manage"]
# A signed Binance call with the installed snippets.binance recipe; the key arrives in the environment.
SIGNED_CALL = """
import os, httpx
from snippets import binance
query = binance.signed_query({"timestamp": binance.timestamp_ms()}, os.environ["KEY_HMAC"])
reply = httpx.get(os.environ["BINANCE_URL"] + "/api/v3/account?" + query,
                  headers={binance.API_KEY_HEADER: os.environ["KEY_API"]})
print(reply.status_code, sorted(b["asset"] for b in reply.json()["balances"])[:2])
"""


@pytest.fixture(scope="module")
def dist(tmp_path_factory):
    """(wheel, sdist) built from the checkout (the wheel from the sdist), or `make dist`'s."""
    return dist_under_test(tmp_path_factory.mktemp("dist"))


@pytest.fixture(scope="module")
def venv(dist, tmp_path_factory) -> Path:
    """A fresh venv holding the wheel (no extras); its bin/ folder."""
    return fresh_venv(tmp_path_factory.mktemp("pkg") / "venv", dist[0]).parent


@pytest.fixture
def outside(tmp_path) -> tuple[Path, dict[str, str]]:
    """A working folder outside the checkout, and an environment that leads nowhere into it."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME") and not k.startswith("LOCALNET_")}
    env["COLUMNS"] = "200"
    return tmp_path, env


def run(cmd: list[str], where: tuple[Path, dict[str, str]], **extra_env: str) -> subprocess.CompletedProcess:
    cwd, env = where
    return subprocess.run(cmd, cwd=cwd, env={**env, **extra_env}, capture_output=True, text=True,
                          timeout=120, check=False)


def test_wheel_holds_the_two_packages_their_static_files_and_the_console_script(dist):
    wheel = dist[0]
    names = check_dist.wheel_names(wheel)
    assert check_dist.wheel_problems(names) == []
    assert set(check_dist.STATIC) <= set(names)
    assert not [n for n in names if n.endswith(".out") or "__pycache__" in n or n.startswith("tests/")]
    assert check_dist.ENTRY_POINT in check_dist.entry_points(wheel).splitlines()
    with zipfile.ZipFile(wheel) as archive:
        metadata = archive.read("keylab-0.1.0.dist-info/METADATA").decode()
    assert "Provides-Extra: notebooks" in metadata
    assert "Requires-Dist: starlette<2,>=1.10.0" in metadata
    assert "Requires-Dist: ccxt==4.5.90; extra == 'notebooks'" in metadata
    assert "License-Expression: MIT" in metadata and "License-File: LICENSE" in metadata


def test_sdist_holds_what_builds_and_explains_the_packages_not_the_course(dist):
    names = check_dist.sdist_names(dist[1])
    assert check_dist.sdist_problems(names) == []
    tops = {name.split("/")[1] for name in names}
    assert tops == {"localnet", "snippets", "pyproject.toml", "README.md", "LICENSE", "PKG-INFO", ".gitignore"}
    assert "keylab-0.1.0/snippets/examples/first_request.out" in names  # the sources as they are
    assert "Copyright (c) 2026 KeyLab contributors" in (ROOT / "LICENSE").read_text()


def test_the_wheel_from_the_sdist_equals_the_wheel_from_the_tree(dist, tmp_path):
    from_tree = build_wheel_from_tree(tmp_path / "tree")
    assert check_dist.wheel_names(from_tree) == check_dist.wheel_names(dist[0])


def test_the_checker_refuses_forbidden_files():
    good = ["localnet/__init__.py", "localnet/__main__.py", "localnet/client.py", "snippets/__init__.py",
            *check_dist.STATIC]
    assert check_dist.wheel_problems(good) == []
    bad = check_dist.wheel_problems([*good, "localnet/__pycache__/x.pyc", "tests/test_x.py", ".env",
                                     "snippets/examples/a.out", ".localnet/localnet.db"])
    assert len(bad) == 8 and all(p.startswith("wheel: ") for p in bad)
    assert check_dist.wheel_problems(good[1:]) == ["wheel: localnet/__init__.py is missing"]


def test_installed_localnet_is_the_venvs_own(venv, outside):
    found = run([str(venv / "python"), "-c", "import localnet, snippets; print(localnet.__file__, snippets.__file__)"],
                outside)
    assert found.returncode == 0, found.stderr
    assert all(Path(path).is_relative_to(venv.parent) for path in found.stdout.split())


def test_serve_keys_and_a_signed_call_from_the_installed_package(venv, outside):
    db = str(outside[0] / "net" / "localnet.db")
    cwd, env = outside
    serve = subprocess.Popen([str(venv / "localnet"), "serve", "--base-port", "0", "--db", db], cwd=cwd, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        urls = dict(serve.stdout.readline().split() for _ in SERVED)
        assert list(urls) == SERVED and all(u.startswith("http://127.0.0.1:") for u in urls.values())
        assert httpx.get(urls["binance"] + "/api/v3/ping").json() == {}
        page = httpx.get(urls["manage"] + "/")
        assert page.status_code == 200 and "<html" in page.text.lower()

        made = run([str(venv / "localnet"), "keys", "create", "--exchange", "binance", "--db", db], outside)
        assert made.returncode == 0, made.stderr
        fields = dict(line.split(":", 1) for line in made.stdout.splitlines() if line.startswith(("api key:", "secret:")))
        secret = fields["secret"].strip()
        assert len(secret) == 64 and made.stdout.count(secret) == 1
        assert made.stdout.splitlines()[-1] == "It is shown only this once; store it now."

        call = run([str(venv / "python"), "-c", SIGNED_CALL], outside, BINANCE_URL=urls["binance"],
                   KEY_API=fields["api key"].strip(), KEY_HMAC=secret)
        assert call.returncode == 0, call.stderr
        assert call.stdout.startswith("200 [")
    finally:
        serve.send_signal(signal.SIGTERM)
        _, stderr = serve.communicate(timeout=30)
    assert serve.returncode == 0, stderr
    assert "Traceback" not in stderr


def test_the_default_database_is_in_the_current_folder(venv, outside):
    made = run([str(venv / "localnet"), "keys", "create", "--exchange", "okx", "--json"], outside)
    assert made.returncode == 0, made.stderr
    assert (outside[0] / ".localnet" / "localnet.db").is_file()
    listed = run([str(venv / "localnet"), "keys", "list", "--json"], outside)
    assert [k["api_key"] for k in json.loads(listed.stdout)] == [json.loads(made.stdout)["api_key"]]
    helped = run([str(venv / "localnet"), "keys", "list", "--help"], outside)
    assert "usage: localnet keys list" in helped.stdout
    assert f"in the current directory, here {outside[0].resolve() / '.localnet' / 'localnet.db'}" in helped.stdout


@pytest.mark.parametrize("args, status, message", [
    (["keys", "create"], 2, "the following arguments are required: --exchange"),
    (["serve", "--port", "nope"], 1, "localnet: --port wants NAME=PORT"),
    (["keys", "revoke", "99"], 1, "localnet: "),
    (["bogus"], 2, "invalid choice: 'bogus'"),
])
def test_bad_usage_is_one_readable_line_and_no_traceback(venv, outside, args, status, message):
    done = run([str(venv / "localnet"), *args], outside)
    assert done.returncode == status
    assert message in done.stderr and "Traceback" not in done.stderr


def test_a_folder_as_database_is_refused_in_words(venv, outside):
    done = run([str(venv / "localnet"), "keys", "list", "--db", str(outside[0])], outside)
    assert done.returncode == 1
    assert done.stderr.startswith("localnet: ") and "Traceback" not in done.stderr
