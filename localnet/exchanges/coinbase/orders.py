"""POST /api/v3/brokerage/orders: reading order_configuration, and Coinbase's order failures.

A malformed body is an HTTP 400 (INVALID_ARGUMENT). An order Coinbase understands but will not
place is HTTP 200 with "success": false and an error_response naming the reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from localnet.core import ledger, market
from localnet.core.http import decimal
from localnet.exchanges.coinbase import errors, products

# order_configuration key -> (ledger type, time in force)
CONFIGURATIONS = {
    "market_market_ioc": ("MARKET", None),
    "limit_limit_gtc": ("LIMIT", "GTC"),
    "sor_limit_ioc": ("LIMIT", "IOC"),
    "limit_limit_fok": ("LIMIT", "FOK"),
}
KNOWN_UNSUPPORTED = ("limit_limit_gtd", "stop_limit_stop_limit_gtc", "stop_limit_stop_limit_gtd",
                     "trigger_bracket_gtc", "trigger_bracket_gtd", "twap_limit_gtd", "market_market_fok")

# reason -> (error, message, preview_failure_reason). INSUFFICIENT_FUND's message is Coinbase's own
# (widely reported); the other messages are localnet's wording (see the reference page).
FAILURES = {
    "insufficient": ("INSUFFICIENT_FUND", "Insufficient balance in source account", "PREVIEW_INSUFFICIENT_FUND"),
    "size_precision": ("INVALID_SIZE_PRECISION", "Too many decimals in order amount", "PREVIEW_INVALID_SIZE_PRECISION"),
    "price_precision": ("INVALID_PRICE_PRECISION", "Too many decimals in order price",
                        "PREVIEW_INVALID_PRICE_PRECISION"),
    "base_too_small": ("UNKNOWN_FAILURE_REASON", "Order size is below the product's minimum",
                       "PREVIEW_INVALID_BASE_SIZE_TOO_SMALL"),
    "base_too_large": ("UNKNOWN_FAILURE_REASON", "Order size is above the product's maximum",
                       "PREVIEW_INVALID_BASE_SIZE_TOO_LARGE"),
    "quote_too_small": ("UNKNOWN_FAILURE_REASON", "Order value is below the product's minimum",
                        "PREVIEW_INVALID_QUOTE_SIZE_TOO_SMALL"),
    "post_only": ("INVALID_LIMIT_PRICE_POST_ONLY", "Post-only order would match immediately",
                  "PREVIEW_INVALID_LIMIT_PRICE_POST_ONLY"),
    "no_liquidity": ("INVALID_NO_LIQUIDITY", "No liquidity to fill the order", ""),
    "unsupported": ("UNSUPPORTED_ORDER_CONFIGURATION", "Order configuration is not supported", ""),
    "product": ("INVALID_PRODUCT_ID", "Invalid product_id", ""),
    "side": ("INVALID_SIDE", "Invalid side", ""),
}
LEDGER_REASONS = {ledger.LedgerError.INSUFFICIENT: "insufficient", ledger.LedgerError.WOULD_TAKE: "post_only"}


class OrderRefused(Exception):
    """An order Coinbase answers with success: false (HTTP 200)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class NewOrder:
    """A create-order body, read and checked."""

    client_order_id: str
    product_id: str
    side: str
    configuration: dict
    request: ledger.OrderRequest


def failure_body(reason: str, configuration: object) -> dict:
    """The HTTP 200 answer for an order that was not placed."""
    error, message, preview = FAILURES[reason]
    body = {
        "success": False,
        "failure_reason": "UNKNOWN_FAILURE_REASON",
        "order_id": "",
        "error_response": {"error": error, "message": message, "error_details": "",
                           "preview_failure_reason": preview, "new_order_failure_reason": error},
    }
    if isinstance(configuration, dict):
        body["order_configuration"] = configuration
    return body


def read(body: dict, account_id: int) -> NewOrder:
    """Check a create-order body. Raises errors.invalid_argument (HTTP 400) or OrderRefused (HTTP 200)."""
    client_order_id = _text(body, "client_order_id", required=True)
    product_id = _text(body, "product_id", required=True)
    side = _text(body, "side", required=True)
    configuration = body.get("order_configuration")
    if not isinstance(configuration, dict) or len(configuration) != 1:
        raise errors.invalid_argument("order_configuration must hold exactly one order type")
    (kind, params), = configuration.items()
    if not isinstance(params, dict):
        raise errors.invalid_argument(f"order_configuration.{kind} must be an object")
    if side not in ("BUY", "SELL"):
        raise OrderRefused("side")
    sym = products.symbol(product_id)
    if sym is None:
        raise OrderRefused("product")
    if kind not in CONFIGURATIONS:
        if kind in KNOWN_UNSUPPORTED:
            raise OrderRefused("unsupported")
        raise errors.invalid_argument(f"unknown order configuration {kind!r}")
    order_type, tif = CONFIGURATIONS[kind]
    base = _amount(params, "base_size")
    quote = _amount(params, "quote_size") if order_type == "MARKET" else None
    price = _amount(params, "limit_price") if order_type == "LIMIT" else None
    post_only = params.get("post_only", False)
    if not isinstance(post_only, bool):
        raise errors.invalid_argument("post_only must be true or false")
    if order_type == "LIMIT" and (base is None or price is None):
        raise errors.invalid_argument(f"{kind} needs base_size and limit_price")
    if order_type == "MARKET" and (base is None) == (quote is None):
        raise errors.invalid_argument("market_market_ioc needs exactly one of base_size and quote_size")
    _check_rules(sym, base, quote, price)
    if order_type == "LIMIT" and post_only and tif == "GTC":
        order_type = "LIMIT_MAKER"
    request = ledger.OrderRequest(
        account_id=account_id, symbol=sym, side=side, type=order_type, time_in_force=tif, price=price,
        qty=base, quote_qty=quote, client_order_id=client_order_id,
    )
    return NewOrder(client_order_id, product_id, side, configuration, request)


def _text(body: dict, name: str, required: bool = False) -> str | None:
    value = body.get(name)
    if value is None or value == "":
        if required:
            raise errors.invalid_argument(f"{name} is required")
        return None
    if not isinstance(value, str) or len(value) > 128:
        raise errors.invalid_argument(f"{name} must be a string of at most 128 characters")
    return value


def _amount(params: dict, name: str) -> Decimal | None:
    """A positive decimal given as a JSON string ("0.001"), or None when absent."""
    value = params.get(name)
    if value is None or value == "":
        return None
    try:
        amount = decimal(value)
    except ValueError:
        raise errors.invalid_argument(f"{name} must be a decimal number in a string, such as \"0.001\"") from None
    if amount <= 0:
        raise errors.invalid_argument(f"{name} must be greater than zero")
    return amount


def _check_rules(sym: market.Symbol, base: Decimal | None, quote: Decimal | None, price: Decimal | None) -> None:
    """The product's increments and limits, as Coinbase's preview checks them."""
    if price is not None and price % sym.tick != 0:
        raise OrderRefused("price_precision")
    if price is not None and price > sym.max_price:
        raise OrderRefused("price_precision")
    if base is not None:
        if base % sym.step != 0:
            raise OrderRefused("size_precision")
        if base < sym.min_qty:
            raise OrderRefused("base_too_small")
        if base > sym.max_qty:
            raise OrderRefused("base_too_large")
        if base * (price if price is not None else sym.ref_price) < sym.min_notional:
            raise OrderRefused("quote_too_small")
    if quote is not None:
        if quote % sym.tick != 0:
            raise OrderRefused("size_precision")
        if quote < sym.min_notional:
            raise OrderRefused("quote_too_small")
