"""`kg template`: the codebook for adding a case from a spreadsheet (docs/IMPORT.md)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kg.cli import add_common

EPILOG = """\
examples:
  kg template case.xlsx                      the empty codebook: one sheet per kind of record
  kg template --csv case/                    the same as CSV files (one per sheet)
  kg template --example yogyakarta diy.xlsx  filled with a case of data/, to see how one looks

then fill it and run:  kg import case.xlsx --check   (and -o data/NAME.trig to write)
"""


def register(sub) -> None:
    p = add_common(sub.add_parser(
        "template", help="write the spreadsheet codebook for adding a case (xlsx or CSV)",
        description="Write the codebook a researcher fills to add a case without writing Turtle: one sheet "
                    "per kind of record (works, passages, actors, agreements, events, counts, relations), "
                    "the meaning of every column in English and Indonesian, drop-down lists from the "
                    "ontology's SKOS schemes and classes, and a sheet that explains the columns.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter))
    p.add_argument("out", metavar="OUT", help="the .xlsx file to write (with --csv: a folder)")
    p.add_argument("--csv", action="store_true", help="write a folder of CSV files instead of a workbook")
    p.add_argument("--example", metavar="CASE", help="fill it with a case of data/ (e.g. yogyakarta)")
    p.set_defaults(func=run)


def run(args) -> int:
    from kg.casebook import write_template
    from kg.errors import InputError
    from kg.namespaces import project_root

    out = Path(args.out)
    if not args.csv and out.suffix.lower() != ".xlsx":
        raise InputError(f"{out}: the workbook's name must end in .xlsx (or give --csv and a folder)")
    root = Path(getattr(args, "root", None) or project_root())
    ex = write_template(out, root, csv=args.csv, example=args.example)
    if not args.quiet:
        print(f"wrote {out}", file=sys.stderr)
        if ex is not None:
            n = sum(len(r) for r in ex.rows.values())
            print(f"  {n} rows from {ex.source} carry {len(ex.covered)} of its quads", file=sys.stderr)
            if ex.uncovered:
                left = ", ".join(f"{p} ({n})" for p, n in sorted(ex.uncovered.items()))
                print(f"  not carried by any column (kept only in the .trig): {left}", file=sys.stderr)
    return 0
