"""One module per exchange: its routes, how it authenticates, how it words errors.

Each module provides NAME, DEFAULT_PORT, PING_PATH (a public call that needs no key), KEY_TYPES, PERMISSION_NAMES, prepare_key(spec) and
make_app(store, **limits), where limits are the keyword arguments of client.start() (a module
takes the ones it knows and ignores the rest).
"""

from __future__ import annotations

from importlib import import_module
from types import ModuleType

NAMES = ("binance", "bybit", "okx", "kraken", "coinbase")


EXCHANGES: dict[str, ModuleType] = {name: import_module(f"localnet.exchanges.{name}") for name in NAMES}


def get(name: str) -> ModuleType:
    """The exchange module called `name`; ValueError when there is none."""
    try:
        return EXCHANGES[name]
    except KeyError:
        raise ValueError(f"unknown exchange {name!r}; choose from {', '.join(EXCHANGES)}") from None
