"""Hostile requests for every localnet port, and each port's own error shape.

Two halves, both reused by test_fuzz.py and test_limits.py:

- **Shapes.** `check_answer(port, answer)` says whether an answer is one the real exchange (or the
  key-management page) could give: never 5xx, never a stack trace, never the exchange's own
  "internal error", and, for an error, exactly that exchange's error body. The shapes come from
  localnet/exchanges/<name>/errors.py and /work/shared/reference/exchanges.md (sections 1.4, 2.3,
  3.3, 4.3, 5.3), including the answers that are *not* 4xx JSON on the real exchange: Kraken's and
  Bybit's errors with HTTP 200, Bybit's bodiless 401, Coinbase's plain-text 401.
- **Strategies.** Hypothesis strategies for hostile methods, paths, query strings, bodies, content
  types and headers, and `signed(...)`, which signs a hostile request with a valid key the way each
  exchange wants it, so that the fuzz gets past authentication into the parameter parsers.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field, replace
from typing import Callable
from urllib.parse import quote

import httpx
from hypothesis import strategies as st

from localnet import exchanges
from snippets import kraken as kraken_recipe
from snippets import okx as okx_recipe
from tests.localnet import kraken_support, support
from tests.localnet.coinbase_support import Coinbase

PORTS = ("binance", "bybit", "okx", "kraken", "coinbase", "manage")
# A cheap public call per port: "the server still answers".
PING = {**{name: module.PING_PATH for name, module in exchanges.EXCHANGES.items()}, "manage": "/api/session"}
# What uvicorn (h11) answers to bytes that are not HTTP/1.1 at all, before any exchange code runs.
# Real exchanges sit behind a front end that answers such requests generically too; only the
# raw-socket fuzz may see this answer.
TRANSPORT_400 = b"Invalid HTTP request received."
STACK_TRACE = re.compile(rb"Traceback \(most recent call last\)|File \"[^\"]+\.py\", line \d+")


# ---- answers ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Answer:
    """One HTTP answer, however it was received."""

    status: int
    headers: dict[str, str]  # lower-case names
    body: bytes
    method: str = "GET"
    path: str = "/"

    @classmethod
    def of(cls, response: httpx.Response) -> "Answer":
        return cls(response.status_code, {k.lower(): v for k, v in response.headers.items()}, response.content,
                   response.request.method, response.request.url.path)

    @property
    def media(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    def json(self) -> object:
        assert self.media == "application/json", f"not JSON: {self.headers.get('content-type')!r} {self.body[:200]!r}"
        return json.loads(self.body)


def parse_raw(data: bytes, method: str = "GET", path: str = "/") -> tuple[Answer, int] | None:
    """The first answer in bytes read from a socket, and how many bytes it took (None when nothing
    complete came back). Bodies come with Content-Length, chunked, or up to the end."""
    head, sep, rest = data.partition(b"\r\n\r\n")
    if not sep or not head.startswith(b"HTTP/1.1 "):
        return None
    lines = head.split(b"\r\n")
    status = int(lines[0].split(b" ")[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        headers[name.decode("latin-1").strip().lower()] = value.decode("latin-1").strip()
    used = len(head) + 4
    if headers.get("transfer-encoding", "").lower() == "chunked":
        body = b""
        while True:
            size_line, sep, rest = rest.partition(b"\r\n")
            if not sep:
                return None
            size = int(size_line.split(b";")[0], 16)
            body += rest[:size]
            rest = rest[size + 2:]
            used += len(size_line) + 2 + size + 2
            if size == 0:
                break
    elif "content-length" in headers:
        body = rest[:int(headers["content-length"])]
        used += len(body)
    else:
        body = rest
        used += len(body)
    return Answer(status, headers, body, method, path), used


# ---- shapes ----------------------------------------------------------------------------------------

def _binance(a: Answer) -> None:
    """{"code": negative int, "msg": text} for every error (section 1.4); -1000 is Binance's 'unknown error'."""
    if a.status < 400:
        a.json()
        return
    body = a.json()
    assert isinstance(body, dict) and set(body) == {"code", "msg"}, body
    assert type(body["code"]) is int and body["code"] < 0 and isinstance(body["msg"], str) and body["msg"], body
    assert body["code"] != -1000, f"Binance's internal 'unknown error': {body}"


BYBIT_KEYS = {"retCode", "retMsg", "result", "retExtInfo", "time"}


def _bybit(a: Answer) -> None:
    """Bybit answers nearly every error with HTTP 200 and a retCode != 0 in its envelope (section 2.3).
    Not JSON: a 401 without a body when the auth headers are missing (Bybit's own 401), and a plain
    413 text for a body over the limit (what Bybit's front end sends)."""
    if a.status == 401 and a.body == b"":
        return
    if a.status == 413:
        assert a.media == "text/plain" and a.body == b"Request Entity Too Large", a
        return
    body = a.json()
    assert isinstance(body, dict) and set(body) == BYBIT_KEYS, body
    assert type(body["retCode"]) is int and isinstance(body["retMsg"], str) and type(body["time"]) is int, body
    assert a.status in (200, 404), f"Bybit's envelope comes with 200 (or 404 for an unknown route): {a.status}"
    if a.status >= 400 or body["retCode"] != 0:
        assert body["retCode"] > 0 and body["retMsg"] and body["result"] == {}, body
    assert body["retCode"] != 10016, f"Bybit's 'Internal System Error': {body}"


