"""One module per exchange: its routes, how it authenticates, how it words errors."""

from __future__ import annotations

from types import ModuleType

from localnet.exchanges import binance

EXCHANGES: dict[str, ModuleType] = {binance.NAME: binance}


def get(name: str) -> ModuleType:
    """The exchange module called `name`; ValueError when there is none."""
    try:
        return EXCHANGES[name]
    except KeyError:
        raise ValueError(f"unknown exchange {name!r}; choose from {', '.join(EXCHANGES)}") from None
