"""One module per exchange: its routes, how it authenticates, how it words errors.

Each module provides NAME, DEFAULT_PORT, KEY_TYPES, PERMISSION_NAMES, prepare_key(spec) and
make_app(store, **limits), where limits are the keyword arguments of client.start() (a module
takes the ones it knows and ignores the rest).
"""

from __future__ import annotations

from importlib import import_module
from types import ModuleType

NAMES = ("binance", "bybit", "okx", "kraken", "coinbase")


def _load() -> dict[str, ModuleType]:
    loaded = {}
    for name in NAMES:
        try:
            module = import_module(f"localnet.exchanges.{name}")
        except ModuleNotFoundError as exc:  # a dialect not written yet
            if exc.name != f"localnet.exchanges.{name}":
                raise
            continue
        if hasattr(module, "make_app"):  # TEMPORARY while dialects are being written: drop before release
            loaded[name] = module
    return loaded


EXCHANGES: dict[str, ModuleType] = _load()


def get(name: str) -> ModuleType:
    """The exchange module called `name`; ValueError when there is none."""
    try:
        return EXCHANGES[name]
    except KeyError:
        raise ValueError(f"unknown exchange {name!r}; choose from {', '.join(EXCHANGES)}") from None
