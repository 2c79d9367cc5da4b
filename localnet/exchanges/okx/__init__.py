"""OKX v5 REST, as its demo-trading environment: HMAC keys with a passphrase, spot instruments only."""

from __future__ import annotations

import secrets
import uuid

from localnet.core import keys
from localnet.core.keys import KeyProblem, KeySpec
from localnet.exchanges.okx.app import OkxApp
from localnet.exchanges.okx.auth import PERMISSION_NAMES
from localnet.exchanges.okx.instruments import CURRENCIES

NAME = "okx"
DEFAULT_PORT = 8103
PING_PATH = "/api/v5/public/time"  # a public call that needs no key: "the server answers"
KEY_TYPES = ("hmac",)
FUNDING = {"BTC": "1", "ETH": "10", "LTC": "100", "USDT": "10000"}
assert set(FUNDING) == set(CURRENCIES)
MAX_IPS = 20
PASSPHRASE_MAX = 32


def _printable(text: str) -> bool:
    return text.isascii() and text.isprintable() and text == text.strip()


def new_secret() -> str:
    """An OKX-style secret key: 32 upper-case hex digits."""
    return secrets.token_hex(16).upper()


def prepare_key(spec: KeySpec) -> None:
    """OKX's rules for a new key; raises KeyProblem.

    Every OKX key can read, so "read" is always added. A key needs a passphrase (chosen by the user
    on OKX); when none is given, localnet makes one up and shows it once with the new key.
    """
    if spec.type not in KEY_TYPES:
        raise KeyProblem(f"okx keys are HMAC keys (with a passphrase), not {spec.type}")
    if spec.rotating:
        spec.secret = new_secret()
        return
    spec.permissions = tuple(p for p in keys.PERMISSIONS if p in (*spec.permissions, "read"))
    if len(spec.ips) > MAX_IPS:
        raise KeyProblem(f"okx keys take at most {MAX_IPS} IP addresses")
    if spec.api_key is None:
        spec.api_key = str(uuid.uuid4())
    elif not spec.api_key or not _printable(spec.api_key) or " " in spec.api_key:
        raise KeyProblem("the API key must be printable ASCII without spaces (it travels in a header)")
    if spec.secret is None:
        spec.secret = new_secret()
    if spec.passphrase is None:
        spec.passphrase = keys.random_token(16)
    elif not spec.passphrase or len(spec.passphrase) > PASSPHRASE_MAX or not _printable(spec.passphrase):
        raise KeyProblem(f"the passphrase must be 1 to {PASSPHRASE_MAX} printable ASCII characters"
                         " (it travels in a header), without spaces at either end")


def make_app(store, rate_limit: int | None = None, **limits: object) -> OkxApp:
    """The OKX app; `rate_limit` (requests per 2 s, for every endpoint) overrides OKX's per-endpoint limits."""
    return OkxApp(store, rate_limit=rate_limit)


__all__ = ["NAME", "DEFAULT_PORT", "PING_PATH", "KEY_TYPES", "PERMISSION_NAMES", "FUNDING", "prepare_key", "make_app", "OkxApp"]
