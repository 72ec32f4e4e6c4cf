"""`kg demo`: the quick start. Build, summarise, answer one comparative question."""
from __future__ import annotations

import argparse
import sys
import time

from kg.cli import add_common, dataset, progress
from kg.cli.build import print_warnings
from kg.cli.output import format_table
from kg.errors import InputError

DEMO_QUERY = "centre-region-relations"
EPILOG = """\
examples:
  kg demo
  kg demo -q                    without the stage timings
"""


def register(sub) -> None:
    p = add_common(sub.add_parser(
        "demo", help="build, summarise, answer one question",
        description="The quick start: build the dataset, show what it holds, and answer one "
                    f"comparative question ({DEMO_QUERY}).",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter))
    p.set_defaults(func=run)


def run(args) -> int:
    from kg.build import build
    from kg.query import load_engine
    from kg.query.catalogue import load_catalogue
    from kg.stats import compute_stats, format_stats

    loc = dataset(args)
    t0 = time.perf_counter()
    print("1. Build: parse the sources, validate with SHACL, reason with OWL 2 RL, write dist/",
          file=sys.stderr)
    report = build(loc.root, loc.dist, progress=progress(args))
    print_warnings(report, True)
    print(f"   done in {time.perf_counter() - t0:.2f} s", file=sys.stderr)
    print("\n2. What the dataset holds\n")
    print(format_stats(compute_stats(loc.nquads), top=10))
    q = load_catalogue(loc.root).get(DEMO_QUERY)
    if q is None:
        raise InputError(f"queries/{DEMO_QUERY}.rq is missing: the demo answers that question")
    print(f"\n3. A comparative question ({q.name}):\n   {q.question_en}\n   {q.question_id}\n")
    result = load_engine("oxigraph", loc.nquads).query(q.text, q.bind({}))
    print(format_table(result, q.prefixes()))
    print("\nMore questions: `kg query --list`; then `kg query NAME`.")
    return 0
