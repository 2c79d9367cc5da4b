"""localnet's security properties (issue 8), each a test that fails if the property breaks:

- every socket listens on 127.0.0.1 only, in-process and under `python -m localnet serve`, and
  serve has no option to listen anywhere else;
- forwarded-IP headers never stand in for the TCP peer: not for an IP allow-list, not for the
  activity log, not for a per-IP rate limit, not for the management page's Host check;
- a key's secret, passphrase or generated private key never appears after the answer that made
  it: not in listings, logs, the activity log, error answers or the database outside the keys
  table, in any of several encodings;
- the database, its -wal and -shm files, the port file and the folders localnet makes are the
  owner's only, whatever the umask;
- every comparison of a signature, secret, passphrase or token is hmac.compare_digest;
- the management page refuses the cross-site requests test_manage_api.py does not already try.
"""

from __future__ import annotations

import ast
import base64
import hmac
import inspect
import json
import logging
import os
import re
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote, quote_plus

import httpx
import pytest

from localnet import server as localnet_server
from localnet.__main__ import main as cli_main
from localnet.__main__ import parser
from localnet.client import Localnet, start
from localnet.core import keys as core_keys
from localnet.core.store import Store
from localnet.manage.security import cookie_name
from snippets import kraken as kraken_recipe
from snippets import okx as okx_recipe
from tests.localnet import support
from tests.localnet.manage_support import Manage
from tests.localnet.security_support import (EXCHANGE_NAMES, FOREIGN_IP, Prepared, accepted, assert_ip_refused,
                                             new_key, prepare_read)

ROOT = Path(__file__).resolve().parents[2]
LOCALNET = ROOT / "localnet"

# The headers proxies and CDNs use to name a client; none of them may stand in for the TCP peer.
FORWARDING_HEADERS = {
    "X-Forwarded-For": ("{ip}", "{ip}, 127.0.0.1", "127.0.0.1, {ip}"),
    "Forwarded": ("for={ip}", 'for="{ip}:4711";proto=https', "for=127.0.0.1, for={ip}"),
    "X-Real-IP": ("{ip}",),
    "True-Client-IP": ("{ip}",),
    "CF-Connecting-IP": ("{ip}",),
    "X-Client-IP": ("{ip}",),
    "X-Originating-IP": ("{ip}",),
}
SPELLINGS = (str, str.lower, str.upper)  # header names are case-insensitive; try three spellings


def forged_header_sets(ip: str) -> list[dict[str, str]]:
    """Every forwarding header alone (each value form, each spelling), then all of them together."""
    sets = [{spell(name): form.format(ip=ip)} for name, forms in FORWARDING_HEADERS.items()
            for form in forms for spell in SPELLINGS]
    sets.append({name: forms[0].format(ip=ip) for name, forms in FORWARDING_HEADERS.items()})
    return sets


FORGED_SETS_PER_EXCHANGE = len(forged_header_sets(FOREIGN_IP))  # 34, quoted on the testing page


RATE_LIMIT = 100_000  # per window: these tests send hundreds of calls per key; rate limits are not their subject


@pytest.fixture(scope="module")
def net() -> Localnet:
    """This module's localnet, with the per-key and per-endpoint rate limits out of the way."""
    with start(rate_limit=RATE_LIMIT) as running:
        yield running


def port_of(url: str) -> int:
    return int(url.rsplit(":", 1)[1])


# ---- 1. loopback only --------------------------------------------------------------------------

def local_addresses() -> list[str]:
    """This machine's own addresses other than loopback (IPv4 from the kernel's FIB, global IPv6)."""
    found: list[str] = []
    try:
        lines = Path("/proc/net/fib_trie").read_text().splitlines()
    except OSError:
        lines = []
    for previous, line in zip(lines, lines[1:]):
        if line.strip() == "/32 host LOCAL":
            address = previous.split()[-1]
            if not address.startswith("127.") and address not in found:
                found.append(address)
    try:
        rows = Path("/proc/net/if_inet6").read_text().splitlines()
    except OSError:
        rows = []
    for row in rows:
        raw, _, _, scope, *_ = row.split()
        if scope == "00":  # global scope; ::1 has scope 10, link-local 20
            found.append(socket.inet_ntop(socket.AF_INET6, bytes.fromhex(raw)))
    return found


