"""Private order calls: AddOrder, CancelOrder, QueryOrders, OpenOrders, ClosedOrders, TradesHistory."""

from __future__ import annotations

import re

from localnet.core import ledger
from localnet.core.http import Call
from localnet.exchanges.kraken import data, errors, ids, params, views

PAGE = 50  # ClosedOrders and TradesHistory return 50 results per call, newest first
CLIENT_ID_RE = re.compile(r"^[\x21-\x7e]{1,36}$")
FEE_FLAGS = {"fcib", "fciq", "nompp"}  # accepted and ignored: localnet's fee handling is fixed
# AddOrder features localnet does not emulate: refused rather than silently ignored.
UNSUPPORTED = ("leverage", "price2", "reduce_only", "close[ordertype]", "close[price]", "close[price2]",
               "displayvol", "trigger", "starttm", "expiretm")
TIME_IN_FORCE = {"GTC": "GTC", "IOC": "IOC"}


def _order_request(call: Call) -> tuple[data.Pair, ledger.OrderRequest, str]:
    """Validate AddOrder's parameters in Kraken's order; returns the pair, the ledger request, the description."""
    values = call.params
    pair = data.find_pair(params.text(values, "pair") or "")
    if pair is None:
        raise errors.error(errors.UNKNOWN_PAIR)
    side = params.text(values, "type")
    if side not in ("buy", "sell"):
        raise errors.invalid_argument("type")
    ordertype = params.text(values, "ordertype")
    if ordertype not in ("limit", "market"):
        raise errors.invalid_argument("ordertype")
    for name in UNSUPPORTED:
        if params.text(values, name) not in (None, "", "0", "false"):
            raise errors.invalid_argument(name)
    flags = set(filter(None, (params.text(values, "oflags") or "").split(",")))
    if flags - FEE_FLAGS:
        raise errors.invalid_argument("oflags")
    qty = params.number(values, "volume")
    if qty is None or -qty.as_tuple().exponent > pair.lot_decimals:
        raise errors.invalid_argument("volume")
    price = None
    if ordertype == "limit":
        price = params.number(values, "price")
        if price is None:
            raise errors.invalid_argument("price")
        if -price.as_tuple().exponent > pair.pair_decimals:
            raise errors.invalid_price(pair.id, pair.pair_decimals)
    tif = (params.text(values, "timeinforce") or "GTC").upper()
    if tif not in TIME_IN_FORCE:
        raise errors.invalid_argument("timeinforce")
    client_id = params.text(values, "cl_ord_id")
    if client_id is not None and not CLIENT_ID_RE.match(client_id):
        raise errors.invalid_argument("cl_ord_id")
    if qty < pair.ordermin:
        raise errors.error(errors.ORDER_MINIMUM)
    if qty * (price if price is not None else pair.symbol.ref_price) < pair.costmin:
        raise errors.error(errors.COST_MINIMUM)
    request = ledger.OrderRequest(
        account_id=call.key.account_id, symbol=pair.symbol, side=side.upper(), type=ordertype.upper(),
        time_in_force=TIME_IN_FORCE[tif] if ordertype == "limit" else None, price=price, qty=qty, quote_qty=None,
        client_order_id=client_id or None,
    )
    return pair, request, views.describe(pair, side, ordertype, qty, price)


def add_order(app, call: Call) -> dict:
    """Place an order (or, with validate=true, only check it, as Kraken does)."""
    _, request, description = _order_request(call)
    if params.flag(call.params, "validate"):
        return {"descr": {"order": description}}
    try:
        order, _ = ledger.place_order(app.store, request, call.now_ms)
    except ledger.LedgerError as exc:
        if exc.reason == ledger.LedgerError.INSUFFICIENT:
            raise errors.error(errors.INSUFFICIENT_FUNDS) from None
        if exc.reason == ledger.LedgerError.DUPLICATE:
            raise errors.invalid_argument("cl_ord_id") from None
        raise
    return {"descr": {"order": description}, "txid": [ids.encode("O", order["id"])]}


def _find(app, call: Call, txid: str | None, client_id: str | None) -> dict | None:
    order_id = ids.decode("O", txid) if txid else None
    if txid and order_id is None:
        return None
    try:
        return ledger.find_order(app.store, call.key.account_id, None, order_id, client_id)
    except ledger.LedgerError:
        return None


