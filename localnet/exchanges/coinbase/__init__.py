"""Coinbase Advanced Trade with CDP API keys: a short-lived JWT (EdDSA or ES256) on every private request."""

from __future__ import annotations

from localnet.exchanges.coinbase.app import CoinbaseApp
from localnet.exchanges.coinbase.keyformat import KEY_TYPES, prepare_key
from localnet.exchanges.coinbase.products import FUNDING

NAME = "coinbase"
DEFAULT_PORT = 8105
PING_PATH = "/api/v3/brokerage/time"  # a public call that needs no key: "the server answers"
# localnet's permission -> the name on a CDP key (and in GET /api/v3/brokerage/key_permissions)
PERMISSION_NAMES = {"read": "view", "trade": "trade", "withdraw": "transfer"}


def make_app(store, rate_limit: int | None = None, **limits) -> CoinbaseApp:
    """The Coinbase app. `rate_limit`: private requests per second per user (default 30)."""
    return CoinbaseApp(store, rate_limit=rate_limit, public_rate_limit=limits.get("public_rate_limit"))


__all__ = ["NAME", "DEFAULT_PORT", "PING_PATH", "KEY_TYPES", "PERMISSION_NAMES", "FUNDING", "prepare_key", "make_app",
           "CoinbaseApp"]
