"""Coinbase: vector C1 accepted byte for byte, and every authentication failure answered as Coinbase does
(401 "Unauthorized" for all of them, with the reason in localnet's activity log)."""

from __future__ import annotations

import time

import httpx
import pytest

from localnet.client import start
from tests.localnet.coinbase_support import (
    C1_KEY_NAME, C1_SECRET, V3, Coinbase, assert_error, assert_unauthorized, last_error_code, new_key, public_pem,
)
from tests.test_snippets_coinbase import C1_JWT, C1_NOW

ACCOUNTS = f"{V3}/accounts"


@pytest.fixture
def client(net):
    c = Coinbase(net.url("coinbase"), new_key(net))
    yield c
    c.close()


@pytest.fixture(scope="module")
def c1_registered(net):
    """The C1 key, registered once (a key name is unique per exchange) from the published seed."""
    return net.create_key("coinbase", type="ed25519", api_key=C1_KEY_NAME, public_key_pem=public_pem(C1_SECRET))


@pytest.fixture
def c1_key(net, c1_registered):
    yield c1_registered
    net.set_clock()  # `net` is shared by the whole module


def c1_request(net, host: str = "api.coinbase.com") -> httpx.Response:
    return httpx.get(net.url("coinbase") + ACCOUNTS, headers={"Authorization": f"Bearer {C1_JWT}", "Host": host})


# ---- vector C1 -------------------------------------------------------------------------------------

def test_c1_is_accepted_inside_its_window(net, c1_key):
    net.set_clock(frozen_time_ms=(C1_NOW + 60) * 1000)
    response = c1_request(net)
    assert response.status_code == 200, response.text
    assert {a["currency"] for a in response.json()["accounts"]} == {"BTC", "ETH", "LTC", "USDT", "USD"}
    assert net.activity(c1_key["id"])[-1]["error_code"] is None


@pytest.mark.parametrize("offset_s, reason", [
    (-1, "Unauthorized: the token is not valid yet (nbf is after the server's time)"),
    (120, "Unauthorized: the token has expired (exp is not after the server's time)"),
    (10_000, "Unauthorized: the token has expired (exp is not after the server's time)"),
])
def test_c1_outside_its_window_is_refused(net, c1_key, offset_s, reason):
    net.set_clock(frozen_time_ms=(C1_NOW + offset_s) * 1000)
    assert_unauthorized(c1_request(net))
    assert last_error_code(net, c1_key["id"]) == reason


def test_c1_first_and_last_valid_second(net, c1_key):
    for ms in (C1_NOW * 1000, (C1_NOW + 120) * 1000 - 1):
        net.set_clock(frozen_time_ms=ms)
        assert c1_request(net).status_code == 200


def test_c1_is_accepted_whatever_the_host_header(net, c1_key):
    # uri names api.coinbase.com, the real host, which localnet always accepts besides its own address
    net.set_clock(frozen_time_ms=(C1_NOW + 60) * 1000)
    assert c1_request(net, host=net.url("coinbase").split("://")[1]).status_code == 200


def test_c1_tampered_is_refused(net, c1_key):
    net.set_clock(frozen_time_ms=(C1_NOW + 60) * 1000)
    head, claims, signature = C1_JWT.split(".")
    flipped = signature[:-2] + ("A" if signature[-2] != "A" else "B") + signature[-1]
    response = httpx.get(net.url("coinbase") + ACCOUNTS,
                         headers={"Authorization": f"Bearer {head}.{claims}.{flipped}", "Host": "api.coinbase.com"})
    assert_unauthorized(response)
    assert last_error_code(net, c1_key["id"]) == "Unauthorized: bad signature"


# ---- the failure matrix ----------------------------------------------------------------------------

def test_missing_authorization_is_401(net, client):
    assert_unauthorized(client.http.get(ACCOUNTS))
    assert_unauthorized(client.http.get(ACCOUNTS, headers={"Authorization": "Basic abc"}))
    assert_unauthorized(client.http.get(ACCOUNTS, headers={"Authorization": "Bearer not-a-jwt"}))


def test_unknown_key_is_401(net, client):
    other = dict(client.key, api_key="organizations/00000000-0000-0000-0000-00000000dead/apiKeys/"
                                     "00000000-0000-0000-0000-00000000beef")
    stranger = Coinbase(client.base, other)
    assert_unauthorized(stranger.get(ACCOUNTS))
    assert net.activity()[-1]["key_id"] is None
    assert net.activity()[-1]["error_code"] == "Unauthorized: no such key"
    stranger.close()