def reachable(address: str) -> bool:
    """Whether a socket listening on every address can be reached through `address` (the control)."""
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as listener:
        listener.bind(("::" if family == socket.AF_INET6 else "0.0.0.0", 0))
        listener.listen(1)
        try:
            with socket.create_connection((address, listener.getsockname()[1]), timeout=5):
                return True
        except OSError:
            return False


def assert_refused_elsewhere(ports: list[int]) -> int:
    """Connecting to each port through every non-loopback local address (and ::1) is refused.
    Returns how many (address, port) pairs were tried."""
    tried = 0
    for address in [*local_addresses(), "::1"]:
        if not reachable(address):
            continue  # this sandbox cannot reach itself there, so a refusal would prove nothing
        for port in ports:
            with pytest.raises(OSError):
                socket.create_connection((address, port), timeout=5).close()
            tried += 1
    return tried


def test_in_process_servers_listen_on_loopback_only_and_ignore_proxy_headers(net: Localnet):
    assert len(net._servers) == len(EXCHANGE_NAMES) + 1  # the exchanges and the management page
    ports = []
    for running in net._servers:
        config = running.server.config
        assert config.host == "127.0.0.1"
        assert config.proxy_headers is False and config.forwarded_allow_ips == []
        app, depth = config.loaded_app, 0
        while app is not None and depth < 10:  # no ProxyHeadersMiddleware anywhere in the stack
            assert type(app).__name__ != "ProxyHeadersMiddleware"
            app, depth = getattr(app, "app", None), depth + 1
        sockets = [s for listener in running.server.servers for s in listener.sockets]
        assert sockets, running.name
        for sock in sockets:
            assert sock.family == socket.AF_INET and sock.getsockname()[0] == "127.0.0.1", running.name
            ports.append(sock.getsockname()[1])
        assert running.url == f"http://127.0.0.1:{ports[-1]}"
    for port in ports:  # the control: loopback itself connects
        socket.create_connection(("127.0.0.1", port), timeout=5).close()
    assert_refused_elsewhere(ports)


def test_serve_offers_no_way_to_listen_elsewhere():
    serve_help = parser()._subparsers._group_actions[0].choices["serve"].format_help()
    for word in ("--host", "--bind", "--listen", "--address", "--interface", "0.0.0.0"):
        assert word not in serve_help
    for option in ("--host", "--bind"):
        with pytest.raises(SystemExit):
            parser().parse_args(["serve", option, "0.0.0.0"])
    assert localnet_server.HOST == "127.0.0.1"
    # neither the server class nor start_servers takes an address to listen on
    assert "host" not in inspect.signature(localnet_server.ExchangeServer).parameters
    assert "host" not in inspect.signature(localnet_server.start_servers).parameters


