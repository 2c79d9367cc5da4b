"""Coinbase's error answers, in the three shapes Coinbase uses.

- Authentication failures of any kind: HTTP 401 with the bare text "Unauthorized". Coinbase does not
  say which check failed; localnet keeps the reason in the error code, which goes to the activity log.
- Advanced Trade (/api/v3) errors: {"error": "<CANONICAL_CODE>", "error_details": "...", "message": "..."}.
- Coinbase App (/v2) errors: {"errors": [{"id": "<snake_case_id>", "message": "..."}]}.
"""

from __future__ import annotations

from starlette.responses import JSONResponse, PlainTextResponse, Response

from localnet.core.http import ApiError

UNAUTHORIZED_TEXT = "Unauthorized\n"  # Go's http.Error adds the newline; clients show "Unauthorized"
MISSING_SCOPES = "Missing required scopes"


class CoinbaseError(ApiError):
    """An error answer. `shape` is "text" (401), "v3" (gRPC-style JSON) or "v2" (errors list)."""

    def __init__(self, status: int, code: str, message: str, shape: str = "v3", details: str | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(status, code, message, headers)
        self.shape = shape
        self.details = message if details is None else details


def render(error: ApiError) -> Response:
    """The HTTP response for an error."""
    shape = getattr(error, "shape", "v3")
    if shape == "text":
        return PlainTextResponse(UNAUTHORIZED_TEXT, status_code=error.status,
                                 headers={"X-Content-Type-Options": "nosniff", **error.headers})
    if shape == "v2":
        body: dict = {"errors": [{"id": error.code, "message": error.message}]}
    else:
        body = {"error": error.code, "error_details": getattr(error, "details", error.message),
                "message": error.message}
    return JSONResponse(body, status_code=error.status, headers=error.headers)


def unauthorized(reason: str) -> CoinbaseError:
    """Any authentication failure. The body is always the same; `reason` is for the activity log."""
    return CoinbaseError(401, f"Unauthorized: {reason}", "Unauthorized", shape="text")


def permission_denied(v2: bool = False) -> CoinbaseError:
    if v2:
        return CoinbaseError(403, "invalid_scope", "Invalid scope", shape="v2")
    return CoinbaseError(403, "PERMISSION_DENIED", MISSING_SCOPES)


def invalid_argument(message: str, v2: bool = False) -> CoinbaseError:
    if v2:
        return CoinbaseError(400, "invalid_request", message, shape="v2")
    return CoinbaseError(400, "INVALID_ARGUMENT", message)


def not_found(message: str = "Not Found", v2: bool = False) -> CoinbaseError:
    if v2:
        return CoinbaseError(404, "not_found", message, shape="v2")
    return CoinbaseError(404, "NOT_FOUND", message)


def order_not_found() -> CoinbaseError:
    return not_found("order with this orderID was not found")


def validation_error(message: str) -> CoinbaseError:
    """A /v2 request that is well formed but cannot be done (for example, not enough funds)."""
    return CoinbaseError(400, "validation_error", message, shape="v2")


def rate_limited(headers: dict[str, str], v2: bool = False) -> CoinbaseError:
    if v2:
        return CoinbaseError(429, "rate_limit_exceeded", "Too many requests", shape="v2", headers=headers)
    return CoinbaseError(429, "RESOURCE_EXHAUSTED", "Too many requests", headers=headers)


def internal(v2: bool = False) -> CoinbaseError:
    if v2:
        return CoinbaseError(500, "internal_server_error", "Internal server error", shape="v2")
    return CoinbaseError(500, "INTERNAL", "Internal error")
