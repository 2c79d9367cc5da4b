"""Helpers for the Bybit tests: a small signed-request client written from Bybit's rules, and error checks."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

import httpx
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

from tests.localnet.rsa_demo_key import PRIVATE_PEM

# exchanges.md §2.5: Bybit's documented inputs (Y1) and the project vectors (Y2).
DOC_KEY = "XXXXXXXXXX"
SECRET = "TEST_SECRET_DO_NOT_USE_0123456789abcd"
GET_TIME, POST_TIME = 1658384314791, 1658385579423
GET_QUERY = "category=option&symbol=BTC-29JUL22-25000-C"
POST_BODY = '{"category": "option"}'
Y2_GET_HMAC = "86f8f2493cb5efc24b8f7ca0fd1a60ae80897dfcc9e8ec96ab5ed64da34f7b13"
Y2_POST_HMAC = "e1f7920afbadacd7f71f162c59e9d5d9927ab1986807a90a161cd762aed66e54"
Y2_GET_RSA = (
    "jyPd91X7KN2WRyrYaHQBsEcrgNfts7AXfRpg4z3X8aHZb4o99o1hJ8GWqf/aAm2T0AdcJEqPIARvhUiiNf7XXsAwinf0OUKS9FYEETD4KcD8"
    "HLsOlMfFxNADBV4y3+0xs5Ee73zCsPp0uYXF5a1XJA9v/4/i94Mq6x822PVaHZbCTJV64/6vBMEk9O3n9JHI/OaUJZZkM1ck6a/bDC7fE8iH"
    "W+y95zrx5zhbLtmN9tu5EF3n4aFOdKULRxgtHKAIcmqlbmCG5N/K20T/ckMb6GgMKzsnkYOduGS1kQ9cHAXgL1Lv5wLebv4CjRfB7nDYc5eL"
    "k8lLiO55cib4sHYlww=="
)
PUBLIC_PEM = serialization.load_pem_private_key(PRIVATE_PEM.encode(), None).public_key().public_bytes(
    serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def now_ms() -> int:
    return int(time.time() * 1000)


def hmac_hex(secret: str, plain: bytes) -> str:
    return hmac.new(secret.encode(), plain, hashlib.sha256).hexdigest()


def rsa_b64(plain: bytes) -> str:
    key = serialization.load_pem_private_key(PRIVATE_PEM.encode(), None)
    return base64.b64encode(key.sign(plain, padding.PKCS1v15(), hashes.SHA256())).decode()


class Bybit:
    """Signs like Bybit's docs say: timestamp + key + recv window + (query string | raw body)."""

    def __init__(self, base: str, key: dict | None = None, rsa: bool = False) -> None:
        self.key = key
        self.rsa = rsa
        self.http = httpx.Client(base_url=base, timeout=30)

    def sign(self, plain: bytes, secret: str | None = None) -> str:
        if self.rsa:
            return rsa_b64(plain)
        return hmac_hex(secret or self.key["secret"], plain)

    def headers(self, payload: bytes, timestamp: int | None = None, window: str | None = "5000",
                secret: str | None = None, api_key: str | None = None) -> dict[str, str]:
        api_key = api_key or self.key["api_key"]
        stamp = str(timestamp if timestamp is not None else now_ms())
        plain = (stamp + api_key + (window or "")).encode() + payload
        h = {"X-BAPI-API-KEY": api_key, "X-BAPI-TIMESTAMP": stamp, "X-BAPI-SIGN": self.sign(plain, secret),
             "Content-Type": "application/json"}
        if window is not None:
            h["X-BAPI-RECV-WINDOW"] = window
        return h

    def get(self, path: str, query: str = "", **kw) -> httpx.Response:
        target = f"{path}?{query}" if query else path
        return self.http.get(target, headers=self.headers(query.encode(), **kw))

    def post(self, path: str, body: dict | str | bytes, **kw) -> httpx.Response:
        raw = body if isinstance(body, bytes) else (body if isinstance(body, str) else json.dumps(body)).encode()
        return self.http.post(path, content=raw, headers=self.headers(raw, **kw))

    def raw(self, method: str, target: str, body: bytes = b"", headers: dict | None = None) -> httpx.Response:
        return self.http.request(method, target, content=body, headers=headers or {})

    def order(self, **fields) -> httpx.Response:
        body = {"category": "spot", "symbol": "BTCUSDT", "side": "Buy", "orderType": "Limit", "qty": "0.01",
                "price": "50000"}
        body.update(fields)
        return self.post("/v5/order/create", {k: v for k, v in body.items() if v is not None})

    def close(self) -> None:
        self.http.close()


def result(response: httpx.Response) -> dict:
    """The `result` of a successful answer (HTTP 200, retCode 0)."""
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["retCode"] == 0, body
    assert set(body) == {"retCode", "retMsg", "result", "retExtInfo", "time"}
    return body["result"]


def assert_error(response: httpx.Response, code: int, message: str, status: int = 200) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert (body["retCode"], body["retMsg"]) == (code, message), body
    assert body["result"] == {} and body["retExtInfo"] == {} and isinstance(body["time"], int)
