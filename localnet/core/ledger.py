"""Accounts, balances, orders, fills and fees. Money is Decimal; every change is one transaction."""

from __future__ import annotations

import secrets
import sqlite3
from dataclasses import dataclass
from decimal import ROUND_UP, Decimal

from localnet.core import market
from localnet.core.store import Store

FEE_RATE = Decimal("0.001")  # 0.1 % of what the order receives, maker and taker alike
EIGHT = Decimal("0.00000001")
ZERO = Decimal(0)

# What a new account starts with (like a freshly reset testnet account). An exchange that trades
# other assets sets its own FUNDING; every asset it trades should be listed (with "0" if need be).
DEFAULT_FUNDING: dict[str, str] = {
    "BTC": "1",
    "ETH": "10",
    "USDT": "10000",
    "BNB": "10",
    "LTC": "100",
}

OPEN_STATUSES = ("NEW", "PARTIALLY_FILLED")


class LedgerError(Exception):
    """The ledger refused a request. `reason` is one of the names below; the exchange words it."""

    INSUFFICIENT = "insufficient_balance"
    UNKNOWN_ORDER = "unknown_order"
    DUPLICATE = "duplicate_order"
    WOULD_TAKE = "would_take"
    NOT_OPEN = "not_open"

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class OrderRequest:
    """A validated order, in exchange-neutral terms."""

    account_id: int
    symbol: market.Symbol
    side: str  # BUY | SELL
    type: str  # LIMIT | MARKET | LIMIT_MAKER
    time_in_force: str | None  # GTC | IOC | FOK for LIMIT
    price: Decimal | None
    qty: Decimal | None
    quote_qty: Decimal | None  # MARKET orders by quote amount
    client_order_id: str | None


def dec(value: str | Decimal) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(value)


def text(value: Decimal) -> str:
    """Canonical storage form of an amount."""
    return format(value, "f")


def open_account(db: sqlite3.Connection, exchange: str, funding: dict[str, str], now_ms: int) -> int:
    """Create an account and deposit `funding` into it (inside the caller's transaction)."""
    account_id = db.execute("INSERT INTO accounts (exchange, created_ms) VALUES (?, ?)", (exchange, now_ms)).lastrowid
    for asset, amount in funding.items():
        _set_balance(db, account_id, asset, dec(amount), ZERO)
        if dec(amount) == 0:
            continue
        db.execute(
            "INSERT INTO transfers (account_id, asset, amount, kind, time_ms) VALUES (?, ?, ?, 'deposit', ?)",
            (account_id, asset, text(dec(amount)), now_ms),
        )
    return account_id


def _balance(db: sqlite3.Connection, account_id: int, asset: str) -> tuple[Decimal, Decimal]:
    row = db.execute("SELECT free, locked FROM balances WHERE account_id = ? AND asset = ?", (account_id, asset)).fetchone()
    return (Decimal(row["free"]), Decimal(row["locked"])) if row else (ZERO, ZERO)


def _set_balance(db: sqlite3.Connection, account_id: int, asset: str, free: Decimal, locked: Decimal) -> None:
    assert free >= 0 and locked >= 0, "a balance went negative"
    db.execute(
        "INSERT INTO balances (account_id, asset, free, locked) VALUES (?, ?, ?, ?) "
        "ON CONFLICT(account_id, asset) DO UPDATE SET free = excluded.free, locked = excluded.locked",
        (account_id, asset, text(free), text(locked)),
    )


def _move(db: sqlite3.Connection, account_id: int, asset: str, free: Decimal = ZERO, locked: Decimal = ZERO) -> None:
    """Add `free` and `locked` (either may be negative) to a balance; refuse to go below zero."""
    f, l = _balance(db, account_id, asset)
    if f + free < 0 or l + locked < 0:
        raise LedgerError(LedgerError.INSUFFICIENT)
    _set_balance(db, account_id, asset, f + free, l + locked)


def balances(store: Store, account_id: int) -> dict[str, tuple[Decimal, Decimal]]:
    """{asset: (free, locked)}."""
    rows = store.db.execute("SELECT asset, free, locked FROM balances WHERE account_id = ? ORDER BY asset", (account_id,))
    return {r["asset"]: (Decimal(r["free"]), Decimal(r["locked"])) for r in rows.fetchall()}


def fee(received: Decimal) -> Decimal:
    """The commission on an amount received, rounded up to 8 decimals."""
    return (received * FEE_RATE).quantize(EIGHT, rounding=ROUND_UP)


