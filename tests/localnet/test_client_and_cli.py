"""The Python API (start, connect, keys, clock, activity) and the key/log/clock commands."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from localnet.__main__ import main
from localnet import client
from localnet.client import connect, start
from localnet.core import store
from localnet.core.store import checkout_root, default_db
from localnet.exchanges import EXCHANGES
from localnet.server import write_port_file
from tests.localnet.support import Binance, assert_error


ROOT = Path(__file__).resolve().parents[2]


def test_default_db_lives_in_the_checkout_whatever_the_current_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert checkout_root() == ROOT
    assert default_db() == ROOT / ".localnet" / "localnet.db"


def test_installed_default_db_is_in_the_current_directory(tmp_path, monkeypatch):
    site = tmp_path / "site-packages"
    (site / "localnet" / "core").mkdir(parents=True)
    assert checkout_root(site / "localnet" / "core" / "store.py") is None
    monkeypatch.setattr(store, "checkout_root", lambda: None)
    monkeypatch.chdir(tmp_path)
    assert default_db() == tmp_path / ".localnet" / "localnet.db"
    assert client.default_port_file() == tmp_path / ".localnet" / "ports.json"


def test_help_names_the_program_and_the_default_database(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "1000")  # no line breaks inside the path
    from localnet.__main__ import program_name

    assert program_name("/venv/bin/localnet") == "localnet"
    assert program_name("/checkout/localnet/__main__.py") == "python -m localnet"
    with pytest.raises(SystemExit):
        main(["keys", "list", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert f"in the KeyLab checkout, here {default_db()}" in text


def test_start_creates_private_db_and_stops_cleanly(tmp_path):
    db = tmp_path / "sub" / "net.db"
    with start(db=db, frozen_time_ms=1_600_000_000_000, clock_offset_ms=5) as net:
        assert stat.S_IMODE(os.stat(db).st_mode) == 0o600
        assert net.db_path == db
        assert list(net.urls) == ["binance", "bybit", "okx", "kraken", "coinbase", "manage"]
        assert list(net.exchange_urls) == list(EXCHANGES) == list(net.urls)[:5]  # the key page is no exchange
        assert len(set(net.urls.values())) == 6  # one port each, the management page's too
        assert all(url.startswith("http://127.0.0.1:") for url in net.urls.values())
        client = Binance(net.url("binance"))
        assert client.public("/api/v3/time").json()["serverTime"] == 1_600_000_000_005
        net.set_clock(frozen_time_ms=1_700_000_000_000)
        assert client.public("/api/v3/time").json()["serverTime"] == 1_700_000_000_000
        client.close()
        with pytest.raises(ValueError):
            net.url("bitmex")


def test_connect_reuses_a_running_localnet(tmp_path, monkeypatch):
    with start(db=tmp_path / "shared.db") as running:
        port_file = tmp_path / "ports.json"
        write_port_file(port_file, running.urls)
        monkeypatch.setenv("LOCALNET_PORT_FILE", str(port_file))
        monkeypatch.setenv("LOCALNET_DB", str(tmp_path / "shared.db"))
        with connect() as net:
            assert net.urls == running.urls and net._servers == []
            key = net.create_key("binance", permissions=("read",), label="notebook")
            assert Binance(net.url("binance"), key).signed("GET", "/api/v3/account").status_code == 200
            assert [e["path"] for e in net.activity(key["id"])] == ["/api/v3/account"]
        # the reused server is still up after the connecting side stopped
        assert Binance(running.url("binance")).public("/api/v3/ping").status_code == 200


def test_connect_without_env_starts_its_own(monkeypatch):
    monkeypatch.delenv("LOCALNET_PORT_FILE", raising=False)
    with connect() as net:
        assert net._servers and Binance(net.url("binance")).public("/api/v3/ping").json() == {}


def test_keys_list_revoke_rotate_log_clock(tmp_path, capsys):
    db = str(tmp_path / "cli.db")
    with start(db=db) as net:
        main(["keys", "create", "--exchange", "binance", "--db", db, "--permissions", "read,trade",
              "--ip", "127.0.0.1", "--ip", "10.0.0.0/8", "--label", "lesson", "--json"])
        key = json.loads(capsys.readouterr().out)
        assert key["ips"] == ["127.0.0.1/32", "10.0.0.0/8"] and key["type"] == "hmac" and len(key["secret"]) == 64
        main(["keys", "create", "--exchange", "binance", "--db", db])
        human = capsys.readouterr().out
        assert "secret:" in human and "shown only this once" in human
        main(["keys", "list", "--db", db])
        listing = capsys.readouterr().out
        assert "lesson" in listing and key["api_key"] in listing and key["secret"] not in listing
        main(["keys", "list", "--db", db, "--json"])
        assert all("secret" not in k for k in json.loads(capsys.readouterr().out))

        client = Binance(net.url("binance"), key)
        assert client.signed("GET", "/api/v3/account").status_code == 200
        main(["keys", "rotate", str(key["id"]), "--db", db, "--json"])
        new_secret = json.loads(capsys.readouterr().out)["secret"]
        assert_error(client.signed("GET", "/api/v3/account"), 400, -1022, "Signature for this request is not valid.")
        client.key = {**key, "secret": new_secret}
        assert client.signed("GET", "/api/v3/account").status_code == 200
        main(["keys", "revoke", str(key["id"]), "--db", db])
        capsys.readouterr()
        assert_error(client.signed("GET", "/api/v3/account"), 401, -2015,
                     "Invalid API-key, IP, or permissions for action.")

        main(["log", "--db", db, "--key", str(key["id"])])
        lines = capsys.readouterr().out.splitlines()
        assert len(lines) == 4 and "-1022" in lines[1] and "-2015" in lines[3] and "127.0.0.1" in lines[0]

        main(["clock", "--db", db, "--frozen-time-ms", "1499827319559"])
        assert "frozen at 1499827319559" in capsys.readouterr().out
        assert client.public("/api/v3/time").json() == {"serverTime": 1499827319559}
        main(["clock", "--db", db, "--offset-ms", "-250"])
        capsys.readouterr()
        assert client.public("/api/v3/time").json() == {"serverTime": 1499827319309}
        main(["clock", "--db", db, "--real"])
        assert "real time, offset 0 ms" in capsys.readouterr().out
        client.close()


def test_public_key_types_store_no_secret(net, tmp_path):
    from tests.localnet.test_binance_signing import ED25519_PUBLIC

    key = net.create_key("binance", type="ed25519", public_key_pem=ED25519_PUBLIC)
    assert key["secret"] is None
    row = net.store.db.execute("SELECT secret, public_key_pem FROM keys WHERE id = ?", (key["id"],)).fetchone()
    assert row["secret"] is None and "PUBLIC KEY" in row["public_key_pem"]
    from localnet.core.keys import KeyProblem
    with pytest.raises(KeyProblem):
        net.create_key("binance", type="rsa", public_key_pem=ED25519_PUBLIC)


def test_serve_writes_the_default_port_file_only_for_the_default_database(tmp_path):
    from localnet.__main__ import chosen_port_file

    db = default_db()
    assert chosen_port_file(None, str(db)) == client.default_port_file() == db.parent / "ports.json"
    assert chosen_port_file(None, str(tmp_path / "other.db")) is None
    assert chosen_port_file(str(tmp_path / "p.json"), str(db)) == tmp_path / "p.json"
