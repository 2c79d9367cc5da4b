"""The JSON API under /api/: every answer JSON, every bad input a 4xx with a sentence.

Keys are made and rotated by localnet.provision, exactly as the CLI and the Python API make
them; this module only checks the shape of what the page sends and words the answers. A
secret (or passphrase, or generated private key) appears in exactly one answer: the one to
the request that created or rotated it.
"""

from __future__ import annotations

import json
from typing import Any

from cryptography.exceptions import UnsupportedAlgorithm
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse

from localnet import exchanges, provision
from localnet.core import activity, keys
from localnet.core.http import ascii_digits
from localnet.manage import catalog
from localnet.manage.security import cookie_name, problem

MAX_BODY = 64 * 1024
MAX_LABEL = 100
MAX_PEM = 16 * 1024
MAX_PASSPHRASE = 64
MAX_IPS = 50
MAX_LOG = 1000
DEFAULT_LOG = 200
SQLITE_MAX_ID = 2**63 - 1
CREATE_FIELDS = ("exchange", "label", "permissions", "ips", "type", "public_key_pem", "passphrase")
ROTATE_FIELDS = ("public_key_pem",)
# The exchanges' sentences name CLI options; on the page the same advice names the form's fields.
PAGE_WORDS = (
    ("needs --public-key PEM_FILE", "needs its public key (PEM)"),
    ("needs the new --public-key PEM_FILE", "needs the new public key (PEM)"),
    ("add --ip", "add an IP restriction"),
    ("(--type ed25519 or --type ecdsa)", "(key type ed25519 or ecdsa)"),
)


class Problem(Exception):
    """A 4xx answer: raise it anywhere in a view."""

    def __init__(self, status: int, error: str, message: str) -> None:
        super().__init__(message)
        self.status, self.error, self.message = status, error, message


def problem_response(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, Problem)
    return problem(exc.status, exc.error, exc.message)


def for_the_page(message: str) -> str:
    for cli, page in PAGE_WORDS:
        message = message.replace(cli, page)
    return message


# ---- reading the request ---------------------------------------------------------------------

async def read_json(request: Request) -> dict[str, Any]:
    """The body as a JSON object (an empty body is {}); 413 when too large, 400 when not JSON."""
    declared = request.headers.get("content-length", "")
    if declared.isascii() and declared.isdigit() and (len(declared) > 18 or int(declared) > MAX_BODY):
        raise Problem(413, "too_large", f"the body is larger than {MAX_BODY} bytes")
    body = bytearray()
    try:
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_BODY:
                raise Problem(413, "too_large", f"the body is larger than {MAX_BODY} bytes")
    except ClientDisconnect:  # gone before the body was complete: do nothing (the answer goes nowhere)
        raise Problem(400, "incomplete", "the request ended before its body was complete") from None
    if not body.strip():
        return {}
    try:
        value = json.loads(body.decode("utf-8"), parse_constant=_no_constant)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise Problem(400, "bad_json", "the body is not valid JSON") from None
    if not isinstance(value, dict):
        raise Problem(400, "bad_json", "the body must be a JSON object")
    return value


def _no_constant(name: str) -> float:
    raise ValueError(f"{name} is not JSON")


def _only(body: dict, allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(body) - set(allowed))
    if unknown:
        raise Problem(400, "unknown_field", f"unknown field(s) {', '.join(unknown)}; allowed: {', '.join(allowed)}")


def _text(body: dict, name: str, limit: int, multiline: bool = False) -> str | None:
    """An optional string field: None when missing, null or blank."""
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise Problem(400, "bad_field", f"{name} must be a string")
    if len(value) > limit:
        raise Problem(400, "bad_field", f"{name} is longer than {limit} characters")
    allowed = "\n\r\t" if multiline else ""
    if any((ord(c) < 32 and c not in allowed) or ord(c) == 127 for c in value):
        raise Problem(400, "bad_field", f"{name} contains control characters")
    return value.strip() or None


def _strings(body: dict, name: str, default: list[str], limit: int) -> list[str]:
    """A list of strings (a single comma- or newline-separated string is accepted too)."""
    value = body.get(name, default)
    if value is None:
        return default
    if isinstance(value, str):
        value = value.replace("\n", ",").split(",")
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise Problem(400, "bad_field", f"{name} must be a list of strings")
    items = [item.strip() for item in value if item.strip()]
    if len(items) > limit or any(len(item) > 100 for item in items):
        raise Problem(400, "bad_field", f"{name} has too many or too long entries")
    return items


def _id(text: str, what: str = "key") -> int:
    if not ascii_digits(text) or not 0 < int(text) <= SQLITE_MAX_ID:
        raise Problem(404, "no_such_key", f"no {what} {text[:40]!r}")
    return int(text)


def _exchange(name: object) -> str:
    if not isinstance(name, str) or name not in exchanges.EXCHANGES:
        raise Problem(400, "bad_exchange", f"exchange must be one of {', '.join(exchanges.EXCHANGES)}")
    return name


# ---- the endpoints ---------------------------------------------------------------------------

