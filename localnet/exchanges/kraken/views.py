"""Kraken-shaped pieces of answers: numbers as fixed-decimal strings, orders, trades, balances."""

from __future__ import annotations

import re
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, Decimal

from localnet.exchanges.kraken import data, ids

AUTO_CLIENT_ID = re.compile(r"^loc[0-9a-f]{20}$")  # what core generates when no cl_ord_id is given
STATUSES = {"NEW": "open", "PARTIALLY_FILLED": "open", "FILLED": "closed", "CANCELED": "canceled"}
ORDER_TYPES = {"LIMIT": "limit", "MARKET": "market"}
ZERO = Decimal(0)


def fixed(value: Decimal | str, decimals: int, rounding: str = ROUND_HALF_EVEN) -> str:
    """`value` with exactly `decimals` decimals ("1.25000000")."""
    return format(Decimal(value).quantize(Decimal(1).scaleb(-decimals), rounding=rounding), "f")


def seconds(time_ms: int) -> float:
    """Kraken's timestamps: Unix seconds with a fraction."""
    return time_ms / 1000


def volume(value: Decimal | str) -> str:
    return fixed(value, 8)


def describe(pair: data.Pair, side: str, ordertype: str, qty: Decimal, price: Decimal | None) -> str:
    """The one-line order description Kraken returns: "buy 1.25000000 XBTUSD @ limit 37500.0"."""
    text = f"{side} {volume(qty)} {pair.altname} @ {ordertype}"
    if ordertype == "limit" and price is not None:
        text += f" {fixed(price, pair.pair_decimals)}"
    return text


def order_status(row: dict) -> str:
    """Kraken's status for a ledger order; an order the book could not fill completely (IOC, market)
    ends "closed" when something was filled and "canceled" otherwise."""
    if row["status"] in STATUSES:
        return STATUSES[row["status"]]
    return "closed" if Decimal(row["executed_qty"]) > 0 else "canceled"


def fee_in_quote(pair: data.Pair, fill: dict) -> Decimal:
    """The fill's fee expressed in the quote asset (the ledger takes it from the asset received)."""
    commission = Decimal(fill["commission"])
    if fill["commission_asset"] == pair.symbol.base:
        return commission * Decimal(fill["price"])
    return commission


def order_info(row: dict, fills: list[dict], with_trades: bool = False) -> dict:
    """One order as QueryOrders, OpenOrders and ClosedOrders show it."""
    pair = data.BY_SYMBOL[row["symbol"]]
    side = row["side"].lower()
    ordertype = ORDER_TYPES.get(row["type"], "limit")
    qty, executed, cost = Decimal(row["orig_qty"]), Decimal(row["executed_qty"]), Decimal(row["cum_quote_qty"])
    price = Decimal(row["price"]) if ordertype == "limit" else None
    fee = sum((fee_in_quote(pair, f) for f in fills), ZERO)
    status = order_status(row)
    info: dict = {"refid": None, "userref": None}
    if not AUTO_CLIENT_ID.match(row["client_order_id"] or ""):
        info["cl_ord_id"] = row["client_order_id"]
    info.update({
        "status": status,
        "opentm": seconds(row["time_ms"]),
        "starttm": 0,
        "expiretm": 0,
        "descr": {
            "pair": pair.altname,
            "type": side,
            "ordertype": ordertype,
            "price": fixed(price, pair.pair_decimals) if price is not None else "0",
            "price2": "0",
            "leverage": "none",
            "order": describe(pair, side, ordertype, qty, price),
            "close": "",
        },
        "vol": volume(qty),
        "vol_exec": volume(executed),
        "cost": fixed(cost, pair.cost_decimals),
        "fee": fixed(fee, pair.cost_decimals),
        "price": fixed(cost / executed, pair.pair_decimals) if executed > 0 else fixed(ZERO, pair.pair_decimals),
        "stopprice": fixed(ZERO, pair.pair_decimals),
        "limitprice": fixed(ZERO, pair.pair_decimals),
        "misc": "",
        "oflags": "fciq",
    })
    if status in ("closed", "canceled"):
        info["closetm"] = seconds(row["update_ms"])
        info["reason"] = "User requested" if row["status"] == "CANCELED" else None
    if with_trades and fills:
        info["trades"] = [ids.encode("T", f["id"]) for f in fills]
    return info


def trade_info(fill: dict, order: dict) -> dict:
    """One fill as TradesHistory shows it."""
    pair = data.BY_SYMBOL[fill["symbol"]]
    return {
        "ordertxid": ids.encode("O", fill["order_id"]),
        "postxid": ids.encode("L", fill["id"]),
        "pair": pair.id,
        "time": seconds(fill["time_ms"]),
        "type": fill["side"].lower(),
        "ordertype": ORDER_TYPES.get(order["type"], "limit"),
        "price": fixed(fill["price"], pair.pair_decimals),
        "cost": fixed(fill["quote_qty"], pair.cost_decimals),
        "fee": fixed(fee_in_quote(pair, fill), pair.cost_decimals),
        "vol": volume(fill["qty"]),
        "margin": fixed(ZERO, pair.cost_decimals),
        "leverage": "0",
        "misc": "",
        "trade_id": fill["id"],
        "maker": bool(fill["is_maker"]),
    }


def amount(asset: data.Asset, value: Decimal) -> str:
    """A balance with the asset's decimals, rounded down (never show more than there is)."""
    return fixed(value, asset.decimals, ROUND_DOWN)
