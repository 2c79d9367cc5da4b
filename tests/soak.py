"""How hard the bounded stress tests push: normal in `make test`, many times more in `make soak`.

Every loop count in the fuzz, concurrency and kill -9 tests goes through `scaled`, so `make test`
stays inside CI's time while `make soak` (KEYLAB_SOAK=N) runs the same tests N times harder.
"""

import os


def factor() -> int:
    """The soak multiplier from $KEYLAB_SOAK (1 when unset or not a positive whole number)."""
    raw = os.environ.get("KEYLAB_SOAK", "")
    return int(raw) if raw.isdigit() and int(raw) > 0 else 1


def scaled(count: int) -> int:
    """`count` in a normal run, `count * factor()` in a soak."""
    return count * factor()
