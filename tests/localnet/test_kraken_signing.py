"""Kraken's published AddOrder example is accepted byte for byte; any change to it is refused."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from localnet.client import start
from snippets import kraken as signer
from tests.localnet.kraken_support import (
    DEMO_SECRET, DOC_BODY, DOC_NONCE, DOC_PATH, DOC_SECRET, DOC_SIGNATURE, Kraken, assert_error, demo_api_key,
    next_nonce,
)

ROOT = Path(__file__).resolve().parents[2]
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def doc_headers(api_key: str, signature: str = DOC_SIGNATURE) -> dict:
    return {**FORM, "API-Key": api_key, "API-Sign": signature}


def test_cli_imported_doc_secret_accepts_the_published_order(tmp_path):
    """Done-when: the example's secret imported with the CLI, then the exact example bytes place the order."""
    db = tmp_path / "kraken.db"
    api_key = demo_api_key()
    created = subprocess.run(
        [sys.executable, "-m", "localnet", "keys", "create", "--exchange", "kraken", "--api-key", api_key,
         "--secret", DOC_SECRET, "--permissions", "read,trade", "--db", str(db), "--json"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )
    assert json.loads(created.stdout)["api_key"] == api_key
    with start(db=db) as net:
        client = Kraken(net.url("kraken"))
        response = client.raw(DOC_PATH, DOC_BODY, doc_headers(api_key))
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["error"] == []
        assert body["result"]["descr"] == {"order": "buy 1.25000000 XBTUSD @ limit 37500.0"}
        (txid,) = body["result"]["txid"]
        key = {"api_key": api_key, "secret": DOC_SECRET}
        client.key = key
        order = client.result("QueryOrders", txid=txid)[txid]
        assert (order["status"], order["vol"], order["descr"]["price"]) == ("open", "1.25000000", "37500.0")
        # 46875 USD is now held for the resting buy order.
        assert client.result("BalanceEx")["ZUSD"]["hold_trade"] == "46875.0000"
        client.close()


def test_doc_example_through_the_python_api(net):
    api_key = demo_api_key()
    net.create_key("kraken", permissions=("read", "trade"), api_key=api_key, secret=DOC_SECRET)
    client = Kraken(net.url("kraken"))
    response = client.raw(DOC_PATH, DOC_BODY, doc_headers(api_key))
    assert response.json()["error"] == [] and len(response.json()["result"]["txid"]) == 1
    # Sent again, the same bytes are a replay: the nonce is no longer larger than the last one.
    assert_error(client.raw(DOC_PATH, DOC_BODY, doc_headers(api_key)), "EAPI:Invalid nonce")
    client.close()


@pytest.mark.parametrize("body", [
    DOC_BODY.replace("volume=1.25", "volume=1.26"),
    DOC_BODY.replace("price=37500", "price=37400"),
    DOC_BODY + "&validate=true",
    DOC_BODY.replace("nonce=1616492376594&", "") + "&nonce=1616492376594",  # same fields, other order
])
def test_any_change_to_the_signed_body_is_refused(net, body):
    api_key = demo_api_key()
    net.create_key("kraken", permissions=("read", "trade"), api_key=api_key, secret=DOC_SECRET)
    client = Kraken(net.url("kraken"))
    assert_error(client.raw(DOC_PATH, body, doc_headers(api_key)), "EAPI:Invalid signature")
    client.close()


def test_the_signature_covers_the_path(net):
    api_key = demo_api_key()
    net.create_key("kraken", permissions=("read", "trade"), api_key=api_key, secret=DOC_SECRET)
    client = Kraken(net.url("kraken"))
    assert_error(client.raw("/0/private/Balance", DOC_BODY, doc_headers(api_key)), "EAPI:Invalid signature")
    client.close()


def test_a_forged_request_does_not_use_up_the_nonce(net):
    api_key = demo_api_key()
    net.create_key("kraken", permissions=("read", "trade"), api_key=api_key, secret=DOC_SECRET)
    client = Kraken(net.url("kraken"))
    forged = DOC_SIGNATURE[:-4] + "AAA="
    assert_error(client.raw(DOC_PATH, DOC_BODY, doc_headers(api_key, forged)), "EAPI:Invalid signature")
    assert client.raw(DOC_PATH, DOC_BODY, doc_headers(api_key)).json()["error"] == []
    client.close()


def test_a_json_body_is_signed_and_verified_as_sent(net):
    key = net.create_key("kraken", permissions=("read",), api_key=demo_api_key(), secret=DEMO_SECRET)
    client = Kraken(net.url("kraken"), key)
    nonce = next_nonce()
    body = '{"nonce": %s, "asset": "ZUSD"}' % nonce  # spaces kept: the bytes sent are what is signed
    headers = {"Content-Type": "application/json", "API-Key": key["api_key"],
               "API-Sign": signer.sign(DEMO_SECRET, "/0/private/Balance", nonce, body)}
    response = client.raw("/0/private/Balance", body, headers)
    assert response.json()["error"] == [] and response.json()["result"]["ZUSD"] == "100000.0000"
    # The same JSON re-serialised without spaces is different bytes: its signature does not match.
    compact = json.dumps(json.loads(body), separators=(",", ":"))
    assert_error(client.raw("/0/private/Balance", compact, headers), "EAPI:Invalid signature")
    client.close()


def test_nonces_must_grow_per_key_not_per_clock(net):
    key = net.create_key("kraken", permissions=("read",), api_key=demo_api_key(), secret=DEMO_SECRET)
    client = Kraken(net.url("kraken"), key)

    def balance(nonce: str):
        path, headers, body = signer.private_request(key["api_key"], DEMO_SECRET, "Balance", nonce=nonce)
        return client.raw(path, body, headers)

    assert balance("5").json()["error"] == []  # any first nonce will do: Kraken has no time window
    assert balance("6").json()["error"] == []
    assert_error(balance("6"), "EAPI:Invalid nonce")
    assert_error(balance("4"), "EAPI:Invalid nonce")
    assert balance("18446744073709551615").json()["error"] == []  # the largest unsigned 64-bit value
    client.close()


def test_a_frozen_clock_changes_nothing_for_kraken(net):
    net.set_clock(frozen_time_ms=1_616_492_376_594)
    try:
        api_key = demo_api_key()
        net.create_key("kraken", permissions=("read", "trade"), api_key=api_key, secret=DOC_SECRET)
        client = Kraken(net.url("kraken"))
        assert client.public("Time").json()["result"]["unixtime"] == 1_616_492_376
        assert client.raw(DOC_PATH, DOC_BODY, doc_headers(api_key)).json()["error"] == []
        client.close()
    finally:
        net.set_clock()


def test_doc_nonce_constant_matches_the_body():
    assert DOC_BODY.startswith(f"nonce={DOC_NONCE}&")


def test_the_snippets_send_function_against_localnet(net):
    key = net.create_key("kraken", permissions=("read",), api_key=demo_api_key(), secret=DEMO_SECRET)
    answer = signer.send(net.url("kraken"), key["api_key"], key["secret"], "Balance")
    assert answer["error"] == [] and answer["result"]["XXBT"] == "1.0000000000"
    refused = signer.send(net.url("kraken"), key["api_key"], key["secret"], "AddOrder", signer.EXAMPLE_ORDER)
    assert refused == {"error": ["EGeneral:Permission denied"]}


def test_the_import_command_on_the_docs_page_works(tmp_path):
    page = (ROOT / "docs" / "exchanges" / "kraken.md").read_text()
    command = re.search(r"`python -m localnet (keys create --exchange kraken [^`]+)`", page).group(1).split()
    assert command[command.index("--secret") + 1] == DOC_SECRET
    done = subprocess.run([sys.executable, "-m", "localnet", *command, "--db", str(tmp_path / "k.db")],
                          cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
