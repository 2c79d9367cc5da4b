"""Read Binance request parameters from the raw bytes received, and the exact payload that was signed."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import unquote_to_bytes

from localnet.exchanges.binance import errors

MAX_PARAMS = 64
MAX_BODY = 64 * 1024
INT64_MAX = 2**63 - 1
DECIMAL_RE = re.compile(errors.DECIMAL_RANGE)
INTEGER_RE = re.compile(r"^[0-9]{1,20}$")
RECV_WINDOW_RANGE = r"^([0-9]{1,20})(\.[0-9]{1,3})?$"
RECV_WINDOW_RE = re.compile(RECV_WINDOW_RANGE)
SIGNATURE = b"signature"


@dataclass(frozen=True)
class Params:
    """The request's parameters (query string wins over body) and what the client signed."""

    values: dict[str, str]
    payload: bytes  # raw query string + raw body, each without its signature=... pair
    signature: str | None


def _decode(raw: bytes) -> str:
    try:
        return unquote_to_bytes(raw.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError:
        raise errors.illegal_chars() from None


def _parse(raw: bytes) -> tuple[dict[str, str], bytes]:
    """(parameters, the same bytes without any signature pair)."""
    values: dict[str, str] = {}
    kept = []
    for part in raw.split(b"&"):
        if not part:
            kept.append(part)
            continue
        raw_key, _, raw_value = part.partition(b"=")
        key = _decode(raw_key)
        if key in values:
            raise errors.duplicate_param()
        values[key] = _decode(raw_value)
        if key != "signature":
            kept.append(part)
        if len(values) > MAX_PARAMS:
            raise errors.BinanceError(400, -1101, "Too many parameters sent for this endpoint.")
    return values, b"&".join(kept)


def read(query: bytes, body: bytes, content_type: str | None) -> Params:
    """Parse the raw query string and (form) body as sent.

    The body counts only when it is form-encoded (or has no content type): Binance reads its
    parameters from the query string and from `application/x-www-form-urlencoded` bodies.
    """
    if len(body) > MAX_BODY:
        raise errors.BinanceError(400, -1101, "Too many parameters sent for this endpoint.")
    media = (content_type or "").split(";")[0].strip().lower()
    if media not in ("", "application/x-www-form-urlencoded"):
        body = b""
    query_values, query_payload = _parse(query)
    body_values, body_payload = _parse(body)
    values = {**body_values, **query_values}
    signature = values.get("signature")
    return Params(values=values, payload=query_payload + body_payload, signature=signature)


def check_known(params: Params, allowed: set[str]) -> None:
    """-1104 when the request carries parameters this endpoint does not read."""
    sent = len(params.values)
    read_ = sum(1 for name in params.values if name in allowed)
    if read_ != sent:
        raise errors.unread(read_, sent)


def text(params: Params, name: str, required: bool = False) -> str | None:
    value = params.values.get(name)
    if value is None or value == "":
        if required:
            raise errors.mandatory(name)
        if value == "":
            raise errors.empty(name)
        return None
    return value


def decimal(params: Params, name: str, required: bool = False) -> Decimal | None:
    value = text(params, name, required)
    if value is None:
        return None
    if not DECIMAL_RE.match(value):
        raise errors.illegal_chars(name, errors.DECIMAL_RANGE)
    return Decimal(value)


def integer(params: Params, name: str, required: bool = False) -> int | None:
    value = text(params, name, required)
    if value is None:
        return None
    if not INTEGER_RE.match(value):
        raise errors.illegal_chars(name, INTEGER_RE.pattern)
    number = int(value)
    if number > INT64_MAX:
        raise errors.overflow(name)
    return number


def timestamp_us(params: Params) -> int:
    """`timestamp` in microseconds; 16 or more digits are read as microseconds, fewer as milliseconds."""
    value = params.values.get("timestamp")
    if not value or not INTEGER_RE.match(value) or int(value) > INT64_MAX:
        raise errors.mandatory("timestamp")
    number = int(value)
    return number if len(value.lstrip("0")) >= 16 else number * 1000


def recv_window_us(params: Params) -> int:
    """`recvWindow` (milliseconds, up to 3 decimals; default 5000, max 60000) in microseconds."""
    value = params.values.get("recvWindow")
    if value is None:
        return 5_000_000
    if value == "":
        raise errors.empty("recvWindow")
    if not RECV_WINDOW_RE.match(value):
        raise errors.illegal_chars("recvWindow", RECV_WINDOW_RANGE)
    window = Decimal(value)
    if window > 60000:
        raise errors.too_large("recvWindow", "60000")
    return int(window * 1000)
