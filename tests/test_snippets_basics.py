"""The Basics chapter's examples: each one runs, and prints exactly what the pages show."""

from pathlib import Path

from tests.examples import run_example

ROOT = Path(__file__).resolve().parent.parent


def test_first_request_output_is_the_stored_one():
    assert run_example("first_request") == (ROOT / "snippets/examples/first_request.out").read_text()


def test_first_request_shows_a_public_answer_and_a_private_refusal():
    stored = (ROOT / "snippets/examples/first_request.out").read_text()
    assert '{"symbol":"BTCUSDT","price":"60000.00000000"}' in stored
    assert "'ts': '1767225600000'" in stored  # the frozen clock, as OKX reports it
    assert "401 Unauthorized" in stored and '"code":-2014' in stored


def test_keys_on_file_output_is_the_stored_one():
    assert run_example("keys_on_file") == (ROOT / "snippets/examples/keys_on_file.out").read_text()


def test_keys_on_file_shows_the_breach_and_the_independent_revocation():
    stored = (ROOT / "snippets/examples/keys_on_file.out").read_text()
    assert "a shared secret (64 characters): enough to sign requests" in stored
    assert "only a public key (-----BEGIN PUBLIC KEY-----)" in stored
    assert "stolen secret: 200 OK" in stored
    assert "tax export, revoked: 401" in stored and "tracker, untouched:  200 OK" in stored
