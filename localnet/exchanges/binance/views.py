"""Binance's JSON shapes for markets, accounts, orders and trades."""

from __future__ import annotations

from decimal import Decimal

from localnet.core import keys, ledger, market

RATE_LIMITS_TEMPLATE = [
    {"rateLimitType": "REQUEST_WEIGHT", "interval": "MINUTE", "intervalNum": 1, "limit": 6000},
    {"rateLimitType": "ORDERS", "interval": "SECOND", "intervalNum": 10, "limit": 100},
    {"rateLimitType": "ORDERS", "interval": "DAY", "intervalNum": 1, "limit": 200000},
    {"rateLimitType": "RAW_REQUESTS", "interval": "MINUTE", "intervalNum": 5, "limit": 61000},
]
ORDER_TYPES = ["LIMIT", "LIMIT_MAKER", "MARKET"]
COMMISSION = "0.00100000"


def amount(value: str | Decimal, places: int = 8) -> str:
    """Binance prints amounts with a fixed number of decimals."""
    return f"{Decimal(value):.{places}f}"


def symbol_info(sym: market.Symbol) -> dict:
    return {
        "symbol": sym.name,
        "status": "TRADING",
        "baseAsset": sym.base,
        "baseAssetPrecision": 8,
        "quoteAsset": sym.quote,
        "quotePrecision": 8,
        "quoteAssetPrecision": 8,
        "baseCommissionPrecision": 8,
        "quoteCommissionPrecision": 8,
        "orderTypes": ORDER_TYPES,
        "icebergAllowed": False,
        "ocoAllowed": False,
        "otoAllowed": False,
        "opoAllowed": False,
        "quoteOrderQtyMarketAllowed": True,
        "allowTrailingStop": False,
        "cancelReplaceAllowed": False,
        "amendAllowed": False,
        "pegInstructionsAllowed": False,
        "isSpotTradingAllowed": True,
        "isMarginTradingAllowed": False,
        "filters": [
            {"filterType": "PRICE_FILTER", "minPrice": amount(sym.min_price), "maxPrice": amount(sym.max_price),
             "tickSize": amount(sym.tick)},
            {"filterType": "LOT_SIZE", "minQty": amount(sym.min_qty), "maxQty": amount(sym.max_qty),
             "stepSize": amount(sym.step)},
            {"filterType": "NOTIONAL", "minNotional": amount(sym.min_notional), "applyMinToMarket": True,
             "maxNotional": amount(sym.max_notional), "applyMaxToMarket": False, "avgPriceMins": 5},
        ],
        "permissions": [],
        "permissionSets": [["SPOT"]],
        "defaultSelfTradePreventionMode": "NONE",
        "allowedSelfTradePreventionModes": ["NONE"],
    }


def exchange_info(symbols: list[market.Symbol], server_ms: int, weight_limit: int) -> dict:
    limits = [dict(item) for item in RATE_LIMITS_TEMPLATE]
    limits[0]["limit"] = weight_limit
    return {
        "timezone": "UTC",
        "serverTime": server_ms,
        "rateLimits": limits,
        "exchangeFilters": [],
        "symbols": [symbol_info(s) for s in symbols],
    }


def depth(sym: market.Symbol, limit: int) -> dict:
    bids, asks = sym.book()
    return {
        "lastUpdateId": 1,
        "bids": [[amount(p), amount(q)] for p, q in bids[:limit]],
        "asks": [[amount(p), amount(q)] for p, q in asks[:limit]],
    }


