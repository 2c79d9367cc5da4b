"""One setting, KEYLAB_TARGET, decides where every request goes: localnet, a testnet, or a demo.

The same program, with the same signing code, talks to localnet on your machine or to an
exchange's own practice environment; only the base URL (and, for OKX, one header) changes.
There is deliberately no "mainnet" target: nothing in KeyLab sends requests to real money.

Run it to see the table, and the choice for the current value of KEYLAB_TARGET:

    python -m snippets.targets
    KEYLAB_TARGET=testnet python -m snippets.targets
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping

# --8<-- [start:table]
ENV_VAR = "KEYLAB_TARGET"
DEFAULT_TARGET = "localnet"

# None means: this exchange has no such environment you can sign requests against.
BASE_URLS: dict[str, dict[str, str | None]] = {
    "localnet": {  # python -m localnet serve (default ports)
        "binance": "http://127.0.0.1:8101",
        "bybit": "http://127.0.0.1:8102",
        "okx": "http://127.0.0.1:8103",
        "kraken": "http://127.0.0.1:8104",
        "coinbase": "http://127.0.0.1:8105",
    },
    "testnet": {
        "binance": "https://testnet.binance.vision",  # Spot testnet; keys from testnet.binance.vision
        "bybit": "https://api-testnet.bybit.com",  # separate site and account: testnet.bybit.com
        "okx": "https://www.okx.com",  # OKX has no testnet: demo trading, same host, demo header
        "kraken": None,  # Kraken Spot has no testnet
        "coinbase": None,  # only a static sandbox that checks no signature
    },
    "demo": {
        "binance": "https://demo-api.binance.com",  # demo mode; keys from demo.binance.com
        "bybit": "https://api-demo.bybit.com",  # demo trading inside your mainnet account
        "okx": "https://www.okx.com",  # demo trading: same host as live, demo header
        "kraken": None,
        "coinbase": None,
    },
}

# OKX tells demo from live by a header, not by a host. localnet's OKX requires it too.
DEMO_HEADERS: dict[str, dict[str, str]] = {"okx": {"x-simulated-trading": "1"}}
# --8<-- [end:table]


class UnknownTargetError(ValueError):
    """KEYLAB_TARGET names no target this module knows."""


class NoSuchEnvironmentError(LookupError):
    """The exchange has no environment of that kind (Kraken and Coinbase have no testnet)."""


# --8<-- [start:choose]
def current_target(environ: Mapping[str, str] | None = None) -> str:
    """Return the target named by KEYLAB_TARGET, or "localnet" when it is unset or empty.

    An unknown name is an error, never a silent fallback: a typo must not send requests
    somewhere you did not mean.
    """
    environ = os.environ if environ is None else environ
    raw = environ.get(ENV_VAR, "")
    name = raw.strip().lower() or DEFAULT_TARGET
    if name not in BASE_URLS:
        known = ", ".join(BASE_URLS)
        raise UnknownTargetError(f"{ENV_VAR}={raw!r} is not a KeyLab target; use one of: {known}")
    return name


def base_url(exchange: str, target: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    """The base URL for `exchange` on `target` (by default, the one KEYLAB_TARGET names)."""
    target = current_target(environ) if target is None else target
    if target not in BASE_URLS:
        raise UnknownTargetError(f"{target!r} is not a KeyLab target; use one of: {', '.join(BASE_URLS)}")
    urls = BASE_URLS[target]
    if exchange not in urls:
        raise ValueError(f"unknown exchange {exchange!r}; use one of: {', '.join(urls)}")
    url = urls[exchange]
    if url is None:
        raise NoSuchEnvironmentError(
            f"{exchange} has no {target} you can sign requests against; use {ENV_VAR}=localnet"
        )
    return url


def extra_headers(exchange: str) -> dict[str, str]:
    """Headers every request to `exchange` needs on any KeyLab target (a copy, safe to modify)."""
    return dict(DEMO_HEADERS.get(exchange, {}))
# --8<-- [end:choose]


def describe(target: str) -> list[str]:
    """One line per exchange: where requests go on `target`, or why they cannot."""
    lines = []
    for exchange in BASE_URLS[target]:
        try:
            where = base_url(exchange, target)
        except NoSuchEnvironmentError:
            where = "(none: use localnet)"
        headers = " ".join(f"+ {name}: {value}" for name, value in extra_headers(exchange).items())
        lines.append(f"  {exchange:9} {where} {headers}".rstrip())
    return lines


def main(environ: Mapping[str, str] | None = None) -> int:
    """Print every target's table, then the one KEYLAB_TARGET selects."""
    for target in BASE_URLS:
        print(f"{target}:")
        print("\n".join(describe(target)))
    try:
        chosen = current_target(environ)
    except UnknownTargetError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"{ENV_VAR} selects: {chosen}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
