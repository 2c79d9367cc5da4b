"""The "Verified" page: hooks/verified.py renders docs/data/verified.json into it at build time."""

import copy
import importlib.util
import logging
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.sitebuild import shared_site

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("verified_hook", ROOT / "hooks" / "verified.py")
verified = importlib.util.module_from_spec(spec)
spec.loader.exec_module(verified)
schema = verified._schema()

AT = "2026-05-04T05:41:12Z"
RUN = "https://github.com/keylab-course/keylab/actions/runs/987654"
SHA = "0123456789abcdef0123456789abcdef01234567"


def recorded() -> dict:
    """Binance green then failed, Bybit never run, OKX green then skipped."""
    data = schema.empty()
    green = {"at": AT, "commit": SHA, "run_url": RUN, "python": "3.11.7",
             "versions": {"ccxt": "4.5.90", "python-binance": "1.0.37", "httpx": "0.28.1"},
             "notebooks": ["01-first-request", "08-five-exchanges"]}
    data["exchanges"]["binance"] = {
        "last_green": green,
        "last_attempt": {"at": "2026-05-11T05:40:02Z", "commit": SHA, "run_url": RUN + "1",
                         "outcome": "failed", "reason": "failed: 08-five-exchanges (Cell 4) | <b>_x_"}}
    data["exchanges"]["okx"] = {
        "last_green": {**green, "versions": {"ccxt": "4.5.90", "python-okx": "0.4.4", "httpx": "0.28.1"},
                       "commit": None, "run_url": None},
        "last_attempt": {"at": "2026-05-11T05:40:02Z", "commit": SHA, "run_url": None,
                         "outcome": "skipped", "reason": "08-five-exchanges: set OKX_DEMO_API_KEY in .env"}}
    schema.validate(data)
    return data


def page(src_uri: str = verified.PAGE):
    return SimpleNamespace(file=SimpleNamespace(src_uri=src_uri))


def config(docs_dir: Path):
    return SimpleNamespace(docs_dir=str(docs_dir))


def docs_with(tmp_path: Path, text: str | None) -> Path:
    docs = tmp_path / "docs"
    (docs / "data").mkdir(parents=True)
    if text is not None:
        (docs / "data" / "verified.json").write_text(text)
    return docs


def test_nothing_recorded_says_so_for_every_exchange():
    out = verified.render(schema.empty())
    assert out.count("| **Not verified live yet** | No live run yet |") == 3
    assert "| Binance Spot testnet |" in out and "| OKX demo trading |" in out
    assert "###" not in out  # no versions table without a green run


def test_green_failed_and_skipped_runs():
    out = verified.render(recorded())
    rows = {line.split(" | ")[0].strip("| "): line for line in out.splitlines() if line.startswith("| ")}
    assert rows["Binance Spot testnet"] == (
        f"| Binance Spot testnet | **2026-05-04 05:41 UTC**, commit `0123456` ([workflow run]({RUN})) "
        f"| 2026-05-11 05:40 UTC: **failed**, failed: 08-five-exchanges (Cell 4) \\| &lt;b&gt;\\_x\\_ "
        f"([workflow run]({RUN}1)) |")
    assert rows["Bybit testnet"].endswith("| **Not verified live yet** | No live run yet |")
    assert rows["OKX demo trading"] == (
        "| OKX demo trading | **2026-05-04 05:41 UTC** | Not run live since 2026-05-11 05:40 UTC: "
        "08-five-exchanges: set OKX\\_DEMO\\_API\\_KEY in .env |")
    binance = out[out.index("### Binance Spot testnet"):out.index("### OKX demo trading")]
    assert "`01-first-request`, `08-five-exchanges`" in binance
    assert "| python-binance | 1.0.37 |" in binance and "| Python | 3.11.7 |" in binance
    assert "| python-okx | 0.4.4 |" in out[out.index("### OKX demo trading"):]


def test_the_hook_fills_only_its_page(tmp_path):
    docs = docs_with(tmp_path, schema.dumps(recorded()))
    text = f"# Verified\n\n{verified.MARKER}\n\nAfter.\n"
    out = verified.on_page_markdown(text, page(), config(docs), None)
    assert verified.MARKER not in out and "**2026-05-04 05:41 UTC**" in out and out.endswith("After.\n")
    assert verified.on_page_markdown(text, page("reference/faq.md"), config(docs), None) == text


