"""localnet's key-management page in real Chromium: the whole life of a key, as a learner lives it.

localnet is started in-process with localnet.client.start() (its "manage" URL is the page). Each
key made on the page is then used against its exchange's port with httpx, so the tests show
that what the page says happened did happen: accepted, refused after revoking, a new secret
after rotating, and the calls in the activity log.
"""

from __future__ import annotations

import http.server
import re
import threading
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.browser.a11y import audit

from tests.browser.recorders import assert_local_only

from localnet.client import Localnet, start
from localnet.core import keys as core_keys
from tests.localnet.manage_support import binance_account, new_pair, read_call

# What waits for localnet (a key made, revoked, rotated; a list or log reloaded) gets longer than
# Playwright's 5 s, so a busy machine running the whole suite does not fail the test.
SERVER = 20_000


@pytest.fixture(scope="module")
def lab() -> Iterator[Localnet]:
    with start() as net:
        yield net


def open_page(page: Page, lab: Localnet) -> str:
    url = lab.url("manage")
    page.goto(url + "/")
    expect(page.locator("body")).to_have_attribute("data-ready", "yes", timeout=SERVER)
    return url


def once_value(page: Page, field: str) -> str:
    return page.locator(f'#once pre[data-field="{field}"]').inner_text()


def key_row(page: Page, key_id: int):
    return page.locator(f'#keys-table tr[data-key-id="{key_id}"]')


def newest_key_id(lab: Localnet) -> int:
    return max(k.id for k in core_keys.list_keys(lab.store))


def create_on_page(page: Page, exchange: str, label: str, permissions=("read",), ips: str = "",
                   key_type: str | None = None, pem: str | None = None) -> int:
    if page.locator("#once").is_visible():  # put the last key's secrets away first
        page.get_by_role("button", name="I have stored it: hide").click()
        expect(page.locator("#once")).to_be_hidden()
    page.get_by_label("Exchange", exact=True).select_option(label=exchange)
    if key_type:
        page.get_by_label("Key type").select_option(label=key_type)
    page.get_by_label("Label", exact=True).fill(label)
    for name in ("Read", "Trade", "Withdraw"):
        box = page.get_by_role("checkbox", name=re.compile(f"^{name}"))
        if box.is_enabled():
            box.set_checked(name.lower() in permissions)
    page.get_by_label("IP restriction").fill(ips)
    if pem is not None:
        page.get_by_label("Public key (PEM)", exact=True).fill(pem)
    page.get_by_role("button", name="Create key").click()
    expect(page.locator("#once")).to_be_visible(timeout=SERVER)
    return int(re.search(r"Key (\d+)", page.locator("#once-summary").inner_text()).group(1))


