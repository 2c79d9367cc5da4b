"""ccxt against localnet's Kraken, configured as the docs page shows (Kraken has no official Python SDK)."""

from __future__ import annotations

import ccxt
import pytest

from snippets.kraken import ccxt_kraken
from tests.localnet.kraken_support import DEMO_SECRET, demo_api_key


def kraken_client(url: str, key: dict) -> ccxt.kraken:
    """The configuration the docs page shows (snippets/kraken.py), minus ccxt's own pacing.

    ccxt spaces Kraken calls out itself (about 3 s per private call); switched off here to keep the
    tests fast. localnet's call counter still applies.
    """
    exchange = ccxt_kraken(url, key["api_key"], key["secret"])
    exchange.enableRateLimit = False
    return exchange


@pytest.fixture
def exchange(net):
    key = net.create_key("kraken", permissions=("read", "trade"), api_key=demo_api_key(), secret=DEMO_SECRET)
    return kraken_client(net.url("kraken"), key)


def test_ccxt_has_no_sandbox_url_for_kraken():
    assert ccxt.kraken().urls.get("test") is None  # Kraken Spot has no testnet


def test_ccxt_loads_markets(exchange):
    markets = exchange.load_markets()
    assert {"BTC/USD", "ETH/USD", "ETH/BTC", "LTC/BTC", "BTC/USDT", "ETH/USDT"} <= set(markets)
    btc = markets["BTC/USD"]
    assert (btc["id"], btc["altname"], btc["precision"]["price"]) == ("XXBTZUSD", "XBTUSD", 0.1)


def test_ccxt_fetch_balance(exchange):
    balance = exchange.fetch_balance()
    assert balance["BTC"]["total"] == 1.0 and balance["USD"]["total"] == 100000.0
    assert balance["USD"]["used"] == 0.0


def test_ccxt_create_and_cancel_an_order(exchange):
    order = exchange.create_order("BTC/USD", "limit", "buy", 0.01, 50000)
    assert order["id"] and order["symbol"] == "BTC/USD" and order["price"] == 50000.0
    assert exchange.fetch_balance()["USD"]["used"] == 500.0
    open_orders = exchange.fetch_open_orders()
    assert [o["id"] for o in open_orders] == [order["id"]]
    exchange.cancel_order(order["id"])
    assert exchange.fetch_open_orders() == []
    with pytest.raises(ccxt.OrderNotFound):
        exchange.cancel_order(order["id"])


def test_ccxt_market_order_and_trades(exchange):
    order = exchange.create_order("ETH/USD", "market", "sell", 0.5)
    fetched = exchange.fetch_order(order["id"])
    assert fetched["status"] == "closed" and fetched["filled"] == 0.5
    trades = exchange.fetch_my_trades("ETH/USD")
    assert trades and all(t["order"] == order["id"] for t in trades)


def test_ccxt_maps_krakens_errors(net):
    url = net.url("kraken")
    read_only = net.create_key("kraken", permissions=("read",), api_key=demo_api_key(), secret=DEMO_SECRET)
    with pytest.raises(ccxt.PermissionDenied):
        kraken_client(url, read_only).create_order("BTC/USD", "limit", "buy", 0.01, 50000)
    with pytest.raises(ccxt.AuthenticationError):
        kraken_client(url, {"api_key": demo_api_key(), "secret": DEMO_SECRET}).fetch_balance()
    wrong_secret = {**read_only, "secret": DEMO_SECRET[:-4] + "AAA="}
    # ccxt has no mapping for EAPI:Invalid signature: it surfaces as a plain ExchangeError.
    with pytest.raises(ccxt.ExchangeError, match="EAPI:Invalid signature") as raised:
        kraken_client(url, wrong_secret).fetch_balance()
    assert type(raised.value) is ccxt.ExchangeError
    trader = kraken_client(url, net.create_key("kraken", permissions=("read", "trade"), api_key=demo_api_key(),
                                               secret=DEMO_SECRET))
    with pytest.raises(ccxt.InsufficientFunds):
        trader.create_order("BTC/USD", "limit", "sell", 5, 70000)


def test_ccxt_reports_a_reused_nonce(net):
    key = net.create_key("kraken", permissions=("read",), api_key=demo_api_key(), secret=DEMO_SECRET)
    first, second = kraken_client(net.url("kraken"), key), kraken_client(net.url("kraken"), key)
    first.load_markets()
    second.markets = first.markets
    second.incrementing_nonce = lambda: 1  # a second program on the same key, with a smaller nonce
    first.fetch_balance()
    with pytest.raises(ccxt.InvalidNonce):
        second.fetch_balance()
