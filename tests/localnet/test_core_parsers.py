"""The small parsers and signature checks every exchange shares (localnet/core/http.py, signatures.py)."""

from __future__ import annotations

import base64
import hashlib
import hmac
from decimal import Decimal

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

from localnet.core import keys, signatures
from localnet.core.http import decimal, form_dict, form_pairs, json_object
from localnet.core.store import Store


def test_form_pairs_decode_percent_and_plus_as_sent():
    assert form_pairs(b"a=1&b=x+y&c=%E2%82%AC&&d=") == [("a", "1"), ("b", "x y"), ("c", "€"), ("d", "")]


@pytest.mark.parametrize("raw", [b"a=%FF", b"%C3=1"])
def test_form_pairs_refuse_invalid_utf8(raw):
    with pytest.raises(ValueError):
        form_pairs(raw)


def test_form_dict_refuses_duplicates():
    with pytest.raises(ValueError, match="duplicate"):
        form_dict(b"a=1&a=2")


@pytest.mark.parametrize("raw", [b"[1]", b'"x"', b'{"a": NaN}', b'{"a": Infinity}', b"{", b"\xff"])
def test_json_object_refuses_anything_but_an_object_of_finite_values(raw):
    with pytest.raises(ValueError):
        json_object(raw)


def test_json_object_accepts_empty_and_objects():
    assert json_object(b"  ") == {}
    assert json_object(b'{"a": [1, 2.5]}') == {"a": [1, 2.5]}


@pytest.mark.parametrize("text", ["NaN", "Infinity", "1e5", "0x10", "", " 1", "1.", ".5", "1" * 21, None, 1.5])
def test_decimal_refuses_non_plain_numbers(text):
    with pytest.raises(ValueError):
        decimal(text)


def test_decimal_reads_plain_numbers_exactly():
    assert decimal("0.10") == Decimal("0.10") and decimal("-3") == Decimal(-3)


def test_hmac_checks_are_exact_unless_told_otherwise():
    sig = hmac.new(b"k", b"m", hashlib.sha256).hexdigest()
    assert signatures.hmac_hex_ok(b"k", b"m", sig)
    assert not signatures.hmac_hex_ok(b"k", b"m", sig.upper())
    assert signatures.hmac_hex_ok(b"k", b"m", sig.upper(), ignore_case=True)
    assert not signatures.hmac_hex_ok(b"k", b"m2", sig)
    b64 = base64.b64encode(hmac.new(b"k", b"m", hashlib.sha512).digest()).decode()
    assert signatures.hmac_base64_ok(b"k", b"m", b64, "sha512")
    assert not signatures.hmac_base64_ok(b"k", b"m", b64, "sha256")
    assert not signatures.hmac_hex_ok(b"k", b"m", "\udcff")  # unencodable input is a mismatch, not a crash


def _pem(private) -> str:
    return private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def test_public_key_checks_ed25519_and_ecdsa_and_reject_junk():
    ed = ed25519.Ed25519PrivateKey.generate()
    assert signatures.public_key_ok(_pem(ed), b"m", ed.sign(b"m"))
    assert not signatures.public_key_ok(_pem(ed), b"m2", ed.sign(b"m"))
    p256 = ec.generate_private_key(ec.SECP256R1())
    assert signatures.public_key_ok(_pem(p256), b"m", p256.sign(b"m", ec.ECDSA(hashes.SHA256())))
    assert not signatures.public_key_ok(_pem(p256), b"m", b"\x00" * 64)
    assert not signatures.public_key_ok("not a pem", b"m", b"sig")
    assert not signatures.public_key_ok(None, b"m", b"sig")
    assert not signatures.public_key_base64_ok(_pem(ed), b"m", "%%%")


def test_nonces_only_go_up_per_key(tmp_path):
    store = Store(tmp_path / "n.db")
    with store.transaction() as db:
        db.execute("INSERT INTO accounts (exchange, created_ms) VALUES ('x', 0)")
        for key_id in (1, 2):
            db.execute("INSERT INTO keys (id, exchange, account_id, api_key, type, permissions, ips, created_ms)"
                       " VALUES (?, 'x', 1, ?, 'hmac', 'read', '', 0)", (key_id, f"k{key_id}"))
    assert keys.accept_nonce(store, 1, 5)
    assert not keys.accept_nonce(store, 1, 5)
    assert not keys.accept_nonce(store, 1, 4)
    assert keys.accept_nonce(store, 2, 1)  # each key has its own sequence
    assert keys.accept_nonce(store, 1, 2**64 - 1)  # the largest unsigned 64-bit nonce
    assert not keys.accept_nonce(store, 2, 2**64)
    assert not keys.accept_nonce(store, 2, -1)
    store.close()


def test_last_nonce_reads_back_what_was_accepted(tmp_path):
    store = Store(tmp_path / "n.db")
    with store.transaction() as db:
        db.execute("INSERT INTO accounts (exchange, created_ms) VALUES ('x', 0)")
        db.execute("INSERT INTO keys (id, exchange, account_id, api_key, type, permissions, ips, created_ms)"
                   " VALUES (1, 'x', 1, 'k1', 'hmac', 'read', '', 0)")
    assert keys.last_nonce(store, 1) == 0
    keys.accept_nonce(store, 1, 2**64 - 1)
    assert keys.last_nonce(store, 1) == 2**64 - 1
    store.close()
