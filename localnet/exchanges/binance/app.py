"""The Binance Spot REST API on the shared request cycle: routes, weights, auth, Binance-shaped answers."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Callable

from starlette.responses import JSONResponse, Response

from localnet.core import keys, ledger, market
from localnet.core.http import ApiError, Call, ExchangeApp, Route, json_value
from localnet.core.ratelimit import OrderCounter, WeightLimiter
from localnet.core.store import Store
from localnet.exchanges.binance import auth, errors, views
from localnet.exchanges.binance import params as p
from localnet.exchanges.binance.errors import BinanceError

EXCHANGE = "binance"
CLIENT_ID_RANGE = r"^[a-zA-Z0-9-_.]{1,36}$"
CLIENT_ID_RE = re.compile(CLIENT_ID_RANGE)
SIGNED_PARAMS = {"timestamp", "recvWindow", "signature"}
UNSUPPORTED_TYPES = {
    "STOP_LOSS": "Stop loss orders are not supported for this symbol.",
    "STOP_LOSS_LIMIT": "Stop loss limit orders are not supported for this symbol.",
    "TAKE_PROFIT": "Take profit orders are not supported for this symbol.",
    "TAKE_PROFIT_LIMIT": "Take profit limit orders are not supported for this symbol.",
}
SYMBOLS = market.pick(("BTCUSDT", "ETHUSDT", "BNBUSDT", "ETHBTC", "LTCBTC"))
LEDGER_MESSAGES = {
    ledger.LedgerError.INSUFFICIENT: "Account has insufficient balance for requested action.",
    ledger.LedgerError.DUPLICATE: "Duplicate order sent.",
    ledger.LedgerError.WOULD_TAKE: "Order would immediately match and take.",
}


@dataclass(frozen=True)
class BinanceRoute(Route):
    """A route plus Binance's request weight (which may depend on the parameters) and its parameter names."""

    weight: Callable[[dict[str, str]], int] = lambda values: 1
    allowed: frozenset[str] = frozenset()


def fixed(n: int) -> Callable[[dict[str, str]], int]:
    return lambda values: n


