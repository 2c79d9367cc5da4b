"""Kraken's own names for assets and pairs, and how they map to localnet's canonical markets."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from localnet.core import market


@dataclass(frozen=True)
class Asset:
    """One Kraken asset: its id (XXBT), its short name (XBT) and localnet's name for it (BTC)."""

    id: str
    altname: str
    canonical: str
    decimals: int  # how many decimals Kraken shows in balances
    display_decimals: int


@dataclass(frozen=True)
class Pair:
    """One Kraken pair (XXBTZUSD, altname XBTUSD) on top of a canonical localnet symbol."""

    id: str
    altname: str
    wsname: str
    base: Asset
    quote: Asset
    symbol: market.Symbol
    ordermin: Decimal
    costmin: Decimal
    cost_decimals: int

    @property
    def pair_decimals(self) -> int:
        return -self.symbol.tick.as_tuple().exponent

    @property
    def lot_decimals(self) -> int:
        return -self.symbol.step.as_tuple().exponent


ASSETS: dict[str, Asset] = {
    a.id: a
    for a in (
        Asset("XXBT", "XBT", "BTC", 10, 5),
        Asset("XETH", "ETH", "ETH", 10, 5),
        Asset("XLTC", "LTC", "LTC", 10, 5),
        Asset("ZUSD", "USD", "USD", 4, 2),
        Asset("USDT", "USDT", "USDT", 8, 4),
    )
}
BY_CANONICAL: dict[str, Asset] = {a.canonical: a for a in ASSETS.values()}

SYMBOLS = market.pick(("BTCUSD", "ETHUSD", "ETHBTC", "LTCBTC", "BTCUSDT", "ETHUSDT"))


def _pair(pid: str, altname: str, wsname: str, base: str, quote: str, symbol: str, ordermin: str,
          costmin: str, cost_decimals: int) -> Pair:
    return Pair(pid, altname, wsname, ASSETS[base], ASSETS[quote], SYMBOLS[symbol], Decimal(ordermin),
                Decimal(costmin), cost_decimals)


PAIRS: dict[str, Pair] = {
    p.id: p
    for p in (
        _pair("XXBTZUSD", "XBTUSD", "XBT/USD", "XXBT", "ZUSD", "BTCUSD", "0.00005", "0.5", 5),
        _pair("XETHZUSD", "ETHUSD", "ETH/USD", "XETH", "ZUSD", "ETHUSD", "0.002", "0.5", 5),
        _pair("XETHXXBT", "ETHXBT", "ETH/XBT", "XETH", "XXBT", "ETHBTC", "0.002", "0.00002", 10),
        _pair("XLTCXXBT", "LTCXBT", "LTC/XBT", "XLTC", "XXBT", "LTCBTC", "0.05", "0.00002", 10),
        _pair("XBTUSDT", "XBTUSDT", "XBT/USDT", "XXBT", "USDT", "BTCUSDT", "0.00005", "0.5", 5),
        _pair("ETHUSDT", "ETHUSDT", "ETH/USDT", "XETH", "USDT", "ETHUSDT", "0.002", "0.5", 5),
    )
}
BY_SYMBOL: dict[str, Pair] = {p.symbol.name: p for p in PAIRS.values()}

# Every asset the pairs trade, with what a new localnet account starts with. The USD is enough
# for Kraken's documented example order (buy 1.25 XBT at 37500 USD = 46875 USD).
FUNDING: dict[str, str] = {"BTC": "1", "ETH": "10", "LTC": "100", "USD": "100000", "USDT": "10000"}

# localnet's permissions and the Kraken key permissions each one stands for (Kraken's identifiers,
# as GetApiKeyInfo lists them; the UI calls them Query Funds, Withdraw Funds and so on).
PERMISSION_NAMES: dict[str, tuple[str, ...]] = {
    "read": ("query-funds", "query-open-trades", "query-closed-trades", "query-ledger"),
    "trade": ("modify-trades", "close-trades"),
    "withdraw": ("withdraw-funds",),
}

# What localnet charges (core ledger: 0.1 % maker and taker), in Kraken's [volume, percent] tiers.
FEE_TIERS = [[0, 0.1]]


def find_pair(name: str) -> Pair | None:
    """A pair by its id (XXBTZUSD), its altname (XBTUSD) or its wsname (XBT/USD)."""
    if name in PAIRS:
        return PAIRS[name]
    for pair in PAIRS.values():
        if name in (pair.altname, pair.wsname):
            return pair
    return None


def find_asset(name: str) -> Asset | None:
    """An asset by its id (XXBT) or altname (XBT)."""
    if name in ASSETS:
        return ASSETS[name]
    for asset in ASSETS.values():
        if name == asset.altname:
            return asset
    return None
