"""The Signing chapter's example scripts: each runs, and prints exactly its stored output."""

from pathlib import Path

import pytest

from tests.examples import run_example, stored_output

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "snippets" / "examples"


@pytest.mark.parametrize("module", ["one_byte", "clock_drift", "shared_nonce", "two_encodings", "five_strings"])
def test_output_is_the_stored_one(module):
    assert run_example(module) == stored_output(module)


def test_one_byte_starts_from_binances_documented_signature():
    out = (EXAMPLES / "one_byte.out").read_text(encoding="utf-8")
    assert "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71" in out
    assert "bytes changed: 1 of 110" in out and "reject (-1022)" in out


def test_clock_drift_shows_both_1021_answers():
    out = (EXAMPLES / "clock_drift.out").read_text(encoding="utf-8")
    assert "6 s late:       400 -1021 Timestamp for this request is outside of the recvWindow." in out
    assert "2 s early:      400 -1021 Timestamp for this request was 1000ms ahead" in out


def test_shared_nonce_collides_only_on_a_shared_key():
    lines = (EXAMPLES / "shared_nonce.out").read_text(encoding="utf-8").splitlines()
    assert [line.split(":", 1)[1].strip() for line in lines] == [
        "ok", "EAPI:Invalid nonce", "ok", "ok", "EAPI:Invalid nonce",
    ]


def test_five_strings_match_published_and_cross_checked_vectors():
    out = (EXAMPLES / "five_strings.out").read_text(encoding="utf-8")
    for vector in (
        "6cd35332399b004466463b9ad65a112a14f31fb9ddfd5e19bd7298fbd491dbc7",  # Binance, ccxt-checked
        "86f8f2493cb5efc24b8f7ca0fd1a60ae80897dfcc9e8ec96ab5ed64da34f7b13",  # Bybit Y2
        "uirVsglUCDFwEJaAEaTS/OvPK5aipzLP2CwoSZItYOE=",  # OKX O2
        "4/dpxb3iT4tp/ZCVEwSnEsLxx0bqyhLpdfOpc6fn7OR8+UClSV5n9E6aSS8MPtnRfp32bAb0nmbRn6H8ndwLUQ==",  # Kraken docs
    ):
        assert vector in out


def test_two_encodings_give_two_signatures_per_pair():
    lines = (EXAMPLES / "two_encodings.out").read_text(encoding="utf-8").splitlines()
    pairs = {}
    for line in lines:
        if line[:1].isdigit():
            section = line
        elif "…" in line:
            pairs.setdefault(section, []).append(line.split("…")[0].strip())
    assert len(pairs) == 5
    assert all(len(sigs) == 2 and sigs[0] != sigs[1] for sigs in pairs.values())