def tab_to(page: Page, selector: str, limit: int = 80) -> None:
    """Press Tab (only Tab) until the element matching `selector` has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def focused_id(page: Page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


# ---- the lifecycle -------------------------------------------------------------------------

def test_the_full_key_lifecycle(page: Page, lab: Localnet, errors: list[str], requested: list[str]):
    origin = open_page(page, lab)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=origin)
    expect(page).to_have_title("localnet · API keys")

    # Create: a Binance key that may read and trade, from 127.0.0.1 only.
    key_id = create_on_page(page, "Binance", "lifecycle bot", ("read", "trade"), "127.0.0.1")
    once = page.locator("#once")
    expect(once.get_by_role("heading", name="Store it now: shown only once")).to_be_visible()
    expect(once.locator(".notice--warning")).to_contain_text("Warning:")
    expect(once.locator(".notice--warning")).to_contain_text("reload the page")
    api_key, secret = once_value(page, "api-key"), once_value(page, "secret")
    assert len(api_key) == 64 and len(secret) == 64
    expect(once.get_by_role("button", name="Copy secret")).to_be_visible()
    once.get_by_role("button", name="Copy secret").click()
    expect(page.locator("#copy-status")).to_have_text("The secret is on the clipboard.", timeout=SERVER)
    assert page.evaluate("navigator.clipboard.readText()") == secret

    # The list shows the key, masked, without its secret.
    row = key_row(page, key_id)
    expect(row).to_contain_text("lifecycle bot")
    expect(row).to_contain_text(f"{api_key[:4]}…{api_key[-4:]}")
    expect(row).to_contain_text("read, trade")
    expect(row).to_contain_text("127.0.0.1/32")
    expect(row).to_contain_text("active")
    assert secret not in page.locator("#keys-table").inner_text()

    # The key works on the exchange's own port.
    assert binance_account(lab.url("binance"), api_key, secret).status_code == 200

    # A reload shows the secret nowhere; nothing on the page can bring it back.
    page.reload()
    expect(page.locator("body")).to_have_attribute("data-ready", "yes", timeout=SERVER)
    expect(page.locator("#once")).to_be_hidden()
    assert secret not in page.content() and api_key not in page.content()
    expect(key_row(page, key_id)).to_contain_text("lifecycle bot", timeout=SERVER)
    expect(key_row(page, key_id).locator("td").nth(8)).not_to_have_text("never")  # last used

    # The log shows the accepted call.
    page.get_by_role("button", name=f"Log of key {key_id}").click()
    expect(page.get_by_label("Key", exact=True)).to_have_value(str(key_id), timeout=SERVER)
    first = page.locator("#log-table tbody tr").first
    for text in ("GET", "/api/v3/account", "127.0.0.1", "200", "ok", "Binance"):
        expect(first).to_contain_text(text)

    # Rotate: a new secret, shown once; the old one is refused, the new one accepted.
    page.get_by_role("button", name=f"Rotate key {key_id}").click()
    dialog = page.get_by_role("dialog", name=f"Rotate key {key_id}?")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name=f"Rotate key {key_id}").click()
    expect(dialog).to_be_hidden(timeout=SERVER)
    expect(page.locator("#once-summary")).to_contain_text(f"Key {key_id} for Binance is rotated", timeout=SERVER)
    new_secret = once_value(page, "secret")
    assert new_secret != secret and once_value(page, "api-key") == api_key
    refused = binance_account(lab.url("binance"), api_key, secret)
    assert refused.status_code == 400 and refused.json()["code"] == -1022
    assert binance_account(lab.url("binance"), api_key, new_secret).status_code == 200

    # Revoke, after a confirmation: every later call is refused.
    page.get_by_role("button", name="I have stored it: hide").click()
    expect(page.locator("#once")).to_be_hidden()
    page.get_by_role("button", name=f"Revoke key {key_id}").click()
    dialog = page.get_by_role("dialog", name=f"Revoke key {key_id}?")
    expect(dialog).to_contain_text("cannot be turned back on")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden(timeout=SERVER)
    expect(key_row(page, key_id)).to_contain_text("active")  # cancelled: nothing happened
    assert binance_account(lab.url("binance"), api_key, new_secret).status_code == 200
    page.get_by_role("button", name=f"Revoke key {key_id}").click()
    page.get_by_role("dialog").get_by_role("button", name=f"Revoke key {key_id}").click()
    expect(key_row(page, key_id)).to_contain_text("revoked", timeout=SERVER)
    expect(page.get_by_role("button", name=f"Revoke key {key_id}")).to_have_count(0)
    expect(page.get_by_role("button", name=f"Rotate key {key_id}")).to_have_count(0)
    refused = binance_account(lab.url("binance"), api_key, new_secret)
    assert refused.status_code == 401 and refused.json()["code"] == -2015

    # The log, newest first: the refusal on top, then two accepted calls, the old secret's -1022, the first call.
    page.get_by_role("button", name="Refresh the log").click()
    rows = page.locator("#log-table tbody tr")
    expect(rows).to_have_count(5, timeout=SERVER)
    statuses = [rows.nth(i).locator("td").nth(6).inner_text() for i in range(5)]
    codes = [rows.nth(i).locator("td").nth(8).inner_text() for i in range(5)]
    outcomes = [rows.nth(i).locator("td").nth(7).inner_text() for i in range(5)]
    assert statuses == ["401", "200", "200", "400", "200"]
    assert codes == ["-2015", "—", "—", "-1022", "—"]
    assert outcomes == ["error", "ok", "ok", "error", "ok"]
    assert secret not in page.content() and new_secret not in page.content()

    assert errors == []
    assert_local_only(requested, origin + "/")


def test_key_pairs_generated_or_pasted(page: Page, lab: Localnet, errors: list[str], requested: list[str]):
    origin = open_page(page, lab)

    # Coinbase generates the pair, as its portal does, and shows the private key once.
    page.get_by_label("Exchange", exact=True).select_option(label="Coinbase")
    expect(page.get_by_label("Public key (PEM)", exact=True)).to_be_visible()
    expect(page.locator("#create-pem-hint")).to_contain_text("Optional")
    key_id = create_on_page(page, "Coinbase", "cdp", ("read",), key_type="ECDSA P-256 (key pair)")
    expect(page.get_by_role("button", name="Copy private key")).to_be_visible()
    private_key = once_value(page, "private-key")
    assert "BEGIN EC PRIVATE KEY" in private_key
    assert page.locator('#once pre[data-field="secret"]').count() == 0
    made = {"key": {"exchange": "coinbase", "type": "ecdsa", "id": key_id}, "api_key": once_value(page, "api-key"),
            "private_key": private_key + "\n", "secret": None}
    assert read_call(lab, made)[0]

    # Binance: bring your own Ed25519 pair, paste only the public key.
    private_pem, public_pem = new_pair("ed25519")
    page.get_by_label("Exchange", exact=True).select_option(label="Binance")
    page.get_by_label("Key type").select_option(label="Ed25519 (key pair)")
    expect(page.locator("#create-pem-hint")).to_contain_text("Required")
    page.get_by_role("button", name="Create key").click()  # without the public key: refused, with a reason
    expect(page.locator("#create-error")).to_contain_text("needs its public key", timeout=SERVER)
    create_on_page(page, "Binance", "own pair", ("read",), key_type="Ed25519 (key pair)", pem=public_pem)
    assert page.locator('#once pre[data-field="secret"]').count() == 0
    api_key = once_value(page, "api-key")
    assert binance_account(lab.url("binance"), api_key, private_pem=private_pem).status_code == 200

    # OKX asks for a passphrase (or makes one up) and always grants read.
    page.get_by_label("Exchange", exact=True).select_option(label="OKX")
    expect(page.get_by_label("Passphrase")).to_be_visible()
    expect(page.get_by_role("checkbox", name=re.compile("^Read"))).to_be_disabled()
    expect(page.get_by_label("Key type").locator("option")).to_have_count(1)
    create_on_page(page, "OKX", "okx bot")
    passphrase = once_value(page, "passphrase")
    made = {"key": {"exchange": "okx", "type": "hmac"}, "api_key": once_value(page, "api-key"),
            "secret": once_value(page, "secret"), "passphrase": passphrase}
    assert read_call(lab, made)[0]

    assert errors == []
    assert_local_only(requested, origin + "/")


def test_keyboard_only_create_copy_and_revoke(page: Page, lab: Localnet, errors: list[str]):
    origin = open_page(page, lab)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=origin)
    page.locator("body").focus()

    tab_to(page, "#create-exchange")
    page.keyboard.press("End")  # the last exchange...
    expect(page.locator("#create-exchange")).to_have_value("coinbase")
    expect(page.locator("#create-passphrase-field")).to_be_hidden()
    page.keyboard.press("Home")  # ...and back to the first: Binance
    expect(page.locator("#create-exchange")).to_have_value("binance")
    tab_to(page, "#create-label")
    page.keyboard.type("typed by keyboard")
    tab_to(page, 'input[value="trade"]')
    page.keyboard.press("Space")
    expect(page.locator('input[value="trade"]')).to_be_checked()
    tab_to(page, "#create-ips")
    page.keyboard.type("127.0.0.1")
    tab_to(page, "#create-submit")
    page.keyboard.press("Enter")
    expect(page.locator("#once")).to_be_visible(timeout=SERVER)
    assert focused_id(page) == "once"  # the secret box takes the focus, so it is read out first
    key_id = newest_key_id(lab)
    expect(page.locator("#once-summary")).to_contain_text(f"Key {key_id} for Binance")
    secret = once_value(page, "secret")

    tab_to(page, "#once dd:nth-of-type(2) button")  # Copy secret
    page.keyboard.press("Enter")
    expect(page.locator("#copy-status")).to_have_text("The secret is on the clipboard.", timeout=SERVER)
    assert page.evaluate("navigator.clipboard.readText()") == secret
    tab_to(page, "#once-done")
    page.keyboard.press("Enter")
    expect(page.locator("#once")).to_be_hidden()
    assert focused_id(page) == "create-exchange"

    revoke = f'#keys-table tr[data-key-id="{key_id}"] button.link-danger'
    tab_to(page, revoke)
    page.keyboard.press("Enter")
    expect(page.locator("#confirm")).to_be_visible()
    assert focused_id(page) == "confirm-cancel"  # the safe choice has the focus
    page.keyboard.press("Escape")
    expect(page.locator("#confirm")).to_be_hidden()
    assert page.evaluate("s => document.activeElement.matches(s)", revoke)  # back where it was
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert focused_id(page) == "confirm-ok"
    page.keyboard.press("Enter")
    expect(key_row(page, key_id)).to_contain_text("revoked", timeout=SERVER)
    assert core_keys.get(lab.store, key_id).revoked
    assert errors == []


def test_reopening_the_dialog_at_once_still_revokes(page: Page, lab: Localnet, errors: list[str]):
    """The first opening's "close" event arrives after the second opening (as when Escape and
    Enter come quickly on a busy machine); it must not cancel the second one."""
    open_page(page, lab)
    key_id = create_on_page(page, "Binance", "closed and reopened")
    page.get_by_role("button", name="I have stored it: hide").click()
    revoke = f'#keys-table tr[data-key-id="{key_id}"] button.link-danger'
    page.locator(revoke).click()
    expect(page.locator("#confirm")).to_be_visible()
    page.evaluate("s => { document.getElementById('confirm').close(); document.querySelector(s).click(); }", revoke)
    expect(page.locator("#confirm")).to_be_visible()
    page.locator("#confirm-ok").click()
    expect(key_row(page, key_id)).to_contain_text("revoked", timeout=SERVER)
    assert core_keys.get(lab.store, key_id).revoked
    assert errors == []


# ---- how it looks, and who may talk to it ----------------------------------------------------

@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_no_accessibility_violations(page: Page, lab: Localnet, color_scheme: str, errors: list[str]):
    page.emulate_media(color_scheme=color_scheme)
    lab.create_key("kraken", label="for the log")
    open_page(page, lab)
    create_on_page(page, "Bybit", f"axe {color_scheme}", ("read", "trade"), "10.0.0.0/8")
    page.get_by_role("button", name=re.compile(r"^Log of key")).first.click()
    results = audit(page)
    assert results.violations_count == 0, results.generate_report()
    page.get_by_role("button", name=re.compile(r"^Revoke key")).first.click()
    expect(page.locator("#confirm")).to_be_visible()
    results = audit(page)
    assert results.violations_count == 0, results.generate_report()
    assert errors == []


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_phone_width(page: Page, lab: Localnet, color_scheme: str, errors: list[str]):
    page.emulate_media(color_scheme=color_scheme)
    page.set_viewport_size({"width": 375, "height": 740})
    open_page(page, lab)
    create_on_page(page, "Coinbase", "phone", ("read",))
    assert page.evaluate("document.documentElement.scrollWidth") <= 375  # nothing wider than the phone
    for name in ("Create key", "Copy private key", "I have stored it: hide"):
        box = page.get_by_role("button", name=name).bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 375, name
    results = audit(page)
    assert results.violations_count == 0, results.generate_report()
    assert errors == []


class _EvilPage(http.server.BaseHTTPRequestHandler):
    """Another site on this machine that tries to make keys on localnet behind the learner's back."""

    target = ""

    def do_GET(self) -> None:
        body = f"""<!doctype html><html lang="en"><title>evil</title><body>
<form id="f" method="post" action="{self.target}/api/keys" enctype="text/plain">
<input name='{{"exchange":"binance","x":"' value='"}}'></form></body></html>""".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


