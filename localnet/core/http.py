"""The request cycle every exchange shares: read the raw bytes, route, authenticate, answer, log.

An exchange (a "dialect") subclasses ExchangeApp and supplies its routes and a handful of small
methods: how it finds and checks the key, and how it words a result and an error. Everything
else -- body limits, the TCP peer as the client IP, worker threads, the activity log, turning
unexpected exceptions into the exchange's own internal-error answer -- happens here, once.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Callable, ClassVar
from urllib.parse import unquote_to_bytes

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from localnet.core import activity, clock, keys
from localnet.core.store import Store

log = logging.getLogger("localnet")
DECIMAL_RE = re.compile(r"^-?[0-9]{1,20}(\.[0-9]{1,20})?$")
# The largest request line + headers any port accepts. uvicorn's HTTP parser (h11) refuses a head
# over this size while it is still arriving (400, before any exchange code runs); one that arrived
# whole in a single read gets the exchange's own "too large" answer here instead.
MAX_HEAD_BYTES = 16 * 1024


class ClientGone(Exception):
    """The client disconnected before its request arrived in full."""


def head_size(scope: Scope) -> int:
    """Bytes of the request target and headers, as the server received them."""
    target = len(scope.get("raw_path") or scope["path"].encode()) + len(scope.get("query_string", b""))
    return target + sum(len(name) + len(value) for name, value in scope["headers"])


class ApiError(Exception):
    """An answer in an exchange's own words. Raise it anywhere below a route.

    `code` is whatever the exchange calls its error (an int, a numeric string, or a text such as
    "EAPI:Invalid key"); the dialect decides how `code` and `message` appear in the body.
    """

    def __init__(self, status: int, code: object, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(f"{code} {message}")
        self.status, self.code, self.message = status, code, message
        self.headers = headers or {}


@dataclass
class Call:
    """One request as received, plus what the cycle learns about it on the way."""

    method: str
    path: str
    query: bytes  # the raw query string, exactly as sent, without "?"
    body: bytes  # the raw body, exactly as sent
    headers: Headers
    peer: str  # the TCP peer address; forwarding headers are never consulted
    host: str  # the Host header as sent (a JWT may name it)
    now_us: int = 0
    key: keys.Key | None = None
    claimed_key: str | None = None  # the API key string the request named, found or not
    params: Any = field(default_factory=dict)  # whatever the dialect parsed (a dict unless it says otherwise)
    route: "Route | None" = None

    @property
    def now_ms(self) -> int:
        return self.now_us // 1000


@dataclass(frozen=True)
class Route:
    """A handler and what it needs: no key (public), or a key with this permission."""

    handler: Callable[[Any, Call], object]
    permission: str | None = None  # None = public; else read / trade / withdraw
    cost: int = 1  # rate-limit weight; dialects read it as they see fit
    name: str = ""  # the exchange's name for this endpoint, for per-endpoint limits


class ExchangeApp:
    """The ASGI app of one exchange. Subclasses set `name`, `routes` and the hooks below."""

    name: ClassVar[str]
    routes: ClassVar[dict[tuple[str, str], Route]]
    max_body: ClassVar[int] = 64 * 1024

    def __init__(self, store: Store) -> None:
        self.store = store

    # ---- hooks a dialect supplies ---------------------------------------------------------------

    def authenticate(self, call: Call) -> keys.Key:
        """Find the key and check signature, timing, passphrase and IP; raise ApiError on failure.

        Set `call.claimed_key` as soon as the key string is known, so that failures are logged
        against the key they were made with.
        """
        raise NotImplementedError

    def authorize(self, call: Call) -> None:
        """Refuse a key without the route's permission (the exchange's own error)."""
        raise NotImplementedError

    def render(self, call: Call, result: object) -> Response:
        """A successful answer, in the exchange's envelope."""
        raise NotImplementedError

    def render_error(self, call: Call, error: ApiError) -> Response:
        """An error answer, in the exchange's envelope and with its HTTP status."""
        raise NotImplementedError

    def not_found(self, call: Call, path_exists: bool) -> ApiError:
        """No route for this method and path (`path_exists`: the path is known under another method)."""
        raise NotImplementedError

    def too_large(self, call: Call) -> ApiError:
        """The body is bigger than `max_body`."""
        raise NotImplementedError

    def internal_error(self, call: Call) -> ApiError:
        """What the exchange says when something went wrong on its side."""
        raise NotImplementedError

    def match(self, call: Call) -> Route | None:
        """The route for this method and path. Default: an exact lookup in `routes`; a dialect with
        path parameters (/orders/{id}) overrides this and keeps what it extracts in `call.params`."""
        return self.routes.get((call.method, call.path))

    def path_exists(self, call: Call) -> bool:
        """Whether the path is served under some method (for 404 vs 405)."""
        return any(path == call.path for (_, path) in self.routes)

    def claimed_key(self, call: Call) -> str | None:
        """The API key string the request names (a header, usually), read before any check so that
        even a refused request is logged against its key. Default: None (set it in authenticate)."""
        return None

    def admit(self, call: Call, route: Route | None) -> None:
        """Rate limits before any work is done; raise ApiError to refuse. Default: no limit."""

    def finish(self, call: Call, response: Response) -> None:
        """Last touch on every response (rate-limit headers, for example). Default: nothing."""

    def durable(self, route: Route) -> bool:
        """Whether an authenticated call of `route` must be on disk, not only in the OS's cache, before
        its answer: every call but a read, whose only writes are bookkeeping (see store.Store._connect)."""
        return route.permission != "read"

    # ---- the cycle ------------------------------------------------------------------------------

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        headers = Headers(scope=scope)
        call = Call(
            method=scope["method"], path=scope["path"], query=scope.get("query_string", b""), body=b"",
            headers=headers, peer=(scope.get("client") or ("unknown", 0))[0], host=headers.get("host", ""),
        )
        try:
            body = await self._read_body(headers, receive)
        except ClientGone:
            return  # half a request is no request: nothing done, nothing logged, nobody to answer
        try:
            if body is None or head_size(scope) > MAX_HEAD_BYTES:
                response = self.render_error(call, self.too_large(call))
            else:
                call.body = body
                response = await run_in_threadpool(self.answer, call)
            self.finish(call, response)
        except Exception:  # never let a bug become a bare 500 or an HTML page
            log.exception("%s: unexpected error on %s %s", self.name, call.method, call.path)
            response = self.render_error(call, self.internal_error(call))
        await response(scope, receive, send)

    async def _read_body(self, headers: Headers, receive: Receive) -> bytes | None:
        """The raw body, or None when it is larger than `max_body` (the rest is never read).
        ClientGone when the client disconnects before the body is complete."""
        declared = headers.get("content-length", "")
        if declared.isascii() and declared.isdigit() and (len(declared) > 18 or int(declared) > self.max_body):
            return None
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise ClientGone
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)

    def answer(self, call: Call) -> Response:
        """Runs in a worker thread: everything that touches the database.

        An authenticated call is one transaction, committed before the answer is sent: what it
        changed (an order and its fills, a nonce, the key's last use) and its activity-log entry
        are stored together or, if the process dies first, not at all. A read call's commit does
        not wait for the disk (see `durable`).
        """
        route = call.route = self.match(call)
        if route is None or route.permission is None:
            return self._respond(call, route)[0]
        with self.store.transaction(durable=self.durable(route)):
            response, error = self._respond(call, route)
            self._log(call, response.status_code, error)
        return response

    def _respond(self, call: Call, route: Route | None) -> tuple[Response, ApiError | None]:
        """The answer to the call, and the ApiError it carries, if any."""
        error: ApiError | None = None
        try:
            call.now_us = clock.now_us(self.store)
            call.claimed_key = self.claimed_key(call)
            self.admit(call, route)
            if route is None:
                raise self.not_found(call, self.path_exists(call))
            if route.permission is not None:
                call.key = self.authenticate(call)
                self.authorize(call)
            result = route.handler(self, call)
            if call.key is not None:
                keys.touch(self.store, call.key.id, call.now_ms)
            response = self.render(call, result)
        except ApiError as exc:
            error = exc
            response = self.render_error(call, exc)
        return response, error

    def _log(self, call: Call, status: int, error: ApiError | None) -> None:
        key_id = call.key.id if call.key is not None else None
        if key_id is None and call.claimed_key:
            found = keys.find(self.store, self.name, call.claimed_key, include_revoked=True)
            key_id = found.id if found else None
        activity.record(
            self.store, time_ms=clock.now_ms(self.store), exchange=self.name, key_id=key_id, client_ip=call.peer,
            method=call.method, path=call.path, http_status=status, error_code=error.code if error else None,
        )


