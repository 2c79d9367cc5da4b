"""Replays: the exact same signed request sent again, at once and after time passes, on each exchange.

Each exchange refuses a replay its own way, and where it lets one through, the test says so too,
because that is what the real exchange does (the facts are from exchanges.md and the exchanges'
docs, cited at each test):

- Binance (§1.2): only timestamp + recvWindow. The same bytes are accepted again inside the window
  (serverTime - timestamp <= recvWindow) and refused after it with -1021. An order replayed inside
  the window is refused only if it carries a newClientOrderId that is still open (-2010).
- Bybit (§2.2): server_time - recv_window <= X-BAPI-TIMESTAMP < server_time + 1000, else 10002;
  a replayed order is refused only by a repeated orderLinkId (170141).
- OKX (§3.2): OK-ACCESS-TIMESTAMP within 30 s of server time either way, else 50102; a replayed
  order is refused only by a repeated clOrdId (51016).
- Kraken (§4.2): no time window; the nonce must exceed the last one accepted for the key, so the
  same bytes are refused at once (EAPI:Invalid nonce), and a request signed but never sent stays
  usable until a larger nonce is used.
- Coinbase (§5.2): a JWT is valid from nbf until exp (at most 120 s) and names one request (uri);
  Coinbase documents no single use, so the same token works again until it expires ("Your JWT
  expires after 2 minutes, after which all requests are unauthenticated"), and a repeated
  client_order_id returns the order it already made.
"""

from __future__ import annotations

import json

import httpx
import pytest

from localnet.client import Localnet, start
from snippets import bybit as bybit_recipe
from snippets import coinbase as coinbase_recipe
from snippets import kraken as kraken_recipe
from snippets import okx as okx_recipe
from tests.localnet import bybit_support, kraken_support, okx_support, support
from tests.localnet.coinbase_support import V3, assert_unauthorized
from tests.localnet.security_support import Prepared, accepted, new_key, okx_timestamp, prepare_read

T = 1_760_000_000_000  # 2025-10-09T08:53:20Z: the frozen server time every test starts from
SECOND = 1000


@pytest.fixture(scope="module")
def net() -> Localnet:
    with start(frozen_time_ms=T, rate_limit=100_000) as running:
        yield running


@pytest.fixture(autouse=True)
def clock_at_t(net: Localnet):
    net.set_clock(frozen_time_ms=T)
    yield
    net.set_clock(frozen_time_ms=T)


def at(net: Localnet, ms: int) -> None:
    """Move the frozen server clock to `ms`."""
    net.set_clock(frozen_time_ms=ms)


def order_count(net: Localnet, key: dict) -> int:
    """Orders in the ledger for the key's account: the ground truth about what a replay placed."""
    return net.store.db.execute("SELECT COUNT(*) FROM orders WHERE account_id = ?", (key["account_id"],)).fetchone()[0]


