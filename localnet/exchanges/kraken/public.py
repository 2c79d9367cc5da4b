"""Public market data: GET /0/public/Time, SystemStatus, Assets, AssetPairs, Ticker, Depth."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

from localnet.core.http import Call
from localnet.exchanges.kraken import data, errors, params, views

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def rfc1123(time_ms: int) -> str:
    """Kraken's server-time text, e.g. "Thu, 06 Jul 23 18:50:48 +0000" (two-digit year)."""
    t = datetime.fromtimestamp(time_ms // 1000, timezone.utc)
    return f"{DAYS[t.weekday()]}, {t.day:02d} {MONTHS[t.month - 1]} {t.year % 100:02d} {t:%H:%M:%S} +0000"


def server_time(app, call: Call) -> dict:
    return {"unixtime": call.now_ms // 1000, "rfc1123": rfc1123(call.now_ms)}


def system_status(app, call: Call) -> dict:
    stamp = datetime.fromtimestamp(call.now_ms // 1000, timezone.utc)
    return {"status": "online", "timestamp": stamp.strftime("%Y-%m-%dT%H:%M:%SZ")}


def _names(values: dict[str, object], name: str) -> list[str] | None:
    text = params.text(values, name)
    return [part for part in text.split(",") if part] if text else None


def assets(app, call: Call) -> dict:
    wanted = _names(params.read_query(call), "asset")
    chosen = list(data.ASSETS.values())
    if wanted is not None:
        chosen = [data.find_asset(name) for name in wanted]
        if any(asset is None for asset in chosen):
            raise errors.error(errors.UNKNOWN_ASSET)
    return {
        a.id: {"aclass": "currency", "altname": a.altname, "decimals": a.decimals,
               "display_decimals": a.display_decimals, "collateral_value": 1.0, "status": "enabled"}
        for a in chosen
    }


def _pairs(values: dict[str, object]) -> list[data.Pair]:
    wanted = _names(values, "pair")
    if wanted is None:
        return list(data.PAIRS.values())
    chosen = [data.find_pair(name) for name in wanted]
    if any(pair is None for pair in chosen):
        raise errors.error(errors.UNKNOWN_PAIR)
    return chosen  # type: ignore[return-value]


def _pair_info(pair: data.Pair) -> dict:
    return {
        "altname": pair.altname,
        "wsname": pair.wsname,
        "aclass_base": "currency",
        "base": pair.base.id,
        "aclass_quote": "currency",
        "quote": pair.quote.id,
        "lot": "unit",
        "cost_decimals": pair.cost_decimals,
        "pair_decimals": pair.pair_decimals,
        "lot_decimals": pair.lot_decimals,
        "lot_multiplier": 1,
        "leverage_buy": [],
        "leverage_sell": [],
        "fees": data.FEE_TIERS,
        "fees_maker": data.FEE_TIERS,
        "fee_volume_currency": "ZUSD",
        "margin_call": 80,
        "margin_stop": 40,
        "ordermin": str(pair.ordermin),
        "costmin": str(pair.costmin),
        "tick_size": str(pair.symbol.tick),
        "status": "online",
    }


def asset_pairs(app, call: Call) -> dict:
    return {pair.id: _pair_info(pair) for pair in _pairs(params.read_query(call))}


def ticker(app, call: Call) -> dict:
    out = {}
    for pair in _pairs(params.read_query(call)):
        bids, asks = pair.symbol.book()
        d = pair.pair_decimals
        ref = views.fixed(pair.symbol.ref_price, d)
        low, high = views.fixed(bids[9][0], d), views.fixed(asks[9][0], d)
        out[pair.id] = {
            "a": [views.fixed(asks[0][0], d), "1", "1.000"],
            "b": [views.fixed(bids[0][0], d), "1", "1.000"],
            "c": [ref, views.volume(pair.symbol.step)],
            "v": [views.volume(Decimal(100) * pair.symbol.level_qty), views.volume(Decimal(240) * pair.symbol.level_qty)],
            "p": [ref, ref],
            "t": [100, 240],
            "l": [low, low],
            "h": [high, high],
            "o": ref,
        }
    return out


def depth(app, call: Call) -> dict:
    values = params.read_query(call)
    if not params.text(values, "pair"):
        raise errors.invalid_argument("pair")
    pairs = _pairs(values)
    if len(pairs) != 1:
        raise errors.invalid_argument("pair")
    pair = pairs[0]
    count = params.integer(values, "count", 100, 1, 500)
    bids, asks = pair.symbol.book()
    stamp = call.now_ms // 1000

    def side(levels: list[tuple[Decimal, Decimal]]) -> list[list]:
        return [[views.fixed(p, pair.pair_decimals), views.volume(q), stamp] for p, q in levels[:count]]

    return {pair.id: {"asks": side(asks), "bids": side(bids)}}
