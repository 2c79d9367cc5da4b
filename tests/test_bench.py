"""The benchmark plumbing: statistics, the table, the JSON, the published table and the runner.

Nothing here measures or asserts a speed: benchmarks report, tests check that they report right.
"""

import http.server
import json
import subprocess
import sys
import threading
import types
from pathlib import Path

import pytest

import bench.__main__ as runner
from bench import publish, setup
from bench.core import ROOT, Row, percentile, report, stats, table


def test_stats_of_known_samples():
    figures = stats([5.0, 1.0, 3.0, 2.0, 4.0])
    assert figures == {"n": 5, "median": 3.0, "p99": 5.0, "mean": 3.0, "min": 1.0, "max": 5.0}


def test_percentile_is_nearest_rank():
    ordered = [float(n) for n in range(1, 101)]
    assert percentile(ordered, 99) == 99.0
    assert percentile(ordered, 50) == 50.0
    assert percentile(ordered, 100) == 100.0
    assert percentile([7.0], 99) == 7.0


def test_stats_refuses_no_samples():
    with pytest.raises(ValueError):
        stats([])


def test_ratio_is_value_over_floor():
    assert Row("localnet", "x", 3.0, "ms", floor=2.0).ratio == 1.5
    assert Row("localnet", "x", 3.0, "ms").ratio is None


def test_table_lines_up_and_marks_missed_targets():
    rows = [
        Row("localnet", "Binance signed call", 1.5, "ms", floor=1.0, target="<= 2x floor", met=True),
        Row("site", "home page", 512.0, "KB", target="< 400 KB", met=False),
    ]
    lines = table(rows).splitlines()
    assert lines[0].split() == ["section", "measurement", "value", "floor", "ratio", "target"]
    assert set(lines[1]) <= {"-", " "}
    assert "1.50 ms" in lines[2] and "1.00 ms" in lines[2] and "1.50x" in lines[2] and lines[2].endswith("met")
    assert "512 KB" in lines[3] and lines[3].endswith("MISSED")
    assert lines[2].index("1.50 ms") == lines[3].index("512 KB")  # columns line up


def test_report_carries_machine_commit_and_ratios():
    document = report([Row("build", "b", 4.0, "s", floor=2.0)], ["setup"])
    assert document["machine"]["cpus"] >= 1 and document["machine"]["python"]
    assert document["rows"][0]["ratio"] == 2.0
    assert document["measured"].endswith("Z")
    json.dumps(document)  # all of it serialisable


def fake_section(rows=None, error=None):
    def run(quick=False):
        if error:
            raise error
        return rows

    return types.SimpleNamespace(run=run)


@pytest.fixture
def fake_sections(monkeypatch):
    modules = {
        "fake_ok": fake_section([Row("site", "home page", 300.0, "KB", target="< 400 KB", met=True)]),
        "fake_broken": fake_section(error=RuntimeError("no chromium here")),
    }
    monkeypatch.setattr(runner, "SECTIONS", {name: name for name in modules})
    monkeypatch.setattr(runner.importlib, "import_module", lambda name: modules[name])
    return modules


def test_runner_prints_writes_and_reports_a_broken_section(fake_sections, tmp_path, capsys):
    out = tmp_path / "figures.json"
    status = runner.main(["--json", str(out)])
    printed = capsys.readouterr()
    assert status == 1
    assert "home page" in printed.out and "300 KB" in printed.out
    assert "fake_broken could not run: no chromium here" in printed.err
    document = json.loads(out.read_text())
    assert document["failed"] == ["fake_broken"]
    assert [row["name"] for row in document["rows"]] == ["home page"]


def test_runner_exits_zero_even_when_a_target_is_missed(fake_sections, tmp_path, monkeypatch):
    fake_sections["fake_ok"] = fake_section([Row("site", "home page", 900.0, "KB", target="< 400 KB", met=False)])
    assert runner.main(["--only", "fake_ok", "--json", str(tmp_path / "f.json")]) == 0


