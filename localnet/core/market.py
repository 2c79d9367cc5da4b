"""Spot symbols, their trading rules, and a deterministic synthetic order book around a reference price."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

BOOK_LEVELS = 100


@dataclass(frozen=True)
class Symbol:
    """One spot market. Prices are multiples of `tick`, quantities multiples of `step`."""

    name: str
    base: str
    quote: str
    ref_price: Decimal
    tick: Decimal
    step: Decimal
    min_qty: Decimal
    max_qty: Decimal
    min_price: Decimal
    max_price: Decimal
    min_notional: Decimal
    max_notional: Decimal
    level_qty: Decimal  # size of the smallest synthetic level

    def failed_filter(self, price: Decimal | None, qty: Decimal | None, is_market: bool) -> str | None:
        """The name of the first trading rule an order breaks, or None."""
        if price is not None and not is_market:
            if price < self.min_price or price > self.max_price or price % self.tick != 0:
                return "PRICE_FILTER"
        if qty is not None:
            if qty < self.min_qty or qty > self.max_qty or qty % self.step != 0:
                return "LOT_SIZE"
            notional = qty * (price if price is not None and not is_market else self.ref_price)
            if notional < self.min_notional:
                return "NOTIONAL"
            if not is_market and notional > self.max_notional:
                return "NOTIONAL"
        return None

    def book(self) -> tuple[list[tuple[Decimal, Decimal]], list[tuple[Decimal, Decimal]]]:
        """(bids best first, asks best first): the same book every time."""
        gap = max(self.ref_price * Decimal("0.0002"), self.tick)
        bids, asks = [], []
        for i in range(1, BOOK_LEVELS + 1):
            qty = self.level_qty * (1 + (i * 7) % 5)
            ask = (self.ref_price + gap * i).quantize(self.tick, rounding=ROUND_CEILING)
            bid = (self.ref_price - gap * i).quantize(self.tick, rounding=ROUND_FLOOR)
            asks.append((ask, qty))
            if bid > 0:
                bids.append((bid, qty))
        return bids, asks


def _symbol(name: str, base: str, quote: str, ref: str, tick: str, step: str, min_notional: str, level: str) -> Symbol:
    return Symbol(
        name=name, base=base, quote=quote, ref_price=Decimal(ref), tick=Decimal(tick), step=Decimal(step),
        min_qty=Decimal(step), max_qty=Decimal("9000"), min_price=Decimal(tick), max_price=Decimal("1000000"),
        min_notional=Decimal(min_notional), max_notional=Decimal("9000000"), level_qty=Decimal(level),
    )


# tick decimals + step decimals <= 8, so every price * quantity is exact at 8 decimals.
SYMBOLS: dict[str, Symbol] = {
    s.name: s
    for s in (
        _symbol("BTCUSDT", "BTC", "USDT", "60000.00", "0.01", "0.00001", "5", "0.25"),
        _symbol("ETHUSDT", "ETH", "USDT", "3000.00", "0.01", "0.0001", "5", "2"),
        _symbol("BNBUSDT", "BNB", "USDT", "600.00", "0.01", "0.001", "5", "10"),
        _symbol("ETHBTC", "ETH", "BTC", "0.05000", "0.00001", "0.001", "0.0001", "2"),
        _symbol("LTCBTC", "LTC", "BTC", "0.001500", "0.000001", "0.01", "0.0001", "20"),
        _symbol("BTCUSD", "BTC", "USD", "60000.0", "0.1", "0.0000001", "5", "0.25"),
        _symbol("ETHUSD", "ETH", "USD", "3000.00", "0.01", "0.000001", "5", "2"),
    )
}

ASSETS: tuple[str, ...] = tuple(sorted({a for s in SYMBOLS.values() for a in (s.base, s.quote)}))


def walk(
    levels: list[tuple[Decimal, Decimal]],
    *,
    step: Decimal,
    qty: Decimal | None = None,
    quote: Decimal | None = None,
    limit: Decimal | None = None,
    is_buy: bool,
) -> list[tuple[Decimal, Decimal]]:
    """Take liquidity from `levels` (best first): up to `qty`, or up to `quote` spent/received.

    With `limit`, only levels at or better than it are taken. Returns [(price, qty)].
    """
    fills = []
    left_qty, left_quote = qty, quote
    for price, size in levels:
        if limit is not None and (price > limit if is_buy else price < limit):
            break
        if left_qty is not None:
            take = min(size, left_qty)
            left_qty -= take
        else:
            take = min(size, (left_quote / price).quantize(step, rounding=ROUND_FLOOR))
            left_quote -= take * price
        if take > 0:
            fills.append((price, take))
        if (left_qty is not None and left_qty <= 0) or (left_quote is not None and take < size):
            break
    return fills


def pick(names: tuple[str, ...]) -> dict[str, Symbol]:
    """The symbols one exchange lists, by their canonical names (BTCUSDT, ...), in that order."""
    return {name: SYMBOLS[name] for name in names}
