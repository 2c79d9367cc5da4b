"""`python -m snippets.keyscan [paths...]`: scan files for credential-shaped strings before a commit.

With no paths it scans the files git tracks in the current repository. Directories are scanned
recursively. Notebooks are read cell by cell (sources and stored outputs), HTML pages both as
markup and as text. Every finding is printed masked, never in full.

Strings that were reviewed and are fine to publish (an exchange's documentation example, a fake
demo value) go in an allow-list, `.keyscan-allow` at the repository root: one SHA-256 fingerprint
a line, then the reason with its source. Lower-case hex strings (signatures, hashes) and
placeholders are reported as ignored, not as problems. Exit status: 0 when every finding is
allowed or ignored, 1 when one is not, 2 for a usage error.

`python -m snippets.keyscan --fingerprint` reads a string from standard input (so it never
lands in shell history) and prints the allow-list line for it.
"""

import argparse
import html
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from snippets.keyscan import Finding, fingerprint, scan

ALLOW_FILE = ".keyscan-allow"
ENTRY = re.compile(r"([0-9a-f]{64})\s+(\S.*)")
NOTES = {"signed JWT": " (a weaker signal: tokens usually expire, but they name the key)"}
SKIP_DIRS = {".git"}


class UsageError(Exception):
    """Something the user has to fix before a scan can run: a missing file, a bad allow-list."""


@dataclass(frozen=True)
class Hit:
    """A finding in a file: `where` is the line, or the notebook cell and the line in it."""

    path: str
    where: str
    finding: Finding


@dataclass
class Report:
    """What a scan found, sorted: problems (not allowed), allowed, ignored (hex or placeholder)."""

    files: int = 0
    problems: list[Hit] = field(default_factory=list)
    allowed: list[Hit] = field(default_factory=list)
    ignored: list[Hit] = field(default_factory=list)

    def used(self) -> set[str]:
        """The allow-list fingerprints that matched something."""
        return {hit.finding.fingerprint for hit in self.allowed}


# --- reading files -------------------------------------------------------------------------------

def _notebook_views(text: str) -> Iterator[tuple[str, str]]:
    """(where, text) for each cell's source and each stored output of a notebook."""
    cells = json.loads(text).get("cells", [])
    for number, cell in enumerate(cells, start=1):
        yield f"cell {number}", _joined(cell.get("source", ""))
        for index, output in enumerate(cell.get("outputs", []), start=1):
            parts = [_joined(output.get("text", "")), output.get("evalue", ""),
                     "\n".join(output.get("traceback", []))]
            for mime, data in output.get("data", {}).items():
                if not mime.startswith("image/") or mime == "image/svg+xml":
                    parts.append(data if isinstance(data, str) else _joined(data))
            yield f"cell {number} output {index}", "\n".join(str(part) for part in parts if part)


def _joined(value: object) -> str:
    if isinstance(value, list):
        return "".join(str(item) for item in value)
    return value if isinstance(value, str) else json.dumps(value)


def _html_text(markup: str) -> str:
    """An HTML page's text with the same lines: tags dropped, entities decoded."""
    return html.unescape(re.sub(r"<[^>]*>", "", markup))


def _html_tags(markup: str) -> str:
    """An HTML page's tags (for values in attributes), with the same lines: text between them dropped."""
    return re.sub(r">[^<]*<", lambda between: ">" + "\n" * between.group().count("\n") + "<", markup)


def views(path: Path) -> list[tuple[str, str]]:
    """The texts to scan in a file, as (where-prefix, text); none for binary files."""
    data = path.read_bytes()
    if b"\0" in data[:8192]:
        return []
    text = data.decode("utf-8", errors="replace")
    if path.suffix == ".ipynb":
        try:
            return [*_notebook_views(text), ("", text)]  # the raw JSON too: metadata, attachments
        except (ValueError, AttributeError):
            return [("", text)]
    if path.suffix in (".html", ".htm"):
        return [("", _html_text(text)), ("", _html_tags(text))]  # the text, then values in attributes
    return [("", text)]


def scan_file(path: Path, name: str | None = None) -> list[Hit]:
    """Every finding in one file, each string once per place (a later view adds only new strings)."""
    hits: list[Hit] = []
    earlier: set[str] = set()
    for prefix, text in views(path):
        found = [finding for finding in scan(text) if finding.fingerprint not in earlier]
        for finding in found:
            where = f"{prefix}, line {finding.line}" if prefix else str(finding.line)
            hits.append(Hit(name or str(path), where, finding))
        earlier |= {finding.fingerprint for finding in found}
    return hits


def tracked_files(repo: Path) -> list[Path]:
    """The files git tracks in `repo` that exist on disk."""
    try:
        listed = subprocess.run(["git", "ls-files", "-z"], cwd=repo, capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError) as problem:
        raise UsageError(f"{repo} is not a git repository (or git is missing): "
                         "give the files or directories to scan") from problem
    paths = (repo / name for name in listed.decode().split("\0") if name)
    return [path for path in paths if path.is_file() and not path.is_symlink()]


