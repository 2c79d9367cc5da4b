"""Helpers for the Coinbase localnet tests: keys, a small JWT-signing client, error checks.

Tokens are made with the client-side snippet (snippets/coinbase.py) or, for deliberately wrong
ones, with PyJWT directly; nothing here reads localnet's own auth code.
"""

from __future__ import annotations

import time

import httpx
import jwt
from cryptography.hazmat.primitives import serialization

from snippets import coinbase as cb
from tests.test_snippets_coinbase import C1_KEY_NAME, C1_SECRET  # noqa: F401  (re-exported for the tests)

V3 = "/api/v3/brokerage"


def public_pem(secret: str) -> str:
    """The public key PEM of a CDP private key (base64 Ed25519 or EC PEM)."""
    return cb.load_private_key(secret).public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


class Coinbase:
    """Signs each request with a fresh JWT for the key, naming the host the request goes to."""

    def __init__(self, base: str, key: dict | None = None) -> None:
        self.base = base
        self.host = base.split("://", 1)[1]
        self.key = key
        self.http = httpx.Client(base_url=base, timeout=30)

    def token(self, method: str, path: str, **overrides: object) -> str:
        """A JWT for this request; `overrides` replace claims (None removes one) or set header fields (h_*)."""
        if not overrides:
            return cb.build_jwt(self.key["api_key"], self.key["private_key"], method, path, host=self.host)
        now = int(time.time())
        claims = {"sub": self.key["api_key"], "iss": "cdp", "nbf": now, "exp": now + 120,
                  "uri": f"{method} {self.host}{path}"}
        headers = {"kid": self.key["api_key"], "nonce": "00" * 16}
        private = cb.load_private_key(self.key["private_key"])
        algorithm = "ES256" if self.key["type"] == "ecdsa" else "EdDSA"
        for name, value in overrides.items():
            if name.startswith("h_"):
                headers[name[2:]] = value
            elif value is None:
                claims.pop(name, None)
            else:
                claims[name] = value
        if "alg" in headers:
            algorithm = headers.pop("alg")
        return jwt.encode(claims, None if algorithm == "none" else private, algorithm=algorithm, headers=headers)

    def get(self, path: str, params: dict | None = None, token: str | None = None) -> httpx.Response:
        token = token or self.token("GET", path)
        return self.http.get(path, params=params, headers={"Authorization": f"Bearer {token}"})

    def post(self, path: str, body: object = None, token: str | None = None, raw: bytes | None = None) -> httpx.Response:
        token = token or self.token("POST", path)
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        if raw is not None:
            return self.http.post(path, content=raw, headers=headers)
        return self.http.post(path, json=body, headers=headers)

    def order(self, product_id: str, side: str, configuration: dict, client_order_id: str | None = None) -> httpx.Response:
        body = {"client_order_id": client_order_id or f"t-{time.time_ns()}", "product_id": product_id,
                "side": side, "order_configuration": configuration}
        return self.post(f"{V3}/orders", body)

    def close(self) -> None:
        self.http.close()


def new_key(net, type: str = "ed25519", permissions=("read", "trade"), ips=()) -> dict:
    """A fresh funded account with a localnet-generated key pair (private key in "private_key")."""
    return net.create_key("coinbase", type=type, permissions=permissions, ips=ips)


def assert_unauthorized(response: httpx.Response) -> None:
    assert response.status_code == 401, response.text
    assert response.text == "Unauthorized\n"
    assert response.headers["content-type"] == "text/plain; charset=utf-8"


def assert_error(response: httpx.Response, status: int, error: str, message: str) -> None:
    assert response.status_code == status, response.text
    assert response.json() == {"error": error, "error_details": message, "message": message}


def assert_v2_error(response: httpx.Response, status: int, error_id: str, message: str) -> None:
    assert response.status_code == status, response.text
    assert response.json() == {"errors": [{"id": error_id, "message": message}]}


def last_error_code(net, key_id: int) -> str | None:
    return net.activity(key_id)[-1]["error_code"]
