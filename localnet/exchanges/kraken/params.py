"""Request parameters: a form-encoded or JSON body (private calls) or the query string (public ones).

Values are kept as the text that was sent: JSON numbers are not turned into floats, so
{"nonce": 1616492376594, "volume": 1.25} reads back as "1616492376594" and "1.25".
"""

from __future__ import annotations

import json
from decimal import Decimal

from localnet.core.http import Call, form_dict, positive_decimal
from localnet.exchanges.kraken import errors


def _reject_constant(name: str) -> object:
    raise ValueError(f"{name} is not a number")


def _text(value: object) -> object:
    """JSON scalars as text (true -> "true"); objects and lists stay as they are."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    return value


def parse_json(raw: bytes) -> dict[str, object]:
    """A JSON object body, numbers kept as their literal text; ValueError for anything else."""
    if not raw.strip():
        return {}
    value = json.loads(raw.decode("utf-8"), parse_float=str, parse_int=str, parse_constant=_reject_constant)
    if not isinstance(value, dict):
        raise ValueError("the body must be a JSON object")
    return {str(k): _text(v) for k, v in value.items()}


def is_json(call: Call) -> bool:
    return call.headers.get("content-type", "").split(";")[0].strip().lower() == "application/json"


def read_body(call: Call) -> dict[str, object]:
    """The private call's parameters from its body; EGeneral:Invalid arguments when unreadable."""
    try:
        return parse_json(call.body) if is_json(call) else form_dict(call.body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise errors.invalid_argument() from None


def read_query(call: Call) -> dict[str, object]:
    """A public call's parameters from the query string."""
    try:
        return form_dict(call.query)
    except (ValueError, UnicodeDecodeError):
        raise errors.invalid_argument() from None


def text(params: dict[str, object], name: str, default: str | None = None) -> str | None:
    """A parameter as text, or `default`; EGeneral:Invalid arguments:<name> for objects/lists."""
    value = params.get(name)
    if value is None:
        return default
    if not isinstance(value, str):
        raise errors.invalid_argument(name)
    return value


def required(params: dict[str, object], name: str) -> str:
    value = text(params, name)
    if value is None or value == "":
        raise errors.invalid_argument(name)
    return value


def number(params: dict[str, object], name: str, default: str | None = None) -> Decimal | None:
    """A positive plain decimal number; EGeneral:Invalid arguments:<name> otherwise."""
    value = text(params, name, default)
    if value is None:
        return None
    try:
        return positive_decimal(value)
    except ValueError:
        raise errors.invalid_argument(name) from None


def flag(params: dict[str, object], name: str) -> bool:
    """A boolean parameter ("true"/"false", any case; absent = false)."""
    value = (text(params, name, "false") or "false").lower()
    if value not in ("true", "false", "1", "0"):
        raise errors.invalid_argument(name)
    return value in ("true", "1")


def integer(params: dict[str, object], name: str, default: int, low: int, high: int) -> int:
    value = text(params, name)
    if value is None or value == "":
        return default
    if not (value.isascii() and value.isdigit() and len(value) <= 19) or not low <= int(value) <= high:
        raise errors.invalid_argument(name)
    return int(value)
