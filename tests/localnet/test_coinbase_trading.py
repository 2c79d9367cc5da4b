"""Coinbase: market data, accounts, orders, fills, key permissions and the v2 send (withdrawal),
plus malformed input that must never produce a 5xx."""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest

from localnet.client import start
from localnet.core import ledger
from tests.localnet.coinbase_support import V3, Coinbase, assert_error, assert_v2_error, new_key

ORDERS = f"{V3}/orders"


@pytest.fixture(scope="module")
def net():
    """This module's own localnet: its many public calls would trip the 10-per-second public limit."""
    with start(public_rate_limit=100_000) as running:
        yield running


@pytest.fixture
def trader(net):
    client = Coinbase(net.url("coinbase"), new_key(net, permissions=("read", "trade")))
    yield client
    client.close()


@pytest.fixture
def public(net):
    http = httpx.Client(base_url=net.url("coinbase"))
    yield http
    http.close()


def balances(client: Coinbase) -> dict[str, tuple[Decimal, Decimal]]:
    accounts = client.get(f"{V3}/accounts", params={"limit": "250"}).json()["accounts"]
    return {a["currency"]: (Decimal(a["available_balance"]["value"]), Decimal(a["hold"]["value"])) for a in accounts}


# ---- public market data ----------------------------------------------------------------------------

def test_products_list_maps_coinbase_names(public):
    body = public.get(f"{V3}/market/products").json()
    assert [p["product_id"] for p in body["products"]] == ["BTC-USD", "ETH-USD", "BTC-USDT", "ETH-USDT",
                                                             "ETH-BTC", "LTC-BTC"]
    assert body["num_products"] == 6
    btc = body["products"][0]
    assert (btc["base_currency_id"], btc["quote_currency_id"], btc["product_type"], btc["status"]) == \
        ("BTC", "USD", "SPOT", "online")
    assert public.get(f"{V3}/market/products", params={"product_type": "FUTURE"}).json()["products"] == []


def test_product_book_and_ticker(public):
    book = public.get(f"{V3}/market/product_book", params={"product_id": "ETH-BTC", "limit": "3"}).json()
    assert len(book["pricebook"]["bids"]) == 3 and len(book["pricebook"]["asks"]) == 3
    assert Decimal(book["pricebook"]["bids"][0]["price"]) < Decimal(book["pricebook"]["asks"][0]["price"])
    ticker = public.get(f"{V3}/market/products/BTC-USD/ticker", params={"limit": "1"}).json()
    assert Decimal(ticker["best_bid"]) < Decimal(ticker["best_ask"])
    assert public.get(f"{V3}/market/products/ETH-USDT").json()["product_id"] == "ETH-USDT"


def test_unknown_product_is_404(public):
    assert_error(public.get(f"{V3}/market/products/DOGE-USD"), 404, "NOT_FOUND", "ProductID is invalid")
    assert_error(public.get(f"{V3}/market/product_book"), 400, "INVALID_ARGUMENT", "product_id is required")


def test_unknown_path_is_404(public):
    assert_error(public.get(f"{V3}/nothing-here"), 404, "NOT_FOUND", "Not Found")
    assert_v2_error(public.get("/v2/nothing-here"), 404, "not_found", "Not found")


def test_v2_currencies_and_rates(public):
    assert public.get("/v2/currencies").json()["data"][0]["id"] == "USD"
    codes = {c["code"] for c in public.get("/v2/currencies/crypto").json()["data"]}
    assert codes == {"BTC", "ETH", "LTC", "USDT"}
    rates = public.get("/v2/exchange-rates", params={"currency": "BTC"}).json()["data"]
    assert rates["currency"] == "BTC" and Decimal(rates["rates"]["USD"]) == Decimal("60000")


# ---- accounts and introspection ----------------------------------------------------------------------

