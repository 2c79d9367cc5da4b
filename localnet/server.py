"""Run one uvicorn server per exchange, and the key-management page, on 127.0.0.1, each in its own
thread; write the port file."""

from __future__ import annotations

import json
import os
import tempfile
import threading
import time
from pathlib import Path

import h11
import uvicorn

from localnet import exchanges, manage
from localnet.core import private
from localnet.core.http import MAX_HEAD_BYTES
from localnet.core.store import Store

HOST = "127.0.0.1"
MANAGE = manage.NAME  # the management page's name in the port file and in Localnet.urls


class ConnectionGone(BaseException):
    """uvicorn already answered this connection itself and closed it (a 400 for broken framing that
    arrived after the request head, say): what the app still sends has nowhere to go. A BaseException,
    so that no app's catch-all for its own bugs mistakes it for one."""


def quiet_when_gone(app):
    """`app`, minus uvicorn's "Exception in ASGI application" traceback when the app answers a
    connection the server has already answered and closed."""

    async def wrapped(scope, receive, send) -> None:
        async def guarded(message) -> None:
            try:
                await send(message)
            except h11.LocalProtocolError:
                # uvicorn is closing the connection: wait until it says so (the disconnect is already
                # on its way), so that it does not report the unsent answer as the app's fault either
                while (await receive())["type"] != "http.disconnect":
                    pass
                raise ConnectionGone from None

        try:
            await app(scope, receive, guarded)
        except ConnectionGone:
            pass

    return wrapped


class ExchangeServer:
    """One HTTP server (an exchange's, or the management page's) on a background thread."""

    def __init__(self, name: str, app, port: int) -> None:
        self.name = name
        self.app = app
        config = uvicorn.Config(quiet_when_gone(app), host=HOST, port=port, log_level="warning", lifespan="off",
                                access_log=False,
                                # never rewrite the client address from X-Forwarded-For and friends, and
                                # trust no proxy even if that were switched on ($FORWARDED_ALLOW_IPS ignored)
                                proxy_headers=False, forwarded_allow_ips=[], server_header=False,
                                # a request line + headers outgrowing this while arriving is refused (400)
                                h11_max_incomplete_event_size=MAX_HEAD_BYTES,
                                # no WebSocket on localnet: an Upgrade header is ignored, the request
                                # answered as plain HTTP (with uvicorn's WebSocket support a handshake
                                # on these REST ports got a 500)
                                ws="none")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name=f"localnet-{name}", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def wait_started(self, timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if not self.thread.is_alive():
                raise RuntimeError(f"localnet: the {self.name} server did not start (is its port taken?)")
            if time.monotonic() > deadline:
                raise RuntimeError(f"localnet: the {self.name} server did not start in {timeout:.0f} s")
            time.sleep(0.01)

    @property
    def url(self) -> str:
        port = self.server.servers[0].sockets[0].getsockname()[1]
        return f"http://{HOST}:{port}"

    def stop(self, timeout: float = 10.0) -> None:
        self.server.should_exit = True
        if self.thread.is_alive():
            self.thread.join(timeout)


def default_ports() -> dict[str, int]:
    """Each exchange's default port (exchanges only; the management page's is manage.DEFAULT_PORT)."""
    return {name: module.DEFAULT_PORT for name, module in exchanges.EXCHANGES.items()}


def start_servers(store: Store, ports: dict[str, int], limits: dict | None = None) -> list[ExchangeServer]:
    """Start every exchange, and the management page when `ports` names MANAGE; return once all of
    them accept connections. The management page comes last in the list (and in the port file)."""
    servers = []
    try:
        for name, module in exchanges.EXCHANGES.items():
            servers.append(ExchangeServer(name, module.make_app(store, **(limits or {})), ports.get(name, module.DEFAULT_PORT)))
        if MANAGE in ports:
            servers.append(ExchangeServer(MANAGE, manage.make_app(store), ports[MANAGE]))
        # Start the threads only once every server is configured: each uvicorn.Config resets the
        # uvicorn loggers to INFO for a moment, and a server already starting would log through them.
        for server in servers:
            server.start()
        for server in servers:
            server.wait_started()
    except BaseException:
        for server in servers:
            server.stop()
        raise
    return servers


def write_port_file(path: str | Path, urls: dict[str, str]) -> None:
    """Write {"binance": "http://127.0.0.1:PORT", ..., "manage": ...} atomically (temp file in the same folder, then rename)."""
    path = Path(path)
    private.make_folder(path.parent)
    fd, tmp = tempfile.mkstemp(prefix=".ports-", dir=path.parent)  # mkstemp: 0600 whatever the umask
    with os.fdopen(fd, "w") as f:
        json.dump(urls, f)
        f.write("\n")
    os.replace(tmp, path)
