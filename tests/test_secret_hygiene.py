"""Secret hygiene: no key material in the repository, the notebooks' outputs or the built site.

The only key-shaped strings allowed are those listed (by fingerprint, with their source) in
.keyscan-allow: published documentation examples and fake demo values. The scanner must find
planted fakes of every shape in a file, a notebook output and an HTML page; `.env` stays ignored;
the pre-commit hook runs the same scan. Every fake value is generated here, at test time, so no
secret-shaped literal lives in this file.
"""

import base64
import json
import os
import random
import re
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import yaml
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import PythonLexer

from snippets.keyscan import SHAPES, fingerprint, is_placeholder, pem_body, scan
from snippets.keyscan_cli import (ALLOW_FILE, Report, check, describe, expand, read_allow_list, tracked_files,
                                  views)
from tests.sitebuild import shared_site

ROOT = Path(__file__).resolve().parent.parent
ALLOWED = read_allow_list(ROOT / ALLOW_FILE)
ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
SOURCE = re.compile(r"https://\S+|\bfake demo value\b")


def problems(report: Report) -> list[str]:
    return [describe(hit) for hit in report.problems]


# --- the repository, the notebooks and the built site --------------------------------------------

@pytest.fixture(scope="module")
def tracked() -> Report:
    return check(tracked_files(ROOT), ALLOWED, base=ROOT)


@pytest.fixture(scope="module")
def notebooks() -> Report:
    return check(sorted((ROOT / "notebooks").glob("*.ipynb")), ALLOWED, base=ROOT)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    site_dir, result = shared_site(tmp_path_factory)
    assert result.returncode == 0, result.stdout + result.stderr
    return site_dir


@pytest.fixture(scope="module")
def site_report(site) -> Report:
    return check(expand([site]), ALLOWED, base=site)


def test_tracked_files_hold_no_key_outside_the_allow_list(tracked):
    assert tracked.files > 200 and len(tracked.ignored) > 1000  # uv.lock's sha256 hashes are ignored
    assert problems(tracked) == []


def test_notebook_sources_and_stored_outputs_hold_no_key_outside_the_allow_list(notebooks):
    paths = sorted((ROOT / "notebooks").glob("*.ipynb"))
    outputs = [where for path in paths for where, _ in views(path) if " output " in where]
    assert len(paths) >= 12 and len(outputs) > 100
    assert any(" output " in hit.where for hit in notebooks.allowed)  # outputs are really read
    assert problems(notebooks) == []


def test_built_site_holds_no_key_outside_the_allow_list(site, site_report):
    bundles = list(site.glob("assets/javascripts/bundle.*.min.js"))  # Material's minified JavaScript
    assert bundles and site_report.files >= len(list(site.rglob("*.html"))) > 40
    assert problems(site_report) == []


def test_every_allow_list_entry_is_still_used_and_names_its_source(tracked, notebooks, site_report):
    used = tracked.used() | notebooks.used() | site_report.used()
    stale = sorted(f"{entry[:12]}… {reason}" for entry, reason in ALLOWED.items() if entry not in used)
    assert stale == []
    assert [reason for reason in ALLOWED.values() if not SOURCE.search(reason)] == []


# --- planted fakes of every shape ------------------------------------------------------------------

def rng_string(rng: random.Random, length: int, alphabet: str = ALNUM) -> str:
    return "".join(rng.choice(alphabet) for _ in range(length))


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def fake_pems() -> dict[str, str]:
    """Freshly generated private keys in each PEM flavour (never stored anywhere)."""
    none = serialization.NoEncryption()
    pem = serialization.Encoding.PEM
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    ed_key = ed25519.Ed25519PrivateKey.generate()
    return {
        "EC": ec.generate_private_key(ec.SECP256R1()).private_bytes(
            pem, serialization.PrivateFormat.TraditionalOpenSSL, none).decode(),
        "RSA": rsa_key.private_bytes(pem, serialization.PrivateFormat.TraditionalOpenSSL, none).decode(),
        "PKCS#8": ed_key.private_bytes(pem, serialization.PrivateFormat.PKCS8, none).decode(),
        "OPENSSH": ed_key.private_bytes(pem, serialization.PrivateFormat.OpenSSH, none).decode(),
    }


