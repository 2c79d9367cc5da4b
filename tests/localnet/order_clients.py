"""One order client per exchange behind a common interface, for tests that trade on all five at once.

Each client places, cancels and queries orders on BTCUSDT (XBTUSDT on Kraken, BTC-USDT on OKX and
Coinbase) through the signed helpers in support.py and *_support.py, and turns every answer into an
`Answer`: "ok", or one of the refusals a concurrent test expects ("insufficient", "duplicate",
"unknown"), after checking that the refusal is worded exactly as the exchange words it. Any other
answer fails the test on the spot. Ids the exchange hands out are turned into ledger ids with
localnet's own id mapping, so answers can be matched against the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import httpx

from localnet.exchanges.bybit import views as bybit_views
from localnet.exchanges.coinbase import ids as coinbase_ids
from localnet.exchanges.kraken import ids as kraken_ids
from localnet.exchanges.okx import views as okx_views
from tests.localnet.bybit_support import Bybit
from tests.localnet.coinbase_support import V3, Coinbase
from tests.localnet.kraken_support import Kraken
from tests.localnet.okx_support import Okx
from tests.localnet.support import Binance

EXCHANGES = ("binance", "bybit", "okx", "kraken", "coinbase")
SYMBOL = "BTCUSDT"  # the ledger's name for the market every client trades
OPEN = frozenset({"NEW", "PARTIALLY_FILLED"})
CLOSED = frozenset({"FILLED", "CANCELED", "EXPIRED"})
# Receive windows for Binance and Bybit: the largest Binance documents (60 s) instead of the 5 s
# default. Thirty clients signing on real time queue behind each other's transactions, and on a
# loaded 2-core CI box a request can wait more than 5 s; these tests are about the ledger, not time.
RECV_WINDOW_MS = 60_000


@dataclass(frozen=True)
class Answer:
    """What a client learned from one request.

    `outcome` is "ok", "insufficient", "duplicate" or "unknown" (no such open order). `code` is the
    exchange's own error code or text for a refusal. `statuses` is the set of ledger statuses the
    exchange's word for the order's state can stand for (None when the answer names no state);
    `executed` the filled quantity it reported (None when it reported none).
    """

    outcome: str
    ledger_id: int | None = None
    ref: str | None = None  # the exchange's own order id
    statuses: frozenset[str] | None = None
    executed: Decimal | None = None
    code: object = None


def _fail(response: httpx.Response) -> AssertionError:
    return AssertionError(f"unexpected answer {response.status_code}: {response.text}")


class _PatientBinance(Binance):
    """Binance's signed helper with recvWindow=RECV_WINDOW_MS on every call."""

    def signed(self, method: str, path: str, *, in_body: bool = False, **params: object) -> httpx.Response:
        return super().signed(method, path, in_body=in_body, recvWindow=RECV_WINDOW_MS, **params)


class _PatientBybit(Bybit):
    """Bybit's signed helper with X-BAPI-RECV-WINDOW: RECV_WINDOW_MS on every call."""

    def headers(self, payload: bytes, timestamp: int | None = None, window: str | None = str(RECV_WINDOW_MS),
                **kw) -> dict[str, str]:
        return super().headers(payload, timestamp, window, **kw)


