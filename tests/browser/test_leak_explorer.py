"""The permission and leak-impact explorer (docs/tools/leak-explorer.md) in real Chromium.

What a reader sees for each use case and key, with the mouse and with the keyboard alone, at
phone width, in light and dark mode; that its facts match the pages and localnet; and that it
fetches nothing from anywhere but the site itself.
"""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.a11y import audit

from tests.browser.recorders import assert_local_only

from localnet.exchanges import EXCHANGES

ROOT = Path(__file__).resolve().parents[2]
EXPLORER = "tools/leak-explorer/"
EXCHANGE_NAMES = {"binance": "Binance", "bybit": "Bybit", "okx": "OKX", "kraken": "Kraken", "coinbase": "Coinbase"}

# The recommendations of docs/keys/permissions.md ("Least privilege" and "Why withdrawal stays off"),
# and which settings differ from the explorer's starting key (read, trade and withdraw, no IP
# restriction, no address allow-list, main account).
USE_CASES = {
    "portfolio": ("Portfolio tracker",
                  {"read": "Yes", "trade": "No", "withdraw": "No", "ip": "Your server's IP address"},
                  {"trade", "withdraw", "ip"}),
    "tax": ("Tax export", {"read": "Yes", "trade": "No", "withdraw": "No", "ip": "Your server's IP address"},
            {"trade", "withdraw", "ip"}),
    "bot": ("Your own trading bot", {"read": "Yes", "trade": "Yes", "withdraw": "No", "ip": "Your server's IP address"},
            {"withdraw", "ip", "subaccount"}),
    "arbitrage": ("Arbitrage across exchanges",
                  {"read": "Yes", "trade": "Yes", "withdraw": "No", "ip": "Your server's IP address"},
                  {"withdraw", "ip", "subaccount"}),
    "copy": ("Copy-trading or signal service",
             {"read": "Yes", "trade": "Yes", "withdraw": "No", "ip": "Your server's IP address"},
             {"withdraw", "ip", "subaccount"}),
    "market": ("Market data only", {"read": "No", "trade": "No", "withdraw": "No", "ip": "Not needed: no key"},
               {"read", "trade", "withdraw"}),
    "treasury": ("Withdrawal automation (treasury sweep)",
                 {"read": "Yes", "trade": "No", "withdraw": "Yes", "ip": "Your server's IP address",
                  "addressList": "On"},
                 {"trade", "ip", "addressList"}),
}


def open_explorer(page: Page, site_url: str) -> None:
    page.goto(site_url + EXPLORER)
    expect(page.locator(".kl-leak__form")).to_be_visible()


def set_key(page: Page, read: bool = False, trade: bool = False, withdraw: bool = False, ip: str = "none",
            address_list: bool = False, subaccount: bool = False, exchange: str | None = None) -> None:
    if exchange is not None:
        page.get_by_label("Exchange", exact=True).select_option(exchange)
    for name, on in (("Read", read), ("Trade", trade), ("Withdraw", withdraw)):
        page.get_by_role("checkbox", name=name, exact=True).set_checked(on)
    radio = "Only your server's IP address" if ip == "server" else "None: any address may use the key"
    page.get_by_role("radio", name=radio).check()
    page.get_by_role("checkbox", name=re.compile("^Withdrawal address allow-list")).set_checked(address_list)
    page.get_by_role("checkbox", name=re.compile("^The key belongs to a sub-account")).set_checked(subaccount)


def item(page: Page, group: str, action: str) -> Locator:
    """The result line for an action in "could" or "couldNot"."""
    return page.locator(f".kl-leak__list[data-group={group}] > li", has_text=action)


def worst(page: Page) -> Locator:
    return page.locator(".kl-leak__worst p")


def names(page: Page) -> str:
    return page.locator(".kl-leak__names").inner_text()


