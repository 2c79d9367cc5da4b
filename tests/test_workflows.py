"""The GitHub workflows: what triggers them, what they run, what they may touch.

The jobs' steps are exercised by hand with scripts/run_workflow.py (see the testing page); these
tests pin down the shape that makes them right: the same `make test` as .ci/run on Debian with
Debian's chromium, a Pages deploy only from main, secrets named as the notebooks read them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from scripts.run_workflow import Context, condition, evaluate, repository_from_mkdocs, substitute
from snippets import lab

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = ROOT / ".github" / "workflows"


def load(name: str) -> dict:
    workflow = yaml.safe_load((WORKFLOWS / name).read_text())
    workflow["on"] = workflow.pop(True, workflow.get("on"))  # YAML 1.1 reads a bare `on:` as true
    return workflow


def steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def makefile_targets() -> set[str]:
    text = (ROOT / "Makefile").read_text()
    return {m.group(1) for m in re.finditer(r"^([a-z][\w-]*):", text, re.M)}


ALL = sorted(p.name for p in WORKFLOWS.glob("*.yml"))


def test_the_three_workflows_exist() -> None:
    assert ALL == ["ci.yml", "live.yml", "pages.yml"]


def test_ci_runs_on_every_push_and_pull_request() -> None:
    on = load("ci.yml")["on"]
    assert "push" in on and on["push"] is None  # every branch
    assert "pull_request" in on


def test_ci_tests_as_a_fresh_clone_does_on_debian_with_chromium() -> None:
    job = load("ci.yml")["jobs"]["test"]
    assert job["container"]["image"].startswith("python:3.11-bookworm")
    assert "--shm-size" in job["container"]["options"], "Chromium crashes in Docker's 64 MB /dev/shm"
    runs = [s["run"] for s in job["steps"] if "run" in s]
    assert "bash .ci/run" in runs
    checkout = job["steps"][0]
    assert checkout["uses"].startswith("actions/checkout@")
    assert checkout["with"]["fetch-depth"] == 0, "last-updated dates need the whole history"
    ci_run = (ROOT / ".ci" / "run").read_text()
    assert "apt-get install -y -q chromium" in ci_run and "make test" in ci_run


def test_ci_builds_and_uploads_the_wheel_and_sdist() -> None:
    job = load("ci.yml")["jobs"]["dist"]
    runs = " ".join(s.get("run", "") for s in job["steps"])
    assert "make dist" in runs and "make dist-smoke" in runs
    upload = [s for s in job["steps"] if s.get("uses", "").startswith("actions/upload-artifact@")]
    assert upload and upload[0]["with"]["path"] == "dist/"


@pytest.mark.parametrize(("event", "ref", "deploys"), [
    ("push", "refs/heads/main", True),
    ("push", "refs/heads/feature", False),
    ("pull_request", "refs/heads/main", False),
    ("workflow_dispatch", "refs/heads/main", False),
])
def test_the_site_is_deployed_only_from_a_push_to_main(event: str, ref: str, deploys: bool) -> None:
    job = load("ci.yml")["jobs"]["pages"]
    assert job["uses"] == "./.github/workflows/pages.yml"
    assert set(job["needs"]) == {"test", "dist"}
    context = Context(github={"event_name": event, "ref": ref})
    assert condition(job["if"], context) is deploys


def test_pages_builds_with_this_repositorys_addresses_and_deploys() -> None:
    workflow = load("pages.yml")
    assert "workflow_call" in workflow["on"]
    build = workflow["jobs"]["build"]
    make_build = next(s for s in build["steps"] if s.get("run") == "make build")
    assert set(make_build["env"]) >= {"KEYLAB_SITE_URL", "KEYLAB_REPO_URL"}
    mkdocs = (ROOT / "mkdocs.yml").read_text()
    for name in make_build["env"]:
        assert f"!ENV [{name}," in mkdocs, f"mkdocs.yml reads {name}"
    uses = [s.get("uses", "").partition("@")[0] for s in build["steps"]]
    assert "actions/configure-pages" in uses and "actions/upload-pages-artifact" in uses
    deploy = workflow["jobs"]["deploy"]
    assert deploy["environment"]["name"] == "github-pages"
    assert deploy["steps"][-1]["uses"].startswith("actions/deploy-pages@")


def test_only_the_publishing_jobs_may_write() -> None:
    for name in ALL:
        workflow = load(name)
        assert workflow["permissions"]["contents"] == "read" or name == "pages.yml", name
        for job_name, job in workflow["jobs"].items():
            granted = job.get("permissions", {})
            if granted.get("pages") == "write" or granted.get("id-token") == "write":
                assert job.get("uses") == "./.github/workflows/pages.yml", f"{name}:{job_name}"
            if granted.get("contents") == "write":
                assert (name, job_name) == ("live.yml", "live"), "only the live record is committed"


def test_every_action_is_pinned_to_a_major_version() -> None:
    for name in ALL:
        for step in steps(load(name)):
            if "uses" in step:
                assert re.fullmatch(r"actions/[\w-]+@v\d+", step["uses"]), f"{name}: {step['uses']}"


def test_every_make_target_a_workflow_runs_exists() -> None:
    targets = makefile_targets()
    for name in ALL:
        for step in steps(load(name)):
            for words in re.findall(r"\bmake ([\w -]+)", step.get("run", "")):
                for target in words.split():
                    assert target in targets, f"{name} runs `make {target}`, which the Makefile lacks"


def test_the_live_run_is_weekly_and_reads_the_keys_the_notebooks_read() -> None:
    workflow = load("live.yml")
    (schedule,) = workflow["on"]["schedule"]
    minute, hour, day, month, weekday = schedule["cron"].split()
    assert (day, month) == ("*", "*") and weekday.isdigit(), "once a week"
    assert "workflow_dispatch" in workflow["on"]
    env = next(s for s in workflow["jobs"]["live"]["steps"] if s.get("run") == "make live-record")["env"]
    expected = set()
    for exchange, prefix in lab.LIVE_PREFIXES.items():
        expected |= {f"{prefix}_API_KEY", f"{prefix}_API_SECRET"}
        if exchange == "okx":
            expected.add(f"{prefix}_API_PASSPHRASE")
    assert set(env) == expected
    for name, value in env.items():
        assert value == f"${{{{ secrets.{name} }}}}", "each variable comes from the secret of its own name"


def test_external_link_failures_do_not_fail_the_weekly_run() -> None:
    job = load("live.yml")["jobs"]["links"]
    assert any("linkcheck-external" in s.get("run", "") for s in job["steps"])
    assert "needs" not in job, "the link check runs even when the live run fails"


def test_the_live_record_is_republished_only_when_a_commit_was_made() -> None:
    job = load("live.yml")["jobs"]["pages"]
    assert job["with"]["ref"] == "${{ needs.live.outputs.published }}"
    assert condition(job["if"], Context(github={}, needs={"live": {"outputs": {"published": ""}}})) is False
    assert condition(job["if"], Context(github={}, needs={"live": {"outputs": {"published": "abc123"}}})) is True


# -- the local runner's expression language ---------------------------------------------------

def test_expressions_the_workflows_use() -> None:
    context = Context(github={"sha": "abc", "repository": "o/r", "server_url": "https://github.com"},
                      inputs={"ref": ""}, steps={"pages": {"outputs": {"base_url": "https://o.github.io/r"}}})
    assert substitute("${{ inputs.ref || github.sha }}", context) == "abc"
    assert substitute("${{ steps.pages.outputs.base_url }}/", context) == "https://o.github.io/r/"
    assert substitute("${{ github.server_url }}/${{ github.repository }}", context) == "https://github.com/o/r"
    assert substitute("${{ secrets.MISSING }}", context) == ""
    assert evaluate("!cancelled()", context) is True
    with pytest.raises(ValueError, match="does not understand"):
        evaluate("contains(github.ref, 'x')", context)


def test_the_local_runner_names_the_repository_mkdocs_names() -> None:
    match = re.search(r'^repo_url: .*"https://github\.com/([^"]+)"', (ROOT / "mkdocs.yml").read_text(), re.M)
    assert match and repository_from_mkdocs() == match.group(1)