class BinanceOrders:
    """Binance Spot: POST/DELETE/GET /api/v3/order."""

    exchange = "binance"
    ERRORS = {"Account has insufficient balance for requested action.": "insufficient",
              "Duplicate order sent.": "duplicate"}

    def __init__(self, base: str, key: dict) -> None:
        self.client = _PatientBinance(base, key)

    def place(self, side: str, kind: str, qty: Decimal, price: Decimal | None, client_id: str,
              tif: str = "GTC") -> Answer:
        params = dict(symbol=SYMBOL, side=side, type=kind, quantity=str(qty), newClientOrderId=client_id)
        if kind == "LIMIT":
            params.update(timeInForce=tif, price=str(price))
        r = self.client.signed("POST", "/api/v3/order", **params)
        body = r.json()
        if r.status_code == 400 and body.get("code") == -2010 and body.get("msg") in self.ERRORS:
            return Answer(self.ERRORS[body["msg"]], code=-2010)
        if r.status_code != 200:
            raise _fail(r)
        fills = sum((Decimal(f["qty"]) for f in body["fills"]), Decimal(0))
        assert fills == Decimal(body["executedQty"]), body  # a FULL answer's fills add up to what it says
        if body["status"] == "FILLED":
            assert Decimal(body["executedQty"]) == Decimal(body["origQty"]), body
        return Answer("ok", body["orderId"], str(body["orderId"]), frozenset({body["status"]}),
                      Decimal(body["executedQty"]))

    def cancel(self, ref: str | None = None, client_id: str | None = None) -> Answer:
        params = {"orderId": ref} if ref is not None else {"origClientOrderId": client_id}
        r = self.client.signed("DELETE", "/api/v3/order", symbol=SYMBOL, **params)
        body = r.json()
        if r.status_code == 400 and body == {"code": -2011, "msg": "Unknown order sent."}:
            return Answer("unknown", code=-2011)
        if r.status_code != 200 or body["status"] != "CANCELED":
            raise _fail(r)
        return Answer("ok", body["orderId"], str(body["orderId"]), frozenset({"CANCELED"}),
                      Decimal(body["executedQty"]))

    def query(self, ref: str) -> Answer:
        r = self.client.signed("GET", "/api/v3/order", symbol=SYMBOL, orderId=ref)
        if r.status_code != 200:
            raise _fail(r)
        body = r.json()
        return Answer("ok", body["orderId"], ref, frozenset({body["status"]}), Decimal(body["executedQty"]))

    def close(self) -> None:
        self.client.close()


class BybitOrders:
    """Bybit v5 spot: /v5/order/create, /v5/order/cancel, /v5/order/realtime."""

    exchange = "bybit"
    ERRORS = {170131: ("insufficient", "Balance insufficient"), 170141: ("duplicate", "Duplicate clientOrderId")}
    # Bybit's "cannot cancel": it does not exist, it was filled, it was cancelled already.
    NOT_OPEN = {170213: "Order does not exist.", 170139: "Order has been filled.", 170142: "Order has been cancelled"}
    STATUSES = {"New": {"NEW"}, "PartiallyFilled": {"PARTIALLY_FILLED"}, "Filled": {"FILLED"},
                "Cancelled": {"CANCELED", "EXPIRED"}, "PartiallyFilledCanceled": {"CANCELED", "EXPIRED"}}

    def __init__(self, base: str, key: dict) -> None:
        self.client = _PatientBybit(base, key)

    def _body(self, r: httpx.Response) -> dict:
        if r.status_code != 200:
            raise _fail(r)
        return r.json()

    def place(self, side: str, kind: str, qty: Decimal, price: Decimal | None, client_id: str,
              tif: str = "GTC") -> Answer:
        fields = dict(symbol=SYMBOL, side=side.capitalize(), orderType=kind.capitalize(), qty=str(qty),
                      orderLinkId=client_id, price=str(price) if kind == "LIMIT" else None)
        if kind == "LIMIT":
            fields["timeInForce"] = tif
        else:
            fields["marketUnit"] = "baseCoin"
        body = self._body(self.client.order(**fields))
        code = body["retCode"]
        if code in self.ERRORS:
            outcome, message = self.ERRORS[code]
            assert body["retMsg"] == message, body
            return Answer(outcome, code=code)
        if code != 0:
            raise AssertionError(body)
        assert body["result"]["orderLinkId"] == client_id, body
        ref = body["result"]["orderId"]
        return Answer("ok", bybit_views.ledger_order_id(ref), ref)

    def cancel(self, ref: str | None = None, client_id: str | None = None) -> Answer:
        which = {"orderId": ref} if ref is not None else {"orderLinkId": client_id}
        body = self._body(self.client.post("/v5/order/cancel", {"category": "spot", "symbol": SYMBOL, **which}))
        if body["retCode"] in self.NOT_OPEN:
            assert body["retMsg"] == self.NOT_OPEN[body["retCode"]], body
            return Answer("unknown", code=body["retCode"])
        if body["retCode"] != 0:
            raise AssertionError(body)
        ref = body["result"]["orderId"]
        return Answer("ok", bybit_views.ledger_order_id(ref), ref, frozenset({"CANCELED"}))

    def query(self, ref: str) -> Answer:
        body = self._body(self.client.get("/v5/order/realtime", f"category=spot&orderId={ref}"))
        assert body["retCode"] == 0, body
        (order,) = body["result"]["list"]
        return Answer("ok", bybit_views.ledger_order_id(ref), ref, frozenset(self.STATUSES[order["orderStatus"]]),
                      Decimal(order["cumExecQty"]))

    def close(self) -> None:
        self.client.close()


