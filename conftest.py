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

_services: list = []


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