def test_wrong_private_key_is_401(net, client):
    impostor = Coinbase(client.base, dict(client.key, private_key=new_key(net)["private_key"]))
    assert_unauthorized(impostor.get(ACCOUNTS))
    assert last_error_code(net, client.key["id"]) == "Unauthorized: bad signature"
    impostor.close()


def seconds_from_now(offset: int):
    """A time claim worked out when the test runs, not when it is collected (a busy run can take minutes)."""
    return lambda: int(time.time()) + offset


@pytest.mark.parametrize("overrides, reason", [
    ({"exp": seconds_from_now(-1), "nbf": seconds_from_now(-100)}, "the token has expired"),
    ({"nbf": seconds_from_now(60), "exp": seconds_from_now(120)}, "the token is not valid yet"),
    ({"exp": seconds_from_now(300)}, "the token lives"),
    ({"iss": "coinbase"}, "iss must be 'cdp'"),
    ({"aud": ["somebody_else"]}, "unexpected aud"),
    ({"nbf": None}, "nbf and exp must be whole seconds"),
    ({"exp": "soon"}, "nbf and exp must be whole seconds"),
    ({"uri": None}, "the token has no uri claim"),
    ({"uri": "GET api.coinbase.com/api/v3/brokerage/orders"}, "uri "),
    ({"uri": "POST api.coinbase.com/api/v3/brokerage/accounts"}, "uri "),
    ({"uri": "GET api.coinbase.com/api/v3/brokerage/accounts?limit=1"}, "uri "),
    ({"uri": "GET example.com/api/v3/brokerage/accounts"}, "uri "),
    ({"uri": "GET api.coinbase.com/api/v3/brokerage/accounts/"}, "uri "),
    ({"uri": "GET https://api.coinbase.com/api/v3/brokerage/accounts"}, "uri "),  # https:// left in
    ({"h_kid": "organizations/x/apiKeys/y"}, "the header's kid differs"),
])
def test_bad_claims_are_401(net, client, overrides, reason):
    overrides = {name: value() if callable(value) else value for name, value in overrides.items()}
    assert_unauthorized(client.get(ACCOUNTS, token=client.token("GET", ACCOUNTS, **overrides)))
    assert last_error_code(net, client.key["id"]).startswith(f"Unauthorized: {reason}")


def test_wrong_algorithm_for_the_key_is_401(net):
    ecdsa = Coinbase(net.url("coinbase"), new_key(net, type="ecdsa"))
    token = ecdsa.token("GET", ACCOUNTS, h_alg="none")  # an unsigned token
    assert_unauthorized(ecdsa.get(ACCOUNTS, token=token))
    assert last_error_code(net, ecdsa.key["id"]) == "Unauthorized: alg 'none' does not match the key (expected ES256)"
    ecdsa.close()


def test_query_string_is_not_part_of_the_uri(net, client):
    response = client.get(ACCOUNTS, params={"limit": "2"}, token=client.token("GET", ACCOUNTS))
    assert response.status_code == 200, response.text
    assert len(response.json()["accounts"]) == 2


@pytest.mark.parametrize("overrides", [
    {"iss": "coinbase-cloud", "aud": ["retail_rest_api_proxy"], "iat": int(time.time())},  # ccxt ES256 style
    {"aud": ["cdp_service"], "uri": None, "uris": ["GET {host}" + ACCOUNTS]},  # ccxt EdDSA style
    {"uri": "GET http://{host}" + ACCOUNTS},  # ccxt keeps http:// for a local URL
    {"uri": "GET api.coinbase.com" + ACCOUNTS},  # the real host is accepted too
])
def test_ccxt_token_variants_are_accepted(net, client, overrides):
    overrides = {k: (v.replace("{host}", client.host) if isinstance(v, str)
                     else [u.replace("{host}", client.host) for u in v] if isinstance(v, list) and k == "uris"
                     else v) for k, v in overrides.items()}
    response = client.get(ACCOUNTS, token=client.token("GET", ACCOUNTS, **overrides))
    assert response.status_code == 200, response.text