def listening_sockets(pid: int) -> set[tuple[str, int]]:
    """(address, port) of every TCP socket process `pid` listens on, from /proc."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    found = set()
    for table, family in (("tcp", socket.AF_INET), ("tcp6", socket.AF_INET6)):
        for row in Path(f"/proc/{pid}/net/{table}").read_text().splitlines()[1:]:
            fields = row.split()
            local, state, inode = fields[1], fields[3], fields[9]
            if state != "0A" or inode not in inodes:  # 0A = LISTEN
                continue
            raw, port = local.split(":")
            words = bytes.fromhex(raw)  # 32-bit words in the kernel's (little-endian) byte order
            packed = b"".join(words[i:i + 4][::-1] for i in range(0, len(words), 4))
            found.add((socket.inet_ntop(family, packed), int(port, 16)))
    return found


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """`python -m localnet serve` in a subprocess with umask 0 and $FORWARDED_ALLOW_IPS=* (both must
    change nothing), its db in a folder it has to make itself; stdout and stderr go to files."""
    home = tmp_path_factory.mktemp("served")
    db, port_file = home / "made" / "net.db", home / "run" / "ports.json"
    out, err = (home / "stdout.txt").open("w"), (home / "stderr.txt").open("w")
    env = {**os.environ, "FORWARDED_ALLOW_IPS": "*", "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "localnet", "serve", "--db", str(db), "--base-port", "0",
                             "--port-file", str(port_file), "--rate-limit", str(RATE_LIMIT)],
                            cwd=ROOT, stdout=out, stderr=err, env=env, umask=0)
    try:
        deadline = time.monotonic() + 60
        while (home / "stdout.txt").read_text().count("\n") < len(EXCHANGE_NAMES) + 1:
            assert proc.poll() is None, (home / "stderr.txt").read_text()
            assert time.monotonic() < deadline, "serve did not start in 60 s"
            time.sleep(0.05)
        urls = json.loads(port_file.read_text())
        net = Localnet(urls, db)
        yield {"proc": proc, "db": db, "port_file": port_file, "urls": urls, "home": home, "net": net}
        net.stop()
    finally:
        proc.terminate()
        proc.wait(30)
        out.close()
        err.close()


def test_serve_listens_on_loopback_only(served):
    ports = [port_of(url) for url in served["urls"].values()]
    assert listening_sockets(served["proc"].pid) == {("127.0.0.1", port) for port in ports}
    assert_refused_elsewhere(ports)


def test_serve_ignores_forwarding_headers_even_with_forwarded_allow_ips_set(served):
    net = served["net"]
    for exchange in EXCHANGE_NAMES:
        key = new_key(net, exchange, ips=(FOREIGN_IP,))
        assert_ip_refused(exchange, prepare_read(net, exchange, key).send(forged_header_sets(FOREIGN_IP)[-1]))


# ---- 2. forwarded IPs ----------------------------------------------------------------------------

@pytest.mark.parametrize("exchange", EXCHANGE_NAMES)
def test_forwarding_headers_cannot_pass_an_ip_allow_list(net: Localnet, exchange):
    key = new_key(net, exchange, ips=(FOREIGN_IP,))
    sets = forged_header_sets(FOREIGN_IP)
    for extra in sets:
        response = prepare_read(net, exchange, key).send(extra)
        try:
            assert_ip_refused(exchange, response)
        except AssertionError as exc:
            raise AssertionError(f"{exchange} with {extra}: {exc}") from None
    log = net.activity(key["id"])
    assert len(log) == len(sets)
    assert {(e["client_ip"], e["outcome"]) for e in log} == {("127.0.0.1", "error")}


@pytest.mark.parametrize("exchange", EXCHANGE_NAMES)
def test_forwarding_headers_cannot_lock_out_an_allowed_peer(net: Localnet, exchange):
    key = new_key(net, exchange, ips=("127.0.0.1",))
    for extra in forged_header_sets(FOREIGN_IP)[::3]:  # each header once, and all together
        response = prepare_read(net, exchange, key).send(extra)
        assert accepted(exchange, response), (extra, response.text)
    assert {e["client_ip"] for e in net.activity(key["id"])} == {"127.0.0.1"}


def test_forwarding_headers_cannot_dodge_the_per_ip_weight_limit(net: Localnet):
    """Binance counts request weight per IP; a new X-Forwarded-For each time is still the same IP."""
    base = net.url("binance")
    used = []
    for i in range(5):
        headers = {"X-Forwarded-For": f"198.51.100.{i}", "X-Real-IP": f"198.51.100.{i}"}
        used.append(int(httpx.get(base + "/api/v3/ping", headers=headers).headers["X-MBX-USED-WEIGHT-1M"]))
    assert used == list(range(used[0], used[0] + 5))


def test_the_manage_page_ignores_forwarding_headers(net: Localnet):
    base, port = net.url("manage"), port_of(net.url("manage"))
    for forged in ({"X-Forwarded-Host": f"127.0.0.1:{port}"}, {"Forwarded": f'host="127.0.0.1:{port}"'},
                   {"X-Forwarded-Server": f"127.0.0.1:{port}"}, {"X-Host": f"127.0.0.1:{port}"}):
        r = httpx.get(base + "/api/keys", headers={"Host": f"evil.example:{port}", **forged})
        assert r.status_code == 421, (forged, r.text)
    forged = {"X-Forwarded-Host": "evil.example", "X-Forwarded-For": FOREIGN_IP, "X-Forwarded-Proto": "https"}
    assert httpx.get(base + "/api/keys", headers=forged).status_code == 200
    # a refused call made with a forged header shows the real peer on the page's activity list
    key = new_key(net, "okx", ips=(FOREIGN_IP,))
    prepare_read(net, "okx", key).send({"X-Forwarded-For": FOREIGN_IP})
    entries = httpx.get(base + "/api/activity", params={"key": key["id"]}).json()["entries"]
    assert [e["client_ip"] for e in entries] == ["127.0.0.1"]


# ---- 3. secrets never appear ---------------------------------------------------------------------

def secret_forms(secret: str) -> set[str]:
    """The secret as it might leak: raw, URL-, JSON-, base64- and hex-encoded, in both cases; for a
    base64 secret also its decoded bytes in hex; for a PEM its base64 body and each body line."""
    raw = secret.encode()
    forms = {secret, secret.lower(), secret.upper(), quote(secret, safe=""), quote_plus(secret),
             json.dumps(secret)[1:-1], base64.b64encode(raw).decode(),
             base64.urlsafe_b64encode(raw).decode().rstrip("="),
             raw.hex(), raw.hex().upper()}
    if "-----BEGIN" in secret:
        body = [line.strip() for line in secret.splitlines() if line.strip() and "-----" not in line]
        forms |= {"".join(body), *(line for line in body if len(line) >= 40)}
        decoded = base64.b64decode("".join(body))
    else:
        try:
            decoded = base64.b64decode(secret, validate=True)
        except ValueError:
            decoded = b""
    if len(decoded) >= 16:
        forms |= {decoded.hex(), decoded.hex().upper(), base64.urlsafe_b64encode(decoded).decode().rstrip("=")}
    return {form for form in forms if len(form) >= 12}


def key_secrets(key: dict) -> dict[str, str]:
    """What must stay secret about a key: its shared secret, passphrase or private key."""
    return {name: key[name] for name in ("secret", "passphrase", "private_key") if key.get(name)}


def leaks(text: str, made: list[dict]) -> list[str]:
    """Which secrets of the keys in `made` appear in `text`, in any form (empty: none)."""
    return [f"key {key['id']} {name}" for key in made for name, value in key_secrets(key).items()
            if any(form in text for form in secret_forms(value))]


@pytest.fixture(scope="module")
def secret_keys(net: Localnet) -> list[dict]:
    """One key of every kind that has something secret: HMAC secrets on all four HMAC exchanges (OKX
    with its passphrase, Kraken's base64), and Coinbase's Ed25519 and ECDSA pairs made by localnet."""
    made = [net.create_key(name, permissions=("read", "trade")) for name in ("binance", "bybit", "okx", "kraken")]
    made += [net.create_key("coinbase", type=kind, permissions=("read", "trade")) for kind in ("ed25519", "ecdsa")]
    return made


def bad_requests(net: Localnet, key: dict, other: dict) -> list[Prepared]:
    """Requests with `key` that fail: a wrong signature (signed with `other`'s secret or private key),
    OKX's wrong passphrase, a stale timestamp, a wrong path in a JWT."""
    exchange = key["exchange"]
    wrong = {**key, **{name: other[name] for name in ("secret", "private_key") if other.get(name)}}
    out = [prepare_read(net, exchange, wrong)]
    if exchange == "okx":
        out.append(prepare_read(net, exchange, {**key, "passphrase": other["passphrase"]}))
    if exchange != "kraken":
        out.append(prepare_read(net, exchange, key, now_ms=int(time.time() * 1000) - 3_600_000))
    return out


def expected_signature(request: Prepared, key: dict) -> str | None:
    """The signature the server computes for `request` with the key's real secret (None for JWTs)."""
    exchange, headers = key["exchange"], request.headers
    if exchange == "binance":
        query = request.url.split("?", 1)[1].rsplit("&signature=", 1)[0]
        return support.hmac_hex(key["secret"], query)
    if exchange == "bybit":
        plain = headers["X-BAPI-TIMESTAMP"] + key["api_key"] + headers.get("X-BAPI-RECV-WINDOW", "")
        return support.hmac_hex(key["secret"], plain)
    if exchange == "okx":
        path = "/" + request.url.split("/", 3)[3]
        return okx_recipe.sign(key["secret"], okx_recipe.prehash(headers["OK-ACCESS-TIMESTAMP"], "GET", path))
    if exchange == "kraken":
        body = request.body.decode()
        nonce = dict(pair.split("=") for pair in body.split("&"))["nonce"]
        return kraken_recipe.sign(key["secret"], "/0/private/Balance", nonce, body)
    return None


def exercise(net: Localnet, made: list[dict]) -> list[str]:
    """Good and bad calls with every key; returns the text of every answer (bodies and headers)."""
    answers = []
    for key in made:
        twin = net.create_key(key["exchange"], type=key["type"])  # its secret signs the wrong signatures
        good = prepare_read(net, key["exchange"], key).send()
        assert accepted(key["exchange"], good), good.text
        answers.append(good.text + json.dumps(dict(good.headers)))
        for request in bad_requests(net, key, twin):
            bad = request.send()
            assert not accepted(key["exchange"], bad)
            text = bad.text + json.dumps(dict(bad.headers))
            signature = expected_signature(request, key)
            assert signature is None or signature not in text, f"{key['exchange']} echoes the expected signature"
            answers.append(text)
    return answers


def test_error_answers_never_show_a_secret_or_the_expected_signature(net: Localnet, secret_keys):
    answers = exercise(net, secret_keys)
    assert len(answers) == 6 + 6 + 1 + 5  # good, wrong signature, OKX passphrase, stale (not Kraken)
    for text in answers:
        assert not leaks(text, secret_keys), text


def test_secrets_are_not_in_listings(net: Localnet, secret_keys, capsys):
    exercise(net, secret_keys[:1])
    db = str(net.db_path)
    for argv in (["keys", "list"], ["keys", "list", "--json"], ["log"], ["log", "--json"]):
        assert cli_main([*argv, "--db", db]) == 0
    printed = capsys.readouterr().out
    assert all(key["api_key"] in printed for key in secret_keys)  # the listing did list them
    manage = Manage(net.url("manage"))
    try:
        page = [manage.get(path).text for path in ("/api/keys", "/api/activity", "/api/exchanges", "/api/session")]
    finally:
        manage.close()
    stored = core_keys.list_keys(net.store)
    texts = [printed, *page, json.dumps([k.public_dict() for k in stored]), repr(stored), str(stored),
             json.dumps(net.activity())]
    for text in texts:
        assert not leaks(text, secret_keys), text[:500]


def test_secrets_are_not_in_the_in_process_logs(net: Localnet, secret_keys, caplog):
    caplog.set_level(logging.DEBUG)
    for name in ("localnet", "localnet.manage", "uvicorn", "uvicorn.error", "uvicorn.access"):
        caplog.set_level(logging.DEBUG, logger=name)
    exercise(net, secret_keys)
    garbage = f"GET /?{secret_keys[0]['secret']} HTTP/1.1\r\nBad {secret_keys[0]['secret']}\r\n\r\n".encode()
    with socket.create_connection(("127.0.0.1", port_of(net.url("binance"))), timeout=5) as sock:
        sock.sendall(garbage)
        assert sock.recv(4096).startswith(b"HTTP/1.1 400")
    server_side = [r for r in caplog.records if not r.name.startswith(("httpx", "httpcore"))]
    assert any("Invalid HTTP request" in r.getMessage() for r in server_side)  # the capture works
    text = "\n".join(f"{r.getMessage()} {r.exc_text or ''} {r.args!r}" for r in server_side)
    assert not leaks(text, secret_keys)


def test_secrets_are_not_in_the_serve_logs(served):
    net = served["net"]
    made = [net.create_key(name, permissions=("read",)) for name in ("binance", "bybit", "okx", "kraken")]
    made.append(net.create_key("coinbase", type="ed25519"))
    made.append(net.create_key("coinbase", type="ecdsa"))
    exercise(net, made)
    with socket.create_connection(("127.0.0.1", port_of(served["urls"]["okx"])), timeout=5) as sock:
        sock.sendall(f"POST /{made[2]['secret']} HTTP/1.1\r\nOK-ACCESS-PASSPHRASE {made[2]['passphrase']}\r\n\r\n"
                     .encode())
        assert sock.recv(4096).startswith(b"HTTP/1.1 400")
    logs = (served["home"] / "stdout.txt").read_text() + (served["home"] / "stderr.txt").read_text()
    assert "Invalid HTTP request" in logs and "binance http://127.0.0.1:" in logs  # both streams captured
    assert not leaks(logs, made)


def test_the_activity_log_keeps_no_request_parameters(net: Localnet, secret_keys):
    """A careless user pastes the secret into a parameter. The log keeps method and path (as the
    exchanges' own account pages show calls), so the secret is not stored, and Binance's answer
    names the surplus parameter count, not its value."""
    key = secret_keys[0]
    query = f"timestamp={int(time.time() * 1000)}&note={quote(key['secret'])}"
    query += "&signature=" + support.hmac_hex(key["secret"], query)
    r = httpx.get(f"{net.url('binance')}/api/v3/account?{query}", headers={"X-MBX-APIKEY": key["api_key"]})
    assert r.status_code == 400 and not leaks(r.text, [key])
    last = net.activity(key["id"])[-1]
    assert last["path"] == "/api/v3/account" and not leaks(json.dumps(last), [key])


def test_the_database_keeps_secrets_only_where_the_server_needs_them(net: Localnet, secret_keys):
    """HMAC secrets and OKX's passphrase stay in the keys row (the server must compute the HMAC and
    compare the passphrase); nothing else in any table holds them. Coinbase's private keys, made by
    localnet and shown once, are nowhere, not even in the raw database and WAL files."""
    exercise(net, secret_keys)
    db = net.store.db
    tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    assert "keys" in tables and "activity" in tables
    for table in tables:
        for row in db.execute(f"SELECT * FROM {table}").fetchall():
            values = dict(row)
            for key in secret_keys:
                for name, value in key_secrets(key).items():
                    where = [column for column, cell in values.items()
                             if isinstance(cell, str) and any(form in cell for form in secret_forms(value))]
                    if table == "keys" and values["id"] == key["id"] and name in ("secret", "passphrase"):
                        assert where == [name], (table, name, where)
                    else:
                        assert where == [], (table, key["id"], name, where)
    raw = b"".join(p.read_bytes() for p in (net.db_path, Path(f"{net.db_path}-wal")) if p.exists())
    for key in secret_keys:
        if key.get("private_key"):
            assert key.get("secret") is None
            assert not any(form.encode() in raw for form in secret_forms(key["private_key"]))


def test_key_reprs_hide_the_secret(net: Localnet, secret_keys):
    okx = next(k for k in secret_keys if k["exchange"] == "okx")
    stored = core_keys.get(net.store, okx["id"])
    assert stored.secret == okx["secret"] and stored.passphrase == okx["passphrase"]
    assert okx["secret"] not in repr(stored) and okx["passphrase"] not in repr(stored)
    spec = core_keys.KeySpec(secret="s3cr3t-value", passphrase="pass-value", private_key="private-value")
    assert not any(word in repr(spec) for word in ("s3cr3t-value", "pass-value", "private-value"))


# ---- 4. file modes ----------------------------------------------------------------------------------

def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def sqlite_files(db: Path) -> list[Path]:
    return [db, Path(f"{db}-wal"), Path(f"{db}-shm")]


def test_start_makes_private_files_even_with_umask_zero(tmp_path):
    db = tmp_path / "new" / "folder" / "net.db"
    old = os.umask(0)
    try:
        with start(db=db) as net:
            net.create_key("binance")  # a write: the -wal and -shm files exist while connections are open
            assert all(p.exists() for p in sqlite_files(db))
            assert {str(p.name): mode(p) for p in sqlite_files(db)} == {p.name: 0o600 for p in sqlite_files(db)}
            assert mode(db.parent) == 0o700
    finally:
        os.umask(old)


def test_serve_makes_private_files_even_with_umask_zero(served):
    db, port_file = served["db"], served["port_file"]
    served["net"].create_key("kraken")
    assert {p.name: mode(p) for p in sqlite_files(db)} == {p.name: 0o600 for p in sqlite_files(db)}
    assert mode(port_file) == 0o600
    assert mode(db.parent) == 0o700 and mode(port_file.parent) == 0o700
    assert not [p for p in served["home"].rglob("*.log")]  # serve writes no log files; it logs to stderr


def test_an_existing_database_with_loose_modes_is_tightened(tmp_path, caplog):
    db = tmp_path / "loose.db"
    Store(db).close()
    for path in sqlite_files(db):
        if path.exists():
            path.chmod(0o644)
    db.chmod(0o666)
    caplog.set_level(logging.WARNING, logger="localnet")
    store = Store(db)
    try:
        core_keys.create_key(store, "binance", core_keys.KeySpec(), now_ms=0, funding={})
        assert {p.name: mode(p) for p in sqlite_files(db)} == {p.name: 0o600 for p in sqlite_files(db)}
    finally:
        store.close()
    assert any(str(db) in r.getMessage() and "0600" in r.getMessage() for r in caplog.records)


# ---- 5. constant-time comparisons -------------------------------------------------------------

SENSITIVE = re.compile(r"sign|secret|passphrase|token|digest|mac|jwt|password|csrf", re.IGNORECASE)


def _sensitive_names(node: ast.AST) -> list[str]:
    """Names in `node` that sound secret, skipping len(...) and `... is None` (neither compares content)."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "len":
        return []
    if isinstance(node, ast.Compare) and all(isinstance(op, (ast.Is, ast.IsNot)) for op in node.ops):
        return []
    own = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else ""
    found = [own] if own and not own.isupper() and SENSITIVE.search(own) else []  # CONSTANTS are not secrets
    for child in ast.iter_child_nodes(node):
        found += _sensitive_names(child)
    return found


def content_comparisons(source: str) -> list[tuple[int, str]]:
    """(line, code) of every ==, !=, in or not in whose operands name a signature, secret, token..."""
    out = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Compare) and any(isinstance(op, (ast.Eq, ast.NotEq, ast.In, ast.NotIn))
                                                  for op in node.ops):
            if any(_sensitive_names(part) for part in [node.left, *node.comparators]):
                out.append((node.lineno, ast.unparse(node)))
    return out


def test_the_scan_finds_plain_comparisons_of_secrets():
    code = ("if signature == expected: pass\nif key.secret != given: pass\nif token in seen: pass\n"
            "ok = hmac.new(k, m, 'sha256').hexdigest() == sig\n"
            "if len(secret) != 64 or secret is None: pass\nif (a.secret is None) != (b is None): pass\n"
            "if len(decode(spec.secret)) != SECRET_BYTES: pass\n")
    assert [line for line, _ in content_comparisons(code)] == [1, 2, 3, 4]


def test_localnet_never_compares_secrets_with_plain_equality():
    files = sorted(LOCALNET.rglob("*.py"))
    assert len(files) > 40
    found = [f"{path.relative_to(ROOT)}:{line}: {code}" for path in files
             for line, code in content_comparisons(path.read_text())]
    assert found == []


@pytest.fixture
def compared(monkeypatch) -> list[tuple[bytes, bytes]]:
    """Every pair hmac.compare_digest sees (localnet's server threads run in this process)."""
    calls: list[tuple[bytes, bytes]] = []
    original = hmac.compare_digest

    def as_bytes(value) -> bytes:
        return value.encode("latin-1") if isinstance(value, str) else bytes(value)

    def recording(a, b):
        calls.append((as_bytes(a), as_bytes(b)))
        return original(a, b)

    monkeypatch.setattr(hmac, "compare_digest", recording)
    return calls


@pytest.mark.parametrize("exchange", ["binance", "bybit", "okx", "kraken"])
def test_signature_checks_go_through_compare_digest(net: Localnet, exchange, compared):
    key = new_key(net, exchange)
    request = prepare_read(net, exchange, key)
    assert accepted(exchange, request.send())
    signature = expected_signature(request, key).encode()
    assert (signature, signature) in compared, compared
    if exchange == "okx":
        assert (key["passphrase"].encode(),) * 2 in compared
    compared.clear()
    twin = new_key(net, exchange)
    bad = prepare_read(net, exchange, {**key, "secret": twin["secret"]})
    assert not accepted(exchange, bad.send())
    expected = expected_signature(bad, key).encode()  # what the server computes, compared with the wrong one
    assert any(expected in pair and pair[0] != pair[1] for pair in compared), compared


def test_the_csrf_token_check_goes_through_compare_digest(net: Localnet, compared):
    manage = Manage(net.url("manage"))
    try:
        assert manage.post("/api/keys", {"exchange": "binance"}).status_code == 201
    finally:
        manage.close()
    assert (manage.token.encode(), manage.token.encode()) in compared


# ---- 6. the management page: what test_manage_api.py does not already try ------------------------

@pytest.fixture
def manage(net: Localnet):
    client = Manage(net.url("manage"))
    yield client
    client.close()


def key_count(net: Localnet) -> int:
    return len(core_keys.list_keys(net.store))


def raw_http(port: int, request: bytes) -> tuple[int, bytes]:
    """Send these exact bytes; (status, body) of the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


@pytest.mark.parametrize("origin", ["http://evil.example", "null", "http://127.0.0.1:1", "http://localhost"])
def test_a_cross_origin_read_without_fetch_metadata_is_refused(manage: Manage, origin):
    """An older browser sends no Sec-Fetch-Site but does send Origin on a cross-origin fetch."""
    for path in ("/api/keys", "/api/activity", "/api/session"):
        r = manage.get(path, headers={"Origin": origin})
        assert r.status_code == 403 and r.json()["error"] == "cross_site", (path, r.text)
        assert "access-control-allow-origin" not in r.headers and "set-cookie" not in r.headers
    assert manage.get("/api/keys", headers={"Origin": manage.base}).status_code == 200  # its own origin


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded",
                                          "multipart/form-data; boundary=x"])
def test_a_cross_site_form_post_is_refused(manage: Manage, net: Localnet, content_type):
    """What an HTML form on another site can send: its own Origin, a simple content type, no custom
    header; even with the CSRF cookie attached (a browser that ignores SameSite)."""
    port = port_of(manage.base)
    before = key_count(net)
    for origin in ("http://evil.example", "null", None):
        headers = {"Content-Type": content_type, "Cookie": f"{cookie_name(port)}={manage.token}"}
        if origin:
            headers["Origin"] = origin
        r = httpx.post(manage.base + "/api/keys", content=b'{"exchange": "binance", "x": "="}', headers=headers)
        assert r.status_code == 403, r.text
    assert key_count(net) == before


def test_cross_site_fetch_metadata_refuses_even_a_post_with_the_token(manage: Manage, net: Localnet):
    before = key_count(net)
    for site in ("cross-site", "same-site"):
        r = manage.post("/api/keys", {"exchange": "binance"}, sec_fetch_site=site)
        assert r.status_code == 403 and r.json()["error"] == "cross_site"
    assert key_count(net) == before
    assert manage.post("/api/keys", {"exchange": "binance"}, sec_fetch_site="same-origin").status_code == 201


@pytest.mark.parametrize("host", ["127.0.0.1.nip.io:{port}", "localtest.me:{port}", "2130706433:{port}",
                                  "0x7f000001:{port}", "127.1:{port}", "localhost.:{port}", "[::ffff:127.0.0.1]:{port}",
                                  "127.0.0.1:{port}@evil.example", "127.0.0.1:0{port}"])
def test_dns_rebinding_style_hosts_are_refused(manage: Manage, host):
    """Names and spellings that resolve to (or mean) 127.0.0.1 but are not this server's own Host."""
    r = manage.get("/api/keys", headers={"Host": host.format(port=port_of(manage.base))})
    assert r.status_code == 421 and r.json()["error"] == "wrong_host"


def test_repeated_host_or_origin_headers_are_refused(manage: Manage, net: Localnet):
    port = port_of(manage.base)
    status, body = raw_http(port, (f"GET /api/keys HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nHost: evil.example\r\n"
                                   "Connection: close\r\n\r\n").encode())
    assert status in (400, 421) and b"api_key_masked" not in body
    before = key_count(net)
    payload = b'{"exchange": "binance"}'
    for origins in ((manage.base, "http://evil.example"), (manage.base, manage.base)):
        request = (f"POST /api/keys HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                   + "".join(f"Origin: {o}\r\n" for o in origins)
                   + f"X-CSRF-Token: {manage.token}\r\nCookie: {cookie_name(port)}={manage.token}\r\n"
                   f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\nConnection: close\r\n\r\n")
        status, _ = raw_http(port, request.encode() + payload)
        assert status == 403
    assert key_count(net) == before


def test_method_override_headers_change_nothing(manage: Manage, net: Localnet):
    before = key_count(net)
    for name in ("X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override"):
        r = manage.http.get("/api/keys", headers={name: "POST"})
        assert r.status_code == 200 and "keys" in r.json()
        r = manage.post("/api/keys/1/revoke", {}, x_csrf_token=None, **{name.lower().replace("-", "_"): "GET"})
        assert r.status_code == 403
    assert key_count(net) == before
