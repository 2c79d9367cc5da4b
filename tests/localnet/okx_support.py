"""A small OKX client for localnet tests, signing with the learners' snippet (snippets/okx.py)."""

from __future__ import annotations

import json

import httpx

from snippets import okx as recipe


class Okx:
    """Signed and raw requests for one key (a dict from create_key)."""

    def __init__(self, base: str, key: dict | None = None) -> None:
        self.key = key
        self.http = httpx.Client(base_url=base, timeout=30)

    def public(self, path: str, **params: str) -> httpx.Response:
        return self.http.get(recipe.request_path(path, params))

    def signed(self, method: str, path: str, params: dict | None = None, body: object = None, *,
               timestamp: str | None = None, secret: str | None = None, passphrase: str | None = None,
               demo: bool = True, drop: tuple[str, ...] = (), extra: dict | None = None) -> httpx.Response:
        """Sign and send. `body` may be a dict/list (compact JSON) or the exact text to send."""
        target = recipe.request_path(path, params)
        text = body if isinstance(body, str) else ("" if body is None else recipe.json_body(body))
        headers = recipe.auth_headers(self.key["api_key"], secret or self.key["secret"],
                                      passphrase or self.key["passphrase"], method, target, text,
                                      timestamp=timestamp, demo=demo)
        for name in drop:
            headers.pop(name, None)
        headers.update(extra or {})
        return self.http.request(method, target, content=text.encode("utf-8"), headers=headers)

    def get(self, path: str, **params: str) -> httpx.Response:
        return self.signed("GET", path, params or None)

    def post(self, path: str, body: object) -> httpx.Response:
        return self.signed("POST", path, None, body)

    def raw(self, method: str, target: str, body: bytes = b"", headers: dict | None = None) -> httpx.Response:
        return self.http.request(method, target, content=body, headers=headers or {})

    def close(self) -> None:
        self.http.close()


def ok_data(response: httpx.Response) -> list:
    """The data of a successful answer (code "0"), after checking status and code."""
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["code"] == "0", body
    return body["data"]


def assert_error(response: httpx.Response, status: int, code: str, msg: str, with_data: bool = True) -> None:
    """An OKX error answer: auth errors carry no "data"; others carry "data": []."""
    assert response.status_code == status, response.text
    expected = {"code": code, "msg": msg, **({"data": []} if with_data else {})}
    assert response.json() == expected, response.text


def assert_auth_error(response: httpx.Response, code: str, msg: str) -> None:
    assert_error(response, 401, code, msg, with_data=False)


def assert_order_refused(response: httpx.Response, s_code: str, s_msg: str) -> dict:
    """A refused order: HTTP 200, code "1", and the reason in data[0]."""
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["code"] == "1" and body["msg"] == "All operations failed", body
    assert (body["data"][0]["sCode"], body["data"][0]["sMsg"]) == (s_code, s_msg)
    return body["data"][0]


def compact(value: object) -> str:
    return json.dumps(value, separators=(",", ":"))