def test_results_are_a_polite_live_region(page: Page, site_url: str, errors: list[str]):
    open_explorer(page, site_url)
    results = page.get_by_role("region", name="If this key leaked")
    expect(results).to_have_attribute("aria-live", "polite")
    # A change replaces only what changed, so a screen reader hears the change, not everything.
    # (The mark is a property, not an attribute, so the line itself stays unchanged.)
    page.locator("li[data-key=account]").evaluate("node => { node.klMarked = true; }")
    page.locator("li[data-key=read]").evaluate("node => { node.klMarked = true; }")
    page.get_by_role("checkbox", name="Trade", exact=True).uncheck()
    expect(item(page, "couldNot", "Trade your money into their hands")).to_be_visible()
    assert page.locator("li[data-key=account]").evaluate("node => node.klMarked === true")
    assert page.locator("li[data-key=read]").evaluate("node => node.klMarked === true")
    page.get_by_role("checkbox", name="Read", exact=True).uncheck()  # the read line changes, so it is new
    expect(item(page, "couldNot", "See your balances")).to_be_visible()
    assert page.locator("li[data-key=read]").evaluate("node => node.klMarked === undefined")
    assert errors == []


@pytest.mark.parametrize("use_case", list(USE_CASES))
def test_each_use_case_shows_its_recommended_settings(page: Page, site_url: str, errors: list[str], use_case: str):
    label, expected, changes = USE_CASES[use_case]
    open_explorer(page, site_url)
    page.get_by_label("Use case", exact=True).select_option(label=label)
    expect(page.get_by_role("heading", name=f"Recommended for: {label}")).to_be_visible()
    for setting, value in expected.items():
        expect(page.locator(f".kl-leak__settings li[data-setting={setting}]")).to_contain_text(value)
    shown = page.locator(".kl-leak__changes li").evaluate_all("items => items.map(li => li.dataset.setting)")
    assert set(shown) == changes

    page.get_by_role("button", name="Use the recommended settings").click()
    expect(page.get_by_text("Nothing: your settings match the recommendation.")).to_be_visible()
    for name in ("Read", "Trade", "Withdraw"):
        checkbox = page.get_by_role("checkbox", name=name, exact=True)
        expect(checkbox).to_be_checked(checked=expected[name.lower()] == "Yes")
    if expected["ip"].startswith("Your server"):
        expect(page.get_by_role("radio", name="Only your server's IP address")).to_be_checked()
    if use_case == "market":
        expect(worst(page)).to_have_text(re.compile("^Nothing: with no key there is nothing to leak"))
    assert errors == []


def test_withdraw_without_ip_restriction_shows_the_risk_and_binance_refusal(page: Page, site_url: str, errors):
    open_explorer(page, site_url)
    set_key(page, read=True, withdraw=True, exchange="binance")
    steal = item(page, "could", "Send your coins to an address of their own")
    expect(steal).to_contain_text("Can")
    expect(steal).to_contain_text("a blockchain transfer cannot be called back")
    expect(worst(page)).to_contain_text("send every coin in the account to their own address")
    refusal = page.locator(".kl-leak__refusals")
    expect(refusal).to_contain_text(
        "Binance would not allow this key: it enables withdrawals only on IP-restricted keys")
    expect(page.locator(".kl-leak__names")).to_contain_text("enableWithdrawals")
    expect(page.locator(".kl-leak__names")).to_contain_text("ipRestrict: false")

    # With the key bound to the server, Binance would issue it; what is left needs the server.
    page.get_by_role("radio", name="Only your server's IP address").check()
    expect(refusal).to_have_count(0)
    expect(steal).to_contain_text("only from your server")
    expect(item(page, "couldNot", "Use the key from their own computer")).to_contain_text("Binance answers -2015")
    expect(worst(page)).to_contain_text("refused everywhere but your server")

    # Another exchange: the same risk, and no Binance refusal; no exchange chosen: Binance's rule is shown.
    set_key(page, read=True, withdraw=True, exchange="okx")
    expect(steal).to_contain_text("Can")
    expect(page.locator(".kl-leak__refusals")).to_have_count(0)
    set_key(page, read=True, withdraw=True, exchange="any")
    expect(page.locator(".kl-leak__refusals")).to_contain_text("Binance would not allow this key")
    assert errors == []