async def session(request: Request) -> JSONResponse:
    """The CSRF token for this browser (the cookie's, when it holds one of ours), set as a cookie too."""
    tokens = request.app.state.tokens
    port = request.scope["server"][1]
    name = cookie_name(port)
    token = request.cookies.get(name)
    if not tokens.valid(token):
        token = tokens.mint()
    response = JSONResponse({"csrf_token": token, "header": "X-CSRF-Token"})
    response.set_cookie(name, token, httponly=True, samesite="strict", path="/")
    return response


async def exchange_list(request: Request) -> JSONResponse:
    return JSONResponse({"exchanges": request.app.state.exchanges, "permissions": list(keys.PERMISSIONS)})


async def key_list(request: Request) -> JSONResponse:
    wanted = request.query_params.get("exchange") or None
    if wanted is not None:
        _exchange(wanted)
    rows = await run_in_threadpool(keys.list_keys, request.app.state.store, wanted)
    return JSONResponse({"keys": [catalog.key_view(k) for k in reversed(rows)]})


async def key_create(request: Request) -> JSONResponse:
    body = await read_json(request)
    _only(body, CREATE_FIELDS)
    exchange = _exchange(body.get("exchange"))
    module = exchanges.get(exchange)
    key_type = body.get("type", catalog.default_type(module))
    if not isinstance(key_type, str) or key_type not in module.KEY_TYPES:
        raise Problem(400, "bad_type", f"{catalog.TITLES.get(exchange, exchange)} keys are of type "
                                       f"{' or '.join(module.KEY_TYPES)}")
    fields = dict(
        permissions=_strings(body, "permissions", ["read"], len(keys.PERMISSIONS)),
        ips=_strings(body, "ips", [], MAX_IPS),
        type=key_type,
        label=_text(body, "label", MAX_LABEL),
        public_key_pem=_text(body, "public_key_pem", MAX_PEM, multiline=True),
        passphrase=_text(body, "passphrase", MAX_PASSPHRASE),
    )
    store = request.app.state.store

    def create() -> dict:
        made = provision.create_key(store, exchange, **fields)
        return {**made, "view": catalog.key_view(keys.get(store, made["id"]))}

    made = await run_in_threadpool(_refusals_as_problems, create)
    return JSONResponse(_once(made), status_code=201)


async def key_revoke(request: Request) -> JSONResponse:
    key_id = _id(request.path_params["key_id"])
    _only(await read_json(request), ())
    store = request.app.state.store

    def revoke() -> dict:
        _live_key(store, key_id)
        keys.revoke(store, key_id)
        return catalog.key_view(keys.get(store, key_id))

    return JSONResponse({"key": await run_in_threadpool(_refusals_as_problems, revoke)})


async def key_rotate(request: Request) -> JSONResponse:
    key_id = _id(request.path_params["key_id"])
    body = await read_json(request)
    _only(body, ROTATE_FIELDS)
    pem = _text(body, "public_key_pem", MAX_PEM, multiline=True)
    store = request.app.state.store

    def rotate() -> dict:
        key = _live_key(store, key_id)
        if key.type == "hmac" and pem is not None:
            raise Problem(400, "bad_field", "an HMAC key takes no public key; rotating gives it a new secret")
        made = provision.rotate_key(store, key_id, pem)
        made["api_key"] = key.api_key
        made["passphrase"] = None  # it does not change; it was shown once, when the key was made
        return {**made, "view": catalog.key_view(keys.get(store, key_id))}

    return JSONResponse(_once(await run_in_threadpool(_refusals_as_problems, rotate)))


async def activity_list(request: Request) -> JSONResponse:
    params = request.query_params
    key_id = _id(params["key"]) if params.get("key") else None
    limit_text = params.get("limit") or str(DEFAULT_LOG)
    if not ascii_digits(limit_text, 9) or not 0 < int(limit_text) <= MAX_LOG:
        raise Problem(400, "bad_limit", f"limit must be a whole number from 1 to {MAX_LOG}")
    rows = await run_in_threadpool(activity.entries, request.app.state.store, key_id, int(limit_text))
    return JSONResponse({"entries": [catalog.entry_view(r) for r in reversed(rows)]})


# ---- helpers for the threads -----------------------------------------------------------------

def _live_key(store, key_id: int) -> keys.Key:
    key = keys.get(store, key_id)
    if key is None:
        raise Problem(404, "no_such_key", f"no key {key_id}")
    if key.revoked:
        raise Problem(409, "revoked", f"key {key_id} is revoked; a revoked key stays revoked")
    return key


def _refusals_as_problems(work):
    """Run `work`; what localnet refuses (a KeyProblem, a bad key) becomes a 400 with its sentence."""
    try:
        return work()
    except Problem:
        raise
    except (keys.KeyProblem, ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise Problem(400, "refused", for_the_page(str(exc)) or "localnet refused this key") from None


def _once(made: dict) -> dict:
    """The one answer that carries the secret parts, with the warning the page shows."""
    return {
        "key": made["view"],
        "api_key": made["api_key"],
        "secret": made.get("secret"),
        "passphrase": made.get("passphrase"),
        "private_key": made.get("private_key"),
        "shown_once": True,
        "warning": "Store these now: localnet shows them only this once and cannot show them again.",
    }
