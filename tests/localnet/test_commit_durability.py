"""Which commits wait for the disk: every write but an authenticated read call's bookkeeping (Store._connect)."""

from __future__ import annotations

import pytest

from localnet.core import activity, keys
from localnet.core.store import Store
from localnet.exchanges.binance import BinanceApp
from localnet.exchanges.bybit import BybitApp
from localnet.exchanges.coinbase import CoinbaseApp
from localnet.exchanges.kraken import KrakenApp
from localnet.exchanges.okx import OkxApp
from tests.localnet.support import Binance

FULL, NORMAL = 2, 1  # what PRAGMA synchronous reads


def level(store: Store) -> int:
    return store.db.execute("PRAGMA synchronous").fetchone()[0]


def test_a_transaction_waits_for_the_disk_unless_it_says_otherwise(tmp_path):
    store = Store(tmp_path / "t.db")
    try:
        with store.transaction():
            assert level(store) == FULL
        with store.transaction(durable=False):
            assert level(store) == NORMAL
            with store.transaction(durable=False):  # bookkeeping nests in it
                assert level(store) == NORMAL
        with store.transaction():  # and the next one waits again
            assert level(store) == FULL
        with store.transaction():
            with store.transaction(durable=False):  # bookkeeping inside a durable call is durable
                assert level(store) == FULL
    finally:
        store.close()


def test_a_durable_write_inside_a_read_transaction_is_refused_and_undone(tmp_path):
    store = Store(tmp_path / "t.db")
    try:
        with pytest.raises(RuntimeError, match="without fsync"):
            with store.transaction(durable=False) as db:
                db.execute("INSERT INTO settings (name, value) VALUES ('a', '1')")
                with store.transaction() as inner:
                    inner.execute("INSERT INTO settings (name, value) VALUES ('b', '1')")
        assert store.db.execute("SELECT COUNT(*) FROM settings WHERE name IN ('a', 'b')").fetchone()[0] == 0
        assert not store.db.in_transaction
        with store.transaction() as db:  # the thread is back to durable transactions
            assert level(store) == FULL
            with store.transaction():
                db.execute("INSERT INTO settings (name, value) VALUES ('c', '1')")
        assert store.db.execute("SELECT value FROM settings WHERE name = 'c'").fetchone()[0] == "1"
    finally:
        store.close()


@pytest.mark.parametrize("app_class", [BinanceApp, BybitApp, OkxApp, KrakenApp, CoinbaseApp],
                         ids=lambda c: c.name)
def test_only_read_routes_skip_the_fsync(tmp_path, app_class):
    store = Store(tmp_path / "t.db")
    try:
        app = app_class(store)
        private = [route for route in app.routes.values() if route.permission is not None]
        assert any(r.permission == "read" for r in private) and any(r.permission != "read" for r in private)
        for route in private:
            assert app.durable(route) == (route.permission != "read"), route
    finally:
        store.close()


def test_a_read_call_commits_without_the_fsync_and_an_order_with_it(net, monkeypatch):
    seen: list[tuple[str, int]] = []
    record = activity.record

    def spy(store: Store, **entry: object) -> None:  # runs inside the call's transaction
        seen.append((str(entry["method"]), level(store)))
        record(store, **entry)

    monkeypatch.setattr(activity, "record", spy)
    key = net.create_key("binance", permissions=("read", "trade"))
    client = Binance(net.url("binance"), key)
    try:
        assert client.signed("GET", "/api/v3/account").status_code == 200
        placed = client.signed("POST", "/api/v3/order", symbol="BTCUSDT", side="BUY", type="LIMIT",
                               timeInForce="GTC", quantity="0.001", price="20000")
        assert placed.status_code == 200, placed.text
        assert client.signed("GET", "/api/v3/account").status_code == 200
    finally:
        client.close()
    assert seen == [("GET", NORMAL), ("POST", FULL), ("GET", NORMAL)]
    assert keys.get(net.store, key["id"]).last_used_ms is not None
