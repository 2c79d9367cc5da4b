"""CDP API keys as the Coinbase Developer Platform issues them: a key name and an asymmetric key pair.

The key name is organizations/{org_uuid}/apiKeys/{key_uuid}. Newer Ed25519 key files name the key
by its bare key UUID ("id"), so that form is accepted too when a learner registers a key. When
localnet generates the pair, it shows the private key once, in the portal's format: an Ed25519
key as base64 of seed || public key (64 bytes), an ECDSA key as a SEC1 "EC PRIVATE KEY" PEM.
"""

from __future__ import annotations

import base64
import re
import uuid

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

from localnet.core.keys import KeyProblem, KeySpec

KEY_TYPES = ("ecdsa", "ed25519")
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
KEY_NAME_RE = re.compile(rf"^(organizations/{UUID}/apiKeys/{UUID}|{UUID})$")


def new_key_name() -> str:
    """A fresh key name in the organizations/.../apiKeys/... form."""
    return f"organizations/{uuid.uuid4()}/apiKeys/{uuid.uuid4()}"


def new_key_pair(key_type: str) -> tuple[str, str]:
    """(public key PEM, private key in the CDP portal's format) for a new key of `key_type`."""
    public_format = serialization.PublicFormat.SubjectPublicKeyInfo
    if key_type == "ed25519":
        private = ed25519.Ed25519PrivateKey.generate()
        seed = private.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                     serialization.NoEncryption())
        public_raw = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        secret = base64.b64encode(seed + public_raw).decode()
    else:
        private = ec.generate_private_key(ec.SECP256R1())
        secret = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                                       serialization.NoEncryption()).decode()
    public_pem = private.public_key().public_bytes(serialization.Encoding.PEM, public_format).decode()
    return public_pem, secret


def check_curve(public_key_pem: str) -> None:
    """Coinbase's ECDSA keys are P-256 (ES256); refuse other curves."""
    try:
        public = serialization.load_pem_public_key(public_key_pem.encode())
    except (ValueError, TypeError):
        return  # the core says what is wrong with it
    if isinstance(public, ec.EllipticCurvePublicKey) and not isinstance(public.curve, ec.SECP256R1):
        raise KeyProblem(f"coinbase ECDSA keys use the P-256 curve (ES256), not {public.curve.name}")


def prepare_key(spec: KeySpec) -> None:
    """Coinbase's rules for a new or rotated key; fills in the key name and key pair when not given."""
    if spec.type not in KEY_TYPES:
        raise KeyProblem(
            "coinbase CDP API keys are asymmetric (--type ed25519 or --type ecdsa): you sign a JWT with "
            "the private key and Coinbase keeps only the public key; there is no shared HMAC secret"
        )
    if spec.secret is not None:
        raise KeyProblem("a coinbase CDP key has no shared secret; give its public key PEM, or none to get a new pair")
    if spec.passphrase:
        raise KeyProblem("coinbase CDP keys have no passphrase")
    if spec.api_key is None:
        spec.api_key = new_key_name()
    elif not KEY_NAME_RE.match(spec.api_key):
        raise KeyProblem("a coinbase key name looks like organizations/{org_uuid}/apiKeys/{key_uuid} (lower-case UUIDs)")
    if spec.public_key_pem is None:
        spec.public_key_pem, spec.private_key = new_key_pair(spec.type)
    else:
        check_curve(spec.public_key_pem)
