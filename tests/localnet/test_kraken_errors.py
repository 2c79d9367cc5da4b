"""Kraken's failure matrix: every refusal has Kraken's text, HTTP 200 and no `result`; malformed input never 5xx."""

from __future__ import annotations

import pytest

from snippets import kraken as signer
from tests.localnet.kraken_support import (
    DEMO_SECRET, Kraken, assert_error, demo_api_key, next_nonce,
)

OTHER_SECRET = "b3RoZXItc2VjcmV0LW5vdC10aGUtb25lLXRoZS1rZXktd2FzLWNyZWF0ZWQtd2l0aC4uLi4uLi4uLi4uLi4uLg=="


@pytest.fixture
def make(net):
    """make(permissions, ips) -> a client for a new key on a new funded account."""
    clients = []

    def build(permissions=("read", "trade"), ips=()) -> Kraken:
        key = net.create_key("kraken", permissions=permissions, ips=ips, api_key=demo_api_key(), secret=DEMO_SECRET)
        client = Kraken(net.url("kraken"), key)
        clients.append(client)
        return client

    yield build
    for client in clients:
        client.close()


def signed(client: Kraken, method: str, secret: str | None = None, api_key: str | None = None,
           **params: object):
    path, headers, body = signer.private_request(api_key or client.key["api_key"], secret or client.key["secret"],
                                                 method, params, nonce=next_nonce())
    return client.raw(path, body, headers)


# ---- authentication -------------------------------------------------------------------------------

def test_missing_api_key_header(make):
    client = make()
    path, headers, body = signer.private_request(client.key["api_key"], DEMO_SECRET, "Balance", nonce=next_nonce())
    del headers["API-Key"]
    assert_error(client.raw(path, body, headers), "EAPI:Invalid key")


@pytest.mark.parametrize("api_key", ["short", "A" * 55 + "!", "Z" * 56])
def test_malformed_or_unknown_api_key(make, api_key):
    assert_error(signed(make(), "Balance", api_key=api_key), "EAPI:Invalid key")


def test_wrong_secret_is_an_invalid_signature(make):
    assert_error(signed(make(), "Balance", secret=OTHER_SECRET), "EAPI:Invalid signature")


@pytest.mark.parametrize("signature", [None, "", "not base64!", "QUJD"])
def test_missing_or_garbled_api_sign(make, signature):
    client = make()
    path, headers, body = signer.private_request(client.key["api_key"], DEMO_SECRET, "Balance", nonce=next_nonce())
    if signature is None:
        del headers["API-Sign"]
    else:
        headers["API-Sign"] = signature
    assert_error(client.raw(path, body, headers), "EAPI:Invalid signature")


def test_missing_nonce(make):
    client = make()
    headers = {"API-Key": client.key["api_key"], "API-Sign": signer.sign(DEMO_SECRET, "/0/private/Balance", "", "")}
    assert_error(client.raw("/0/private/Balance", "", headers), "EAPI:Invalid nonce")


@pytest.mark.parametrize("nonce", ["abc", "-5", "1.5", "18446744073709551616", "9" * 5000])
def test_nonce_that_is_not_an_unsigned_64_bit_integer(make, nonce):
    client = make()
    body = f"nonce={nonce}"
    headers = {"API-Key": client.key["api_key"], "API-Sign": signer.sign(DEMO_SECRET, "/0/private/Balance", nonce, body)}
    assert_error(client.raw("/0/private/Balance", body, headers), "EAPI:Invalid nonce")


def test_reused_and_smaller_nonce(make):
    client = make()
    path, headers, body = signer.private_request(client.key["api_key"], DEMO_SECRET, "Balance", nonce=next_nonce())
    assert client.raw(path, body, headers).json()["error"] == []
    assert_error(client.raw(path, body, headers), "EAPI:Invalid nonce")