def test_accounts_paginate(trader):
    first = trader.get(f"{V3}/accounts", params={"limit": "2"}).json()
    assert first["has_next"] is True and first["size"] == 2
    rest = trader.get(f"{V3}/accounts", params={"limit": "10", "cursor": first["cursor"]}).json()
    assert rest["has_next"] is False
    currencies = [a["currency"] for a in first["accounts"] + rest["accounts"]]
    assert currencies == ["BTC", "ETH", "LTC", "USDT", "USD"]
    usd = rest["accounts"][-1]
    assert usd["type"] == "ACCOUNT_TYPE_FIAT" and usd["available_balance"] == {"value": "10000", "currency": "USD"}
    one = trader.get(f"{V3}/accounts/{usd['uuid']}").json()["account"]
    assert one == usd


def test_unknown_account_is_404(trader):
    assert_error(trader.get(f"{V3}/accounts/00000000-0000-0000-0000-000000000000"), 404, "NOT_FOUND",
                 "account not found")


@pytest.mark.parametrize("permissions, expected", [
    (("read",), (True, False, False)),
    (("read", "trade"), (True, True, False)),
    (("read", "trade", "withdraw"), (True, True, True)),
])
def test_key_permissions(net, permissions, expected):
    client = Coinbase(net.url("coinbase"), new_key(net, permissions=permissions))
    body = client.get(f"{V3}/key_permissions").json()
    assert (body["can_view"], body["can_trade"], body["can_transfer"]) == expected
    assert body["portfolio_type"] == "DEFAULT" and len(body["portfolio_uuid"]) == 36
    client.close()


# ---- orders ---------------------------------------------------------------------------------------

def test_limit_order_rests_holds_funds_and_cancels(trader):
    response = trader.order("BTC-USD", "BUY", {"limit_limit_gtc": {"base_size": "0.01", "limit_price": "50000",
                                                                   "post_only": False}}, "my-first-order")
    body = response.json()
    assert response.status_code == 200 and body["success"] is True, body
    order_id = body["success_response"]["order_id"]
    assert body["success_response"] == {"order_id": order_id, "product_id": "BTC-USD", "side": "BUY",
                                        "client_order_id": "my-first-order"}
    assert balances(trader)["USD"] == (Decimal("9500"), Decimal("500"))
    order = trader.get(f"{ORDERS}/historical/{order_id}").json()["order"]
    assert (order["status"], order["order_type"], order["time_in_force"], order["filled_size"]) == \
        ("OPEN", "LIMIT", "GOOD_UNTIL_CANCELLED", "0")
    open_orders = trader.get(f"{ORDERS}/historical/batch", params={"order_status": "OPEN"}).json()
    assert [o["order_id"] for o in open_orders["orders"]] == [order_id]
    cancelled = trader.post(f"{ORDERS}/batch_cancel", {"order_ids": [order_id]}).json()
    assert cancelled == {"results": [{"success": True, "failure_reason": "UNKNOWN_CANCEL_FAILURE_REASON",
                                      "order_id": order_id}]}
    assert balances(trader)["USD"] == (Decimal("10000"), Decimal("0"))
    assert trader.get(f"{ORDERS}/historical/{order_id}").json()["order"]["status"] == "CANCELLED"
    again = trader.post(f"{ORDERS}/batch_cancel", {"order_ids": [order_id]}).json()["results"][0]
    assert again == {"success": False, "failure_reason": "UNKNOWN_CANCEL_ORDER", "order_id": order_id}


def test_market_buy_by_quote_fills_and_shows_fills(trader):
    body = trader.order("ETH-USD", "BUY", {"market_market_ioc": {"quote_size": "100.00"}}).json()
    assert body["success"] is True, body
    order_id = body["success_response"]["order_id"]
    order = trader.get(f"{ORDERS}/historical/{order_id}").json()["order"]
    assert order["status"] == "FILLED" and order["size_in_quote"] is True
    assert order["order_configuration"] == {"market_market_ioc": {"quote_size": "100"}}
    fills = trader.get(f"{ORDERS}/historical/fills", params={"order_id": order_id}).json()["fills"]
    assert fills and all(f["order_id"] == order_id and f["product_id"] == "ETH-USD" for f in fills)
    bought = sum(Decimal(f["size"]) for f in fills)
    assert Decimal(order["filled_size"]) == bought
    assert balances(trader)["ETH"][0] == Decimal(10) + bought - Decimal(order["total_fees"])


