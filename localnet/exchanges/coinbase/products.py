"""Coinbase's spot products (BTC-USD, ...) over localnet's canonical markets, and the market-data views."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

from localnet.core import market

PRODUCT_IDS = {
    "BTC-USD": "BTCUSD",
    "ETH-USD": "ETHUSD",
    "BTC-USDT": "BTCUSDT",
    "ETH-USDT": "ETHUSDT",
    "ETH-BTC": "ETHBTC",
    "LTC-BTC": "LTCBTC",
}
SYMBOLS = market.pick(tuple(PRODUCT_IDS.values()))
PRODUCT_OF = {symbol: product for product, symbol in PRODUCT_IDS.items()}
CURRENCY_NAMES = {"BTC": "Bitcoin", "ETH": "Ethereum", "LTC": "Litecoin", "USDT": "Tether", "USD": "US Dollar"}
FIAT = ("USD",)
# What a new account holds: every currency of the products above.
FUNDING = {"BTC": "1", "ETH": "10", "LTC": "100", "USDT": "10000", "USD": "10000"}


def symbol(product_id: str) -> market.Symbol | None:
    """The canonical market of a Coinbase product id, or None."""
    name = PRODUCT_IDS.get(product_id)
    return SYMBOLS[name] if name else None


def iso(ms: int) -> str:
    """RFC 3339 time with microseconds, as Coinbase writes it."""
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def plain(value: Decimal) -> str:
    return format(value.normalize(), "f") if value != 0 else "0"


def product_view(product_id: str) -> dict:
    """One product, with the fields Coinbase (and ccxt's market parser) use."""
    sym = symbol(product_id)
    assert sym is not None
    return {
        "product_id": product_id,
        "price": plain(sym.ref_price),
        "price_percentage_change_24h": "0",
        "volume_24h": "0",
        "volume_percentage_change_24h": "0",
        "base_increment": plain(sym.step),
        "quote_increment": plain(sym.tick),
        "quote_min_size": plain(sym.min_notional),
        "quote_max_size": plain(sym.max_notional),
        "base_min_size": plain(sym.min_qty),
        "base_max_size": plain(sym.max_qty),
        "base_name": CURRENCY_NAMES[sym.base],
        "quote_name": CURRENCY_NAMES[sym.quote],
        "watched": False,
        "is_disabled": False,
        "new": False,
        "status": "online",
        "cancel_only": False,
        "limit_only": False,
        "post_only": False,
        "trading_disabled": False,
        "auction_mode": False,
        "product_type": "SPOT",
        "quote_currency_id": sym.quote,
        "base_currency_id": sym.base,
        "fcm_trading_session_details": None,
        "mid_market_price": "",
        "alias": "",
        "alias_to": [],
        "base_display_symbol": sym.base,
        "quote_display_symbol": sym.quote,
        "view_only": False,
        "price_increment": plain(sym.tick),
        "display_name": product_id,
        "product_venue": "CBE",
        "approximate_quote_24h_volume": "0",
    }


def products_view(product_ids: list[str], product_type: str | None, limit: int | None) -> dict:
    """The product list; only SPOT products exist here, so FUTURE asks get an empty list."""
    chosen = [p for p in PRODUCT_IDS if not product_ids or p in product_ids]
    if product_type not in (None, "", "SPOT"):
        chosen = []
    if limit:
        chosen = chosen[:limit]
    return {"products": [product_view(p) for p in chosen], "num_products": len(chosen)}


def levels(side: list[tuple[Decimal, Decimal]], limit: int) -> list[dict]:
    return [{"price": plain(price), "size": plain(qty)} for price, qty in side[:limit]]


def pricebook(product_id: str, limit: int, now_ms: int) -> dict:
    bids, asks = symbol(product_id).book()  # type: ignore[union-attr]
    return {"product_id": product_id, "bids": levels(bids, limit), "asks": levels(asks, limit), "time": iso(now_ms)}


def product_book_view(product_id: str, limit: int, now_ms: int) -> dict:
    book = pricebook(product_id, limit, now_ms)
    sym = symbol(product_id)
    bids, asks = sym.book()  # type: ignore[union-attr]
    best_bid, best_ask = bids[0][0], asks[0][0]
    mid = (best_bid + best_ask) / 2
    return {
        "pricebook": book,
        "last": plain(sym.ref_price),  # type: ignore[union-attr]
        "mid_market": plain(mid),
        "spread_bps": plain(((best_ask - best_bid) / mid * 10000).quantize(Decimal("0.01"))),
        "spread_absolute": plain(best_ask - best_bid),
    }


def ticker_view(product_id: str, limit: int, now_ms: int) -> dict:
    """Recent trades (one synthetic trade at the reference price) plus the best bid and ask."""
    sym = symbol(product_id)
    bids, asks = sym.book()  # type: ignore[union-attr]
    trade = {
        "trade_id": str(now_ms), "product_id": product_id, "price": plain(sym.ref_price),  # type: ignore[union-attr]
        "size": plain(sym.level_qty), "time": iso(now_ms), "side": "BUY", "bid": "", "ask": "",  # type: ignore[union-attr]
        "exchange": "",
    }
    return {"trades": [trade][:max(limit, 0)], "best_bid": plain(bids[0][0]), "best_ask": plain(asks[0][0])}
