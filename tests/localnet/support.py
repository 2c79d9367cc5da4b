"""Helpers for localnet tests: Binance's published example, a small signed-request client, error checks."""

from __future__ import annotations

import hashlib
import hmac
import time
from urllib.parse import urlencode

import httpx

# Binance's published example key (rest-api.md, "SIGNED Endpoint Examples"); public and illustrative.
DOC_API_KEY = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A"
DOC_SECRET = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j"
DOC_TIME = 1499827319559
DOC_PAYLOAD = ("symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1"
               "&recvWindow=5000&timestamp=1499827319559")
DOC_SIGNATURE = "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71"


def hmac_hex(secret: str, payload: str | bytes) -> str:
    data = payload.encode() if isinstance(payload, str) else payload
    return hmac.new(secret.encode(), data, hashlib.sha256).hexdigest()


def now_ms() -> int:
    return int(time.time() * 1000)


class Binance:
    """A tiny signed-request client for one key, written from Binance's rules (not from localnet's code)."""

    def __init__(self, base: str, key: dict | None = None) -> None:
        self.base = base
        self.key = key
        self.http = httpx.Client(base_url=base, timeout=30)

    def public(self, path: str, **params: object) -> httpx.Response:
        return self.http.get(path, params=params)

    def signed(self, method: str, path: str, *, in_body: bool = False, **params: object) -> httpx.Response:
        params.setdefault("timestamp", now_ms())
        query = urlencode([(k, str(v)) for k, v in params.items()])
        query += "&signature=" + hmac_hex(self.key["secret"], query)
        headers = {"X-MBX-APIKEY": self.key["api_key"]}
        if in_body:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            return self.http.request(method, path, content=query.encode(), headers=headers)
        return self.http.request(method, f"{path}?{query}", headers=headers)

    def raw(self, method: str, target: str, *, body: bytes = b"", headers: dict | None = None,
            api_key: str | None = None) -> httpx.Response:
        """Send exactly this target (path + query) and body."""
        h = {"X-MBX-APIKEY": api_key or self.key["api_key"]} if (api_key or self.key) else {}
        h.update(headers or {})
        return self.http.request(method, target, content=body, headers=h)

    def close(self) -> None:
        self.http.close()


def assert_error(response: httpx.Response, status: int, code: int, msg: str) -> None:
    assert response.status_code == status, response.text
    assert response.json() == {"code": code, "msg": msg}