def _okx(a: Answer) -> None:
    """{"code": numeric string, "msg": text, "data": [...]} (section 3.3); authentication errors (401)
    leave out "data". Trading answers add inTime/outTime, and a refused order is HTTP 200 with code "1"
    (all failed) or "2" (some failed) and each order's own sCode/sMsg in data. 50026 is OKX's system error."""
    body = a.json()
    assert isinstance(body, dict) and {"code", "msg"} <= set(body) <= {"code", "msg", "data", "inTime", "outTime"}, body
    assert isinstance(body["code"], str) and body["code"].isascii() and body["code"].isdigit(), body
    assert isinstance(body["msg"], str), body
    assert "data" in body or a.status == 401, body
    assert isinstance(body.get("data", []), list), body
    if a.status >= 400:
        assert body["code"] != "0" and body["msg"], body
    if body["code"] in ("1", "2"):
        results = [(item.get("sCode"), item.get("sMsg")) for item in body["data"]]
        assert results and all(isinstance(c, str) and c.isdigit() and isinstance(m, str) for c, m in results), body
        assert body["code"] == "2" or all(c != "0" and m for c, m in results), body
    assert body["code"] != "50026", f"OKX's 'System error': {body}"


KRAKEN_ERROR = re.compile(r"^[EW][A-Za-z]+:\S.*$")


def _kraken(a: Answer) -> None:
    """{"error": ["E<Category>:<message>", ...], "result": ...} (section 4.3). Kraken answers API errors
    with HTTP 200 and a non-empty error list; localnet's only 4xx are 404 outside /0/ and 413 for a body
    over the limit, in the same body. EGeneral:Internal error is Kraken's own failure."""
    body = a.json()
    assert isinstance(body, dict) and "error" in body and set(body) <= {"error", "result"}, body
    errors = body["error"]
    assert isinstance(errors, list) and all(isinstance(e, str) and KRAKEN_ERROR.match(e) for e in errors), body
    if a.status >= 400 or errors:
        assert errors and "result" not in body, body
        assert a.status in (200, 404, 413), a.status
    else:
        assert "result" in body, body
    assert "EGeneral:Internal error" not in errors, f"Kraken's internal error: {body}"


COINBASE_CODE = re.compile(r"^[A-Z][A-Z_]*$")
COINBASE_V2_ID = re.compile(r"^[a-z][a-z_]*$")


def _coinbase(a: Answer) -> None:
    """Section 5.3 and coinbase/errors.py: any authentication failure is a plain-text 401
    "Unauthorized"; Advanced Trade errors are {"error", "error_details", "message"}; the /v2 API's are
    {"errors": [{"id", "message"}]}. INTERNAL / internal_server_error are Coinbase's own failures."""
    if a.status == 401:
        assert a.media == "text/plain" and a.body == b"Unauthorized\n", a
        return
    if a.status < 400:
        a.json()
        return
    body = a.json()
    if a.path.startswith("/v2/"):
        assert isinstance(body, dict) and set(body) == {"errors"} and len(body["errors"]) == 1, body
        item = body["errors"][0]
        assert set(item) == {"id", "message"} and COINBASE_V2_ID.match(item["id"]), body
        assert isinstance(item["message"], str) and item["message"], body
        assert item["id"] != "internal_server_error", body
        return
    assert isinstance(body, dict) and set(body) == {"error", "error_details", "message"}, body
    assert isinstance(body["error"], str) and COINBASE_CODE.match(body["error"]), body
    assert isinstance(body["message"], str) and body["message"] and isinstance(body["error_details"], str), body
    assert body["error"] != "INTERNAL", body


MANAGE_ERROR = re.compile(r"^[a-z][a-z_]*$")


def _manage(a: Answer) -> None:
    """The key-management page: every error is {"error": snake_case code, "message": sentence} in JSON,
    with its security headers; 'internal_error' is its own failure."""
    assert a.headers.get("x-content-type-options") == "nosniff", a.headers
    assert a.headers.get("cache-control") == "no-store", a.headers
    if a.status < 400:
        return
    body = a.json()
    assert isinstance(body, dict) and set(body) == {"error", "message"}, body
    assert MANAGE_ERROR.match(body["error"]) and isinstance(body["message"], str) and body["message"], body
    assert body["error"] != "internal_error", body


SHAPES: dict[str, Callable[[Answer], None]] = {
    "binance": _binance, "bybit": _bybit, "okx": _okx, "kraken": _kraken, "coinbase": _coinbase, "manage": _manage,
}


