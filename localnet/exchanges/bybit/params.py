"""Request parameters: the query string of a GET, the JSON body of a POST, read after verification."""

from __future__ import annotations

import re
from decimal import Decimal

from localnet.core.http import Call, form_dict, json_object, positive_decimal
from localnet.exchanges.bybit import errors

INTEGER_RE = re.compile(r"^[+-]?[0-9]{1,19}$")  # what Go's strconv.ParseInt accepts for int64
INT64_MAX = 2**63 - 1


def read(call: Call) -> dict[str, object]:
    """The request's parameters; 10001 for a query or body Bybit could not read."""
    try:
        if call.method == "GET":
            return dict(form_dict(call.query))
        return json_object(call.body)
    except (ValueError, UnicodeDecodeError):
        raise errors.params() from None


def parse_int64(text: str) -> int | None:
    """A whole number that fits in a signed 64-bit integer, or None."""
    if not INTEGER_RE.match(text):
        return None
    value = int(text)
    return value if -INT64_MAX - 1 <= value <= INT64_MAX else None


def text(values: dict[str, object], name: str) -> str | None:
    """A string parameter; numbers in a JSON body are read as their text. None when absent or empty."""
    value = values.get(name)
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, str)):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    raise errors.params()


def amount(values: dict[str, object], name: str) -> Decimal | None:
    """A decimal amount such as "0.001"; 170130 for anything else (exponents, NaN, junk)."""
    raw = text(values, name)
    if raw is None:
        return None
    try:
        return positive_decimal(raw)
    except ValueError:
        raise errors.spot_invalid(name) from None


def integer(values: dict[str, object], name: str, low: int, high: int, default: int) -> int:
    """A bounded integer such as `limit`; 10001 when out of range or not a number."""
    raw = text(values, name)
    if raw is None:
        return default
    number = parse_int64(raw)
    if number is None or not low <= number <= high:
        raise errors.params(f"params error: {name} invalid")
    return number


def category(values: dict[str, object]) -> str:
    """Every v5 market and trade endpoint names a product category; localnet trades only spot."""
    name = text(values, "category")
    if name not in ("spot", "linear", "inverse", "option"):
        raise errors.illegal_category()
    return name
