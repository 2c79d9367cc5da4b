"""Checking a CDP JWT: the Bearer token that signs every private Coinbase request.

The token is verified with PyJWT against the key's stored public key, then its claims are checked
against localnet's clock and against the request: the key name (sub / kid), the issuer, the
not-before and expiry times (at most 120 s apart), and the request it names (uri, or ccxt's uris).
Every failure is the same 401 for the client; the reason goes to the activity log.
"""

from __future__ import annotations

from functools import lru_cache

import jwt
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from localnet.core import keys
from localnet.core.http import Call
from localnet.core.store import Store
from localnet.exchanges.coinbase import errors

API_HOST = "api.coinbase.com"
MAX_LIFETIME_S = 120
ALGORITHMS = {"ed25519": "EdDSA", "ecdsa": "ES256"}
ISSUERS = ("cdp", "coinbase-cloud")  # "coinbase-cloud": ccxt's ES256 tokens
AUDIENCES = ("retail_rest_api_proxy", "cdp_service")  # what ccxt puts in "aud", when it sends one
NO_CLAIM_CHECKS = {"verify_exp": False, "verify_nbf": False, "verify_iat": False, "verify_aud": False,
                   "verify_iss": False, "verify_sub": False, "verify_jti": False}


def bearer_token(call: Call) -> str | None:
    """The token after "Bearer " in the Authorization header, if any."""
    scheme, _, token = call.headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def claimed_key_name(call: Call) -> str | None:
    """The key name the token claims (its `sub`), read without verifying anything, for the log."""
    token = bearer_token(call)
    if token is None:
        return None
    try:
        sub = _unverified(token)["payload"].get("sub")
    except jwt.PyJWTError:
        return None
    return sub if isinstance(sub, str) else None


@lru_cache(maxsize=64)
def _unverified(token: str) -> dict:
    """The token's header and payload, not verified (jwt.decode_complete). Cached: each request reads
    them twice, for its log entry's key and for the header checks, and PyJWT's parsing costs about
    as much as the rest of a read call's checks. Nobody changes the dicts."""
    return jwt.decode_complete(token, options={"verify_signature": False})


def _unverified_header(token: str) -> dict:
    """jwt.get_unverified_header(token), from the cached parse when the whole token parsed (the same
    header: both check it the same way), else PyJWT's own answer or error."""
    try:
        return _unverified(token)["header"]
    except jwt.PyJWTError:
        return jwt.get_unverified_header(token)


def authenticate(store: Store, exchange: str, call: Call) -> keys.Key:
    """The key that signed this request's JWT; errors.unauthorized(reason) otherwise."""
    token = bearer_token(call)
    if token is None:
        raise errors.unauthorized("no Bearer token in the Authorization header")
    try:
        header = _unverified_header(token)
    except jwt.PyJWTError:
        raise errors.unauthorized("the token is not a JWT") from None
    name = call.claimed_key
    if name is None:
        raise errors.unauthorized("the token has no sub claim naming the key")
    key = keys.find(store, exchange, name, include_revoked=True)
    if key is None:
        raise errors.unauthorized("no such key")
    if key.revoked:
        raise errors.unauthorized("the key is revoked")
    if header.get("kid", name) != name:
        raise errors.unauthorized("the header's kid differs from the sub claim")
    algorithm = ALGORITHMS.get(key.type)
    if header.get("alg") != algorithm:
        raise errors.unauthorized(f"alg {header.get('alg')!r} does not match the key (expected {algorithm})")
    claims = _verified_claims(token, key, algorithm)
    _check_claims(claims, call)
    if not key.allows_ip(call.peer):
        raise errors.unauthorized(f"IP {call.peer} is not on the key's allow-list")
    return key


def _verified_claims(token: str, key: keys.Key, algorithm: str) -> dict:
    try:
        public_key = load_pem_public_key((key.public_key_pem or "").encode())
        return jwt.decode(token, public_key, algorithms=[algorithm], options=NO_CLAIM_CHECKS)
    except jwt.InvalidSignatureError:
        raise errors.unauthorized("bad signature") from None
    except (jwt.PyJWTError, ValueError, TypeError):
        raise errors.unauthorized("the token could not be decoded") from None


def _check_claims(claims: dict, call: Call) -> None:
    if claims.get("iss") not in ISSUERS:
        raise errors.unauthorized(f"iss must be 'cdp', not {claims.get('iss')!r}")
    audience = claims.get("aud", list(AUDIENCES))
    audience = [audience] if isinstance(audience, str) else audience
    if not isinstance(audience, list) or not audience or any(a not in AUDIENCES for a in audience):
        raise errors.unauthorized(f"unexpected aud {claims.get('aud')!r}")
    nbf, exp = claims.get("nbf"), claims.get("exp")
    if not _is_int(nbf) or not _is_int(exp):
        raise errors.unauthorized("nbf and exp must be whole seconds")
    if exp - nbf > MAX_LIFETIME_S:
        raise errors.unauthorized(f"the token lives {exp - nbf} s; at most {MAX_LIFETIME_S} s is allowed")
    if call.now_us < nbf * 1_000_000:
        raise errors.unauthorized("the token is not valid yet (nbf is after the server's time)")
    if call.now_us >= exp * 1_000_000:
        raise errors.unauthorized("the token has expired (exp is not after the server's time)")
    _check_uri(claims, call)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_uri(claims: dict, call: Call) -> None:
    """`uri` (or ccxt's `uris` list) must name this request: "<METHOD> <host><path>"."""
    named = claims["uris"] if isinstance(claims.get("uris"), list) else [claims.get("uri")]
    if not named or not all(isinstance(u, str) for u in named):
        raise errors.unauthorized("the token has no uri claim")
    hosts = {call.host, API_HOST} - {""}
    expected = {f"{call.method} {host}{call.path}" for host in hosts}
    if not any(normalise_uri(u) in expected for u in named):
        raise errors.unauthorized(f"uri {named[0]!r} does not name this request ({call.method} {call.path})")


def normalise_uri(uri: str) -> str:
    """Drop "http://" after the method: ccxt strips only "https://" from the URL it signs, so against
    localnet's plain-HTTP address its `uri` keeps "http://". A `uri` with "https://" left in is
    refused, as Coinbase refuses it."""
    method, _, rest = uri.partition(" ")
    return f"{method} {rest.removeprefix('http://')}"