def test_another_page_cannot_make_or_read_keys(page: Page, lab: Localnet):
    target = lab.url("manage")
    handler = type("Evil", (_EvilPage,), {"target": target})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    before = len(core_keys.list_keys(lab.store))
    try:
        page.goto(f"http://127.0.0.1:{server.server_address[1]}/")
        outcomes = page.evaluate("""async (target) => {
            const out = {};
            const body = JSON.stringify({exchange: "binance"});
            try { await fetch(target + "/api/keys", {method: "POST", mode: "no-cors", credentials: "include",
                  headers: {"Content-Type": "text/plain"}, body}); out.noCors = "sent"; } catch (e) { out.noCors = "blocked"; }
            try { const r = await fetch(target + "/api/keys", {method: "POST", credentials: "include",
                  headers: {"Content-Type": "application/json"}, body}); out.cors = r.status; } catch (e) { out.cors = "blocked"; }
            try { const r = await fetch(target + "/api/keys", {credentials: "include"}); out.read = await r.text(); }
            catch (e) { out.read = "blocked"; }
            return out;
        }""", target)
        assert outcomes["cors"] == "blocked" and outcomes["read"] == "blocked"  # no CORS: nothing to read
        with page.expect_navigation():
            page.locator("#f").evaluate("form => form.submit()")  # a classic cross-site form POST
        assert re.search(r'"error": ?"(cross_site|bad_origin)"', page.content())
    finally:
        server.shutdown()
        server.server_close()
    assert len(core_keys.list_keys(lab.store)) == before  # nothing was created
