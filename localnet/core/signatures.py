"""Signature checks over exact bytes: HMAC (hex or base64), RSA PKCS#1 v1.5, Ed25519, ECDSA.

Every function answers True or False and never raises on malformed input, so a dialect can
turn False into its own "invalid signature" error. Comparisons are constant-time.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.serialization import load_pem_public_key

DIGESTS = {"sha256": hashlib.sha256, "sha512": hashlib.sha512}


def hmac_digest(secret: bytes, message: bytes, digest: str = "sha256") -> bytes:
    return hmac.new(secret, message, DIGESTS[digest]).digest()


def hmac_hex_ok(secret: bytes, message: bytes, signature: str, digest: str = "sha256",
                ignore_case: bool = False) -> bool:
    """`signature` is the hex HMAC of `message` (lower case unless `ignore_case`)."""
    expected = hmac_digest(secret, message, digest).hex()
    given = signature.lower() if ignore_case else signature
    return hmac.compare_digest(expected.encode(), given.encode("utf-8", "replace"))


def hmac_base64_ok(secret: bytes, message: bytes, signature: str, digest: str = "sha256") -> bool:
    """`signature` is the standard base64 of the HMAC of `message`."""
    expected = base64.b64encode(hmac_digest(secret, message, digest))
    return hmac.compare_digest(expected, signature.encode("utf-8", "replace"))


def b64decode_strict(text: str) -> bytes | None:
    """Standard base64 with padding, or None."""
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, ValueError, UnicodeEncodeError):
        return None


def public_key_ok(public_key_pem: str | None, message: bytes, signature: bytes) -> bool:
    """Verify a raw signature with a PEM public key: RSA (PKCS#1 v1.5, SHA-256), Ed25519, or ECDSA P-256 (DER)."""
    if not public_key_pem:
        return False
    try:
        public = load_pem_public_key(public_key_pem.encode())
        if isinstance(public, ed25519.Ed25519PublicKey):
            public.verify(signature, message)
        elif isinstance(public, rsa.RSAPublicKey):
            public.verify(signature, message, padding.PKCS1v15(), hashes.SHA256())
        elif isinstance(public, ec.EllipticCurvePublicKey):
            public.verify(signature, message, ec.ECDSA(hashes.SHA256()))
        else:
            return False
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


def public_key_base64_ok(public_key_pem: str | None, message: bytes, signature: str) -> bool:
    """Like public_key_ok, with the signature in standard base64."""
    raw = b64decode_strict(signature)
    return raw is not None and public_key_ok(public_key_pem, message, raw)
