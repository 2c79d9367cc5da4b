"""Orders: place (one or a batch), cancel, query, list open orders, list fills.

OKX answers a refused order with HTTP 200, top-level code "1" and the reason per order in
data[i].sCode / sMsg. A missing required parameter is refused for the whole request (50014).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from localnet.core import keys, ledger
from localnet.core.http import Call
from localnet.core.store import Store
from localnet.exchanges.okx import errors, params, views
from localnet.exchanges.okx.errors import OkxError
from localnet.exchanges.okx.instruments import MAX_MARKET_QUOTE, min_size, num, symbol

MAX_BATCH = 20
CLIENT_ID_RE = re.compile(r"^[A-Za-z0-9]{1,32}$")
TAG_RE = re.compile(r"^[A-Za-z0-9]{1,16}$")
ORDER_TYPES = {  # ordType -> (ledger type, time in force)
    "limit": ("LIMIT", "GTC"),
    "post_only": ("LIMIT_MAKER", None),
    "ioc": ("LIMIT", "IOC"),
    "fok": ("LIMIT", "FOK"),
    "market": ("MARKET", None),
}
MARGIN_MODES = ("cross", "isolated", "spot_isolated")


class Rejected(Exception):
    """One order refused, with OKX's (sCode, sMsg)."""

    def __init__(self, reason: tuple[str, str]) -> None:
        super().__init__(reason[1])
        self.code, self.message = reason


@dataclass
class Item:
    """The identifiers OKX echoes back for one order of a request."""

    client_id: str
    tag: str


def stamps(call: Call) -> dict[str, str]:
    """inTime / outTime (microseconds) that OKX adds to trading answers."""
    return {"inTime": str(call.now_us), "outTime": str(call.now_us + 1500)}


def result(call: Call, items: list[dict]) -> dict:
    """The whole answer for per-order results: code 0 (all placed), 1 (none) or 2 (some)."""
    failed = [i for i in items if i["sCode"] != "0"]
    if not failed:
        return {"code": "0", "data": items, "msg": "", **stamps(call)}
    if len(failed) == len(items):
        body = {"code": "1", "data": items, "msg": errors.ALL_FAILED, **stamps(call)}
        raise OkxError(200, failed[0]["sCode"], errors.ALL_FAILED, body=body)
    return {"code": "2", "data": items, "msg": errors.PARTLY_FAILED, **stamps(call)}


def _value(order: dict[str, Any], name: str, pattern: re.Pattern | None = None) -> str:
    value = order.get(name)
    if value is None or value == "":
        return ""
    if not isinstance(value, str) or (pattern is not None and not pattern.match(value)):
        raise Rejected(errors.s_param(name))
    return value


def _amount(order: dict[str, Any], name: str) -> Decimal | None:
    try:
        return params.number(order, name)
    except OkxError:
        raise Rejected(errors.s_param(name)) from None


def check_required(order: object) -> dict[str, Any]:
    """The order as a dict with every required field present (else 50014 / 50002 for the whole request)."""
    if not isinstance(order, dict):
        raise errors.json_syntax()
    for name in ("instId", "tdMode", "side", "ordType", "sz"):
        value = order.get(name)
        if value is None or value == "":
            raise errors.param_empty(name)
    return order


