"""scripts/upgrade.py (make upgrade): the pyproject rewrite and uv.lock reading, on fixture text (no network)."""

import importlib.util
import stat
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("upgrade", ROOT / "scripts" / "upgrade.py")
upgrade = importlib.util.module_from_spec(spec)
sys.modules["upgrade"] = upgrade
spec.loader.exec_module(upgrade)

PYPROJECT = '''[project]
name = "demo"
dependencies = [
    "httpx>=0.28.1,<0.29",  # "ccxt==1.0.0" in a comment is not a pin
]

[project.optional-dependencies]
# Pinned exactly: the outputs depend on them.
notebooks = [
    "ccxt[pro]==4.5.90",
    "Python_Binance == 1.0.37 ; python_version >= '3.11'",
    "pybit==5.17.0",  # the Bybit SDK
    "keyring>=25",
]
other = ["pybit==5.17.0"]

[dependency-groups]
dev = ["pytest==9.2.0"]
'''

LOCK = '''version = 1
revision = 5
requires-python = ">=3.11"

[[package]]
name = "ccxt"
version = "{ccxt}"

[[package]]
name = "python-binance"
version = "1.0.37"

[[package]]
name = "pybit"
version = "{pybit}"

[[package]]
name = "anyio"
version = "{anyio}"

[[package]]
name = "numpy"
version = "2.1.0"
resolution-markers = ["python_full_version < '3.12'"]

[[package]]
name = "numpy"
version = "2.3.0"
resolution-markers = ["python_full_version >= '3.12'"]

[[package]]
name = "demo"
source = {{ editable = "." }}
'''


def lock(ccxt="4.5.90", pybit="5.17.0", anyio="4.9.0") -> str:
    return LOCK.format(ccxt=ccxt, pybit=pybit, anyio=anyio)


def test_read_pins_takes_the_exact_pins_of_the_extra_only():
    assert upgrade.read_pins(PYPROJECT) == {"ccxt": "4.5.90", "python-binance": "1.0.37", "pybit": "5.17.0"}


def test_set_pins_changes_only_the_named_requirements_of_the_extra():
    new = upgrade.set_pins(PYPROJECT, {"ccxt": ">=4.5.90", "python-binance": "==1.0.40", "pybit": "==5.18.0"})
    assert new == (PYPROJECT.replace('"ccxt[pro]==4.5.90"', '"ccxt[pro]>=4.5.90"')
                   .replace('"Python_Binance == 1.0.37 ; python_version >= \'3.11\'"',
                            '"Python_Binance==1.0.40 ; python_version >= \'3.11\'"')
                   .replace('"pybit==5.17.0",  # the Bybit SDK', '"pybit==5.18.0",  # the Bybit SDK'))
    parsed = tomllib.loads(new)
    assert parsed["project"]["optional-dependencies"]["other"] == ["pybit==5.17.0"]  # another extra: untouched
    assert parsed["dependency-groups"]["dev"] == ["pytest==9.2.0"]
    assert upgrade.read_pins(new) == {"python-binance": "1.0.40", "pybit": "5.18.0"}  # ccxt is relaxed


def test_relaxing_then_pinning_the_same_versions_gives_the_file_back():
    pins = upgrade.read_pins(PYPROJECT)
    relaxed = upgrade.set_pins(PYPROJECT, {name: f">={v}" for name, v in pins.items()})
    assert upgrade.read_pins(relaxed) == {}
    assert "\"Python_Binance>=1.0.37 ; python_version >= '3.11'\"" in relaxed
    assert upgrade.set_pins(PYPROJECT, {name: f"=={v}" for name, v in pins.items()}) == PYPROJECT  # as written


def test_the_repository_pyproject_is_understood():
    text = (ROOT / "pyproject.toml").read_text()
    pins = upgrade.read_pins(text)
    assert set(pins) == {"ccxt", "python-binance", "pybit", "python-okx", "coinbase-advanced-py"}
    assert upgrade.set_pins(text, {name: f"=={v}" for name, v in pins.items()}) == text
    locked = upgrade.lock_versions((ROOT / "uv.lock").read_text())
    assert {name: locked[name] for name in pins} == {name: [v] for name, v in pins.items()}