@pytest.mark.parametrize("text, problem", [
    (None, "data/verified.json is missing"),
    ("{not json", "is not valid JSON"),
    ('{"version": 2, "exchanges": {}}', '"version" must be 1'),
    ('{"version": 1, "exchanges": {"binance": {"last_green": null, "last_attempt": null}}}',
     "must hold exactly binance, bybit, okx"),
])
def test_a_missing_or_malformed_file_is_a_build_warning(tmp_path, caplog, text, problem):
    docs = docs_with(tmp_path, text)
    with caplog.at_level(logging.WARNING, logger="mkdocs.hooks.verified"):
        out = verified.on_page_markdown(f"{verified.MARKER}\n", page(), config(docs), None)
    assert problem in caplog.text
    assert '!!! failure "The live record could not be read"' in out


@pytest.mark.parametrize("change, problem", [
    (lambda d: d["exchanges"]["okx"]["last_attempt"].update(outcome="maybe"), "outcome must be one of"),
    (lambda d: d["exchanges"]["okx"]["last_attempt"].update(reason=None), "reason must say why"),
    (lambda d: d["exchanges"]["binance"]["last_green"].update(at="yesterday"), "at must be a UTC time"),
    (lambda d: d["exchanges"]["binance"]["last_green"]["versions"].pop("python-binance"), "must give ccxt, python-binance"),
    (lambda d: d["exchanges"]["binance"]["last_green"].update(run_url="javascript:alert(1)"), "https URL or null"),
    (lambda d: d["exchanges"]["binance"]["last_green"].update(commit="main; rm"), "git sha"),
    (lambda d: d["exchanges"]["binance"]["last_green"].update(notebooks=[]), "notebooks must list"),
])
def test_the_schema_refuses_what_the_page_cannot_show(change, problem):
    data = copy.deepcopy(recorded())
    change(data)
    with pytest.raises(schema.VerifiedDataError, match=problem):
        schema.validate(data)


def test_a_page_without_the_marker_is_a_build_warning(tmp_path, caplog):
    docs = docs_with(tmp_path, schema.dumps(schema.empty()))
    with caplog.at_level(logging.WARNING, logger="mkdocs.hooks.verified"):
        verified.on_page_markdown("# Verified\n", page(), config(docs), None)
    assert "verified-tables" in caplog.text


def small_build(tmp_path: Path, data_text: str | None) -> subprocess.CompletedProcess:
    """A strict build of a two-page site using only this hook."""
    docs = docs_with(tmp_path, data_text)
    (docs / "index.md").write_text("# Home\n")
    (docs / "reference").mkdir()
    (docs / "reference" / "verified.md").write_text(f"# Verified\n\n{verified.MARKER}\n")
    (tmp_path / "mkdocs.yml").write_text(
        f"site_name: t\nhooks:\n  - {ROOT / 'hooks' / 'verified.py'}\nmarkdown_extensions:\n  - admonition\n"
        "  - tables\n")
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
                          cwd=tmp_path, capture_output=True, text=True, env=dict(os.environ, NO_MKDOCS_2_WARNING="1"))


def test_strict_build_fails_with_the_reason_when_the_file_is_broken(tmp_path):
    result = small_build(tmp_path, '{"version": 1}')
    assert result.returncode != 0
    assert '"exchanges" must be an object' in result.stderr


def test_strict_build_renders_the_record(tmp_path):
    result = small_build(tmp_path, schema.dumps(recorded()))
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "site" / "reference" / "verified" / "index.html").read_text()
    assert "<td>Bybit testnet</td>" in html and "<th>Last green live run</th>" in html
    assert f'<a href="{RUN}">workflow run</a>' in html


def test_the_site_shows_the_committed_record(tmp_path_factory):
    site, result = shared_site(tmp_path_factory)
    assert result.returncode == 0, result.stderr
    html = (site / "reference" / "verified" / "index.html").read_text()
    assert html.count("<strong>Not verified live yet</strong>") == 3
    assert "Kraken Spot has no testnet" in html
    published = site / "data" / "verified.json"  # offered as a download beside the page
    assert published.read_text() == (ROOT / "docs" / "data" / "verified.json").read_text()
