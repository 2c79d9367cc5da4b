"""`make bench`: measure setup, build, notebooks, localnet and the site; print a table, write JSON.

    python -m bench                      # everything (a few minutes)
    python -m bench --only localnet,site # some sections
    python -m bench --quick              # fewest repetitions: checks the plumbing, not the speed

A complete run writes bench/latest.json and the table the "Performance" section of the testing
page includes (docs/includes/performance.md); --only and --quick runs write bench/last-run.json.
Benchmarks report and never fail: a missed target is marked in the table, and the exit status
is non-zero only when a benchmark could not run at all.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import traceback
from pathlib import Path

from bench.core import ROOT, Row, report, table, write_json
from bench.publish import TABLE, publish

SECTIONS = {
    "setup": "bench.setup",
    "notebooks": "bench.notebooks",
    "localnet": "bench.localnet",
    "site": "bench.site",
}
DEFAULT_JSON = ROOT / "bench" / "latest.json"     # a complete run: the figures the site shows
PARTIAL_JSON = ROOT / "bench" / "last-run.json"   # --only or --quick (git-ignored)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help=f"comma-separated sections out of {', '.join(SECTIONS)}")
    parser.add_argument("--quick", action="store_true", help="fewest repetitions (plumbing check)")
    parser.add_argument("--json", type=Path, default=None,
                        help="where to write the figures (default: bench/latest.json for a complete run, "
                             "bench/last-run.json otherwise)")
    args = parser.parse_args(argv)
    chosen = [name.strip() for name in args.only.split(",") if name.strip()] or list(SECTIONS)
    unknown = [name for name in chosen if name not in SECTIONS]
    if unknown:
        parser.error(f"unknown section {', '.join(unknown)}; choose from {', '.join(SECTIONS)}")
    args.sections = chosen
    args.complete = chosen == list(SECTIONS) and not args.quick
    if args.json is None:
        args.json = DEFAULT_JSON if args.complete else PARTIAL_JSON
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    rows: list[Row] = []
    failed: list[str] = []
    for name in args.sections:
        print(f"bench: {name} ...", file=sys.stderr, flush=True)
        try:
            module = importlib.import_module(SECTIONS[name])
            rows.extend(module.run(quick=args.quick))
        except Exception as error:  # one broken benchmark must not hide the others' figures
            traceback.print_exc()
            print(f"bench: {name} could not run: {error}", file=sys.stderr)
            failed.append(name)
    print(table(rows))
    document = report(rows, args.sections)
    document["failed"] = failed
    write_json(document, args.json)
    shown = args.json.relative_to(ROOT) if args.json.is_relative_to(ROOT) else args.json.name
    print(f"\nbench: figures written to {shown}", file=sys.stderr)
    if args.json == DEFAULT_JSON and args.complete and not failed:
        # Only a complete, full run replaces the figures the testing page shows.
        publish(args.json)
        print(f"bench: the testing page's table rewritten ({TABLE.relative_to(ROOT)})", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