class OkxOrders:
    """OKX v5: /api/v5/trade/order (place and get) and /api/v5/trade/cancel-order."""

    exchange = "okx"
    INST = "BTC-USDT"
    ERRORS = {"51008": ("insufficient", "Order failed. Insufficient {} balance in account"),
              "51016": ("duplicate", "Client order ID already exists.")}
    CANCEL_FAILED = ("51400", "Order cancellation failed as the order has been filled, canceled or does not exist.")
    STATES = {"live": {"NEW"}, "partially_filled": {"PARTIALLY_FILLED"}, "filled": {"FILLED"},
              "canceled": {"CANCELED", "EXPIRED"}}

    def __init__(self, base: str, key: dict) -> None:
        self.client = Okx(base, key)

    @staticmethod
    def _item(r: httpx.Response) -> tuple[str, dict]:
        if r.status_code != 200:
            raise _fail(r)
        body = r.json()
        assert body["code"] in ("0", "1") and len(body["data"]) == 1, body
        return body["code"], body["data"][0]

    def place(self, side: str, kind: str, qty: Decimal, price: Decimal | None, client_id: str,
              tif: str = "GTC") -> Answer:
        order = {"instId": self.INST, "tdMode": "cash", "side": side.lower(), "sz": str(qty), "clOrdId": client_id}
        if kind == "LIMIT":
            order.update(ordType="limit" if tif == "GTC" else tif.lower(), px=str(price))
        else:
            order.update(ordType="market", tgtCcy="base_ccy")
        code, item = self._item(self.client.post("/api/v5/trade/order", order))
        if code == "1" and item["sCode"] in self.ERRORS:
            outcome, message = self.ERRORS[item["sCode"]]
            assert item["sMsg"] == message.format("USDT" if side == "BUY" else "BTC"), item
            return Answer(outcome, code=item["sCode"])
        assert code == "0" and item["sCode"] == "0" and item["clOrdId"] == client_id, item
        return Answer("ok", okx_views.ledger_id(item["ordId"]), item["ordId"])

    def cancel(self, ref: str | None = None, client_id: str | None = None) -> Answer:
        which = {"ordId": ref} if ref is not None else {"clOrdId": client_id}
        code, item = self._item(self.client.post("/api/v5/trade/cancel-order", {"instId": self.INST, **which}))
        if code == "1":
            assert (item["sCode"], item["sMsg"]) == self.CANCEL_FAILED, item
            return Answer("unknown", code=item["sCode"])
        assert item["sCode"] == "0", item
        return Answer("ok", okx_views.ledger_id(item["ordId"]), item["ordId"], frozenset({"CANCELED"}))

    def query(self, ref: str) -> Answer:
        r = self.client.get("/api/v5/trade/order", instId=self.INST, ordId=ref)
        if r.status_code != 200 or r.json()["code"] != "0":
            raise _fail(r)
        (order,) = r.json()["data"]
        return Answer("ok", okx_views.ledger_id(ref), ref, frozenset(self.STATES[order["state"]]),
                      Decimal(order["accFillSz"]))

    def close(self) -> None:
        self.client.close()


class KrakenOrders:
    """Kraken Spot: AddOrder, CancelOrder, QueryOrders. One key per client: a key's nonces must rise."""

    exchange = "kraken"
    PAIR = "XBTUSDT"
    ERRORS = {"EOrder:Insufficient funds": "insufficient", "EGeneral:Invalid arguments:cl_ord_id": "duplicate"}
    STATUSES = {"open": {"NEW", "PARTIALLY_FILLED"}, "closed": {"FILLED", "EXPIRED"},
                "canceled": {"CANCELED", "EXPIRED"}}

    def __init__(self, base: str, key: dict) -> None:
        self.client = Kraken(base, key)

    def _call(self, method: str, **params: object) -> tuple[list, dict | None]:
        r = self.client.private(method, **params)
        if r.status_code != 200:
            raise _fail(r)
        body = r.json()
        return body["error"], body.get("result")

    def place(self, side: str, kind: str, qty: Decimal, price: Decimal | None, client_id: str,
              tif: str = "GTC") -> Answer:
        params = dict(pair=self.PAIR, type=side.lower(), ordertype=kind.lower(), volume=str(qty), cl_ord_id=client_id)
        if kind == "LIMIT":
            params.update(price=str(price), timeinforce=tif)
        error, result = self._call("AddOrder", **params)
        if error:
            assert len(error) == 1 and error[0] in self.ERRORS, error
            return Answer(self.ERRORS[error[0]], code=error[0])
        (txid,) = result["txid"]
        return Answer("ok", kraken_ids.decode("O", txid), txid)

    def cancel(self, ref: str | None = None, client_id: str | None = None) -> Answer:
        error, result = self._call("CancelOrder", **({"txid": ref} if ref is not None else {"cl_ord_id": client_id}))
        if error:
            assert error == ["EOrder:Unknown order"], error
            return Answer("unknown", code=error[0])
        assert result == {"count": 1}, result
        return Answer("ok", kraken_ids.decode("O", ref) if ref else None, ref, frozenset({"CANCELED"}))

    def query(self, ref: str) -> Answer:
        error, result = self._call("QueryOrders", txid=ref)
        assert error == [], error
        order = result[ref]
        return Answer("ok", kraken_ids.decode("O", ref), ref, frozenset(self.STATUSES[order["status"]]),
                      Decimal(order["vol_exec"]))

    def close(self) -> None:
        self.client.close()


