"""Kraken-style ids ("OQCLML-BW3P3-BUCMWZ") made from localnet's row ids, and back again.

The 16 characters after the prefix letter are the row id scrambled by an invertible affine map
modulo 36**16, written in base 36. The same row id always gives the same txid, txids look
random, and a txid can be turned back into its row id without a lookup table.
"""

from __future__ import annotations

import re
import string

DIGITS = string.digits + string.ascii_uppercase
SPACE = 36**16
MULTIPLIER = 0x5ABB24011207133BE40F5  # odd and not a multiple of 3, so invertible modulo 36**16
INVERSE = pow(MULTIPLIER, -1, SPACE)
OFFSETS = {"O": 0x3F99EDD16A259AA5D670A, "T": 0x63327D345B26B137B17C6, "L": 0x20CE04EAD16BBC2B9BFBC}
TXID_RE = re.compile(r"^([OTL])([0-9A-Z]{5})-([0-9A-Z]{5})-([0-9A-Z]{6})$")


def encode(prefix: str, row_id: int) -> str:
    """The Kraken-style id for row `row_id`: prefix O (orders), T (trades) or L (ledger entries)."""
    value = (row_id * MULTIPLIER + OFFSETS[prefix]) % SPACE
    chars = []
    for _ in range(16):
        value, digit = divmod(value, 36)
        chars.append(DIGITS[digit])
    text = "".join(reversed(chars))
    return f"{prefix}{text[:5]}-{text[5:10]}-{text[10:]}"


def decode(prefix: str, txid: str) -> int | None:
    """The row id behind `txid`, or None when it is not a well-formed id with this prefix."""
    match = TXID_RE.match(txid)
    if match is None or match.group(1) != prefix:
        return None
    value = int("".join(match.groups()[1:]), 36)
    row_id = ((value - OFFSETS[prefix]) * INVERSE) % SPACE
    return row_id if 0 < row_id < 2**63 else None