def place_order(store: Store, req: OrderRequest, now_ms: int) -> tuple[dict, list[dict]]:
    """Match `req` against the synthetic book, rest what is left when allowed, settle balances.

    Returns (order row, fill rows). Raises LedgerError.
    """
    sym = req.symbol
    is_buy = req.side == "BUY"
    bids, asks = sym.book()
    levels = asks if is_buy else bids
    if req.type == "MARKET":
        takes = market.walk(levels, step=sym.step, qty=req.qty, quote=req.quote_qty, is_buy=is_buy)
    else:
        takes = market.walk(levels, step=sym.step, qty=req.qty, limit=req.price, is_buy=is_buy)
        if req.type == "LIMIT_MAKER" and takes:
            raise LedgerError(LedgerError.WOULD_TAKE)
    filled = sum((q for _, q in takes), ZERO)
    cost = sum((p * q for p, q in takes), ZERO)
    orig_qty = req.qty if req.qty is not None else filled
    if req.type == "LIMIT" and req.time_in_force == "FOK" and filled < orig_qty:
        takes, filled, cost = [], ZERO, ZERO
    rest = orig_qty - filled if req.type in ("LIMIT", "LIMIT_MAKER") and req.time_in_force in (None, "GTC") else ZERO
    if filled == orig_qty and orig_qty > 0:
        status = "FILLED"
    elif rest > 0:
        status = "PARTIALLY_FILLED" if filled > 0 else "NEW"
    else:
        status = "EXPIRED"
    lock_asset = sym.quote if is_buy else sym.base
    lock_amount = rest * req.price if (is_buy and rest > 0) else rest
    client_id = req.client_order_id or "loc" + secrets.token_hex(10)

    with store.transaction() as db:
        if db.execute(
            "SELECT 1 FROM orders WHERE account_id = ? AND symbol = ? AND client_order_id = ? AND status IN (?, ?)",
            (req.account_id, sym.name, client_id, *OPEN_STATUSES),
        ).fetchone():
            raise LedgerError(LedgerError.DUPLICATE)
        # Pay for what was taken and lock what rests, or refuse the whole order.
        if is_buy:
            _move(db, req.account_id, sym.quote, free=-cost)
        else:
            _move(db, req.account_id, sym.base, free=-filled)
        if lock_amount > 0:
            _move(db, req.account_id, lock_asset, free=-lock_amount, locked=lock_amount)
        order_id = db.execute(
            "INSERT INTO orders (account_id, symbol, client_order_id, side, type, time_in_force, price, orig_qty,"
            " orig_quote_qty, executed_qty, cum_quote_qty, locked_asset, locked_amount, status, time_ms, update_ms)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (req.account_id, sym.name, client_id, req.side, req.type, req.time_in_force,
             text(req.price if req.price is not None else ZERO), text(orig_qty),
             text(req.quote_qty if req.quote_qty is not None else ZERO), text(filled), text(cost),
             lock_asset, text(lock_amount), status, now_ms, now_ms),
        ).lastrowid
        fills = []
        for price, qty in takes:
            received = qty if is_buy else price * qty
            commission = fee(received)
            asset = sym.base if is_buy else sym.quote
            _move(db, req.account_id, asset, free=received - commission)
            fill_id = db.execute(
                "INSERT INTO fills (order_id, account_id, symbol, side, price, qty, quote_qty, commission,"
                " commission_asset, is_maker, time_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)",
                (order_id, req.account_id, sym.name, req.side, text(price), text(qty), text(price * qty),
                 text(commission), asset, now_ms),
            ).lastrowid
            fills.append(dict(db.execute("SELECT * FROM fills WHERE id = ?", (fill_id,)).fetchone()))
        order = dict(db.execute("SELECT * FROM orders WHERE id = ?", (order_id,)).fetchone())
    return order, fills


def find_order(store: Store, account_id: int, symbol: str | None, order_id: int | None,
               client_order_id: str | None) -> dict:
    """One of the account's orders by id and/or client id (on `symbol`, or on any symbol when None).

    LedgerError UNKNOWN_ORDER if there is none.
    """
    row = _find(store.db, account_id, symbol, order_id, client_order_id)
    if row is None:
        raise LedgerError(LedgerError.UNKNOWN_ORDER)
    return dict(row)


def _find(db: sqlite3.Connection, account_id: int, symbol: str | None, order_id: int | None,
          client_order_id: str | None):
    sql, args = "SELECT * FROM orders WHERE account_id = ?", [account_id]
    if symbol is not None:
        sql, args = sql + " AND symbol = ?", [*args, symbol]
    if order_id is not None:
        row = db.execute(sql + " AND id = ?", (*args, order_id)).fetchone()
        if row is not None and client_order_id is not None and row["client_order_id"] != client_order_id:
            return None
        return row
    return db.execute(sql + " AND client_order_id = ? ORDER BY id DESC LIMIT 1", (*args, client_order_id)).fetchone()


def cancel_order(store: Store, account_id: int, symbol: str | None, order_id: int | None, client_order_id: str | None,
                 now_ms: int) -> dict:
    """Cancel an open order and release what it locked."""
    with store.transaction() as db:
        row = _find(db, account_id, symbol, order_id, client_order_id)
        if row is None or row["status"] not in OPEN_STATUSES:
            raise LedgerError(LedgerError.UNKNOWN_ORDER)
        return _cancel(db, row, now_ms)