def test_revoked_key_is_401(net, client):
    assert client.get(ACCOUNTS).status_code == 200
    net.revoke_key(client.key["id"])
    assert_unauthorized(client.get(ACCOUNTS))
    assert last_error_code(net, client.key["id"]) == "Unauthorized: the key is revoked"


@pytest.mark.parametrize("type", ["ed25519", "ecdsa"])
def test_rotated_key_refuses_the_old_private_key(net, type):
    key = new_key(net, type=type)
    old = Coinbase(net.url("coinbase"), key)
    rotated = net.rotate_key(key["id"])
    assert rotated["api_key"] == key["api_key"] and rotated["private_key"] != key["private_key"]
    assert_unauthorized(old.get(ACCOUNTS))
    assert last_error_code(net, key["id"]) == "Unauthorized: bad signature"
    new = Coinbase(net.url("coinbase"), dict(key, private_key=rotated["private_key"]))
    assert new.get(ACCOUNTS).status_code == 200
    old.close(), new.close()


def test_ip_allow_list(net):
    outside = Coinbase(net.url("coinbase"), new_key(net, ips=("10.0.0.0/8",)))
    assert_unauthorized(outside.get(ACCOUNTS))
    assert last_error_code(net, outside.key["id"]) == "Unauthorized: IP 127.0.0.1 is not on the key's allow-list"
    inside = Coinbase(net.url("coinbase"), new_key(net, ips=("127.0.0.1",)))
    assert inside.get(ACCOUNTS).status_code == 200
    outside.close(), inside.close()


def test_missing_permission_is_403(net):
    viewer = Coinbase(net.url("coinbase"), new_key(net, permissions=("read",)))
    response = viewer.order("BTC-USD", "BUY", {"market_market_ioc": {"quote_size": "10"}})
    assert_error(response, 403, "PERMISSION_DENIED", "Missing required scopes")
    assert last_error_code(net, viewer.key["id"]) == "PERMISSION_DENIED"
    trader_only = Coinbase(net.url("coinbase"), new_key(net, permissions=("trade",)))
    assert_error(trader_only.get(ACCOUNTS), 403, "PERMISSION_DENIED", "Missing required scopes")
    # key_permissions answers any valid key, whatever it may do
    assert trader_only.get(f"{V3}/key_permissions").json()["can_view"] is False
    viewer.close(), trader_only.close()


def test_successful_calls_are_logged_against_the_key(net, client):
    client.get(ACCOUNTS)
    entry = net.activity(client.key["id"])[-1]
    assert (entry["path"], entry["http_status"], entry["outcome"], entry["client_ip"]) == \
        (ACCOUNTS, 200, "ok", "127.0.0.1")


# ---- rate limit ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def limited():
    with start(rate_limit=3, public_rate_limit=2) as running:
        yield running


def test_private_rate_limit_is_per_user(limited):
    first = Coinbase(limited.url("coinbase"), new_key(limited))
    second = Coinbase(limited.url("coinbase"), new_key(limited))
    statuses, refused = [], None
    for _ in range(12):  # far more than 3 in any one-second window, whatever the timing
        response = first.get(ACCOUNTS)
        statuses.append(response.status_code)
        if response.status_code == 429:
            refused = response
            break
    assert refused is not None, statuses
    assert_error(refused, 429, "RESOURCE_EXHAUSTED", "Too many requests")
    assert refused.headers["x-ratelimit-limit"] == "3" and refused.headers["x-ratelimit-remaining"] == "0"
    assert second.get(ACCOUNTS).status_code == 200  # another user has a bucket of their own
    first.close(), second.close()


def test_public_rate_limit_is_per_ip(limited):
    http = httpx.Client(base_url=limited.url("coinbase"))
    responses = [http.get(f"{V3}/market/products") for _ in range(8)]  # limit 2 per second
    refused = [r for r in responses if r.status_code == 429]
    assert refused, [r.status_code for r in responses]
    assert_error(refused[0], 429, "RESOURCE_EXHAUSTED", "Too many requests")
    assert refused[0].headers["x-ratelimit-limit"] == "2"
    http.close()


def test_rate_limit_headers_on_success(net, client):
    response = client.get(ACCOUNTS)
    assert response.headers["x-ratelimit-limit"] == "30"
    assert 0 <= int(response.headers["x-ratelimit-remaining"]) < 30
    assert int(response.headers["x-ratelimit-reset"]) >= int(time.time())
