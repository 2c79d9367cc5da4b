"""Coinbase's UUIDs for localnet's numeric ids: stable, and readable back where clients send them."""

from __future__ import annotations

import uuid
from functools import lru_cache

NAMESPACE = uuid.UUID("6b1f3c0e-5c39-4f3a-9b7e-1c0ba5e0c0de")


@lru_cache(maxsize=4096)  # a listing derives the same few UUIDs on every call; uuid5 hashes each time
def named(kind: str, *parts: object) -> str:
    """A stable UUID for (kind, parts)."""
    return str(uuid.uuid5(NAMESPACE, ":".join([kind, *map(str, parts)])))


def account_uuid(account_id: int, asset: str) -> str:
    """One Coinbase account (wallet) per asset of a localnet account."""
    return named("account", account_id, asset)


def portfolio_uuid(account_id: int) -> str:
    return named("portfolio", account_id)


def user_id(account_id: int) -> str:
    return named("user", account_id)


def order_uuid(order_id: int) -> str:
    """A UUID whose last group is the ledger's order id in hex; the rest is a hash of it."""
    head = named("order", order_id)[:24]
    return f"{head}{order_id:012x}"


def order_id_of(text: str) -> int | None:
    """The ledger order id behind an order UUID made by order_uuid, or None."""
    if not isinstance(text, str) or len(text) != 36:
        return None
    try:
        order_id = int(text[24:], 16)
    except ValueError:
        return None
    return order_id if order_uuid(order_id) == text else None


def fill_uuid(fill_id: int) -> str:
    return named("fill", fill_id)
