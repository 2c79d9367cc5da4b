"""snippets/credentials.py: environment variables, a .env file, and the keyring (a fake one).

No test touches the real OS keyring: each keyring test installs a small in-memory backend and
puts the previous backend back afterwards.
"""

import os
import subprocess
import sys
from pathlib import Path

import keyring
import keyring.backend
import pytest

from snippets import credentials
from snippets.credentials import Credentials, MissingCredential, UnsafeFile

from tests.examples import run_example, stored_output

ROOT = Path(__file__).resolve().parent.parent
PREFIX = "KEYLAB_TEST"
KEY_VAR, SECRET_VAR = "KEYLAB_TEST_API_KEY", "KEYLAB_TEST_API_SECRET"
API_KEY = "TEST_KEY_DO_NOT_USE_ABCDEFGHIJKLMNOPQRSTUVWXYZ"
SECRET = "TEST_SECRET_DO_NOT_USE_0123456789abcdef0123456789"


class InMemoryKeyring(keyring.backend.KeyringBackend):
    """A keyring backend that keeps passwords in a dict, for tests."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        del self.entries[(service, username)]


@pytest.fixture
def clean_env(monkeypatch):
    """No KEYLAB_TEST_* variables before the test, and none left behind (load_dotenv sets them)."""
    for name in (KEY_VAR, SECRET_VAR):
        monkeypatch.delenv(name, raising=False)
    yield
    for name in (KEY_VAR, SECRET_VAR):
        os.environ.pop(name, None)


@pytest.fixture
def fake_keyring():
    previous = keyring.get_keyring()
    backend = InMemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def private_env_file(folder: Path, text: str) -> Path:
    path = folder / ".env"
    path.write_text(text)
    path.chmod(0o600)
    return path


def assert_no_secret(text: str) -> None:
    assert SECRET not in text and SECRET[:20] not in text


# Environment variables

def test_reads_both_variables(clean_env, monkeypatch):
    monkeypatch.setenv(KEY_VAR, API_KEY)
    monkeypatch.setenv(SECRET_VAR, SECRET)
    assert credentials.from_env(PREFIX) == Credentials(API_KEY, SECRET)


def test_strips_the_line_break_a_pasted_secret_brings(clean_env, monkeypatch):
    monkeypatch.setenv(KEY_VAR, f" {API_KEY}\n")
    monkeypatch.setenv(SECRET_VAR, f"{SECRET}\r\n")
    assert credentials.from_env(PREFIX) == Credentials(API_KEY, SECRET)


def test_missing_secret_names_the_variable_and_masks_the_key(clean_env, monkeypatch):
    monkeypatch.setenv(KEY_VAR, API_KEY)
    with pytest.raises(MissingCredential) as caught:
        credentials.from_env(PREFIX)
    message = str(caught.value)
    assert SECRET_VAR in message and KEY_VAR not in message.split(";")[0]
    assert API_KEY not in message  # masked: first 4 … last 4 and the length
    assert "TEST…WXYZ (46 characters)" in message


def test_an_empty_variable_counts_as_missing(clean_env, monkeypatch):
    monkeypatch.setenv(KEY_VAR, API_KEY)
    monkeypatch.setenv(SECRET_VAR, "   ")
    with pytest.raises(MissingCredential, match=SECRET_VAR):
        credentials.from_env(PREFIX)


def test_printing_credentials_shows_only_masked_values():
    shown = repr(Credentials(API_KEY, SECRET)) + str(Credentials(API_KEY, SECRET))
    assert_no_secret(shown)
    assert API_KEY not in shown
    assert "TEST…6789 (49 characters)" in shown


# A .env file

def test_loads_a_private_env_file(clean_env, tmp_path):
    path = private_env_file(tmp_path, f"{KEY_VAR}={API_KEY}\n{SECRET_VAR}={SECRET}\n")
    assert credentials.from_env(PREFIX, path) == Credentials(API_KEY, SECRET)


def test_the_environment_wins_over_the_env_file(clean_env, monkeypatch, tmp_path):
    monkeypatch.setenv(SECRET_VAR, "TEST_SECRET_FROM_THE_ENVIRONMENT")
    path = private_env_file(tmp_path, f"{KEY_VAR}={API_KEY}\n{SECRET_VAR}={SECRET}\n")
    assert credentials.from_env(PREFIX, path).secret == "TEST_SECRET_FROM_THE_ENVIRONMENT"


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_refuses_an_env_file_others_can_read(clean_env, tmp_path):
    path = private_env_file(tmp_path, f"{KEY_VAR}={API_KEY}\n{SECRET_VAR}={SECRET}\n")
    path.chmod(0o644)
    with pytest.raises(UnsafeFile, match="chmod 600") as caught:
        credentials.from_env(PREFIX, path)
    assert_no_secret(str(caught.value))
    assert KEY_VAR not in os.environ  # refused before anything was loaded


def test_a_missing_env_file_is_reported_as_such(clean_env, tmp_path):
    with pytest.raises(MissingCredential, match="there is no file"):
        credentials.from_env(PREFIX, tmp_path / ".env")


# The keyring (fake)

def test_reads_from_the_keyring(clean_env, fake_keyring):
    credentials.to_keyring("keylab-test", Credentials(API_KEY, SECRET))
    assert fake_keyring.entries == {("keylab-test", "api_key"): API_KEY, ("keylab-test", "secret"): SECRET}
    assert credentials.from_keyring("keylab-test") == Credentials(API_KEY, SECRET)


def test_missing_keyring_entry_says_how_to_store_it(fake_keyring):
    fake_keyring.set_password("keylab-test", "api_key", API_KEY)
    with pytest.raises(MissingCredential) as caught:
        credentials.from_keyring("keylab-test")
    assert "python -m keyring set keylab-test secret" in str(caught.value)
    assert API_KEY not in str(caught.value)


def test_load_falls_back_from_the_environment_to_the_keyring(clean_env, fake_keyring, tmp_path):
    credentials.to_keyring("keylab-test", Credentials(API_KEY, SECRET))
    assert credentials.load(PREFIX, tmp_path / ".env", service="keylab-test") == Credentials(API_KEY, SECRET)


def test_load_reports_both_places_when_both_are_empty(clean_env, fake_keyring, tmp_path):
    with pytest.raises(MissingCredential) as caught:
        credentials.load(PREFIX, tmp_path / ".env", service="keylab-test")
    assert KEY_VAR in str(caught.value) and "service 'keylab-test'" in str(caught.value)


def test_no_keyring_on_this_machine_is_a_clear_message(fake_keyring, monkeypatch):
    def unavailable(service, username):
        raise keyring.errors.NoKeyringError("No recommended backend was available.")
    monkeypatch.setattr(fake_keyring, "get_password", unavailable)
    with pytest.raises(MissingCredential, match="keyring is not available"):
        credentials.from_keyring("keylab-test")


# The command and the example

def test_command_prints_masked_credentials_or_the_reason(clean_env, tmp_path):
    env = {**os.environ, KEY_VAR: API_KEY, SECRET_VAR: SECRET}
    found = subprocess.run([sys.executable, "-m", "snippets.credentials", PREFIX, "--dotenv", str(tmp_path / ".env")],
                           cwd=ROOT, env=env, capture_output=True, text=True)
    assert found.returncode == 0 and found.stdout == f"{Credentials(API_KEY, SECRET)}\n"
    del env[SECRET_VAR]
    missing = subprocess.run([sys.executable, "-m", "snippets.credentials", PREFIX, "--dotenv", str(tmp_path / ".env")],
                             cwd=ROOT, env=env, capture_output=True, text=True)
    assert missing.returncode == 1 and missing.stderr.startswith(f"error: {SECRET_VAR} not found")
    assert_no_secret(found.stdout + missing.stdout + missing.stderr)


def test_demo_output_is_the_stored_one():
    printed = run_example("credentials_demo")
    assert printed == stored_output("credentials_demo")
    assert "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j" not in printed
