"""Fixtures for localnet tests: one in-process localnet per test module, and a funded trader."""

from __future__ import annotations

import pytest

from localnet.client import Localnet, start
from tests.localnet.support import Binance


@pytest.fixture(scope="module")
def net() -> Localnet:
    with start() as running:
        yield running


@pytest.fixture
def trader(net: Localnet):
    """A fresh funded account with a read+trade HMAC key, and a client for it."""
    key = net.create_key("binance", permissions=("read", "trade"))
    client = Binance(net.url("binance"), key)
    yield client
    client.close()
