"""OKX's error answers: codes, messages and HTTP statuses as OKX words them.

Source: the OKX v5 API docs, "Error Code" > "REST API" > "Public" (www.okx.com/docs-v5/en/#error-code-rest-api-public,
reviewed in a copy dated 2026-07-20). Codes are strings in OKX bodies. Authentication errors are answered
without a "data" member (as observed on the live site); every other error carries "data": [].
"""

from __future__ import annotations

from localnet.core.http import ApiError

# msg of a code "1" answer, as observed live (the docs table says "Operation failed.")
ALL_FAILED = "All operations failed"
PARTLY_FAILED = "Bulk operation partially succeeded."


class OkxError(ApiError):
    """An OKX error answer. `bare` leaves "data" out of the body; `body` replaces the whole body."""

    def __init__(self, status: int, code: str, message: str, body: dict | None = None, bare: bool = False) -> None:
        super().__init__(status, code, message)
        self.body = body
        self.bare = bare


def error_body(error: ApiError) -> dict:
    """The JSON body of an error answer."""
    if isinstance(error, OkxError) and error.body is not None:
        return error.body
    if isinstance(error, OkxError) and error.bare:
        return {"msg": error.message, "code": str(error.code)}
    return {"code": str(error.code), "data": [], "msg": error.message}


def _auth(code: str, message: str) -> OkxError:
    return OkxError(401, code, message, bare=True)


# ---- authentication (API class, HTTP 401) ---------------------------------------------------------

def wrong_environment() -> OkxError:
    return _auth("50101", "APIKey does not match current environment.")


def timestamp_expired() -> OkxError:
    return _auth("50102", "Timestamp request expired.")


def key_missing() -> OkxError:
    return _auth("50103", 'Request header "OK-ACCESS-KEY" cannot be empty.')


def passphrase_missing() -> OkxError:
    return _auth("50104", 'Request header "OK-ACCESS-PASSPHRASE" cannot be empty.')


def passphrase_wrong() -> OkxError:
    return _auth("50105", 'Request header "OK-ACCESS-PASSPHRASE" incorrect.')


def sign_missing() -> OkxError:
    return _auth("50106", 'Request header "OK-ACCESS-SIGN" cannot be empty.')


def timestamp_missing() -> OkxError:
    return _auth("50107", 'Request header "OK-ACCESS-TIMESTAMP" cannot be empty.')


def ip_not_allowed(ip: str) -> OkxError:
    return _auth("50110", f"Your IP {ip} is not included in your API key's IP whitelist.")


def key_invalid() -> OkxError:
    return _auth("50111", "Invalid OK-ACCESS-KEY.")


def timestamp_invalid() -> OkxError:
    return _auth("50112", "Invalid OK-ACCESS-TIMESTAMP.")


def signature_invalid() -> OkxError:
    return _auth("50113", "Invalid signature.")


def no_permission() -> OkxError:
    return OkxError(200, "50120", "This API key doesn't have permission to use this function")


# ---- requests -------------------------------------------------------------------------------------

def body_empty() -> OkxError:
    return OkxError(400, "50000", "Body for POST request cannot be empty.")


def json_syntax() -> OkxError:
    return OkxError(400, "50002", "JSON syntax error")


def content_type() -> OkxError:
    return OkxError(400, "50006", 'Invalid Content-Type. Please use "application/JSON".')


def rate_limited() -> OkxError:
    return OkxError(429, "50011", "Too Many Requests")


def param_empty(name: str) -> OkxError:
    return OkxError(400, "50014", f"Parameter {name} can not be empty.")


def either_param(first: str, second: str) -> OkxError:
    return OkxError(400, "50015", f"Either parameter {first} or {second} is required")


def param_error(name: str) -> OkxError:
    return OkxError(400, "51000", f"Parameter {name} error")


def method_not_allowed() -> OkxError:
    return OkxError(405, "50115", "Invalid request method.")


def not_found() -> OkxError:
    # Not in OKX's table: localnet's choice for a path OKX does not serve.
    return OkxError(404, "404", "Not Found")


def too_large() -> OkxError:
    # Not in OKX's table: localnet's choice for a body over its size limit.
    return OkxError(413, "413", "Request Entity Too Large")


def system_error() -> OkxError:
    return OkxError(500, "50026", "System error. Try again later")


# ---- trading and funding (HTTP 200) ---------------------------------------------------------------

def instrument_unknown() -> OkxError:
    return OkxError(200, "51001", "Instrument ID, Instrument ID code or Spread ID doesn't exist.")


def order_or_client_id_required() -> OkxError:
    return OkxError(200, "51003", "Either client order ID or order ID is required.")


def account_mode() -> OkxError:
    return OkxError(200, "51010", "Request unsupported under current account mode")


def token_unknown() -> OkxError:
    return OkxError(200, "51012", "Token doesn't exist.")


def too_many_orders(limit: int) -> OkxError:
    return OkxError(200, "51111", f"Maximum {limit} orders can be placed in bulk.")


def order_missing() -> OkxError:
    return OkxError(200, "51603", "Order does not exist.")


def withdraw_insufficient() -> OkxError:
    return OkxError(200, "58350", "Insufficient balance.")


# Per-order results (sCode, sMsg) inside "data" of a code "1" or "2" answer.
S_PARAM = "51000"
S_INSTRUMENT = ("51001", "Instrument ID, Instrument ID code or Spread ID doesn't exist.")
S_ACCOUNT_MODE = ("51010", "Request unsupported under current account mode")
S_DUPLICATE = ("51016", "Client order ID already exists.")
S_TOO_SMALL = ("51020", "Your order should meet or exceed the minimum order amount.")
S_LOT = ("51121", "Order quantity must be a multiple of the lot size.")
S_PRECISION = ("51150", "The precision of the number of trades or the price exceeds the limit.")
S_PRICE_EMPTY = ("51204", "The price for the limit order cannot be empty.")
S_MARKET_TOO_BIG = ("51202", "Market order amount exceeds the maximum amount.")
S_CANCEL_FAILED = ("51400", "Order cancellation failed as the order has been filled, canceled or does not exist.")


def s_param(name: str) -> tuple[str, str]:
    return S_PARAM, f"Parameter {name} error"


def s_price_limit(high: str, low: str) -> tuple[str, str]:
    return "51006", f"Order price is not within the price limit (max buy price: {high} , min sell price: {low} )"


def s_too_big(limit: str) -> tuple[str, str]:
    return "51203", f"Order amount exceeds the limit {limit}."


def s_insufficient(ccy: str) -> tuple[str, str]:
    return "51008", f"Order failed. Insufficient {ccy} balance in account"