def cancel_order(app, call: Call) -> dict:
    """Cancel one open order by txid or cl_ord_id; EOrder:Unknown order when there is none."""
    txid = params.text(call.params, "txid")
    client_id = params.text(call.params, "cl_ord_id")
    if not txid and not client_id:
        raise errors.invalid_argument("txid")
    row = _find(app, call, txid or None, client_id or None)
    if row is None:
        raise errors.error(errors.UNKNOWN_ORDER)
    try:
        ledger.cancel_order(app.store, call.key.account_id, None, row["id"], None, call.now_ms)
    except ledger.LedgerError:
        raise errors.error(errors.UNKNOWN_ORDER) from None
    return {"count": 1}


def _fills_by_order(app, call: Call) -> dict[int, list[dict]]:
    out: dict[int, list[dict]] = {}
    for fill in ledger.trades(app.store, call.key.account_id, None, limit=1_000_000):
        out.setdefault(fill["order_id"], []).append(fill)
    return out


def query_orders(app, call: Call) -> dict:
    """Up to 50 orders by txid (comma-separated); EOrder:Invalid order for one that is not the caller's."""
    txids = [t for t in (params.text(call.params, "txid") or "").split(",") if t]
    if not txids or len(txids) > 50:
        raise errors.invalid_argument("txid")
    with_trades = params.flag(call.params, "trades")
    fills = _fills_by_order(app, call)
    out = {}
    for txid in txids:
        row = _find(app, call, txid, None)
        if row is None:
            raise errors.error(errors.INVALID_ORDER)
        out[txid] = views.order_info(row, fills.get(row["id"], []), with_trades)
    return out


def open_orders(app, call: Call) -> dict:
    with_trades = params.flag(call.params, "trades")
    fills = _fills_by_order(app, call)
    client_id = params.text(call.params, "cl_ord_id")
    rows = [r for r in ledger.open_orders(app.store, call.key.account_id)
            if client_id is None or r["client_order_id"] == client_id]
    return {"open": {ids.encode("O", r["id"]): views.order_info(r, fills.get(r["id"], []), with_trades) for r in rows}}


def _window(values: dict) -> tuple[int | None, int | None, int]:
    """Kraken's start/end (Unix seconds) and ofs (offset) parameters."""
    start = params.number(values, "start")
    end = params.number(values, "end")
    ofs = params.integer(values, "ofs", 0, 0, 10**9)
    return (int(start * 1000) if start else None, int(end * 1000) if end else None, ofs)


def closed_orders(app, call: Call) -> dict:
    start_ms, end_ms, ofs = _window(call.params)
    with_trades = params.flag(call.params, "trades")
    fills = _fills_by_order(app, call)
    rows = [r for r in ledger.orders(app.store, call.key.account_id, None, limit=1_000_000)
            if r["status"] not in ledger.OPEN_STATUSES
            and (start_ms is None or r["update_ms"] >= start_ms) and (end_ms is None or r["update_ms"] <= end_ms)]
    rows.reverse()
    page = rows[ofs:ofs + PAGE]
    return {
        "closed": {ids.encode("O", r["id"]): views.order_info(r, fills.get(r["id"], []), with_trades) for r in page},
        "count": len(rows),
    }


def trades_history(app, call: Call) -> dict:
    start_ms, end_ms, ofs = _window(call.params)
    kind = params.text(call.params, "type", "all")
    if kind not in ("all", "any position", "closed position", "closing position", "no position"):
        raise errors.invalid_argument("type")
    account = call.key.account_id
    fills = ledger.trades(app.store, account, None, start_ms=start_ms, end_ms=end_ms, limit=1_000_000)
    if end_ms is not None:
        fills = [f for f in fills if f["time_ms"] <= end_ms]
    fills.reverse()
    orders = {r["id"]: r for r in ledger.orders(app.store, account, None, limit=1_000_000)}
    page = fills[ofs:ofs + PAGE]
    return {
        "trades": {ids.encode("T", f["id"]): views.trade_info(f, orders[f["order_id"]]) for f in page},
        "count": len(fills),
    }
