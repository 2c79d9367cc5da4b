"""Bybit's API rate limit: requests per second, per UID, per endpoint, with X-Bapi-Limit* headers.

Limits are those of Bybit's rate-limit table (docs/v5/rate-limit/rate-limit.mdx, spot column).
`rate_limit` replaces all of them (tests lower it). Bybit's separate IP limit (600 requests per
5 s, answered with HTTP 403) is not emulated.
"""

from __future__ import annotations

import threading
import time
from typing import Callable

from localnet.core.ratelimit import WeightLimiter

PER_SECOND = {
    "/v5/order/create": 20,
    "/v5/order/cancel": 20,
    "/v5/order/realtime": 50,
    "/v5/order/history": 50,
    "/v5/execution/list": 50,
    "/v5/account/wallet-balance": 50,
    "/v5/account/info": 50,
    "/v5/user/query-api": 10,
    "/v5/asset/coin/query-info": 5,
    "/v5/asset/withdraw/create": 5,
}
DEFAULT_PER_SECOND = 10


class UidLimiter:
    """One fixed one-second window per (UID, endpoint)."""

    def __init__(self, rate_limit: int | None = None, now: Callable[[], float] = time.time) -> None:
        self.rate_limit = rate_limit
        self.now = now
        self._limiters: dict[int, WeightLimiter] = {}
        self._lock = threading.Lock()

    def limit(self, path: str) -> int:
        return self.rate_limit if self.rate_limit is not None else PER_SECOND.get(path, DEFAULT_PER_SECOND)

    def charge(self, uid: int, path: str) -> tuple[bool, dict[str, str]]:
        """(allowed, the X-Bapi-Limit headers for this answer)."""
        limit = self.limit(path)
        with self._lock:  # two first requests at once must share one limiter, not make one each
            limiter = self._limiters.get(limit)
            if limiter is None:
                limiter = self._limiters[limit] = WeightLimiter(limit=limit, interval_s=1, ban_after=None,
                                                                now=lambda: self.now())
        verdict = limiter.charge(f"{uid}:{path}", 1)
        now = self.now()
        reset_ms = int((int(now) + 1) * 1000) if not verdict.allowed else int(now * 1000)
        headers = {
            "X-Bapi-Limit": str(limit),
            "X-Bapi-Limit-Status": str(max(0, limit - verdict.used)),
            "X-Bapi-Limit-Reset-Timestamp": str(reset_ms),
        }
        return verdict.allowed, headers