def test_a_read_only_key_can_reveal_but_not_trade_or_withdraw(page: Page, site_url: str, errors: list[str]):
    open_explorer(page, site_url)
    set_key(page, read=True, exchange="binance")
    balances = item(page, "could", "See your balances, open orders, trades and deposits")
    expect(balances).to_contain_text("Can")
    expect(balances).to_contain_text("loss of privacy")
    for action in ("Trade your money into their hands", "Send your coins to an address of their own"):
        expect(item(page, "couldNot", action)).to_contain_text("Cannot")
        expect(item(page, "could", action)).to_have_count(0)
    expect(item(page, "couldNot", "Trade your money into their hands")).to_contain_text("Binance answers -2015")
    expect(worst(page)).to_have_text(re.compile("learns your balances, orders and history; no coin moves"))
    assert errors == []


def test_a_trade_key_without_withdraw_is_not_safe(page: Page, site_url: str, errors: list[str]):
    open_explorer(page, site_url)
    set_key(page, read=True, trade=True, exchange="bybit")
    expect(item(page, "could", "Trade your money into their hands")).to_contain_text("ten times its price")
    expect(item(page, "could", "Leave orders that keep working after you revoke the key")).to_be_visible()
    expect(item(page, "couldNot", "Send your coins to an address of their own")).to_contain_text("Bybit answers 10005")
    expect(worst(page)).to_contain_text("trade the value of the account into their own hands")
    assert errors == []


def test_exchange_specific_rules(page: Page, site_url: str, errors: list[str]):
    open_explorer(page, site_url)
    # Bybit: every key reads; unbound keys expire; Withdraw is for master-account keys only.
    set_key(page, trade=True, exchange="bybit")
    expect(item(page, "could", "See your balances")).to_contain_text("Every Bybit key can read")
    expect(item(page, "could", "Keep using it for months")).to_contain_text("90 days")
    expect(item(page, "could", "after you change your password")).to_contain_text("7 days")
    expect(page.locator(".kl-leak__names")).to_contain_text("readOnly: 0")
    set_key(page, read=True, withdraw=True, ip="server", subaccount=True, exchange="bybit")
    expect(page.locator(".kl-leak__refusals")).to_contain_text("grants Withdraw only to master-account keys")
    expect(item(page, "could", "Keep using it for months")).to_contain_text("Until you revoke it")
    # Kraken and Bybit withdraw only to saved addresses.
    set_key(page, read=True, withdraw=True, exchange="kraken")
    expect(item(page, "couldNot", "Send your coins to an address of their own")).to_contain_text("my-cold-wallet")
    expect(item(page, "could", "Move your coins to addresses on your own list")).to_contain_text("Limited")
    page.get_by_label("Use case", exact=True).select_option("treasury")
    expect(page.locator(".kl-leak__changes li[data-setting=addressList]")).to_contain_text(
        "Kraken withdraws only to them")
    # An address allow-list that Coinbase may not apply to API withdrawals.
    set_key(page, read=True, withdraw=True, address_list=True, exchange="coinbase")
    expect(item(page, "could", "Send your coins to an address of their own")).to_contain_text("could not confirm")
    set_key(page, read=True, withdraw=True, address_list=True, exchange="okx")
    expect(item(page, "couldNot", "Send your coins to an address of their own")).to_contain_text("addresses you added")
    expect(page.locator(".kl-leak__block").filter(has_text="OKX specifics")).to_contain_text("passphrase")
    # No permission at all: no key, nothing to leak.
    set_key(page, exchange="any")
    expect(worst(page)).to_have_text(re.compile("^Nothing"))
    expect(item(page, "couldNot", "Anything with your account")).to_be_visible()
    assert errors == []


def localnet_md_names() -> dict[str, dict[str, list[str]]]:
    """The `code` names in docs/localnet.md's permission table, by exchange and permission."""
    text = (ROOT / "docs" / "localnet.md").read_text()
    rows = re.findall(r"^\| `(read|trade|withdraw)` \|(.+)\|$", text, re.M)
    assert len(rows) == 3
    table: dict[str, dict[str, list[str]]] = {name: {} for name in EXCHANGE_NAMES}
    for permission, cells in rows:
        for name, cell in zip(EXCHANGE_NAMES, cells.split("|")):
            table[name][permission] = re.findall(r"`([^`]+)`", cell)
    return table