def test_market_sell_by_base(trader):
    body = trader.order("LTC-BTC", "SELL", {"market_market_ioc": {"base_size": "1.00"}}).json()
    assert body["success"] is True, body
    assert balances(trader)["LTC"][0] == Decimal(99)


def test_repeated_client_order_id_returns_the_same_order(trader):
    config = {"limit_limit_gtc": {"base_size": "0.1", "limit_price": "2000.00"}}
    first = trader.order("ETH-USDT", "BUY", config, "same-id").json()
    second = trader.order("ETH-USDT", "BUY", config, "same-id").json()
    assert first["success_response"]["order_id"] == second["success_response"]["order_id"]
    assert balances(trader)["USDT"] == (Decimal("9800"), Decimal("200"))


def test_post_only_that_would_take_is_refused(trader):
    body = trader.order("BTC-USD", "BUY", {"limit_limit_gtc": {"base_size": "0.01", "limit_price": "70000",
                                                               "post_only": True}}).json()
    assert body["success"] is False
    assert body["error_response"]["error"] == "INVALID_LIMIT_PRICE_POST_ONLY"
    assert body["error_response"]["preview_failure_reason"] == "PREVIEW_INVALID_LIMIT_PRICE_POST_ONLY"


@pytest.mark.parametrize("product, side, config, error, preview, message", [
    ("BTC-USD", "BUY", {"market_market_ioc": {"quote_size": "20000000"}}, "INSUFFICIENT_FUND",
     "PREVIEW_INSUFFICIENT_FUND", "Insufficient balance in source account"),
    ("BTC-USD", "SELL", {"limit_limit_gtc": {"base_size": "5", "limit_price": "70000"}}, "INSUFFICIENT_FUND",
     "PREVIEW_INSUFFICIENT_FUND", "Insufficient balance in source account"),
    ("BTC-USD", "BUY", {"limit_limit_gtc": {"base_size": "0.000000011", "limit_price": "50000"}},
     "INVALID_SIZE_PRECISION", "PREVIEW_INVALID_SIZE_PRECISION", "Too many decimals in order amount"),
    ("BTC-USD", "BUY", {"limit_limit_gtc": {"base_size": "0.01", "limit_price": "50000.05"}},
     "INVALID_PRICE_PRECISION", "PREVIEW_INVALID_PRICE_PRECISION", "Too many decimals in order price"),
    ("ETH-BTC", "BUY", {"limit_limit_gtc": {"base_size": "0.001", "limit_price": "0.01"}},
     "UNKNOWN_FAILURE_REASON", "PREVIEW_INVALID_QUOTE_SIZE_TOO_SMALL", "Order value is below the product's minimum"),
    ("DOGE-USD", "BUY", {"market_market_ioc": {"quote_size": "10"}}, "INVALID_PRODUCT_ID", "", "Invalid product_id"),
    ("BTC-USD", "HOLD", {"market_market_ioc": {"quote_size": "10"}}, "INVALID_SIDE", "", "Invalid side"),
    ("BTC-USD", "BUY", {"stop_limit_stop_limit_gtc": {"base_size": "0.01", "limit_price": "1", "stop_price": "2"}},
     "UNSUPPORTED_ORDER_CONFIGURATION", "", "Order configuration is not supported"),
])
def test_orders_coinbase_will_not_place_are_200_success_false(trader, product, side, config, error, preview,
                                                               message):
    response = trader.order(product, side, config)
    assert response.status_code == 200
    body = response.json()
    assert body["success"] is False and body["order_id"] == ""
    assert body["error_response"] == {"error": error, "message": message, "error_details": "",
                                      "preview_failure_reason": preview, "new_order_failure_reason": error}
    assert body["order_configuration"] == config
    assert balances(trader)["USD"] == (Decimal("10000"), Decimal("0"))


