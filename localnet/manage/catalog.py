"""What the page needs to know about each exchange, and how keys and log entries are shown.

Nothing here repeats an exchange's rules: what an exchange generates (a key pair, a
passphrase) and what it always grants (Bybit and OKX keys can always read) is learned by
asking its own prepare_key() about a throw-away KeySpec, once, when the app is made.
"""

from __future__ import annotations

from datetime import datetime, timezone
from types import ModuleType

from localnet import exchanges
from localnet.core import keys

TITLES = {"binance": "Binance", "bybit": "Bybit", "okx": "OKX", "kraken": "Kraken", "coinbase": "Coinbase"}
TYPE_TITLES = {
    "hmac": "HMAC (shared secret)",
    "ed25519": "Ed25519 (key pair)",
    "rsa": "RSA (key pair)",
    "ecdsa": "ECDSA P-256 (key pair)",
}


def _probe(module: ModuleType, **fields: object) -> keys.KeySpec | None:
    """The KeySpec after the exchange's prepare_key() filled it in, or None when it refuses it."""
    spec = keys.KeySpec(**fields)  # type: ignore[arg-type]
    try:
        module.prepare_key(spec)
    except (keys.KeyProblem, ValueError):
        return None
    return spec


def default_type(module: ModuleType) -> str:
    """HMAC where the exchange issues it, else its first key type (Coinbase: ECDSA), as the notebooks do."""
    return "hmac" if "hmac" in module.KEY_TYPES else module.KEY_TYPES[0]


def describe(module: ModuleType) -> dict:
    """One exchange, for the page's form."""
    plain = _probe(module, type=default_type(module), permissions=())
    types = []
    for key_type in module.KEY_TYPES:
        spec = _probe(module, type=key_type)
        types.append({
            "type": key_type,
            "title": TYPE_TITLES.get(key_type, key_type),
            "public_key": key_type != "hmac",
            "generates_pair": spec is not None and spec.private_key is not None,
        })
    names = {}
    for permission in keys.PERMISSIONS:
        native = module.PERMISSION_NAMES.get(permission, permission)
        names[permission] = native if isinstance(native, str) else ", ".join(native)
    return {
        "name": module.NAME,
        "title": TITLES.get(module.NAME, module.NAME.capitalize()),
        "default_type": default_type(module),
        "key_types": types,
        "permission_names": names,
        "uses_passphrase": plain is not None and plain.passphrase is not None,
        "always_read": plain is not None and "read" in plain.permissions,
    }


def describe_all() -> list[dict]:
    return [describe(module) for module in exchanges.EXCHANGES.values()]


def when(ms: int | None) -> str | None:
    """'2026-01-15 12:00:00 UTC' for a time in ms, None for None."""
    if ms is None:
        return None
    return datetime.fromtimestamp(ms / 1000, timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


def mask(api_key: str, keep: int = 4) -> str:
    """Enough of an API key to recognise it, never all of it: 'vmPU…EhA (64 characters)'."""
    if len(api_key) < 4 * keep:
        return f"{'•' * 8} ({len(api_key)} characters)"
    return f"{api_key[:keep]}…{api_key[-keep:]} ({len(api_key)} characters)"


def key_view(key: keys.Key) -> dict:
    """A key as the list shows it: never its secret, passphrase or full API key."""
    return {
        "id": key.id,
        "label": key.label,
        "exchange": key.exchange,
        "exchange_title": TITLES.get(key.exchange, key.exchange),
        "account_id": key.account_id,
        "api_key_masked": mask(key.api_key),
        "type": key.type,
        "permissions": list(key.permissions),
        "ips": list(key.ips),
        "created_ms": key.created_ms,
        "created": when(key.created_ms),
        "last_used_ms": key.last_used_ms,
        "last_used": when(key.last_used_ms),
        "status": "revoked" if key.revoked else "active",
    }


def entry_view(row: dict) -> dict:
    """One activity-log entry (the log holds no secrets: method, path, IP, status and codes only)."""
    return {
        "id": row["id"],
        "time_ms": row["time_ms"],
        "time": when(row["time_ms"]),
        "exchange": row["exchange"],
        "key_id": row["key_id"],
        "client_ip": row["client_ip"],
        "method": row["method"],
        "path": row["path"],
        "http_status": row["http_status"],
        "outcome": row["outcome"],
        "error_code": row["error_code"],
    }