def check_answer(port: str, a: Answer, transport_ok: bool = False) -> None:
    """Raise AssertionError unless `a` is an answer this port's real counterpart could give.

    `transport_ok` also accepts uvicorn's own 400 for bytes that are not valid HTTP (raw sockets only).
    """
    assert 100 <= a.status < 500, f"{port}: HTTP {a.status} for {a.method} {a.path}: {a.body[:300]!r}"
    assert not STACK_TRACE.search(a.body), f"{port}: a stack trace in the answer: {a.body[:500]!r}"
    if transport_ok and a.status == 400 and a.body == TRANSPORT_400:
        return
    if a.method == "HEAD":
        assert a.body == b"", a.body[:100]
        return
    try:
        SHAPES[port](a)
    except AssertionError as exc:
        raise AssertionError(f"{port}: {a.method} {a.path} -> {a.status}: {exc}") from None


# ---- hostile pieces --------------------------------------------------------------------------------

# Numbers as text, the way they reach a parser (query, form or JSON string values).
HOSTILE_NUMBERS = (
    "NaN", "nan", "-NaN", "Infinity", "-Infinity", "inf", "-inf", "-0", "-0.0", "0", "-1", "1e999", "-1e999",
    "1e-999", "1E5", "0x10", "1_000", "+1", "--1", ".", "1.", ".5", "1,5", " 1", "1 ", "00000000000000000001",
    "9223372036854775807", "9223372036854775808", "-9223372036854775809", "18446744073709551616",
    "9" * 40, "9" * 400, "9" * 5000, "0." + "0" * 30 + "1", "1" + "0" * 30 + ".5",
    "\u0661\u0662\u0663", "\uff11\uff12", "\u00b2", "1\u00a0", "true", "null", "[]", "{}", "",
)
# Raw (already "encoded") fragments for query strings and form bodies: bad percent-encoding,
# percent-encoded invalid UTF-8, NUL, separators.
RAW_FRAGMENTS = (
    "%", "%z", "%0", "%zz", "%ff", "%fe%ff", "%c3%28", "%ed%a0%80", "%f4%90%80%80", "%c0%af", "%00", "%25",
    "%2", "&", "=", "==", "&&", ";", "+", "%2B", "%26", "%3D", "%0d%0a", "%u0041",
)
PARAM_NAMES = {
    "binance": ("symbol", "symbols", "side", "type", "timeInForce", "quantity", "quoteOrderQty", "price",
                "newClientOrderId", "orderId", "origClientOrderId", "limit", "startTime", "endTime", "fromId",
                "recvWindow", "timestamp", "signature", "coin", "address", "amount", "permissions",
                "newOrderRespType", "computeCommissionRates", "omitZeroBalances", "selfTradePreventionMode"),
    "bybit": ("category", "symbol", "side", "orderType", "qty", "price", "timeInForce", "orderLinkId", "orderId",
              "limit", "cursor", "coin", "accountType", "address", "amount", "chain", "marketUnit", "openOnly",
              "orderStatus", "status", "timestamp"),
    "okx": ("instId", "instType", "tdMode", "side", "ordType", "sz", "px", "clOrdId", "ordId", "ccy", "amt",
            "toAddr", "chain", "dest", "lever", "mgnMode", "limit", "after", "before", "state", "tgtCcy"),
    "kraken": ("pair", "type", "ordertype", "volume", "price", "txid", "cl_ord_id", "userref", "validate",
               "oflags", "timeinforce", "asset", "key", "amount", "trades", "start", "end", "ofs", "nonce",
               "count", "info"),
    "coinbase": ("product_id", "product_ids", "limit", "cursor", "order_status", "order_ids", "client_order_id",
                 "side", "order_configuration", "base_size", "quote_size", "limit_price", "product_type",
                 "currency", "amount", "type", "to", "order_id", "start_date", "end_date", "post_only"),
    "manage": ("exchange", "label", "permissions", "ips", "type", "public_key_pem", "passphrase", "key", "limit"),
}
# Values a parser should know, so that the fuzz sometimes gets far (a real symbol with a NaN price).
GOOD_VALUES = ("BTCUSDT", "BTC-USDT", "BTC-USD", "XBTUSD", "XXBTZUSD", "ETHBTC", "spot", "SPOT", "Buy", "BUY",
               "buy", "sell", "LIMIT", "Limit", "limit", "MARKET", "market", "GTC", "IOC", "cash", "0.001", "50000",
               "1", "10", "100", "BTC", "USDT", "USD", "ETH", "binance", "okx", "kraken", "read", "trade",
               "withdraw", "hmac", "ed25519", "true", "false", "FULL", "UNIFIED")
