"""API keys: creation, listing, revocation, rotation, IP allow-lists and permissions."""

from __future__ import annotations

import ipaddress
import secrets
import sqlite3
import string
from dataclasses import dataclass, field

from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from localnet.core import ledger
from localnet.core.store import Store

PERMISSIONS = ("read", "trade", "withdraw")
ALPHANUMERIC = string.ascii_letters + string.digits
PUBLIC_KEY_CLASSES = {
    "ed25519": ed25519.Ed25519PublicKey,
    "rsa": rsa.RSAPublicKey,
    "ecdsa": ec.EllipticCurvePublicKey,
}


class KeyProblem(ValueError):
    """A key could not be created or changed; the message says why."""


@dataclass
class KeySpec:
    """A key about to be created or rotated, before it is stored.

    An exchange's `prepare_key(spec)` checks it against that exchange's rules and fills in what
    the exchange would generate (its API-key format, its secret format, a key pair whose
    private half is shown once in `private_key`).
    """

    type: str = "hmac"
    permissions: tuple[str, ...] = ("read",)
    ips: tuple[str, ...] = ()
    label: str | None = None
    api_key: str | None = None
    secret: str | None = field(default=None, repr=False)  # never in a repr, a log line or a traceback
    public_key_pem: str | None = None
    passphrase: str | None = field(default=None, repr=False)
    private_key: str | None = field(default=None, repr=False)
    rotating: bool = False


@dataclass(frozen=True)
class Key:
    """One stored API key (the server side of it). Its repr leaves out the secret and passphrase."""

    id: int
    exchange: str
    account_id: int
    label: str | None
    api_key: str
    secret: str | None = field(repr=False)
    public_key_pem: str | None
    passphrase: str | None = field(repr=False)
    type: str
    permissions: tuple[str, ...]
    ips: tuple[str, ...]
    created_ms: int
    last_used_ms: int | None
    revoked: bool

    def allows_ip(self, ip: str) -> bool:
        """True when the key has no allow-list or `ip` is inside one of its networks."""
        if not self.ips:
            return True
        try:
            address = ipaddress.ip_address(ip)
        except ValueError:
            return False
        return any(address in ipaddress.ip_network(net, strict=False) for net in self.ips)

    def public_dict(self) -> dict:
        """Everything but the secret and passphrase, for listings."""
        return {
            "id": self.id,
            "exchange": self.exchange,
            "account_id": self.account_id,
            "label": self.label,
            "api_key": self.api_key,
            "type": self.type,
            "permissions": list(self.permissions),
            "ips": list(self.ips),
            "created_ms": self.created_ms,
            "last_used_ms": self.last_used_ms,
            "revoked": self.revoked,
        }


def _from_row(row: sqlite3.Row) -> Key:
    return Key(
        id=row["id"],
        exchange=row["exchange"],
        account_id=row["account_id"],
        label=row["label"],
        api_key=row["api_key"],
        secret=row["secret"],
        public_key_pem=row["public_key_pem"],
        passphrase=row["passphrase"],
        type=row["type"],
        permissions=tuple(p for p in row["permissions"].split(",") if p),
        ips=tuple(i for i in row["ips"].split(",") if i),
        created_ms=row["created_ms"],
        last_used_ms=row["last_used_ms"],
        revoked=bool(row["revoked"]),
    )


def random_token(length: int = 64) -> str:
    """A random alphanumeric string from `secrets` (API keys and HMAC secrets)."""
    return "".join(secrets.choice(ALPHANUMERIC) for _ in range(length))


def normalise_permissions(permissions: object) -> tuple[str, ...]:
    """('read', 'trade') from a tuple or 'read,trade'; refuses unknown names."""
    items = permissions.split(",") if isinstance(permissions, str) else list(permissions)  # type: ignore[arg-type]
    names = [str(p).strip().lower() for p in items if str(p).strip()]
    unknown = sorted(set(names) - set(PERMISSIONS))
    if unknown:
        raise KeyProblem(f"unknown permission(s) {', '.join(unknown)}; use {', '.join(PERMISSIONS)}")
    return tuple(p for p in PERMISSIONS if p in names)


def normalise_ips(ips: object) -> tuple[str, ...]:
    """Canonical network strings ('127.0.0.1/32') from addresses or CIDR blocks."""
    out = []
    for item in ips or ():  # type: ignore[attr-defined]
        for part in str(item).split(","):
            part = part.strip()
            if not part:
                continue
            try:
                out.append(str(ipaddress.ip_network(part, strict=False)))
            except ValueError:
                raise KeyProblem(f"not an IP address or CIDR block: {part!r}") from None
    return tuple(out)


def check_public_key(key_type: str, pem: str) -> str:
    """The PEM, after checking that it is a public key of `key_type`."""
    try:
        key = load_pem_public_key(pem.encode())
    except (ValueError, TypeError):
        raise KeyProblem("the public key must be a PEM 'PUBLIC KEY' (SubjectPublicKeyInfo) block") from None
    if not isinstance(key, PUBLIC_KEY_CLASSES[key_type]):
        raise KeyProblem(f"the public key is not a {key_type} key")
    if isinstance(key, rsa.RSAPublicKey) and not 2048 <= key.key_size <= 4096:
        raise KeyProblem("RSA keys must have 2048 to 4096 bits")
    return pem.strip() + "\n"


