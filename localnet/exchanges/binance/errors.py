"""Binance's error body {"code": int, "msg": str} with the HTTP status Binance sends it with."""

from __future__ import annotations

from localnet.core.http import ApiError

DECIMAL_RANGE = r"^([0-9]{1,20})(\.[0-9]{1,20})?$"


class BinanceError(ApiError):
    """An error answer; raise it anywhere below a route and the app words it as {"code", "msg"}."""

    def __init__(self, status: int, code: int, msg: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(status, code, msg, headers)

    @property
    def msg(self) -> str:
        return self.message

    def body(self) -> dict:
        return {"code": self.code, "msg": self.msg}


def unknown() -> BinanceError:
    return BinanceError(400, -1000, "An unknown error occurred while processing the request.")


def too_much_weight(limit: int, retry_after_s: int) -> BinanceError:
    return BinanceError(
        429, -1003,
        f"Too much request weight used; current limit is {limit} request weight per 1 MINUTE. "
        "Please use WebSocket Streams for live updates to avoid polling the API.",
        {"Retry-After": str(retry_after_s)},
    )


def banned(until_ms: int, retry_after_s: int) -> BinanceError:
    return BinanceError(
        418, -1003,
        f"Way too much request weight used; IP banned until {until_ms}. "
        "Please use WebSocket Streams for live updates to avoid bans.",
        {"Retry-After": str(retry_after_s)},
    )


def unsupported(status: int = 404) -> BinanceError:
    return BinanceError(status, -1020, "This operation is not supported.")


def timestamp_ahead() -> BinanceError:
    return BinanceError(400, -1021, "Timestamp for this request was 1000ms ahead of the server's time.")


def timestamp_outside() -> BinanceError:
    return BinanceError(400, -1021, "Timestamp for this request is outside of the recvWindow.")


def bad_signature() -> BinanceError:
    return BinanceError(400, -1022, "Signature for this request is not valid.")


def illegal_chars(name: str | None = None, legal: str | None = None) -> BinanceError:
    if name is None:
        return BinanceError(400, -1100, "Illegal characters found in a parameter.")
    return BinanceError(400, -1100, f"Illegal characters found in parameter '{name}'; legal range is '{legal}'.")


def duplicate_param() -> BinanceError:
    return BinanceError(400, -1101, "Duplicate values for a parameter detected.")


def mandatory(name: str) -> BinanceError:
    return BinanceError(400, -1102, f"Mandatory parameter '{name}' was not sent, was empty/null, or malformed.")


def too_large(name: str, limit: str) -> BinanceError:
    return BinanceError(400, -1102, f"'{name}' contains unexpected value. Cannot be greater than {limit}.")


def either(a: str, b: str) -> BinanceError:
    return BinanceError(400, -1102, f"Param '{a}' or '{b}' must be sent, but both were empty/null!")


def unread(read: int, sent: int) -> BinanceError:
    return BinanceError(400, -1104, f"Not all sent parameters were read; read '{read}' parameter(s) but was sent '{sent}'.")


def empty(name: str) -> BinanceError:
    return BinanceError(400, -1105, f"Parameter '{name}' was empty.")


def not_required(name: str) -> BinanceError:
    return BinanceError(400, -1106, f"Parameter '{name}' sent when not required.")


def overflow(name: str) -> BinanceError:
    return BinanceError(400, -1108, f"Parameter '{name}' overflowed.")


def invalid_tif() -> BinanceError:
    return BinanceError(400, -1115, "Invalid timeInForce.")


def invalid_type() -> BinanceError:
    return BinanceError(400, -1116, "Invalid orderType.")


def invalid_side() -> BinanceError:
    return BinanceError(400, -1117, "Invalid side.")


def bad_symbol() -> BinanceError:
    return BinanceError(400, -1121, "Invalid symbol.")


def invalid_value(name: str) -> BinanceError:
    return BinanceError(400, -1130, f"Data sent for parameter '{name}' is not valid.")


def filter_failure(name: str) -> BinanceError:
    return BinanceError(400, -1013, f"Filter failure: {name}")


def order_rejected(msg: str) -> BinanceError:
    return BinanceError(400, -2010, msg)


def cancel_rejected(msg: str = "Unknown order sent.") -> BinanceError:
    return BinanceError(400, -2011, msg)


def no_such_order() -> BinanceError:
    return BinanceError(400, -2013, "Order does not exist.")


def bad_key_format() -> BinanceError:
    return BinanceError(401, -2014, "API-key format invalid.")


def rejected_key() -> BinanceError:
    return BinanceError(401, -2015, "Invalid API-key, IP, or permissions for action.")
