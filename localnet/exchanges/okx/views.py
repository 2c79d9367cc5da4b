"""OKX-shaped answers built from ledger rows: orders, fills, balances, the key's account config."""

from __future__ import annotations

from decimal import Decimal

from localnet.core import keys, market
from localnet.core.http import ascii_digits
from localnet.exchanges.okx import auth
from localnet.exchanges.okx.instruments import INST_IDS, SYMBOLS, num

ORDER_ID_BASE = 700_000_000_000_000_000  # OKX order ids are numeric strings; localnet's are this + the ledger id
UID_BASE = 440_000_000_000_000_000
NO_CLIENT_ID = "_"  # prefix of the ledger client id of an order sent without clOrdId (OKX ids never contain "_")

STATES = {"NEW": "live", "PARTIALLY_FILLED": "partially_filled", "FILLED": "filled", "CANCELED": "canceled",
          "EXPIRED": "canceled"}


def order_id(ledger_id: int) -> str:
    return str(ORDER_ID_BASE + ledger_id)


def ledger_id(ord_id: str) -> int | None:
    """The ledger id behind an OKX ordId, or None when it cannot be one of ours."""
    if not ascii_digits(ord_id):
        return None
    value = int(ord_id) - ORDER_ID_BASE
    return value if value > 0 else None


def uid(account_id: int) -> str:
    return str(UID_BASE + account_id)


def client_id(row: dict) -> str:
    cid = row["client_order_id"] or ""
    return "" if cid.startswith(NO_CLIENT_ID) else cid


def ord_type(row: dict) -> str:
    if row["type"] == "MARKET":
        return "market"
    if row["type"] == "LIMIT_MAKER":
        return "post_only"
    return {"IOC": "ioc", "FOK": "fok"}.get(row["time_in_force"] or "GTC", "limit")


def order(row: dict, fills: list[dict]) -> dict:
    """One order as GET /api/v5/trade/order shows it."""
    sym = SYMBOLS[row["symbol"]]
    executed, cost = Decimal(row["executed_qty"]), Decimal(row["cum_quote_qty"])
    fee = sum((Decimal(f["commission"]) for f in fills), Decimal(0))
    last = fills[-1] if fills else None
    by_quote = row["type"] == "MARKET" and Decimal(row["orig_quote_qty"]) > 0
    return {
        "accFillSz": num(executed), "algoClOrdId": "", "algoId": "", "attachAlgoClOrdId": "", "attachAlgoOrds": [],
        "avgPx": num(cost / executed) if executed else "", "cTime": str(row["time_ms"]), "cancelSource": "",
        "cancelSourceReason": "", "category": "normal", "ccy": "", "clOrdId": client_id(row),
        "fee": num(-fee) if fee else "0", "feeCcy": sym.base if row["side"] == "BUY" else sym.quote,
        "fillPx": last["price"] if last else "", "fillSz": last["qty"] if last else "",
        "fillTime": str(last["time_ms"]) if last else "", "instId": INST_IDS[sym.name], "instType": "SPOT",
        "isTpLimit": "false", "lever": "", "linkedAlgoOrd": {"algoId": ""}, "ordId": order_id(row["id"]),
        "ordType": ord_type(row), "pnl": "0", "posSide": "net",
        "px": num(Decimal(row["price"])) if row["type"] != "MARKET" else "", "pxType": "", "pxUsd": "", "pxVol": "",
        "quickMgnType": "", "rebate": "0", "rebateCcy": sym.quote if row["side"] == "BUY" else sym.base,
        "reduceOnly": "false", "side": row["side"].lower(), "slOrdPx": "", "slTriggerPx": "", "slTriggerPxType": "",
        "source": "", "state": STATES[row["status"]], "stpId": "", "stpMode": "cancel_maker",
        "sz": num(Decimal(row["orig_quote_qty"] if by_quote else row["orig_qty"])), "tag": "", "tdMode": "cash",
        "tgtCcy": ("quote_ccy" if by_quote else "base_ccy") if row["type"] == "MARKET" else "",
        "tpOrdPx": "", "tpTriggerPx": "", "tpTriggerPxType": "", "tradeId": str(last["id"]) if last else "",
        "uTime": str(row["update_ms"]),
    }


