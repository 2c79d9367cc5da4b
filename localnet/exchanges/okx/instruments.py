"""The spot instruments localnet's OKX lists, their OKX names, and OKX's number format."""

from __future__ import annotations

from decimal import ROUND_CEILING, Decimal

from localnet.core import market

# OKX instrument id -> localnet's canonical symbol.
INSTRUMENTS: dict[str, str] = {
    "BTC-USDT": "BTCUSDT",
    "ETH-USDT": "ETHUSDT",
    "ETH-BTC": "ETHBTC",
    "LTC-BTC": "LTCBTC",
}
SYMBOLS: dict[str, market.Symbol] = market.pick(tuple(INSTRUMENTS.values()))
INST_IDS: dict[str, str] = {canonical: inst_id for inst_id, canonical in INSTRUMENTS.items()}
CURRENCIES: tuple[str, ...] = tuple(sorted({c for s in SYMBOLS.values() for c in (s.base, s.quote)}))
LIST_TIME_MS = "1606468572000"
MAX_MARKET_QUOTE = Decimal("1000000")  # maxMktAmt: the most a market order may spend, in the quote currency


def num(value: Decimal) -> str:
    """A number the way OKX writes it: plain digits, no exponent, no trailing zeros."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def symbol(inst_id: str) -> market.Symbol | None:
    """The symbol behind an OKX instrument id, or None."""
    canonical = INSTRUMENTS.get(inst_id)
    return SYMBOLS[canonical] if canonical else None


def min_size(sym: market.Symbol) -> Decimal:
    """minSz: the smallest order, in the base currency (about the symbol's minimum notional, rounded up to a lot)."""
    lots = (sym.min_notional / sym.ref_price / sym.step).to_integral_value(rounding=ROUND_CEILING)
    return max(lots, Decimal(1)) * sym.step


def instrument(sym: market.Symbol, code: int) -> dict:
    """One entry of GET /api/v5/public/instruments?instType=SPOT."""
    return {
        "alias": "", "auctionEndTime": "", "baseCcy": sym.base, "category": "1", "contTdSwTime": "", "ctMult": "",
        "ctType": "", "ctVal": "", "ctValCcy": "", "expTime": "", "futureSettlement": False, "instFamily": "",
        "instId": INST_IDS[sym.name], "instIdCode": code, "instType": "SPOT", "lever": "", "listTime": LIST_TIME_MS,
        "lotSz": num(sym.step), "maxIcebergSz": num(sym.max_qty), "maxLmtAmt": num(sym.max_notional),
        "maxLmtSz": num(sym.max_qty), "maxMktAmt": num(MAX_MARKET_QUOTE), "maxMktSz": num(MAX_MARKET_QUOTE),
        "maxStopSz": num(MAX_MARKET_QUOTE), "maxTriggerSz": num(sym.max_qty), "maxTwapSz": num(sym.max_qty),
        "minSz": num(min_size(sym)), "openType": "", "optType": "", "quoteCcy": sym.quote, "ruleType": "normal",
        "settleCcy": "", "state": "live", "stk": "", "tickSz": num(sym.tick), "uly": "",
    }


def ticker(sym: market.Symbol, now_ms: int) -> dict:
    """One entry of GET /api/v5/market/ticker(s): the synthetic book's best levels around the reference price."""
    bids, asks = sym.book()
    ref = num(sym.ref_price)
    return {
        "instType": "SPOT", "instId": INST_IDS[sym.name], "last": ref, "lastSz": num(sym.level_qty),
        "askPx": num(asks[0][0]), "askSz": num(asks[0][1]), "bidPx": num(bids[0][0]), "bidSz": num(bids[0][1]),
        "open24h": ref, "high24h": num(asks[0][0]), "low24h": num(bids[0][0]),
        "volCcy24h": num(sym.level_qty * 1000 * sym.ref_price), "vol24h": num(sym.level_qty * 1000),
        "ts": str(now_ms), "sodUtc0": ref, "sodUtc8": ref,
    }


def book(sym: market.Symbol, depth: int, now_ms: int) -> dict:
    """GET /api/v5/market/books: [price, size, "0", number of orders] per level, best first."""
    bids, asks = sym.book()

    def levels(side: list[tuple[Decimal, Decimal]]) -> list[list[str]]:
        return [[num(price), num(qty), "0", "1"] for price, qty in side[:depth]]

    return {"asks": levels(asks), "bids": levels(bids), "ts": str(now_ms)}
