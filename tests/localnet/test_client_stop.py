"""Localnet.stop() winds its servers down together: every one is told to exit before any is waited for."""

from localnet.client import Localnet, start


class FakeUvicorn:
    should_exit = False


class FakeServer:
    """Records, when it is waited for, whether every server had already been told to exit."""

    def __init__(self, name: str, all_servers: list) -> None:
        self.name = name
        self.server = FakeUvicorn()
        self.all_servers = all_servers
        self.others_told_first: bool | None = None

    def stop(self) -> None:
        self.others_told_first = all(s.server.should_exit for s in self.all_servers)
        self.server.should_exit = True


def test_every_server_is_told_to_exit_before_the_first_is_waited_for(tmp_path):
    servers: list[FakeServer] = []
    servers.extend(FakeServer(name, servers) for name in ("binance", "bybit", "manage"))
    net = Localnet({}, tmp_path / "net.db", servers=servers)
    net.stop()
    assert [s.others_told_first for s in servers] == [True, True, True]
    net.stop()  # twice is harmless


def test_a_started_localnet_stops_every_thread(tmp_path):
    net = start(db=tmp_path / "net.db")
    threads = [server.thread for server in net._servers]
    net.stop()
    assert threads and not any(thread.is_alive() for thread in threads)


def test_connecting_does_not_import_the_servers():
    """A notebook that reuses a running localnet needs no uvicorn: client imports it only to start one."""
    import subprocess
    import sys

    probe = "import sys, localnet.client; print('uvicorn' in sys.modules, 'localnet.server' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
