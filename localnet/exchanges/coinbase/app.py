"""Coinbase Advanced Trade (/api/v3/brokerage) and the few Coinbase App (/v2) endpoints ccxt needs,
on the shared request cycle: routes with path parameters, JWT auth, per-user and per-IP limits."""

from __future__ import annotations

import re
import time
from decimal import Decimal

from starlette.responses import JSONResponse, Response

from localnet.core import keys, ledger
from localnet.core.http import ApiError, Call, ExchangeApp, Route, ascii_digits, decimal, form_pairs, json_object
from localnet.core.ratelimit import WeightLimiter
from localnet.core.store import Store
from localnet.exchanges.coinbase import auth, errors, ids, orders, products, views
from localnet.exchanges.coinbase.errors import CoinbaseError

EXCHANGE = "coinbase"
V3 = "/api/v3/brokerage"
PRIVATE_LIMIT = 30  # requests per second per user (Coinbase's published Advanced Trade limit)
PUBLIC_LIMIT = 10  # requests per second per IP for public endpoints
ANY_KEY = "key"  # a route any valid key may call, whatever its permissions
ORDER_STATUSES = ("OPEN", "FILLED", "CANCELLED", "EXPIRED", "FAILED", "PENDING", "QUEUED", "CANCEL_QUEUED",
                  "EDIT_QUEUED", "UNKNOWN_ORDER_STATUS")
MAX_CANCEL = 100


def is_v2(call: Call) -> bool:
    return call.path.startswith("/v2/")


