"""Public endpoints: server time, instruments, tickers and the order book (no key needed)."""

from __future__ import annotations

from localnet.core.http import Call, ascii_digits
from localnet.exchanges.okx import errors, params
from localnet.exchanges.okx.instruments import SYMBOLS, book, instrument, symbol, ticker

INST_TYPES = ("SPOT", "MARGIN", "SWAP", "FUTURES", "OPTION")
MAX_DEPTH = 400


def server_time(app, call: Call) -> list[dict]:
    """GET /api/v5/public/time."""
    return [{"ts": str(call.now_ms)}]


def _inst_type(values: dict) -> str:
    inst_type = params.text(values, "instType", required=True)
    if inst_type not in INST_TYPES:
        raise errors.param_error("instType")
    return inst_type


def instruments(app, call: Call) -> list[dict]:
    """GET /api/v5/public/instruments: localnet lists spot instruments only (other types: empty)."""
    values = params.query(call)
    inst_type = _inst_type(values)
    inst_id = params.text(values, "instId")
    if inst_type != "SPOT":
        return []
    out = [instrument(sym, code) for code, sym in enumerate(SYMBOLS.values(), start=1)]
    if inst_id is not None:
        out = [i for i in out if i["instId"] == inst_id]
        if not out:
            raise errors.instrument_unknown()
    return out


def _symbol(values: dict):
    sym = symbol(params.text(values, "instId", required=True))
    if sym is None:
        raise errors.instrument_unknown()
    return sym


def one_ticker(app, call: Call) -> list[dict]:
    """GET /api/v5/market/ticker."""
    return [ticker(_symbol(params.query(call)), call.now_ms)]


def all_tickers(app, call: Call) -> list[dict]:
    """GET /api/v5/market/tickers."""
    if _inst_type(params.query(call)) != "SPOT":
        return []
    return [ticker(sym, call.now_ms) for sym in SYMBOLS.values()]


def order_book(app, call: Call) -> list[dict]:
    """GET /api/v5/market/books: `sz` levels per side (default 1, at most 400)."""
    values = params.query(call)
    sym = _symbol(values)
    raw = params.text(values, "sz")
    depth = 1
    if raw is not None:
        if not ascii_digits(raw, 9) or not 1 <= int(raw) <= MAX_DEPTH:
            raise errors.param_error("sz")
        depth = int(raw)
    return [book(sym, depth, call.now_ms)]
