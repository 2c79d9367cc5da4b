"""The Python API for notebooks and tests: start localnet in-process, or reuse a running one; make keys.

    from localnet.client import connect
    with connect() as net:
        key = net.create_key("binance", permissions=("read", "trade"))
        base = net.url("binance")
        page = net.url("manage")  # the key-management page, in a browser
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import socket
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from localnet import provision
from localnet.core import activity, clock, keys
from localnet.core.store import Store, default_db
from localnet.exchanges import EXCHANGES

if TYPE_CHECKING:
    from localnet.server import ExchangeServer

PORT_FILE_ENV = "LOCALNET_PORT_FILE"
DB_ENV = "LOCALNET_DB"


class Localnet:
    """A running localnet: its URLs and its database.

    `urls` names each exchange and, when it runs, "manage", the key-management page; code that
    wants only the exchanges iterates `exchange_urls`.
    """

    def __init__(self, urls: dict[str, str], db_path: Path, servers: list[ExchangeServer] | None = None,
                 temp_dir: str | None = None, server_store: Store | None = None) -> None:
        self.urls = dict(urls)
        self.db_path = Path(db_path)
        self.store = Store(self.db_path)
        self._servers = servers or []
        self._temp_dir = temp_dir
        self._server_store = server_store

    @property
    def exchange_urls(self) -> dict[str, str]:
        """The exchanges' URLs only, in localnet's order (without the management page)."""
        return {name: url for name, url in self.urls.items() if name in EXCHANGES}

    def url(self, exchange: str) -> str:
        """Base URL of one exchange, e.g. http://127.0.0.1:8101 for binance (or "manage": the key page)."""
        try:
            return self.urls[exchange]
        except KeyError:
            raise ValueError(f"localnet does not run {exchange!r}; it runs {', '.join(self.urls)}") from None

    def create_key(
        self,
        exchange: str,
        permissions: tuple[str, ...] | list[str] | str = ("read",),
        ips: tuple[str, ...] | list[str] = (),
        type: str = "hmac",
        label: str | None = None,
        public_key_pem: str | None = None,
        api_key: str | None = None,
        secret: str | None = None,
        passphrase: str | None = None,
        account_id: int | None = None,
    ) -> dict:
        """Provision a key on a new funded account (the same dict as `keys create --json`)."""
        return provision.create_key(
            self.store, exchange, permissions=permissions, ips=ips, type=type, label=label,
            public_key_pem=public_key_pem, api_key=api_key, secret=secret, passphrase=passphrase,
            account_id=account_id,
        )

    def rotate_key(self, key_id: int, public_key_pem: str | None = None) -> dict:
        """A new secret (or key pair) for key `key_id`; the old one stops working at once."""
        return provision.rotate_key(self.store, key_id, public_key_pem)

    def revoke_key(self, key_id: int) -> None:
        """Revoke key `key_id`; every later request with it is refused."""
        keys.revoke(self.store, key_id)

    def set_clock(self, frozen_time_ms: int | None = None, offset_ms: int = 0) -> None:
        """Freeze (or unfreeze, with None) and shift the exchanges' clock; takes effect on the next request."""
        clock.set_clock(self.store, frozen_time_ms, offset_ms)

    def activity(self, key_id: int | None = None) -> list[dict]:
        """The activity log, oldest first (one key's calls when `key_id` is given)."""
        return activity.entries(self.store, key_id)

    def stop(self) -> None:
        """Stop the servers this object started (a reused server keeps running). Safe to call twice."""
        atexit.unregister(self.stop)
        # Ask every server to exit before waiting for any: each takes a tick of its event loop
        # (about 0.1-0.2 s) to wind down, so six in turn took over a second, six at once one tick.
        for server in self._servers:
            server.server.should_exit = True
        for server in self._servers:
            server.stop()
        self._servers = []
        self.store.close()
        if self._server_store is not None:
            self._server_store.close()
            self._server_store = None
        if self._temp_dir:
            shutil.rmtree(self._temp_dir, ignore_errors=True)
            self._temp_dir = None

    def __enter__(self) -> "Localnet":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start(db: str | Path | None = None, frozen_time_ms: int | None = None, clock_offset_ms: int = 0,
          **limits: int) -> Localnet:
    """Start every exchange and the key-management page in this process on free ports; return once
    they accept connections.

    `db=None` uses a temporary database removed by stop(). `limits` (weight_limit, ban_after, ban_s)
    lower the rate limits, for tests.
    """
    # Only a process that serves needs uvicorn: a notebook that connects to a running localnet
    # (the usual case) never imports it.
    from localnet.server import MANAGE, start_servers

    temp_dir = None
    if db is None:
        temp_dir = tempfile.mkdtemp(prefix="localnet-")
        db = Path(temp_dir) / "localnet.db"
    store = Store(db)
    clock.set_clock(store, frozen_time_ms, clock_offset_ms)
    try:
        servers = start_servers(store, {**{name: 0 for name in EXCHANGES}, MANAGE: 0}, limits)
    except BaseException:
        store.close()
        raise
    net = Localnet({s.name: s.url for s in servers}, Path(db), servers, temp_dir, server_store=store)
    # A script or notebook that never calls stop() still shuts its servers down before Python
    # tears down the modules their threads use.
    atexit.register(net.stop)
    return net


def default_port_file() -> Path:
    """Where `localnet serve` on the default database says which ports it listens on."""
    return default_db().parent / "ports.json"


def _listening(urls: dict[str, str], timeout_s: float = 0.5) -> bool:
    """True when every URL's port accepts a TCP connection (a port file can outlive its server)."""
    for url in urls.values():
        address = urlsplit(url)
        try:
            with socket.create_connection((address.hostname, address.port), timeout=timeout_s):
                pass
        except (OSError, ValueError, TypeError):
            return False
    return bool(urls)


def connect() -> Localnet:
    """Reuse a running localnet, or start() one in this process.

    A running one is found through $LOCALNET_PORT_FILE (database: $LOCALNET_DB), or else the port
    file `localnet serve` writes for the default database (localnet.core.store.default_db). A port
    file whose servers no longer answer is ignored.
    """
    named = os.environ.get(PORT_FILE_ENV)
    default = default_db()
    candidates = [(Path(named), Path(os.environ.get(DB_ENV) or default))] if named else []
    candidates.append((default_port_file(), default))
    for port_file, db_path in candidates:
        try:
            urls = json.loads(port_file.read_text())
        except (OSError, ValueError):
            continue
        if isinstance(urls, dict) and _listening(urls) and db_path.is_file():
            return Localnet(urls, db_path)
    return start()