def test_revoked_key(make, net):
    client = make()
    assert client.result("Balance")
    net.revoke_key(client.key["id"])
    assert_error(client.private("Balance"), "EAPI:Invalid key")
    entries = net.activity(client.key["id"])
    assert entries[-1]["error_code"] == "EAPI:Invalid key"


def test_rotated_key_refuses_the_old_secret(make, net):
    client = make()
    rotated = net.rotate_key(client.key["id"])
    assert rotated["secret"] != DEMO_SECRET
    assert_error(client.private("Balance"), "EAPI:Invalid signature")
    client.key = {**client.key, "secret": rotated["secret"]}
    assert "ZUSD" in client.result("Balance")


# ---- permissions and IP allow-list ------------------------------------------------------------------

@pytest.mark.parametrize("method, params", [
    ("AddOrder", {"pair": "XBTUSD", "type": "buy", "ordertype": "limit", "price": "30000", "volume": "0.001"}),
    ("CancelOrder", {"txid": "OQCLML-BW3P3-BUCMWZ"}),
    ("Withdraw", {"asset": "XBT", "key": "my-wallet", "amount": "0.1"}),
])
def test_read_only_key_cannot_trade_or_withdraw(make, method, params):
    assert_error(make(permissions=("read",)).private(method, **params), "EGeneral:Permission denied")


@pytest.mark.parametrize("method", ["Balance", "BalanceEx", "OpenOrders", "ClosedOrders", "TradesHistory"])
def test_trade_only_key_cannot_read(make, method):
    assert_error(make(permissions=("trade",)).private(method), "EGeneral:Permission denied")


def test_get_api_key_info_needs_no_permission(make):
    client = make(permissions=())
    info = client.result("GetApiKeyInfo")
    assert info["permissions"] == [] and info["apiKey"] == client.key["api_key"]


def test_ip_outside_the_allow_list_is_refused(make):
    assert_error(make(ips=("10.0.0.0/8",)).private("Balance"), "EGeneral:Permission denied")


def test_ip_inside_the_allow_list_works(make):
    client = make(ips=("127.0.0.1",))
    assert "ZUSD" in client.result("Balance")
    assert client.result("GetApiKeyInfo")["ipAllowlist"] == ["127.0.0.1/32"]


def test_refused_calls_are_logged_against_their_key(make, net):
    client = make(permissions=("read",))
    client.private("AddOrder", pair="XBTUSD", type="buy", ordertype="market", volume="0.001")
    signed(client, "Balance", secret=OTHER_SECRET)
    codes = [(e["path"], e["error_code"]) for e in net.activity(client.key["id"])]
    assert codes == [("/0/private/AddOrder", "EGeneral:Permission denied"),
                     ("/0/private/Balance", "EAPI:Invalid signature")]


# ---- unknown methods and malformed input ----------------------------------------------------------

def test_unknown_private_method(make):
    assert_error(make().private("NoSuchMethod"), "EGeneral:Unknown method")


def test_public_method_called_with_post(make):
    assert_error(make().raw("/0/public/Time"), "EGeneral:Unknown method")


def test_private_method_called_with_get(make):
    assert_error(make().http.get("/0/private/Balance"), "EGeneral:Unknown method")


def test_path_outside_the_api(make):
    assert_error(make().http.get("/"), "EGeneral:Unknown method", 404)


@pytest.mark.parametrize("body, content_type", [
    (b"nonce=1&%ff=1", "application/x-www-form-urlencoded"),  # invalid UTF-8 after decoding
    (b"nonce=1&a=1&a=2", "application/x-www-form-urlencoded"),  # a name twice
    (b'{"nonce": 1', "application/json"),
    (b'{"nonce": NaN}', "application/json"),
    (b"[1, 2]", "application/json"),
    (b"\xff\xfe", "application/json"),
    (b'{"a":' * 5000 + b"1" + b"}" * 5000, "application/json"),  # deeply nested
])
def test_unreadable_bodies(make, body, content_type):
    client = make()
    headers = {"API-Key": client.key["api_key"], "API-Sign": "QUJD", "Content-Type": content_type}
    assert_error(client.raw("/0/private/Balance", body, headers), "EGeneral:Invalid arguments")