class CoinbaseOrders:
    """Coinbase Advanced Trade: POST orders, POST orders/batch_cancel (by order id only), GET orders/historical/{id}.

    A repeated client_order_id is not refused: Coinbase answers with the order it already made.
    """

    exchange = "coinbase"
    PRODUCT = "BTC-USDT"
    STATUSES = {"OPEN": {"NEW", "PARTIALLY_FILLED"}, "FILLED": {"FILLED"}, "CANCELLED": {"CANCELED", "EXPIRED"}}

    def __init__(self, base: str, key: dict) -> None:
        self.client = Coinbase(base, key)

    def place(self, side: str, kind: str, qty: Decimal, price: Decimal | None, client_id: str,
              tif: str = "GTC") -> Answer:
        if kind == "MARKET":
            configuration = {"market_market_ioc": {"base_size": str(qty)}}
        else:
            name = {"GTC": "limit_limit_gtc", "IOC": "sor_limit_ioc", "FOK": "limit_limit_fok"}[tif]
            configuration = {name: {"base_size": str(qty), "limit_price": str(price)}}
        r = self.client.order(self.PRODUCT, side, configuration, client_order_id=client_id)
        if r.status_code != 200:
            raise _fail(r)
        body = r.json()
        if not body["success"]:
            error = body["error_response"]
            assert (error["error"], error["message"]) == ("INSUFFICIENT_FUND", "Insufficient balance in source account"), body
            return Answer("insufficient", code=error["error"])
        assert body["success_response"]["client_order_id"] == client_id, body
        return Answer("ok", coinbase_ids.order_id_of(body["order_id"]), body["order_id"])

    def cancel(self, ref: str | None = None, client_id: str | None = None) -> Answer:
        assert ref is not None, "Coinbase cancels by order id only"
        r = self.client.post(f"{V3}/orders/batch_cancel", {"order_ids": [ref]})
        if r.status_code != 200:
            raise _fail(r)
        (result,) = r.json()["results"]
        assert result["order_id"] == ref, result
        if not result["success"]:
            assert result["failure_reason"] == "UNKNOWN_CANCEL_ORDER", result
            return Answer("unknown", code=result["failure_reason"])
        return Answer("ok", coinbase_ids.order_id_of(ref), ref, frozenset({"CANCELED"}))

    def query(self, ref: str) -> Answer:
        r = self.client.get(f"{V3}/orders/historical/{ref}")
        if r.status_code != 200:
            raise _fail(r)
        order = r.json()["order"]
        return Answer("ok", coinbase_ids.order_id_of(ref), ref, frozenset(self.STATUSES[order["status"]]),
                      Decimal(order["filled_size"]))

    def close(self) -> None:
        self.client.close()


CLIENTS = {c.exchange: c for c in (BinanceOrders, BybitOrders, OkxOrders, KrakenOrders, CoinbaseOrders)}
CANCELS_BY_CLIENT_ID = frozenset({"binance", "bybit", "okx", "kraken"})


def new_key(net, exchange: str, account_id: int | None = None) -> dict:
    """A read+trade key (an Ed25519 pair on Coinbase), on a new funded account unless `account_id` is given."""
    extra = {"type": "ed25519"} if exchange == "coinbase" else {}
    return net.create_key(exchange, permissions=("read", "trade"), account_id=account_id, **extra)


def orders_client(net, exchange: str, key: dict):
    """The order client for `exchange`, signing with `key`."""
    return CLIENTS[exchange](net.url(exchange), key)