def fill(row: dict, order_row: dict) -> dict:
    """One fill as GET /api/v5/trade/fills shows it (localnet's fills are all taker fills)."""
    return {
        "instType": "SPOT", "instId": INST_IDS[row["symbol"]], "tradeId": str(row["id"]),
        "ordId": order_id(row["order_id"]), "clOrdId": client_id(order_row), "billId": str(row["id"]),
        "subType": "1" if row["side"] == "BUY" else "2", "tag": "", "fillPx": num(Decimal(row["price"])),
        "fillSz": num(Decimal(row["qty"])), "fillIdxPx": "", "fillPnl": "0", "fillPxVol": "", "fillPxUsd": "",
        "fillMarkVol": "", "fillFwdPx": "", "fillMarkPx": "", "side": row["side"].lower(), "posSide": "net",
        "execType": "T", "feeCcy": row["commission_asset"], "fee": num(-Decimal(row["commission"])),
        "feeRate": "-0.001", "ts": str(row["time_ms"]), "fillTime": str(row["time_ms"]),
    }


def usd_value(ccy: str, amount: Decimal) -> Decimal:
    """A rough USD value from the reference prices (USDT counts as 1 USD)."""
    if ccy in ("USDT", "USD", "USDC"):
        return amount
    for sym in market.SYMBOLS.values():
        if sym.base == ccy and sym.quote in ("USDT", "USD"):
            return amount * sym.ref_price
    for sym in market.SYMBOLS.values():
        if sym.base == ccy and sym.quote == "BTC":
            return amount * sym.ref_price * market.SYMBOLS["BTCUSDT"].ref_price
    return Decimal(0)


def balance(balances: dict[str, tuple[Decimal, Decimal]], now_ms: int) -> dict:
    """data[0] of GET /api/v5/account/balance for a spot-mode account."""
    details = []
    total = Decimal(0)
    for ccy, (free, locked) in balances.items():
        equity = free + locked
        usd = usd_value(ccy, equity).quantize(Decimal("0.00000001"))
        total += usd
        details.append({
            "availBal": num(free), "availEq": "", "borrowFroz": "", "cashBal": num(equity), "ccy": ccy,
            "clSpotInUseAmt": "", "crossLiab": "", "disEq": num(usd), "eq": num(equity), "eqUsd": num(usd),
            "fixedBal": "0", "frozenBal": num(locked), "imr": "", "interest": "", "isoEq": "", "isoLiab": "",
            "isoUpl": "", "liab": "", "maxLoan": "", "maxSpotInUse": "", "mgnRatio": "", "mmr": "",
            "notionalLever": "", "openAvgPx": "", "ordFrozen": num(locked), "rewardBal": "0", "smtSyncEq": "0",
            "spotBal": num(equity), "spotCopyTradingEq": "0", "spotInUseAmt": "", "spotIsoBal": "0",
            "spotUpl": "", "spotUplRatio": "", "stgyEq": "0", "totalPnl": "", "totalPnlRatio": "", "twap": "0",
            "uTime": str(now_ms), "upl": "", "uplLiab": "",
        })
    return {
        "adjEq": "", "borrowFroz": "", "details": details, "imr": "", "isoEq": "", "mgnRatio": "", "mmr": "",
        "notionalUsd": "", "notionalUsdForBorrow": "", "notionalUsdForFutures": "", "notionalUsdForOption": "",
        "notionalUsdForSwap": "", "ordFroz": "", "totalEq": num(total), "uTime": str(now_ms), "upl": "",
    }


def funding_balances(balances: dict[str, tuple[Decimal, Decimal]]) -> list[dict]:
    """data of GET /api/v5/asset/balances (localnet has one account for trading and funding)."""
    return [{"availBal": num(free), "bal": num(free + locked), "ccy": ccy, "frozenBal": num(locked)}
            for ccy, (free, locked) in balances.items()]


def account_config(key: keys.Key) -> dict:
    """data[0] of GET /api/v5/account/config: the account's settings and this key's perm, ip and label."""
    user = uid(key.account_id)
    return {
        "acctLv": "1", "acctStpMode": "cancel_maker", "autoLoan": False, "ctIsoMode": "automatic",
        "enableSpotBorrow": False, "feeType": "0", "greeksType": "PA", "ip": auth.ip_list(key), "kycLv": "0",
        "label": key.label or "", "level": "Lv1", "levelTmp": "", "liquidationGear": "-1", "mainUid": user,
        "mgnIsoMode": "automatic", "opAuth": "0", "perm": auth.permission_list(key), "posMode": "net_mode",
        "roleType": "0", "settleCcy": "", "settleCcyList": [], "spotBorrowAutoRepay": False, "spotOffsetType": "",
        "spotRoleType": "0", "spotTraderInsts": [], "traderInsts": [], "type": "0", "uid": user,
    }