def expand(paths: Iterable[Path]) -> list[Path]:
    """Files as given, directories as every file under them (except .git)."""
    files = []
    for path in paths:
        if path.is_dir():
            for root, dirs, names in os.walk(path):
                dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS)
                files += [Path(root, name) for name in sorted(names)]
        elif path.is_file():
            files.append(path)
        else:
            raise UsageError(f"no such file or directory: {path}")
    return [file for file in files if not file.is_symlink()]


# --- the allow-list ------------------------------------------------------------------------------

def read_allow_list(path: Path) -> dict[str, str]:
    """{fingerprint: reason} from an allow-list file; `#` starts a comment line."""
    entries: dict[str, str] = {}
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        entry = ENTRY.fullmatch(line)
        if not entry:
            raise UsageError(f"{path}:{number}: expected a SHA-256 fingerprint (64 hex digits), "
                             "spaces, then the reason with its source")
        entries[entry.group(1)] = entry.group(2)
    return entries


def repo_root(start: Path) -> Path:
    """The top of the git repository holding `start`, or `start` itself outside one."""
    try:
        done = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=start, capture_output=True,
                              text=True, check=True)
        return Path(done.stdout.strip())
    except (OSError, subprocess.CalledProcessError):
        return start


# --- scanning ------------------------------------------------------------------------------------

def check(files: Iterable[Path], allowed: Iterable[str] = (), base: Path | None = None) -> Report:
    """Scan `files`, sorting each finding into problems, allowed and ignored."""
    allowed = set(allowed)
    report = Report()
    for path in files:
        report.files += 1
        name = str(path.relative_to(base)) if base and path.is_relative_to(base) else str(path)
        for hit in scan_file(path, name):
            if hit.finding.maybe_not_secret or hit.finding.placeholder:
                report.ignored.append(hit)
            elif hit.finding.fingerprint in allowed:
                report.allowed.append(hit)
            else:
                report.problems.append(hit)
    return report


def describe(hit: Hit) -> str:
    """One line about a finding, masked: path:line: shape, near 'exchange': NhqP…Tj0j (64 characters)."""
    finding = hit.finding
    near = f", near '{finding.near}'" if finding.near else ""
    return f"{hit.path}:{hit.where}: {finding.shape}{near}: {finding.masked}{NOTES.get(finding.shape, '')}"


def print_fingerprints(text: str) -> int:
    """Print the allow-list line for each credential-shaped string in `text` (or for all of it)."""
    found = [finding for finding in scan(text) if not finding.placeholder]
    reason = "SOURCE: the URL that publishes it, or 'fake demo value' and what it is"
    if not found:
        value = text.strip()
        if not value:
            print("keyscan: nothing on standard input", file=sys.stderr)
            return 2
        print("keyscan: no key shape found; this is the fingerprint of the whole input "
              "(surrounding spaces removed)", file=sys.stderr)
        print(f"{fingerprint(value)}  {reason}")
        return 0
    for finding in found:
        print(f"# {finding.shape}: {finding.masked}", file=sys.stderr)
        print(f"{finding.fingerprint}  {reason}")
    return 0


def count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m snippets.keyscan",
        description="Scan files for strings shaped like exchange API keys, secrets and private keys. "
                    "Findings are printed masked. Exit status 1 if one is not in the allow-list.")
    parser.add_argument("paths", nargs="*", type=Path,
                        help="files or directories (default: the files git tracks here)")
    parser.add_argument("--allow", type=Path, metavar="FILE",
                        help=f"the allow-list (default: {ALLOW_FILE} at the repository root, if there is one)")
    parser.add_argument("--fingerprint", action="store_true",
                        help="read a string from standard input and print its allow-list line")
    args = parser.parse_args(argv)
    if args.fingerprint:
        return print_fingerprints(sys.stdin.read())
    try:
        cwd = Path.cwd()
        root = repo_root(cwd)
        allow = args.allow or root / ALLOW_FILE
        entries = read_allow_list(allow) if args.allow or allow.is_file() else {}
        files = expand(args.paths) if args.paths else tracked_files(root)
        report = check(files, entries, base=cwd)
    except (UsageError, OSError) as problem:
        print(f"keyscan: {problem}", file=sys.stderr)
        return 2
    for hit in report.problems:
        print(describe(hit))
    found = len(report.problems) + len(report.allowed) + len(report.ignored)
    print(f"keyscan: {count(report.files, 'file')} scanned, {count(found, 'key-shaped string')}: "
          f"{len(report.problems)} not allowed, {len(report.allowed)} allow-listed, "
          f"{len(report.ignored)} ignored (hex digests, placeholders)", file=sys.stderr)
    if report.problems:
        print("keyscan: a real key? Take it out and revoke it on the exchange: it may already be copied.\n"
              "keyscan: a published example or a fake value? Add the line that "
              f"`python -m snippets.keyscan --fingerprint < FILE` prints to {allow.name}, with its source.",
              file=sys.stderr)
        return 1
    return 0
