"""Ledger invariants, checked straight from the database, for any test that trades.

Everything is recomputed here from the raw rows (transfers, orders, fills) with exact Decimals, not
through localnet's own ledger helpers, so a bug there cannot hide itself:

- every balance equals deposits - withdrawals + what fills bought - what they paid - fees;
- no free or locked amount is negative; locked equals what the account's open orders reserve;
- every order's fills add up to its executed quantity and cost, never beyond its quantity, and its
  status agrees with them; a finished order reserves nothing;
- every fill is priced, costed and charged correctly, belongs to its order's account, market and
  side, takes each price level of its order at most once, and none comes after a cancel;
- no two open orders of an account share a client order id on one market.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from decimal import ROUND_UP, Decimal

from localnet.core import market
from localnet.core.ledger import FEE_RATE  # 0.1 % of what an order receives, rounded up to 8 decimals
from localnet.core.store import Store

ZERO = Decimal(0)
EIGHT = Decimal("0.00000001")
OPEN = ("NEW", "PARTIALLY_FILLED")


def _store(source) -> Store:
    """A Localnet (its .store) or a Store."""
    return getattr(source, "store", source)


def _rows(db: sqlite3.Connection, sql: str, *args: object) -> list[dict]:
    return [dict(r) for r in db.execute(sql, args).fetchall()]


def expected_holdings(db: sqlite3.Connection, account_id: int) -> dict[str, Decimal]:
    """Deposits - withdrawals + bought - paid - fees, per asset, from the raw rows."""
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for t in _rows(db, "SELECT asset, amount FROM transfers WHERE account_id = ?", account_id):
        totals[t["asset"]] += Decimal(t["amount"])
    for f in _rows(db, "SELECT * FROM fills WHERE account_id = ?", account_id):
        sym = market.SYMBOLS[f["symbol"]]
        sign = 1 if f["side"] == "BUY" else -1
        totals[sym.base] += sign * Decimal(f["qty"])
        totals[sym.quote] -= sign * Decimal(f["quote_qty"])
        totals[f["commission_asset"]] -= Decimal(f["commission"])
    return dict(totals)


def reserved(order: dict) -> tuple[str, Decimal]:
    """(asset, amount) an open order must hold: the quote for what is left of a buy, the base of a sell."""
    sym = market.SYMBOLS[order["symbol"]]
    left = Decimal(order["orig_qty"]) - Decimal(order["executed_qty"])
    if order["side"] == "BUY":
        return sym.quote, left * Decimal(order["price"])
    return sym.base, left


def check_fill(fill: dict, order: dict) -> None:
    """One fill: its order's account, market and side; quote = price x qty; the fee on what was received."""
    sym = market.SYMBOLS[fill["symbol"]]
    price, qty = Decimal(fill["price"]), Decimal(fill["qty"])
    assert (fill["account_id"], fill["symbol"], fill["side"]) == (order["account_id"], order["symbol"], order["side"])
    assert price > 0 and qty > 0 and Decimal(fill["quote_qty"]) == price * qty, fill
    received, asset = (qty, sym.base) if fill["side"] == "BUY" else (price * qty, sym.quote)
    assert fill["commission_asset"] == asset, fill
    assert Decimal(fill["commission"]) == (received * FEE_RATE).quantize(EIGHT, rounding=ROUND_UP), fill
    if order["status"] == "CANCELED":
        assert fill["time_ms"] <= order["update_ms"], (fill, order)  # no fill after the cancel


def check_order(order: dict, fills: list[dict]) -> None:
    """An order agrees with its fills: never over-filled, status and reservation as its fills say."""
    for fill in fills:
        check_fill(fill, order)
    prices = [f["price"] for f in fills]
    assert len(prices) == len(set(prices)), order  # each book level taken once: no fill recorded twice
    executed = sum((Decimal(f["qty"]) for f in fills), ZERO)
    cost = sum((Decimal(f["quote_qty"]) for f in fills), ZERO)
    orig = Decimal(order["orig_qty"])
    assert Decimal(order["executed_qty"]) == executed and Decimal(order["cum_quote_qty"]) == cost, order
    assert executed <= orig, order
    if Decimal(order["orig_quote_qty"]) > 0:  # a market order by quote amount never spends more
        assert cost <= Decimal(order["orig_quote_qty"]), order
    status = order["status"]
    assert status in ("NEW", "PARTIALLY_FILLED", "FILLED", "CANCELED", "EXPIRED"), order
    if status == "NEW":
        assert executed == 0, order
    elif status == "PARTIALLY_FILLED":
        assert 0 < executed < orig, order
    elif status == "FILLED":
        assert executed == orig > 0, order
    if status in OPEN:
        asset, amount = reserved(order)
        assert (order["locked_asset"], Decimal(order["locked_amount"])) == (asset, amount), order
    else:
        assert Decimal(order["locked_amount"]) == 0, order


def check_account(store: Store, account_id: int) -> None:
    """Every invariant of one account (see the module docstring)."""
    db = store.db
    db.execute("BEGIN")  # one snapshot for every read below
    try:
        held = {r["asset"]: (Decimal(r["free"]), Decimal(r["locked"]))
                for r in _rows(db, "SELECT * FROM balances WHERE account_id = ?", account_id)}
        expected = expected_holdings(db, account_id)
        orders = _rows(db, "SELECT * FROM orders WHERE account_id = ?", account_id)
        fills: dict[int, list[dict]] = defaultdict(list)
        for fill in _rows(db, "SELECT * FROM fills WHERE account_id = ?", account_id):
            fills[fill["order_id"]].append(fill)
        strays = _rows(db, "SELECT f.id FROM fills f LEFT JOIN orders o ON o.id = f.order_id "
                           "WHERE f.account_id = ? AND (o.id IS NULL OR o.account_id != f.account_id)", account_id)
    finally:
        db.execute("COMMIT")
    assert strays == [], strays  # every fill belongs to an order of the same account
    locks: dict[str, Decimal] = defaultdict(Decimal)
    open_ids: set[tuple[str, str]] = set()
    for order in orders:
        check_order(order, fills.get(order["id"], []))
        if order["status"] in OPEN:
            locks[order["locked_asset"]] += Decimal(order["locked_amount"])
            key = (order["symbol"], order["client_order_id"])
            assert key not in open_ids, order  # two open orders with one client order id
            open_ids.add(key)
    for asset in set(held) | set(expected):
        free, locked = held.get(asset, (ZERO, ZERO))
        assert free >= 0 and locked >= 0, (account_id, asset, free, locked)
        assert free + locked == expected.get(asset, ZERO), (account_id, asset, free + locked, expected.get(asset))
        assert locked == locks.get(asset, ZERO), (account_id, asset, locked, locks.get(asset))


def assert_ledger_consistent(source, *account_ids: int) -> None:
    """Check the invariants for these accounts, or for every account when none is named.

    `source` is a Localnet (net) or a Store.
    """
    store = _store(source)
    if not account_ids:
        account_ids = tuple(r["id"] for r in store.db.execute("SELECT id FROM accounts ORDER BY id").fetchall())
    for account_id in account_ids:
        check_account(store, account_id)
