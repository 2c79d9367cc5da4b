"""The Bybit v5 REST API (spot, unified trading account) as an ExchangeApp: routes, handlers, envelope."""

from __future__ import annotations

import re
import secrets
import time
from dataclasses import dataclass, field
from decimal import Decimal

from starlette.responses import JSONResponse, Response

from localnet.core import ledger, market
from localnet.core.http import ApiError, Call, ExchangeApp, Route
from localnet.core.store import Store
from localnet.exchanges.bybit import auth, errors, views
from localnet.exchanges.bybit import params as p
from localnet.exchanges.bybit.limits import UidLimiter

SYMBOLS = market.pick(("BTCUSDT", "ETHUSDT", "ETHBTC", "LTCBTC"))
COINS = ("BTC", "ETH", "USDT", "LTC")
LINK_ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,36}$")
QUOTE_DECIMALS = Decimal("0.00000001")
SIDES = {"Buy": "BUY", "Sell": "SELL"}
STATUS_FILTER = {"New", "PartiallyFilled", "Filled", "Cancelled", "PartiallyFilledCanceled"}


@dataclass
class State:
    """What this dialect keeps on a call: its parameters and its rate-limit headers."""

    values: dict | None = None
    limit_headers: dict[str, str] = field(default_factory=dict)


def state(call: Call) -> State:
    if not isinstance(call.params, State):
        call.params = State()
    return call.params


def values(call: Call) -> dict:
    s = state(call)
    if s.values is None:
        s.values = p.read(call)
    return s.values


def envelope(code: int, message: str, result: object, now_ms: int) -> dict:
    return {"retCode": code, "retMsg": message, "result": result, "retExtInfo": {}, "time": now_ms}


