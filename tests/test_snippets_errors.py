"""snippets/examples/error_tour.py: every authentication mistake, on every exchange, gives the code the
error decoder (docs/practice/error-decoder.md) lists. The stored output is included on that page."""

from pathlib import Path

from tests.examples import run_example

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "snippets" / "examples" / "error_tour.out"


def test_error_tour_output_matches_stored_out_file():
    assert run_example("error_tour") == OUT.read_text()


def test_every_code_the_decoder_promises_appears():
    text = OUT.read_text()
    for code in ["-2014", "-2015", "-1022", "-1021", "10002", "10003", "10004", "10005", "10010",
                 "50101", "50102", "50105", "50110", "50111", "50113", "50120",
                 "EAPI:Invalid key", "EAPI:Invalid signature", "EAPI:Invalid nonce",
                 "EGeneral:Permission denied", "401  Unauthorized", "403  PERMISSION_DENIED"]:
        assert code in text, code


def test_decoder_page_has_a_row_for_every_code_in_the_tour():
    page = (ROOT / "docs" / "practice" / "error-decoder.md").read_text()
    for anchor in ["binance-2014", "binance-2015", "binance-1022", "binance-1021", "bybit-10002",
                   "bybit-10003", "bybit-10004", "bybit-10005", "bybit-10010", "okx-50101", "okx-50102",
                   "okx-50105", "okx-50110", "okx-50111", "okx-50113", "okx-50120", "kraken-invalid-key",
                   "kraken-invalid-signature", "kraken-invalid-nonce", "kraken-permission-denied",
                   "coinbase-401", "coinbase-403"]:
        assert f'id="{anchor}"' in page, anchor
