"""Binance Spot: the REST API under /api/v3, plus two emulated mainnet-only /sapi endpoints."""

from __future__ import annotations

from localnet.core.keys import KeyProblem, KeySpec
from localnet.exchanges.binance.app import BinanceApp
from localnet.exchanges.binance.auth import API_KEY_RE, PERMISSION_NAMES

NAME = "binance"
DEFAULT_PORT = 8101
PING_PATH = "/api/v3/ping"  # a public call that needs no key: "the server answers"
KEY_TYPES = ("hmac", "ed25519", "rsa")


def prepare_key(spec: KeySpec) -> None:
    """Binance's own rules for a new key; raises KeyProblem. The core generates its 64-character strings."""
    if spec.type not in KEY_TYPES:
        raise KeyProblem(f"binance keys are {', '.join(KEY_TYPES)}, not {spec.type}")
    if spec.api_key is not None and not API_KEY_RE.match(spec.api_key):
        raise KeyProblem("binance API keys are 64 letters and digits")
    if "withdraw" in spec.permissions and not spec.ips:
        raise KeyProblem("binance enables withdrawals only on IP-restricted keys: add --ip")


def make_app(store, weight_limit: int = 6000, ban_after: int = 10, ban_s: int = 120, **_other_limits) -> BinanceApp:
    """The app; the limits are Binance's request weight per minute and its ban rule (other exchanges' are ignored)."""
    return BinanceApp(store, weight_limit=weight_limit, ban_after=ban_after, ban_s=ban_s)


__all__ = ["NAME", "DEFAULT_PORT", "PING_PATH", "KEY_TYPES", "PERMISSION_NAMES", "prepare_key", "make_app", "BinanceApp"]
