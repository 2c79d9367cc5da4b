"""Coinbase: the CDP keys localnet issues and registers (prepare_key), and their rotation."""

from __future__ import annotations

import base64
import re

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

from localnet.core.keys import KeyProblem, KeySpec
from localnet.exchanges import coinbase
from tests.localnet.coinbase_support import V3, Coinbase, public_pem

NAME_RE = re.compile(r"^organizations/[0-9a-f-]{36}/apiKeys/[0-9a-f-]{36}$")


def test_generated_ed25519_key_is_in_the_portal_format():
    spec = KeySpec(type="ed25519", permissions=("read",))
    coinbase.prepare_key(spec)
    assert NAME_RE.match(spec.api_key)
    raw = base64.b64decode(spec.private_key, validate=True)
    assert len(raw) == 64 and len(spec.private_key) == 88  # seed || public key
    private = ed25519.Ed25519PrivateKey.from_private_bytes(raw[:32])
    assert private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw) == raw[32:]
    assert public_pem(spec.private_key) == spec.public_key_pem


def test_generated_ecdsa_key_is_a_sec1_pem():
    spec = KeySpec(type="ecdsa", permissions=("read",))
    coinbase.prepare_key(spec)
    assert spec.private_key.startswith("-----BEGIN EC PRIVATE KEY-----\n")
    private = serialization.load_pem_private_key(spec.private_key.encode(), password=None)
    assert isinstance(private, ec.EllipticCurvePrivateKey) and private.curve.name == "secp256r1"
    assert public_pem(spec.private_key) == spec.public_key_pem


@pytest.mark.parametrize("spec, message", [
    (KeySpec(type="hmac"), "coinbase CDP API keys are asymmetric"),
    (KeySpec(type="rsa"), "coinbase CDP API keys are asymmetric"),
    (KeySpec(type="ed25519", secret="abc"), "a coinbase CDP key has no shared secret"),
    (KeySpec(type="ed25519", passphrase="pw"), "coinbase CDP keys have no passphrase"),
    (KeySpec(type="ed25519", api_key="my-key"), "a coinbase key name looks like"),
    (KeySpec(type="ed25519", api_key="organizations/ABC/apiKeys/DEF"), "a coinbase key name looks like"),
])
def test_keys_coinbase_would_not_issue(spec, message):
    with pytest.raises(KeyProblem, match=message):
        coinbase.prepare_key(spec)


def test_other_curves_are_refused():
    pem = ec.generate_private_key(ec.SECP384R1()).public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    with pytest.raises(KeyProblem, match="P-256"):
        coinbase.prepare_key(KeySpec(type="ecdsa", public_key_pem=pem))


def test_bare_key_id_is_accepted_as_a_name():
    spec = KeySpec(type="ed25519", api_key="d2efa49a-369c-43d7-a60e-ae26e28853c2")
    coinbase.prepare_key(spec)
    assert spec.api_key == "d2efa49a-369c-43d7-a60e-ae26e28853c2"


def test_create_via_localnet_hands_out_the_private_key_once(net):
    key = net.create_key("coinbase", type="ecdsa", permissions=("read",))
    assert key["secret"] is None and key["private_key"].startswith("-----BEGIN EC PRIVATE KEY-----")
    with pytest.raises(KeyProblem, match="asymmetric"):
        net.create_key("coinbase", type="hmac")


def test_registered_public_key_and_rotation_to_a_new_public_key(net):
    first = ed25519.Ed25519PrivateKey.generate()
    seed = lambda k: base64.b64encode(k.private_bytes(serialization.Encoding.Raw,  # noqa: E731
                                                      serialization.PrivateFormat.Raw,
                                                      serialization.NoEncryption())).decode()
    key = net.create_key("coinbase", type="ed25519", public_key_pem=public_pem(seed(first)))
    assert "private_key" not in key  # localnet never saw it
    client = Coinbase(net.url("coinbase"), dict(key, private_key=seed(first)))
    assert client.get(f"{V3}/key_permissions").status_code == 200
    second = ed25519.Ed25519PrivateKey.generate()
    rotated = net.rotate_key(key["id"], public_key_pem=public_pem(seed(second)))
    assert "private_key" not in rotated
    assert client.get(f"{V3}/key_permissions").status_code == 401
    client.key["private_key"] = seed(second)
    assert client.get(f"{V3}/key_permissions").status_code == 200
    client.close()


def test_cli_creates_a_coinbase_key_pair(tmp_path):
    import json
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "localnet", "keys", "create", "--db", str(tmp_path / "l.db"), "--exchange",
         "coinbase", "--type", "ed25519", "--permissions", "read,trade", "--json"],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stderr
    key = json.loads(result.stdout)
    assert NAME_RE.match(key["api_key"]) and len(base64.b64decode(key["private_key"])) == 64
    refused = subprocess.run(
        [sys.executable, "-m", "localnet", "keys", "create", "--db", str(tmp_path / "l.db"), "--exchange",
         "coinbase", "--type", "hmac"], capture_output=True, text=True, check=False,
    )
    assert refused.returncode != 0 and "asymmetric" in refused.stderr
