"""localnet: a signed private read against the same server's unsigned ping, and the cost of each signature check.

localnet runs the way a learner's program runs it: `localnet.client.start()` in this process, on a
temporary database, real uvicorn servers on 127.0.0.1. Each client is a thread with its own
keep-alive httpx client and its own key, and signs every request afresh with the project's own
recipes (snippets/<exchange>.py). So a signed call's latency is what a bot sees: signing included.
The signing alone is measured separately, and so is the server's verification of each scheme.

The rate limits are raised out of the way (a benchmark is not a rate-limit test); everything else
is localnet as shipped, durable commits included.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from bench.core import Row, stats
from localnet.client import Localnet, start
from localnet import exchanges
from localnet.core import keys, signatures
from localnet.exchanges.binance import auth as binance_auth
from localnet.exchanges.bybit import auth as bybit_auth
from localnet.exchanges.coinbase import auth as coinbase_auth
from localnet.exchanges.kraken import auth as kraken_auth
from snippets import binance, bybit, coinbase, kraken, okx

SECTION = "localnet"
EXCHANGES = ("binance", "bybit", "okx", "kraken", "coinbase")
CLIENTS = (1, 8)
NO_LIMITS = {"weight_limit": 10**9, "rate_limit": 10**9, "public_rate_limit": 10**9}
PING = {name: module.PING_PATH for name, module in exchanges.EXCHANGES.items()}
KEY_OPTIONS = {"coinbase": {"type": "ed25519"}}

Send = Callable[[httpx.Client], httpx.Response]


@dataclass
class Plan:
    """How many requests each client makes."""

    warmup: int
    per_client: dict[int, int]  # clients -> requests per client
    verify_rounds: int


FULL = Plan(warmup=20, per_client={1: 600, 8: 150}, verify_rounds=2000)
QUICK = Plan(warmup=1, per_client={1: 5, 8: 2}, verify_rounds=5)


# ---- one signed request per exchange, built with the snippets ---------------------------------

def binance_signer(key: dict, base: str) -> Send:
    def send(client: httpx.Client) -> httpx.Response:
        query = binance.signed_query({"timestamp": binance.timestamp_ms()}, key["secret"])
        return client.get(f"{base}/api/v3/account?{query}", headers={binance.API_KEY_HEADER: key["api_key"]})
    return send


def bybit_signer(key: dict, base: str) -> Send:
    query = "accountType=UNIFIED"

    def send(client: httpx.Client) -> httpx.Response:
        stamp = bybit.timestamp_ms()
        plain = bybit.string_to_sign(stamp, key["api_key"], bybit.DEFAULT_RECV_WINDOW, query)
        headers = bybit.headers(key["api_key"], stamp, bybit.sign_hmac(key["secret"], plain))
        return client.get(f"{base}/v5/account/wallet-balance?{query}", headers=headers)
    return send


def okx_signer(key: dict, base: str) -> Send:
    path = "/api/v5/account/balance"

    def send(client: httpx.Client) -> httpx.Response:
        headers = okx.auth_headers(key["api_key"], key["secret"], key["passphrase"], "GET", path)
        return client.get(base + path, headers=headers)
    return send


def kraken_signer(key: dict, base: str) -> Send:
    nonces = itertools.count(time.time_ns() // 1000)  # one key per client: a private, rising counter

    def send(client: httpx.Client) -> httpx.Response:
        path, headers, body = kraken.private_request(key["api_key"], key["secret"], "Balance", nonce=str(next(nonces)))
        return client.post(base + path, headers=headers, content=body.encode())
    return send


def coinbase_signer(key: dict, base: str) -> Send:
    path = "/api/v3/brokerage/accounts"
    host = base.split("://", 1)[1]  # the JWT names the Host the request is sent to

    def send(client: httpx.Client) -> httpx.Response:
        token = coinbase.build_jwt(key["api_key"], key["private_key"], "GET", path, host=host)
        return client.get(base + path, headers=coinbase.auth_headers(token))
    return send


SIGNERS: dict[str, Callable[[dict, str], Send]] = {
    "binance": binance_signer, "bybit": bybit_signer, "okx": okx_signer, "kraken": kraken_signer,
    "coinbase": coinbase_signer,
}


def ping_sender(base: str, path: str) -> Send:
    return lambda client: client.get(base + path)


def answered(response: httpx.Response) -> None:
    """Refuse an error answer: a benchmark of refusals would measure the wrong thing."""
    if response.status_code != 200:
        raise RuntimeError(f"{response.request.url.path}: HTTP {response.status_code} {response.text[:200]}")
    body = response.json()
    if isinstance(body, dict) and (body.get("error") or body.get("code") not in (None, 0, "0")
                                   or body.get("retCode") not in (None, 0)):
        raise RuntimeError(f"{response.request.url.path}: {response.text[:200]}")


# ---- load -------------------------------------------------------------------------------------

@dataclass
class Load:
    """Latencies (s) of every request, and the wall time all clients took together."""

    latencies: list[float]
    wall_s: float

    def throughput(self) -> float:
        return len(self.latencies) / self.wall_s


def drive(senders: list[Send], requests: int, warmup: int) -> Load:
    """Each sender on its own thread and keep-alive client, `requests` each after `warmup`, all at once."""
    barrier = threading.Barrier(len(senders) + 1)
    results: list[list[float]] = [[] for _ in senders]
    errors: list[BaseException] = []

    def worker(index: int, send: Send) -> None:
        with httpx.Client(timeout=30) as client:
            try:
                for _ in range(warmup):
                    answered(send(client))
            except BaseException as exc:  # reported after the barrier, so nobody waits forever
                errors.append(exc)
            barrier.wait()
            if errors:
                return
            mine = results[index]
            clock = time.perf_counter
            try:
                for _ in range(requests):
                    start_s = clock()
                    response = send(client)
                    mine.append(clock() - start_s)
                    if response.status_code != 200:
                        answered(response)
            except BaseException as exc:
                errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i, s), daemon=True) for i, s in enumerate(senders)]
    for thread in threads:
        thread.start()
    barrier.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    if errors:
        raise errors[0]
    return Load([x for part in results for x in part], wall)


def measure_exchange(net: Localnet, exchange: str, plan: Plan) -> list[Row]:
    base = net.url(exchange)
    most = max(CLIENTS)
    made = [net.create_key(exchange, permissions=("read",), **KEY_OPTIONS.get(exchange, {})) for _ in range(most)]
    rows = []
    for clients in CLIENTS:
        requests = plan.per_client[clients]
        ping = drive([ping_sender(base, PING[exchange]) for _ in range(clients)], requests, plan.warmup)
        signed = drive([SIGNERS[exchange](made[i], base) for i in range(clients)], requests, plan.warmup)
        rows.extend(load_rows(exchange, clients, ping, signed))
    rows.append(signing_row(exchange, made[0], base, plan))
    return rows


def load_rows(exchange: str, clients: int, ping: Load, signed: Load) -> list[Row]:
    """Median (against the 2x target), p99 and throughput of the signed call, each beside the ping's."""
    p, s = stats(ms(ping.latencies)), stats(ms(signed.latencies))
    who = f"{clients} client" + ("s" if clients > 1 else "")
    extra = {
        "clients": clients, "requests": s["n"], "signed_p99_ms": s["p99"], "ping_p99_ms": p["p99"],
        "signed_mean_ms": s["mean"], "ping_mean_ms": p["mean"],
        "signed_req_per_s": signed.throughput(), "ping_req_per_s": ping.throughput(),
    }
    ratio = s["median"] / p["median"]
    return [
        Row(SECTION, f"{exchange} signed read, median, {who}", s["median"], "ms", floor=p["median"],
            target="<= 2x floor", met=ratio <= 2, note="floor: the same server's unsigned ping", extra=extra),
        Row(SECTION, f"{exchange} signed read, p99, {who}", s["p99"], "ms", floor=p["p99"],
            extra={"clients": clients, "requests": s["n"]}),
        Row(SECTION, f"{exchange} signed read, throughput, {who}", signed.throughput(), "req/s",
            floor=ping.throughput(), extra={"clients": clients, "requests": s["n"]}),
    ]


