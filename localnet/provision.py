"""Create keys the way every front end (CLI, Python API) does: exchange rules, then the core."""

from __future__ import annotations

from localnet import exchanges
from localnet.core import clock, keys, ledger
from localnet.core.store import Store


def create_key(
    store: Store,
    exchange: str,
    *,
    permissions: object = ("read",),
    ips: object = (),
    type: str = "hmac",
    label: str | None = None,
    public_key_pem: str | None = None,
    api_key: str | None = None,
    secret: str | None = None,
    passphrase: str | None = None,
    account_id: int | None = None,
) -> dict:
    """A new key (and, unless `account_id`, a new funded account). Raises keys.KeyProblem or ValueError."""
    module = exchanges.get(exchange)
    perms = keys.normalise_permissions(permissions)
    nets = keys.normalise_ips(ips)
    module.check_key(type=type, permissions=perms, ips=nets, api_key=api_key)
    return keys.create_key(
        store, exchange, now_ms=clock.now_ms(store), funding=ledger.DEFAULT_FUNDING, permissions=perms, ips=nets,
        type=type, label=label, public_key_pem=public_key_pem, api_key=api_key, secret=secret,
        passphrase=passphrase, account_id=account_id,
    )
