"""Market data, orders, fills, fees and the ledger invariant, through the Binance REST API."""

from __future__ import annotations

import random
from decimal import Decimal

from localnet.core import market
from localnet.exchanges.binance import app
from tests.localnet.ledger_checks import assert_ledger_consistent
from tests.localnet.support import Binance, assert_error


def balances(client: Binance) -> dict[str, tuple[Decimal, Decimal]]:
    r = client.signed("GET", "/api/v3/account")
    assert r.status_code == 200, r.text
    return {b["asset"]: (Decimal(b["free"]), Decimal(b["locked"])) for b in r.json()["balances"]}


def test_exchange_info_shape(trader):
    info = trader.public("/api/v3/exchangeInfo").json()
    names = {s["symbol"] for s in info["symbols"]}
    assert {"BTCUSDT", "ETHUSDT", "ETHBTC", "BNBUSDT"} <= names
    assert info["rateLimits"][0] == {"rateLimitType": "REQUEST_WEIGHT", "interval": "MINUTE", "intervalNum": 1,
                                     "limit": 6000}
    btc = next(s for s in info["symbols"] if s["symbol"] == "BTCUSDT")
    filters = {f["filterType"]: f for f in btc["filters"]}
    assert filters["PRICE_FILTER"]["tickSize"] == "0.01000000"
    assert filters["LOT_SIZE"]["stepSize"] == "0.00001000"
    assert filters["NOTIONAL"]["minNotional"] == "5.00000000"
    one = trader.public("/api/v3/exchangeInfo", symbol="ETHBTC").json()
    assert [s["symbol"] for s in one["symbols"]] == ["ETHBTC"]
    some = trader.public("/api/v3/exchangeInfo", symbols='["ETHBTC","BNBUSDT"]').json()
    assert [s["symbol"] for s in some["symbols"]] == ["ETHBTC", "BNBUSDT"]


def test_public_endpoints(trader):
    assert trader.public("/api/v3/ping").json() == {}
    assert isinstance(trader.public("/api/v3/time").json()["serverTime"], int)
    assert trader.public("/api/v3/ticker/price", symbol="BTCUSDT").json() == {"symbol": "BTCUSDT",
                                                                             "price": "60000.00000000"}
    assert len(trader.public("/api/v3/ticker/price").json()) == len(app.SYMBOLS)
    t = trader.public("/api/v3/ticker/24hr", symbol="ETHUSDT").json()
    assert Decimal(t["bidPrice"]) < Decimal(t["lastPrice"]) < Decimal(t["askPrice"])


def test_depth_is_deterministic_and_limited(trader):
    a = trader.public("/api/v3/depth", symbol="BTCUSDT", limit=5).json()
    b = trader.public("/api/v3/depth", symbol="BTCUSDT", limit=5).json()
    assert a == b
    assert len(a["bids"]) == len(a["asks"]) == 5
    assert Decimal(a["bids"][0][0]) < Decimal("60000") < Decimal(a["asks"][0][0])
    assert [Decimal(p) for p, _ in a["asks"]] == sorted(Decimal(p) for p, _ in a["asks"])
    assert len(trader.public("/api/v3/depth", symbol="BTCUSDT").json()["bids"]) == 100


def test_limit_order_rests_locks_and_cancels(trader):
    before = balances(trader)
    r = trader.signed("POST", "/api/v3/order", symbol="BTCUSDT", side="BUY", type="LIMIT", timeInForce="GTC",
                      quantity="0.01", price="50000", newClientOrderId="my-first-order")
    assert r.status_code == 200, r.text
    order = r.json()
    assert (order["status"], order["executedQty"], order["fills"]) == ("NEW", "0.00000000", [])
    assert order["clientOrderId"] == "my-first-order"
    assert r.headers["X-MBX-ORDER-COUNT-10S"] == "1"
    after = balances(trader)
    assert after["USDT"] == (before["USDT"][0] - 500, Decimal(500))
    open_ = trader.signed("GET", "/api/v3/openOrders", symbol="BTCUSDT").json()
    assert [o["orderId"] for o in open_] == [order["orderId"]]
    got = trader.signed("GET", "/api/v3/order", symbol="BTCUSDT", origClientOrderId="my-first-order").json()
    assert got["orderId"] == order["orderId"] and got["isWorking"] is True
    dup = trader.signed("POST", "/api/v3/order", symbol="BTCUSDT", side="BUY", type="LIMIT", timeInForce="GTC",
                        quantity="0.01", price="50000", newClientOrderId="my-first-order")
    assert_error(dup, 400, -2010, "Duplicate order sent.")
    canceled = trader.signed("DELETE", "/api/v3/order", symbol="BTCUSDT", orderId=order["orderId"]).json()
    assert canceled["status"] == "CANCELED" and canceled["origClientOrderId"] == "my-first-order"
    assert balances(trader)["USDT"] == before["USDT"]
    assert trader.signed("GET", "/api/v3/openOrders", symbol="BTCUSDT").json() == []
    assert_error(trader.signed("DELETE", "/api/v3/order", symbol="BTCUSDT", orderId=order["orderId"]), 400, -2011,
                 "Unknown order sent.")


