"""Binance SIGNED-request checks: API-key header, timing window, signature, IP allow-list, permission."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ed25519, padding, rsa
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from localnet.core import keys
from localnet.core.store import Store
from localnet.exchanges.binance import errors
from localnet.exchanges.binance.params import Params, recv_window_us, timestamp_us

API_KEY_RE = re.compile(r"^[A-Za-z0-9]{64}$")
HEX_RE = re.compile(r"^[0-9a-fA-F]{64}$")

# Our common permission names and the switch each one is on Binance's API-management page.
PERMISSION_NAMES = {
    "read": "enableReading",
    "trade": "enableSpotAndMarginTrading",
    "withdraw": "enableWithdrawals",
}


def lookup_key(store: Store, exchange: str, header: str | None) -> keys.Key:
    """The key named by X-MBX-APIKEY: -2014 when missing or malformed, -2015 when unknown or revoked."""
    if header is None or not API_KEY_RE.match(header):
        raise errors.bad_key_format()
    key = keys.find(store, exchange, header)
    if key is None:
        raise errors.rejected_key()
    return key


def check_time(params: Params, server_us: int) -> None:
    """Binance's rule: timestamp < serverTime + 1000 ms and serverTime - timestamp <= recvWindow."""
    stamp_us = timestamp_us(params)
    window_us = recv_window_us(params)
    if stamp_us >= server_us + 1_000_000:
        raise errors.timestamp_ahead()
    if server_us - stamp_us > window_us:
        raise errors.timestamp_outside()


def signature_ok(key: keys.Key, payload: bytes, signature: str) -> bool:
    """Verify `signature` over the exact payload bytes, as the key's type requires."""
    if key.type == "hmac":
        if not HEX_RE.match(signature) or key.secret is None:
            return False
        expected = hmac.new(key.secret.encode("utf-8"), payload, hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, signature.lower())
    try:
        raw = base64.b64decode(signature.encode("ascii"), validate=True)
        public = load_pem_public_key((key.public_key_pem or "").encode())
        if key.type == "ed25519" and isinstance(public, ed25519.Ed25519PublicKey):
            public.verify(raw, payload)
            return True
        if key.type == "rsa" and isinstance(public, rsa.RSAPublicKey):
            public.verify(raw, payload, padding.PKCS1v15(), hashes.SHA256())
            return True
    except (InvalidSignature, ValueError, UnicodeEncodeError, binascii.Error):
        return False
    return False


def authenticate(key: keys.Key, params: Params, server_us: int, peer_ip: str, permission: str) -> None:
    """Every check after the key lookup, in this order: IP, signature, timing, permission.

    The signature is checked before the timing window, so any change to a signed request
    (its timestamp included) is reported as -1022.
    """
    if not key.allows_ip(peer_ip):
        raise errors.rejected_key()
    if not params.signature:
        raise errors.mandatory("signature")
    if not signature_ok(key, params.payload, params.signature):
        raise errors.bad_signature()
    check_time(params, server_us)
    if permission not in key.permissions:
        raise errors.rejected_key()
    if permission == "withdraw" and not key.ips:
        # Binance lets only IP-restricted keys withdraw.
        raise errors.rejected_key()