class BinanceApp(ExchangeApp):
    """One Binance Spot endpoint, backed by `store`. Pass lower limits to test rate limiting quickly."""

    name = EXCHANGE
    max_body = p.MAX_BODY

    def __init__(self, store: Store, weight_limit: int = 6000, ban_after: int = 10, ban_s: int = 120) -> None:
        super().__init__(store)
        self.limiter = WeightLimiter(limit=weight_limit, ban_after=ban_after, ban_s=ban_s)
        self.order_counter = OrderCounter()

    # ---- the hooks of the shared cycle ----------------------------------------------------------

    def admit(self, call: Call, route: BinanceRoute | None) -> None:
        """Parse the parameters and charge the request's weight, as Binance does before anything else."""
        if route is None:
            self._charge(call.peer, 1)
            return
        try:
            call.params = p.read(call.query, call.body if call.method != "GET" else b"",
                                 call.headers.get("content-type"))
        except BinanceError:
            self._charge(call.peer, route.weight({}))
            raise
        self._charge(call.peer, route.weight(call.params.values))

    def claimed_key(self, call: Call) -> str | None:
        return call.headers.get("x-mbx-apikey")

    def authenticate(self, call: Call) -> keys.Key:
        key = auth.lookup_key(self.store, EXCHANGE, call.claimed_key)
        auth.authenticate(key, call.params, call.now_us, call.peer)
        return key

    def authorize(self, call: Call) -> None:
        auth.authorize(call.key, call.route.permission)

    def render(self, call: Call, result: object) -> Response:
        headers = {}
        if isinstance(result, tuple):
            result, headers = result
        return JSONResponse(result, headers=headers)

    def render_error(self, call: Call, error: ApiError) -> Response:
        return JSONResponse({"code": error.code, "msg": error.message}, status_code=error.status,
                            headers=error.headers)

    def not_found(self, call: Call, path_exists: bool) -> ApiError:
        return errors.unsupported(405 if path_exists else 404)

    def too_large(self, call: Call) -> ApiError:
        self.limiter.charge(call.peer, 1)
        return BinanceError(400, -1101, "Too many parameters sent for this endpoint.")

    def internal_error(self, call: Call) -> ApiError:
        return errors.unknown()

    def finish(self, call: Call, response: Response) -> None:
        used = str(self.limiter.used(call.peer))
        response.headers["X-MBX-USED-WEIGHT-1M"] = used
        response.headers["X-MBX-USED-WEIGHT"] = used

    def _charge(self, peer: str, weight: int) -> None:
        verdict = self.limiter.charge(peer, weight)
        if verdict.allowed:
            return
        if verdict.banned_until_ms is not None:
            raise errors.banned(verdict.banned_until_ms, verdict.retry_after_s)
        raise errors.too_much_weight(self.limiter.limit, verdict.retry_after_s)

    # ---- helpers ----------------------------------------------------------------------------

    @staticmethod
    def symbol(call: Call, required: bool = True) -> market.Symbol | None:
        name = p.text(call.params, "symbol", required)
        if name is None:
            return None
        sym = SYMBOLS.get(name)
        if sym is None:
            raise errors.bad_symbol()
        return sym

    @staticmethod
    def symbols_list(call: Call) -> list[market.Symbol] | None:
        raw = p.text(call.params, "symbols")
        if raw is None:
            return None
        try:
            names = json_value(raw)
        except ValueError:
            raise errors.illegal_chars() from None
        if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
            raise errors.illegal_chars()
        if any(n not in SYMBOLS for n in names):
            raise errors.bad_symbol()
        return [SYMBOLS[n] for n in names]

    # ---- public -----------------------------------------------------------------------------

    def ping(self, call: Call) -> dict:
        return {}

    def time(self, call: Call) -> dict:
        return {"serverTime": call.now_ms}

    def exchange_info(self, call: Call) -> dict:
        one = self.symbol(call, required=False)
        many = self.symbols_list(call)
        p.text(call.params, "permissions")
        p.text(call.params, "showPermissionSets")
        status = p.text(call.params, "symbolStatus")
        chosen = [one] if one else many if many else list(SYMBOLS.values())
        if status is not None and status != "TRADING":
            chosen = []
        return views.exchange_info(chosen, call.now_ms, self.limiter.limit)

    def depth(self, call: Call) -> dict:
        sym = self.symbol(call)
        limit = p.integer(call.params, "limit")
        return views.depth(sym, min(limit if limit is not None else 100, 5000))

    def _tickers(self, call: Call, shape: Callable[[market.Symbol], dict]) -> object:
        one = self.symbol(call, required=False)
        if one is not None:
            return shape(one)
        many = self.symbols_list(call)
        return [shape(s) for s in (many or SYMBOLS.values())]

    def ticker_price(self, call: Call) -> object:
        return self._tickers(call, lambda s: {"symbol": s.name, "price": views.amount(s.ref_price)})

    def ticker_24hr(self, call: Call) -> object:
        now = call.now_ms
        def shape(s: market.Symbol) -> dict:
            bids, asks = s.book()
            price = views.amount(s.ref_price)
            return {
                "symbol": s.name, "priceChange": views.amount(0), "priceChangePercent": "0.000",
                "weightedAvgPrice": price, "prevClosePrice": price, "lastPrice": price,
                "lastQty": views.amount(s.min_qty), "bidPrice": views.amount(bids[0][0]),
                "bidQty": views.amount(bids[0][1]), "askPrice": views.amount(asks[0][0]),
                "askQty": views.amount(asks[0][1]), "openPrice": price, "highPrice": price, "lowPrice": price,
                "volume": views.amount(0), "quoteVolume": views.amount(0), "openTime": now - 86_400_000,
                "closeTime": now, "firstId": -1, "lastId": -1, "count": 0,
            }
        return self._tickers(call, shape)

    # ---- account ----------------------------------------------------------------------------

    def account(self, call: Call) -> dict:
        omit = p.text(call.params, "omitZeroBalances")
        if omit not in (None, "true", "false"):
            raise errors.invalid_value("omitZeroBalances")
        balances = ledger.balances(self.store, call.key.account_id)
        return views.account(balances, call.key, call.now_ms, omit == "true")

    def api_restrictions(self, call: Call) -> dict:
        return views.api_restrictions(call.key)

    def withdraw(self, call: Call) -> dict:
        coin = p.text(call.params, "coin", required=True)
        p.text(call.params, "address", required=True)
        amount = p.decimal(call.params, "amount", required=True)
        if amount <= 0:
            raise errors.mandatory("amount")
        reference = secrets.token_hex(16)
        try:
            ledger.withdraw(self.store, call.key.account_id, coin, amount, reference, call.now_ms)
        except ledger.LedgerError:
            # wording of the SAPI wallet error; not in the Spot errors list (see docs/localnet.md)
            raise BinanceError(400, -4026, "User has insufficient balance") from None
        return {"id": reference}

    # ---- orders -----------------------------------------------------------------------------

    def _order_request(self, call: Call) -> tuple[ledger.OrderRequest, str]:
        sym = self.symbol(call)
        side = p.text(call.params, "side", required=True)
        if side not in ("BUY", "SELL"):
            raise errors.invalid_side()
        kind = p.text(call.params, "type", required=True)
        if kind in UNSUPPORTED_TYPES:
            raise errors.order_rejected(UNSUPPORTED_TYPES[kind])
        if kind not in ("LIMIT", "MARKET", "LIMIT_MAKER"):
            raise errors.invalid_type()
        tif = p.text(call.params, "timeInForce")
        qty = p.decimal(call.params, "quantity")
        quote = p.decimal(call.params, "quoteOrderQty")
        price = p.decimal(call.params, "price")
        client_id = p.text(call.params, "newClientOrderId")
        if client_id is not None and not CLIENT_ID_RE.match(client_id):
            raise errors.illegal_chars("newClientOrderId", CLIENT_ID_RANGE)
        for name in ("strategyId", "strategyType"):
            p.integer(call.params, name)
        stp = p.text(call.params, "selfTradePreventionMode")
        if stp not in (None, "NONE"):
            raise errors.invalid_value("selfTradePreventionMode")
        resp_type = p.text(call.params, "newOrderRespType") or ("FULL" if kind in ("LIMIT", "MARKET") else "ACK")
        if resp_type not in ("ACK", "RESULT", "FULL"):
            raise errors.invalid_value("newOrderRespType")
        if kind == "LIMIT":
            if tif is None:
                raise errors.mandatory("timeInForce")
            if tif not in ("GTC", "IOC", "FOK"):
                raise errors.invalid_tif()
        elif tif is not None:
            raise BinanceError(400, -1114, "TimeInForce parameter sent when not required.")
        if kind in ("LIMIT", "LIMIT_MAKER"):
            if qty is None:
                raise errors.mandatory("quantity")
            if price is None:
                raise errors.mandatory("price")
            if quote is not None:
                raise errors.not_required("quoteOrderQty")
        else:
            if price is not None:
                raise errors.not_required("price")
            if qty is None and quote is None:
                raise errors.either("quantity", "quoteOrderQty")
            if qty is not None and quote is not None:
                raise errors.not_required("quoteOrderQty")
        failed = sym.failed_filter(price, qty, kind == "MARKET")
        if failed is None and quote is not None and quote < sym.min_notional:
            failed = "NOTIONAL"
        if failed is not None:
            raise errors.filter_failure(failed)
        req = ledger.OrderRequest(
            account_id=call.key.account_id, symbol=sym, side=side, type=kind, time_in_force=tif, price=price,
            qty=qty, quote_qty=quote, client_order_id=client_id,
        )
        return req, resp_type

    def new_order(self, call: Call) -> tuple[dict, dict]:
        req, resp_type = self._order_request(call)
        try:
            row, fills = ledger.place_order(self.store, req, call.now_ms)
        except ledger.LedgerError as exc:
            raise errors.order_rejected(LEDGER_MESSAGES[exc.reason]) from None
        counts = self.order_counter.add(call.key.account_id)
        headers = {"X-MBX-ORDER-COUNT-10S": str(counts[10]), "X-MBX-ORDER-COUNT-1D": str(counts[86400])}
        return views.new_order(row, fills, resp_type), headers

    def test_order(self, call: Call) -> dict:
        self._order_request(call)
        flag = p.text(call.params, "computeCommissionRates")
        if flag not in (None, "true", "false"):
            raise errors.invalid_value("computeCommissionRates")
        if flag != "true":
            return {}
        rates = {"maker": views.COMMISSION, "taker": views.COMMISSION}
        zero = {"maker": views.amount(0), "taker": views.amount(0)}
        return {"standardCommissionForOrder": rates, "specialCommissionForOrder": zero,
                "taxCommissionForOrder": zero,
                "discount": {"enabledForAccount": False, "enabledForSymbol": False, "discountAsset": "BNB",
                             "discount": views.amount(0)}}

    def _order_ids(self, call: Call) -> tuple[market.Symbol, int | None, str | None]:
        sym = self.symbol(call)
        order_id = p.integer(call.params, "orderId")
        client_id = p.text(call.params, "origClientOrderId")
        if order_id is None and client_id is None:
            raise errors.either("orderId", "origClientOrderId")
        return sym, order_id, client_id

    def get_order(self, call: Call) -> dict:
        sym, order_id, client_id = self._order_ids(call)
        try:
            return views.order(ledger.find_order(self.store, call.key.account_id, sym.name, order_id, client_id))
        except ledger.LedgerError:
            raise errors.no_such_order() from None

    def cancel_order(self, call: Call) -> dict:
        sym, order_id, client_id = self._order_ids(call)
        cancel_id = p.text(call.params, "newClientOrderId") or "loc" + secrets.token_hex(10)
        restriction = p.text(call.params, "cancelRestrictions")
        if restriction not in (None, "ONLY_NEW", "ONLY_PARTIALLY_FILLED"):
            raise BinanceError(400, -1145, "Invalid cancelRestrictions")
        if restriction is not None:
            try:
                current = ledger.find_order(self.store, call.key.account_id, sym.name, order_id, client_id)
            except ledger.LedgerError:
                raise errors.cancel_rejected() from None
            wanted = "NEW" if restriction == "ONLY_NEW" else "PARTIALLY_FILLED"
            if current["status"] in ledger.OPEN_STATUSES and current["status"] != wanted:
                raise errors.cancel_rejected("Order was not canceled due to cancel restrictions.")
        try:
            row = ledger.cancel_order(self.store, call.key.account_id, sym.name, order_id, client_id, call.now_ms)
        except ledger.LedgerError:
            raise errors.cancel_rejected() from None
        return views.canceled(row, cancel_id, call.now_ms)

    def cancel_all(self, call: Call) -> list:
        sym = self.symbol(call)
        rows = ledger.cancel_all(self.store, call.key.account_id, sym.name, call.now_ms)
        if not rows:
            raise errors.cancel_rejected()
        return [views.canceled(r, "loc" + secrets.token_hex(10), call.now_ms) for r in rows]

    def open_orders(self, call: Call) -> list:
        sym = self.symbol(call, required=False)
        rows = ledger.open_orders(self.store, call.key.account_id, sym.name if sym else None)
        return [views.order(r) for r in rows]

    @staticmethod
    def _limit(call: Call) -> int:
        limit = p.integer(call.params, "limit")
        return 500 if limit is None else max(1, min(limit, 1000))

    def all_orders(self, call: Call) -> list:
        sym = self.symbol(call)
        rows = ledger.orders(
            self.store, call.key.account_id, sym.name, from_id=p.integer(call.params, "orderId"),
            start_ms=p.integer(call.params, "startTime"), end_ms=p.integer(call.params, "endTime"),
            limit=self._limit(call),
        )
        return [views.order(r) for r in rows]

    def my_trades(self, call: Call) -> list:
        sym = self.symbol(call)
        rows = ledger.trades(
            self.store, call.key.account_id, sym.name, order_id=p.integer(call.params, "orderId"),
            from_id=p.integer(call.params, "fromId"), start_ms=p.integer(call.params, "startTime"),
            end_ms=p.integer(call.params, "endTime"), limit=self._limit(call),
        )
        return [views.trade(r) for r in rows]


