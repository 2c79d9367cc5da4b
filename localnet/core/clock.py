"""Server time: real by default, or frozen, or shifted by an offset; kept in the db so any process can change it."""

from __future__ import annotations

import time

from localnet.core.store import Store


def set_clock(store: Store, frozen_time_ms: int | None = None, offset_ms: int = 0) -> None:
    """Freeze the clock at `frozen_time_ms` (None = real time) and shift it by `offset_ms`."""
    with store.transaction() as db:
        db.execute(
            "INSERT INTO settings (name, value) VALUES ('clock.frozen_ms', ?) "
            "ON CONFLICT(name) DO UPDATE SET value = excluded.value",
            (None if frozen_time_ms is None else str(int(frozen_time_ms)),),
        )
        db.execute(
            "INSERT INTO settings (name, value) VALUES ('clock.offset_ms', ?) "
            "ON CONFLICT(name) DO UPDATE SET value = excluded.value",
            (str(int(offset_ms)),),
        )


def clock_settings(store: Store) -> tuple[int | None, int]:
    """The stored (frozen_time_ms, offset_ms)."""
    rows = dict(store.db.execute("SELECT name, value FROM settings WHERE name LIKE 'clock.%'").fetchall())
    frozen = rows.get("clock.frozen_ms")
    return (int(frozen) if frozen else None, int(rows.get("clock.offset_ms") or 0))


def now_us(store: Store) -> int:
    """Server time in microseconds."""
    frozen, offset = clock_settings(store)
    base = frozen * 1000 if frozen is not None else time.time_ns() // 1000
    return base + offset * 1000


def now_ms(store: Store) -> int:
    """Server time in milliseconds."""
    return now_us(store) // 1000
