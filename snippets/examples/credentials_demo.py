"""From a `.env` file to a signed request, without the secret ever appearing on screen.

Run it with `python -m snippets.examples.credentials_demo`. It works in a temporary folder,
with Binance's published documentation key (public, and useless anywhere but localnet), under
the prefix KEYLAB_DEMO so that it cannot pick up a real key of yours.
"""

import contextlib
import tempfile
from pathlib import Path

import httpx

from localnet.client import start
from snippets import binance
from snippets.credentials import MissingCredential, UnsafeFile, from_env

# Binance's documentation example key, published with its secret: fine to show, worthless to steal.
DOC_KEY = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A"
DOC_SECRET = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j"
FROZEN_MS = 1_767_225_600_000  # 2026-01-01 00:00:00 UTC


def try_to_load(note: str) -> None:
    """Load KEYLAB_DEMO_* from .env and print the outcome, which never contains the secret."""
    try:
        print(f"{note}: {from_env('KEYLAB_DEMO', '.env')}")
    except (MissingCredential, UnsafeFile) as problem:
        print(f"{note}: {type(problem).__name__}: {problem}")


def main() -> None:
    with tempfile.TemporaryDirectory() as folder, contextlib.chdir(folder):
        env = Path(".env")
        env.write_text(f"KEYLAB_DEMO_API_KEY={DOC_KEY}\n")
        env.chmod(0o600)
        try_to_load("only the API key")

        env.write_text(f"KEYLAB_DEMO_API_KEY={DOC_KEY}\nKEYLAB_DEMO_API_SECRET={DOC_SECRET}\n")
        env.chmod(0o644)  # what `cp .env.example .env` usually gives you
        try_to_load("readable by everyone")

        env.chmod(0o600)
        try_to_load("private file")
        credentials = from_env("KEYLAB_DEMO", ".env")

    with start(frozen_time_ms=FROZEN_MS) as net:
        net.create_key("binance", api_key=credentials.api_key, secret=credentials.secret)
        query = binance.signed_query({"timestamp": FROZEN_MS}, credentials.secret)
        headers = {binance.API_KEY_HEADER: credentials.api_key}
        account = httpx.get(f"{net.url('binance')}/api/v3/account?{query}", headers=headers).json()
        print("signed call accepted; BTC balance:", next(b["free"] for b in account["balances"]
                                                        if b["asset"] == "BTC"))


if __name__ == "__main__":
    main()
