"""`kg import`: a filled codebook (xlsx or a folder of CSV files) becomes data/NAME.trig (docs/IMPORT.md)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kg.cli import add_common, dataset

EPILOG = """\
examples:
  kg import case.xlsx --check                 check every row; write nothing
  kg import case.xlsx -o data/my-case.trig    check, then write the TriG file (atomically)
  kg import case/ -o data/my-case.trig        a folder of CSV files (kg template --csv case/)

Exit status: 0 imported (or --check found nothing to fix); 1 cells to fix, each named by sheet,
row and column with what was expected and how to fix it (nothing is written); 2 a usage error.
Then: kg validate, kg build, kg query agreements-of-actor --param actor=pdi:...
"""


def register(sub) -> None:
    p = add_common(sub.add_parser(
        "import", help="turn a filled codebook (xlsx or CSV) into data/NAME.trig",
        description="Check every row of a filled codebook and write the case as TriG, one GRAPH per source "
                    "passage. Names are resolved against the workbook and the graph (id, label, alternative "
                    "label); facts that differ between sources become pd:SourceConflict nodes.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter))
    p.add_argument("workbook", metavar="FILE.xlsx|DIR", help="the filled codebook")
    p.add_argument("-o", "--output", metavar="data/NAME.trig",
                   help="the TriG file to write (replaced if it exists: its own nodes may be re-created)")
    p.add_argument("--check", action="store_true", help="check only; write nothing")
    p.set_defaults(func=run)


def run(args) -> int:
    from kg.casebook import import_workbook
    from kg.errors import InputError

    if not args.check and not args.output:
        raise InputError("say where to write the case (-o data/NAME.trig), or --check to write nothing")
    out = Path(args.output) if args.output else None
    if out is not None and out.suffix != ".trig":
        raise InputError(f"{out}: the output is a TriG file: give a name ending in .trig (data/NAME.trig)")
    loc = dataset(args)
    names = _names(loc)
    result = import_workbook(Path(args.workbook), loc.root, names=names,
                             replaces=out if out is not None and out.exists() else None)
    text = result.trig()
    graphs = {q[3] for q in result.quads}
    say = (lambda *a: None) if args.quiet else (lambda *a: print(*a, file=sys.stderr))
    say(f"{args.workbook}: {len(result.quads)} quads in {len(graphs)} graphs, no cell to fix")
    for c in result.conflicts:
        say(f"  conflict {c.what} of {c.concerns.split('/')[-1]}: "
            + "; ".join(f"{g.split('/')[-1]} says {v}" for v, g in c.values))
    for c in result.corroborations:
        say(f"  corroborated {c.what} of {c.concerns.split('/')[-1]} = {c.value} by "
            + ", ".join(g.split('/')[-1] for g in c.passages))
    for c in result.copies:            # the build fails on these (statement-copied-block-violation)
        print(f"  warning: copied block: {c}", file=sys.stderr)
    if args.check:
        return 0
    from kg.casebook.workbook import _atomic_bytes

    _atomic_bytes(out, text.encode("utf-8"))
    say(f"wrote {out}; next: kg validate")
    return 0


def _names(loc):
    """The graph's names (labels, alternative labels, ids) from the built dataset; without the name
    resolver (kg.names), names are resolved by id and by the workbook's own labels only."""
    try:
        from kg.names import NameIndex
    except ImportError:
        return None
    from kg.query import load_engine

    return NameIndex.from_engine(load_engine("oxigraph", loc.ensure_built()))
