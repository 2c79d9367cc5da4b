"""scripts/run_notebooks.py (make notebooks): the notebooks share one localnet, as under nbval."""

import importlib.util
import json
import os
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("run_notebooks", ROOT / "scripts" / "run_notebooks.py")
run_notebooks = importlib.util.module_from_spec(spec)
spec.loader.exec_module(run_notebooks)


def test_one_localnet_is_announced_to_the_kernels_and_stopped_after(monkeypatch):
    monkeypatch.delenv("LOCALNET_PORT_FILE", raising=False)
    monkeypatch.delenv("LOCALNET_DB", raising=False)
    with run_notebooks.shared_localnet():
        urls = json.loads(Path(os.environ["LOCALNET_PORT_FILE"]).read_text())
        assert Path(os.environ["LOCALNET_DB"]).is_file()
        assert httpx.get(urls["binance"] + "/api/v3/ping").status_code == 200
    assert "LOCALNET_PORT_FILE" not in os.environ and "LOCALNET_DB" not in os.environ


def test_a_running_localnet_is_reused(monkeypatch, tmp_path):
    monkeypatch.setenv("LOCALNET_PORT_FILE", str(tmp_path / "ports.json"))
    with run_notebooks.shared_localnet():
        assert os.environ["LOCALNET_PORT_FILE"] == str(tmp_path / "ports.json")
    assert os.environ["LOCALNET_PORT_FILE"] == str(tmp_path / "ports.json")