def planted() -> list[tuple[str, str, str]]:
    """(shape, line of code holding the fake, the fake value) for every shape the scanner knows."""
    rng = random.Random(8)
    key_id = lambda: str(uuid.UUID(int=rng.getrandbits(128), version=4))  # noqa: E731
    jwt = ".".join([b64url(json.dumps({"alg": "ES256", "kid": "k", "typ": "JWT"}).encode()),
                    b64url(json.dumps({"sub": "k", "iss": "cdp", "exp": 1}).encode()),
                    b64url(rng.randbytes(64))])
    values = [
        ("64 letters and digits", "BINANCE_API_SECRET = '{}'", rng_string(rng, 64)),
        ("64 letters and digits", "headers = {{'X-MBX-APIKEY': '{}'}}", rng_string(rng, 64)),
        ("18 letters and digits (Bybit-style key)", "BYBIT_API_KEY='{}'", rng_string(rng, 18)),
        ("36 letters and digits (Bybit-style secret)", "session = HTTP(api_secret='{}')",
         rng_string(rng, 36)),
        ("UUID (OKX-style API key)", "OKX_API_KEY = '{}'", key_id()),
        ("32 hex digits (OKX-style secret)", "okx = {{'secret': '{}'}}",
         rng_string(rng, 32, "0123456789ABCDEF")),
        ("secret assignment", "OKX_DEMO_API_PASSPHRASE='{}'", rng_string(rng, 14, ALNUM + "!#%*")),
        ("secret assignment", "MY_BOT_SECRET = '{}'", rng_string(rng, 24, ALNUM + "-_")),
        ("88 base64 characters", "KRAKEN_PRIVATE_KEY = '{}'", base64.b64encode(rng.randbytes(64)).decode()),
        ("Coinbase key name", "name = '{}'", f"organizations/{key_id()}/apiKeys/{key_id()}"),
        ("signed JWT", "headers = {{'Authorization': 'Bearer {}'}}", jwt),
    ]
    pems = [("PEM private key", "KEY = '''{}'''", pem) for pem in fake_pems().values()]
    return values + pems


PLANTED = planted()


def secret_part(name: str, value: str) -> str:
    """What the scanner fingerprints: the value, or for a PEM key the base64 between BEGIN and END."""
    if name != "PEM private key":
        return value
    return pem_body(value[value.index("KEY-----") + len("KEY-----"):value.index("-----END")])


def test_every_shape_has_a_planted_fake():
    assert {name for name, _, _ in PLANTED} == set(SHAPES)


def as_text(code: str) -> str:
    return f"# config\nimport os\n{code}\n"


def as_notebook(code: str) -> str:
    """A notebook whose only cell printed the fake (the classic leak)."""
    output = {"output_type": "stream", "name": "stdout", "text": code.splitlines(keepends=True)}
    cell = {"cell_type": "code", "execution_count": 1, "metadata": {}, "source": ["print(config)\n"],
            "outputs": [output]}
    return json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1)


def as_html(code: str) -> str:
    """A page with the line highlighted the way the site's code blocks are (a span per token)."""
    return f"<html><body><p>Config:</p>\n{highlight(code, PythonLexer(), HtmlFormatter())}</body></html>\n"


CONTAINERS = {"config.py": as_text, "leak.ipynb": as_notebook, "page.html": as_html}


@pytest.mark.parametrize("container", CONTAINERS)
def test_the_scanner_finds_every_planted_fake_and_never_prints_it(tmp_path, container):
    for number, (name, code, value) in enumerate(PLANTED):
        path = tmp_path / f"{number}-{container}"
        path.write_text(CONTAINERS[container](code.format(value)))
        report = check([path])
        found = {(hit.finding.shape, hit.finding.fingerprint) for hit in report.problems}
        assert (name, fingerprint(secret_part(name, value))) in found, (container, name, code)
        printed = "\n".join(problems(report))
        assert secret_part(name, value)[4:-4] not in printed and not report.allowed