CONTENT_TYPES = (
    None, "application/json", "application/x-www-form-urlencoded", "text/plain", "application/JSON",
    "application/json; charset=utf-16", "application/json; charset=latin-1", "application/json;;;",
    "application/x-www-form-urlencoded; charset=iso-8859-1", "multipart/form-data; boundary=x", "*/*", ";", "",
    "application/xml", "application/json, text/plain", "\u00ff\u00fe/json",
)
HEADER_NAMES = (
    "X-Fuzz", "X-MBX-APIKEY", "X-BAPI-API-KEY", "X-BAPI-SIGN", "X-BAPI-TIMESTAMP", "X-BAPI-RECV-WINDOW",
    "X-BAPI-SIGN-TYPE", "OK-ACCESS-KEY", "OK-ACCESS-SIGN", "OK-ACCESS-TIMESTAMP", "OK-ACCESS-PASSPHRASE",
    "x-simulated-trading", "API-Key", "API-Sign", "Authorization", "Cookie", "Origin", "X-CSRF-Token",
    "X-Forwarded-For", "X-Real-IP", "Forwarded", "Sec-Fetch-Site", "Accept", "Accept-Encoding", "Expect",
    "Connection", "Referer", "User-Agent",
)
WRONG_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD", "TRACE", "FOO")


@dataclass(frozen=True)
class Request:
    """A request to send: method, target (path and raw query), body, headers."""

    method: str
    path: str
    query: str = ""
    body: bytes = b""
    headers: dict[str, str | bytes] = field(default_factory=dict)

    @property
    def target(self) -> str:
        return f"{self.path}?{self.query}" if self.query else self.path


def encode(text: str) -> str:
    """Percent-encode every byte of the UTF-8 text that is not unreserved."""
    return quote(text, safe="")


def hostile_texts() -> st.SearchStrategy[str]:
    """A parameter value: a hostile number, a value the parser knows, or arbitrary Unicode."""
    return st.one_of(
        st.sampled_from(HOSTILE_NUMBERS),
        st.sampled_from(GOOD_VALUES),
        st.text(max_size=40),
        st.integers(min_value=-2**70, max_value=2**70).map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
        st.sampled_from(("x" * 300, "\u4e2d" * 100, "\ud7ff\ue000", "\u202e\u200b", "\x00", "\r\n", "<script>")),
    )


def names(port: str) -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(PARAM_NAMES[port]), st.text(max_size=12))


@st.composite
def raw_pairs(draw, port: str) -> str:
    """A query string or form body, mostly well formed, with hostile values, duplicates and bad escapes."""
    pairs = draw(st.lists(st.tuples(names(port), hostile_texts()), max_size=6))
    parts = [f"{encode(k)}={encode(v)}" for k, v in pairs]
    if parts and draw(st.integers(0, 3)) == 0:
        parts.append(draw(st.sampled_from(parts)))  # a duplicate parameter
    for _ in range(draw(st.sampled_from((0, 0, 1, 2)))):  # bad escapes, stray separators
        fragment = draw(st.sampled_from(RAW_FRAGMENTS))
        name = encode(draw(names(port)))
        part = draw(st.sampled_from((fragment, f"{fragment}=1", f"{name}={fragment}")))
        parts.insert(draw(st.integers(0, len(parts))), part)
    return "&".join(parts)


JSON_LITERALS = (
    "NaN", "Infinity", "-Infinity", "-0", "1e999", "-1e999", "1e-999", "9" * 5000, "-9223372036854775809",
    "18446744073709551616", "0.1e1", "true", "null", "[]", "{}", '""', '"\\ud800"', '"\\u0000"', '"\\uDFFF\\uD800"',
    '[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]', '{"a":{"a":{"a":{"a":1}}}}',
)


def json_value(port: str) -> st.SearchStrategy[str]:
    """A JSON value as text: a hostile literal, a string, or a nested mix."""
    scalar = st.one_of(st.sampled_from(JSON_LITERALS), hostile_texts().map(json.dumps),
                       st.sampled_from(HOSTILE_NUMBERS).filter(lambda t: t and t[0] in "-0123456789"))
    return st.recursive(scalar, lambda inner: st.one_of(
        st.lists(inner, max_size=3).map(lambda xs: "[" + ",".join(xs) + "]"),
        st.lists(st.tuples(names(port), inner), max_size=3).map(
            lambda kv: "{" + ",".join(f"{json.dumps(k)}:{v}" for k, v in kv) + "}")), max_leaves=6)


@st.composite
def json_object_text(draw, port: str) -> str:
    """A JSON object, usually with some names known to the port, sometimes with duplicate names."""
    pairs = draw(st.lists(st.tuples(names(port), json_value(port)), max_size=6))
    if pairs and draw(st.integers(0, 3)) == 0:
        pairs.append((draw(st.sampled_from(pairs))[0], draw(json_value(port))))  # duplicate key
    return "{" + ",".join(f"{json.dumps(k)}:{v}" for k, v in pairs) + "}"


def deep_nesting(depth: int, kind: str) -> bytes:
    """Nesting far deeper than any parser recursion limit; `kind` '[' or '{'."""
    if kind == "[":
        return b"[" * depth + b"]" * depth
    return b'{"a":' * depth + b"1" + b"}" * depth