def _depth_weight(values: dict[str, str]) -> int:
    try:
        limit = int(values.get("limit") or 100)
    except ValueError:
        return 5
    return 5 if limit <= 100 else 25 if limit <= 500 else 50 if limit <= 1000 else 250


def _symbol_weight(one: int, many: int) -> Callable[[dict[str, str]], int]:
    return lambda values: one if values.get("symbol") else many


ORDER_PARAMS = {"symbol", "side", "type", "timeInForce", "quantity", "quoteOrderQty", "price", "newClientOrderId",
                "newOrderRespType", "strategyId", "strategyType", "selfTradePreventionMode"}


def _route(handler, weight, permission=None, allowed=()) -> BinanceRoute:
    names = frozenset(set(allowed) | (SIGNED_PARAMS if permission else set()))

    def checked(app: BinanceApp, call: Call) -> object:
        p.check_known(call.params, names)  # -1104 for parameters the endpoint does not read
        return handler(app, call)

    return BinanceRoute(checked, permission, weight=weight if callable(weight) else fixed(weight), allowed=names)


ROUTES: dict[tuple[str, str], BinanceRoute] = {
    ("GET", "/api/v3/ping"): _route(BinanceApp.ping, 1),
    ("GET", "/api/v3/time"): _route(BinanceApp.time, 1),
    ("GET", "/api/v3/exchangeInfo"): _route(
        BinanceApp.exchange_info, 20, None, {"symbol", "symbols", "permissions", "showPermissionSets", "symbolStatus"}),
    ("GET", "/api/v3/depth"): _route(BinanceApp.depth, _depth_weight, None, {"symbol", "limit"}),
    ("GET", "/api/v3/ticker/price"): _route(BinanceApp.ticker_price, _symbol_weight(2, 4), None, {"symbol", "symbols"}),
    ("GET", "/api/v3/ticker/24hr"): _route(BinanceApp.ticker_24hr, _symbol_weight(2, 80), None, {"symbol", "symbols"}),
    ("GET", "/api/v3/account"): _route(BinanceApp.account, 20, "read", {"omitZeroBalances"}),
    ("POST", "/api/v3/order"): _route(BinanceApp.new_order, 1, "trade", ORDER_PARAMS),
    ("POST", "/api/v3/order/test"): _route(BinanceApp.test_order, 1, "trade", ORDER_PARAMS | {"computeCommissionRates"}),
    ("GET", "/api/v3/order"): _route(BinanceApp.get_order, 4, "read", {"symbol", "orderId", "origClientOrderId"}),
    ("DELETE", "/api/v3/order"): _route(
        BinanceApp.cancel_order, 1, "trade",
        {"symbol", "orderId", "origClientOrderId", "newClientOrderId", "cancelRestrictions"}),
    ("GET", "/api/v3/openOrders"): _route(BinanceApp.open_orders, _symbol_weight(6, 80), "read", {"symbol"}),
    ("DELETE", "/api/v3/openOrders"): _route(BinanceApp.cancel_all, 1, "trade", {"symbol"}),
    ("GET", "/api/v3/allOrders"): _route(
        BinanceApp.all_orders, 20, "read", {"symbol", "orderId", "startTime", "endTime", "limit"}),
    ("GET", "/api/v3/myTrades"): _route(
        BinanceApp.my_trades, lambda v: 5 if v.get("orderId") else 20, "read",
        {"symbol", "orderId", "startTime", "endTime", "fromId", "limit"}),
    ("GET", "/sapi/v1/account/apiRestrictions"): _route(BinanceApp.api_restrictions, 1, "read"),
    ("POST", "/sapi/v1/capital/withdraw/apply"): _route(
        BinanceApp.withdraw, 1, "withdraw",
        {"coin", "address", "amount", "network", "addressTag", "withdrawOrderId", "name", "walletType",
         "transactionFeeFlag"}),
}

BinanceApp.routes = ROUTES