class BybitApp(ExchangeApp):
    """localnet's Bybit. `rate_limit` (requests per second per UID and endpoint) replaces Bybit's table."""

    name = "bybit"

    def __init__(self, store: Store, rate_limit: int | None = None, **ignored: object) -> None:
        super().__init__(store)
        self.limiter = UidLimiter(rate_limit)

    # ---- hooks ------------------------------------------------------------------------------

    def claimed_key(self, call: Call) -> str | None:
        return call.headers.get(auth.API_KEY) or None

    def authenticate(self, call: Call):
        return auth.authenticate(self.store, call, call.route)

    def authorize(self, call: Call) -> None:
        """Bybit checks the permission inside authentication, before the signature (see auth.py);
        what is left once the key is known is the per-UID, per-endpoint rate limit."""
        allowed, headers = self.limiter.charge(call.key.account_id, call.path)
        state(call).limit_headers = headers
        if not allowed:
            raise errors.too_many_visits(headers)

    def render(self, call: Call, result: object) -> Response:
        message = SUCCESS_MESSAGES.get(call.path, "OK")
        return JSONResponse(envelope(0, message, result, self._now_ms(call)))

    def render_error(self, call: Call, error: ApiError) -> Response:
        if error.code is errors.PLAIN:
            return Response(error.message or None, status_code=error.status, headers=error.headers,
                            media_type="text/plain" if error.message else None)
        body = envelope(int(error.code), error.message, {}, self._now_ms(call))
        return JSONResponse(body, status_code=error.status, headers=error.headers)

    def not_found(self, call: Call, path_exists: bool) -> ApiError:
        return errors.route_not_found()

    def too_large(self, call: Call) -> ApiError:
        return errors.too_large()

    def internal_error(self, call: Call) -> ApiError:
        return errors.internal()

    def finish(self, call: Call, response: Response) -> None:
        if isinstance(call.params, State):
            for name, value in call.params.limit_headers.items():
                response.headers[name] = value

    @staticmethod
    def _now_ms(call: Call) -> int:
        return call.now_ms if call.now_us else int(time.time() * 1000)

    # ---- market (public) --------------------------------------------------------------------

    def server_time(self, call: Call) -> dict:
        return {"timeSecond": str(call.now_ms // 1000), "timeNano": str(call.now_us * 1000)}

    def instruments(self, call: Call) -> dict:
        v = values(call)
        category = p.category(v)
        if category != "spot":
            return {"category": category, "list": [], "nextPageCursor": ""}
        name, status = p.text(v, "symbol"), p.text(v, "status")
        chosen = [s for s in SYMBOLS.values() if name in (None, s.name) and status in (None, "Trading")]
        ids = {s: i for i, s in enumerate(SYMBOLS, start=1)}
        return {"category": "spot", "list": [views.instrument(s, ids[s.name]) for s in chosen]}

    def tickers(self, call: Call) -> dict:
        v = values(call)
        category = p.category(v)
        if category != "spot":
            return {"category": category, "list": []}
        name = p.text(v, "symbol")
        if name is not None and name not in SYMBOLS:
            raise errors.unsupported_symbol()
        chosen = [SYMBOLS[name]] if name else list(SYMBOLS.values())
        return {"category": "spot", "list": [views.ticker(s) for s in chosen]}

    def orderbook(self, call: Call) -> dict:
        v = values(call)
        category = p.category(v)
        name = p.text(v, "symbol")
        if name is None:
            raise errors.params("params error: symbol invalid")
        if category != "spot" or name not in SYMBOLS:
            raise errors.unsupported_symbol()
        limit = p.integer(v, "limit", 1, 1000, 1)
        return views.orderbook(SYMBOLS[name], limit, call.now_ms)

    # ---- account (signed, read) -------------------------------------------------------------

    def coin_info(self, call: Call) -> dict:
        coin = p.text(values(call), "coin")
        return {"rows": [views.coin_info(c) for c in COINS if coin in (None, c)]}

    def wallet_balance(self, call: Call) -> dict:
        v = values(call)
        if p.text(v, "accountType") != "UNIFIED":
            raise errors.account_type_only_unified()
        coin = p.text(v, "coin")
        coins = [c.strip() for c in coin.split(",")] if coin else None
        return views.wallet(ledger.balances(self.store, call.key.account_id), coins)

    def account_info(self, call: Call) -> dict:
        return views.account_info(call.key.created_ms)

    def query_api(self, call: Call) -> dict:
        return views.api_key_info(call.key, call.now_ms)

    # ---- orders -----------------------------------------------------------------------------

    def _symbol(self, v: dict, required: bool = True) -> market.Symbol | None:
        name = p.text(v, "symbol")
        if name is None:
            if required:
                raise errors.spot_empty("symbol")
            return None
        if name not in SYMBOLS:
            raise errors.invalid_symbol()
        return SYMBOLS[name]

    def _spot(self, v: dict) -> None:
        if p.category(v) != "spot":
            raise errors.illegal_category()  # localnet lists no derivatives or options

    def create_order(self, call: Call) -> dict:
        v = values(call)
        self._spot(v)
        request = order_request(v, self._symbol(v), call.key.account_id, call.now_ms)
        if p.text(v, "orderLinkId") is not None and self._find(call, None, request.client_order_id) is not None:
            raise errors.duplicate_link_id()
        try:
            row, _ = ledger.place_order(self.store, request, call.now_ms)
        except ledger.LedgerError as exc:
            raise {
                ledger.LedgerError.INSUFFICIENT: errors.insufficient_balance(),
                ledger.LedgerError.DUPLICATE: errors.duplicate_link_id(),
                ledger.LedgerError.WOULD_TAKE: errors.post_only_would_take(),
            }.get(exc.reason, errors.params()) from None
        return {"orderId": views.order_id(row["id"]), "orderLinkId": row["client_order_id"]}

    def _find(self, call: Call, ledger_id: int | None, link_id: str | None, symbol: str | None = None) -> dict | None:
        try:
            return ledger.find_order(self.store, call.key.account_id, symbol, ledger_id, link_id)
        except ledger.LedgerError:
            return None

    def _target(self, call: Call, v: dict, symbol: str | None) -> dict | None:
        """The order named by orderId (which wins) or orderLinkId, or None."""
        oid, link = p.text(v, "orderId"), p.text(v, "orderLinkId")
        if oid is not None:
            ledger_id = views.ledger_order_id(oid)
            return self._find(call, ledger_id, None, symbol) if ledger_id is not None else None
        return self._find(call, None, link, symbol)

    def cancel_order(self, call: Call) -> dict:
        v = values(call)
        self._spot(v)
        sym = self._symbol(v)
        if p.text(v, "orderId") is None and p.text(v, "orderLinkId") is None:
            raise errors.spot_empty("orderId")
        row = self._target(call, v, sym.name)
        if row is None:
            raise errors.no_such_order()
        if row["status"] == "FILLED":
            raise errors.already_filled()
        if row["status"] not in ledger.OPEN_STATUSES:
            raise errors.already_cancelled()
        try:
            row = ledger.cancel_order(self.store, call.key.account_id, sym.name, row["id"], None, call.now_ms)
        except ledger.LedgerError:
            raise errors.no_such_order() from None
        return {"orderId": views.order_id(row["id"]), "orderLinkId": row["client_order_id"]}

    def _order_views(self, call: Call, rows: list[dict]) -> list[dict]:
        out = []
        for row in sorted(rows, key=lambda r: r["id"], reverse=True):
            fills = ledger.trades(self.store, call.key.account_id, row["symbol"], order_id=row["id"])
            out.append(views.order(row, fills))
        return out

    def _listing(self, call: Call, v: dict, rows: list[dict], limit: int) -> dict:
        return {"category": "spot", "list": self._order_views(call, rows[-limit:] if rows else []),
                "nextPageCursor": ""}

    def open_orders(self, call: Call) -> dict:
        v = values(call)
        if p.category(v) != "spot":
            return {"category": p.category(v), "list": [], "nextPageCursor": ""}
        sym = self._symbol(v, required=False)
        limit = p.integer(v, "limit", 1, 50, 20)
        open_only = p.integer(v, "openOnly", 0, 2, 0)
        if p.text(v, "orderId") is not None or p.text(v, "orderLinkId") is not None:
            row = self._target(call, v, sym.name if sym else None)
            return self._listing(call, v, [row] if row else [], limit)
        account = call.key.account_id
        if open_only == 0:
            rows = ledger.open_orders(self.store, account, sym.name if sym else None)
        else:
            recent = ledger.orders(self.store, account, sym.name if sym else None, limit=500)
            rows = [r for r in recent if r["status"] not in ledger.OPEN_STATUSES]
        return self._listing(call, v, rows, limit)

    def order_history(self, call: Call) -> dict:
        v = values(call)
        if p.category(v) != "spot":
            return {"category": p.category(v), "list": [], "nextPageCursor": ""}
        sym = self._symbol(v, required=False)
        limit = p.integer(v, "limit", 1, 50, 20)
        status = p.text(v, "orderStatus")
        if status is not None and status not in STATUS_FILTER:
            raise errors.params("params error: orderStatus invalid")
        if p.text(v, "orderId") is not None or p.text(v, "orderLinkId") is not None:
            row = self._target(call, v, sym.name if sym else None)
            rows = [row] if row else []
        else:
            rows = ledger.orders(self.store, call.key.account_id, sym.name if sym else None, limit=500)
        if status is not None:
            rows = [r for r in rows if views.order_status(r) == status]
        return self._listing(call, v, rows, limit)

    def executions(self, call: Call) -> dict:
        v = values(call)
        if p.category(v) != "spot":
            return {"category": p.category(v), "list": [], "nextPageCursor": ""}
        sym = self._symbol(v, required=False)
        limit = p.integer(v, "limit", 1, 100, 50)
        order_filter = None
        if p.text(v, "orderId") is not None or p.text(v, "orderLinkId") is not None:
            row = self._target(call, v, sym.name if sym else None)
            if row is None:
                return {"category": "spot", "list": [], "nextPageCursor": ""}
            order_filter = row["id"]
        fills = ledger.trades(self.store, call.key.account_id, sym.name if sym else None, order_id=order_filter,
                              limit=limit)
        rows: dict[int, dict] = {}
        out = []
        for fill in sorted(fills, key=lambda f: f["id"], reverse=True):
            if fill["order_id"] not in rows:
                rows[fill["order_id"]] = self._find(call, fill["order_id"], None)
            out.append(views.execution(fill, rows[fill["order_id"]]))
        return {"category": "spot", "list": out, "nextPageCursor": ""}

    # ---- withdrawals ------------------------------------------------------------------------

    def withdraw(self, call: Call) -> dict:
        v = values(call)
        coin = p.text(v, "coin")
        for name in ("coin", "address", "amount", "timestamp", "accountType"):
            if p.text(v, name) is None:
                raise errors.asset_params()
        if coin not in COINS or p.parse_int64(p.text(v, "timestamp")) is None:
            raise errors.asset_params()
        try:
            amount = p.amount(v, "amount")
        except ApiError:
            raise errors.asset_params() from None
        reference = str(secrets.randbelow(9 * 10**7) + 10**7)
        try:
            ledger.withdraw(self.store, call.key.account_id, coin, amount, reference, call.now_ms)
        except ledger.LedgerError:
            raise errors.asset_insufficient() from None
        return {"id": reference}


def order_request(v: dict, sym: market.Symbol, account_id: int, now_ms: int) -> ledger.OrderRequest:
    """Read and check a spot order the way Bybit does; raise its error for the first problem found."""
    side = p.text(v, "side")
    if side is None:
        raise errors.spot_empty("side")
    if side not in SIDES:
        raise errors.invalid_side()
    kind = p.text(v, "orderType")
    if kind is None:
        raise errors.spot_empty("orderType")
    if kind not in ("Limit", "Market"):
        raise errors.invalid_order_type()
    qty = p.amount(v, "qty")
    if qty is None:
        raise errors.spot_empty("qty")
    tif = p.text(v, "timeInForce") or ("GTC" if kind == "Limit" else "IOC")
    if tif not in ("GTC", "IOC", "FOK", "PostOnly"):
        raise errors.invalid_tif()
    for name, allowed in (("isLeverage", ("0",)), ("orderFilter", ("Order",))):
        if p.text(v, name) not in (None, *allowed):
            raise errors.spot_invalid(name)  # margin, conditional and TP/SL orders are not emulated
    link_id = p.text(v, "orderLinkId")
    if link_id is not None and not LINK_ID_RE.match(link_id):
        raise errors.spot_invalid("orderLinkId")
    link_id = link_id or f"{now_ms}{secrets.randbelow(1000):03d}"
    price = base_qty = quote_qty = None
    if kind == "Limit":
        price = p.amount(v, "price")
        if price is None:
            raise errors.spot_empty("price")
        check_price(sym, price)
        base_qty = qty
        check_base_qty(sym, qty, price)
        ledger_type, ledger_tif = ("LIMIT_MAKER", None) if tif == "PostOnly" else ("LIMIT", tif)
    else:
        unit = p.text(v, "marketUnit") or ("quoteCoin" if side == "Buy" else "baseCoin")
        if unit not in ("baseCoin", "quoteCoin"):
            raise errors.spot_invalid("marketUnit")
        if unit == "quoteCoin":
            quote_qty = qty
            check_quote_qty(sym, qty)
        else:
            base_qty = qty
            check_base_qty(sym, qty, sym.ref_price)
        ledger_type, ledger_tif = "MARKET", None
    return ledger.OrderRequest(
        account_id=account_id, symbol=sym, side=SIDES[side], type=ledger_type, time_in_force=ledger_tif,
        price=price, qty=base_qty, quote_qty=quote_qty, client_order_id=link_id,
    )


def check_price(sym: market.Symbol, price: Decimal) -> None:
    if price % sym.tick != 0:
        raise errors.price_decimals()
    if price < sym.min_price:
        raise errors.price_too_low()
    if price > sym.max_price:
        raise errors.price_too_high()


def check_base_qty(sym: market.Symbol, qty: Decimal, price: Decimal) -> None:
    if qty % sym.step != 0:
        raise errors.qty_decimals()
    if qty < sym.min_qty:
        raise errors.qty_too_low()
    if qty > sym.max_qty:
        raise errors.qty_too_large()
    check_value(sym, qty * price)


def check_quote_qty(sym: market.Symbol, amount: Decimal) -> None:
    if amount % QUOTE_DECIMALS != 0:
        raise errors.market_amount_decimals()
    check_value(sym, amount)


def check_value(sym: market.Symbol, value: Decimal) -> None:
    if value < sym.min_notional:
        raise errors.value_too_low()
    if value > sym.max_notional:
        raise errors.amount_too_large()


SUCCESS_MESSAGES = {
    "/v5/asset/coin/query-info": "success",
    "/v5/asset/withdraw/create": "success",
    "/v5/user/query-api": "",
}

ROUTES: dict[tuple[str, str], Route] = {
    ("GET", "/v5/market/time"): Route(BybitApp.server_time),
    ("GET", "/v5/market/instruments-info"): Route(BybitApp.instruments),
    ("GET", "/v5/market/tickers"): Route(BybitApp.tickers),
    ("GET", "/v5/market/orderbook"): Route(BybitApp.orderbook),
    ("GET", "/v5/asset/coin/query-info"): Route(BybitApp.coin_info, "read"),
    ("GET", "/v5/account/wallet-balance"): Route(BybitApp.wallet_balance, "read"),
    ("GET", "/v5/account/info"): Route(BybitApp.account_info, "read"),
    ("GET", "/v5/user/query-api"): Route(BybitApp.query_api, "read"),
    ("GET", "/v5/order/realtime"): Route(BybitApp.open_orders, "read"),
    ("GET", "/v5/order/history"): Route(BybitApp.order_history, "read"),
    ("GET", "/v5/execution/list"): Route(BybitApp.executions, "read"),
    ("POST", "/v5/order/create"): Route(BybitApp.create_order, "trade"),
    ("POST", "/v5/order/cancel"): Route(BybitApp.cancel_order, "trade"),
    ("POST", "/v5/asset/withdraw/create"): Route(BybitApp.withdraw, "withdraw"),
}
BybitApp.routes = ROUTES
