"""Bybit v5 authentication: four headers, a time window, then key, IP, permission and signature.

Bybit does not document the order of its checks; localnet's order (its choice, stated on the
Bybit page): the headers must be present, the timestamp is checked before the key is even looked
up, and the signature is checked last, after the IP allow-list and the permission. So a read-only
key that sends a wrongly signed order hears 10005, not 10004.
"""

from __future__ import annotations

from localnet.core import keys, signatures
from localnet.core.http import Call, Route
from localnet.core.store import Store
from localnet.exchanges.bybit import errors, views
from localnet.exchanges.bybit.params import parse_int64

API_KEY = "x-bapi-api-key"
TIMESTAMP = "x-bapi-timestamp"
RECV_WINDOW = "x-bapi-recv-window"
SIGN = "x-bapi-sign"
DEFAULT_RECV_WINDOW_MS = 5000
FUTURE_TOLERANCE_MS = 1000  # server_time - recv_window <= timestamp < server_time + 1000
EXCHANGE = "bybit"


def header(call: Call, name: str) -> str:
    return call.headers.get(name, "")


def check_window(call: Call) -> None:
    """10001 for an unreadable timestamp or window, 10002 outside [server - window, server + 1000)."""
    stamp = parse_int64(header(call, TIMESTAMP))
    if stamp is None:
        raise errors.bad_timestamp()
    window = DEFAULT_RECV_WINDOW_MS
    raw_window = header(call, RECV_WINDOW)
    if raw_window:
        parsed = parse_int64(raw_window)
        if parsed is None:
            raise errors.bad_recv_window()
        window = parsed
    now = call.now_ms
    if stamp >= now + FUTURE_TOLERANCE_MS or stamp < now - window:
        raise errors.outside_window(stamp, now, window)


def signed_bytes(call: Call) -> bytes:
    """timestamp + API key + receive window (as sent, even when empty) + query string or raw body."""
    prefix = header(call, TIMESTAMP) + header(call, API_KEY) + header(call, RECV_WINDOW)
    payload = call.query if call.method == "GET" else call.body
    return prefix.encode("latin-1") + payload


def signature_ok(key: keys.Key, message: bytes, signature: str) -> bool:
    """HMAC keys: hex HMAC-SHA256 (Bybit compares it case-insensitively). RSA keys: base64 PKCS#1 v1.5."""
    if key.type == "rsa":
        return signatures.public_key_base64_ok(key.public_key_pem, message, signature)
    return signatures.hmac_hex_ok(key.secret.encode(), message, signature, ignore_case=True)


def allowed(key: keys.Key, permission: str) -> bool:
    """Every Bybit key can read; trading needs SpotTrade, withdrawing needs Withdraw."""
    return permission == "read" or permission in key.permissions


def authenticate(store: Store, call: Call, route: Route) -> keys.Key:
    api_key = header(call, API_KEY)
    if not api_key:
        raise errors.no_auth_header()
    call.claimed_key = api_key
    timestamp = header(call, TIMESTAMP)
    if not timestamp:
        raise errors.empty_value(timestamp, api_key)
    signature = header(call, SIGN)
    if not signature:
        raise errors.empty_value(timestamp, api_key, signature)
    check_window(call)
    key = keys.find(store, EXCHANGE, api_key)
    if key is None:
        raise errors.invalid_key()
    expires = views.key_expires_ms(key)
    if expires is not None and expires <= call.now_ms:
        raise errors.expired_key()
    if not key.allows_ip(call.peer):
        raise errors.unmatched_ip()
    if not allowed(key, route.permission or "read"):
        raise errors.permission_denied()
    message = signed_bytes(call)
    if not signature_ok(key, message, signature):
        raise errors.bad_signature(call.query if call.method == "GET" else call.body)
    return key
