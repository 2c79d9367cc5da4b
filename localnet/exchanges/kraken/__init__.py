"""Kraken Spot: the REST API under /0/public and /0/private (form-encoded or JSON bodies, HMAC-SHA512)."""

from __future__ import annotations

import base64
import os

from localnet.core.keys import KeyProblem, KeySpec
from localnet.core.signatures import b64decode_strict
from localnet.exchanges.kraken.app import KrakenApp
from localnet.exchanges.kraken.auth import API_KEY_RE, SECRET_BYTES
from localnet.exchanges.kraken.data import FUNDING, PERMISSION_NAMES

NAME = "kraken"
DEFAULT_PORT = 8104
PING_PATH = "/0/public/Time"  # a public call that needs no key: "the server answers"
KEY_TYPES = ("hmac",)


def prepare_key(spec: KeySpec) -> None:
    """Kraken's rules for a key: HMAC only; a 56-character API key; a base64 private key of 64 bytes."""
    if spec.type not in KEY_TYPES:
        raise KeyProblem(f"kraken spot keys are HMAC keys, not {spec.type}")
    if spec.api_key is None:
        spec.api_key = base64.b64encode(os.urandom(42)).decode()
    elif not API_KEY_RE.match(spec.api_key):
        raise KeyProblem("kraken API keys are 56 characters of base64 (letters, digits, + and /)")
    if spec.rotating or spec.secret is None:
        spec.secret = base64.b64encode(os.urandom(SECRET_BYTES)).decode()
    elif len(b64decode_strict(spec.secret) or b"") != SECRET_BYTES:
        raise KeyProblem("a kraken private key is 64 bytes in base64 (88 characters ending in ==)")


def make_app(store, rate_limit: int | None = None, rate_decay_per_s: float | None = None, **_ignored) -> KrakenApp:
    """The Kraken app. `rate_limit` lowers the call counter's maximum (default 20, Kraken's Intermediate tier)."""
    return KrakenApp(store, rate_limit=rate_limit, rate_decay_per_s=rate_decay_per_s)


__all__ = ["NAME", "DEFAULT_PORT", "PING_PATH", "KEY_TYPES", "PERMISSION_NAMES", "FUNDING", "prepare_key", "make_app", "KrakenApp"]
