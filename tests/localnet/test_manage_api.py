"""localnet's key-management server (manage, port 8100), through its JSON API with httpx.

What it must do: create, list, revoke and rotate keys with the same rules as the CLI; show a
secret in exactly one answer; serve the activity log newest first. What it must refuse: a
state-changing request without this server's Origin and CSRF token, any request whose Host is
not its own, and bad input, always with a 4xx JSON answer and never a 500.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from localnet.__main__ import _ports, parser
from localnet.client import Localnet, start
from localnet.core import keys as core_keys
from localnet.exchanges import EXCHANGES
from localnet.manage.security import SECURITY_HEADERS, CsrfTokens, cookie_name
from tests.localnet import bybit_support
from tests.localnet.manage_support import Manage, binance_account, new_pair, read_call

ROOT = Path(__file__).resolve().parents[2]
SECRET_FIELDS = ("secret", "passphrase", "private_key")


@pytest.fixture
def manage(net: Localnet):
    client = Manage(net.url("manage"))
    yield client
    client.close()


def port_of(net: Localnet) -> int:
    return int(net.url("manage").rsplit(":", 1)[1])


def key_count(net: Localnet) -> int:
    return len(core_keys.list_keys(net.store))


def assert_problem(response: httpx.Response, status: int, error: str | None = None) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert set(body) == {"error", "message"} and body["message"], body
    if error is not None:
        assert body["error"] == error, body
    for name, value in SECURITY_HEADERS.items():
        assert response.headers[name] == value
    return body


# ---- where it runs ---------------------------------------------------------------------------

def test_start_runs_the_manage_server_on_127_0_0_1_beside_the_exchanges(net: Localnet):
    assert list(net.urls)[-1] == "manage" and list(net.exchange_urls) == list(EXCHANGES)
    assert net.url("manage").startswith("http://127.0.0.1:")
    manage_server = net._servers[-1]
    assert manage_server.name == "manage"
    assert {s.getsockname()[0] for srv in manage_server.server.servers for s in srv.sockets} == {"127.0.0.1"}
    # it is no exchange: its port answers nothing an exchange would
    assert httpx.get(net.url("manage") + "/api/v3/time").status_code == 404


def test_page_and_its_files_carry_the_security_headers(net: Localnet):
    base = net.url("manage")
    for path, media in [("/", "text/html"), ("/static/manage.js", "text/javascript"),
                        ("/static/manage.css", "text/css"), ("/static/favicon.svg", "image/svg+xml"),
                        ("/api/exchanges", "application/json")]:
        r = httpx.get(base + path)
        assert r.status_code == 200, path
        assert r.headers["content-type"].startswith(media)
        for name, value in SECURITY_HEADERS.items():
            assert r.headers[name] == value, (path, name)
    csp = SECURITY_HEADERS["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "default-src 'none'" in csp and "http" not in csp
    page = httpx.get(base + "/").text
    assert "<script>" not in page and " style=" not in page and "http" not in page.split("<body>")[1]
    for path in ["/static/../server.py", "/static/index.html.bak", "/static/%2e%2e/app.py", "/nope"]:
        assert_problem(httpx.get(base + path), 404)


def test_exchanges_describe_their_key_types_from_their_own_rules(manage: Manage):
    described = {e["name"]: e for e in manage.get("/api/exchanges").json()["exchanges"]}
    assert list(described) == list(EXCHANGES)
    for name, module in EXCHANGES.items():
        assert [t["type"] for t in described[name]["key_types"]] == list(module.KEY_TYPES)
    generated = {(n, t["type"]) for n, e in described.items() for t in e["key_types"] if t["generates_pair"]}
    assert generated == {("coinbase", "ecdsa"), ("coinbase", "ed25519")}
    assert {n for n, e in described.items() if e["uses_passphrase"]} == {"okx"}
    assert {n for n, e in described.items() if e["always_read"]} == {"bybit", "okx"}
    assert described["coinbase"]["default_type"] == "ecdsa"
    assert described["binance"]["permission_names"]["withdraw"] == "enableWithdrawals"


# ---- the key lifecycle -----------------------------------------------------------------------

def test_create_use_rotate_revoke_and_read_the_log(net: Localnet, manage: Manage):
    made = manage.create(exchange="binance", label="price bot", permissions=["read", "trade"],
                         ips=["127.0.0.1", "10.0.0.0/8"], type="hmac")
    key = made["key"]
    assert made["shown_once"] is True and "only this once" in made["warning"]
    assert len(made["secret"]) == 64 and made["passphrase"] is None and made["private_key"] is None
    assert key["label"] == "price bot" and key["permissions"] == ["read", "trade"]
    assert key["ips"] == ["127.0.0.1/32", "10.0.0.0/8"] and key["status"] == "active" and key["last_used"] is None
    assert key["api_key_masked"] == f"{made['api_key'][:4]}…{made['api_key'][-4:]} (64 characters)"

    # The list shows the key, never its secret or whole API key.
    listed = [k for k in manage.keys("binance") if k["id"] == key["id"]]
    assert listed == [key]
    assert all(k["exchange"] == "binance" for k in manage.keys("binance"))
    listing = manage.get("/api/keys").text
    assert made["secret"] not in listing and made["api_key"] not in listing

    base = net.url("binance")
    assert binance_account(base, made["api_key"], made["secret"]).status_code == 200
    assert [k for k in manage.keys() if k["id"] == key["id"]][0]["last_used"] is not None

    rotated = manage.post(f"/api/keys/{key['id']}/rotate", {})
    assert rotated.status_code == 200, rotated.text
    new_secret = rotated.json()["secret"]
    assert len(new_secret) == 64 and new_secret != made["secret"] and rotated.json()["api_key"] == made["api_key"]
    old = binance_account(base, made["api_key"], made["secret"])
    assert old.status_code == 400 and old.json()["code"] == -1022
    assert binance_account(base, made["api_key"], new_secret).status_code == 200

    revoked = manage.post(f"/api/keys/{key['id']}/revoke", {})
    assert revoked.status_code == 200 and revoked.json()["key"]["status"] == "revoked"
    refused = binance_account(base, made["api_key"], new_secret)
    assert refused.status_code == 401 and refused.json()["code"] == -2015
    assert_problem(manage.post(f"/api/keys/{key['id']}/revoke", {}), 409, "revoked")
    assert_problem(manage.post(f"/api/keys/{key['id']}/rotate", {}), 409, "revoked")

    # The log: this key's four calls, newest first, with what was refused and why.
    log = manage.log(key["id"])
    assert [(e["method"], e["path"], e["http_status"], e["outcome"], e["error_code"]) for e in log] == [
        ("GET", "/api/v3/account", 401, "error", -2015),
        ("GET", "/api/v3/account", 200, "ok", None),
        ("GET", "/api/v3/account", 400, "error", -1022),
        ("GET", "/api/v3/account", 200, "ok", None),
    ]
    assert all(e["key_id"] == key["id"] and e["client_ip"] == "127.0.0.1" and e["exchange"] == "binance"
               and e["time"].endswith(" UTC") for e in log)
    assert [e["id"] for e in log] == sorted((e["id"] for e in log), reverse=True)
    assert manage.log(key["id"], limit=1) == log[:1]
    assert log[0] in manage.log()


def test_a_secret_appears_only_in_the_answer_that_made_it(net: Localnet, manage: Manage, caplog):
    caplog.set_level(logging.DEBUG)
    made = manage.create(exchange="okx", label="once", permissions=["read"])
    rotated = manage.post(f"/api/keys/{made['key']['id']}/rotate", {}).json()
    secrets = [made["secret"], made["passphrase"], rotated["secret"]]
    assert all(secrets) and rotated["passphrase"] is None  # the passphrase is not shown a second time
    assert read_call(net, {**made, "secret": rotated["secret"]})[0]
    base = net.url("manage")
    for path in ["/", "/static/manage.js", "/api/keys", "/api/keys?exchange=okx", "/api/activity",
                 f"/api/activity?key={made['key']['id']}", "/api/exchanges", "/api/session"]:
        body = httpx.get(base + path).text
        assert not any(secret in body for secret in secrets), path
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert not any(secret in logged for secret in secrets)
    rows = net.store.db.execute("SELECT * FROM activity").fetchall()
    assert not any(secret in json.dumps([list(r) for r in rows]) for secret in secrets)


def pem_for(exchange: str, key_type: str) -> tuple[str | None, str | None]:
    """(private PEM the test signs with, public PEM to paste) for the types where you bring the pair."""
    if exchange == "bybit" and key_type == "rsa":
        return None, bybit_support.PUBLIC_PEM  # the Bybit client signs with this pair's private half
    if key_type in ("ed25519", "rsa") and exchange != "coinbase":
        return new_pair(key_type)
    return None, None


ALL_TYPES = [(name, key_type) for name, module in EXCHANGES.items() for key_type in module.KEY_TYPES]


@pytest.mark.parametrize(("exchange", "key_type"), ALL_TYPES)
def test_every_exchange_and_key_type_makes_a_key_that_works(net: Localnet, manage: Manage, exchange, key_type):
    private_pem, public_pem = pem_for(exchange, key_type)
    body = {"exchange": exchange, "type": key_type, "permissions": ["read"], "label": f"{exchange} {key_type}"}
    if public_pem:
        body["public_key_pem"] = public_pem
    made = manage.create(**body)
    assert made["key"]["type"] == key_type and made["key"]["exchange"] == exchange
    assert (made["secret"] is not None) == (key_type == "hmac")
    assert (made["private_key"] is not None) == (exchange == "coinbase")  # localnet made the pair
    assert (made["passphrase"] is not None) == (exchange == "okx")
    accepted, response = read_call(net, made, private_pem)
    assert accepted, response.text
    listing = manage.get("/api/keys").text
    assert not any(made[f] and made[f].strip() in listing for f in SECRET_FIELDS)


def test_the_list_of_types_above_covers_every_exchange():
    assert {name for name, _ in ALL_TYPES} == set(EXCHANGES)
    assert len(ALL_TYPES) == 9


@pytest.mark.parametrize("key_type", ["ecdsa", "ed25519"])
def test_coinbase_registers_a_pasted_public_key_and_rotates_to_a_new_pair(net: Localnet, manage: Manage, key_type):
    from tests.localnet.coinbase_support import public_pem

    first = manage.create(exchange="coinbase", type=key_type)
    pasted = manage.create(exchange="coinbase", type=key_type, public_key_pem=public_pem(first["private_key"]))
    assert pasted["private_key"] is None and pasted["secret"] is None
    rotated = manage.post(f"/api/keys/{first['key']['id']}/rotate", {}).json()
    assert rotated["private_key"] and rotated["private_key"] != first["private_key"]
    assert not read_call(net, first)[0]
    assert read_call(net, {**first, "private_key": rotated["private_key"]})[0]


def test_binance_key_pairs_rotate_to_the_public_key_you_paste(net: Localnet, manage: Manage):
    private_pem, public_pem = new_pair("ed25519")
    made = manage.create(exchange="binance", type="ed25519", public_key_pem=public_pem)
    assert_problem(manage.post(f"/api/keys/{made['key']['id']}/rotate", {}), 400, "refused")
    new_private, new_public = new_pair("ed25519")
    r = manage.post(f"/api/keys/{made['key']['id']}/rotate", {"public_key_pem": new_public})
    assert r.status_code == 200 and r.json()["secret"] is None and r.json()["private_key"] is None
    assert binance_account(net.url("binance"), made["api_key"], private_pem=private_pem).status_code == 400
    assert binance_account(net.url("binance"), made["api_key"], private_pem=new_private).status_code == 200


def test_exchange_rules_come_back_as_sentences(manage: Manage, net: Localnet):
    before = key_count(net)
    cases = [
        ({"exchange": "binance", "permissions": ["withdraw"]}, "IP restriction"),
        ({"exchange": "binance", "type": "ed25519"}, "public key"),
        ({"exchange": "binance", "type": "rsa", "public_key_pem": new_pair("ed25519")[1]}, "not a rsa key"),
        ({"exchange": "binance", "type": "ed25519", "public_key_pem": "not a pem"}, "PEM"),
        ({"exchange": "coinbase", "type": "hmac"}, "ecdsa"),
        ({"exchange": "kraken", "type": "rsa"}, "hmac"),
        ({"exchange": "binance", "ips": ["300.1.2.3"]}, "not an IP address"),
        ({"exchange": "binance", "permissions": ["admin"]}, "unknown permission"),
        ({"exchange": "okx", "ips": [f"10.0.0.{i}" for i in range(30)]}, "at most"),
        ({"exchange": "coinbase", "passphrase": "x"}, "no passphrase"),
        ({"exchange": "bitmex"}, "exchange must be one of"),
        ({"exchange": "binance", "type": "hmac", "public_key_pem": new_pair("ed25519")[1]}, "HMAC key takes no public key"),
    ]
    for body, words in cases:
        message = assert_problem(manage.post("/api/keys", body), 400)["message"]
        assert words in message, (body, message)
        assert "--" not in message, message  # no CLI options in the page's sentences
    assert key_count(net) == before


# ---- defences against other web pages --------------------------------------------------------

def test_state_changes_need_the_csrf_token(manage: Manage, net: Localnet):
    body = {"exchange": "binance"}
    other = CsrfTokens().mint()  # well formed, made with another server's key
    before = key_count(net)
    assert_problem(manage.post("/api/keys", body, x_csrf_token=None), 403, "bad_csrf_token")
    assert_problem(manage.post("/api/keys", body, x_csrf_token="wrong"), 403, "bad_csrf_token")
    assert_problem(manage.post("/api/keys", body, x_csrf_token=manage.token + "x"), 403, "bad_csrf_token")
    assert_problem(manage.post("/api/keys", body, x_csrf_token=("é" + manage.token[1:]).encode()), 403, "bad_csrf_token")
    # a forged pair: header and cookie agree, but the token is not this server's
    r = httpx.post(manage.base + "/api/keys", json=body, headers={
        "Origin": manage.base, "X-CSRF-Token": other, "Cookie": f"{cookie_name(port_of(net))}={other}"})
    assert_problem(r, 403, "bad_csrf_token")
    # this server's token without its cookie (what a foreign page could at best replay)
    r = httpx.post(manage.base + "/api/keys", json=body, headers={"Origin": manage.base, "X-CSRF-Token": manage.token})
    assert_problem(r, 403, "bad_csrf_token")
    # a second localnet's token is useless here
    with start() as second:
        stranger = Manage(second.url("manage"))
        r = httpx.post(manage.base + "/api/keys", json=body, headers={
            "Origin": manage.base, "X-CSRF-Token": stranger.token,
            "Cookie": f"{cookie_name(port_of(net))}={stranger.token}"})
        stranger.close()
    assert_problem(r, 403, "bad_csrf_token")
    for path in ("/api/keys/1/revoke", "/api/keys/1/rotate"):
        assert_problem(manage.post(path, {}, x_csrf_token=None), 403, "bad_csrf_token")
    assert key_count(net) == before
    assert manage.post("/api/keys", body).status_code == 201  # the real token still works


def test_the_session_keeps_a_valid_token_and_replaces_a_foreign_one(manage: Manage, net: Localnet):
    again = manage.get("/api/session")
    assert again.json()["csrf_token"] == manage.token
    cookie = again.headers["set-cookie"].lower()
    assert "samesite=strict" in cookie and "httponly" in cookie and "path=/" in cookie
    fresh = httpx.get(manage.base + "/api/session",
                      headers={"Cookie": f"{cookie_name(port_of(net))}={CsrfTokens().mint()}"}).json()["csrf_token"]
    assert fresh != manage.token and CsrfTokens().valid(fresh) is False


@pytest.mark.parametrize("origin", [None, "null", "http://evil.example", "https://127.0.0.1:{port}",
                                    "http://127.0.0.1:{other}", "http://127.0.0.1", "http://localhost.evil.example:{port}"])
def test_state_changes_need_this_servers_origin(manage: Manage, net: Localnet, origin):
    port = port_of(net)
    value = None if origin is None else origin.format(port=port, other=port + 1)
    before = key_count(net)
    assert_problem(manage.post("/api/keys", {"exchange": "binance"}, origin=value), 403, "bad_origin")
    assert_problem(manage.post("/api/keys/1/revoke", {}, origin=value), 403, "bad_origin")
    assert key_count(net) == before


def test_localhost_is_the_same_server(net: Localnet):
    port = port_of(net)
    base = f"http://localhost:{port}"
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers={"Host": f"localhost:{port}"}) as client:
        token = client.get("/api/session").json()["csrf_token"]
        r = client.post("/api/keys", json={"exchange": "kraken"}, headers={
            "Origin": base, "X-CSRF-Token": token, "Cookie": f"{cookie_name(port)}={token}"})
    assert r.status_code == 201, r.text


@pytest.mark.parametrize("host", ["evil.example", "evil.example:{port}", "127.0.0.1", "127.0.0.1:{other}",
                                  "localhost", "127.0.0.1:{port}.evil.example", "0.0.0.0:{port}", "[::1]:{port}", ""])
def test_every_request_needs_this_servers_host(manage: Manage, net: Localnet, host):
    port = port_of(net)
    value = host.format(port=port, other=port + 1)
    for method, path in [("GET", "/"), ("GET", "/api/keys"), ("GET", "/api/activity"), ("GET", "/static/manage.js"),
                         ("POST", "/api/keys")]:
        r = manage.http.request(method, path, headers={**manage.headers(), "Host": value},
                                content=b'{"exchange": "binance"}' if method == "POST" else None)
        assert_problem(r, 421, "wrong_host")


def test_cross_site_fetches_of_the_api_are_refused(manage: Manage):
    for site in ("cross-site", "same-site"):
        assert_problem(manage.get("/api/keys", headers={"Sec-Fetch-Site": site}), 403, "cross_site")
        assert_problem(manage.get("/api/activity", headers={"Sec-Fetch-Site": site}), 403, "cross_site")
    assert manage.get("/api/keys", headers={"Sec-Fetch-Site": "same-origin"}).status_code == 200
    # the page itself may be opened from a link elsewhere (the course's own site, for example)
    assert manage.get("/", headers={"Sec-Fetch-Site": "cross-site"}).status_code == 200


def test_no_cors_and_no_other_methods(manage: Manage):
    r = manage.http.options("/api/keys", headers={"Origin": "http://evil.example",
                                                  "Access-Control-Request-Method": "POST"})
    assert_problem(r, 403, "bad_origin")
    assert "access-control-allow-origin" not in r.headers
    for method in ("PUT", "PATCH", "DELETE"):
        assert_problem(manage.http.request(method, "/api/keys", headers=manage.headers(), content=b"{}"), 405)
    assert "access-control-allow-origin" not in manage.get("/api/keys").headers


# ---- bad input is a 4xx, never a 500 ---------------------------------------------------------

def test_malformed_bodies(manage: Manage, net: Localnet):
    before = key_count(net)
    assert_problem(manage.post("/api/keys", content=b"{"), 400, "bad_json")
    assert_problem(manage.post("/api/keys", content=b"[]"), 400, "bad_json")
    assert_problem(manage.post("/api/keys", content=b'"binance"'), 400, "bad_json")
    assert_problem(manage.post("/api/keys", content=b'{"exchange": NaN}'), 400, "bad_json")
    assert_problem(manage.post("/api/keys", content=b"\xff\xfe"), 400, "bad_json")
    assert_problem(manage.post("/api/keys", content=b"[" * 100_00 + b"]" * 100_00), 400, "bad_json")
    assert_problem(manage.post("/api/keys", content=b"{}"), 400, "bad_exchange")
    assert_problem(manage.post("/api/keys", content=b"x" * (64 * 1024 + 1)), 413, "too_large")
    assert_problem(manage.post("/api/keys", content=b"exchange=binance",
                               content_type="application/x-www-form-urlencoded"), 415, "not_json")
    assert_problem(manage.post("/api/keys", content=b'{"exchange": "binance"}', content_type="text/plain"), 415)
    assert_problem(manage.post("/api/keys", content=b'{"exchange": "binance"}', content_type=None), 415)
    assert manage.post("/api/keys", content=b'{"exchange": "binance"}',
                       content_type="application/json; charset=utf-8").status_code == 201
    assert key_count(net) == before + 1


@pytest.mark.parametrize("body", [
    {"exchange": "binance", "api_key": "x"},
    {"exchange": "binance", "secret": "x"},
    {"exchange": 1},
    {"exchange": ["binance"]},
    {"exchange": "binance", "permissions": "read,trade", "type": 5},
    {"exchange": "binance", "permissions": [1, 2]},
    {"exchange": "binance", "permissions": {"read": True}},
    {"exchange": "binance", "ips": [None]},
    {"exchange": "binance", "ips": {"a": 1}},
    {"exchange": "binance", "ips": ["1.2.3.4"] * 51},
    {"exchange": "binance", "label": 5},
    {"exchange": "binance", "label": "x" * 101},
    {"exchange": "binance", "label": "bell\x07"},
    {"exchange": "binance", "type": "ED25519"},
    {"exchange": "binance", "type": "ed25519", "public_key_pem": ["-----BEGIN PUBLIC KEY-----"]},
    {"exchange": "binance", "type": "ed25519", "public_key_pem": "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----"},
    {"exchange": "binance", "type": "rsa", "public_key_pem": "x" * 20000},
    {"exchange": "okx", "passphrase": "x" * 65},
    {"exchange": "okx", "passphrase": " é "},
    {"exchange": "bybit", "ips": ["::1/200"]},
])
def test_bad_fields_are_400(manage: Manage, body):
    assert_problem(manage.post("/api/keys", body), 400)


def test_bad_ids_and_queries(manage: Manage):
    for path in ["/api/keys/0/revoke", "/api/keys/999999/revoke", "/api/keys/abc/rotate", "/api/keys/-1/rotate",
                 f"/api/keys/{2**64}/revoke", "/api/keys/%C2%B2/revoke", "/api/keys/1.5/revoke"]:
        assert_problem(manage.post(path, {}), 404)
    made = manage.create(exchange="binance")
    assert_problem(manage.post(f"/api/keys/{made['key']['id']}/revoke", {"why": "x"}), 400, "unknown_field")
    assert_problem(manage.post(f"/api/keys/{made['key']['id']}/rotate", {"public_key_pem": 1}), 400, "bad_field")
    for query in ["limit=0", "limit=1001", "limit=x", "limit=-1", "limit=%C2%B2"]:
        assert_problem(manage.get(f"/api/activity?{query}"), 400, "bad_limit")
    for query in ["key=x", f"key={2**70}", "key=0"]:
        assert_problem(manage.get(f"/api/activity?{query}"), 404)
    assert_problem(manage.get("/api/keys?exchange=bitmex"), 400, "bad_exchange")
    assert manage.get("/api/keys?exchange=").status_code == 200


def test_a_pile_of_junk_never_gets_a_500(manage: Manage):
    junk = [b"", b"null", b"0", b"true", b"{}", b'{"":""}', b'{"exchange": null}', b'{"exchange": {}}',
            b'{"exchange": "binance", "ips": "127.0.0.1, \\n 10.0.0.0/8"}', b'{"exchange":"binance","ips":[""]}',
            b'{"exchange": "coinbase", "type": "ecdsa", "public_key_pem": "-----BEGIN PUBLIC KEY-----"}',
            b'{"exchange": "kraken", "label": "\\u0000"}', b'{"exchange": "binance", "permissions": []}',
            "{\"exchange\": \"binance\", \"label\": \"\u00e9\u4e2d\U0001f511\"}".encode(), b"\x00" * 10]
    for content in junk:
        for path in ("/api/keys", "/api/keys/1/rotate", "/api/keys/1/revoke"):
            r = manage.post(path, content=content)
            assert 200 <= r.status_code < 500, (path, content, r.text)
            assert r.headers["content-type"] == "application/json"


# ---- the command line ------------------------------------------------------------------------

def test_serve_port_names_include_manage():
    def ports(*argv: str) -> dict[str, int]:
        return _ports(parser().parse_args(["serve", *argv]))

    assert ports() == {"binance": 8101, "bybit": 8102, "okx": 8103, "kraken": 8104, "coinbase": 8105, "manage": 8100}
    assert ports("--port", "manage=9100")["manage"] == 9100
    assert ports("--base-port", "9000") == {"binance": 9001, "bybit": 9002, "okx": 9003, "kraken": 9004,
                                            "coinbase": 9005, "manage": 9000}
    assert set(ports("--base-port", "0").values()) == {0}
    with pytest.raises(SystemExit, match="manage"):
        ports("--port", "admin=1")
    assert "manage" in parser()._subparsers._group_actions[0].choices["serve"].format_help()


def test_serve_prints_and_writes_the_manage_url_last(tmp_path):
    port_file = tmp_path / "ports.json"
    proc = subprocess.Popen([sys.executable, "-m", "localnet", "serve", "--db", str(tmp_path / "m.db"),
                             "--base-port", "0", "--port-file", str(port_file)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lines = [proc.stdout.readline().split() for _ in range(6)]
        assert [name for name, _ in lines] == [*EXCHANGES, "manage"]
        urls = json.loads(port_file.read_text())
        assert urls == dict(lines)
        page = httpx.get(urls["manage"] + "/", timeout=30)
        assert page.status_code == 200 and "<h1>API keys</h1>" in page.text
    finally:
        proc.terminate()
        proc.wait(30)
