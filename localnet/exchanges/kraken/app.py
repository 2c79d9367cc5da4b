"""The Kraken Spot REST API (/0/public/*, /0/private/*) on top of the shared request cycle."""

from __future__ import annotations

from starlette.responses import JSONResponse, Response

from localnet.core import keys
from localnet.core.http import ApiError, Call, ExchangeApp, Route
from localnet.core.store import Store
from localnet.exchanges.kraken import account, auth, errors, public, trading
from localnet.exchanges.kraken.counter import DEFAULT_DECAY_PER_S, DEFAULT_MAXIMUM, CallCounter

NAME = "kraken"
ANY = auth.ANY_KEY


def _public(handler) -> Route:
    return Route(handler, permission=None, cost=0)


def _private(handler, permission: str, cost: int = 1) -> Route:
    """A private call; `cost` is what it adds to the key's call counter (Kraken: 2 for history, 0 for orders)."""
    return Route(handler, permission=permission, cost=cost)


class KrakenApp(ExchangeApp):
    """Kraken Spot REST. `rate_limit` is the call counter's maximum; `rate_decay_per_s` how fast it drains."""

    name = NAME
    routes = {
        ("GET", "/0/public/Time"): _public(public.server_time),
        ("GET", "/0/public/SystemStatus"): _public(public.system_status),
        ("GET", "/0/public/Assets"): _public(public.assets),
        ("GET", "/0/public/AssetPairs"): _public(public.asset_pairs),
        ("GET", "/0/public/Ticker"): _public(public.ticker),
        ("GET", "/0/public/Depth"): _public(public.depth),
        ("POST", "/0/private/Balance"): _private(account.balance, "read"),
        ("POST", "/0/private/BalanceEx"): _private(account.balance_ex, "read"),
        ("POST", "/0/private/GetApiKeyInfo"): _private(account.api_key_info, ANY),
        ("POST", "/0/private/Withdraw"): _private(account.withdraw, "withdraw"),
        ("POST", "/0/private/AddOrder"): _private(trading.add_order, "trade", cost=0),
        ("POST", "/0/private/CancelOrder"): _private(trading.cancel_order, "trade", cost=0),
        ("POST", "/0/private/QueryOrders"): _private(trading.query_orders, "read"),
        ("POST", "/0/private/OpenOrders"): _private(trading.open_orders, "read"),
        ("POST", "/0/private/ClosedOrders"): _private(trading.closed_orders, "read"),
        ("POST", "/0/private/TradesHistory"): _private(trading.trades_history, "read", cost=2),
    }

    def __init__(self, store: Store, rate_limit: int | None = None, rate_decay_per_s: float | None = None,
                 **_ignored: object) -> None:
        super().__init__(store)
        self.counter = CallCounter(
            maximum=rate_limit if rate_limit is not None else DEFAULT_MAXIMUM,
            decay_per_s=rate_decay_per_s if rate_decay_per_s is not None else DEFAULT_DECAY_PER_S,
        )

    def authenticate(self, call: Call) -> keys.Key:
        return auth.authenticate(self.store, self.name, self.counter, call, call.route.cost if call.route else 1)

    def authorize(self, call: Call) -> None:
        auth.authorize(call.key, call.route.permission if call.route else None)

    def render(self, call: Call, result: object) -> Response:
        return JSONResponse({"error": [], "result": result})

    def render_error(self, call: Call, error: ApiError) -> Response:
        return JSONResponse({"error": [error.code]}, status_code=error.status, headers=error.headers)

    def not_found(self, call: Call, path_exists: bool) -> ApiError:
        # Kraken answers an unknown method (or a public method called with POST) this way, with HTTP 200.
        # Paths outside /0/ never reach its API; localnet says 404 there.
        return errors.error(errors.UNKNOWN_METHOD, 200 if call.path.startswith("/0/") else 404)

    def too_large(self, call: Call) -> ApiError:
        return errors.error(errors.INVALID_ARGUMENTS, 413)

    def internal_error(self, call: Call) -> ApiError:
        return errors.error(errors.INTERNAL, 500)
