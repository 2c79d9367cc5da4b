"""Create and rotate keys the way every front end (CLI, Python API) does: exchange rules, then the core."""

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
    """A new key (and, unless `account_id`, a new funded account). Raises keys.KeyProblem or ValueError.

    When the exchange generates the key pair itself (Coinbase), the answer carries the private
    key once, under "private_key".
    """
    module = exchanges.get(exchange)
    spec = keys.KeySpec(
        type=type, permissions=keys.normalise_permissions(permissions), ips=keys.normalise_ips(ips), label=label,
        api_key=api_key, secret=secret, public_key_pem=public_key_pem, passphrase=passphrase,
    )
    module.prepare_key(spec)
    funding = getattr(module, "FUNDING", ledger.DEFAULT_FUNDING)
    return keys.create_key(store, exchange, spec, now_ms=clock.now_ms(store), funding=funding, account_id=account_id)


def rotate_key(store: Store, key_id: int, public_key_pem: str | None = None) -> dict:
    """A new secret (or key pair, or registered public key) for a live key; the old one stops working."""
    key = keys.get(store, key_id)
    if key is None or key.revoked:
        raise keys.KeyProblem(f"no live key {key_id}")
    spec = keys.KeySpec(
        type=key.type, permissions=key.permissions, ips=key.ips, label=key.label, api_key=key.api_key,
        public_key_pem=public_key_pem, passphrase=key.passphrase, rotating=True,
    )
    exchanges.get(key.exchange).prepare_key(spec)
    out = keys.rotate(store, key_id, public_key_pem=spec.public_key_pem, secret=spec.secret)
    if spec.private_key is not None:
        out["private_key"] = spec.private_key
    return out
