"""Where a notebook's requests go: localnet by default, or the exchanges' own testnets.

Every notebook starts with the same two lines:

    TARGET = None  # None reads KEYLAB_TARGET (default "localnet"); or write "localnet" or "testnet"
    lab = start_lab(TARGET, live=("binance",))

On **localnet** (the default) the notebook needs no account and no network: `lab.key()` creates a
key with exactly the permissions the lesson asks for, and the exchange's clock can be frozen so
every stored output is the same on every run.

On **testnet**, the exchanges named in `live=` (those with a practice environment you can sign
against: Binance Spot testnet, Bybit testnet, OKX demo trading) get the same requests, signed
with the keys in `.env` or the environment. Kraken Spot and Coinbase have no such environment,
so they stay on localnet, and the lab says so. A missing key stops the notebook with one
sentence that names the variable to set.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from dotenv import find_dotenv

from snippets import targets
from snippets.credentials import UnsafeFile, check_private, clean, env_names
from snippets.show import mask

LOCALNET = "localnet"
TESTNET = "testnet"

# The practice environment each exchange has, and the prefix of its variables in .env.
LIVE_PREFIXES = {"binance": "BINANCE_TESTNET", "bybit": "BYBIT_TESTNET", "okx": "OKX_DEMO"}
LIVE_NAMES = {"binance": "Binance Spot testnet", "bybit": "Bybit testnet", "okx": "OKX demo trading"}
NO_TESTNET = {"kraken": "Kraken Spot has no testnet", "coinbase": "Coinbase Advanced Trade has no testnet"}

# Only for KeyLab's tests of testnet mode: {"binance": "http://127.0.0.1:PORT", ...} of a stand-in.
TESTNET_URLS_ENV = "KEYLAB_TESTNET_URLS"

# The moment localnet's clock stands still at unless a notebook picks another: 2026-01-15 12:00 UTC.
LAB_TIME_MS = 1_768_478_400_000


class LabSetupError(RuntimeError):
    """Live mode cannot start. In Jupyter it shows as its one-sentence message, with no traceback."""

    def _render_traceback_(self) -> list[str]:  # IPython shows these lines instead of a traceback
        return [f"KeyLab: {self}"]


@dataclass(frozen=True)
class Key:
    """An API key a notebook signs with. Printing it shows masked values only."""

    exchange: str
    api_key: str
    secret: str = field(repr=False)
    passphrase: str | None = field(default=None, repr=False)
    permissions: tuple[str, ...] = ()
    id: int | None = None  # localnet's number for the key; None for a testnet key
    type: str = "hmac"
    private_key: str | None = field(default=None, repr=False)  # PEM, for key pairs localnet generated
    account_id: int | None = None  # localnet's account behind the key (new keys for it: account_id=)

    def __repr__(self) -> str:
        perms = ", ".join(self.permissions) if self.permissions else "as set on the exchange's website"
        return f"Key({self.exchange}, {self.type}, api_key={mask(self.api_key)}, permissions: {perms})"

    __str__ = __repr__


class Lab:
    """One notebook's connection to localnet and, in live mode, to the testnets."""

    def __init__(self, target: str, live: tuple[str, ...], net, dotenv_path: str | None) -> None:
        self.target = target
        self.live_exchanges = tuple(name for name in live if target == TESTNET)
        self.net = net  # localnet.client.Localnet: always there, Kraken and Coinbase need it
        self.dotenv_path = dotenv_path

    # -- where requests go ---------------------------------------------------------------
    def is_live(self, exchange: str) -> bool:
        """True when requests to `exchange` go to its real testnet."""
        return exchange in self.live_exchanges

    def url(self, exchange: str) -> str:
        """Base URL for `exchange`: its testnet in live mode, localnet otherwise."""
        if self.is_live(exchange):
            return testnet_url(exchange)
        return self.net.url(exchange)

    def headers(self, exchange: str) -> dict[str, str]:
        """Headers every request to `exchange` needs on both targets (OKX's demo-trading flag)."""
        return targets.extra_headers(exchange)

    # -- keys ----------------------------------------------------------------------------
    def key(self, exchange: str, permissions: tuple[str, ...] | list[str] = ("read",), **options) -> Key:
        """A key for `exchange`: yours from .env in live mode, or a new localnet key with `permissions`.

        `options` go to localnet's create_key (ips, type, label, secret, api_key, passphrase,
        public_key_pem, account_id). The type defaults to HMAC, or to the exchange's first key
        type when it has no HMAC keys (Coinbase: ECDSA).
        """
        if self.is_live(exchange):
            return self.live_key(exchange)
        if "type" not in options:
            from localnet import exchanges  # imported here: live-only users of this module need no server code

            types = exchanges.get(exchange).KEY_TYPES
            options["type"] = "hmac" if "hmac" in types else types[0]
        made = self.net.create_key(exchange, permissions=permissions, **options)
        return Key(exchange, made["api_key"], made["secret"], made.get("passphrase"),
                   tuple(made["permissions"]), made["id"], made.get("type", options["type"]),
                   made.get("private_key"), made.get("account_id"))

    def live_key(self, exchange: str) -> Key:
        """The testnet key in PREFIX_API_KEY / PREFIX_API_SECRET (and OKX's PREFIX_API_PASSPHRASE)."""
        prefix = LIVE_PREFIXES[exchange]
        key_name, secret_name = env_names(prefix)
        names = [key_name, secret_name] + ([f"{prefix}_API_PASSPHRASE"] if exchange == "okx" else [])
        values = {name: clean(os.environ.get(name)) for name in names}
        missing = [name for name, value in values.items() if not value]
        if missing:
            where = f"{self.dotenv_path} or the environment" if self.dotenv_path else "a .env file or the environment"
            raise LabSetupError(
                f"testnet mode needs {' and '.join(missing)} in {where} for {LIVE_NAMES[exchange]} "
                f"(see .env.example), or set TARGET = \"localnet\" to stay offline."
            )
        return Key(exchange, values[key_name], values[secret_name], values.get(f"{prefix}_API_PASSPHRASE"))

    # -- time ----------------------------------------------------------------------------
    def freeze(self, time_ms: int = LAB_TIME_MS) -> None:
        """Stop localnet's clock at `time_ms`, so timestamps and outputs repeat exactly."""
        self.net.set_clock(frozen_time_ms=time_ms)

    def unfreeze(self) -> None:
        """Let localnet's clock follow real time again."""
        self.net.set_clock()

    def now_ms(self, exchange: str) -> int:
        """The time to put in a request to `exchange`: localnet's clock, or this computer's for a testnet."""
        if self.is_live(exchange):
            return int(time.time() * 1000)
        from localnet.core import clock  # imported here: live-only users of this module need no server code

        return clock.now_ms(self.net.store)

    # -- the end -------------------------------------------------------------------------
    def close(self) -> None:
        """Stop the localnet this lab started; a shared one keeps running, its clock back to real time."""
        if self.net is None:
            return  # closed already: closing twice is harmless
        self.net.set_clock()
        self.net.stop()
        self.net = None

    def describe(self) -> list[str]:
        """One line per exchange: where its requests go. No ports, no paths: outputs stay the same."""
        lines = [f"target: {self.target}"]
        for exchange in LIVE_PREFIXES | NO_TESTNET:
            if self.is_live(exchange):
                where = f"{LIVE_NAMES[exchange]} ({testnet_url(exchange)})"
            elif self.target == TESTNET and exchange in NO_TESTNET:
                where = f"localnet ({NO_TESTNET[exchange]})"
            elif self.target == TESTNET:
                where = "localnet (this notebook sends it nothing live)"
            else:
                where = "localnet, on this computer"
            lines.append(f"  {exchange:9} {where}")
        return lines

    def __repr__(self) -> str:
        return "\n".join(self.describe())


