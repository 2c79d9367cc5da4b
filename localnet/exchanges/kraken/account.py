"""Private account and funding calls: Balance, BalanceEx, GetApiKeyInfo, Withdraw."""

from __future__ import annotations

import secrets
import string

from localnet.core import keys, ledger
from localnet.core.http import Call
from localnet.exchanges.kraken import data, errors, params, views

REFID_CHARS = string.ascii_uppercase + string.digits


def _balances(app, call: Call) -> dict[data.Asset, tuple]:
    held = ledger.balances(app.store, call.key.account_id)
    return {asset: held[asset.canonical] for asset in data.ASSETS.values() if asset.canonical in held}


def balance(app, call: Call) -> dict:
    """Total per asset (free + held by open orders), in Kraken's asset ids."""
    return {asset.id: views.amount(asset, free + locked) for asset, (free, locked) in _balances(app, call).items()}


def balance_ex(app, call: Call) -> dict:
    """Total and the part held by open orders, per asset (what ccxt's fetch_balance reads)."""
    return {
        asset.id: {
            "balance": views.amount(asset, free + locked),
            "credit": views.amount(asset, ledger.ZERO),
            "credit_used": views.amount(asset, ledger.ZERO),
            "hold_trade": views.amount(asset, locked),
        }
        for asset, (free, locked) in _balances(app, call).items()
    }


def _account_code(account_id: int) -> str:
    """A stable IBAN-like account code ("AA12 N84G WOAK NMOI"), as GetApiKeyInfo shows one."""
    text = f"AA{account_id % 100:02d}" + "".join(REFID_CHARS[(account_id * 7 + i * 13) % 36] for i in range(12))
    return " ".join(text[i:i + 4] for i in range(0, 16, 4))


def api_key_info(app, call: Call) -> dict:
    """What Kraken's GetApiKeyInfo reports about the key that signed the call.

    Field names follow third-party clients (Kraken's schema page could not be read); see the docs page.
    """
    key = call.key
    names = [name for perm in key.permissions for name in data.PERMISSION_NAMES[perm]]
    return {
        "apiKeyName": key.label or f"localnet-{key.id}",
        "apiKey": key.api_key,
        "nonce": str(keys.last_nonce(app.store, key.id)),
        "nonceWindow": 0,
        "permissions": names,
        "iban": _account_code(key.account_id),
        "validUntil": "0",
        "queryFrom": "0",
        "queryTo": "0",
        "createdTime": str(key.created_ms // 1000),
        "modifiedTime": str(key.created_ms // 1000),
        "ipAllowlist": list(key.ips),
        "lastUsed": str(key.last_used_ms // 1000) if key.last_used_ms else None,
    }


def withdraw(app, call: Call) -> dict:
    """Debit the ledger as a withdrawal to a named withdrawal `key` would (localnet keeps no address book)."""
    values = call.params
    asset = data.find_asset(params.required(values, "asset"))
    if asset is None:
        raise errors.error(errors.FUNDING_UNKNOWN_ASSET)
    destination = params.required(values, "key")
    amount = params.number(values, "amount")
    if amount is None or -amount.as_tuple().exponent > asset.decimals:
        raise errors.invalid_argument("amount")
    refid = "A" + "-".join("".join(secrets.choice(REFID_CHARS) for _ in range(6)) for _ in range(3))
    try:
        ledger.withdraw(app.store, call.key.account_id, asset.canonical, amount, f"{refid} to {destination}"[:120],
                        call.now_ms)
    except ledger.LedgerError:
        raise errors.error(errors.FUNDING_INSUFFICIENT) from None
    return {"refid": refid}
