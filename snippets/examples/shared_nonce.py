"""Two programs share one Kraken key, and one of them loses: `EAPI:Invalid nonce`.

Kraken refuses any nonce that is not larger than the last one the key used. Two workers
that both take milliseconds from the clock can sign in one order and arrive in the other.
The fix is one key per worker (each key has its own nonce sequence), or one shared counter.
Run it with `python -m snippets.examples.shared_nonce`.
"""

import httpx

from localnet.client import start
from snippets import kraken

NOW_MS = 1_767_225_600_000  # a fixed "current time", so the output never changes


def balance(http: httpx.Client, key: dict, nonce: int) -> str:
    """POST /0/private/Balance with the given nonce; return Kraken's error list, or "ok"."""
    path, headers, body = kraken.private_request(key["api_key"], key["secret"], "Balance", nonce=str(nonce))
    answer = http.post(path, content=body, headers=headers).json()  # errors come with HTTP 200
    return ", ".join(answer["error"]) or "ok"


def main() -> None:
    with start() as net, httpx.Client(base_url=net.url("kraken")) as http:
        shared = net.create_key("kraken", permissions=("read",), label="shared by two bots")

        # Worker A signs first (nonce ...001) but is slower; worker B signs a millisecond later
        # (nonce ...002) and its request arrives first.
        print("one key, B arrives first:  ", balance(http, shared, NOW_MS + 2))
        print("one key, A arrives second: ", balance(http, shared, NOW_MS + 1))

        # One key per worker: each key keeps its own "last nonce", so the order between
        # workers no longer matters.
        key_a = net.create_key("kraken", permissions=("read",), label="bot A")
        key_b = net.create_key("kraken", permissions=("read",), label="bot B")
        print("own keys, B arrives first: ", balance(http, key_b, NOW_MS + 2))
        print("own keys, A arrives second:", balance(http, key_a, NOW_MS + 1))

        # The same request sent twice is a replay, and the nonce stops it too.
        print("A's request sent again:    ", balance(http, key_a, NOW_MS + 1))


if __name__ == "__main__":
    main()