def account(balances: dict[str, tuple[Decimal, Decimal]], key: keys.Key, update_ms: int, omit_zero: bool) -> dict:
    rows = [
        {"asset": asset, "free": amount(free), "locked": amount(locked)}
        for asset, (free, locked) in balances.items()
        if not (omit_zero and free == 0 and locked == 0)
    ]
    return {
        "makerCommission": 10,
        "takerCommission": 10,
        "buyerCommission": 0,
        "sellerCommission": 0,
        "commissionRates": {"maker": COMMISSION, "taker": COMMISSION, "buyer": amount(0), "seller": amount(0)},
        "canTrade": "trade" in key.permissions,
        "canWithdraw": "withdraw" in key.permissions and bool(key.ips),
        "canDeposit": True,
        "brokered": False,
        "requireSelfTradePrevention": False,
        "preventSor": False,
        "updateTime": update_ms,
        "accountType": "SPOT",
        "balances": rows,
        "permissions": ["SPOT"],
        "uid": key.account_id,
    }


def _order_core(row: dict) -> dict:
    return {
        "symbol": row["symbol"],
        "orderId": row["id"],
        "orderListId": -1,
        "clientOrderId": row["client_order_id"],
    }


def _order_state(row: dict) -> dict:
    return {
        "price": amount(row["price"]),
        "origQty": amount(row["orig_qty"]),
        "executedQty": amount(row["executed_qty"]),
        "origQuoteOrderQty": amount(row["orig_quote_qty"]),
        "cummulativeQuoteQty": amount(row["cum_quote_qty"]),
        "status": row["status"],
        "timeInForce": row["time_in_force"] or "GTC",
        "type": row["type"],
        "side": row["side"],
    }


def new_order(row: dict, fills: list[dict], resp_type: str) -> dict:
    """The answer to POST /api/v3/order in its ACK, RESULT or FULL shape."""
    out = _order_core(row)
    out["transactTime"] = row["time_ms"]
    if resp_type == "ACK":
        return out
    out.update(_order_state(row))
    out["workingTime"] = row["time_ms"]
    out["selfTradePreventionMode"] = "NONE"
    if resp_type == "FULL":
        out["fills"] = [
            {"price": amount(f["price"]), "qty": amount(f["qty"]), "commission": amount(f["commission"]),
             "commissionAsset": f["commission_asset"], "tradeId": f["id"]}
            for f in fills
        ]
    return out


def order(row: dict) -> dict:
    """GET /api/v3/order, openOrders and allOrders entries."""
    out = _order_core(row)
    out.update(_order_state(row))
    out.update({
        "stopPrice": amount(0),
        "icebergQty": amount(0),
        "time": row["time_ms"],
        "updateTime": row["update_ms"],
        "isWorking": row["status"] in ledger.OPEN_STATUSES,
        "workingTime": row["time_ms"],
        "selfTradePreventionMode": "NONE",
    })
    return out


def canceled(row: dict, cancel_client_id: str, now_ms: int) -> dict:
    out = _order_core(row)
    out["origClientOrderId"] = row["client_order_id"]
    out["clientOrderId"] = cancel_client_id
    out["transactTime"] = now_ms
    out.update(_order_state(row))
    out["selfTradePreventionMode"] = "NONE"
    return out


def trade(row: dict) -> dict:
    return {
        "symbol": row["symbol"],
        "id": row["id"],
        "orderId": row["order_id"],
        "orderListId": -1,
        "price": amount(row["price"]),
        "qty": amount(row["qty"]),
        "quoteQty": amount(row["quote_qty"]),
        "commission": amount(row["commission"]),
        "commissionAsset": row["commission_asset"],
        "time": row["time_ms"],
        "isBuyer": row["side"] == "BUY",
        "isMaker": bool(row["is_maker"]),
        "isBestMatch": True,
    }


def api_restrictions(key: keys.Key) -> dict:
    return {
        "ipRestrict": bool(key.ips),
        "createTime": key.created_ms,
        "enableReading": "read" in key.permissions,
        "enableSpotAndMarginTrading": "trade" in key.permissions,
        "enableWithdrawals": "withdraw" in key.permissions and bool(key.ips),
        "enableInternalTransfer": False,
        "enableMargin": False,
        "enableFutures": False,
        "permitsUniversalTransfer": False,
        "enableVanillaOptions": False,
        "enableFixApiTrade": False,
        "enableFixReadOnly": False,
        "enablePortfolioMarginTrading": False,
    }
