"""Coinbase: ccxt and the official SDK (coinbase-advanced-py) against localnet, with Ed25519 and ECDSA keys,
configured exactly as snippets/coinbase.py (and so the reference page) shows."""

from __future__ import annotations

import ccxt
import pytest
from requests.exceptions import HTTPError

from localnet.client import start
from snippets.coinbase import ccxt_client, sdk_client
from tests.localnet.coinbase_support import new_key

KEY_TYPES = ["ed25519", "ecdsa"]


@pytest.fixture(scope="module")
def net():
    """ccxt's load_markets makes several public calls at once: keep them clear of the per-IP limit."""
    with start(public_rate_limit=100_000) as running:
        yield running


@pytest.mark.parametrize("key_type", KEY_TYPES)
def test_ccxt_balance_order_cancel(net, key_type):
    key = new_key(net, type=key_type, permissions=("read", "trade"))
    exchange = ccxt_client(net.url("coinbase"), key["api_key"], key["private_key"])
    balance = exchange.fetch_balance()
    assert balance["total"]["USD"] == 10000 and balance["total"]["BTC"] == 1
    order = exchange.create_order("BTC/USD", "limit", "buy", 0.01, 50000)
    assert [o["id"] for o in exchange.fetch_open_orders("BTC/USD")] == [order["id"]]
    assert exchange.fetch_balance()["used"]["USD"] == 0  # v2 balances (ccxt's default) show one total
    assert exchange.fetch_balance({"v3": True})["used"]["USD"] == 500
    cancelled = exchange.cancel_order(order["id"])
    assert cancelled["id"] == order["id"]
    assert exchange.fetch_order(order["id"])["status"] == "canceled"
    assert exchange.fetch_open_orders("BTC/USD") == []


@pytest.mark.parametrize("key_type", KEY_TYPES)
def test_ccxt_market_order_trades_book_ticker(net, key_type):
    key = new_key(net, type=key_type, permissions=("read", "trade"))
    exchange = ccxt_client(net.url("coinbase"), key["api_key"], key["private_key"])
    order = exchange.create_order("ETH/USD", "market", "buy", 0.1, 3000)  # ccxt turns this into quote_size 300
    assert exchange.fetch_order(order["id"])["status"] == "closed"
    trades = exchange.fetch_my_trades("ETH/USD")
    assert trades and all(t["order"] == order["id"] for t in trades)
    book = exchange.fetch_order_book("ETH/USD", 5)
    assert book["bids"][0][0] < book["asks"][0][0]
    assert exchange.fetch_ticker("ETH/USD")["bid"] == book["bids"][0][0]


def test_ccxt_withdraw_uses_v2_send(net):
    key = new_key(net, permissions=("read", "withdraw"))
    exchange = ccxt_client(net.url("coinbase"), key["api_key"], key["private_key"])
    exchange.withdraw("BTC", 0.2, "bc1qexampleexampleexampleexample00000")
    assert exchange.fetch_balance()["total"]["BTC"] == 0.8


def test_ccxt_maps_coinbase_errors(net):
    key = new_key(net, permissions=("read",))
    exchange = ccxt_client(net.url("coinbase"), key["api_key"], key["private_key"])
    exchange.load_markets()
    with pytest.raises(ccxt.PermissionDenied):
        exchange.create_order("BTC/USD", "limit", "buy", 0.01, 50000)
    net.revoke_key(key["id"])
    with pytest.raises(ccxt.AuthenticationError):
        exchange.fetch_balance()


def test_ccxt_insufficient_funds(net):
    key = new_key(net, permissions=("read", "trade"))
    exchange = ccxt_client(net.url("coinbase"), key["api_key"], key["private_key"])
    with pytest.raises(ccxt.InsufficientFunds):
        exchange.create_order("BTC/USD", "limit", "sell", 5, 70000)


@pytest.mark.parametrize("key_type", KEY_TYPES)
def test_sdk_accounts_order_cancel(net, key_type):
    key = new_key(net, type=key_type, permissions=("read", "trade"))
    client = sdk_client(net.url("coinbase"), key["api_key"], key["private_key"])
    accounts = client.get_accounts().to_dict()["accounts"]
    assert {a["currency"]: a["available_balance"]["value"] for a in accounts}["USD"] == "10000"
    placed = client.limit_order_gtc_buy(client_order_id=f"sdk-{key_type}", product_id="ETH-USD",
                                        base_size="0.1", limit_price="2500")
    assert placed.success is True
    order_id = placed.success_response["order_id"]
    assert client.get_order(order_id).to_dict()["order"]["status"] == "OPEN"
    assert [o["order_id"] for o in client.list_orders(order_status=["OPEN"]).to_dict()["orders"]] == [order_id]
    result = client.cancel_orders(order_ids=[order_id]).results[0]
    assert result.success is True and result.order_id == order_id
    assert client.get_order(order_id).to_dict()["order"]["status"] == "CANCELLED"
    permissions = client.get_api_key_permissions().to_dict()
    assert (permissions["can_view"], permissions["can_trade"], permissions["can_transfer"]) == (True, True, False)


def test_sdk_market_order_and_fills(net):
    key = new_key(net, permissions=("read", "trade"))
    client = sdk_client(net.url("coinbase"), key["api_key"], key["private_key"])
    placed = client.market_order_buy(client_order_id="sdk-market", product_id="BTC-USD", quote_size="100")
    assert placed.success is True
    fills = client.get_fills(order_ids=[placed.success_response["order_id"]]).to_dict()["fills"]
    assert fills and fills[0]["product_id"] == "BTC-USD"


def test_sdk_reports_missing_scopes_and_401(net):
    key = new_key(net, permissions=("read",))
    client = sdk_client(net.url("coinbase"), key["api_key"], key["private_key"])
    with pytest.raises(HTTPError, match="403 Client Error: Missing Required Scopes"):
        client.market_order_buy(client_order_id="nope", product_id="BTC-USD", quote_size="100")
    net.revoke_key(key["id"])
    with pytest.raises(HTTPError, match="401 Client Error"):
        client.get_accounts()
