"""snippets/targets.py: KEYLAB_TARGET picks the base URLs; unknown names fail loudly."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from localnet.server import default_ports
from snippets import targets

ROOT = Path(__file__).resolve().parent.parent


def test_default_is_localnet_when_unset_or_empty():
    assert targets.current_target({}) == "localnet"
    assert targets.current_target({"KEYLAB_TARGET": "  "}) == "localnet"


def test_names_are_case_and_space_insensitive():
    assert targets.current_target({"KEYLAB_TARGET": " Testnet "}) == "testnet"
    assert targets.current_target({"KEYLAB_TARGET": "DEMO"}) == "demo"


@pytest.mark.parametrize("value", ["mainnet", "prod", "test-net", "local"])
def test_unknown_target_is_a_clear_error(value):
    with pytest.raises(targets.UnknownTargetError) as error:
        targets.current_target({"KEYLAB_TARGET": value})
    message = str(error.value)
    assert repr(value) in message and "localnet, testnet, demo" in message


def test_there_is_no_mainnet_target():
    assert "mainnet" not in targets.BASE_URLS
    for urls in targets.BASE_URLS.values():
        for url in urls.values():
            assert url not in {"https://api.binance.com", "https://api.bybit.com", "https://api.kraken.com",
                               "https://api.coinbase.com"}


def test_same_code_switches_base_url_from_the_environment():
    assert targets.base_url("binance", environ={}) == "http://127.0.0.1:8101"
    assert targets.base_url("binance", environ={"KEYLAB_TARGET": "testnet"}) == "https://testnet.binance.vision"
    assert targets.base_url("binance", environ={"KEYLAB_TARGET": "demo"}) == "https://demo-api.binance.com"
    assert targets.base_url("bybit", "testnet") == "https://api-testnet.bybit.com"
    assert targets.base_url("bybit", "demo") == "https://api-demo.bybit.com"


def test_localnet_urls_match_localnets_default_ports():
    for exchange, port in default_ports().items():
        assert targets.base_url(exchange, "localnet") == f"http://127.0.0.1:{port}"


@pytest.mark.parametrize("exchange", ["kraken", "coinbase"])
@pytest.mark.parametrize("target", ["testnet", "demo"])
def test_exchanges_without_a_testnet_say_so(exchange, target):
    with pytest.raises(targets.NoSuchEnvironmentError, match="KEYLAB_TARGET=localnet"):
        targets.base_url(exchange, target)


def test_unknown_exchange_and_target_arguments():
    with pytest.raises(ValueError, match="unknown exchange"):
        targets.base_url("bitmex", "localnet")
    with pytest.raises(targets.UnknownTargetError):
        targets.base_url("binance", "mainnet")


def test_okx_needs_the_demo_header_everywhere_and_copies_are_independent():
    headers = targets.extra_headers("okx")
    assert headers == {"x-simulated-trading": "1"}
    headers["x"] = "y"
    assert targets.extra_headers("okx") == {"x-simulated-trading": "1"}
    assert targets.extra_headers("binance") == {}


def _run(env_value):
    env = {k: v for k, v in os.environ.items() if k != "KEYLAB_TARGET"}
    if env_value is not None:
        env["KEYLAB_TARGET"] = env_value
    return subprocess.run([sys.executable, "-m", "snippets.targets"], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=False)


def test_script_output_matches_stored_out_file():
    result = _run(None)
    assert result.returncode == 0, result.stderr
    assert result.stdout == (ROOT / "snippets" / "targets.out").read_text()


def test_script_refuses_unknown_target_with_exit_code_2():
    result = _run("mainnet")
    assert result.returncode == 2
    assert "KEYLAB_TARGET='mainnet' is not a KeyLab target" in result.stderr


def test_script_reports_the_chosen_target():
    assert _run("testnet").stdout.endswith("KEYLAB_TARGET selects: testnet\n")

