"""Test-session services shared by the whole suite.

nbval runs notebooks as plain pytest items, and plain items get no fixtures. So the services
notebooks talk to are started by hooks instead: once per test process (once per xdist worker),
after collection, and only when notebooks were collected. Kernels are started later and inherit
this process's environment, which is how a notebook finds the running services.
"""

import json
import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings

# Property-based tests: the same examples on every run (a CI failure reproduces locally), no
# example database written into the checkout, and no per-example deadline (a loaded 2-core
# machine is slow, not wrong). `--hypothesis-profile=soak` is the long run behind `make soak`.
settings.register_profile("keylab", derandomize=True, database=None, deadline=None, print_blob=True)
settings.register_profile("soak", parent=settings.get_profile("keylab"), derandomize=False, max_examples=2000)
settings.load_profile(os.environ.get("KEYLAB_HYPOTHESIS_PROFILE", "keylab"))

_services: list = []

LIVE_HELP = ("run the notebooks against the real testnets (Binance Spot testnet, Bybit testnet, OKX demo) "
             "with keys from .env; each notebook is skipped when its keys or the network are missing")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--live", action="store_true", help=LIVE_HELP)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "live: a notebook run against the real testnets (only with --live)")
    if config.getoption("--live"):
        # Live answers (balances, ids, times) differ from the stored localnet outputs, so only
        # errors fail a cell, and the notebooks' TARGET = None picks the testnets.
        config.option.nbval_lax = True
        os.environ["KEYLAB_TARGET"] = "testnet"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not config.getoption("--live"):
        return
    from tests.live import skip_reason  # only live runs need it

    keep, drop = [], []
    reasons: dict[str, str | None] = {}
    for item in items:
        if not str(item.path).endswith(".ipynb"):
            drop.append(item)  # a live run is about the notebooks
            continue
        key = str(item.path)
        if key not in reasons:
            reasons[key] = skip_reason(item.parent.nb.metadata.get("keylab", {}).get("live", []))
        item.add_marker(pytest.mark.live)
        if reasons[key]:
            item.add_marker(pytest.mark.skip(reason=reasons[key]))
        keep.append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def _collected_notebooks(session: pytest.Session) -> bool:
    return any(str(item.path).endswith(".ipynb") for item in session.items)


def _start_localnet() -> None:
    """Start localnet in this process and tell kernels where it is (LOCALNET_PORT_FILE, LOCALNET_DB)."""
    if os.environ.get("LOCALNET_PORT_FILE"):
        return  # somebody already runs one for us
    try:
        from localnet import client
    except ImportError:
        return  # localnet is not part of this checkout yet
    workdir = Path(tempfile.mkdtemp(prefix="keylab-localnet-"))
    net = client.start(db=workdir / "localnet.db")
    port_file = workdir / "ports.json"
    port_file.write_text(json.dumps(net.urls))
    os.environ["LOCALNET_PORT_FILE"] = str(port_file)
    os.environ["LOCALNET_DB"] = str(net.db_path)
    _services.append(net)


def pytest_collection_finish(session: pytest.Session) -> None:
    if _collected_notebooks(session):
        _start_localnet()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    while _services:
        _services.pop().stop()