def testnet_url(exchange: str) -> str:
    """The exchange's testnet URL; KeyLab's own tests may put a stand-in there ($KEYLAB_TESTNET_URLS, JSON)."""
    stand_ins = json.loads(os.environ.get(TESTNET_URLS_ENV) or "{}")
    return stand_ins.get(exchange) or targets.base_url(exchange, TESTNET)


def choose_target(target: str | None) -> str:
    """`target` as written in the notebook, or KEYLAB_TARGET, or "localnet"."""
    name = targets.current_target() if target is None else target.strip().lower()
    if name not in (LOCALNET, TESTNET):
        raise LabSetupError(f"TARGET = {name!r} is not something a notebook can use; write \"localnet\" or \"testnet\".")
    return name


def load_dotenv_file() -> str | None:
    """Load the nearest .env (this folder or a parent) without overriding the environment; its name."""
    from dotenv import load_dotenv

    found = find_dotenv(usecwd=True)
    if not found:
        return None
    try:
        check_private(Path(found))
    except UnsafeFile as problem:
        raise LabSetupError(str(problem)) from None
    load_dotenv(found, override=False)
    return Path(found).name


def start_lab(target: str | None = None, live: tuple[str, ...] = (), frozen_time_ms: int | None = LAB_TIME_MS) -> Lab:
    """Connect to localnet (started here, or the one already running) and pick each exchange's target.

    `live` names the exchanges this notebook sends to their testnets when the target is "testnet".
    localnet's clock is frozen at `frozen_time_ms` (None: real time).
    """
    from localnet import client

    dotenv_name = load_dotenv_file()
    chosen = choose_target(target)
    unknown = [name for name in live if name not in LIVE_PREFIXES]
    if unknown:
        raise LabSetupError(f"{', '.join(unknown)} has no testnet to send requests to; it stays on localnet.")
    net = client.connect()
    lab = Lab(chosen, tuple(live), net, dotenv_name)
    try:
        for exchange in lab.live_exchanges:
            lab.live_key(exchange)  # fail now, in the first cell, rather than halfway through
    except LabSetupError:
        net.stop()
        raise
    net.set_clock(frozen_time_ms=frozen_time_ms)
    return lab
