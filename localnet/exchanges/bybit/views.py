"""Bybit's JSON shapes: instruments, tickers, order book, wallet, orders, executions, key info."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

from localnet.core import keys, ledger, market
from localnet.core.http import ascii_digits

# Bybit's spot order ids and execution ids are 19-digit numeric strings; ours are the ledger's
# integer ids shifted into that range, so they read the same and map back exactly.
ORDER_ID_BASE = 2_000_000_000_000_000_000
EXEC_ID_BASE = 2_100_000_000_000_000_000
FEE_RATE = "0.001"
KEY_LIFETIME_DAYS = 90  # keys with no IP bound expire after 90 days
ZERO = Decimal(0)


def order_id(ledger_id: int) -> str:
    return str(ORDER_ID_BASE + ledger_id)


def ledger_order_id(text: str) -> int | None:
    """The ledger id behind one of our order ids, or None when `text` cannot be one."""
    if not ascii_digits(text) or len(text) != 19:
        return None
    number = int(text) - ORDER_ID_BASE
    return number if 0 < number < EXEC_ID_BASE - ORDER_ID_BASE else None


def exec_id(fill_id: int) -> str:
    return str(EXEC_ID_BASE + fill_id)


def num(value: str | Decimal) -> str:
    """Bybit prints amounts as plain decimals without trailing zeros ("0.5", "60000")."""
    d = Decimal(value)
    if d == 0:
        return "0"
    return format(d.normalize(), "f")


def usd_price(asset: str) -> Decimal:
    """A rough USD value per unit, from the synthetic reference prices (for usdValue fields)."""
    if asset in ("USDT", "USD", "USDC"):
        return Decimal(1)
    direct = market.SYMBOLS.get(asset + "USDT")
    if direct is not None:
        return direct.ref_price
    via_btc = market.SYMBOLS.get(asset + "BTC")
    if via_btc is not None:
        return via_btc.ref_price * market.SYMBOLS["BTCUSDT"].ref_price
    return ZERO


# ---- market ----------------------------------------------------------------------------------------

def instrument(sym: market.Symbol, symbol_id: int) -> dict:
    return {
        "symbolId": symbol_id,
        "symbol": sym.name,
        "baseCoin": sym.base,
        "quoteCoin": sym.quote,
        "innovation": "0",
        "status": "Trading",
        "marginTrading": "none",
        "stTag": "0",
        "lotSizeFilter": {
            "basePrecision": num(sym.step),
            "quotePrecision": "0.00000001",
            "minOrderQty": num(sym.min_qty),
            "maxOrderQty": num(sym.max_qty),
            "minOrderAmt": num(sym.min_notional),
            "maxOrderAmt": num(sym.max_notional),
            "maxLimitOrderQty": num(sym.max_qty),
            "maxMarketOrderQty": num(sym.max_qty),
            "postOnlyMaxLimitOrderSize": num(sym.max_qty),
        },
        "priceFilter": {"tickSize": num(sym.tick)},
        "riskParameters": {"priceLimitRatioX": "0.05", "priceLimitRatioY": "0.1"},
        "symbolType": "",
    }


def ticker(sym: market.Symbol) -> dict:
    bids, asks = sym.book()
    price = num(sym.ref_price)
    return {
        "symbol": sym.name,
        "bid1Price": num(bids[0][0]), "bid1Size": num(bids[0][1]),
        "ask1Price": num(asks[0][0]), "ask1Size": num(asks[0][1]),
        "lastPrice": price, "prevPrice24h": price, "price24hPcnt": "0",
        "highPrice24h": price, "lowPrice24h": price,
        "turnover24h": "0", "volume24h": "0", "usdIndexPrice": num(usd_price(sym.base)),
    }


def orderbook(sym: market.Symbol, limit: int, now_ms: int) -> dict:
    bids, asks = sym.book()
    return {
        "s": sym.name,
        "a": [[num(p), num(q)] for p, q in asks[:limit]],
        "b": [[num(p), num(q)] for p, q in bids[:limit]],
        "ts": now_ms,
        "u": 1,
        "seq": 1,
        "cts": now_ms,
    }


def coin_info(asset: str) -> dict:
    chain = {"BTC": ("BTC", "BTC"), "ETH": ("ETH", "ETH"), "USDT": ("ETH", "ERC20"), "LTC": ("LTC", "LTC")}
    name, chain_type = chain.get(asset, (asset, asset))
    return {
        "name": asset,
        "coin": asset,
        "remainAmount": "1000000",
        "chains": [{
            "chainType": chain_type, "confirmation": "6", "withdrawFee": "0", "depositMin": "0",
            "withdrawMin": "0", "chain": name, "chainDeposit": "1", "chainWithdraw": "1", "minAccuracy": "8",
            "withdrawPercentageFee": "0", "contractAddress": "", "safeConfirmNumber": "6", "withdrawMax": "-1",
        }],
    }


# ---- account ---------------------------------------------------------------------------------------

def wallet(balances: dict[str, tuple[Decimal, Decimal]], coins: list[str] | None) -> dict:
    """GET /v5/account/wallet-balance for a unified account: without `coins`, non-zero assets only."""
    rows = []
    total = ZERO
    for asset, (free, locked) in balances.items():
        if coins is not None and asset not in coins:
            continue
        balance = free + locked
        if coins is None and balance == 0:
            continue
        usd = balance * usd_price(asset)
        total += usd
        rows.append({
            "availableToBorrow": "", "bonus": "0", "accruedInterest": "0", "availableToWithdraw": "",
            "totalOrderIM": "0", "equity": num(balance), "totalPositionMM": "0", "usdValue": num(usd),
            "spotHedgingQty": "0", "unrealisedPnl": "0", "collateralSwitch": True, "borrowAmount": "0",
            "totalPositionIM": "0", "walletBalance": num(balance), "cumRealisedPnl": "0", "locked": num(locked),
            "marginCollateral": True, "coin": asset, "spotBorrow": "0",
        })
    usd_total = num(total)
    return {"list": [{
        "totalEquity": usd_total, "accountIMRate": "0", "accountIMRateByMp": "0", "totalMarginBalance": usd_total,
        "totalInitialMargin": "0", "totalInitialMarginByMp": "0", "accountType": "UNIFIED",
        "totalAvailableBalance": usd_total, "accountMMRate": "0", "accountMMRateByMp": "0", "totalPerpUPL": "0",
        "totalWalletBalance": usd_total, "accountLTV": "0", "totalMaintenanceMargin": "0",
        "totalMaintenanceMarginByMp": "0", "coin": rows,
    }]}


def account_info(now_ms: int) -> dict:
    return {
        "marginMode": "REGULAR_MARGIN", "updatedTime": str(now_ms), "unifiedMarginStatus": 6,
        "dcpStatus": "OFF", "timeWindow": 0, "smpGroup": 0, "isMasterTrader": False, "spotHedgingStatus": "OFF",
    }


def _iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def key_expires_ms(key: keys.Key) -> int | None:
    """When a key with no IP bound expires; None for IP-bound keys, which do not."""
    if key.ips:
        return None
    return key.created_ms + KEY_LIFETIME_DAYS * 86_400_000


def api_key_info(key: keys.Key, now_ms: int) -> dict:
    """GET /v5/user/query-api. Our read/trade/withdraw map onto Bybit's readOnly and permission lists."""
    expires = key_expires_ms(key)
    if expires is None:
        deadline, expired_at = -2, "1970-01-01T00:00:00Z"  # as the docs' example shows for an IP-bound key
    else:
        deadline, expired_at = max(0, (expires - now_ms) // 86_400_000), _iso(expires)
    writes = "trade" in key.permissions or "withdraw" in key.permissions
    return {
        "id": str(key.id),
        "note": key.label or "",
        "apiKey": key.api_key,
        "readOnly": 0 if writes else 1,
        "secret": "",
        "permissions": {
            "ContractTrade": [], "Spot": ["SpotTrade"] if "trade" in key.permissions else [],
            "Wallet": ["Withdraw"] if "withdraw" in key.permissions else [], "Options": [], "Derivatives": [],
            "CopyTrading": [], "BlockTrade": [], "Exchange": [], "NFT": [], "Affiliate": [], "Earn": [],
        },
        "ips": [ip.removesuffix("/32") for ip in key.ips] or ["*"],
        "type": 1,
        "deadlineDay": deadline,
        "expiredAt": expired_at,
        "createdAt": _iso(key.created_ms),
        "unified": 0,
        "uta": 1,
        "userID": key.account_id,
        "inviterID": 0,
        "vipLevel": "No VIP",
        "mktMakerLevel": "0",
        "affiliateID": 0,
        "rsaPublicKey": key.public_key_pem or "",
        "isMaster": True,
        "parentUid": "0",
        "kycLevel": "LEVEL_DEFAULT",
        "kycRegion": "",
    }


# ---- orders and executions -------------------------------------------------------------------------

def market_unit(row: dict) -> str:
    """Spot market orders are sized in the base coin or, by quote amount, in the quote coin."""
    if row["type"] == "MARKET" and Decimal(row["orig_quote_qty"]) > 0:
        return "quoteCoin"
    return "baseCoin" if row["type"] == "MARKET" else ""


def order_status(row: dict) -> str:
    status = row["status"]
    if status in ("CANCELED", "EXPIRED"):
        return "PartiallyFilledCanceled" if Decimal(row["executed_qty"]) > 0 else "Cancelled"
    return {"NEW": "New", "PARTIALLY_FILLED": "PartiallyFilled", "FILLED": "Filled"}[status]


def order(row: dict, fills: list[dict]) -> dict:
    """One entry of /v5/order/realtime and /v5/order/history."""
    executed, value = Decimal(row["executed_qty"]), Decimal(row["cum_quote_qty"])
    unit = market_unit(row)
    qty = Decimal(row["orig_quote_qty"]) if unit == "quoteCoin" else Decimal(row["orig_qty"])
    open_ = row["status"] in ledger.OPEN_STATUSES
    leaves = Decimal(row["orig_qty"]) - executed if open_ else ZERO
    fees: dict[str, Decimal] = {}
    for fill in fills:
        fees[fill["commission_asset"]] = fees.get(fill["commission_asset"], ZERO) + Decimal(fill["commission"])
    price = Decimal(row["price"])
    tif = {"MARKET": "IOC", "LIMIT_MAKER": "PostOnly"}.get(row["type"], row["time_in_force"] or "GTC")
    return {
        "orderId": order_id(row["id"]), "orderLinkId": row["client_order_id"], "blockTradeId": "",
        "symbol": row["symbol"], "price": num(price) if row["type"] != "MARKET" else "0", "qty": num(qty),
        "side": row["side"].capitalize(), "isLeverage": "0", "positionIdx": 0, "orderStatus": order_status(row),
        "cancelType": "CancelByUser" if row["status"] == "CANCELED" else "UNKNOWN", "rejectReason": "EC_NoError",
        "avgPrice": num(value / executed) if executed > 0 else "", "leavesQty": num(leaves),
        "leavesValue": num(leaves * price), "cumExecQty": num(executed), "cumExecValue": num(value),
        "cumExecFee": num(sum(fees.values(), ZERO)), "timeInForce": tif,
        "orderType": "Market" if row["type"] == "MARKET" else "Limit", "stopOrderType": "", "orderIv": "",
        "marketUnit": unit, "triggerPrice": "0", "takeProfit": "0", "stopLoss": "0", "tpTriggerBy": "",
        "slTriggerBy": "", "triggerDirection": 0, "triggerBy": "", "lastPriceOnCreated": "", "basePrice": "",
        "reduceOnly": False, "closeOnTrigger": False, "placeType": "", "smpType": "None", "smpGroup": 0,
        "smpOrderId": "", "tpslMode": "", "tpLimitPrice": "", "slLimitPrice": "", "ocoTriggerBy": "",
        "createdTime": str(row["time_ms"]), "updatedTime": str(row["update_ms"]),
        "cumFeeDetail": {asset: num(fee) for asset, fee in fees.items()},
    }


def execution(fill: dict, row: dict) -> dict:
    """One entry of /v5/execution/list."""
    unit = market_unit(row)
    qty = Decimal(row["orig_quote_qty"]) if unit == "quoteCoin" else Decimal(row["orig_qty"])
    leaves = Decimal(row["orig_qty"]) - Decimal(row["executed_qty"]) if row["status"] in ledger.OPEN_STATUSES else ZERO
    return {
        "symbol": fill["symbol"], "orderId": order_id(fill["order_id"]), "orderLinkId": row["client_order_id"],
        "side": fill["side"].capitalize(), "orderPrice": num(row["price"]) if row["type"] != "MARKET" else "0",
        "orderQty": num(qty), "leavesQty": num(leaves), "orderType": "Market" if row["type"] == "MARKET" else "Limit",
        "stopOrderType": "", "execFee": num(fill["commission"]), "execFeeV2": "", "execId": exec_id(fill["id"]),
        "execPrice": num(fill["price"]), "execQty": num(fill["qty"]), "execType": "Trade",
        "execValue": num(fill["quote_qty"]), "execTime": str(fill["time_ms"]), "feeCurrency": fill["commission_asset"],
        "isMaker": bool(fill["is_maker"]), "feeRate": FEE_RATE, "tradeIv": "", "markIv": "", "markPrice": "",
        "indexPrice": "", "underlyingPrice": "", "blockTradeId": "", "closedSize": "", "seq": fill["id"],
        "extraFees": "",
    }
