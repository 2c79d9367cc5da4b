"""Retry a request when the exchange says "slow down", and only then.

Three rules, in code:

1. A rate-limit answer (HTTP 429 or 418, Binance -1003, Bybit 10006, OKX 50011, Kraken
   "EAPI:Rate limit exceeded") is retried, after the wait the exchange asks for if it says one,
   otherwise after an exponentially growing, randomly jittered delay.
2. Every other error (a bad signature, a missing permission, an unknown key) is raised at once:
   sending the same request again cannot fix it, and hammering an exchange with bad requests can
   get you banned.
3. When the outcome is unknown (a timeout, a 5xx), an idempotent request (a GET) may be retried,
   but an order placement is not: it may have been placed. The caller must look it up by the
   client order id it chose, then decide.

`sleep`, `rng` and `now_ms` are parameters so that tests (and the lesson's examples) run
instantly and give the same numbers every time.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Reply:
    """What came back: the HTTP status, the parsed body, and the headers."""

    status: int
    body: Any = None
    headers: Mapping[str, str] = field(default_factory=dict)


class ExchangeError(Exception):
    """An error that retrying cannot fix. `code` is the exchange's own code."""

    def __init__(self, code: str, reply: Reply):
        super().__init__(f"exchange error {code} (HTTP {reply.status})")
        self.code, self.reply = code, reply


class RateLimited(Exception):
    """Still rate-limited after every attempt, or asked to wait longer than we are willing to."""

    def __init__(self, code: str, reply: Reply, wait_s: float | None = None):
        detail = f", server asks for {wait_s:g} s" if wait_s is not None else ""
        super().__init__(f"rate limited: {code}{detail}")
        self.code, self.reply, self.wait_s = code, reply, wait_s


class UnknownOutcome(Exception):
    """A non-idempotent request may or may not have taken effect; look it up before acting."""


# --8<-- [start:classify]
RATE_LIMIT_CODES = {"-1003", "10006", "50011", "EAPI:Rate limit exceeded", "EGeneral:Too many requests"}


def error_code(reply: Reply) -> str | None:
    """The exchange's error code in `reply`, or None if it reports success.

    Binance: {"code": -2015, "msg": ...}; Bybit: {"retCode": 10005, ...} (HTTP 200);
    OKX: {"code": "50113", ...} ("0" is success); Kraken: {"error": ["EAPI:Invalid key"]}
    (HTTP 200); Coinbase: {"error": "PERMISSION_DENIED", ...} (some answers: only the HTTP status).
    """
    body = reply.body if isinstance(reply.body, dict) else {}
    if body.get("retCode") not in (None, 0):
        return str(body["retCode"])
    if "code" in body and str(body["code"]) not in ("0", "200"):
        return str(body["code"])
    if isinstance(body.get("error"), list) and body["error"]:  # Kraken: a list of strings
        return str(body["error"][0])
    if isinstance(body.get("error"), str) and body["error"]:  # Coinbase: {"error": "PERMISSION_DENIED", ...}
        return body["error"]
    if reply.status >= 400:
        return f"HTTP {reply.status}"
    return None


def is_rate_limit(reply: Reply, code: str | None) -> bool:
    """True for an answer that means "too many requests, try later"."""
    return reply.status in (418, 429) or code in RATE_LIMIT_CODES


def server_wait_s(reply: Reply, now_ms: int) -> float | None:
    """How long the exchange asks us to wait, in seconds, if it says so."""
    headers = {name.lower(): value for name, value in reply.headers.items()}
    if "retry-after" in headers:  # Binance on 429/418 (seconds)
        return float(headers["retry-after"])
    reset = headers.get("x-bapi-limit-reset-timestamp")  # Bybit (milliseconds since 1970)
    if reset is not None and is_rate_limit(reply, error_code(reply)):
        return max(0.0, (int(reset) - now_ms) / 1000)
    return None
# --8<-- [end:classify]


# --8<-- [start:delays]
def backoff_delay(attempt: int, base_s: float = 0.5, cap_s: float = 30.0,
                  rng: Callable[[], float] = random.random) -> float:
    """Exponential backoff with "full jitter": a random delay between 0 and base * 2**attempt.

    Attempt 0 waits up to 0.5 s, attempt 1 up to 1 s, then 2, 4, 8 ... never more than `cap_s`.
    The randomness spreads out clients that were all refused at the same moment, so they do
    not all come back at the same moment too.
    """
    return rng() * min(cap_s, base_s * 2**attempt)
# --8<-- [end:delays]


# --8<-- [start:retry]
def call_with_retry(send: Callable[[], Reply], *, idempotent: bool = True, attempts: int = 5,
                    base_s: float = 0.5, cap_s: float = 30.0, max_wait_s: float = 60.0,
                    sleep: Callable[[float], None] = time.sleep, rng: Callable[[], float] = random.random,
                    now_ms: Callable[[], int] = lambda: int(time.time() * 1000)) -> Reply:
    """Call `send()` until it succeeds, retrying only rate limits (and, if idempotent, unknowns).

    `send` must build and sign a fresh request each time: a retried request needs a new
    timestamp or nonce, or the exchange refuses it as stale or replayed.
    """
    for attempt in range(attempts):
        last = attempt == attempts - 1
        try:
            reply = send()
        except (TimeoutError, ConnectionError) as error:
            if not idempotent:
                raise UnknownOutcome(f"no answer ({error}); query the order by its client id") from error
            if last:
                raise
            sleep(backoff_delay(attempt, base_s, cap_s, rng))
            continue

        code = error_code(reply)
        if code is None:
            return reply
        if is_rate_limit(reply, code):
            wait = server_wait_s(reply, now_ms())
            if last or (wait is not None and wait > max_wait_s):
                raise RateLimited(code, reply, wait)
            sleep(wait if wait is not None else backoff_delay(attempt, base_s, cap_s, rng))
            continue
        if reply.status >= 500:  # the exchange failed: the request may or may not have run
            if not idempotent:
                raise UnknownOutcome(f"HTTP {reply.status}; query the order by its client id")
            if last:
                raise ExchangeError(code, reply)
            sleep(backoff_delay(attempt, base_s, cap_s, rng))
            continue
        raise ExchangeError(code, reply)  # auth, permission, bad parameter: retrying cannot help
    raise AssertionError("unreachable")
# --8<-- [end:retry]
