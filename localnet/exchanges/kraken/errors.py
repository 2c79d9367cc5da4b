"""Kraken's error texts. Kraken answers errors with HTTP 200 and {"error": ["<text>"]}.

The text is "<severity><category>:<message>" (E = error). localnet keeps the whole text as the
ApiError code (that is what the activity log records) and as its message.
"""

from __future__ import annotations

from localnet.core.http import ApiError

INVALID_KEY = "EAPI:Invalid key"
INVALID_SIGNATURE = "EAPI:Invalid signature"
INVALID_NONCE = "EAPI:Invalid nonce"
RATE_LIMIT = "EAPI:Rate limit exceeded"
PERMISSION_DENIED = "EGeneral:Permission denied"
INVALID_ARGUMENTS = "EGeneral:Invalid arguments"
UNKNOWN_METHOD = "EGeneral:Unknown method"
INTERNAL = "EGeneral:Internal error"
UNKNOWN_PAIR = "EQuery:Unknown asset pair"
UNKNOWN_ASSET = "EQuery:Unknown asset"
UNKNOWN_ORDER = "EOrder:Unknown order"
INVALID_ORDER = "EOrder:Invalid order"
INSUFFICIENT_FUNDS = "EOrder:Insufficient funds"
ORDER_MINIMUM = "EOrder:Order minimum not met"
COST_MINIMUM = "EOrder:Cost minimum not met"
FUNDING_UNKNOWN_ASSET = "EFunding:Unknown asset"
FUNDING_INSUFFICIENT = "EFunding:Insufficient funds"


def error(text: str, status: int = 200) -> ApiError:
    """An answer {"error": [text]} with HTTP `status` (200, as Kraken does, unless said otherwise)."""
    return ApiError(status, text, text)


def invalid_argument(name: str | None = None) -> ApiError:
    """EGeneral:Invalid arguments, naming the offending field the way Kraken does (":volume")."""
    return error(f"{INVALID_ARGUMENTS}:{name}" if name else INVALID_ARGUMENTS)


def invalid_price(pair_id: str, decimals: int) -> ApiError:
    """Kraken's wording for a price with more decimals than the pair allows."""
    return error(f"EOrder:Invalid price:{pair_id} price can only be specified up to {decimals} decimals.")
