"""Binance Spot: the REST API under /api/v3, plus two emulated mainnet-only /sapi endpoints."""

from __future__ import annotations

from localnet.core.keys import KeyProblem
from localnet.exchanges.binance.app import BinanceApp
from localnet.exchanges.binance.auth import API_KEY_RE, PERMISSION_NAMES

NAME = "binance"
DEFAULT_PORT = 8101
KEY_TYPES = ("hmac", "ed25519", "rsa")


def check_key(*, type: str, permissions: tuple[str, ...], ips: tuple[str, ...], api_key: str | None) -> None:
    """Binance's own rules for a new key; raises KeyProblem."""
    if type not in KEY_TYPES:
        raise KeyProblem(f"binance keys are {', '.join(KEY_TYPES)}, not {type}")
    if api_key is not None and not API_KEY_RE.match(api_key):
        raise KeyProblem("binance API keys are 64 letters and digits")
    if "withdraw" in permissions and not ips:
        raise KeyProblem("binance enables withdrawals only on IP-restricted keys: add --ip")


def make_app(store, **limits) -> BinanceApp:
    return BinanceApp(store, **limits)


__all__ = ["NAME", "DEFAULT_PORT", "KEY_TYPES", "PERMISSION_NAMES", "check_key", "make_app", "BinanceApp"]
