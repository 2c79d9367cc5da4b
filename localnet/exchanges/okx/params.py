"""Reading parameters: the query string of a GET, the JSON body of a POST, and OKX's value rules."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from localnet.core.http import Call, ascii_digits, form_dict, json_object, positive_decimal
from localnet.exchanges.okx import errors


def query(call: Call) -> dict[str, str]:
    """The GET parameters; 51000 when the query string cannot be decoded."""
    try:
        return form_dict(call.query)
    except ValueError:
        raise errors.param_error("query") from None


def _check_post(call: Call) -> None:
    content_type = call.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/json":
        raise errors.content_type()
    if not call.body.strip():
        raise errors.body_empty()


def body(call: Call) -> dict[str, Any]:
    """The JSON object body of a POST (50006 wrong content type, 50000 empty, 50002 not a JSON object)."""
    _check_post(call)
    try:
        return json_object(call.body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise errors.json_syntax() from None


def body_list(call: Call) -> list[Any]:
    """The JSON array body of a batch POST (same errors as `body`)."""
    _check_post(call)
    try:
        value = json.loads(call.body.decode("utf-8"), parse_constant=_no_constant)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise errors.json_syntax() from None
    if not isinstance(value, list):
        raise errors.json_syntax()
    return value


def _no_constant(name: str) -> float:
    raise ValueError(name)


def text(params: dict[str, Any], name: str, required: bool = False) -> str | None:
    """A string parameter; "" counts as absent. 50014 when required and absent, 51000 when not a string."""
    value = params.get(name)
    if value is None or value == "":
        if required:
            raise errors.param_empty(name)
        return None
    if not isinstance(value, str):
        raise errors.param_error(name)
    return value


def number(params: dict[str, Any], name: str, required: bool = False) -> Decimal | None:
    """A positive decimal sent as a string (or a plain JSON number); 51000 for anything else."""
    value = params.get(name)
    if value is None or value == "":
        if required:
            raise errors.param_empty(name)
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise errors.param_error(name)
    try:
        return positive_decimal(value if isinstance(value, str) else str(value))
    except ValueError:
        raise errors.param_error(name) from None


def limit(params: dict[str, Any], default: int = 100, most: int = 100) -> int:
    """The `limit` parameter of list endpoints (1..most)."""
    raw = text(params, "limit")
    if raw is None:
        return default
    if not ascii_digits(raw, 9) or not 1 <= int(raw) <= most:
        raise errors.param_error("limit")
    return int(raw)
