"""How the management page defends itself against other web pages.

A page on any other site (or on another port of 127.0.0.1) can make the browser send requests
here. So, before any route runs:

- **Host** (every request): the Host header must be ``127.0.0.1:PORT`` or ``localhost:PORT``,
  PORT being the port this server listens on; anything else is 421. This defeats DNS rebinding,
  where an attacker's domain is made to resolve to 127.0.0.1.
- **Fetch metadata** (every /api/ request): a browser that labels the request ``cross-site`` or
  ``same-site`` in Sec-Fetch-Site is refused with 403, so no other page, not even one on
  another port of 127.0.0.1, can read the key list or the log. A browser too old to send
  Sec-Fetch-Site still sends Origin on a cross-origin fetch: a GET or HEAD of /api/ whose
  Origin is not this server's is refused the same way (the page's own GETs send no Origin).
- **State-changing requests** (every method but GET and HEAD) need all three, else 403 / 415:
  an Origin header equal to this server's own origin; a CSRF token in the X-CSRF-Token header
  equal to the SameSite=Strict cookie, made by this server (an HMAC with a random key that
  lives only in this process) and compared in constant time; and a Content-Type of
  application/json, which no HTML form can send.
- **Every answer** is marked no-store, nosniff, never framed, and carries a Content Security
  Policy that allows scripts, styles, images and fetches from this origin only.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import secrets

from starlette.datastructures import Headers
from starlette.requests import cookie_parser
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from localnet.core.http import MAX_HEAD_BYTES, head_size

log = logging.getLogger("localnet.manage")

SAFE_METHODS = frozenset({"GET", "HEAD"})
CSRF_HEADER = "X-CSRF-Token"
MAX_TOKEN_LENGTH = 200
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
       "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
SECURITY_HEADERS = {
    "cache-control": "no-store",
    "pragma": "no-cache",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "content-security-policy": CSP,
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
}


def problem(status: int, error: str, message: str) -> JSONResponse:
    """Every error this server gives: {"error": a short code, "message": a sentence}."""
    return JSONResponse({"error": error, "message": message}, status_code=status)


def cookie_name(port: int) -> str:
    """The CSRF cookie's name. Cookies ignore ports, so the port is in the name: two localnets on
    127.0.0.1 (or the docs site beside them) never overwrite each other's cookie."""
    return f"localnet_manage_csrf_{port}"


class CsrfTokens:
    """Tokens this server made: a random nonce and its HMAC under a key that never leaves the process."""

    def __init__(self, key: bytes | None = None) -> None:
        self._key = key if key is not None else secrets.token_bytes(32)

    def _mac(self, nonce: str) -> str:
        digest = hmac.new(self._key, b"localnet-manage-csrf:" + nonce.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()

    def mint(self) -> str:
        nonce = secrets.token_urlsafe(24)
        return f"{nonce}.{self._mac(nonce)}"

    def valid(self, token: str | None) -> bool:
        """True for a token this server made (a restart makes every older token invalid)."""
        if not token or len(token) > MAX_TOKEN_LENGTH or not token.isascii():
            return False
        nonce, sep, mac = token.partition(".")
        if not sep or not nonce:
            return False
        return hmac.compare_digest(mac.encode(), self._mac(nonce).encode())

    def matches(self, header: str | None, cookie: str | None) -> bool:
        """The double submit: the header equals the cookie (constant time) and is one of ours."""
        if not header or not cookie or not header.isascii() or not cookie.isascii():
            return False
        same = hmac.compare_digest(header.encode(), cookie.encode())
        return self.valid(header) and same


def own_hosts(port: int) -> frozenset[str]:
    return frozenset({f"127.0.0.1:{port}", f"localhost:{port}"})


def own_origins(port: int) -> frozenset[str]:
    return frozenset({f"http://127.0.0.1:{port}", f"http://localhost:{port}"})


def media_type(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def _single(headers: Headers, name: str) -> str | None:
    """The header's value when it is sent exactly once; None when missing or repeated."""
    values = headers.getlist(name)
    return values[0] if len(values) == 1 else None


def check(scope: Scope, tokens: CsrfTokens) -> JSONResponse | None:
    """The refusal for this request, or None when it may reach a route."""
    if head_size(scope) > MAX_HEAD_BYTES:
        return problem(431, "headers_too_large",
                       f"the request line and headers are larger than {MAX_HEAD_BYTES} bytes")
    port = (scope.get("server") or ("", 0))[1]
    headers = Headers(scope=scope)
    host = (_single(headers, "host") or "").lower()
    if not port or host not in own_hosts(port):
        return problem(421, "wrong_host", f"this server answers only to 127.0.0.1:{port} and localhost:{port}")
    path = scope.get("path", "")
    fetch_site = headers.get("sec-fetch-site")
    if path.startswith("/api/") and fetch_site is not None and fetch_site not in ("same-origin", "none"):
        return problem(403, "cross_site", "requests from other sites are refused")
    if scope["method"] in SAFE_METHODS:
        foreign = any(origin not in own_origins(port) for origin in headers.getlist("origin"))
        if path.startswith("/api/") and foreign:
            return problem(403, "cross_site", "requests from other sites are refused")
        return None
    origin = _single(headers, "origin")
    if origin is None or origin not in own_origins(port):
        return problem(403, "bad_origin", "a state-changing request must come from this page's own origin")
    cookies = cookie_parser(headers.get("cookie", ""))
    if not tokens.matches(_single(headers, CSRF_HEADER), cookies.get(cookie_name(port))):
        return problem(403, "bad_csrf_token",
                       "missing or wrong CSRF token: reload the page (GET /api/session gives a new one)")
    if media_type(headers.get("content-type", "")) != "application/json":
        return problem(415, "not_json", "send the body as JSON, with Content-Type: application/json")
    return None


class Guard:
    """ASGI middleware: check() before the app, the security headers on every answer, no bare 500."""

    def __init__(self, app: ASGIApp, tokens: CsrfTokens) -> None:
        self.app = app
        self.tokens = tokens

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 1008})
            return
        started = False

        async def secured(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                kept = [(k, v) for k, v in message.get("headers", []) if k.decode("latin-1").lower() not in
                        SECURITY_HEADERS]
                extra = [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
                message = {**message, "headers": kept + extra}
            await send(message)

        refusal = check(scope, self.tokens)
        if refusal is not None:
            await refusal(scope, receive, secured)
            return
        try:
            await self.app(scope, receive, secured)
        except Exception:  # the app already answered 500 in JSON; log where, never the body
            log.exception("manage: unexpected error on %s %s", scope.get("method"), scope.get("path"))
            if not started:
                await problem(500, "internal_error", "something went wrong inside localnet")(scope, receive, secured)
