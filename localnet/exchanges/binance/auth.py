"""Binance SIGNED-request checks: API-key header, timing window, signature, IP allow-list, permission."""

from __future__ import annotations

import re

from localnet.core import keys, signatures
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
        return (key.secret is not None and HEX_RE.match(signature) is not None
                and signatures.hmac_hex_ok(key.secret.encode("utf-8"), payload, signature, ignore_case=True))
    return signatures.public_key_base64_ok(key.public_key_pem, payload, signature)


def authenticate(key: keys.Key, params: Params, server_us: int, peer_ip: str) -> None:
    """The checks after the key lookup, in this order: IP, signature, timing.

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


def authorize(key: keys.Key, permission: str) -> None:
    """-2015 for a key without the permission; Binance lets only IP-restricted keys withdraw."""
    if permission not in key.permissions:
        raise errors.rejected_key()
    if permission == "withdraw" and not key.ips:
        raise errors.rejected_key()
