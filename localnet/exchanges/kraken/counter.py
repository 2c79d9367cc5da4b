"""Kraken's per-key "call counter": each call adds to it, it drains at a steady rate, and a call
that would take it above the maximum is refused with EAPI:Rate limit exceeded.

Kraken documents (Spot REST rate limits): the counter starts at 0; ledger and trade-history calls
add 2, other calls add 1, AddOrder and CancelOrder add nothing (they have their own limiter in
the matching engine); maximum 15 / 20 / 20 and decay 0.33 / 0.5 / 1 per second for the Starter /
Intermediate / Pro tiers. localnet's default is the Intermediate tier. Real time drives the decay,
so a frozen exchange clock never freezes a limit.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Callable

DEFAULT_MAXIMUM = 20
DEFAULT_DECAY_PER_S = 0.5


@dataclass
class CallCounter:
    """One counter per key id."""

    maximum: float = DEFAULT_MAXIMUM
    decay_per_s: float = DEFAULT_DECAY_PER_S
    now: Callable[[], float] = time.monotonic
    _levels: dict[int, tuple[float, float]] = field(default_factory=dict)  # key id -> (level, when)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def charge(self, key_id: int, cost: int) -> bool:
        """Add `cost` for the key and return True, or return False (and add nothing) when it would exceed the maximum."""
        if cost <= 0:
            return True
        with self._lock:  # the clock is read under the lock, and never taken to run backwards
            now = self.now()
            level, when = self._levels.get(key_id, (0.0, now))
            now = max(now, when)
            level = max(0.0, level - (now - when) * self.decay_per_s)
            if level + cost > self.maximum:
                self._levels[key_id] = (level, now)
                return False
            self._levels[key_id] = (level + cost, now)
            return True

    def level(self, key_id: int) -> float:
        """The key's counter now (for tests and the docs)."""
        with self._lock:
            now = self.now()
            level, when = self._levels.get(key_id, (0.0, now))
            return max(0.0, level - max(0.0, now - when) * self.decay_per_s)
