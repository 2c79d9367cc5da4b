"""Run one job of a GitHub Actions workflow here, step by step, in a fresh clone.

    python scripts/run_workflow.py --list
    python scripts/run_workflow.py ci.yml test
    python scripts/run_workflow.py live.yml live --secret BINANCE_TESTNET_API_KEY=...

What it does with each step:

- `run:` steps run with bash (-e, -o pipefail, like GitHub's default shell) in the clone, with
  the workflow's, job's and step's `env:`, `$GITHUB_OUTPUT`, `$GITHUB_STEP_SUMMARY`, `CI=true`.
  `${{ ... }}` expressions are filled in from a small context: github.* (repository from
  mkdocs.yml's repo_url, sha of HEAD), secrets.* (given with --secret, else empty), inputs.*,
  steps.<id>.outputs.* and needs.*; `a || b`, `!cancelled()`, `always()` and `==`/`!=` on
  those are understood, nothing more.
- `uses:` steps: actions/checkout is a `git clone` of this repository's HEAD (from a bare copy
  that stands in for GitHub, so a step's `git push` lands there and nowhere else);
  configure-pages gives base_url http://127.0.0.1:8000; upload-artifact and
  upload-pages-artifact check that their path exists and list it; other actions (deploy-pages)
  are reported as "runs on GitHub only" and skipped.
- A job's `container:` is not started (no Docker engine is needed): the job runs on this machine.
  KeyLab's jobs use python:3.11-bookworm, which is Debian 12 with Python 3.11, as this machine is.

Exit status: that of the first failed step, else 0.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # so `python scripts/run_workflow.py` finds its sibling as scripts.set_repo
from scripts.set_repo import mkdocs_repo  # noqa: E402  (the one reader of mkdocs.yml's repo_url default)

WORKFLOWS = ROOT / ".github" / "workflows"
LOCAL_SITE = "http://127.0.0.1:8000"
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


@dataclass
class Context:
    """What `${{ ... }}` can read while a job runs."""

    github: dict[str, str]
    secrets: dict[str, str] = field(default_factory=dict)
    inputs: dict[str, str] = field(default_factory=dict)
    needs: dict[str, dict] = field(default_factory=dict)
    steps: dict[str, dict] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)

    def lookup(self, path: str) -> str:
        """The value at a dotted path (github.sha, steps.pages.outputs.base_url); empty when unset."""
        head, _, rest = path.partition(".")
        value: object = {"github": self.github, "secrets": self.secrets, "inputs": self.inputs,
                         "needs": self.needs, "steps": self.steps, "env": self.env}.get(head)
        for part in rest.split(".") if rest else []:
            value = value.get(part) if isinstance(value, dict) else None
        return "" if value is None or isinstance(value, dict) else str(value)


def evaluate(expression: str, context: Context) -> str | bool:
    """The small part of GitHub's expression language KeyLab's workflows use."""
    expression = expression.strip()
    if expression in ("always()", "!cancelled()", "success()"):
        return True
    if expression in ("cancelled()", "failure()"):
        return False
    for op in ("&&", "||"):
        if op in expression:
            left, _, right = expression.partition(op)
            a = evaluate(left, context)
            if op == "&&":
                return evaluate(right, context) if truthy(a) else a
            return a if truthy(a) else evaluate(right, context)
    for op in ("==", "!="):
        if op in expression:
            left, _, right = expression.partition(op)
            same = str(evaluate(left, context)) == str(evaluate(right, context))
            return same if op == "==" else not same
    if expression.startswith("!"):
        return not truthy(evaluate(expression[1:], context))
    if expression[:1] in "'\"":
        return expression[1:-1]
    if expression in ("true", "false"):
        return expression == "true"
    if re.fullmatch(r"[A-Za-z_][\w.-]*", expression):
        return context.lookup(expression)
    raise ValueError(f"run_workflow.py does not understand the expression {expression!r}")


def truthy(value: str | bool) -> bool:
    return bool(value) and value != "false"


def substitute(text: str, context: Context) -> str:
    """Fill every ${{ ... }} in `text`."""
    def fill(match: re.Match) -> str:
        value = evaluate(match.group(1), context)
        return str(value).lower() if isinstance(value, bool) else value

    return EXPRESSION.sub(fill, text)


def condition(value: object, context: Context) -> bool:
    """A step's or job's `if:` (with or without ${{ }}); absent means run."""
    if value is None:
        return True
    text = str(value).strip()
    match = EXPRESSION.fullmatch(text)
    return truthy(evaluate(match.group(1) if match else text, context))


def repository_from_mkdocs() -> str:
    """owner/name from the default repo_url in mkdocs.yml (as `make fork` reads and writes it)."""
    return mkdocs_repo((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))


@dataclass
class Runner:
    """Runs one job's steps in `work/clone`, with `work/origin.git` standing in for GitHub."""

    workflow: dict
    job_name: str
    work: Path
    context: Context
    event: str = "push"
    log: list[str] = field(default_factory=list)

    @property
    def clone(self) -> Path:
        return self.work / "clone"

    def say(self, line: str) -> None:
        self.log.append(line)
        print(line, flush=True)

    def run(self) -> int:
        job = self.workflow["jobs"][self.job_name]
        if "uses" in job:
            self.say(f"job {self.job_name} calls {job['uses']}: run that workflow's jobs by name instead")
            return 0
        if not condition(job.get("if"), self.context):
            self.say(f"job {self.job_name}: skipped, its `if:` is false for a {self.event} event")
            return 0
        if "container" in job:
            image = job["container"]["image"] if isinstance(job["container"], dict) else job["container"]
            self.say(f"job {self.job_name}: container {image} not started; running on this machine")
        env = {**(self.workflow.get("env") or {}), **(job.get("env") or {})}
        for number, step in enumerate(job["steps"], 1):
            name = step.get("name") or step.get("uses") or step.get("run", "").splitlines()[0]
            if not condition(step.get("if"), self.context):
                self.say(f"[{number}] {name}: skipped (if: false)")
                continue
            self.say(f"[{number}] {name}")
            status = self.uses(step) if "uses" in step else self.shell(step, env)
            if status != 0:
                self.say(f"[{number}] failed with exit status {status}")
                return status
        self.say(f"job {self.job_name}: every step passed")
        return 0

    def shell(self, step: dict, job_env: dict) -> int:
        outputs = self.work / "github_output"
        outputs.write_text("")
        env = {**os.environ, "CI": "true", "GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": str(self.clone),
               "GITHUB_OUTPUT": str(outputs), "GITHUB_STEP_SUMMARY": str(self.work / "step_summary.md"),
               **{f"GITHUB_{k.upper()}": v for k, v in self.context.github.items()}}
        for key, value in {**job_env, **(step.get("env") or {})}.items():
            env[key] = substitute(str(value), self.context)
        script = substitute(step["run"], self.context)
        status = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", script], cwd=self.clone, env=env).returncode
        if "id" in step:
            pairs = [line.partition("=") for line in outputs.read_text().splitlines() if "=" in line]
            self.context.steps[step["id"]] = {"outputs": {k: v for k, _, v in pairs}}
        return status

    def uses(self, step: dict) -> int:
        action = step["uses"].partition("@")[0]
        options = {k: substitute(str(v), self.context) for k, v in (step.get("with") or {}).items()}
        outputs: dict[str, str] = {}
        if action == "actions/checkout":
            self.checkout(options)
        elif action == "actions/configure-pages":
            outputs = {"base_url": LOCAL_SITE, "origin": LOCAL_SITE, "host": "127.0.0.1:8000", "base_path": ""}
            self.say(f"    configure-pages: base_url {LOCAL_SITE} (GitHub gives the Pages address)")
        elif action in ("actions/upload-artifact", "actions/upload-pages-artifact"):
            path = self.clone / options.get("path", "")
            files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else []
            if not files:
                self.say(f"    {action}: nothing at {options.get('path')!r} to upload")
                return 1
            self.say(f"    {action}: would upload {len(files)} files from {options.get('path', '').rstrip('/')}/")
        else:
            self.say(f"    {action}: runs on GitHub only; skipped here")
        if "id" in step:
            self.context.steps[step["id"]] = {"outputs": outputs}
        return 0

    def checkout(self, options: dict) -> None:
        """A fresh clone of HEAD, with full history when fetch-depth is 0, from a bare stand-in origin."""
        origin = self.work / "origin.git"
        if not origin.exists():
            subprocess.run(["git", "clone", "-q", "--bare", str(ROOT), str(origin)], check=True)
        if self.clone.exists():
            shutil.rmtree(self.clone)
        depth = [] if options.get("fetch-depth") == "0" else ["--depth", "1"]
        ref = options.get("ref") or self.context.github["sha"]
        subprocess.run(["git", "clone", "-q", "--no-local", *depth, f"file://{origin}", str(self.clone)], check=True)
        subprocess.run(["git", "checkout", "-q", ref], cwd=self.clone, check=True)
        if ref == self.context.github["sha"]:  # a workflow's checkout sits on its branch, not detached
            subprocess.run(["git", "checkout", "-q", "-B", self.context.github["ref_name"]], cwd=self.clone, check=True)
        self.say(f"    checkout: {ref[:12]} into {self.clone.name}/ ({'full history' if not depth else 'depth 1'})")


