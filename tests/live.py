"""Whether a notebook can run against the real testnets here: its keys, and the network."""

from __future__ import annotations

import os
import socket
from functools import cache
from urllib.parse import urlsplit

from snippets import lab, targets


@cache
def reachable(exchange: str, timeout_s: float = 3.0) -> bool:
    """True when the exchange's testnet host accepts a TCP connection on port 443."""
    host = urlsplit(targets.base_url(exchange, lab.TESTNET)).hostname
    try:
        with socket.create_connection((host, 443), timeout=timeout_s):
            return True
    except OSError:
        return False


def missing_keys(exchange: str) -> list[str]:
    """The variables a live run of `exchange` needs that neither .env nor the environment sets."""
    prefix = lab.LIVE_PREFIXES[exchange]
    names = [f"{prefix}_API_KEY", f"{prefix}_API_SECRET"] + ([f"{prefix}_API_PASSPHRASE"] if exchange == "okx" else [])
    return [name for name in names if not (os.environ.get(name) or "").strip()]


def skip_reason(live: list[str]) -> str | None:
    """Why a notebook whose metadata lists `live` exchanges cannot run live here, or None when it can."""
    if not live:
        return "this notebook runs on localnet only"
    try:
        lab.load_dotenv_file()
    except lab.LabSetupError as problem:  # e.g. a .env other users can read
        return str(problem)
    lacking = {exchange: missing for exchange in live if (missing := missing_keys(exchange))}
    if lacking:  # every exchange's missing keys, so a record per exchange names its own
        return "; ".join(f"{lab.LIVE_NAMES[exchange]}: set {' and '.join(missing)} in .env"
                         for exchange, missing in lacking.items())
    for exchange in live:
        if not reachable(exchange):
            return f"{lab.LIVE_NAMES[exchange]} is not reachable from here"
    return None
