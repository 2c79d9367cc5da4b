"""The signing snippets against the examples the exchanges publish."""

import runpy
import subprocess
import sys
from pathlib import Path

import pytest

from snippets import binance
from snippets.show import mask

from tests.examples import run_example, stored_output

ROOT = Path(__file__).resolve().parent.parent

# Binance Spot API docs, "SIGNED endpoint examples for POST /api/v3/order" (HMAC).
DOC_SECRET = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j"
DOC_PAYLOAD = (
    "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1"
    "&recvWindow=5000&timestamp=1499827319559"
)
DOC_SIGNATURE = "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71"


def test_sign_reproduces_binance_documented_signature():
    assert binance.sign(DOC_SECRET, DOC_PAYLOAD) == DOC_SIGNATURE


def test_sign_account_request_matches_ccxt_computed_vector():
    # Project vector (exchanges.md §1.6): same secret, GET /api/v3/account, cross-checked with ccxt.
    payload = "timestamp=1499827319559&recvWindow=5000"
    assert binance.sign(DOC_SECRET, payload) == (
        "6cd35332399b004466463b9ad65a112a14f31fb9ddfd5e19bd7298fbd491dbc7"
    )


@pytest.mark.parametrize("position", [0, 17, len(DOC_PAYLOAD) // 2, len(DOC_PAYLOAD) - 1])
def test_changing_one_character_changes_the_signature(position):
    original = DOC_PAYLOAD[position]
    changed = DOC_PAYLOAD[:position] + ("X" if original != "X" else "Y") + DOC_PAYLOAD[position + 1 :]
    assert binance.sign(DOC_SECRET, changed) != DOC_SIGNATURE


def test_encode_keeps_order_and_reproduces_documented_payload():
    params = [
        ("symbol", "LTCBTC"), ("side", "BUY"), ("type", "LIMIT"), ("timeInForce", "GTC"),
        ("quantity", 1), ("price", 0.1), ("recvWindow", 5000), ("timestamp", 1499827319559),
    ]
    assert binance.encode(params) == DOC_PAYLOAD
    assert binance.encode(dict(params)) == DOC_PAYLOAD


def test_encode_percent_encodes_utf8_and_spaces():
    assert binance.encode({"symbol": "１２３４５６"}) == (
        "symbol=%EF%BC%91%EF%BC%92%EF%BC%93%EF%BC%94%EF%BC%95%EF%BC%96"
    )
    assert binance.encode({"note": "a b&c=d"}) == "note=a%20b%26c%3Dd"


def test_signed_query_appends_signature_of_exactly_what_is_sent():
    query = binance.signed_query({"timestamp": 1499827319559, "recvWindow": 5000}, DOC_SECRET)
    payload, _, signature = query.rpartition("&signature=")
    assert payload == "timestamp=1499827319559&recvWindow=5000"
    assert signature == binance.sign(DOC_SECRET, payload)


def test_timestamp_is_in_milliseconds():
    assert 1_600_000_000_000 < binance.timestamp_ms() < 10_000_000_000_000


def test_example_script_output_is_the_stored_one():
    stored = stored_output("binance_order")
    assert run_example("binance_order") == stored
    assert DOC_SIGNATURE in stored


def test_mask_never_reveals_most_of_a_credential():
    shown = mask(DOC_SECRET)
    assert shown == "NhqP…Tj0j (64 characters)"
    assert DOC_SECRET not in shown
    assert mask("short-secret") == "******** (12 characters)"


def test_localnet_session_example_output_is_the_stored_one():
    assert run_example("localnet_session") == stored_output("localnet_session")
