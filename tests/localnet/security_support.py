"""Helpers for the security and replay tests: one signed read call per exchange, prepared once and sent
as often as a test likes (with extra headers, or byte for byte again), and each exchange's answers.

The requests are built from the exchanges' rules with the learners' snippets and the other support
clients; nothing here reads localnet's own auth code.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass

import httpx

from snippets import bybit as bybit_recipe
from snippets import coinbase as coinbase_recipe
from snippets import kraken as kraken_recipe
from snippets import okx as okx_recipe
from tests.localnet import bybit_support, coinbase_support, kraken_support, okx_support, support
from tests.localnet.coinbase_support import V3

EXCHANGE_NAMES = ("binance", "bybit", "okx", "kraken", "coinbase")
FOREIGN_IP = "203.0.113.7"  # TEST-NET-3 (RFC 5737): never a local address
READ_PATHS = {
    "binance": "/api/v3/account",
    "bybit": "/v5/account/info",
    "okx": "/api/v5/account/balance",
    "kraken": "/0/private/Balance",
    "coinbase": f"{V3}/accounts",
}
_kraken_nonces = itertools.count(int(time.time() * 1000) * 1000)  # above any millisecond nonce
_http = httpx.Client(timeout=30)  # one client (and connection pool) for every request these tests send


@dataclass(frozen=True)
class Prepared:
    """One signed request, fixed byte for byte: send() it again and the exchange sees the same bytes."""

    method: str
    url: str
    headers: dict[str, str]
    body: bytes = b""

    def send(self, extra: dict[str, str] | None = None) -> httpx.Response:
        """Send it, with `extra` headers added (headers are not signed on any of the five exchanges)."""
        headers = {**self.headers, **(extra or {})}
        return _http.request(self.method, self.url, headers=headers, content=self.body)


def new_key(net, exchange: str, ips: tuple[str, ...] = (), permissions=("read",)) -> dict:
    """A fresh HMAC key (Coinbase: a localnet-made Ed25519 pair) on a new funded account."""
    if exchange == "coinbase":
        return coinbase_support.new_key(net, permissions=permissions, ips=ips)
    return net.create_key(exchange, permissions=permissions, ips=ips)


def prepare_read(net, exchange: str, key: dict, now_ms: int | None = None) -> Prepared:
    """The exchange's account read, signed for `now_ms` (default: now). Kraken: a new, larger nonce."""
    now_ms = now_ms if now_ms is not None else int(time.time() * 1000)
    base, path = net.url(exchange), READ_PATHS[exchange]
    if exchange == "binance":
        query = f"timestamp={now_ms}&recvWindow=5000"
        query += "&signature=" + support.hmac_hex(key["secret"], query)
        return Prepared("GET", f"{base}{path}?{query}", {"X-MBX-APIKEY": key["api_key"]})
    if exchange == "bybit":
        stamp = str(now_ms)
        plain = bybit_recipe.string_to_sign(stamp, key["api_key"], "5000", "")
        signature = bybit_recipe.sign_hmac(key["secret"], plain)
        return Prepared("GET", base + path, bybit_recipe.headers(key["api_key"], stamp, signature))
    if exchange == "okx":
        stamp = okx_timestamp(now_ms)
        headers = okx_recipe.auth_headers(key["api_key"], key["secret"], key["passphrase"], "GET", path,
                                          timestamp=stamp)
        return Prepared("GET", base + path, headers)
    if exchange == "kraken":
        nonce = str(next(_kraken_nonces))
        uri, headers, body = kraken_recipe.private_request(key["api_key"], key["secret"], "Balance", nonce=nonce)
        return Prepared("POST", base + uri, headers, body.encode())
    if exchange == "coinbase":
        token = coinbase_recipe.build_jwt(key["api_key"], key["private_key"], "GET", path,
                                          host=base.split("://", 1)[1], now=now_ms // 1000)
        return Prepared("GET", base + path, coinbase_recipe.auth_headers(token))
    raise ValueError(exchange)


def okx_timestamp(now_ms: int) -> str:
    """OKX's ISO timestamp with milliseconds for a Unix time in ms."""
    seconds, millis = divmod(now_ms, 1000)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)) + f".{millis:03d}Z"


def accepted(exchange: str, response: httpx.Response) -> bool:
    """True when the exchange answered the read call with data, not an error."""
    if response.status_code != 200:
        return False
    body = response.json()
    return {
        "binance": lambda: "balances" in body,
        "bybit": lambda: body.get("retCode") == 0,
        "okx": lambda: body.get("code") == "0",
        "kraken": lambda: body.get("error") == [],
        "coinbase": lambda: "accounts" in body,
    }[exchange]()


def assert_ip_refused(exchange: str, response: httpx.Response, peer: str = "127.0.0.1") -> None:
    """The exchange's own answer to a key used from an IP outside its allow-list (exchanges.md)."""
    if exchange == "binance":  # §1.4: unknown key, IP and permission all give -2015
        support.assert_error(response, 401, -2015, "Invalid API-key, IP, or permissions for action.")
    elif exchange == "bybit":  # §2.3: key bound to other IPs -> 10010
        bybit_support.assert_error(response, 10010, "Unmatched IP, please check your API key's bound IP addresses.")
    elif exchange == "okx":  # §3.3: 50110 [401], naming the caller's IP
        okx_support.assert_auth_error(response, "50110",
                                      f"Your IP {peer} is not included in your API key's IP whitelist.")
    elif exchange == "kraken":  # §4.3: wording not published; localnet says Permission denied
        kraken_support.assert_error(response, "EGeneral:Permission denied")
    elif exchange == "coinbase":  # §5.3: any auth failure is a bare 401 Unauthorized
        coinbase_support.assert_unauthorized(response)
    else:
        raise ValueError(exchange)