def create_key(store: Store, exchange: str, spec: KeySpec, *, now_ms: int, funding: dict[str, str],
               account_id: int | None = None) -> dict:
    """Create (or import) the key `spec` describes, with a new funded account unless `account_id` is given.

    Fills in what the exchange left open (a 64-character API key and HMAC secret). Returns the
    one dict that ever shows the secret.
    """
    perms = normalise_permissions(spec.permissions)
    nets = normalise_ips(spec.ips)
    key_type, secret, public_key_pem = spec.type, spec.secret, spec.public_key_pem
    if key_type not in ("hmac", *PUBLIC_KEY_CLASSES):
        raise KeyProblem(f"unknown key type {key_type!r}")
    if key_type == "hmac":
        if public_key_pem:
            raise KeyProblem("an HMAC key takes no public key")
        secret = secret if secret is not None else random_token(64)
        if not secret:
            raise KeyProblem("the secret must not be empty")
    else:
        if secret is not None:
            raise KeyProblem(f"a {key_type} key has no shared secret; register its public key instead")
        if not public_key_pem:
            raise KeyProblem(f"a {key_type} key needs --public-key PEM_FILE (the private key stays with you)")
        public_key_pem = check_public_key(key_type, public_key_pem)
    api_key = spec.api_key if spec.api_key is not None else random_token(64)
    with store.transaction() as db:
        if db.execute("SELECT 1 FROM keys WHERE exchange = ? AND api_key = ?", (exchange, api_key)).fetchone():
            raise KeyProblem("that API key already exists")
        if account_id is None:
            account_id = ledger.open_account(db, exchange, funding, now_ms)
        elif not db.execute("SELECT 1 FROM accounts WHERE id = ? AND exchange = ?", (account_id, exchange)).fetchone():
            raise KeyProblem(f"no {exchange} account {account_id}")
        cur = db.execute(
            "INSERT INTO keys (exchange, account_id, label, api_key, secret, public_key_pem, passphrase, type,"
            " permissions, ips, created_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (exchange, account_id, spec.label, api_key, secret, public_key_pem, spec.passphrase, key_type,
             ",".join(perms), ",".join(nets), now_ms),
        )
        key_id = cur.lastrowid
    out = {
        "id": key_id,
        "exchange": exchange,
        "api_key": api_key,
        "secret": secret if key_type == "hmac" else None,
        "passphrase": spec.passphrase,
        "permissions": list(perms),
        "ips": list(nets),
        "type": key_type,
        "label": spec.label,
        "account_id": account_id,
    }
    if spec.private_key is not None:
        out["private_key"] = spec.private_key
    return out


def get(store: Store, key_id: int) -> Key | None:
    row = store.db.execute("SELECT * FROM keys WHERE id = ?", (key_id,)).fetchone()
    return _from_row(row) if row else None


def find(store: Store, exchange: str, api_key: str, include_revoked: bool = False) -> Key | None:
    """The live (or, with include_revoked, any) key with this API-key string, if any."""
    row = store.db.execute(
        "SELECT * FROM keys WHERE exchange = ? AND api_key = ? AND revoked <= ?",
        (exchange, api_key, 1 if include_revoked else 0),
    ).fetchone()
    return _from_row(row) if row else None


def list_keys(store: Store, exchange: str | None = None) -> list[Key]:
    sql, args = "SELECT * FROM keys", ()
    if exchange:
        sql, args = sql + " WHERE exchange = ?", (exchange,)
    return [_from_row(r) for r in store.db.execute(sql + " ORDER BY id", args).fetchall()]


def revoke(store: Store, key_id: int) -> None:
    with store.transaction() as db:
        if db.execute("UPDATE keys SET revoked = 1 WHERE id = ?", (key_id,)).rowcount == 0:
            raise KeyProblem(f"no key {key_id}")


def rotate(store: Store, key_id: int, public_key_pem: str | None = None, secret: str | None = None) -> dict:
    """Give key `key_id` a new secret (or a new public key); the old one stops working at once."""
    key = get(store, key_id)
    if key is None or key.revoked:
        raise KeyProblem(f"no live key {key_id}")
    if key.type == "hmac":
        secret = secret or random_token(64)
        public_key_pem = None
    else:
        secret = None
        if not public_key_pem:
            raise KeyProblem(f"rotating a {key.type} key needs the new --public-key PEM_FILE")
        public_key_pem = check_public_key(key.type, public_key_pem)
    with store.transaction() as db:
        db.execute("UPDATE keys SET secret = ?, public_key_pem = ? WHERE id = ?", (secret, public_key_pem, key_id))
    out = key.public_dict()
    out["secret"] = secret
    out["passphrase"] = key.passphrase
    return out


def touch(store: Store, key_id: int, now_ms: int) -> None:
    """Record that the key was just used successfully (bookkeeping: a read call's commit may skip the fsync)."""
    with store.transaction(durable=False) as db:
        db.execute("UPDATE keys SET last_used_ms = ? WHERE id = ?", (now_ms, key_id))


def accept_nonce(store: Store, key_id: int, nonce: int) -> bool:
    """Record `nonce` for the key if it is larger than every nonce accepted before; else False.

    Nonces are unsigned 64-bit integers, beyond SQLite's signed range, so they are stored as
    zero-padded text (which sorts like the numbers) and compared inside one write transaction.
    """
    if not 0 <= nonce < 2**64:
        return False
    with store.transaction(durable=False) as db:  # bookkeeping of the call it belongs to (see Store._connect)
        row = db.execute("SELECT last FROM nonces WHERE key_id = ?", (key_id,)).fetchone()
        if row is not None and int(row["last"]) >= nonce:
            return False
        db.execute("INSERT OR REPLACE INTO nonces (key_id, last) VALUES (?, ?)", (key_id, f"{nonce:020d}"))
    return True


def last_nonce(store: Store, key_id: int) -> int:
    """The largest nonce accepted for the key so far (0 before the first)."""
    row = store.db.execute("SELECT last FROM nonces WHERE key_id = ?", (key_id,)).fetchone()
    return int(row["last"]) if row else 0
