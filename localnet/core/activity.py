"""The activity log: one row per authenticated call, success or failure."""

from __future__ import annotations

from localnet.core.store import Store


def record(
    store: Store,
    *,
    time_ms: int,
    exchange: str,
    key_id: int | None,
    client_ip: str,
    method: str,
    path: str,
    http_status: int,
    error_code: int | None,
) -> None:
    """Append one call to the log. `client_ip` must be the TCP peer, never a header."""
    outcome = "ok" if error_code is None and http_status < 400 else "error"
    with store.transaction(durable=False) as db:  # committed with its call, durable when the call is
        db.execute(
            "INSERT INTO activity (time_ms, exchange, key_id, client_ip, method, path, http_status, outcome, error_code)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (time_ms, exchange, key_id, client_ip, method, path, http_status, outcome, error_code),
        )


def entries(store: Store, key_id: int | None = None, limit: int | None = None) -> list[dict]:
    """Logged calls, oldest first (only one key's when `key_id` is given)."""
    sql = "SELECT * FROM activity"
    args: list = []
    if key_id is not None:
        sql += " WHERE key_id = ?"
        args.append(key_id)
    sql += " ORDER BY id"
    if limit is not None:
        sql = f"SELECT * FROM ({sql.replace(' ORDER BY id', ' ORDER BY id DESC')} LIMIT ?) ORDER BY id"
        args.append(limit)
    return [dict(row) for row in store.db.execute(sql, args).fetchall()]