def test_body_too_large(make):
    client = make()
    response = client.raw("/0/private/Balance", b"a" * 70_000, {"API-Key": client.key["api_key"]})
    assert_error(response, "EGeneral:Invalid arguments", 413)


@pytest.mark.parametrize("content_type", ["text/plain", "application/octet-stream", None])
def test_other_content_types_are_read_as_forms(make, content_type):
    client = make()
    path, headers, body = signer.private_request(client.key["api_key"], DEMO_SECRET, "Balance", nonce=next_nonce())
    if content_type is None:
        del headers["Content-Type"]
    else:
        headers["Content-Type"] = content_type
    response = client.raw(path, body, headers)
    assert response.status_code == 200 and response.json()["error"] == []


@pytest.mark.parametrize("params, error", [
    ({}, "EQuery:Unknown asset pair"),
    ({"pair": "DOGEUSD", "type": "buy", "ordertype": "limit", "price": "1", "volume": "1"}, "EQuery:Unknown asset pair"),
    ({"pair": "XBTUSD", "type": "hold", "ordertype": "limit", "price": "1", "volume": "1"},
     "EGeneral:Invalid arguments:type"),
    ({"pair": "XBTUSD", "type": "buy", "ordertype": "stop-loss", "price": "1", "volume": "1"},
     "EGeneral:Invalid arguments:ordertype"),
    ({"pair": "XBTUSD", "type": "buy", "ordertype": "limit", "price": "30000"}, "EGeneral:Invalid arguments:volume"),
    ({"pair": "XBTUSD", "type": "buy", "ordertype": "limit", "price": "30000", "volume": "NaN"},
     "EGeneral:Invalid arguments:volume"),
    ({"pair": "XBTUSD", "type": "buy", "ordertype": "limit", "price": "30000", "volume": "1e400"},
     "EGeneral:Invalid arguments:volume"),
    ({"pair": "XBTUSD", "type": "buy", "ordertype": "limit", "price": "30000", "volume": "-1"},
     "EGeneral:Invalid arguments:volume"),
    ({"pair": "XBTUSD", "type": "buy", "ordertype": "limit", "price": "30000", "volume": "0.123456789"},
     "EGeneral:Invalid arguments:volume"),
    ({"pair": "XBTUSD", "type": "buy", "ordertype": "limit", "volume": "0.01"}, "EGeneral:Invalid arguments:price"),
    ({"pair": "XBTUSD", "type": "buy", "ordertype": "limit", "price": "Infinity", "volume": "0.01"},
     "EGeneral:Invalid arguments:price"),
    ({"pair": "XBTUSD", "type": "buy", "ordertype": "limit", "price": "30000.05", "volume": "0.01"},
     "EOrder:Invalid price:XXBTZUSD price can only be specified up to 1 decimals."),
    ({"pair": "XBTUSD", "type": "buy", "ordertype": "limit", "price": "30000", "volume": "0.00001"},
     "EOrder:Order minimum not met"),
    ({"pair": "XBTUSD", "type": "buy", "ordertype": "limit", "price": "0.1", "volume": "0.0001"},
     "EOrder:Cost minimum not met"),
    ({"pair": "XBTUSD", "type": "buy", "ordertype": "limit", "price": "30000", "volume": "0.01", "timeinforce": "GTD"},
     "EGeneral:Invalid arguments:timeinforce"),
    ({"pair": "XBTUSD", "type": "buy", "ordertype": "limit", "price": "30000", "volume": "0.01", "leverage": "2"},
     "EGeneral:Invalid arguments:leverage"),
    ({"pair": "XBTUSD", "type": "buy", "ordertype": "limit", "price": "30000", "volume": "0.01", "oflags": "post"},
     "EGeneral:Invalid arguments:oflags"),
    ({"pair": "XBTUSD", "type": "buy", "ordertype": "limit", "price": "99999999999999999999", "volume": "100"},
     "EOrder:Insufficient funds"),
    ({"pair": "XBTUSD", "type": "sell", "ordertype": "market", "volume": "99999999999999999999"},
     "EOrder:Insufficient funds"),
])
def test_add_order_input_errors(make, params, error):
    assert_error(make().private("AddOrder", **params), error)


