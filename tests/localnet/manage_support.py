"""Helpers for tests of localnet's key-management page: a client that behaves like the page, and one
signed read call per exchange and key type, to show that a key made on the page works."""

from __future__ import annotations

import json
import time

import httpx
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from snippets import binance as binance_recipe
from tests.localnet import bybit_support
from tests.localnet.coinbase_support import V3, Coinbase
from tests.localnet.kraken_support import Kraken
from tests.localnet.okx_support import Okx


class Manage:
    """Talks to the management API the way manage.js does: token from /api/session, cookie, Origin."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.http = httpx.Client(base_url=base, timeout=30)
        self.token = self.http.get("/api/session").json()["csrf_token"]

    def headers(self, **overrides: str | None) -> dict[str, str]:
        h = {"Origin": self.base, "X-CSRF-Token": self.token, "Content-Type": "application/json"}
        for name, value in overrides.items():
            name = name.replace("_", "-")
            h = {k: v for k, v in h.items() if k.lower() != name.lower()}
            if value is not None:
                h[name] = value
        return h

    def get(self, path: str, **kw) -> httpx.Response:
        return self.http.get(path, **kw)

    def post(self, path: str, body: object = None, *, content: bytes | None = None, **overrides: str | None) -> httpx.Response:
        if content is None:
            content = json.dumps({} if body is None else body).encode()
        return self.http.post(path, content=content, headers=self.headers(**overrides))

    def create(self, **body: object) -> dict:
        r = self.post("/api/keys", body)
        assert r.status_code == 201, r.text
        return r.json()

    def keys(self, exchange: str | None = None) -> list[dict]:
        r = self.get("/api/keys", params={"exchange": exchange} if exchange else None)
        assert r.status_code == 200, r.text
        return r.json()["keys"]

    def log(self, key_id: int | None = None, limit: int | None = None) -> list[dict]:
        params = {k: v for k, v in (("key", key_id), ("limit", limit)) if v is not None}
        r = self.get("/api/activity", params=params)
        assert r.status_code == 200, r.text
        return r.json()["entries"]

    def close(self) -> None:
        self.http.close()


def new_pair(key_type: str) -> tuple[str, str]:
    """(private PKCS#8 PEM, public PEM) made on the spot: a key pair for one test, never a real one."""
    if key_type == "ed25519":
        private = ed25519.Ed25519PrivateKey.generate()
    elif key_type == "rsa":
        private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    else:
        raise ValueError(key_type)
    private_pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                        serialization.NoEncryption()).decode()
    public_pem = private.public_key().public_bytes(serialization.Encoding.PEM,
                                                   serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return private_pem, public_pem


def binance_account(base: str, api_key: str, secret: str | None = None, private_pem: str | None = None) -> httpx.Response:
    """GET /api/v3/account signed with an HMAC secret or a private key (snippets/binance.py)."""
    params = {"timestamp": int(time.time() * 1000)}
    if private_pem is not None:
        query = binance_recipe.signed_query_with_private_key(params, private_pem)
    else:
        query = binance_recipe.signed_query(params, secret)
    return httpx.get(f"{base}/api/v3/account?{query}", headers={"X-MBX-APIKEY": api_key}, timeout=30)


def read_call(net, made: dict, private_pem: str | None = None) -> tuple[bool, httpx.Response]:
    """One signed read call with a key the page made: (accepted by the exchange?, the answer)."""
    exchange, key = made["key"]["exchange"], {**made, "type": made["key"]["type"]}
    base = net.url(exchange)
    if exchange == "binance":
        r = binance_account(base, made["api_key"], made["secret"], private_pem)
        return r.status_code == 200 and "balances" in r.json(), r
    if exchange == "bybit":
        client = bybit_support.Bybit(base, key, rsa=key["type"] == "rsa")
        try:
            r = client.get("/v5/account/info")
        finally:
            client.close()
        return r.status_code == 200 and r.json()["retCode"] == 0, r
    if exchange == "okx":
        client = Okx(base, key)
        try:
            r = client.get("/api/v5/account/balance")
        finally:
            client.close()
        return r.status_code == 200 and r.json()["code"] == "0", r
    if exchange == "kraken":
        client = Kraken(base, key)
        try:
            r = client.private("Balance")
        finally:
            client.close()
        return r.status_code == 200 and r.json()["error"] == [], r
    if exchange == "coinbase":
        client = Coinbase(base, key)
        try:
            r = client.get(f"{V3}/accounts")
        finally:
            client.close()
        return r.status_code == 200, r
    raise ValueError(exchange)