def test_crossing_limit_order_fills_at_book_prices_with_fee(trader):
    asks = trader.public("/api/v3/depth", symbol="ETHUSDT", limit=1).json()["asks"]
    best, size = Decimal(asks[0][0]), Decimal(asks[0][1])
    r = trader.signed("POST", "/api/v3/order", symbol="ETHUSDT", side="BUY", type="LIMIT", timeInForce="GTC",
                      quantity="0.5", price="3100")
    order = r.json()
    assert order["status"] == "FILLED", order
    assert size >= Decimal("0.5")
    assert order["fills"] == [{"price": f"{best:.8f}", "qty": "0.50000000", "commission": "0.00050000",
                               "commissionAsset": "ETH", "tradeId": order["fills"][0]["tradeId"]}]
    assert Decimal(order["cummulativeQuoteQty"]) == best * Decimal("0.5")
    trades = trader.signed("GET", "/api/v3/myTrades", symbol="ETHUSDT").json()
    assert trades[-1]["orderId"] == order["orderId"] and trades[-1]["isBuyer"] is True
    assert trades[-1]["commission"] == "0.00050000"


def test_market_orders_walk_the_book(trader):
    bids = trader.public("/api/v3/depth", symbol="BTCUSDT", limit=3).json()["bids"]
    qty = Decimal(bids[0][1]) + Decimal("0.05")  # more than the best level holds
    r = trader.signed("POST", "/api/v3/order", symbol="BTCUSDT", side="SELL", type="MARKET", quantity=str(qty))
    order = r.json()
    assert order["status"] == "FILLED"
    assert [f["price"] for f in order["fills"]] == [bids[0][0], bids[1][0]]
    quote = sum(Decimal(f["price"]) * Decimal(f["qty"]) for f in order["fills"])
    assert Decimal(order["cummulativeQuoteQty"]) == quote
    assert sum(Decimal(f["commission"]) for f in order["fills"]) >= (quote * Decimal("0.001")).quantize(Decimal("1e-8"))


def test_market_buy_by_quote_amount(trader):
    r = trader.signed("POST", "/api/v3/order", symbol="BTCUSDT", side="BUY", type="MARKET", quoteOrderQty="100")
    order = r.json()
    assert order["status"] == "FILLED"
    assert Decimal(order["cummulativeQuoteQty"]) <= 100
    assert Decimal(order["executedQty"]) > 0


def test_response_types(trader):
    base = dict(symbol="BTCUSDT", side="BUY", type="MARKET", quantity="0.001")
    ack = trader.signed("POST", "/api/v3/order", newOrderRespType="ACK", **base).json()
    assert set(ack) == {"symbol", "orderId", "orderListId", "clientOrderId", "transactTime"}
    result = trader.signed("POST", "/api/v3/order", newOrderRespType="RESULT", **base).json()
    assert "fills" not in result and result["status"] == "FILLED"
    full = trader.signed("POST", "/api/v3/order", **base).json()
    assert full["fills"]


def test_ioc_fok_and_limit_maker(trader):
    r = trader.signed("POST", "/api/v3/order", symbol="ETHBTC", side="BUY", type="LIMIT", timeInForce="FOK",
                      quantity="5000", price="0.06")
    assert r.json()["status"] == "EXPIRED" and r.json()["fills"] == []
    r = trader.signed("POST", "/api/v3/order", symbol="ETHBTC", side="BUY", type="LIMIT", timeInForce="IOC",
                      quantity="1", price="0.04")
    assert r.json()["status"] == "EXPIRED"
    r = trader.signed("POST", "/api/v3/order", symbol="ETHBTC", side="BUY", type="LIMIT_MAKER",
                      quantity="1", price="0.06")
    assert_error(r, 400, -2010, "Order would immediately match and take.")
    r = trader.signed("POST", "/api/v3/order", symbol="ETHBTC", side="BUY", type="LIMIT_MAKER",
                      quantity="1", price="0.04")
    assert set(r.json()) == {"symbol", "orderId", "orderListId", "clientOrderId", "transactTime"}  # ACK by default
    r = trader.signed("POST", "/api/v3/order", symbol="ETHBTC", side="BUY", type="LIMIT_MAKER",
                      quantity="1", price="0.04", newOrderRespType="RESULT")
    assert r.json()["status"] == "NEW"
    assert_error(trader.signed("POST", "/api/v3/order", symbol="ETHBTC", side="BUY", type="STOP_LOSS",
                               quantity="1", stopPrice="0.04"),
                 400, -1104, "Not all sent parameters were read; read '6' parameter(s) but was sent '7'.")


def test_test_order_places_nothing(trader):
    r = trader.signed("POST", "/api/v3/order/test", symbol="BTCUSDT", side="BUY", type="LIMIT", timeInForce="GTC",
                      quantity="0.01", price="50000")
    assert (r.status_code, r.json()) == (200, {})
    assert trader.signed("GET", "/api/v3/openOrders").json() == []
    r = trader.signed("POST", "/api/v3/order/test", symbol="BTCUSDT", side="BUY", type="LIMIT", timeInForce="GTC",
                      quantity="0.01", price="50000.001")
    assert_error(r, 400, -1013, "Filter failure: PRICE_FILTER")


