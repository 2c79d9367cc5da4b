"""Private-call checks, in order: API-Key, body, API-Sign, IP allow-list, call counter, nonce; then the permission.

The nonce is recorded only after the signature has been verified, so a forged request can never
use up a key's nonces; a refused call (bad IP, rate limit) does not use one either.
"""

from __future__ import annotations

import hashlib
import re

from localnet.core import keys, signatures
from localnet.core.http import Call
from localnet.core.store import Store
from localnet.exchanges.kraken import errors
from localnet.exchanges.kraken.counter import CallCounter
from localnet.exchanges.kraken.params import read_body

API_KEY_RE = re.compile(r"^[A-Za-z0-9+/]{56}$")  # 42 random bytes in base64, as Kraken issues them
SECRET_BYTES = 64  # a Kraken private key is 64 random bytes, shown in base64 (88 characters)
NONCE_RE = re.compile(r"^[0-9]{1,20}$")
ANY_KEY = ""  # Route.permission for calls any valid key may make (GetApiKeyInfo)


def message(uri_path: str, nonce: str, body: bytes) -> bytes:
    """What Kraken signs: the URI path, then SHA-256 of the nonce text followed by the raw body."""
    return uri_path.encode("utf-8") + hashlib.sha256(nonce.encode("utf-8") + body).digest()


def signature_ok(key: keys.Key, uri_path: str, nonce: str, body: bytes, signature: str) -> bool:
    """API-Sign is base64(HMAC-SHA512(base64decode(secret), message)), over the bytes received."""
    secret = signatures.b64decode_strict(key.secret or "")
    if not secret:
        return False
    return signatures.hmac_base64_ok(secret, message(uri_path, nonce, body), signature, "sha512")


def authenticate(store: Store, exchange: str, counter: CallCounter, call: Call, cost: int) -> keys.Key:
    """The key behind a private call, after every check; raises Kraken's error for the first that fails."""
    api_key = call.headers.get("api-key")
    if api_key is None or not API_KEY_RE.match(api_key):
        raise errors.error(errors.INVALID_KEY)
    call.claimed_key = api_key
    key = keys.find(store, exchange, api_key)
    if key is None:
        raise errors.error(errors.INVALID_KEY)
    call.params = read_body(call)
    nonce = call.params.get("nonce", "")
    nonce_text = nonce if isinstance(nonce, str) else ""
    if not signature_ok(key, call.path, nonce_text, call.body, call.headers.get("api-sign", "")):
        raise errors.error(errors.INVALID_SIGNATURE)
    if not key.allows_ip(call.peer):
        # Kraken's wording for an IP outside the key's allow-list is not published; see the docs page.
        raise errors.error(errors.PERMISSION_DENIED)
    if not counter.charge(key.id, cost):
        raise errors.error(errors.RATE_LIMIT)
    if not NONCE_RE.match(nonce_text) or not keys.accept_nonce(store, key.id, int(nonce_text)):
        raise errors.error(errors.INVALID_NONCE)
    return key


def authorize(key: keys.Key, permission: str | None) -> None:
    """EGeneral:Permission denied unless the key holds the route's permission."""
    if permission and permission not in key.permissions:
        raise errors.error(errors.PERMISSION_DENIED)