@pytest.mark.parametrize("body, message", [
    ({"product_id": "BTC-USD", "side": "BUY", "order_configuration": {"market_market_ioc": {"quote_size": "10"}}},
     "client_order_id is required"),
    ({"client_order_id": "x", "product_id": "BTC-USD", "side": "BUY"},
     "order_configuration must hold exactly one order type"),
    ({"client_order_id": "x", "product_id": "BTC-USD", "side": "BUY",
      "order_configuration": {"market_market_ioc": {"quote_size": 10}}},
     'quote_size must be a decimal number in a string, such as "0.001"'),
    ({"client_order_id": "x", "product_id": "BTC-USD", "side": "BUY",
      "order_configuration": {"market_market_ioc": {"quote_size": "1e3"}}},
     'quote_size must be a decimal number in a string, such as "0.001"'),
    ({"client_order_id": "x", "product_id": "BTC-USD", "side": "BUY",
      "order_configuration": {"market_market_ioc": {"quote_size": "1" * 40}}},
     'quote_size must be a decimal number in a string, such as "0.001"'),
    ({"client_order_id": "x", "product_id": "BTC-USD", "side": "BUY",
      "order_configuration": {"market_market_ioc": {"quote_size": "10", "base_size": "1"}}},
     "market_market_ioc needs exactly one of base_size and quote_size"),
    ({"client_order_id": "x", "product_id": "BTC-USD", "side": "BUY",
      "order_configuration": {"limit_limit_gtc": {"base_size": "1"}}}, "limit_limit_gtc needs base_size and limit_price"),
    ({"client_order_id": "x", "product_id": "BTC-USD", "side": "BUY",
      "order_configuration": {"no_such_type": {}}}, "unknown order configuration 'no_such_type'"),
])
def test_malformed_orders_are_400_invalid_argument(trader, body, message):
    assert_error(trader.post(ORDERS, body), 400, "INVALID_ARGUMENT", message)


@pytest.mark.parametrize("raw", [b"{not json", b"\xff\xfe", b"[1, 2]", b'{"a": NaN}', b"1" * 5000, b'"text"'])
def test_bad_bodies_are_400(trader, raw):
    assert_error(trader.post(ORDERS, raw=raw), 400, "INVALID_ARGUMENT", "the request body is not a valid JSON object")


def test_huge_body_and_odd_queries_never_5xx(trader, public):
    assert trader.post(ORDERS, raw=b"{" + b" " * 70_000 + b"}").status_code == 400
    assert public.get(f"{V3}/market/products?limit=%ff").status_code == 400
    assert public.get(f"{V3}/market/products?limit=99999999999999999999").status_code == 400
    assert public.get(f"{V3}/market/products/%00").status_code == 404
    assert trader.get(f"{ORDERS}/historical/not-a-uuid").status_code == 404


def test_unknown_order_is_404(trader):
    assert_error(trader.get(f"{ORDERS}/historical/11111111-2222-3333-4444-000000000001"), 404, "NOT_FOUND",
                 "order with this orderID was not found")


def test_orders_of_another_account_are_invisible(net, trader):
    placed = trader.order("BTC-USD", "BUY", {"limit_limit_gtc": {"base_size": "0.01", "limit_price": "40000"}})
    order_id = placed.json()["success_response"]["order_id"]
    other = Coinbase(net.url("coinbase"), new_key(net))
    assert other.get(f"{ORDERS}/historical/{order_id}").status_code == 404
    assert other.post(f"{ORDERS}/batch_cancel", {"order_ids": [order_id]}).json()["results"][0]["success"] is False
    other.close()