def bodies(port: str) -> st.SearchStrategy[bytes]:
    """A request body: empty, form, JSON (valid or not), deep nesting, arbitrary or mis-encoded bytes."""
    return st.one_of(
        st.just(b""),
        raw_pairs(port).map(str.encode),
        json_object_text(port).map(lambda t: t.encode("utf-8", "surrogatepass")),
        json_value(port).map(lambda t: t.encode("utf-8", "surrogatepass")),
        st.sampled_from((b"{", b"{}}", b"{'a': 1}", b'{"a":1,}', b'{"a" 1}', b"\xef\xbb\xbf{}", b'{"a":"\xff\xfe"}',
                         "{}".encode("utf-16"), b"\x00" * 16, b"[]", b"null", b" ", b'{"a":1}garbage')),
        st.tuples(st.sampled_from((1_000, 10_000, 40_000)), st.sampled_from("[{")).map(lambda t: deep_nesting(*t)),
        st.binary(max_size=200),
    )


def obs_text(raw: bytes) -> bytes:
    """`raw` with every byte a header value may not hold (controls, space, DEL) moved to 0x80-0xff."""
    return bytes(c if c > 0x20 and c != 0x7F else 0x80 | c for c in raw)


def header_values() -> st.SearchStrategy[str | bytes]:
    """Header values httpx can still send: text, high bytes (obs-text), long, signature-like junk."""
    printable = st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), max_size=60)
    return st.one_of(
        printable,
        st.sampled_from(HOSTILE_NUMBERS).filter(lambda t: t.isascii() and t.strip() == t and t),
        st.binary(min_size=1, max_size=30).map(obs_text),
        st.sampled_from(("Bearer", "Bearer a.b.c", "Bearer " + "e" * 2000, "Basic Og==", "x" * 2000,
                         "1.2.3.4", "127.0.0.1", "::1", "same-origin", "cross-site", "http://evil.example",
                         "localnet_manage_csrf_0=a.b", "100-continue", "close", "gzip, br, zstd")),
    )


def headers() -> st.SearchStrategy[dict[str, str | bytes]]:
    return st.dictionaries(st.sampled_from(HEADER_NAMES), header_values(), max_size=3)


def path_variants(path: str) -> st.SearchStrategy[str]:
    """Path tricks around a real route: case, slashes, dot segments (encoded: httpx removes plain ones),
    NUL, bad escapes, a very long path, extra segments."""
    head, _, last = path.rpartition("/")
    return st.one_of(
        st.just(path),
        st.sampled_from((
            path + "/", path.upper(), path.lower(), path.swapcase(), "/" + path, path.replace("/", "//"),
            f"{head}/%2e%2e/{last}", f"{head}/%2E%2E%2F{last}", f"{head}/.%2e/.%2e/etc/passwd", path + "%00",
            path + "%2F", path + "%ff", path + "%c0%af", f"{head}/%{last}", path + ";jsessionid=1", path + "%20",
            path + "/" + "a" * 4000, "/" + "%2e%2e/" * 50 + last, path.replace("/", "%2F"), path + "#frag",
            path + "/\u00e9", path + "/%", "/*", "/", "",
        )),
        st.text(max_size=20).map(lambda t: f"{path}/{encode(t)}"),
    )


@st.composite
def requests(draw, port: str, routes: list[tuple[str, str]]) -> Request:
    """One hostile request at this port's routes: any method, path tricks, hostile query, body, headers."""
    method, path = draw(st.sampled_from(routes))
    if draw(st.integers(0, 3)) == 0:
        method = draw(st.sampled_from(WRONG_METHODS))
    path = draw(path_variants(path))
    if not path.startswith("/"):
        path = "/" + path
    query = draw(raw_pairs(port))
    body = draw(bodies(port)) if method not in ("GET", "HEAD") or draw(st.integers(0, 4)) == 0 else b""
    extra = draw(headers())
    media = draw(st.sampled_from(CONTENT_TYPES))
    if media is not None:
        extra["Content-Type"] = media.encode("latin-1")
    return fit(Request(method, path, query, body, extra))


def head_size(r: Request) -> int:
    """Bytes of the request line and headers (near enough: what the 16 KB head limit counts)."""
    return len(r.method) + len(r.target) + sum(len(k) + len(v) + 4 for k, v in r.headers.items()) + 200


def fit(r: Request, limit: int = 12 * 1024) -> Request:
    """Keep a generated request's head well under the server's 16 KB limit (test_limits goes over it
    on purpose): the property fuzz is about what the exchanges make of the request, not its size."""
    if head_size(r) > limit:
        r = replace(r, headers={k: v for k, v in r.headers.items() if len(v) < 100})
    if head_size(r) > limit:
        r = replace(r, query=r.query[:max(0, limit - head_size(replace(r, query="")))])
    return r