def ms(seconds: list[float]) -> list[float]:
    return [x * 1000 for x in seconds]


# ---- signing and verifying, without HTTP ------------------------------------------------------

def per_call_us(fn: Callable[[], object], rounds: int) -> float:
    """Median µs per call of `fn`, over 5 batches of `rounds` calls."""
    batches = []
    for _ in range(5):
        began = time.perf_counter()
        for _ in range(rounds):
            fn()
        batches.append((time.perf_counter() - began) / rounds * 1e6)
    return stats(batches)["median"]


class Capture:
    """An httpx.Client stand-in that keeps the request a signer builds instead of sending it."""

    def get(self, url: str, headers: dict | None = None) -> None:
        self.last = ("GET", url, headers, b"")

    def post(self, url: str, headers: dict | None = None, content: bytes = b"") -> None:
        self.last = ("POST", url, headers, content)


def signing_row(exchange: str, key: dict, base: str, plan: Plan) -> Row:
    """What the client spends signing one request (the snippets' recipe, no HTTP)."""
    send, capture = SIGNERS[exchange](key, base), Capture()
    value = per_call_us(lambda: send(capture), plan.verify_rounds)  # type: ignore[arg-type]
    return Row(SECTION, f"{exchange} client signing (snippets/{exchange}.py)", value, "µs",
               note="inside the signed latency above")


