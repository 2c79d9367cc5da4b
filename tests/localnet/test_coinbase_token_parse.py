"""Coinbase auth parses a token once per request (a cache): the reasons it logs are PyJWT's as before."""

from __future__ import annotations

import base64
import json

import jwt
import pytest
from starlette.datastructures import Headers

from localnet.core.http import Call
from localnet.exchanges.coinbase import auth
from localnet.exchanges.coinbase.errors import CoinbaseError


def segment(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def call_with(token: str) -> Call:
    headers = Headers(raw=[(b"authorization", f"Bearer {token}".encode())])
    call = Call("GET", "/api/v3/brokerage/accounts", b"", b"", headers, "127.0.0.1", "127.0.0.1")
    call.claimed_key = auth.claimed_key_name(call)
    return call


def reason(token: str) -> str:
    with pytest.raises(CoinbaseError) as refused:
        auth.authenticate(None, "coinbase", call_with(token))  # type: ignore[arg-type]  # refused before the store
    return refused.value.code


HEADER = segment(json.dumps({"alg": "EdDSA", "kid": "k", "typ": "JWT"}).encode())
NO_SUB = segment(json.dumps({"iss": "cdp"}).encode())


@pytest.mark.parametrize("token, expected", [
    ("not-a-token", "Unauthorized: the token is not a JWT"),
    (f"{segment(b'[1]')}.{segment(b'{}')}.c2ln", "Unauthorized: the token is not a JWT"),
    # the header parses, the payload does not: the token names no key (PyJWT's header alone was read)
    (f"{HEADER}.{segment(b'[1, 2]')}.c2ln", "Unauthorized: the token has no sub claim naming the key"),
    (f"{HEADER}.{NO_SUB}.c2ln", "Unauthorized: the token has no sub claim naming the key"),
])
def test_the_reason_for_a_broken_token(token, expected):
    assert reason(token) == expected
    assert reason(token) == expected  # the second time, from the cache when it parsed


def test_the_cached_header_is_pyjwts_own():
    token = f"{HEADER}.{segment(json.dumps({'sub': 'k'}).encode())}.c2ln"
    assert auth.claimed_key_name(call_with(token)) == "k"
    assert auth._unverified_header(token) == jwt.get_unverified_header(token)
