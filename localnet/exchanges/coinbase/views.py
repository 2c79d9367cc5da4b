"""Coinbase-shaped views of the ledger: accounts (v3 and v2), orders, fills, key permissions."""

from __future__ import annotations

from decimal import Decimal

from localnet.core import keys
from localnet.exchanges.coinbase import ids
from localnet.exchanges.coinbase.products import CURRENCY_NAMES, FIAT, PRODUCT_OF, iso, plain

ORDER_STATUS = {"NEW": "OPEN", "PARTIALLY_FILLED": "OPEN", "FILLED": "FILLED", "CANCELED": "CANCELLED",
                "EXPIRED": "CANCELLED"}
TIME_IN_FORCE = {"GTC": "GOOD_UNTIL_CANCELLED", "IOC": "IMMEDIATE_OR_CANCEL", "FOK": "FILL_OR_KILL"}


# ---- accounts ---------------------------------------------------------------------------------------

def account_v3(account_id: int, asset: str, free: Decimal, locked: Decimal, created_ms: int) -> dict:
    """One Advanced Trade account (a wallet for one currency)."""
    return {
        "uuid": ids.account_uuid(account_id, asset),
        "name": f"{asset} Wallet",
        "currency": asset,
        "available_balance": {"value": plain(free), "currency": asset},
        "default": False,
        "active": True,
        "created_at": iso(created_ms),
        "updated_at": iso(created_ms),
        "deleted_at": None,
        "type": "ACCOUNT_TYPE_FIAT" if asset in FIAT else "ACCOUNT_TYPE_CRYPTO",
        "ready": True,
        "hold": {"value": plain(locked), "currency": asset},
        "retail_portfolio_id": ids.portfolio_uuid(account_id),
        "platform": "ACCOUNT_PLATFORM_CONSUMER",
    }


def account_v2(account_id: int, asset: str, free: Decimal, locked: Decimal, created_ms: int) -> dict:
    """The same wallet as the Coinbase App (v2) API shows it: one balance, holds included."""
    account = ids.account_uuid(account_id, asset)
    return {
        "id": account,
        "name": f"{asset} Wallet",
        "primary": False,
        "type": "fiat" if asset in FIAT else "wallet",
        "currency": {"code": asset, "name": CURRENCY_NAMES.get(asset, asset),
                     "type": "fiat" if asset in FIAT else "crypto"},
        "balance": {"amount": plain(free + locked), "currency": asset},
        "created_at": iso(created_ms)[:19] + "Z",
        "updated_at": iso(created_ms)[:19] + "Z",
        "resource": "account",
        "resource_path": f"/v2/accounts/{account}",
        "allow_deposits": True,
        "allow_withdrawals": True,
    }


def key_permissions(key: keys.Key) -> dict:
    return {
        "can_view": "read" in key.permissions,
        "can_trade": "trade" in key.permissions,
        "can_transfer": "withdraw" in key.permissions,
        "portfolio_uuid": ids.portfolio_uuid(key.account_id),
        "portfolio_type": "DEFAULT",
    }


# ---- orders -----------------------------------------------------------------------------------------

def order_configuration(row: dict) -> dict:
    """The order_configuration a ledger order was placed with, rebuilt from its row."""
    base = plain(Decimal(row["orig_qty"]))
    price = plain(Decimal(row["price"]))
    if row["type"] == "MARKET":
        quote = Decimal(row["orig_quote_qty"])
        return {"market_market_ioc": {"quote_size": plain(quote)} if quote > 0 else {"base_size": base}}
    if row["time_in_force"] == "IOC":
        return {"sor_limit_ioc": {"base_size": base, "limit_price": price}}
    if row["time_in_force"] == "FOK":
        return {"limit_limit_fok": {"base_size": base, "limit_price": price}}
    return {"limit_limit_gtc": {"base_size": base, "limit_price": price, "post_only": row["type"] == "LIMIT_MAKER"}}


def order(row: dict, fees: Decimal, fill_count: int, last_fill_ms: int | None) -> dict:
    """One order as GET /orders/historical/{order_id} shows it."""
    filled = Decimal(row["executed_qty"])
    value = Decimal(row["cum_quote_qty"])
    orig = Decimal(row["orig_qty"])
    quote_order = row["type"] == "MARKET" and Decimal(row["orig_quote_qty"]) > 0
    status = ORDER_STATUS.get(row["status"], row["status"])
    tif = "IMMEDIATE_OR_CANCEL" if row["type"] == "MARKET" else TIME_IN_FORCE.get(row["time_in_force"] or "GTC")
    done = (filled / orig * 100) if orig > 0 else (Decimal(100) if status == "FILLED" else Decimal(0))
    return {
        "order_id": ids.order_uuid(row["id"]),
        "product_id": PRODUCT_OF[row["symbol"]],
        "user_id": ids.user_id(row["account_id"]),
        "order_configuration": order_configuration(row),
        "side": row["side"],
        "client_order_id": row["client_order_id"],
        "status": status,
        "time_in_force": tif,
        "created_time": iso(row["time_ms"]),
        "completion_percentage": plain(done.quantize(Decimal("0.01"))),
        "filled_size": plain(filled),
        "average_filled_price": plain(value / filled) if filled > 0 else "0",
        "fee": "",
        "number_of_fills": str(fill_count),
        "filled_value": plain(value),
        "pending_cancel": False,
        "size_in_quote": quote_order,
        "total_fees": plain(fees),
        "size_inclusive_of_fees": False,
        "total_value_after_fees": plain(value),
        "trigger_status": "INVALID_ORDER_TYPE",
        "order_type": "MARKET" if row["type"] == "MARKET" else "LIMIT",
        "reject_reason": "",
        "settled": status != "OPEN",
        "product_type": "SPOT",
        "reject_message": "",
        "cancel_message": "User requested cancel" if row["status"] == "CANCELED" else "",
        "order_placement_source": "RETAIL_ADVANCED",
        "outstanding_hold_amount": plain(Decimal(row["locked_amount"])),
        "is_liquidation": False,
        "last_fill_time": iso(last_fill_ms) if last_fill_ms else None,
        "edit_history": [],
        "leverage": "",
        "margin_type": "UNKNOWN_MARGIN_TYPE",
        "retail_portfolio_id": ids.portfolio_uuid(row["account_id"]),
        "originating_order_id": "",
        "attached_order_id": "",
    }


def fill(row: dict) -> dict:
    """One fill as GET /orders/historical/fills shows it."""
    return {
        "entry_id": ids.fill_uuid(row["id"]),
        "trade_id": ids.named("trade", row["id"]),
        "order_id": ids.order_uuid(row["order_id"]),
        "trade_time": iso(row["time_ms"]),
        "trade_type": "FILL",
        "price": plain(Decimal(row["price"])),
        "size": plain(Decimal(row["qty"])),
        "commission": plain(Decimal(row["commission"])),
        "product_id": PRODUCT_OF[row["symbol"]],
        "sequence_timestamp": iso(row["time_ms"]),
        "liquidity_indicator": "MAKER" if row["is_maker"] else "TAKER",
        "size_in_quote": False,
        "user_id": ids.user_id(row["account_id"]),
        "side": row["side"],
        "retail_portfolio_id": ids.portfolio_uuid(row["account_id"]),
    }
