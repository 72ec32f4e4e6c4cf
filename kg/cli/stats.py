"""`kg stats`: what the dataset holds (triples per graph, instances per class, properties)."""
from __future__ import annotations

import argparse

from kg.cli import add_common, dataset, progress

EPILOG = """\
examples:
  kg stats
  kg --root ../my-cases stats
"""


def register(sub) -> None:
    p = add_common(sub.add_parser(
        "stats", help="what the dataset holds",
        description="Triples per named graph, instances per class, properties.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter))
    p.set_defaults(func=run)


def run(args) -> int:
    from kg.stats import compute_stats, format_stats

    print(format_stats(compute_stats(dataset(args).ensure_built(progress(args)))))
    return 0
