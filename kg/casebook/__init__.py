"""Cases from spreadsheets: the codebook template (`kg template`) and the importer (`kg import`).

    from kg.casebook import write_template, import_workbook
    write_template("case.xlsx", root=".")                    # the empty codebook
    result = import_workbook("case.xlsx", root=".", names=index)
    result.trig()                                             # the TriG text for data/NAME.trig

docs/IMPORT.md describes the sheets, the checks and the comparison of sources.
"""
from __future__ import annotations

from pathlib import Path

from kg.casebook.codebook import SHEETS, Column, Sheet
from kg.casebook.importer import (Conflict, Corroboration, ImportResult, Problem, WorkbookInvalid,
                                  import_tables, import_workbook, to_trig)

__all__ = ["SHEETS", "Column", "Sheet", "Conflict", "Corroboration", "ImportResult", "Problem",
           "WorkbookInvalid", "import_tables", "import_workbook", "to_trig", "write_template"]


def write_template(out: str | Path, root: str | Path, *, csv: bool = False, example: str | None = None):
    """Write the codebook to `out` (an .xlsx, or a folder of CSV files with csv=True), filled with
    the case `example` (a file of data/) if given. Returns the Example (or None)."""
    from kg.casebook.example import example_rows
    from kg.casebook.vocab import load_vocabulary
    from kg.casebook.workbook import write_csv_dir, write_xlsx

    vocab = load_vocabulary(Path(root))
    ex = example_rows(Path(root), example, vocab) if example else None
    rows = ex.rows if ex else None
    if csv:
        write_csv_dir(Path(out), vocab, rows)
    else:
        write_xlsx(Path(out), vocab, rows)
    return ex