# A valid request per endpoint (per method where one path has several), which the signed fuzz then
# breaks one to three parameters at a time: that is how hostile values get past the first check and
# into the trading and funding code.
ORDER = {
    "binance": {"symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", "timeInForce": "GTC", "quantity": "0.01",
                "price": "50000"},
    "bybit": {"category": "spot", "symbol": "BTCUSDT", "side": "Buy", "orderType": "Limit", "qty": "0.01",
              "price": "50000"},
    "okx": {"instId": "BTC-USDT", "tdMode": "cash", "side": "buy", "ordType": "limit", "sz": "0.01", "px": "50000"},
    "kraken": {"pair": "XBTUSD", "type": "buy", "ordertype": "limit", "volume": "0.01", "price": "50000"},
}
VALID = {
    ("binance", "/api/v3/order"): ORDER["binance"],
    ("binance", "/api/v3/order", "GET"): {"symbol": "BTCUSDT", "orderId": "1"},
    ("binance", "/api/v3/order", "DELETE"): {"symbol": "BTCUSDT", "orderId": "1"},
    ("binance", "/api/v3/order/test"): ORDER["binance"],
    ("binance", "/api/v3/openOrders"): {"symbol": "BTCUSDT"},
    ("binance", "/api/v3/allOrders"): {"symbol": "BTCUSDT", "limit": "10", "orderId": "1"},
    ("binance", "/api/v3/myTrades"): {"symbol": "BTCUSDT", "limit": "10", "fromId": "1"},
    ("binance", "/sapi/v1/capital/withdraw/apply"): {"coin": "USDT", "address": "0xabc", "amount": "1"},
    ("bybit", "/v5/order/create"): ORDER["bybit"],
    ("bybit", "/v5/order/cancel"): {"category": "spot", "symbol": "BTCUSDT", "orderId": "1"},
    ("bybit", "/v5/order/realtime"): {"category": "spot", "symbol": "BTCUSDT", "limit": "10"},
    ("bybit", "/v5/order/history"): {"category": "spot", "limit": "10"},
    ("bybit", "/v5/execution/list"): {"category": "spot", "limit": "10"},
    ("bybit", "/v5/account/wallet-balance"): {"accountType": "UNIFIED", "coin": "BTC"},
    ("bybit", "/v5/asset/withdraw/create"): {"coin": "USDT", "chain": "ETH", "address": "0xabc", "amount": "1",
                                             "timestamp": "1700000000000", "accountType": "FUND"},
    ("okx", "/api/v5/trade/order"): ORDER["okx"],
    ("okx", "/api/v5/trade/cancel-order"): {"instId": "BTC-USDT", "ordId": "1"},
    ("okx", "/api/v5/trade/orders-pending"): {"instType": "SPOT", "limit": "10"},
    ("okx", "/api/v5/trade/fills"): {"instType": "SPOT", "limit": "10"},
    ("okx", "/api/v5/account/set-leverage"): {"instId": "BTC-USDT", "lever": "5", "mgnMode": "cross"},
    ("okx", "/api/v5/asset/withdrawal"): {"ccy": "USDT", "amt": "1", "dest": "4", "toAddr": "0xabc",
                                          "chain": "USDT-ERC20"},
    ("kraken", "/0/private/AddOrder"): ORDER["kraken"],
    ("kraken", "/0/private/CancelOrder"): {"txid": "OABCDE-FGHIJ-KLMNOP"},
    ("kraken", "/0/private/QueryOrders"): {"txid": "OABCDE-FGHIJ-KLMNOP", "trades": "true"},
    ("kraken", "/0/private/ClosedOrders"): {"start": "0", "ofs": "0"},
    ("kraken", "/0/private/Withdraw"): {"asset": "XBT", "key": "my-wallet", "amount": "0.01"},
    ("coinbase", "/api/v3/brokerage/orders"): {
        "client_order_id": "fuzz-1", "product_id": "BTC-USD", "side": "BUY",
        "order_configuration": {"limit_limit_gtc": {"base_size": "0.01", "limit_price": "50000"}}},
    ("coinbase", "/api/v3/brokerage/orders/batch_cancel"): {"order_ids": ["11111111-1111-4111-8111-111111111111"]},
    ("coinbase", "/api/v3/brokerage/orders/historical/batch"): {"product_id": "BTC-USD", "order_status": "OPEN",
                                                               "limit": "10"},
    ("coinbase", "/api/v3/brokerage/orders/historical/fills"): {"product_id": "BTC-USD", "limit": "10"},
    ("coinbase", "/v2/accounts/{account}/transactions"): {"type": "send", "to": "0xabc", "amount": "0.01",
                                                          "currency": "BTC"},
    ("binance", "/api/v3/account"): {"omitZeroBalances": "true"},
    ("bybit", "/v5/asset/coin/query-info"): {"coin": "BTC"},
    ("okx", "/api/v5/trade/order", "GET"): {"instId": "BTC-USDT", "ordId": "1"},
    ("okx", "/api/v5/trade/orders-history"): {"instType": "SPOT", "limit": "10"},
    ("okx", "/api/v5/trade/fills-history"): {"instType": "SPOT", "limit": "10"},
    ("okx", "/api/v5/account/balance"): {"ccy": "BTC"},
    ("okx", "/api/v5/asset/balances"): {"ccy": "BTC"},
    ("kraken", "/0/private/TradesHistory"): {"start": "0", "end": "1900000000", "ofs": "0"},
    ("kraken", "/0/private/OpenOrders"): {"trades": "true"},
    ("coinbase", "/api/v3/brokerage/products"): {"limit": "10", "product_type": "SPOT"},
    ("coinbase", "/api/v3/brokerage/product_book"): {"product_id": "BTC-USD", "limit": "5"},
    ("coinbase", "/api/v3/brokerage/best_bid_ask"): {"product_ids": "BTC-USD"},
    ("coinbase", "/api/v3/brokerage/accounts"): {"limit": "10"},
    ("coinbase", "/api/v3/brokerage/transaction_summary"): {"product_type": "SPOT"},
    ("manage", "/api/keys", "GET"): {"exchange": "binance"},
    ("manage", "/api/keys"): {"exchange": "binance", "label": "fuzz", "permissions": ["read"], "ips": [],
                              "type": "hmac"},
    ("manage", "/api/activity"): {"key": "1", "limit": "10"},
}


