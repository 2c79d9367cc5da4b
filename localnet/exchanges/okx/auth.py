"""How OKX checks a private request: four OK-ACCESS-* headers, the demo-trading header, the signature."""

from __future__ import annotations

import hmac
import re
from datetime import datetime, timedelta, timezone

from localnet.core import keys, signatures
from localnet.core.http import Call
from localnet.core.store import Store
from localnet.exchanges.okx import errors

NAME = "okx"
WINDOW_MS = 30_000  # a timestamp further than this from server time is refused with 50102
TIMESTAMP_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
DEMO_HEADER = "x-simulated-trading"
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)

# localnet's permissions -> the names OKX shows in `perm` (GET /api/v5/account/config).
PERMISSION_NAMES = {"read": "read_only", "trade": "trade", "withdraw": "withdraw"}


def parse_timestamp(text: str) -> int | None:
    """Milliseconds since the epoch for 2020-12-08T09:08:57.715Z (exactly this shape), else None."""
    if not TIMESTAMP_RE.match(text):
        return None
    try:
        moment = datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)
    except ValueError:
        return None
    return (moment - EPOCH) // timedelta(milliseconds=1)


def prehash(call: Call) -> bytes:
    """What the client signed: timestamp + METHOD + path (+ "?" + query as sent) + body as sent."""
    target = call.path.encode("latin-1") + (b"?" + call.query if call.query else b"")
    timestamp = call.headers.get("ok-access-timestamp", "").encode("latin-1")
    return timestamp + call.method.encode("ascii") + target + call.body


def authenticate(store: Store, call: Call) -> keys.Key:
    """The key of a private request, after every check OKX makes; raises OkxError (401) otherwise.

    Order: headers present, timestamp readable and recent, key known (and not revoked), demo
    header, passphrase, signature, IP allow-list.
    """
    headers = call.headers
    api_key = headers.get("ok-access-key", "")
    call.claimed_key = api_key or None
    if not api_key:
        raise errors.key_missing()
    if not headers.get("ok-access-passphrase"):
        raise errors.passphrase_missing()
    if not headers.get("ok-access-sign"):
        raise errors.sign_missing()
    timestamp = headers.get("ok-access-timestamp", "")
    if not timestamp:
        raise errors.timestamp_missing()
    sent_ms = parse_timestamp(timestamp)
    if sent_ms is None:
        raise errors.timestamp_invalid()
    if abs(call.now_ms - sent_ms) > WINDOW_MS:
        raise errors.timestamp_expired()
    key = keys.find(store, NAME, api_key)
    if key is None:
        raise errors.key_invalid()
    if headers.get(DEMO_HEADER) != "1":
        raise errors.wrong_environment()
    if not hmac.compare_digest((key.passphrase or "").encode(), headers["ok-access-passphrase"].encode("latin-1")):
        raise errors.passphrase_wrong()
    if not signatures.hmac_base64_ok((key.secret or "").encode(), prehash(call), headers["ok-access-sign"]):
        raise errors.signature_invalid()
    if not key.allows_ip(call.peer):
        raise errors.ip_not_allowed(call.peer)
    return key


def permission_list(key: keys.Key) -> str:
    """`perm` of account/config: e.g. "read_only,trade,withdraw"."""
    return ",".join(PERMISSION_NAMES[p] for p in keys.PERMISSIONS if p in key.permissions)


def ip_list(key: keys.Key) -> str:
    """`ip` of account/config: the allow-list, single addresses without their /32 (or /128)."""
    return ",".join(net.removesuffix("/32").removesuffix("/128") for net in key.ips)
