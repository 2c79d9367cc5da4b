"""Several clients trading at once, some on the same account, never break the ledger."""

from __future__ import annotations

import random
import threading
from decimal import Decimal

from localnet.core import ledger
from tests.localnet.support import Binance
from tests.localnet.test_binance_trading import assert_ledger_consistent


def test_concurrent_clients_keep_the_ledger_consistent(net):
    first = net.create_key("binance", permissions=("read", "trade"))
    shared = first["account_id"]
    keys = [first] + [net.create_key("binance", permissions=("read", "trade"), account_id=shared) for _ in range(3)]
    keys += [net.create_key("binance", permissions=("read", "trade")) for _ in range(2)]
    acknowledged: list[tuple[int, int]] = []
    failures: list[str] = []
    lock = threading.Lock()

    def trade(index: int, key: dict) -> None:
        rng = random.Random(index)
        client = Binance(net.url("binance"), key)
        mine: list[int] = []
        try:
            for _ in range(40):
                roll = rng.random()
                if roll < 0.25 and mine:
                    client.signed("DELETE", "/api/v3/order", symbol="BTCUSDT", orderId=mine.pop())
                    continue
                if roll < 0.6:
                    params = dict(type="LIMIT", timeInForce="GTC", price=str(59000 + rng.randint(0, 1500)))
                else:
                    params = dict(type="MARKET")
                r = client.signed("POST", "/api/v3/order", symbol="BTCUSDT", side=rng.choice(["BUY", "SELL"]),
                                  quantity=str(Decimal("0.001") * rng.randint(1, 60)), **params)
                if r.status_code == 200:
                    body = r.json()
                    with lock:
                        acknowledged.append((key["account_id"], body["orderId"]))
                    if body["status"] == "NEW":
                        mine.append(body["orderId"])
                elif r.json()["code"] != -2010:  # running out of money is fine; anything else is not
                    failures.append(r.text)
        finally:
            client.close()

    threads = [threading.Thread(target=trade, args=(i, k)) for i, k in enumerate(keys)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    assert len(acknowledged) > 100
    for account_id in {k["account_id"] for k in keys}:
        assert_ledger_consistent(net, account_id)
    ids = {order_id for _, order_id in acknowledged}
    rows = net.store.db.execute("SELECT id FROM orders").fetchall()
    assert ids <= {r["id"] for r in rows}
    assert len(ids) == len(acknowledged)  # no order id handed out twice
    assert ledger.balances(net.store, shared)["BTC"][0] >= 0
