"""Bybit's error answers: a retCode and retMsg in the usual envelope, almost always with HTTP 200.

Wording follows, in this order of preference: messages seen from the live API (GitHub issues,
SDK test fixtures), then the error table in Bybit's docs (docs/v5/error.mdx). Texts that no
public Bybit source shows (the 10001 header messages, parameter errors) are localnet's own
approximations, and the Bybit page says so.
"""

from __future__ import annotations

from localnet.core.http import ApiError

PLAIN = None  # `code` of an answer with no JSON envelope (a bare HTTP status)


def error(code: int, message: str, status: int = 200) -> ApiError:
    return ApiError(status, code, message)


# ---- before and during authentication ----------------------------------------------------

def no_auth_header() -> ApiError:
    """v5 wants its authentication in headers; without X-BAPI-API-KEY Bybit answers 401 (localnet sends no body)."""
    return ApiError(401, PLAIN, "")


def empty_value(timestamp: str, api_key: str, signature: str | None = None) -> ApiError:
    shown = f"empty value: apiTimestamp[{timestamp}] apiKey[{api_key}]"
    if signature is not None:
        shown += f" apiSignature[{signature}]"
    return error(10001, shown + ": Request parameter error.")


def bad_timestamp() -> ApiError:
    return error(10001, "openapi params error! req_timestamp invalid")


def bad_recv_window() -> ApiError:
    return error(10001, "openapi params error! recv_window invalid")


def outside_window(timestamp: int, server: int, window: int) -> ApiError:
    return error(10002, "invalid request, please check your server timestamp or recv_window param. "
                        f"req_timestamp[{timestamp}],server_timestamp[{server}],recv_window[{window}]")


def invalid_key() -> ApiError:
    return error(10003, "API key is invalid.")


def bad_signature(payload: bytes) -> ApiError:
    """Bybit echoes what it signed, with the timestamp, key and window masked as *** (2026 wording)."""
    shown = payload.decode("utf-8", "replace")
    return error(10004, f"Error sign, please check your signature generation algorithm: origin_string[***{shown}]")


def permission_denied() -> ApiError:
    return error(10005, "Permission denied, please check your API key permissions.")


def too_many_visits(headers: dict[str, str]) -> ApiError:
    return ApiError(200, 10006, "Too many visits. Exceeded the API Rate Limit.", headers)


def unmatched_ip() -> ApiError:
    return error(10010, "Unmatched IP, please check your API key's bound IP addresses.")


def expired_key() -> ApiError:
    return error(33004, "Your api key has expired.")


def route_not_found() -> ApiError:
    return error(10017, "Route not found.", status=404)


def too_large() -> ApiError:
    return ApiError(413, PLAIN, "Request Entity Too Large")


def internal() -> ApiError:
    return error(10016, "Internal System Error.")


# ---- parameters ------------------------------------------------------------------------------------

def params(message: str = "Request parameter error.") -> ApiError:
    return error(10001, message)


def illegal_category() -> ApiError:
    return error(10001, "Illegal category")


def unsupported_symbol() -> ApiError:
    return error(10001, "Not supported symbols")


# ---- spot trading (docs/v5/error.mdx, "Spot Trade") ------------------------------------------------

def spot_empty(name: str) -> ApiError:
    return error(170105, f"Parameter '{name}' was empty.")


def spot_invalid(name: str) -> ApiError:
    return error(170130, f"Data sent for paramter '{name}' is not valid.")  # sic, as documented


def invalid_tif() -> ApiError:
    return error(170115, "Invalid timeInForce.")


def invalid_order_type() -> ApiError:
    return error(170116, "Invalid orderType.")


def invalid_side() -> ApiError:
    return error(170117, "Invalid side.")


def invalid_symbol() -> ApiError:
    return error(170121, "Invalid symbol.")


def amount_too_large() -> ApiError:
    return error(170124, "Order amount too large.")


def insufficient_balance() -> ApiError:
    return error(170131, "Balance insufficient")


def price_too_high() -> ApiError:
    return error(170132, "Order price too high.")


def price_too_low() -> ApiError:
    return error(170133, "Order price lower than the minimum.")


def price_decimals() -> ApiError:
    return error(170134, "Order price decimal too long.")


def qty_too_low() -> ApiError:
    return error(170136, "Order quantity lower than the minimum.")


def qty_decimals() -> ApiError:
    return error(170137, "Order volume decimal too long")


def qty_too_large() -> ApiError:
    return error(170381, "Order quantity too large.")


def already_filled() -> ApiError:
    return error(170139, "Order has been filled.")


def value_too_low() -> ApiError:
    return error(170140, "Order value exceeded lower limit")


def duplicate_link_id() -> ApiError:
    return error(170141, "Duplicate clientOrderId")


def already_cancelled() -> ApiError:
    return error(170142, "Order has been cancelled")


def market_amount_decimals() -> ApiError:
    return error(170148, "Market order amount decimal too long")


def no_such_order() -> ApiError:
    return error(170213, "Order does not exist.")


def post_only_would_take() -> ApiError:
    return error(170218, "The LIMIT-MAKER order is rejected due to invalid price.")


# ---- asset ---------------------------------------------------------------------------------------

def asset_params() -> ApiError:
    return error(131002, "Parameter error")


def asset_insufficient() -> ApiError:
    return error(131212, "Insufficient balance")


def account_type_only_unified() -> ApiError:
    return error(10001, "accountType only support UNIFIED.")