# JSON nested deeper than Python's parser can recurse, small enough for a query string.
DEEP = ("[" * 3000, '{"a":' * 1500, "[" * 3000 + "]" * 3000)


@dataclass(frozen=True)
class Raw:
    """Text placed into a query, form or JSON body exactly as it is (a bad escape, a NaN literal)."""

    text: str


def hostile_values() -> st.SearchStrategy[object]:
    """What replaces a good value: hostile text, huge or negative integers, floats, a raw literal or
    fragment, null, booleans, a list or an object where a string belongs."""
    return st.one_of(
        hostile_texts(),
        st.integers(min_value=-2**80, max_value=2**80),
        st.sampled_from(JSON_LITERALS + RAW_FRAGMENTS).map(Raw),
        st.sampled_from((None, True, False, [], {}, ["BTCUSDT"], {"a": "b"}, [[[]]])),
        st.sampled_from(DEEP).map(Raw),
    )


@st.composite
def mutated(draw, port: str, base: dict) -> list[tuple[str, object]]:
    """`base` with one to three parameters changed, dropped, added, duplicated or renamed."""
    pairs = list(base.items())
    for _ in range(draw(st.integers(1, 3))):
        op = draw(st.sampled_from(("value",) * 5 + ("drop", "add", "dup", "rename")))
        if not pairs:
            op = "add"
        i = draw(st.integers(0, max(0, len(pairs) - 1)))
        if op == "value":
            name, old = pairs[i]
            if isinstance(old, dict) and old and draw(st.booleans()):
                pairs[i] = (name, dict(draw(mutated(port, old))))  # break something inside (order_configuration)
            else:
                pairs[i] = (name, draw(hostile_values()))
        elif op == "drop":
            pairs.pop(i)
        elif op == "add":
            pairs.append((draw(names(port)), draw(hostile_values())))
        elif op == "dup":
            pairs.append((pairs[i][0], draw(st.one_of(st.just(pairs[i][1]), hostile_values()))))
        else:
            name, value = pairs[i]
            pairs[i] = (draw(st.sampled_from((name.upper(), name.lower(), name + " ", " " + name, name + "[]"))), value)
    return pairs


def as_text(value: object) -> str:
    """A value as a form or query parameter: text as is, anything else as JSON."""
    return value if isinstance(value, str) else render_json(value)


def render_form(pairs: list[tuple[str, object]]) -> str:
    return "&".join(encode(k) + "=" + (v.text if isinstance(v, Raw) else encode(as_text(v))) for k, v in pairs)


def render_json(value: object) -> str:
    """JSON text, duplicates kept (pairs are a list), Raw values spliced in as they are."""
    if isinstance(value, Raw):
        return value.text
    if isinstance(value, list) and value and all(isinstance(p, tuple) and len(p) == 2 for p in value):
        return "{" + ",".join(f"{json.dumps(k)}:{render_json(v)}" for k, v in value) + "}"
    if isinstance(value, dict):
        return render_json(list(value.items())) if value else "{}"
    if isinstance(value, list):
        return "[" + ",".join(render_json(v) for v in value) + "]"
    return json.dumps(value)