# ---- small parsers the dialects share ------------------------------------------------------------

def ascii_digits(text: str, most: int = 19) -> bool:
    """1 to `most` ASCII digits. str.isdigit() alone also passes "²" (which int() refuses) and "٣" (which
    it reads), and int() refuses over 4300 digits: both used to end as internal errors."""
    return 0 < len(text) <= most and text.isascii() and text.isdigit()


def form_pairs(raw: bytes) -> list[tuple[str, str]]:
    """Decode a query string or form body; ValueError on invalid percent-encoded UTF-8."""
    pairs = []
    for part in raw.split(b"&"):
        if not part:
            continue
        name, _, value = part.partition(b"=")
        pairs.append((_unquote(name), _unquote(value)))
    return pairs


def _unquote(raw: bytes) -> str:
    return unquote_to_bytes(raw.replace(b"+", b" ")).decode("utf-8")


def form_dict(raw: bytes) -> dict[str, str]:
    """Like form_pairs, as a dict; ValueError when a name appears twice."""
    out: dict[str, str] = {}
    for name, value in form_pairs(raw):
        if name in out:
            raise ValueError(f"duplicate parameter {name!r}")
        out[name] = value
    return out


def json_object(raw: bytes) -> dict[str, Any]:
    """A JSON object body (empty body: {}); ValueError for anything else, NaN and Infinity included."""
    if not raw.strip():
        return {}
    value = json_value(raw.decode("utf-8"))
    if not isinstance(value, dict):
        raise ValueError("the body must be a JSON object")
    return value


def json_value(text: str, **options: Any) -> Any:
    """json.loads, with NaN and Infinity refused and nesting too deep for the parser (a RecursionError,
    which is no ValueError) reported as ValueError like any other unreadable JSON."""
    try:
        return json.loads(text, parse_constant=_no_constant, **options)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None


def _no_constant(name: str) -> float:
    raise ValueError(f"{name} is not a number")


def decimal(text: object) -> Decimal:
    """A plain decimal number such as "0.001"; ValueError for exponents, NaN, Infinity and junk."""
    if not isinstance(text, str) or not DECIMAL_RE.match(text):
        raise ValueError(f"not a decimal number: {text!r}")
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern already excludes these
        raise ValueError(f"not a decimal number: {text!r}") from None


def positive_decimal(text: object) -> Decimal:
    """Like decimal(), and ValueError unless the number is greater than zero (amounts, prices)."""
    number = decimal(text)
    if number <= 0:
        raise ValueError(f"not greater than zero: {text!r}")
    return number
