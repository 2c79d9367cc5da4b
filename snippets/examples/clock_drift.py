"""A wrong clock against Binance's timing rule, on localnet with its clock frozen.

Binance accepts a signed request when `timestamp < serverTime + 1000` and
`serverTime - timestamp <= recvWindow` (5000 ms unless you send another value). Every
request below is signed correctly; only its timestamp varies, so every refusal is about
time. The program's own clock is simulated, so the output never changes.
Run it with `python -m snippets.examples.clock_drift`.
"""

import httpx

from localnet.client import start
from snippets import binance

SERVER_MS = 1_767_225_600_000  # localnet's frozen clock: 2026-01-01 00:00:00 UTC
LATE_CLOCK_MS = SERVER_MS - 6_000  # a computer whose clock is 6 s behind
EARLY_CLOCK_MS = SERVER_MS + 2_000  # a computer whose clock is 2 s ahead


def get_account(http: httpx.Client, key: dict, timestamp_ms: int, **extra: int) -> str:
    """Send a correctly signed GET /api/v3/account; return the status and Binance's answer."""
    query = binance.signed_query({"timestamp": timestamp_ms, **extra}, key["secret"])
    response = http.get(f"/api/v3/account?{query}", headers={binance.API_KEY_HEADER: key["api_key"]})
    if response.status_code == 200:
        return "200 accepted"
    body = response.json()
    return f"{response.status_code} {body['code']} {body['msg']}"


def measure_offset(http: httpx.Client, my_clock_ms: int) -> int:
    """Server time minus local time, from the public endpoint GET /api/v3/time.

    Real code reads its clock just before sending and again on the answer, and takes the
    midpoint; here the simulated clock stands still, so both readings are `my_clock_ms`.
    """
    sent_at = my_clock_ms
    server_ms = http.get("/api/v3/time").json()["serverTime"]
    received_at = my_clock_ms
    return server_ms - (sent_at + received_at) // 2


def main() -> None:
    with start(frozen_time_ms=SERVER_MS) as net, httpx.Client(base_url=net.url("binance")) as http:
        key = net.create_key("binance", permissions=("read",))

        print("stamped on time:       ", get_account(http, key, SERVER_MS))
        print("stamped 6 s late:      ", get_account(http, key, LATE_CLOCK_MS))
        print("stamped 2 s early:     ", get_account(http, key, EARLY_CLOCK_MS))
        print("6 s late, 10 s window: ", get_account(http, key, LATE_CLOCK_MS, recvWindow=10_000))

        offset = measure_offset(http, LATE_CLOCK_MS)
        print("measured offset:       ", offset, "ms")
        print("late clock + offset:   ", get_account(http, key, LATE_CLOCK_MS + offset))

        # The exchange's clock moves 8 s further (as if your machine had slept): the old
        # offset is stale until you measure it again.
        net.set_clock(frozen_time_ms=SERVER_MS + 8_000)
        print("8 s later, old offset: ", get_account(http, key, LATE_CLOCK_MS + offset))
        offset = measure_offset(http, LATE_CLOCK_MS)
        print("re-measured offset:    ", offset, "ms")
        print("8 s later, new offset: ", get_account(http, key, LATE_CLOCK_MS + offset))


if __name__ == "__main__":
    main()