@st.composite
def signed_requests(draw, port: str, routes: list[tuple[str, str]]) -> Request:
    """A request to a real route with the right method (mostly), carrying hostile parameters where the
    exchange reads them: the query string, or the body (a form for Binance and Kraken, else JSON).
    Endpoints in VALID start from a good request with a few parameters broken. The caller signs it."""
    method, path = draw(st.sampled_from(routes))
    template = re.sub(r"/v2/accounts/[^/]+/transactions$", "/v2/accounts/{account}/transactions", path)
    base = VALID.get((port, template, method), VALID.get((port, template)))
    pairs = draw(mutated(port, base)) if base is not None and draw(st.integers(0, 4)) else None
    if draw(st.integers(0, 9)) == 0:
        path = draw(path_variants(path))
        path = path if path.startswith("/") else "/" + path
    query, body = "", b""
    in_query = method in ("GET", "DELETE") or (port == "binance" and draw(st.booleans()))
    if pairs is None:
        if in_query or draw(st.integers(0, 3)) == 0:
            query = draw(raw_pairs(port))
        if not in_query:
            kind = draw(st.sampled_from(("form", "json", "any")))
            if kind == "any":
                body = draw(bodies(port))
            elif kind == "form" and port in ("binance", "kraken"):
                body = draw(raw_pairs(port)).encode()
            else:
                body = draw(json_object_text(port)).encode("utf-8", "surrogatepass")
    elif in_query:
        query = render_form(pairs)
    elif port in ("binance", "kraken") and draw(st.integers(0, 3)):
        body = render_form(pairs).encode()
    else:
        body = render_json(pairs).encode("utf-8", "surrogatepass")
    extra = draw(headers()) if draw(st.integers(0, 4)) == 0 else {}
    if draw(st.integers(0, 6)) == 0:
        media = draw(st.sampled_from(CONTENT_TYPES))
        if media is not None:
            extra["Content-Type"] = media.encode("latin-1")
    return fit(Request(method, path, query, body, extra))


# ---- signed hostile requests -----------------------------------------------------------------------

def _now_ms() -> int:
    return int(time.time() * 1000)


def content_type(r: Request) -> str:
    """The media type the request names (lower case, no parameters)."""
    value = next((v for k, v in r.headers.items() if k.lower() == "content-type"), "")
    value = value.decode("latin-1") if isinstance(value, bytes) else value
    return value.split(";")[0].strip().lower()


def sign_binance(key: dict, r: Request) -> Request:
    """Binance signs the raw query string, then the raw body when it reads the body (a form, or no
    content type, on a method other than GET): HMAC-SHA256 in hex."""
    stamp = f"timestamp={_now_ms()}"
    query = f"{r.query}&{stamp}" if r.query else stamp
    body_read = r.method != "GET" and content_type(r) in ("", "application/x-www-form-urlencoded")
    signature = support.hmac_hex(key["secret"], query.encode() + (r.body if body_read else b""))
    return replace(r, query=f"{query}&signature={signature}", headers={**r.headers, "X-MBX-APIKEY": key["api_key"]})


def sign_bybit(key: dict, r: Request) -> Request:
    """Bybit signs timestamp + key + recv window + (raw query for GET | raw body otherwise)."""
    stamp, window = str(_now_ms()), "5000"
    payload = r.query.encode() if r.method == "GET" else r.body
    signature = support.hmac_hex(key["secret"], (stamp + key["api_key"] + window).encode() + payload)
    headers = {"Content-Type": "application/json", **r.headers, "X-BAPI-API-KEY": key["api_key"],
               "X-BAPI-TIMESTAMP": stamp, "X-BAPI-RECV-WINDOW": window, "X-BAPI-SIGN": signature}
    return replace(r, headers=headers)


def sign_okx(key: dict, r: Request) -> Request:
    """OKX signs timestamp + METHOD + path?query + body text (its recipe takes text: the body is UTF-8)."""
    text = r.body.decode("utf-8", "replace")
    auth = okx_recipe.auth_headers(key["api_key"], key["secret"], key["passphrase"], r.method, r.target, text)
    media = auth.pop("Content-Type")
    return replace(r, body=text.encode("utf-8"), headers={"Content-Type": media, **r.headers, **auth})


def sign_kraken(key: dict, r: Request) -> Request:
    """Kraken signs the path and SHA-256(nonce + body); the nonce travels inside the (hostile) body,
    a JSON object when the body looks like one, else a form."""
    nonce = kraken_support.next_nonce()
    text = r.body.decode("utf-8", "replace")
    inner = text.strip()
    if inner.startswith("{"):
        rest = inner[1:] if inner[1:].strip() not in ("}", "") else "}"
        body = f'{{"nonce":"{nonce}"' + ("," + rest if rest != "}" else "}")
        media = "application/json"
    else:
        body = f"nonce={nonce}&{text}" if text else f"nonce={nonce}"
        media = "application/x-www-form-urlencoded"
    headers = {"Content-Type": media, **r.headers, kraken_recipe.API_KEY_HEADER: key["api_key"],
               kraken_recipe.SIGNATURE_HEADER: kraken_recipe.sign(key["secret"], r.path, nonce, body)}
    return replace(r, method="POST", body=body.encode("utf-8"), headers=headers)


def sign_coinbase(client: Coinbase, r: Request) -> Request:
    """Coinbase's JWT names the method, host and path; query and body are not signed."""
    token = client.token(r.method, r.path)
    return replace(r, headers={"Content-Type": "application/json", **r.headers, "Authorization": f"Bearer {token}"})

