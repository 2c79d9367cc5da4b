"""OKX v5 (demo trading) as an ASGI app on the shared request cycle: routes, limits, OKX-shaped answers."""

from __future__ import annotations

from starlette.responses import JSONResponse, Response

from localnet.core import keys
from localnet.core.http import ApiError, Call, ExchangeApp, Route
from localnet.core.ratelimit import WeightLimiter
from localnet.core.store import Store
from localnet.exchanges.okx import account, auth, errors, public, trading

WINDOW_S = 2  # OKX counts requests per endpoint in 2-second windows
NAME = auth.NAME


def _route(handler, permission: str | None, limit: int, name: str) -> Route:
    """`cost` holds the endpoint's own limit: requests per 2 s (per IP when public, per API key when private)."""
    return Route(handler=handler, permission=permission, cost=limit, name=name)


ROUTES: dict[tuple[str, str], Route] = {
    ("GET", "/api/v5/public/time"): _route(public.server_time, None, 10, "time"),
    ("GET", "/api/v5/public/instruments"): _route(public.instruments, None, 20, "instruments"),
    ("GET", "/api/v5/market/ticker"): _route(public.one_ticker, None, 20, "ticker"),
    ("GET", "/api/v5/market/tickers"): _route(public.all_tickers, None, 20, "tickers"),
    ("GET", "/api/v5/market/books"): _route(public.order_book, None, 40, "books"),
    ("GET", "/api/v5/account/balance"): _route(account.balance, "read", 10, "balance"),
    ("GET", "/api/v5/account/config"): _route(account.config, "read", 5, "config"),
    ("POST", "/api/v5/account/set-leverage"): _route(account.set_leverage, "trade", 20, "set-leverage"),
    ("GET", "/api/v5/asset/balances"): _route(account.funding_balances, "read", 6, "asset-balances"),
    ("GET", "/api/v5/asset/currencies"): _route(account.currencies, "read", 6, "currencies"),
    ("POST", "/api/v5/asset/withdrawal"): _route(account.withdrawal, "withdraw", 6, "withdrawal"),
    ("POST", "/api/v5/trade/order"): _route(trading.place_order, "trade", 60, "order"),
    ("POST", "/api/v5/trade/batch-orders"): _route(trading.place_batch, "trade", 300, "batch-orders"),
    ("POST", "/api/v5/trade/cancel-order"): _route(trading.cancel_order, "trade", 60, "cancel-order"),
    ("GET", "/api/v5/trade/order"): _route(trading.get_order, "read", 60, "get-order"),
    ("GET", "/api/v5/trade/orders-pending"): _route(trading.open_orders, "read", 60, "orders-pending"),
    ("GET", "/api/v5/trade/orders-history"): _route(trading.closed_orders, "read", 40, "orders-history"),
    ("GET", "/api/v5/trade/fills"): _route(trading.fills, "read", 60, "fills"),
    ("GET", "/api/v5/trade/fills-history"): _route(trading.fills_history, "read", 10, "fills-history"),
}


class OkxApp(ExchangeApp):
    """OKX v5 demo trading. `rate_limit` replaces every endpoint's limit (requests per 2 s), for tests."""

    name = NAME
    routes = ROUTES

    def __init__(self, store: Store, rate_limit: int | None = None, **_ignored: object) -> None:
        super().__init__(store)
        self.limiters = {
            route.name: WeightLimiter(limit=rate_limit if rate_limit is not None else route.cost,
                                      interval_s=WINDOW_S, ban_after=None)
            for route in self.routes.values()
        }

    # ---- hooks ----------------------------------------------------------------------------------

    def claimed_key(self, call: Call) -> str | None:
        return call.headers.get("ok-access-key") or None

    def admit(self, call: Call, route: Route | None) -> None:
        """Per-endpoint request counts in 2-second windows; 50011 (HTTP 429) beyond the limit."""
        if route is None:
            return
        who = (call.headers.get("ok-access-key") or call.peer) if route.permission else call.peer
        if not self.limiters[route.name].charge(who, 1).allowed:
            raise errors.rate_limited()

    def authenticate(self, call: Call) -> keys.Key:
        return auth.authenticate(self.store, call)

    def authorize(self, call: Call) -> None:
        assert call.key is not None and call.route is not None
        if call.route.permission not in call.key.permissions:
            raise errors.no_permission()

    def render(self, call: Call, result: object) -> Response:
        body = result if isinstance(result, dict) else {"code": "0", "data": result, "msg": ""}
        return JSONResponse(body)

    def render_error(self, call: Call, error: ApiError) -> Response:
        return JSONResponse(errors.error_body(error), status_code=error.status, headers=error.headers)

    def not_found(self, call: Call, path_exists: bool) -> ApiError:
        return errors.method_not_allowed() if path_exists else errors.not_found()

    def too_large(self, call: Call) -> ApiError:
        return errors.too_large()

    def internal_error(self, call: Call) -> ApiError:
        return errors.system_error()