@pytest.mark.parametrize("text, problem", [
    ("[project]\nname = 'x'\n", "no [project.optional-dependencies] table"),
    ("[project.optional-dependencies]\nother = []\n", "no 'notebooks = [' line"),
])
def test_a_pyproject_without_the_extra_is_refused(text, problem):
    with pytest.raises(upgrade.UpgradeError, match=problem.replace("[", r"\[").replace(".", r"\.")):
        upgrade.set_pins(text, {})


def test_lock_versions_and_changes():
    before = upgrade.lock_versions(lock())
    assert before["numpy"] == ["2.1.0", "2.3.0"] and "demo" not in before
    after = upgrade.lock_versions(lock(ccxt="4.5.95", anyio="4.10.0").replace('name = "pybit"', 'name = "pybit2"'))
    assert upgrade.changes(before, after) == [
        ("anyio", "4.9.0", "4.10.0"), ("ccxt", "4.5.90", "4.5.95"),
        ("pybit", "5.17.0", "(none)"), ("pybit2", "(none)", "5.17.0")]


def fake_uv(tmp_path: Path, upgraded_lock: str | None, fail_on: str = "") -> str:
    """A stand-in for uv: `lock --upgrade` writes `upgraded_lock`; `lock` keeps the file; `fail_on` fails."""
    (tmp_path / "upgraded.lock").write_text(upgraded_lock or "")
    script = tmp_path / "uv"
    script.write_text(f"""#!/bin/sh
echo "$@" >> {tmp_path / 'calls'}
case "$*" in "{fail_on}") echo "No solution found" ; exit 1 ;; esac
[ "$2" = "--upgrade" ] && cp {tmp_path / 'upgraded.lock'} uv.lock
exit 0
""")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return str(script)


@pytest.fixture
def project(tmp_path):
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "pyproject.toml").write_text(PYPROJECT)
    (folder / "uv.lock").write_text(lock())
    return folder


def test_upgrade_pins_what_uv_chose_and_lists_every_change(project, tmp_path, capsys):
    uv = fake_uv(tmp_path, lock(ccxt="4.5.95", anyio="4.10.0"))
    assert upgrade.main(["--project", str(project), "--uv", uv]) == 0
    assert (tmp_path / "calls").read_text() == "lock --upgrade\nlock\n"
    assert upgrade.read_pins((project / "pyproject.toml").read_text()) == {
        "ccxt": "4.5.95", "python-binance": "1.0.37", "pybit": "5.17.0"}
    out = capsys.readouterr().out
    assert "2 packages changed in uv.lock (1 pinned client(s) in pyproject.toml, marked *):" in out
    assert "  * ccxt   4.5.90 -> 4.5.95" in out and "    anyio  4.9.0 -> 4.10.0" in out
    assert out.rstrip().endswith(upgrade.DONE)


def test_nothing_newer_changes_nothing(project, tmp_path, capsys):
    assert upgrade.main(["--project", str(project), "--uv", fake_uv(tmp_path, lock())]) == 0
    assert (project / "pyproject.toml").read_text() == PYPROJECT
    assert "nothing changed" in capsys.readouterr().out


@pytest.mark.parametrize("fail_on", ["lock --upgrade", "lock"])
def test_a_failing_uv_leaves_both_files_as_they_were(project, tmp_path, capsys, fail_on):
    uv = fake_uv(tmp_path, lock(ccxt="4.5.95"), fail_on=fail_on)
    assert upgrade.main(["--project", str(project), "--uv", uv]) == 1
    assert (project / "pyproject.toml").read_text() == PYPROJECT
    assert (project / "uv.lock").read_text() == lock()
    err = capsys.readouterr().err
    assert "No solution found" in err and "unchanged" in err


def test_a_pin_uv_resolved_twice_is_refused(project, tmp_path):
    twice = lock(ccxt="4.5.95") + '\n[[package]]\nname = "ccxt"\nversion = "4.5.80"\n'
    with pytest.raises(upgrade.UpgradeError, match=r"holds \['4.5.80', '4.5.95'\] version\(s\) of ccxt"):
        upgrade.upgrade(project, fake_uv(tmp_path, twice))
    assert (project / "uv.lock").read_text() == lock()