@pytest.mark.parametrize("method, params, error", [
    ("CancelOrder", {}, "EGeneral:Invalid arguments:txid"),
    ("CancelOrder", {"txid": "not-a-txid"}, "EOrder:Unknown order"),
    ("CancelOrder", {"txid": "OQCLML-BW3P3-BUCMWZ"}, "EOrder:Unknown order"),
    ("QueryOrders", {}, "EGeneral:Invalid arguments:txid"),
    ("QueryOrders", {"txid": "OQCLML-BW3P3-BUCMWZ"}, "EOrder:Invalid order"),
    ("QueryOrders", {"txid": "OQCLML-BW3P3-BUCMWZ", "trades": "maybe"}, "EGeneral:Invalid arguments:trades"),
    ("TradesHistory", {"ofs": "-1"}, "EGeneral:Invalid arguments:ofs"),
    ("TradesHistory", {"start": "yesterday"}, "EGeneral:Invalid arguments:start"),
])
def test_order_query_input_errors(make, method, params, error):
    assert_error(make().private(method, **params), error)


@pytest.mark.parametrize("params, error", [
    ({"asset": "DOGE", "key": "w", "amount": "1"}, "EFunding:Unknown asset"),
    ({"asset": "XBT", "amount": "1"}, "EGeneral:Invalid arguments:key"),
    ({"asset": "XBT", "key": "w"}, "EGeneral:Invalid arguments:amount"),
    ({"asset": "XBT", "key": "w", "amount": "0"}, "EGeneral:Invalid arguments:amount"),
    ({"asset": "ZUSD", "key": "w", "amount": "1.00001"}, "EGeneral:Invalid arguments:amount"),
    ({"asset": "XBT", "key": "w", "amount": "5"}, "EFunding:Insufficient funds"),
])
def test_withdraw_input_errors(make, params, error):
    assert_error(make(permissions=("read", "withdraw")).private("Withdraw", **params), error)


@pytest.mark.parametrize("path, error", [
    ("/0/public/Ticker?pair=DOGEUSD", "EQuery:Unknown asset pair"),
    ("/0/public/AssetPairs?pair=XBTUSD,NOPE", "EQuery:Unknown asset pair"),
    ("/0/public/Assets?asset=NOPE", "EQuery:Unknown asset"),
    ("/0/public/Depth", "EGeneral:Invalid arguments:pair"),
    ("/0/public/Depth?pair=XBTUSD&count=abc", "EGeneral:Invalid arguments:count"),
    ("/0/public/Depth?pair=XBTUSD&count=%ff", "EGeneral:Invalid arguments"),
    ("/0/public/Ticker?pair=XBTUSD&pair=ETHUSD", "EGeneral:Invalid arguments"),
])
def test_public_input_errors(make, path, error):
    assert_error(make().http.get(path), error)


def test_json_bodies_with_objects_where_text_belongs(make):
    client = make()
    nonce = next_nonce()
    body = '{"nonce": "%s", "pair": {"x": 1}, "type": "buy"}' % nonce
    headers = {"Content-Type": "application/json", "API-Key": client.key["api_key"],
               "API-Sign": signer.sign(DEMO_SECRET, "/0/private/AddOrder", nonce, body)}
    assert_error(client.raw("/0/private/AddOrder", body, headers), "EGeneral:Invalid arguments:pair")