def test_runner_refuses_an_unknown_section(capsys):
    with pytest.raises(SystemExit) as stop:
        runner.main(["--only", "gpu"])
    assert stop.value.code == 2
    assert "unknown section gpu" in capsys.readouterr().err


def test_partial_and_quick_runs_never_replace_the_published_figures():
    assert runner.parse_args(["--only", "site"]).json == runner.PARTIAL_JSON
    assert runner.parse_args(["--quick"]).json == runner.PARTIAL_JSON
    full = runner.parse_args([])
    assert full.complete and full.json == runner.DEFAULT_JSON


def test_published_table_matches_the_committed_figures():
    """docs/includes/performance.md is exactly what bench/publish.py makes of bench/latest.json."""
    document = json.loads(runner.DEFAULT_JSON.read_text())
    assert publish.TABLE.read_text() == publish.markdown(document)
    assert set(document["sections"]) == set(runner.SECTIONS) and not document["failed"]


def test_published_table_rows():
    document = report([Row("localnet", "OKX signed | ping", 2.0, "ms", floor=1.0, target="<= 2x floor", met=True),
                       Row("site", "home page", 450.0, "KB", target="< 400 KB", met=False)], ["localnet", "site"])
    lines = publish.markdown(document).splitlines()
    assert lines[-2] == "| localnet | OKX signed \\| ping | 2.00 ms | 1.00 ms | 2.00x | <= 2x floor | met |"
    assert lines[-1] == "| Site | home page | 450 KB |  |  | < 400 KB | **missed** |"
    assert all(name.strip() for name in lines[4].strip("|").split("|"))  # no empty header (axe)


def test_the_testing_page_includes_the_table():
    page = (ROOT / "docs/reference/testing.md").read_text()
    assert '--8<-- "performance.md"' in page


# bench/setup.py's pieces (the benchmark itself runs for minutes under `make bench`)

def test_copy_checkout_takes_tracked_files_only(tmp_path):
    copy = setup.copy_checkout(tmp_path / "copy")
    assert (copy / "Makefile").read_bytes() == (ROOT / "Makefile").read_bytes()
    assert (copy / "uv.lock").exists() and (copy / "mkdocs.yml").exists()
    assert not (copy / ".venv").exists() and not (copy / "site").exists() and not (copy / ".git").exists()


def test_install_env_starts_from_empty_caches_and_no_uv(tmp_path, monkeypatch):
    monkeypatch.setenv("UV_CACHE_DIR", "/somewhere/warm")
    monkeypatch.setenv("VIRTUAL_ENV", "/somewhere/.venv")
    env = setup.install_env(tmp_path)
    assert env["UV_CACHE_DIR"] == str(tmp_path / "uv") and env["PIP_CACHE_DIR"] == str(tmp_path / "pip")
    assert "VIRTUAL_ENV" not in env
    assert not any((Path(part) / "uv").exists() for part in env["PATH"].split(":"))
    assert "UV_CACHE_DIR" not in setup.install_env(None)


def test_edit_appends_a_stamp(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("# Title\n")
    setup.edit(page, "stamp-1")
    assert page.read_text().startswith("# Title\n") and "stamp-1" in page.read_text()


def test_timed_cmd_reports_a_failing_command():
    with pytest.raises(RuntimeError, match="failed \\(3\\)"):
        setup.timed_cmd([sys.executable, "-c", "import sys; print('boom'); sys.exit(3)"], ROOT)


def test_wait_for_sees_new_text(tmp_path):
    (tmp_path / "index.html").write_text("old")

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(tmp_path), **kwargs)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/index.html"
        assert setup.wait_for(url, "old", timeout=5) >= 0
        threading.Timer(0.2, lambda: (tmp_path / "index.html").write_text("new text")).start()
        setup.wait_for(url, "new text", timeout=5)
        with pytest.raises(TimeoutError, match="did not show"):
            setup.wait_for(url, "never", timeout=0.3)
    finally:
        server.shutdown()
        server.server_close()


def test_make_bench_is_wired():
    listing = subprocess.run(["make", "-n", "bench"], cwd=ROOT, capture_output=True, text=True)
    assert "-m bench" in listing.stdout