def test_cancel_all_and_all_orders(trader):
    ids = [trader.signed("POST", "/api/v3/order", symbol="ETHUSDT", side="SELL", type="LIMIT", timeInForce="GTC",
                         quantity="0.1", price=str(3500 + i)).json()["orderId"] for i in range(3)]
    canceled = trader.signed("DELETE", "/api/v3/openOrders", symbol="ETHUSDT").json()
    assert sorted(o["orderId"] for o in canceled) == ids
    assert balances(trader)["ETH"][1] == 0
    all_orders = trader.signed("GET", "/api/v3/allOrders", symbol="ETHUSDT").json()
    assert [o["status"] for o in all_orders if o["orderId"] in ids] == ["CANCELED"] * 3


def test_ledger_invariant_after_many_random_orders(net, trader):
    rng = random.Random(42)
    names = ["BTCUSDT", "ETHUSDT", "ETHBTC", "BNBUSDT", "LTCBTC"]
    placed = []
    outcomes: dict[str, int] = {}
    for _ in range(150):
        sym = market.SYMBOLS[rng.choice(names)]
        side = rng.choice(["BUY", "SELL"])
        if rng.random() < 0.3 and placed:
            symbol, order_id = placed.pop(rng.randrange(len(placed)))
            trader.signed("DELETE", "/api/v3/order", symbol=symbol, orderId=order_id)
            continue
        qty = sym.step * rng.randint(1, 400) * (10 if sym.step < Decimal("0.001") else 1)
        if rng.random() < 0.4:
            r = trader.signed("POST", "/api/v3/order", symbol=sym.name, side=side, type="MARKET", quantity=str(qty))
        else:
            price = (sym.ref_price * Decimal(rng.uniform(0.995, 1.005))).quantize(sym.tick)
            r = trader.signed("POST", "/api/v3/order", symbol=sym.name, side=side, type="LIMIT",
                              timeInForce=rng.choice(["GTC", "GTC", "IOC"]), quantity=str(qty), price=str(price))
        assert r.status_code in (200, 400), r.text
        outcome = r.json()["status"] if r.status_code == 200 else str(r.json()["code"])
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
        if r.status_code == 200 and r.json()["status"] in ("NEW", "PARTIALLY_FILLED"):
            placed.append((sym.name, r.json()["orderId"]))
    assert outcomes.get("FILLED", 0) >= 10 and outcomes.get("NEW", 0) >= 10, outcomes  # the test exercised both
    assert_ledger_consistent(net, trader.key["account_id"])


def test_api_restrictions_and_withdrawals(net):
    reader = Binance(net.url("binance"), net.create_key("binance", permissions=("read",)))
    info = reader.signed("GET", "/sapi/v1/account/apiRestrictions").json()
    assert (info["enableReading"], info["enableSpotAndMarginTrading"], info["enableWithdrawals"],
            info["ipRestrict"]) == (True, False, False, False)
    assert_error(reader.signed("POST", "/sapi/v1/capital/withdraw/apply", coin="BTC", address="bc1qexample",
                               amount="0.1"), 401, -2015, "Invalid API-key, IP, or permissions for action.")
    key = net.create_key("binance", permissions=("read", "withdraw"), ips=("127.0.0.1/32",))
    withdrawer = Binance(net.url("binance"), key)
    info = withdrawer.signed("GET", "/sapi/v1/account/apiRestrictions").json()
    assert (info["enableWithdrawals"], info["ipRestrict"]) == (True, True)
    r = withdrawer.signed("POST", "/sapi/v1/capital/withdraw/apply", coin="BTC", address="bc1qexample", amount="0.1")
    assert r.status_code == 200 and len(r.json()["id"]) == 32
    assert balances(withdrawer)["BTC"] == (Decimal("0.9"), Decimal(0))
    assert_ledger_consistent(net, key["account_id"])
    r = withdrawer.signed("POST", "/sapi/v1/capital/withdraw/apply", coin="BTC", address="bc1qexample", amount="5")
    assert_error(r, 400, -4026, "User has insufficient balance")


def test_withdraw_permission_needs_an_ip_list(net):
    import pytest

    from localnet.core.keys import KeyProblem
    with pytest.raises(KeyProblem, match="IP-restricted"):
        net.create_key("binance", permissions=("read", "withdraw"))


def test_activity_log_records_calls(net, trader):
    trader.signed("GET", "/api/v3/account")
    trader.signed("GET", "/api/v3/account", recvWindow=70000)
    trader.public("/api/v3/time")
    log = net.activity(trader.key["id"])
    assert [(e["method"], e["path"], e["outcome"], e["error_code"], e["http_status"]) for e in log] == [
        ("GET", "/api/v3/account", "ok", None, 200),
        ("GET", "/api/v3/account", "error", -1102, 400),
    ]
    assert all(e["client_ip"] == "127.0.0.1" and e["key_id"] == trader.key["id"] for e in log)