def verify_rows(net: Localnet, plan: Plan) -> list[Row]:
    """µs per signature check, calling localnet's own verifiers with a valid signature."""
    checks: list[tuple[str, Callable[[], bool]]] = []

    stored = keys.get(net.store, net.create_key("binance")["id"])
    payload = binance.encode({"timestamp": 1700000000000})
    signature = binance.sign(stored.secret, payload)
    checks.append(("HMAC-SHA256 hex (binance)",
                   lambda: binance_auth.signature_ok(stored, payload.encode(), signature)))

    bybit_key = keys.get(net.store, net.create_key("bybit")["id"])
    plain = bybit.string_to_sign("1700000000000", bybit_key.api_key, "5000", "accountType=UNIFIED")
    bybit_sig = bybit.sign_hmac(bybit_key.secret, plain)
    checks.append(("HMAC-SHA256 hex (bybit)",
                   lambda: bybit_auth.signature_ok(bybit_key, plain.encode(), bybit_sig)))

    okx_key = keys.get(net.store, net.create_key("okx")["id"])
    prehash = okx.prehash("2023-11-14T22:13:20.000Z", "GET", "/api/v5/account/balance")
    okx_sig = okx.sign(okx_key.secret, prehash)
    checks.append(("HMAC-SHA256 base64 (okx)",
                   lambda: signatures.hmac_base64_ok(okx_key.secret.encode(), prehash.encode(), okx_sig)))

    kraken_key = keys.get(net.store, net.create_key("kraken")["id"])
    body = kraken.encode_body("1700000000000")
    kraken_sig = kraken.sign(kraken_key.secret, "/0/private/Balance", "1700000000000", body)
    checks.append(("SHA-256 + HMAC-SHA512 (kraken)", lambda: kraken_auth.signature_ok(
        kraken_key, "/0/private/Balance", "1700000000000", body.encode(), kraken_sig)))

    for key_type, algorithm in coinbase_auth.ALGORITHMS.items():
        made = net.create_key("coinbase", type=key_type)
        stored_cb = keys.get(net.store, made["id"])
        token = coinbase.build_jwt(made["api_key"], made["private_key"], "GET", "/api/v3/brokerage/accounts")
        checks.append((f"JWT {algorithm} (coinbase)", verify_jwt(token, stored_cb, algorithm)))

    rows = []
    for name, check in checks:
        if not check():
            raise RuntimeError(f"{name}: localnet refused a valid signature")
        rows.append(Row(SECTION, f"verify {name}", per_call_us(check, plan.verify_rounds), "µs",
                        note="localnet's own verifier, called directly"))
    return rows


def verify_jwt(token: str, key: keys.Key, algorithm: str) -> Callable[[], bool]:
    def check() -> bool:
        return isinstance(coinbase_auth._verified_claims(token, key, algorithm), dict)
    return check


# ---- the section --------------------------------------------------------------------------------

def run(quick: bool = False) -> list[Row]:
    plan = QUICK if quick else FULL
    rows: list[Row] = []
    with start(**NO_LIMITS) as net:
        for exchange in EXCHANGES:
            rows.extend(measure_exchange(net, exchange, plan))
        rows.extend(verify_rows(net, plan))
    return rows
