"""Request-weight buckets per client IP, with a temporary ban for clients that ignore 429s."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Callable


@dataclass
class Verdict:
    """What the limiter decided for one request."""

    allowed: bool
    used: int  # weight used in the current window, this request included when allowed
    retry_after_s: int = 0
    banned_until_ms: int | None = None  # set when the client is banned (HTTP 418)


@dataclass
class _Bucket:
    window: int
    used: int = 0
    rejections: int = 0
    banned_until: float = 0.0


@dataclass
class WeightLimiter:
    """Fixed windows of `interval_s` seconds; `limit` weight per window per IP.

    A request that would go over the limit is refused (429). After `ban_after` refusals in
    one window the client is banned for `ban_s` seconds (418); with `ban_after=None` (exchanges
    that only refuse), never. Uses real time even when the exchange clock is frozen, so a
    frozen clock never freezes a limit.
    """

    limit: int = 6000
    interval_s: int = 60
    ban_after: int | None = 10  # None: refuse over the limit, never ban
    ban_s: int = 120
    now: Callable[[], float] = time.time
    _buckets: dict[str, _Bucket] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def charge(self, ip: str, weight: int) -> Verdict:
        """Count `weight` for `ip` and say whether the request may go on.

        The clock is read under the lock, and a reading older than the bucket's window counts in
        that window: a thread that read the time before another one opened a new window (or a clock
        stepped back) must not reset a full bucket to an old, empty one.
        """
        with self._lock:
            now = self.now()
            window = int(now // self.interval_s)
            bucket = self._buckets.get(ip)
            if bucket is None:
                bucket = self._buckets[ip] = _Bucket(window)
            if window > bucket.window:
                bucket.window, bucket.used, bucket.rejections = window, 0, 0
            window = bucket.window
            retry = max(1, int((window + 1) * self.interval_s - now + 0.999))
            if bucket.banned_until > now:
                return Verdict(False, bucket.used, int(bucket.banned_until - now + 0.999), int(bucket.banned_until * 1000))
            if bucket.used + weight > self.limit:
                bucket.rejections += 1
                if self.ban_after is not None and bucket.rejections > self.ban_after:
                    bucket.banned_until = now + self.ban_s
                    return Verdict(False, bucket.used, self.ban_s, int(bucket.banned_until * 1000))
                return Verdict(False, bucket.used, retry)
            bucket.used += weight
            return Verdict(True, bucket.used)

    def used(self, ip: str) -> int:
        """Weight used by `ip` in the current window (the bucket's, if the clock reads earlier)."""
        with self._lock:
            window = int(self.now() // self.interval_s)
            bucket = self._buckets.get(ip)
            return bucket.used if bucket is not None and bucket.window >= window else 0


@dataclass
class OrderCounter:
    """Orders placed per account in sliding windows (for X-MBX-ORDER-COUNT-* headers)."""

    windows_s: tuple[int, ...] = (10, 86400)
    now: Callable[[], float] = time.time
    _times: dict[int, list[float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, account_id: int) -> dict[int, int]:
        """Count one order; return {window_s: count} including it."""
        now = self.now()
        longest = max(self.windows_s)
        with self._lock:
            times = [t for t in self._times.get(account_id, []) if t > now - longest]
            times.append(now)
            self._times[account_id] = times
            return {w: sum(1 for t in times if t > now - w) for w in self.windows_s}