def order_request(account_id: int, order: dict[str, Any]) -> ledger.OrderRequest:
    """Validate one order the way OKX does; raises Rejected with the sCode OKX would give."""
    side = _value(order, "side")
    if side not in ("buy", "sell"):
        raise Rejected(errors.s_param("side"))
    kind = _value(order, "ordType")
    if kind not in ORDER_TYPES:
        raise Rejected(errors.s_param("ordType"))
    sym = symbol(_value(order, "instId"))
    if sym is None:
        raise Rejected(errors.S_INSTRUMENT)
    mode = _value(order, "tdMode")
    if mode != "cash":
        raise Rejected(errors.S_ACCOUNT_MODE if mode in MARGIN_MODES else errors.s_param("tdMode"))
    target = _value(order, "tgtCcy")
    if target not in ("", "base_ccy", "quote_ccy"):
        raise Rejected(errors.s_param("tgtCcy"))
    size = _amount(order, "sz")
    ledger_type, tif = ORDER_TYPES[kind]
    price = quote = qty = None
    if ledger_type == "MARKET":
        by_quote = target == "quote_ccy" or (target == "" and side == "buy")
        if by_quote:
            quote = size
            if quote > MAX_MARKET_QUOTE:
                raise Rejected(errors.S_MARKET_TOO_BIG)
            if quote / sym.ref_price < min_size(sym):
                raise Rejected(errors.S_TOO_SMALL)
        else:
            qty = size
    else:
        if order.get("px") in (None, ""):
            raise Rejected(errors.S_PRICE_EMPTY)
        price = _amount(order, "px")
        if price % sym.tick != 0:
            raise Rejected(errors.S_PRECISION)
        if price > sym.max_price:
            raise Rejected(errors.s_price_limit(num(sym.max_price), num(sym.min_price)))
        qty = size
    if qty is not None:
        if qty % sym.step != 0:
            raise Rejected(errors.S_LOT)
        if qty < min_size(sym):
            raise Rejected(errors.S_TOO_SMALL)
        if qty > sym.max_qty:
            raise Rejected(errors.S_MARKET_TOO_BIG if ledger_type == "MARKET" else errors.s_too_big(num(sym.max_qty)))
    client_id = _value(order, "clOrdId", CLIENT_ID_RE) or views.NO_CLIENT_ID + secrets.token_hex(10)
    return ledger.OrderRequest(
        account_id=account_id, symbol=sym, side=side.upper(), type=ledger_type, time_in_force=tif, price=price,
        qty=qty, quote_qty=quote, client_order_id=client_id,
    )


def place_one(store: Store, key: keys.Key, order: dict[str, Any], now_ms: int) -> dict:
    """Place one checked order; its per-order result (sCode "0" when placed)."""
    item = Item(client_id="", tag="")
    try:
        item.client_id = _value(order, "clOrdId", CLIENT_ID_RE)
        item.tag = _value(order, "tag", TAG_RE)
        request = order_request(key.account_id, order)
        try:
            row, _ = ledger.place_order(store, request, now_ms)
        except ledger.LedgerError as exc:
            raise Rejected(_ledger_reason(exc, request)) from None
    except Rejected as exc:
        return {"clOrdId": item.client_id, "ordId": "", "sCode": exc.code, "sMsg": exc.message, "tag": item.tag,
                "ts": str(now_ms)}
    return {"clOrdId": item.client_id, "ordId": views.order_id(row["id"]), "sCode": "0", "sMsg": "Order placed",
            "tag": item.tag, "ts": str(now_ms)}


def _ledger_reason(exc: ledger.LedgerError, request: ledger.OrderRequest) -> tuple[str, str]:
    if exc.reason == ledger.LedgerError.INSUFFICIENT:
        return errors.s_insufficient(request.symbol.quote if request.side == "BUY" else request.symbol.base)
    if exc.reason == ledger.LedgerError.DUPLICATE:
        return errors.S_DUPLICATE
    return errors.s_param("px")  # a post_only order that would take liquidity (see the reference page)


# ---- handlers -------------------------------------------------------------------------------------

def place_order(app, call: Call) -> dict:
    """POST /api/v5/trade/order."""
    order = check_required(params.body(call))
    return result(call, [place_one(app.store, call.key, order, call.now_ms)])


def place_batch(app, call: Call) -> dict:
    """POST /api/v5/trade/batch-orders: up to 20 orders, each placed or refused on its own."""
    orders = params.body_list(call)
    if not orders:
        raise errors.body_empty()
    if len(orders) > MAX_BATCH:
        raise errors.too_many_orders(MAX_BATCH)
    checked = [check_required(o) for o in orders]
    return result(call, [place_one(app.store, call.key, o, call.now_ms) for o in checked])


def _ids(values: dict[str, Any]) -> tuple[int | None, str | None, bool]:
    """(ledger id, client id, impossible): impossible when an id cannot belong to any order."""
    ord_id = params.text(values, "ordId")
    client = params.text(values, "clOrdId")
    if ord_id is None and client is None:
        raise errors.order_or_client_id_required()
    number = views.ledger_id(ord_id) if ord_id is not None else None
    impossible = (ord_id is not None and number is None) or (client is not None and not CLIENT_ID_RE.match(client))
    return number, client, impossible