def load(name: str) -> dict:
    path = WORKFLOWS / (name if name.endswith((".yml", ".yaml")) else f"{name}.yml")
    if not path.is_file():
        raise SystemExit(f"run_workflow: no workflow {path.name} in .github/workflows/")
    return yaml.safe_load(path.read_text())


def list_workflows() -> None:
    for path in sorted(WORKFLOWS.glob("*.yml")):
        workflow = yaml.safe_load(path.read_text())
        print(f"{path.name}: {workflow.get('name', '')}")
        for job_name, job in workflow["jobs"].items():
            what = f"calls {job['uses']}" if "uses" in job else f"{len(job['steps'])} steps"
            print(f"  {job_name:8} {job.get('name', '')} ({what})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workflow", nargs="?", help="file in .github/workflows (ci.yml, live.yml, pages.yml)")
    parser.add_argument("job", nargs="?", help="job id in that workflow")
    parser.add_argument("--list", action="store_true", help="list the workflows and their jobs")
    parser.add_argument("--event", default="push", help="event name the job sees (default push)")
    parser.add_argument("--ref-name", default="main", help="branch the job sees (default main)")
    parser.add_argument("--secret", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument("--work", help="folder for the clone (default a new temporary folder, kept)")
    args = parser.parse_args(argv)
    if args.list or not (args.workflow and args.job):
        list_workflows()
        return 0
    workflow = load(args.workflow)
    if args.job not in workflow["jobs"]:
        raise SystemExit(f"run_workflow: {args.workflow} has no job {args.job!r}; it has {', '.join(workflow['jobs'])}")
    sha = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
    github = {"sha": sha, "ref": f"refs/heads/{args.ref_name}", "ref_name": args.ref_name,
              "repository": repository_from_mkdocs(), "server_url": "https://github.com",
              "event_name": args.event, "run_id": "local", "workspace": ""}
    secrets = dict(item.partition("=")[::2] for item in args.secret)
    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix=f"workflow-{args.job}-"))
    work.mkdir(parents=True, exist_ok=True)
    runner = Runner(workflow, args.job, work, Context(github, secrets), event=args.event)
    github["workspace"] = str(runner.clone)
    print(f"run_workflow: {args.workflow} / {args.job} at {sha[:12]}, in {work}", flush=True)
    return runner.run()


if __name__ == "__main__":
    sys.exit(main())