def test_list_orders_filters(trader):
    trader.order("BTC-USD", "BUY", {"limit_limit_gtc": {"base_size": "0.01", "limit_price": "40000"}})
    trader.order("ETH-USD", "BUY", {"market_market_ioc": {"quote_size": "50"}})
    everything = trader.get(f"{ORDERS}/historical/batch").json()["orders"]
    assert [o["product_id"] for o in everything] == ["ETH-USD", "BTC-USD"]  # newest first
    filled = trader.get(f"{ORDERS}/historical/batch", params={"order_status": "FILLED"}).json()["orders"]
    assert [o["product_id"] for o in filled] == ["ETH-USD"]
    by_product = trader.get(f"{ORDERS}/historical/batch", params={"product_ids": "BTC-USD"}).json()["orders"]
    assert [o["status"] for o in by_product] == ["OPEN"]
    assert_error(trader.get(f"{ORDERS}/historical/batch", params={"order_status": "ALIVE"}), 400,
                 "INVALID_ARGUMENT", "invalid order_status 'ALIVE'")


@pytest.mark.parametrize("body", [{}, {"order_ids": []}, {"order_ids": "abc"}, {"order_ids": [1]}])
def test_batch_cancel_needs_order_ids(trader, body):
    assert_error(trader.post(f"{ORDERS}/batch_cancel", body), 400, "INVALID_ARGUMENT",
                 "order_ids must be a non-empty list of order ids")


# ---- withdrawals (v2 send) --------------------------------------------------------------------------

def btc_account(client: Coinbase) -> str:
    return next(a["uuid"] for a in client.get(f"{V3}/accounts").json()["accounts"] if a["currency"] == "BTC")


def test_send_needs_the_transfer_permission(net, trader):
    account = btc_account(trader)
    send = {"type": "send", "to": "bc1qexample", "amount": "0.1", "currency": "BTC"}
    assert_v2_error(trader.post(f"/v2/accounts/{account}/transactions", send), 403, "invalid_scope", "Invalid scope")
    assert balances(trader)["BTC"][0] == Decimal(1)


def test_send_debits_the_ledger(net):
    client = Coinbase(net.url("coinbase"), new_key(net, permissions=("read", "withdraw")))
    account = btc_account(client)
    response = client.post(f"/v2/accounts/{account}/transactions",
                           {"type": "send", "to": "bc1qexample", "amount": "0.25", "currency": "BTC"})
    assert response.status_code == 201, response.text
    data = response.json()["data"]
    assert (data["type"], data["status"], data["amount"]) == ("send", "pending", {"amount": "-0.25",
                                                                                    "currency": "BTC"})
    assert balances(client)["BTC"][0] == Decimal("0.75")
    v2 = client.get("/v2/accounts").json()["data"]
    assert next(a for a in v2 if a["currency"]["code"] == "BTC")["balance"] == {"amount": "0.75", "currency": "BTC"}
    totals = ledger.expected_totals(net.store, client.key["account_id"])
    assert totals["BTC"] == Decimal("0.75")
    client.close()


@pytest.mark.parametrize("body, status, error_id, message", [
    ({"type": "send", "to": "x", "amount": "2", "currency": "BTC"}, 400, "validation_error",
     "Insufficient balance in source account"),
    ({"type": "send", "to": "x", "amount": "0.1", "currency": "ETH"}, 400, "validation_error",
     "currency must be BTC, the currency of this account"),
    ({"type": "send", "to": "x", "amount": "-1", "currency": "BTC"}, 400, "validation_error",
     "amount must be greater than zero"),
    ({"type": "send", "to": "x", "amount": "1e-1", "currency": "BTC"}, 400, "validation_error",
     "amount must be a decimal number"),
    ({"type": "request", "to": "x", "amount": "1", "currency": "BTC"}, 400, "validation_error",
     "type 'request' is not supported here; use \"send\""),
    ({"type": "send", "amount": "1", "currency": "BTC"}, 400, "param_required", "Required parameter missing: to"),
])
def test_send_refusals(net, body, status, error_id, message):
    client = Coinbase(net.url("coinbase"), new_key(net, permissions=("read", "withdraw")))
    assert_v2_error(client.post(f"/v2/accounts/{btc_account(client)}/transactions", body), status, error_id, message)
    assert balances(client)["BTC"][0] == Decimal(1)
    client.close()
