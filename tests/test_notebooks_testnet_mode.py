"""Testnet mode, rehearsed offline: the live-capable notebooks run top to bottom with TARGET
"testnet" against a stand-in testnet (a second localnet on real time, with keys like a learner's
in the environment). Real testnets are `pytest --live`; this checks the cells themselves."""

import json
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from localnet import client
from snippets.lab import LIVE_NAMES, LIVE_PREFIXES, TESTNET_URLS_ENV

ROOT = Path(__file__).resolve().parent.parent
LIVE_CAPABLE = [path for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
                if nbformat.read(path, as_version=4).metadata.get("keylab", {}).get("live")]


@pytest.fixture(scope="module")
def stand_in():
    """A localnet on real time playing the testnets, and one read+trade key per exchange."""
    with client.start() as net:
        env = {TESTNET_URLS_ENV: json.dumps({name: net.url(name) for name in LIVE_PREFIXES}),
               "KEYLAB_TARGET": "testnet"}
        for exchange, prefix in LIVE_PREFIXES.items():
            key = net.create_key(exchange, permissions=("read", "trade"))
            env[f"{prefix}_API_KEY"], env[f"{prefix}_API_SECRET"] = key["api_key"], key["secret"]
            if key.get("passphrase"):
                env[f"{prefix}_API_PASSPHRASE"] = key["passphrase"]
        yield env


def test_some_notebooks_can_go_live():
    assert len(LIVE_CAPABLE) >= 3


@pytest.mark.parametrize("path", LIVE_CAPABLE, ids=lambda p: p.stem)
def test_runs_top_to_bottom_in_testnet_mode(path, stand_in, monkeypatch):
    for name, value in stand_in.items():
        monkeypatch.setenv(name, value)
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, kernel_name="python3", timeout=180,
                   resources={"metadata": {"path": str(path.parent)}}).execute()  # raises on any cell error
    first = "".join(o.get("text", "") or str(o.get("data", {}).get("text/plain", ""))
                    for o in next(c for c in nb.cells if "start_lab" in c.source).outputs)
    assert first.startswith("target: testnet")
    for exchange in nb.metadata["keylab"]["live"]:
        assert f"{LIVE_NAMES[exchange]} (http://127.0.0.1:" in first  # the stand-in, not localnet's own
    assert "Kraken Spot has no testnet" in first