def prepare_order(net: Localnet, exchange: str, key: dict, now_ms: int, client_id: str | None) -> Prepared:
    """A resting limit buy (0.01 BTC at 50,000), signed for `now_ms`, with or without a client order id."""
    base = net.url(exchange)
    if exchange == "binance":
        query = "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.01&price=50000"
        query += (f"&newClientOrderId={client_id}" if client_id else "") + f"&timestamp={now_ms}&recvWindow=5000"
        query += "&signature=" + support.hmac_hex(key["secret"], query)
        return Prepared("POST", f"{base}/api/v3/order?{query}", {"X-MBX-APIKEY": key["api_key"]})
    if exchange == "bybit":
        fields = {"category": "spot", "symbol": "BTCUSDT", "side": "Buy", "orderType": "Limit", "qty": "0.01",
                  "price": "50000", **({"orderLinkId": client_id} if client_id else {})}
        body = bybit_recipe.json_body(fields)
        plain = bybit_recipe.string_to_sign(str(now_ms), key["api_key"], "5000", body)
        headers = bybit_recipe.headers(key["api_key"], str(now_ms), bybit_recipe.sign_hmac(key["secret"], plain))
        return Prepared("POST", f"{base}/v5/order/create", headers, body.encode())
    if exchange == "okx":
        fields = {"instId": "BTC-USDT", "tdMode": "cash", "side": "buy", "ordType": "limit", "px": "50000",
                  "sz": "0.01", **({"clOrdId": client_id} if client_id else {})}
        body = okx_recipe.json_body(fields)
        headers = okx_recipe.auth_headers(key["api_key"], key["secret"], key["passphrase"], "POST",
                                          "/api/v5/trade/order", body, timestamp=okx_timestamp(now_ms))
        return Prepared("POST", f"{base}/api/v5/trade/order", headers, body.encode())
    if exchange == "kraken":
        fields = {"pair": "XBTUSD", "type": "buy", "ordertype": "limit", "price": "50000.0", "volume": "0.01",
                  **({"cl_ord_id": client_id} if client_id else {})}
        path, headers, body = kraken_recipe.private_request(key["api_key"], key["secret"], "AddOrder", fields,
                                                            nonce=str(now_ms))
        return Prepared("POST", base + path, headers, body.encode())
    if exchange == "coinbase":
        path = f"{V3}/orders"
        body = json.dumps({"client_order_id": client_id, "product_id": "BTC-USD", "side": "BUY",
                           "order_configuration": {"limit_limit_gtc": {"base_size": "0.01", "limit_price": "50000"}}})
        token = coinbase_recipe.build_jwt(key["api_key"], key["private_key"], "POST", path,
                                          host=base.split("://", 1)[1], now=now_ms // 1000)
        return Prepared("POST", base + path, coinbase_recipe.auth_headers(token), body.encode())
    raise ValueError(exchange)


def order_placed(exchange: str, response: httpx.Response) -> bool:
    """The exchange's answer says the order was placed."""
    if exchange == "okx":
        return response.status_code == 200 and response.json()["data"][0]["sCode"] == "0"
    if exchange == "coinbase":
        return response.status_code == 200 and response.json()["success"] is True
    if exchange == "binance":
        return response.status_code == 200 and response.json()["status"] == "NEW"
    return accepted(exchange, response)


# ---- Binance -------------------------------------------------------------------------------------

def test_binance_accepts_a_replay_inside_recv_window_and_refuses_it_after(net: Localnet):
    key = new_key(net, "binance")
    request = prepare_read(net, "binance", key, now_ms=T)  # recvWindow=5000
    assert accepted("binance", request.send())
    assert accepted("binance", request.send())  # Binance keeps no record of requests: the same bytes pass
    at(net, T + 5 * SECOND)  # serverTime - timestamp <= recvWindow: still inside
    assert accepted("binance", request.send())
    at(net, T + 5 * SECOND + 1)
    support.assert_error(request.send(), 400, -1021, "Timestamp for this request is outside of the recvWindow.")
    at(net, T + 3600 * SECOND)
    support.assert_error(request.send(), 400, -1021, "Timestamp for this request is outside of the recvWindow.")
    at(net, T - SECOND + 1)  # timestamp < serverTime + 1000
    assert accepted("binance", request.send())
    at(net, T - SECOND)
    support.assert_error(request.send(), 400, -1021,
                         "Timestamp for this request was 1000ms ahead of the server's time.")


def test_binance_refuses_a_replayed_order_only_by_its_client_order_id(net: Localnet):
    key = new_key(net, "binance", permissions=("read", "trade"))
    with_id = prepare_order(net, "binance", key, T, "replay-1")
    assert order_placed("binance", with_id.send())
    support.assert_error(with_id.send(), 400, -2010, "Duplicate order sent.")
    assert order_count(net, key) == 1
    # Without newClientOrderId Binance makes up a new one each time ("Automatically generated if not
    # sent"), so a replay inside the window is a second order: the window is the only defence.
    without_id = prepare_order(net, "binance", key, T, None)
    assert order_placed("binance", without_id.send()) and order_placed("binance", without_id.send())
    assert order_count(net, key) == 3
    at(net, T + 5 * SECOND + 1)
    support.assert_error(without_id.send(), 400, -1021, "Timestamp for this request is outside of the recvWindow.")
    assert order_count(net, key) == 3


# ---- Bybit ---------------------------------------------------------------------------------------

def bybit_outside(response: httpx.Response, stamp: int, server: int) -> None:
    bybit_support.assert_error(response, 10002, "invalid request, please check your server timestamp or recv_window "
                                                f"param. req_timestamp[{stamp}],server_timestamp[{server}],"
                                                "recv_window[5000]")


def test_bybit_accepts_a_replay_inside_recv_window_and_refuses_it_after(net: Localnet):
    key = new_key(net, "bybit")
    request = prepare_read(net, "bybit", key, now_ms=T)  # X-BAPI-RECV-WINDOW: 5000
    assert accepted("bybit", request.send()) and accepted("bybit", request.send())
    at(net, T + 5 * SECOND)  # server_time - recv_window <= timestamp
    assert accepted("bybit", request.send())
    at(net, T + 5 * SECOND + 1)
    bybit_outside(request.send(), T, T + 5 * SECOND + 1)
    at(net, T - SECOND + 1)  # timestamp < server_time + 1000
    assert accepted("bybit", request.send())
    at(net, T - SECOND)
    bybit_outside(request.send(), T, T - SECOND)


def test_bybit_refuses_a_replayed_order_only_by_its_order_link_id(net: Localnet):
    key = new_key(net, "bybit", permissions=("read", "trade"))
    with_id = prepare_order(net, "bybit", key, T, "replay-1")
    assert order_placed("bybit", with_id.send())
    bybit_support.assert_error(with_id.send(), 170141, "Duplicate clientOrderId")
    without_id = prepare_order(net, "bybit", key, T, None)  # no id: nothing for Bybit to recognise
    assert order_placed("bybit", without_id.send()) and order_placed("bybit", without_id.send())
    assert order_count(net, key) == 3
    at(net, T + 5 * SECOND + 1)
    bybit_outside(without_id.send(), T, T + 5 * SECOND + 1)
    assert order_count(net, key) == 3


# ---- OKX -----------------------------------------------------------------------------------------

def test_okx_accepts_a_replay_within_30_seconds_either_way(net: Localnet):
    key = new_key(net, "okx")
    request = prepare_read(net, "okx", key, now_ms=T)
    assert accepted("okx", request.send()) and accepted("okx", request.send())
    for server in (T + 30 * SECOND, T - 30 * SECOND):
        at(net, server)
        assert accepted("okx", request.send()), server - T
    for server in (T + 30 * SECOND + 1, T - 30 * SECOND - 1, T + 3600 * SECOND):
        at(net, server)
        okx_support.assert_auth_error(request.send(), "50102", "Timestamp request expired.")


def test_okx_refuses_a_replayed_order_only_by_its_client_order_id(net: Localnet):
    key = new_key(net, "okx", permissions=("read", "trade"))
    with_id = prepare_order(net, "okx", key, T, "replay1")
    assert order_placed("okx", with_id.send())
    okx_support.assert_order_refused(with_id.send(), "51016", "Client order ID already exists.")
    without_id = prepare_order(net, "okx", key, T, None)
    assert order_placed("okx", without_id.send()) and order_placed("okx", without_id.send())
    assert order_count(net, key) == 3
    at(net, T + 30 * SECOND + 1)
    okx_support.assert_auth_error(without_id.send(), "50102", "Timestamp request expired.")
    assert order_count(net, key) == 3


# ---- Kraken --------------------------------------------------------------------------------------

def test_kraken_refuses_the_same_nonce_at_once_and_forever(net: Localnet):
    key = new_key(net, "kraken", permissions=("read", "trade"))
    order = prepare_order(net, "kraken", key, T, None)  # nonce T
    assert order_placed("kraken", order.send())
    kraken_support.assert_error(order.send(), "EAPI:Invalid nonce")  # the very same bytes, at once
    at(net, T + 86_400 * SECOND)  # Kraken has no clock window: time changes nothing
    kraken_support.assert_error(order.send(), "EAPI:Invalid nonce")
    kraken_support.assert_error(prepare_order(net, "kraken", key, T - 1, None).send(), "EAPI:Invalid nonce")
    assert order_count(net, key) == 1
    assert order_placed("kraken", prepare_order(net, "kraken", key, T + 1, None).send())
    assert order_count(net, key) == 2


def test_kraken_a_request_never_sent_stays_usable_until_a_larger_nonce_is_used(net: Localnet):
    """The nonce is Kraken's only freshness check (§4.2): a request signed with nonce N and held back
    (captured, say) still works a day later if the key has used no nonce >= N meanwhile."""
    key = new_key(net, "kraken")
    held = Prepared(*kraken_read(net, key, T + 10))
    assert accepted("kraken", Prepared(*kraken_read(net, key, T)).send())
    at(net, T + 86_400 * SECOND)
    assert accepted("kraken", held.send())
    kraken_support.assert_error(Prepared(*kraken_read(net, key, T + 5)).send(), "EAPI:Invalid nonce")


def test_kraken_a_forged_request_does_not_use_up_a_nonce(net: Localnet):
    key = new_key(net, "kraken")
    other = new_key(net, "kraken")
    forged = Prepared(*kraken_read(net, {**key, "secret": other["secret"]}, 2**63))
    kraken_support.assert_error(forged.send(), "EAPI:Invalid signature")
    assert accepted("kraken", Prepared(*kraken_read(net, key, T)).send())


def kraken_read(net: Localnet, key: dict, nonce: int) -> tuple[str, str, dict, bytes]:
    """(method, url, headers, body) of a Balance call with this nonce."""
    path, headers, body = kraken_recipe.private_request(key["api_key"], key["secret"], "Balance", nonce=str(nonce))
    return "POST", net.url("kraken") + path, headers, body.encode()


# ---- Coinbase ------------------------------------------------------------------------------------

def test_coinbase_accepts_the_same_jwt_until_it_expires(net: Localnet):
    key = new_key(net, "coinbase")
    request = prepare_read(net, "coinbase", key, now_ms=T)  # nbf = T/1000, exp = nbf + 120
    assert accepted("coinbase", request.send())
    assert accepted("coinbase", request.send())  # no single use is documented: the same token passes
    at(net, T + 120 * SECOND - 1)
    assert accepted("coinbase", request.send())
    at(net, T + 120 * SECOND)  # exp is not after the server's time any more
    assert_unauthorized(request.send())
    at(net, T - 1)  # before nbf
    assert_unauthorized(request.send())
    assert [e["error_code"] for e in net.activity(key["id"])[-2:]] == [
        "Unauthorized: the token has expired (exp is not after the server's time)",
        "Unauthorized: the token is not valid yet (nbf is after the server's time)"]


def test_coinbase_a_replayed_jwt_only_replays_the_request_it_names(net: Localnet):
    key = new_key(net, "coinbase")
    token = prepare_read(net, "coinbase", key, now_ms=T).headers["Authorization"]
    base = net.url("coinbase")
    for path in (f"{V3}/key_permissions", f"{V3}/orders/historical/batch", f"{V3}/accounts/x"):
        assert_unauthorized(httpx.get(base + path, headers={"Authorization": token}))
    assert_unauthorized(httpx.post(base + f"{V3}/orders", headers={"Authorization": token}, content=b"{}"))


def test_coinbase_a_replayed_order_returns_the_order_it_already_made(net: Localnet):
    key = new_key(net, "coinbase", permissions=("read", "trade"))
    order = prepare_order(net, "coinbase", key, T, "replay-1")
    first, again = order.send(), order.send()
    assert order_placed("coinbase", first) and order_placed("coinbase", again)
    assert again.json()["order_id"] == first.json()["order_id"]
    assert order_count(net, key) == 1
    at(net, T + 120 * SECOND)
    assert_unauthorized(order.send())
    assert order_count(net, key) == 1