def test_the_cli_fails_on_planted_fakes_and_shows_them_masked(tmp_path):
    for number, (_, code, value) in enumerate(PLANTED):
        (tmp_path / f"{number}.py").write_text(as_text(code.format(value)))
    done = subprocess.run([sys.executable, "-m", "snippets.keyscan", str(tmp_path)], cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == len(PLANTED)
    masked = re.compile(r"\S+\.py:3: .+: (\S{4}…\S{4}|\*{8}) \(\d+ characters\)")
    assert all(masked.match(line) for line in lines), lines
    for name, _, value in PLANTED:
        assert secret_part(name, value)[4:-4] not in done.stdout + done.stderr
    assert "not allowed" in done.stderr and "--fingerprint" in done.stderr


# --- what must not be reported ----------------------------------------------------------------------

def test_placeholders_digests_and_prose_are_not_problems(tmp_path):
    digest = fingerprint("uv.lock")
    text = "\n".join([
        "BINANCE_API_SECRET=", "BINANCE_API_SECRET=your-secret-here", "OKX_API_PASSPHRASE=<passphrase>",
        "BYBIT_API_SECRET=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "KRAKEN_API_SECRET=...",
        "BOT_SECRET=${BOT_SECRET}",
        "API_SECRET = os.environ['API_SECRET']", f'hash = "sha256:{digest}"', f"signature={digest.upper()}",
        "A PEM file starts with -----BEGIN EC PRIVATE KEY----- and ends with its END line.",
        "-----BEGIN PRIVATE KEY-----\nMC4C...\n-----END PRIVATE KEY-----",
        "the secret is 36 characters long, and the key is 18: BYBIT keys look like XXXXXXXXXXXXXXXXXX",
    ])
    path = tmp_path / "notes.txt"
    path.write_text(text)
    report = check([path])
    assert problems(report) == [] and len(report.ignored) >= 9


def test_a_hex_string_named_as_a_key_is_not_taken_for_a_digest():
    seed = random.Random(3).randbytes(32).hex()
    [named] = scan(f'ED25519_SEED = "{seed}"')
    [unnamed] = scan(f"digest: {seed}")
    assert not named.maybe_not_secret and unnamed.maybe_not_secret


@pytest.mark.parametrize("value", ["your-secret-here", "<secret>", "XXXXXXXX", "...", "$SECRET", "changeme"])
def test_placeholders(value):
    assert is_placeholder(value)


# --- .env and .env.example ------------------------------------------------------------------------------

def git(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True)


def test_dotenv_is_ignored_and_the_example_is_tracked_with_no_values():
    assert git("check-ignore", "-q", ".env").returncode == 0
    assert git("check-ignore", "-q", ".env.example").returncode == 1
    assert ".env.example" in git("ls-files").stdout.split()
    lines = (ROOT / ".env.example").read_text().splitlines()
    settings = [line.split("=", 1) for line in lines if "=" in line and not line.lstrip().startswith("#")]
    assert len(settings) >= 7
    assert [name for name, value in settings if value.strip() and not is_placeholder(value.strip())] == []


# --- the pre-commit hook ----------------------------------------------------------------------------------

def hook(path: Path) -> dict:
    document = yaml.safe_load(path.read_text())
    if isinstance(document, list):  # .pre-commit-hooks.yaml: a list of hooks
        hooks = document
    else:  # .pre-commit-config.yaml: repos, each with hooks
        hooks = [each for repo in document["repos"] for each in repo["hooks"]]
    [keyscan] = [h for h in hooks if h["id"] == "keyscan"]
    return keyscan


@pytest.fixture()
def learner_repo(tmp_path) -> tuple[Path, str]:
    """A learner's project with a committed-to-be config file holding a fake Binance secret."""
    repo = tmp_path / "project"
    repo.mkdir()
    secret = rng_string(random.Random(5), 64)
    (repo / "bot.py").write_text(f"API_SECRET = '{secret}'\n")
    (repo / "README.md").write_text("My bot.\n")
    assert git("init", "-q", cwd=repo).returncode == 0
    assert git("add", "bot.py", "README.md", cwd=repo).returncode == 0
    return repo, secret


def run_hook(entry: list[str], repo: Path, *args: str,
             stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {name: value for name, value in os.environ.items() if name != "PYTHONPATH"}  # as pre-commit runs it
    return subprocess.run([*entry, *args], cwd=repo, input=stdin, capture_output=True, text=True, env=env,
                          timeout=60)


def hook_entries() -> dict[str, list[str]]:
    """The entry of each configuration, as a command this machine can run."""
    published = hook(ROOT / ".pre-commit-hooks.yaml")
    example = hook(ROOT / "snippets" / "examples" / "pre-commit-config.yaml")
    assert published["entry"] == "python -m snippets.keyscan" and published["language"] == "python"
    assert example["entry"] == "/path/to/keylab/.venv/bin/python -m snippets.keyscan"
    assert example["language"] == "system" and published["types"] == example["types"] == ["text"]
    python = example["entry"].split()[0].replace("/path/to/keylab", str(ROOT))
    assert Path(python).exists()
    return {"published": [sys.executable, *published["entry"].split()[1:]],
            "example": [python, *example["entry"].split()[1:]]}


@pytest.mark.parametrize("config", ["published", "example"])
def test_the_hook_stops_a_commit_with_a_secret_until_it_is_allow_listed(learner_repo, config):
    repo, secret = learner_repo
    entry = hook_entries()[config]
    for args in (("bot.py", "README.md"), ()):  # the staged files, as pre-commit passes them; or git's list
        failed = run_hook(entry, repo, *args)
        assert failed.returncode == 1, failed.stderr
        assert failed.stdout.startswith("bot.py:1: 64 letters and digits: ")
        assert secret[4:-4] not in failed.stdout

    line = run_hook(entry, repo, "--fingerprint", stdin=f"{secret}\n")
    assert line.returncode == 0 and line.stdout.startswith(f"{fingerprint(secret)}  SOURCE: ")
    assert secret[4:-4] not in line.stdout + line.stderr
    reviewed = line.stdout.split("  ")[0] + "  fake demo value: generated by the test\n"
    (repo / ALLOW_FILE).write_text("# reviewed strings\n" + reviewed)
    passed = run_hook(entry, repo, "bot.py", "README.md")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "0 not allowed, 1 allow-listed" in passed.stderr


def test_a_broken_allow_list_or_a_missing_path_is_a_usage_error(learner_repo):
    repo, _ = learner_repo
    entry = hook_entries()["published"]
    (repo / "broken-allow").write_text("not-a-fingerprint  reason\n")
    broken = run_hook(entry, repo, "--allow", "broken-allow", "bot.py")
    missing = run_hook(entry, repo, "no-such-file.py")
    assert (broken.returncode, missing.returncode) == (2, 2)
    assert "broken-allow:1: expected a SHA-256 fingerprint" in broken.stderr
    assert "no such file or directory: no-such-file.py" in missing.stderr


# --- the session on "How keys really leak" ----------------------------------------------------------------

SESSION_REASON = ("Binance's documentation example secret, in bot.py as a stand-in: "
                  "https://developers.binance.com/docs/binance-spot-api-docs/rest-api/request-security")


def test_the_pages_keyscan_session_output_is_the_stored_one(tmp_path):
    """A learner's project: scan, fingerprint the string, allow-list it with its source, scan again."""
    repo = tmp_path / "my-bot"
    repo.mkdir()
    (repo / "bot.py").write_text((ROOT / "snippets" / "examples" / "leaky_bot.py").read_text())
    assert git("init", "-q", cwd=repo).returncode == 0 and git("add", "bot.py", cwd=repo).returncode == 0
    entry = [sys.executable, "-m", "snippets.keyscan"]

    first = run_hook(entry, repo)
    printed = run_hook(entry, repo, "--fingerprint", stdin=(repo / "bot.py").read_text())
    line = printed.stdout.split("  ", 1)[0] + "  " + SESSION_REASON + "\n"
    (repo / ALLOW_FILE).write_text("# reviewed key-shaped strings in this project\n" + line)
    second = run_hook(entry, repo)
    assert (first.returncode, printed.returncode, second.returncode) == (1, 0, 0)

    session = (first.stdout + first.stderr + printed.stderr + printed.stdout
               + (repo / ALLOW_FILE).read_text() + second.stderr)
    assert session == (ROOT / "snippets" / "examples" / "keyscan_session.out").read_text()


def test_the_page_quotes_the_allow_list_size_and_includes_the_session():
    page = (ROOT / "docs" / "keys" / "how-keys-leak.md").read_text()
    assert f"lists {len(ALLOWED)} strings" in page
    assert '--8<-- "examples/keyscan_session.out:1:4"' in page
    assert '--8<-- "examples/pre-commit-config.yaml"' in page