def cancel_order(app, call: Call) -> dict:
    """POST /api/v5/trade/cancel-order."""
    values = params.body(call)
    inst_id = params.text(values, "instId", required=True)
    number, client, impossible = _ids(values)
    echo = {"clOrdId": client or "", "ordId": params.text(values, "ordId") or ""}
    sym = symbol(inst_id)
    try:
        if sym is None:
            raise Rejected(errors.S_INSTRUMENT)
        if impossible:
            raise Rejected(errors.S_CANCEL_FAILED)
        try:
            row = ledger.cancel_order(app.store, call.key.account_id, sym.name, number, client, call.now_ms)
        except ledger.LedgerError:
            raise Rejected(errors.S_CANCEL_FAILED) from None
    except Rejected as exc:
        return result(call, [{**echo, "sCode": exc.code, "sMsg": exc.message, "ts": str(call.now_ms)}])
    item = {"clOrdId": views.client_id(row), "ordId": views.order_id(row["id"]), "sCode": "0", "sMsg": "",
            "ts": str(call.now_ms)}
    return result(call, [item])


def get_order(app, call: Call) -> list[dict]:
    """GET /api/v5/trade/order."""
    values = params.query(call)
    inst_id = params.text(values, "instId", required=True)
    number, client, impossible = _ids(values)
    sym = symbol(inst_id)
    if sym is None:
        raise errors.instrument_unknown()
    if impossible:
        raise errors.order_missing()
    try:
        row = ledger.find_order(app.store, call.key.account_id, sym.name, number, client)
    except ledger.LedgerError:
        raise errors.order_missing() from None
    fills = ledger.trades(app.store, call.key.account_id, sym.name, order_id=row["id"])
    return [views.order(row, fills)]


def _instrument_filter(values: dict[str, Any]) -> tuple[bool, str | None]:
    """(spot wanted, canonical symbol or None) from instType / instId filters."""
    inst_type = params.text(values, "instType")
    if inst_type is not None and inst_type not in ("SPOT", "MARGIN", "SWAP", "FUTURES", "OPTION"):
        raise errors.param_error("instType")
    inst_id = params.text(values, "instId")
    sym = None
    if inst_id is not None:
        sym = symbol(inst_id)
        if sym is None:
            raise errors.instrument_unknown()
    return inst_type in (None, "SPOT"), sym.name if sym else None


def open_orders(app, call: Call) -> list[dict]:
    """GET /api/v5/trade/orders-pending: newest first."""
    return _order_list(app, call, ("live", "partially_filled"), open_only=True)


def closed_orders(app, call: Call) -> list[dict]:
    """GET /api/v5/trade/orders-history: finished orders (filled or canceled), newest first; instType required."""
    params.text(params.query(call), "instType", required=True)
    return _order_list(app, call, ("filled", "canceled"), open_only=False)


def _order_list(app, call: Call, states: tuple[str, ...], open_only: bool) -> list[dict]:
    """Orders in one of `states`, newest first, filtered by instrument, ordType and state, at most `limit`."""
    values = params.query(call)
    spot, name = _instrument_filter(values)
    kind = params.text(values, "ordType")
    state = params.text(values, "state")
    if state is not None and state not in states:
        raise errors.param_error("state")
    count = params.limit(values)
    if not spot:
        return []
    account = call.key.account_id
    rows = (ledger.open_orders(app.store, account, name) if open_only
            else ledger.orders(app.store, account, name, limit=1000))
    out = []
    for row in reversed(rows):
        if views.STATES[row["status"]] not in states:
            continue
        if (kind and views.ord_type(row) != kind) or (state and views.STATES[row["status"]] != state):
            continue
        out.append(views.order(row, ledger.trades(app.store, account, row["symbol"], order_id=row["id"])))
        if len(out) == count:
            break
    return out


def fills_history(app, call: Call) -> list[dict]:
    """GET /api/v5/trade/fills-history: like fills, but instType is required."""
    params.text(params.query(call), "instType", required=True)
    return fills(app, call)


def fills(app, call: Call) -> list[dict]:
    """GET /api/v5/trade/fills: the account's fills, newest first."""
    values = params.query(call)
    spot, name = _instrument_filter(values)
    ord_id = params.text(values, "ordId")
    count = params.limit(values)
    number = views.ledger_id(ord_id) if ord_id is not None else None
    if not spot or (ord_id is not None and number is None):
        return []
    rows = ledger.trades(app.store, call.key.account_id, name, order_id=number, limit=count)
    orders: dict[int, dict] = {}
    out = []
    for row in reversed(rows):
        if row["order_id"] not in orders:
            orders[row["order_id"]] = ledger.find_order(app.store, call.key.account_id, None, row["order_id"], None)
        out.append(views.fill(row, orders[row["order_id"]]))
    return out