def plain(text: str) -> str:
    return re.sub(r'["\[\]]', "", text).lower()


@pytest.mark.parametrize("exchange", list(EXCHANGE_NAMES))
def test_permission_names_agree_with_the_pages_and_localnet(page: Page, site_url: str, errors, exchange: str):
    documented = localnet_md_names()[exchange]
    coded = EXCHANGES[exchange].PERMISSION_NAMES
    open_explorer(page, site_url)
    for permission, key in (("read", {"read": True}), ("trade", {"read": True, "trade": True}),
                            ("withdraw", {"read": True, "withdraw": True, "ip": "server"})):
        set_key(page, exchange=exchange, **key)
        expect(page.locator(".kl-leak__names dt")).to_have_text([EXCHANGE_NAMES[exchange]])
        shown = plain(names(page))
        assert documented[permission], (exchange, permission)
        for name in documented[permission]:
            assert plain(name) in shown, (exchange, permission, name)
        code_names = coded[permission] if isinstance(coded[permission], tuple) else (coded[permission],)
        for name in code_names:
            assert plain(name.split(" (")[0]) in shown, (exchange, permission, name)


def test_links_in_the_explorer_lead_to_existing_sections(page: Page, site_url: str, errors: list[str]):
    open_explorer(page, site_url)
    hrefs: set[str] = set()
    states = [
        dict(read=True, trade=True, withdraw=True),
        dict(read=True, trade=True, withdraw=True, ip="server", address_list=True, subaccount=True),
        dict(trade=True),
        dict(),
    ]
    for exchange in ["any", *EXCHANGE_NAMES]:
        for state in states:
            set_key(page, exchange=exchange, **state)
            expect(page.locator(".kl-leak__list > li").first).to_be_visible()
            assert page.locator(".kl-leak__list > li:not(:has(a))").count() == 0, (exchange, state)
            hrefs |= set(page.locator(".kl-leak a").evaluate_all("links => links.map(a => a.href)"))
    page.get_by_label("Use case", exact=True).select_option("")
    hrefs |= set(page.locator(".kl-leak a").evaluate_all("links => links.map(a => a.href)"))
    assert len(hrefs) >= 15
    pages: dict[str, str] = {}
    for href in sorted(hrefs):
        assert href.startswith(site_url), href
        address, _, anchor = href.partition("#")
        if address not in pages:
            response = page.request.get(address)
            assert response.ok, address
            pages[address] = response.text()
        assert anchor and f'id="{anchor}"' in pages[address], href
    assert errors == []


def test_keyboard_alone(page: Page, site_url: str, errors: list[str]):
    open_explorer(page, site_url)
    page.locator("body").focus()
    for _ in range(300):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "kl-leak-usecase":
            break
    else:
        pytest.fail("Tab never reached the Use case control")

    def focused() -> str:
        return page.evaluate("document.activeElement.id")

    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")  # from "Your own trading bot" up to "Portfolio tracker"
    expect(page.get_by_role("heading", name="Recommended for: Portfolio tracker")).to_be_visible()
    page.keyboard.press("Tab")
    assert focused() == "kl-leak-apply"
    page.keyboard.press("Enter")
    expect(page.get_by_text("Nothing: your settings match the recommendation.")).to_be_visible()
    expect(page.get_by_role("checkbox", name="Withdraw", exact=True)).not_to_be_checked()

    page.keyboard.press("Tab")
    assert focused() == "kl-leak-exchange"
    page.keyboard.press("ArrowDown")  # "Any of the five" -> Binance
    expect(page.get_by_label("Exchange", exact=True)).to_have_value("binance")
    page.keyboard.press("Tab")
    assert focused() == "kl-leak-read"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("", "none"), "the focused control shows no focus ring"
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert focused() == "kl-leak-withdraw"
    page.keyboard.press("Space")
    expect(page.get_by_role("checkbox", name="Withdraw", exact=True)).to_be_checked()
    expect(item(page, "could", "Send your coins to an address of their own")).to_contain_text("only from your server")

    page.keyboard.press("Tab")
    assert focused() == "kl-leak-ip-server"  # the chosen radio of the group
    page.keyboard.press("ArrowUp")
    expect(page.get_by_role("radio", name="None: any address may use the key")).to_be_checked()
    expect(page.locator(".kl-leak__refusals")).to_contain_text("Binance would not allow this key")

    page.keyboard.press("Tab")
    assert focused() == "kl-leak-addressList"
    page.keyboard.press("Space")
    expect(item(page, "couldNot", "Send your coins to an address of their own")).to_contain_text("addresses you added")
    assert errors == []


