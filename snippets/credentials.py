"""Load an exchange API key and secret from outside your code, and never show the secret.

Two places to keep them, tried in this order by `load()`:

1. Environment variables, named PREFIX_API_KEY and PREFIX_API_SECRET (for example
   BINANCE_TESTNET_API_KEY, as in the project's `.env.example`). A `.env` file can fill them in:
   python-dotenv's `load_dotenv` copies its lines into the environment, without overriding a
   variable that is already set.
2. The operating system's keyring (macOS Keychain, Windows Credential Locker, the Secret
   Service on Linux), through the `keyring` package: one entry for the API key and one for the
   secret, under a service name of your choice.

When something is missing, the error says which name to set and where, and shows at most a
masked API key. Printing a `Credentials` object shows masked values too, so a stray `print()`
or a traceback in a log gives nothing away.

Check what your program would load, without revealing it:
`python -m snippets.credentials BINANCE_TESTNET --dotenv .env --keyring keylab-binance-testnet`
"""

from __future__ import annotations

import argparse
import os
import stat
import sys
from dataclasses import dataclass, field
from pathlib import Path

import keyring
from dotenv import load_dotenv
from keyring.errors import KeyringError

from snippets.show import mask

KEY_ENTRY = "api_key"  # the keyring "username" under which the API key is stored
SECRET_ENTRY = "secret"  # ... and the secret


class MissingCredential(LookupError):
    """A key or secret was not found. The message says where to put it, never what it is."""


class UnsafeFile(PermissionError):
    """A file holding secrets can be read by other users of the machine."""


# --8<-- [start:credentials]
@dataclass(frozen=True)
class Credentials:
    """An API key and its secret. Printing it shows masked values only."""

    api_key: str
    secret: str = field(repr=False)

    def __repr__(self) -> str:
        return f"Credentials(api_key={mask(self.api_key)}, secret={mask(self.secret)})"

    __str__ = __repr__


def clean(value: str | None) -> str | None:
    """Drop surrounding spaces and line breaks (a pasted secret often has one); '' counts as missing."""
    if value is None:
        return None
    return value.strip() or None
# --8<-- [end:credentials]


# --8<-- [start:env]
def env_names(prefix: str) -> tuple[str, str]:
    """The two variable names for `prefix`: BINANCE_TESTNET -> BINANCE_TESTNET_API_KEY, ..._API_SECRET."""
    return f"{prefix}_API_KEY", f"{prefix}_API_SECRET"


def check_private(path: Path) -> None:
    """Refuse a secrets file that other users may read (POSIX permissions; chmod 600 fixes it)."""
    if os.name != "posix":
        return  # Windows protects files with access-control lists, not these mode bits
    mode = path.stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise UnsafeFile(f"{path} can be read by other users (mode {stat.filemode(mode)}); "
                         f"run: chmod 600 {path}")


def from_env(prefix: str, dotenv_path: str | Path | None = None) -> Credentials:
    """Read PREFIX_API_KEY and PREFIX_API_SECRET, after loading `dotenv_path` if it exists.

    Variables already set in the environment win over the file: that lets a server or a
    one-off command override what a developer's `.env` says.
    """
    where = "the environment"
    if dotenv_path is not None and Path(dotenv_path).is_file():
        check_private(Path(dotenv_path))
        load_dotenv(dotenv_path, override=False)
        where = f"the environment or {dotenv_path}"
    elif dotenv_path is not None:
        where = f"the environment (there is no file {dotenv_path})"
    key_name, secret_name = env_names(prefix)
    api_key, secret = clean(os.environ.get(key_name)), clean(os.environ.get(secret_name))
    return complete(api_key, secret, key_name, secret_name, where)
# --8<-- [end:env]


# --8<-- [start:keyring]
def from_keyring(service: str) -> Credentials:
    """Read the API key and the secret stored under `service` in the OS keyring."""
    try:
        api_key = clean(keyring.get_password(service, KEY_ENTRY))
        secret = clean(keyring.get_password(service, SECRET_ENTRY))
    except KeyringError as problem:  # e.g. no keyring on a server without a desktop session
        raise MissingCredential(f"the OS keyring is not available here: {problem}") from None
    where = f"the keyring, service {service!r}"
    return complete(api_key, secret, KEY_ENTRY, SECRET_ENTRY, where,
                    hint=f"store it with: python -m keyring set {service} NAME")


def to_keyring(service: str, credentials: Credentials) -> None:
    """Store both values in the OS keyring (the same as two `python -m keyring set` commands)."""
    keyring.set_password(service, KEY_ENTRY, credentials.api_key)
    keyring.set_password(service, SECRET_ENTRY, credentials.secret)
# --8<-- [end:keyring]


# --8<-- [start:errors]
def complete(api_key: str | None, secret: str | None, key_name: str, secret_name: str, where: str,
             hint: str = "set NAME, or add a line NAME=... to your .env file") -> Credentials:
    """Both values, or a MissingCredential that names what is missing and shows no secret."""
    if api_key and secret:
        return Credentials(api_key, secret)
    missing = [name for name, value in ((key_name, api_key), (secret_name, secret)) if not value]
    message = f"{' and '.join(missing)} not found in {where}; " + hint.replace("NAME", missing[0])
    if api_key:
        message += f" (the API key found there is {mask(api_key)})"
    raise MissingCredential(message)


def load(prefix: str, dotenv_path: str | Path | None = ".env", service: str | None = None) -> Credentials:
    """Environment variables (and `.env`) first, then the keyring if `service` is given."""
    try:
        return from_env(prefix, dotenv_path)
    except MissingCredential as from_environment:
        if service is None:
            raise
        try:
            return from_keyring(service)
        except MissingCredential as from_store:
            raise MissingCredential(f"{from_environment}\n{from_store}") from None
# --8<-- [end:errors]


def main(argv: list[str] | None = None) -> int:
    """Say which credentials `load()` finds, masked; exit 1 with the reason when it finds none."""
    parser = argparse.ArgumentParser(prog="python -m snippets.credentials", description=main.__doc__)
    parser.add_argument("prefix", help="the variables' prefix, e.g. BINANCE_TESTNET")
    parser.add_argument("--dotenv", default=".env", help="a .env file to read first (default: .env)")
    parser.add_argument("--keyring", metavar="SERVICE", help="then look in the OS keyring under SERVICE")
    args = parser.parse_args(argv)
    try:
        credentials = load(args.prefix, args.dotenv, args.keyring)
    except (MissingCredential, UnsafeFile) as problem:
        print(f"error: {problem}", file=sys.stderr)
        return 1
    print(credentials)
    return 0


if __name__ == "__main__":
    sys.exit(main())
