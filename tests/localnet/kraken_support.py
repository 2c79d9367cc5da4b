"""Helpers for the Kraken localnet tests: the published example, a small client, error checks."""

from __future__ import annotations

import base64
import itertools
import time

import httpx

from snippets import kraken as signer

# Kraken "Spot REST Authentication" guide, AddOrder example (public and illustrative).
DOC_SECRET = "kQH5HW/8p1uGOVjbgWA7FunAmGO8lsSUXNsu3eow76sz84Q18fWxnyRzBHCd3pd5nE9qa99HAZtuZuj6F1huXg=="
DOC_NONCE = "1616492376594"
DOC_BODY = "nonce=1616492376594&ordertype=limit&pair=XBTUSD&price=37500&type=buy&volume=1.25"
DOC_PATH = "/0/private/AddOrder"
DOC_SIGNATURE = "4/dpxb3iT4tp/ZCVEwSnEsLxx0bqyhLpdfOpc6fn7OR8+UClSV5n9E6aSS8MPtnRfp32bAb0nmbRn6H8ndwLUQ=="
# An obviously fake secret of the right shape (64 bytes, base64).
DEMO_SECRET = base64.b64encode(b"TEST_SECRET_DO_NOT_USE_".ljust(64, b"x")).decode()

_serial = itertools.count(1)
_nonces = itertools.count(int(time.time() * 1000))


def demo_api_key() -> str:
    """A new, obviously fake 56-character API key each call."""
    return f"DEMOKEYDONOTUSE{next(_serial):06d}".ljust(56, "A")


def next_nonce() -> str:
    return str(next(_nonces))


class Kraken:
    """A tiny client for one key, signing with the snippet learners copy."""

    def __init__(self, base: str, key: dict | None = None) -> None:
        self.key = key
        self.http = httpx.Client(base_url=base, timeout=30)

    def public(self, method: str, **params: object) -> httpx.Response:
        return self.http.get(f"/0/public/{method}", params=params)

    def private(self, method: str, **params: object) -> httpx.Response:
        path, headers, body = signer.private_request(self.key["api_key"], self.key["secret"], method, params,
                                                     nonce=next_nonce())
        return self.http.post(path, content=body.encode(), headers=headers)

    def result(self, method: str, **params: object) -> dict:
        """The `result` of a private call that must succeed."""
        response = self.private(method, **params)
        assert response.status_code == 200 and response.json()["error"] == [], response.text
        return response.json()["result"]

    def raw(self, path: str, body: bytes | str = b"", headers: dict | None = None) -> httpx.Response:
        """POST exactly these bytes and headers."""
        return self.http.post(path, content=body.encode() if isinstance(body, str) else body, headers=headers or {})

    def close(self) -> None:
        self.http.close()


def assert_error(response: httpx.Response, text: str, status: int = 200) -> None:
    """Kraken's error shape: HTTP 200 (normally) and {"error": ["<text>"]}, no result."""
    assert response.status_code == status, response.text
    assert response.json() == {"error": [text]}, response.text