@pytest.mark.parametrize("exchange", ["any", "kraken", "bybit"])
def test_no_horizontal_overflow_at_375_px(page: Page, site_url: str, errors: list[str], exchange: str):
    page.set_viewport_size({"width": 375, "height": 800})
    open_explorer(page, site_url)
    set_key(page, read=True, trade=True, withdraw=True, ip="server", address_list=True, subaccount=True,
            exchange=exchange)
    page.get_by_label("Use case", exact=True).select_option("treasury")
    widths = page.evaluate("""() => ({
        page: document.documentElement.scrollWidth, view: window.innerWidth,
        explorer: document.getElementById('kl-leak').scrollWidth,
        box: document.getElementById('kl-leak').clientWidth})""")
    assert widths["page"] <= widths["view"], widths
    assert widths["explorer"] <= widths["box"], widths
    assert errors == []


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_no_accessibility_violations(page: Page, site_url: str, errors: list[str], color_scheme: str):
    page.emulate_media(color_scheme=color_scheme)
    open_explorer(page, site_url)
    results = audit(page)  # the starting key: refusals, every kind of status
    assert results.violations_count == 0, results.generate_report()
    set_key(page, read=True, trade=True, withdraw=True, ip="server", address_list=True, exchange="kraken")
    results = audit(page)
    assert results.violations_count == 0, results.generate_report()
    assert errors == []


def test_works_after_instant_navigation_and_fetches_only_from_the_site(page: Page, site_url: str, errors: list[str],
                                                                      requested: list[str]):
    page.goto(site_url + "keys/permissions/")
    # No page links to the explorer yet: add a link, which Material's instant navigation follows.
    page.evaluate("""url => {
        const link = Object.assign(document.createElement('a'), {href: url, textContent: 'Explorer'});
        link.id = 'to-explorer';
        document.querySelector('article').prepend(link);
    }""", site_url + EXPLORER)
    page.locator("#to-explorer").click()
    page.wait_for_url(re.compile(re.escape(EXPLORER)))
    expect(page.locator(".kl-leak__form")).to_have_count(1)
    assert page.evaluate("performance.getEntriesByType('navigation')[0].name").endswith("keys/permissions/")
    set_key(page, read=True, exchange="coinbase")
    expect(page.locator(".kl-leak__names")).to_contain_text("can_view")

    # Away and back again by instant navigation: one explorer, freshly drawn, still working.
    # The drawn form is marked first: the URL changes back before Material swaps the content in,
    # so only a form without the mark is the new one (CI once unticked the old one, then lost it).
    page.locator(".kl-leak__form").evaluate("form => { form.dataset.drawnBefore = 'yes'; }")
    page.get_by_role("link", name="If a key leaks", exact=True).first.click()
    page.wait_for_url(re.compile("keys/if-a-key-leaks/"))
    page.go_back()
    page.wait_for_url(re.compile(re.escape(EXPLORER)))
    expect(page.locator(".kl-leak__form:not([data-drawn-before])")).to_have_count(1)
    expect(page.locator(".kl-leak__form")).to_have_count(1)
    page.get_by_role("checkbox", name="Withdraw", exact=True).uncheck()
    expect(item(page, "couldNot", "Send your coins to an address of their own")).to_be_visible()
    assert page.evaluate("performance.getEntriesByType('navigation')[0].name").endswith("keys/permissions/")

    page.reload()
    expect(page.locator(".kl-leak__form")).to_have_count(1)
    assert any(url.endswith("assets/javascripts/leak-explorer.js") for url in requested)
    assert any(url.endswith("assets/stylesheets/leak-explorer.css") for url in requested)
    assert_local_only(requested, site_url)
    assert errors == []
