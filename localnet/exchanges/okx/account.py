"""Account and funding endpoints: balances, the key's configuration, currencies, withdrawals."""

from __future__ import annotations

import secrets
from decimal import Decimal

from localnet.core import ledger
from localnet.core.http import Call
from localnet.exchanges.okx import errors, params, views
from localnet.exchanges.okx.instruments import CURRENCIES, num

MAX_CCY = 20
CHAINS = {"BTC": "Bitcoin", "ETH": "ERC20", "LTC": "Litecoin", "USDT": "TRC20"}
NAMES = {"BTC": "Bitcoin", "ETH": "Ethereum", "LTC": "Litecoin", "USDT": "Tether"}
WITHDRAW_DESTINATIONS = ("3", "4")  # 3 = to another OKX account, 4 = on-chain


def _currencies(values: dict) -> list[str] | None:
    """The `ccy` filter: up to 20 comma-separated currencies, or None for all."""
    raw = params.text(values, "ccy")
    if raw is None:
        return None
    wanted = [c.strip() for c in raw.split(",") if c.strip()]
    if not wanted or len(wanted) > MAX_CCY:
        raise errors.param_error("ccy")
    return wanted


def _balances(app, call: Call) -> dict[str, tuple[Decimal, Decimal]]:
    wanted = _currencies(params.query(call))
    rows = ledger.balances(app.store, call.key.account_id)
    return {ccy: value for ccy, value in rows.items() if wanted is None or ccy in wanted}


def balance(app, call: Call) -> list[dict]:
    """GET /api/v5/account/balance (trading account)."""
    return [views.balance(_balances(app, call), call.now_ms)]


def funding_balances(app, call: Call) -> list[dict]:
    """GET /api/v5/asset/balances (funding account: the same ledger in localnet)."""
    return views.funding_balances(_balances(app, call))


def config(app, call: Call) -> list[dict]:
    """GET /api/v5/account/config: the key introspection endpoint (perm, ip, label, uid...)."""
    return [views.account_config(call.key)]


def currencies(app, call: Call) -> list[dict]:
    """GET /api/v5/asset/currencies: one chain per currency."""
    wanted = _currencies(params.query(call))
    return [{
        "burningFeeRate": "", "canDep": True, "canInternal": True, "canWd": True, "ccy": ccy,
        "chain": f"{ccy}-{CHAINS[ccy]}", "ctAddr": "", "depEstOpenTime": "", "depQuotaFixed": "",
        "depQuoteDailyLayer2": "", "fee": "0", "logoLink": "", "mainNet": True, "maxFee": "0", "maxFeeForCtAddr": "",
        "maxWd": "1000000", "minDep": "0.00000001", "minDepArrivalConfirm": "1", "minFee": "0",
        "minFeeForCtAddr": "", "minInternal": "0.00000001", "minWd": "0.00000001", "minWdUnlockConfirm": "1",
        "name": NAMES[ccy], "needTag": False, "usedDepQuotaFixed": "", "usedWdQuota": "0", "wdEstOpenTime": "",
        "wdQuota": "10000000", "wdTickSz": "8",
    } for ccy in CURRENCIES if wanted is None or ccy in wanted]


def withdrawal(app, call: Call) -> list[dict]:
    """POST /api/v5/asset/withdrawal: debits the ledger at once (nothing is sent anywhere)."""
    values = params.body(call)
    ccy = params.text(values, "ccy", required=True)
    amount = params.number(values, "amt", required=True)
    dest = params.text(values, "dest", required=True)
    address = params.text(values, "toAddr", required=True)
    chain = params.text(values, "chain")
    client = params.text(values, "clientId")
    if dest not in WITHDRAW_DESTINATIONS:
        raise errors.param_error("dest")
    if ccy not in CURRENCIES:
        raise errors.token_unknown()
    if chain is not None and chain != f"{ccy}-{CHAINS[ccy]}":
        raise errors.param_error("chain")
    if amount != amount.quantize(Decimal("0.00000001")):
        raise errors.param_error("amt")
    wd_id = str(secrets.randbelow(9 * 10**8) + 10**8)
    try:
        ledger.withdraw(app.store, call.key.account_id, ccy, amount, f"okx:{wd_id}:{address}", call.now_ms)
    except ledger.LedgerError:
        raise errors.withdraw_insufficient() from None
    return [{"amt": num(amount), "wdId": wd_id, "ccy": ccy, "clientId": client or "",
             "chain": chain or f"{ccy}-{CHAINS[ccy]}"}]


def set_leverage(app, call: Call) -> list[dict]:
    """POST /api/v5/account/set-leverage: checked and signed like any request, then refused (51010):
    localnet's accounts are in spot mode, which has no leverage."""
    values = params.body(call)
    params.number(values, "lever", required=True)
    mode = params.text(values, "mgnMode", required=True)
    if mode not in ("cross", "isolated"):
        raise errors.param_error("mgnMode")
    if params.text(values, "instId") is None and params.text(values, "ccy") is None:
        raise errors.either_param("instId", "ccy")
    raise errors.account_mode()