def _cancel(db: sqlite3.Connection, row: sqlite3.Row, now_ms: int) -> dict:
    amount = Decimal(row["locked_amount"])
    if amount > 0:
        _move(db, row["account_id"], row["locked_asset"], free=amount, locked=-amount)
    db.execute(
        "UPDATE orders SET status = 'CANCELED', locked_amount = '0', update_ms = ? WHERE id = ?", (now_ms, row["id"])
    )
    return dict(db.execute("SELECT * FROM orders WHERE id = ?", (row["id"],)).fetchone())


def cancel_all(store: Store, account_id: int, symbol: str, now_ms: int) -> list[dict]:
    """Cancel every open order of the account on `symbol`."""
    with store.transaction() as db:
        rows = db.execute(
            "SELECT * FROM orders WHERE account_id = ? AND symbol = ? AND status IN (?, ?) ORDER BY id",
            (account_id, symbol, *OPEN_STATUSES),
        ).fetchall()
        return [_cancel(db, row, now_ms) for row in rows]


def open_orders(store: Store, account_id: int, symbol: str | None = None) -> list[dict]:
    sql = "SELECT * FROM orders WHERE account_id = ? AND status IN (?, ?)"
    args: list = [account_id, *OPEN_STATUSES]
    if symbol:
        sql += " AND symbol = ?"
        args.append(symbol)
    return [dict(r) for r in store.db.execute(sql + " ORDER BY id", args).fetchall()]


def orders(store: Store, account_id: int, symbol: str | None, from_id: int | None = None, start_ms: int | None = None,
           end_ms: int | None = None, limit: int = 500) -> list[dict]:
    """The account's orders on `symbol` (None: all), oldest first (the most recent `limit` unless `from_id`)."""
    sql = "SELECT * FROM orders WHERE account_id = ?"
    args: list = [account_id]
    if symbol is not None:
        sql += " AND symbol = ?"
        args.append(symbol)
    if from_id is not None:
        sql += " AND id >= ?"
        args.append(from_id)
    if start_ms is not None:
        sql += " AND time_ms >= ?"
        args.append(start_ms)
    if end_ms is not None:
        sql += " AND time_ms <= ?"
        args.append(end_ms)
    order = "ASC" if from_id is not None or start_ms is not None else "DESC"
    rows = store.db.execute(f"{sql} ORDER BY id {order} LIMIT ?", (*args, limit)).fetchall()
    return sorted((dict(r) for r in rows), key=lambda r: r["id"])


def trades(store: Store, account_id: int, symbol: str | None, order_id: int | None = None, from_id: int | None = None,
           start_ms: int | None = None, end_ms: int | None = None, limit: int = 500) -> list[dict]:
    """The account's fills on `symbol` (None: all), oldest first."""
    sql = "SELECT * FROM fills WHERE account_id = ?"
    args: list = [account_id]
    for column, op, value in (("symbol", "=", symbol), ("order_id", "=", order_id), ("id", ">=", from_id),
                              ("time_ms", ">=", start_ms), ("time_ms", "<=", end_ms)):
        if value is not None:
            sql += f" AND {column} {op} ?"
            args.append(value)
    order = "ASC" if from_id is not None or start_ms is not None else "DESC"
    rows = store.db.execute(f"{sql} ORDER BY id {order} LIMIT ?", (*args, limit)).fetchall()
    return sorted((dict(r) for r in rows), key=lambda r: r["id"])


def withdraw(store: Store, account_id: int, asset: str, amount: Decimal, reference: str, now_ms: int) -> None:
    """Take `amount` of `asset` out of the account (an emulated withdrawal)."""
    with store.transaction() as db:
        _move(db, account_id, asset, free=-amount)
        db.execute(
            "INSERT INTO transfers (account_id, asset, amount, kind, reference, time_ms) VALUES (?, ?, ?, 'withdrawal', ?, ?)",
            (account_id, asset, text(-amount), reference, now_ms),
        )


def expected_totals(store: Store, account_id: int) -> dict[str, Decimal]:
    """Deposits - withdrawals + what fills bought - what they paid - fees, per asset (for audits and tests)."""
    db = store.db
    totals: dict[str, Decimal] = {}

    def add(asset: str, amount: Decimal) -> None:
        totals[asset] = totals.get(asset, ZERO) + amount

    for r in db.execute("SELECT asset, amount FROM transfers WHERE account_id = ?", (account_id,)).fetchall():
        add(r["asset"], Decimal(r["amount"]))
    for r in db.execute("SELECT * FROM fills WHERE account_id = ?", (account_id,)).fetchall():
        sym = market.SYMBOLS[r["symbol"]]
        qty, quote, commission = Decimal(r["qty"]), Decimal(r["quote_qty"]), Decimal(r["commission"])
        if r["side"] == "BUY":
            add(sym.base, qty)
            add(sym.quote, -quote)
        else:
            add(sym.base, -qty)
            add(sym.quote, quote)
        add(r["commission_asset"], -commission)
    return totals
