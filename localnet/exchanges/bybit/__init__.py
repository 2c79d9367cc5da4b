"""Bybit v5: the spot part of the unified trading account REST API, with HMAC and RSA keys."""

from __future__ import annotations

import re

from localnet.core import keys
from localnet.core.keys import KeyProblem, KeySpec
from localnet.exchanges.bybit.app import BybitApp

NAME = "bybit"
DEFAULT_PORT = 8102
PING_PATH = "/v5/market/time"  # a public call that needs no key: "the server answers"
KEY_TYPES = ("hmac", "rsa")  # system-generated HMAC keys, or self-generated RSA keys (you upload the public key)
PERMISSION_NAMES = {
    "read": "readOnly (every Bybit key can read)",
    "trade": "Spot: SpotTrade",
    "withdraw": "Wallet: Withdraw",
}
FUNDING = {"BTC": "1", "ETH": "10", "USDT": "10000", "LTC": "100"}
API_KEY_LENGTH = 18  # Bybit's keys look like "XXXXXXXXXXXXXXXXXX"
SECRET_LENGTH = 36
API_KEY_RE = re.compile(r"^[\x21-\x7e]{1,64}$")  # imported keys: printable ASCII, no spaces


def prepare_key(spec: KeySpec) -> None:
    """Bybit's rules for a new (or rotated) key; raises KeyProblem.

    Every Bybit key can read, so "read" is always added. HMAC keys get Bybit-sized strings (an
    18-character key, a 36-character secret); an RSA key needs the public key you generated.
    """
    if spec.type not in KEY_TYPES:
        raise KeyProblem(f"bybit keys are {' or '.join(KEY_TYPES)}, not {spec.type}")
    if spec.api_key is not None and not API_KEY_RE.match(spec.api_key):
        raise KeyProblem("bybit API keys are up to 64 printable characters without spaces")
    spec.permissions = tuple(p for p in keys.PERMISSIONS if p == "read" or p in spec.permissions)
    if spec.api_key is None:
        spec.api_key = keys.random_token(API_KEY_LENGTH)
    if spec.type == "hmac" and spec.secret is None:
        spec.secret = keys.random_token(SECRET_LENGTH)


def make_app(store, rate_limit: int | None = None, **ignored) -> BybitApp:
    """The Bybit app. `rate_limit` replaces Bybit's per-endpoint limits (requests per second per UID)."""
    return BybitApp(store, rate_limit=rate_limit)


__all__ = ["NAME", "DEFAULT_PORT", "PING_PATH", "KEY_TYPES", "PERMISSION_NAMES", "FUNDING", "prepare_key", "make_app", "BybitApp"]