class CoinbaseApp(ExchangeApp):
    """Coinbase on one port. `rate_limit` lowers the private per-user limit (requests per second)."""

    name = EXCHANGE

    def __init__(self, store: Store, rate_limit: int | None = None, public_rate_limit: int | None = None,
                 **_ignored: object) -> None:
        super().__init__(store)
        self.private_limiter = WeightLimiter(limit=rate_limit or PRIVATE_LIMIT, interval_s=1, ban_after=None)
        self.public_limiter = WeightLimiter(limit=public_rate_limit or PUBLIC_LIMIT, interval_s=1, ban_after=None)

    # ---- routing -------------------------------------------------------------------------------

    def match(self, call: Call) -> Route | None:
        call.params = {"path": {}}
        route = self.routes.get((call.method, call.path))
        if route is not None:
            return route
        for (method, pattern), candidate in PATTERNS.items():
            found = pattern.fullmatch(call.path)
            if found and method == call.method:
                call.params["path"] = found.groupdict()
                return candidate
        return None

    def path_exists(self, call: Call) -> bool:
        return super().path_exists(call) or any(p.fullmatch(call.path) for (_, p) in PATTERNS)

    # ---- the hooks of the shared cycle ---------------------------------------------------------

    def claimed_key(self, call: Call) -> str | None:
        return auth.claimed_key_name(call)

    def admit(self, call: Call, route: Route | None) -> None:
        """Public requests count against the caller's IP; private ones against the user (in authorize)."""
        if route is None or route.permission is None:
            self._charge(self.public_limiter, f"ip:{call.peer}", call)

    def authenticate(self, call: Call) -> keys.Key:
        return auth.authenticate(self.store, EXCHANGE, call)

    def authorize(self, call: Call) -> None:
        key = call.key
        assert key is not None and call.route is not None
        self._charge(self.private_limiter, f"user:{key.account_id}", call)
        permission = call.route.permission
        if permission != ANY_KEY and permission not in key.permissions:
            raise errors.permission_denied(v2=is_v2(call))

    def render(self, call: Call, result: object) -> Response:
        status = 200
        if isinstance(result, tuple):
            result, status = result
        return JSONResponse(result, status_code=status)

    def render_error(self, call: Call, error: ApiError) -> Response:
        return errors.render(error)

    def not_found(self, call: Call, path_exists: bool) -> ApiError:
        return errors.not_found("Not found" if is_v2(call) else "Not Found", v2=is_v2(call))

    def too_large(self, call: Call) -> ApiError:
        return errors.invalid_argument("request body too large", v2=is_v2(call))

    def internal_error(self, call: Call) -> ApiError:
        return errors.internal(v2=is_v2(call))

    def finish(self, call: Call, response: Response) -> None:
        limit = call.params.get("ratelimit") if isinstance(call.params, dict) else None
        if limit is not None:
            response.headers.update(limit)

    def _charge(self, limiter: WeightLimiter, bucket: str, call: Call) -> None:
        verdict = limiter.charge(bucket, 1)
        headers = {
            "x-ratelimit-limit": str(limiter.limit),
            "x-ratelimit-remaining": str(max(limiter.limit - verdict.used, 0)),
            "x-ratelimit-reset": str(int(time.time()) + 1),
        }
        call.params["ratelimit"] = headers
        if not verdict.allowed:
            raise errors.rate_limited(headers, v2=is_v2(call))

    # ---- request helpers -----------------------------------------------------------------------

    @staticmethod
    def query(call: Call) -> dict[str, list[str]]:
        """Query parameters; a name may repeat (product_ids=A&product_ids=B)."""
        try:
            pairs = form_pairs(call.query)
        except (ValueError, UnicodeDecodeError):
            raise errors.invalid_argument("the query string is not valid UTF-8", v2=is_v2(call)) from None
        out: dict[str, list[str]] = {}
        for name, value in pairs:
            out.setdefault(name.removesuffix("[]"), []).append(value)
        return out

    @staticmethod
    def one(values: dict[str, list[str]], name: str) -> str | None:
        items = values.get(name)
        return items[-1] if items else None

    @staticmethod
    def body(call: Call) -> dict:
        try:
            return json_object(call.body)
        except (ValueError, UnicodeDecodeError, RecursionError):
            raise errors.invalid_argument("the request body is not a valid JSON object", v2=is_v2(call)) from None

    def integer(self, values: dict[str, list[str]], name: str, default: int, low: int, high: int) -> int:
        text = self.one(values, name)
        if text is None or text == "":
            return default
        if not ascii_digits(text, 9):
            raise errors.invalid_argument(f"{name} must be a whole number")
        return min(max(int(text), low), high)

    def product(self, product_id: str | None) -> str:
        if not product_id:
            raise errors.invalid_argument("product_id is required")
        if products.symbol(product_id) is None:
            raise errors.not_found("ProductID is invalid")
        return product_id

    @staticmethod
    def page(items: list, cursor: str | None, limit: int) -> tuple[list, bool, str]:
        """(this page, has_next, next cursor); the cursor is an offset."""
        start = int(cursor) if cursor and ascii_digits(cursor, 9) else 0
        chunk = items[start:start + limit]
        more = start + limit < len(items)
        return chunk, more, str(start + limit) if more else ""

    def wallets(self, key: keys.Key) -> list[tuple[str, Decimal, Decimal]]:
        """(asset, free, locked) for every currency Coinbase shows the account, in a fixed order."""
        held = ledger.balances(self.store, key.account_id)
        assets = list(products.FUNDING) + sorted(set(held) - set(products.FUNDING))
        return [(a, *held.get(a, (Decimal(0), Decimal(0)))) for a in assets]

    def account_created_ms(self, key: keys.Key) -> int:
        row = self.store.db.execute("SELECT created_ms FROM accounts WHERE id = ?", (key.account_id,)).fetchone()
        return row["created_ms"] if row else 0

    def wallet(self, key: keys.Key, account_uuid: str) -> tuple[str, Decimal, Decimal] | None:
        for asset, free, locked in self.wallets(key):
            if ids.account_uuid(key.account_id, asset) == account_uuid:
                return asset, free, locked
        return None

    # ---- public market data --------------------------------------------------------------------

    def server_time(self, call: Call) -> dict:
        return {"iso": products.iso(call.now_ms), "epochSeconds": str(call.now_ms // 1000),
                "epochMillis": str(call.now_ms)}

    def list_products(self, call: Call) -> dict:
        q = self.query(call)
        wanted = q.get("product_ids", [])
        limit = self.integer(q, "limit", 0, 0, 1000)
        return products.products_view(wanted, self.one(q, "product_type"), limit)

    def get_product(self, call: Call) -> dict:
        return products.product_view(self.product(call.params["path"]["product_id"]))

    def product_book(self, call: Call) -> dict:
        q = self.query(call)
        product_id = self.product(self.one(q, "product_id"))
        return products.product_book_view(product_id, self.integer(q, "limit", 50, 1, 100), call.now_ms)

    def ticker(self, call: Call) -> dict:
        q = self.query(call)
        product_id = self.product(call.params["path"]["product_id"])
        return products.ticker_view(product_id, self.integer(q, "limit", 1, 0, 100), call.now_ms)

    def best_bid_ask(self, call: Call) -> dict:
        wanted = self.query(call).get("product_ids") or list(products.PRODUCT_IDS)
        return {"pricebooks": [products.pricebook(self.product(p), 1, call.now_ms) for p in wanted]}

    # ---- accounts and key ----------------------------------------------------------------------

    def list_accounts(self, call: Call) -> dict:
        q = self.query(call)
        limit = self.integer(q, "limit", 49, 1, 250)
        created = self.account_created_ms(call.key)
        everything = [views.account_v3(call.key.account_id, a, f, l, created) for a, f, l in self.wallets(call.key)]
        chunk, more, cursor = self.page(everything, self.one(q, "cursor"), limit)
        return {"accounts": chunk, "has_next": more, "cursor": cursor, "size": len(chunk)}

    def get_account(self, call: Call) -> dict:
        found = self.wallet(call.key, call.params["path"]["account_uuid"])
        if found is None:
            raise errors.not_found("account not found")
        return {"account": views.account_v3(call.key.account_id, *found, self.account_created_ms(call.key))}

    def key_permissions(self, call: Call) -> dict:
        return views.key_permissions(call.key)

    def transaction_summary(self, call: Call) -> dict:
        rate = str(ledger.FEE_RATE)
        return {
            "total_volume": 0, "total_fees": 0,
            "fee_tier": {"pricing_tier": "Localnet", "usd_from": "0", "usd_to": "1000000",
                         "taker_fee_rate": rate, "maker_fee_rate": rate, "aop_from": "", "aop_to": ""},
            "margin_rate": None, "goods_and_services_tax": None, "advanced_trade_only_volume": 0,
            "advanced_trade_only_fees": 0, "coinbase_pro_volume": 0, "coinbase_pro_fees": 0,
            "total_balance": "", "has_promo_fee": False,
        }

    # ---- orders --------------------------------------------------------------------------------

    def create_order(self, call: Call) -> dict:
        body = self.body(call)
        try:
            new = orders.read(body, call.key.account_id)
        except orders.OrderRefused as refused:
            return orders.failure_body(refused.reason, body.get("order_configuration"))
        existing = self._by_client_id(call.key.account_id, new.client_order_id)
        if existing is not None:  # Coinbase: a repeated client_order_id returns the order it already made
            return self._created(existing, new.configuration)
        try:
            row, _ = ledger.place_order(self.store, new.request, call.now_ms)
        except ledger.LedgerError as exc:
            reason = orders.LEDGER_REASONS.get(exc.reason)
            if reason is None:
                raise
            return orders.failure_body(reason, new.configuration)
        return self._created(row, new.configuration)

    def _by_client_id(self, account_id: int, client_order_id: str) -> dict | None:
        try:
            return ledger.find_order(self.store, account_id, None, None, client_order_id)
        except ledger.LedgerError:
            return None

    @staticmethod
    def _created(row: dict, configuration: dict) -> dict:
        order_id = ids.order_uuid(row["id"])
        return {
            "success": True,
            "failure_reason": "UNKNOWN_FAILURE_REASON",
            "order_id": order_id,
            "success_response": {"order_id": order_id, "product_id": products.PRODUCT_OF[row["symbol"]],
                                 "side": row["side"], "client_order_id": row["client_order_id"]},
            "order_configuration": configuration,
        }

    def cancel_orders(self, call: Call) -> dict:
        order_ids = self.body(call).get("order_ids")
        if not isinstance(order_ids, list) or not order_ids or not all(isinstance(o, str) for o in order_ids):
            raise errors.invalid_argument("order_ids must be a non-empty list of order ids")
        if len(order_ids) > MAX_CANCEL:
            raise errors.invalid_argument(f"at most {MAX_CANCEL} order_ids per request")
        return {"results": [self._cancel_one(call, order_id) for order_id in order_ids]}

    def _cancel_one(self, call: Call, order_id: str) -> dict:
        ledger_id = ids.order_id_of(order_id)
        try:
            if ledger_id is None:
                raise ledger.LedgerError(ledger.LedgerError.UNKNOWN_ORDER)
            ledger.cancel_order(self.store, call.key.account_id, None, ledger_id, None, call.now_ms)
        except ledger.LedgerError:
            return {"success": False, "failure_reason": "UNKNOWN_CANCEL_ORDER", "order_id": order_id}
        return {"success": True, "failure_reason": "UNKNOWN_CANCEL_FAILURE_REASON", "order_id": order_id}

    def order_view(self, row: dict) -> dict:
        fills = ledger.trades(self.store, row["account_id"], None, order_id=row["id"], limit=10_000)
        fees = sum((Decimal(f["commission"]) for f in fills), Decimal(0))
        return views.order(row, fees, len(fills), max((f["time_ms"] for f in fills), default=None))

    def get_order(self, call: Call) -> dict:
        ledger_id = ids.order_id_of(call.params["path"]["order_id"])
        if ledger_id is None:
            raise errors.order_not_found()
        try:
            row = ledger.find_order(self.store, call.key.account_id, None, ledger_id, None)
        except ledger.LedgerError:
            raise errors.order_not_found() from None
        return {"order": self.order_view(row)}

    def list_orders(self, call: Call) -> dict:
        q = self.query(call)
        statuses = q.get("order_status", [])
        unknown = [s for s in statuses if s not in ORDER_STATUSES]
        if unknown:
            raise errors.invalid_argument(f"invalid order_status {unknown[0]!r}")
        wanted_products = q.get("product_ids", []) + q.get("product_id", [])
        for product_id in wanted_products:
            self.product(product_id)
        wanted_ids = {ids.order_id_of(o) for o in q.get("order_ids", [])}
        limit = self.integer(q, "limit", 100, 1, 1000)
        rows = ledger.orders(self.store, call.key.account_id, None, limit=10_000)
        chosen = []
        for row in reversed(rows):  # newest first
            view = self.order_view(row)
            if statuses and view["status"] not in statuses:
                continue
            if wanted_products and view["product_id"] not in wanted_products:
                continue
            if wanted_ids and row["id"] not in wanted_ids:
                continue
            for name, value in (("order_side", view["side"]), ("order_type", view["order_type"])):
                if self.one(q, name) and self.one(q, name) != value:
                    break
            else:
                chosen.append(view)
        chunk, more, cursor = self.page(chosen, self.one(q, "cursor"), limit)
        return {"orders": chunk, "sequence": "0", "has_next": more, "cursor": cursor}

    def list_fills(self, call: Call) -> dict:
        q = self.query(call)
        wanted_products = q.get("product_ids", []) + q.get("product_id", [])
        for product_id in wanted_products:
            self.product(product_id)
        wanted_orders = q.get("order_ids", []) + q.get("order_id", [])
        order_ids = {ids.order_id_of(o) for o in wanted_orders}
        limit = self.integer(q, "limit", 100, 1, 1000)
        rows = ledger.trades(self.store, call.key.account_id, None, limit=10_000)
        chosen = [views.fill(r) for r in reversed(rows)
                  if (not wanted_orders or r["order_id"] in order_ids)
                  and (not wanted_products or products.PRODUCT_OF[r["symbol"]] in wanted_products)]
        chunk, _, cursor = self.page(chosen, self.one(q, "cursor"), limit)
        return {"fills": chunk, "cursor": cursor}

    # ---- Coinbase App (v2) ---------------------------------------------------------------------

    def v2_time(self, call: Call) -> dict:
        return {"data": {"iso": products.iso(call.now_ms)[:19] + "Z", "epoch": call.now_ms // 1000}}

    def v2_currencies(self, call: Call) -> dict:
        return {"data": [{"id": c, "name": products.CURRENCY_NAMES[c], "min_size": "0.01"} for c in products.FIAT]}

    def v2_crypto_currencies(self, call: Call) -> dict:
        crypto = [c for c in products.CURRENCY_NAMES if c not in products.FIAT]
        return {"data": [
            {"asset_id": ids.named("asset", c), "code": c, "name": products.CURRENCY_NAMES[c], "color": "#000000",
             "sort_index": i, "exponent": 8, "type": "crypto", "address_regex": ".+"}
            for i, c in enumerate(crypto)
        ]}

    def v2_exchange_rates(self, call: Call) -> dict:
        base = (self.one(self.query(call), "currency") or "USD").upper()
        usd = usd_prices()
        if base not in usd:
            raise errors.invalid_argument("Invalid currency", v2=True)
        rates = {c: plain_rate(usd[base] / price) for c, price in usd.items()}
        return {"data": {"currency": base, "rates": rates}}

    def v2_accounts(self, call: Call) -> dict:
        q = self.query(call)
        limit = self.integer(q, "limit", 25, 1, 300)
        created = self.account_created_ms(call.key)
        data = [views.account_v2(call.key.account_id, a, f, l, created) for a, f, l in self.wallets(call.key)]
        return {
            "pagination": {"ending_before": None, "starting_after": None, "previous_ending_before": None,
                           "next_starting_after": None, "limit": limit, "order": "desc", "previous_uri": None,
                           "next_uri": None},
            "data": data[:limit],
        }

    def v2_account(self, call: Call) -> dict:
        found = self.wallet(call.key, call.params["path"]["account_id"])
        if found is None:
            raise errors.not_found("Not found", v2=True)
        return {"data": views.account_v2(call.key.account_id, *found, self.account_created_ms(call.key))}

    def v2_send(self, call: Call) -> tuple[dict, int]:
        """POST /v2/accounts/{account_id}/transactions with type "send": a withdrawal."""
        found = self.wallet(call.key, call.params["path"]["account_id"])
        if found is None:
            raise errors.not_found("Not found", v2=True)
        asset = found[0]
        body = self.body(call)
        for name in ("type", "to", "amount", "currency"):
            if not isinstance(body.get(name), str) or not body[name]:
                raise CoinbaseError(400, "param_required", f"Required parameter missing: {name}", shape="v2")
        if body["type"] != "send":
            raise errors.validation_error(f"type {body['type']!r} is not supported here; use \"send\"")
        if body["currency"] != asset:
            raise errors.validation_error(f"currency must be {asset}, the currency of this account")
        try:
            amount = decimal(body["amount"])
        except ValueError:
            raise errors.validation_error("amount must be a decimal number") from None
        if amount <= 0:
            raise errors.validation_error("amount must be greater than zero")
        try:
            ledger.withdraw(self.store, call.key.account_id, asset, amount, body["to"][:128], call.now_ms)
        except ledger.LedgerError:
            raise errors.validation_error("Insufficient balance in source account") from None
        transaction = ids.named("send", call.key.account_id, call.now_us, body["to"], body["amount"])
        when = products.iso(call.now_ms)[:19] + "Z"
        usd = usd_prices().get(asset, Decimal(0)) * amount
        return {"data": {
            "id": transaction, "type": "send", "status": "pending",
            "amount": {"amount": "-" + products.plain(amount), "currency": asset},
            "native_amount": {"amount": "-" + products.plain(usd.quantize(Decimal("0.01"))), "currency": "USD"},
            "description": body.get("description"), "created_at": when, "updated_at": when,
            "resource": "transaction",
            "resource_path": f"/v2/accounts/{call.params['path']['account_id']}/transactions/{transaction}",
            "instant_exchange": False,
            "network": {"status": "pending", "network_name": products.CURRENCY_NAMES.get(asset, asset).lower()},
            "to": {"resource": "address", "address": body["to"]},
            "idem": body.get("idem"),
            "details": {"title": f"Sent {products.CURRENCY_NAMES.get(asset, asset)}", "subtitle": f"To {body['to']}"},
        }}, 201


def usd_prices() -> dict[str, Decimal]:
    """Each currency's price in USD, from the reference prices of the markets."""
    btc = products.SYMBOLS["BTCUSD"].ref_price
    return {"USD": Decimal(1), "USDT": Decimal(1), "BTC": btc, "ETH": products.SYMBOLS["ETHUSD"].ref_price,
            "LTC": products.SYMBOLS["LTCBTC"].ref_price * btc}


def plain_rate(value: Decimal) -> str:
    return products.plain(value.quantize(Decimal("0.000000000001")))


def _route(handler, permission: str | None = None, name: str = "") -> Route:
    return Route(handler=handler, permission=permission, name=name)


A = CoinbaseApp
CoinbaseApp.routes = {
    ("GET", f"{V3}/time"): _route(A.server_time),
    ("GET", f"{V3}/market/products"): _route(A.list_products),
    ("GET", f"{V3}/market/product_book"): _route(A.product_book),
    ("GET", f"{V3}/products"): _route(A.list_products, "read"),
    ("GET", f"{V3}/product_book"): _route(A.product_book, "read"),
    ("GET", f"{V3}/best_bid_ask"): _route(A.best_bid_ask, "read"),
    ("GET", f"{V3}/accounts"): _route(A.list_accounts, "read"),
    ("GET", f"{V3}/key_permissions"): _route(A.key_permissions, ANY_KEY),
    ("GET", f"{V3}/transaction_summary"): _route(A.transaction_summary, "read"),
    ("POST", f"{V3}/orders"): _route(A.create_order, "trade"),
    ("POST", f"{V3}/orders/batch_cancel"): _route(A.cancel_orders, "trade"),
    ("GET", f"{V3}/orders/historical/batch"): _route(A.list_orders, "read"),
    ("GET", f"{V3}/orders/historical/fills"): _route(A.list_fills, "read"),
    ("GET", "/v2/time"): _route(A.v2_time),
    ("GET", "/v2/currencies"): _route(A.v2_currencies),
    ("GET", "/v2/currencies/crypto"): _route(A.v2_crypto_currencies),
    ("GET", "/v2/exchange-rates"): _route(A.v2_exchange_rates),
    ("GET", "/v2/accounts"): _route(A.v2_accounts, "read"),
}
SEGMENT = r"[^/]+"
PATTERNS: dict[tuple[str, re.Pattern[str]], Route] = {
    ("GET", re.compile(rf"{V3}/market/products/(?P<product_id>{SEGMENT})")): _route(A.get_product),
    ("GET", re.compile(rf"{V3}/market/products/(?P<product_id>{SEGMENT})/ticker")): _route(A.ticker),
    ("GET", re.compile(rf"{V3}/products/(?P<product_id>{SEGMENT})")): _route(A.get_product, "read"),
    ("GET", re.compile(rf"{V3}/products/(?P<product_id>{SEGMENT})/ticker")): _route(A.ticker, "read"),
    ("GET", re.compile(rf"{V3}/accounts/(?P<account_uuid>{SEGMENT})")): _route(A.get_account, "read"),
    ("GET", re.compile(rf"{V3}/orders/historical/(?P<order_id>{SEGMENT})")): _route(A.get_order, "read"),
    ("GET", re.compile(rf"/v2/accounts/(?P<account_id>{SEGMENT})")): _route(A.v2_account, "read"),
    ("POST", re.compile(rf"/v2/accounts/(?P<account_id>{SEGMENT})/transactions")): _route(A.v2_send, "withdraw"),
}
