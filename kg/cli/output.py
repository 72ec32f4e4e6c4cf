"""Printing results for people and for programs: the aligned table, and the SPARQL result formats
(through the one set of writers, `kg.query.results`)."""
from __future__ import annotations

import os
import shutil
import sys

from rdflib import Graph, Literal, URIRef

from kg.namespaces import PREFIXES
from kg.query import results
from kg.terms import short

__all__ = ["format_table", "format_result", "TABLE_CELL_MAX"]

TABLE_CELL_MAX = 80


def _cell(term, prefixes: dict[str, str]) -> str:
    if term is None:
        return ""
    if isinstance(term, Literal):
        return str(term)
    return short(term, prefixes)  # pdi:x, <iri> where no prefix fits, _:b for a blank node


MIN_COLUMN = 8


def terminal_width() -> int | None:
    """The width to fit a table to: the terminal's, or $COLUMNS; None when printing to a file or pipe."""
    if os.environ.get("COLUMNS", "").isdigit():
        return int(os.environ["COLUMNS"])
    if sys.stdout.isatty():
        return shutil.get_terminal_size().columns
    return None


def _fit(widths: list[int], width: int | None) -> list[int]:
    """Column widths shrunk, widest first, until the row fits `width` (never below MIN_COLUMN)."""
    if width is None:
        return widths
    widths = list(widths)
    while sum(widths) + 2 * (len(widths) - 1) > width:
        i = max(range(len(widths)), key=lambda k: widths[k])
        if widths[i] <= MIN_COLUMN:
            break
        widths[i] -= 1
    return widths


def _named_columns(result, prefixes, ids: bool) -> tuple[list[str], list[list[str]]]:
    """Header and cells: a column of ids shows the names of its `<column>Label` beside it (the id
    where a thing has no name); with `ids` both columns are shown."""
    header = list(result.variables)
    labelled = {v for v in header if v + "Label" in header}
    shown = [v for v in header if ids or not (v.endswith("Label") and v[: -len("Label")] in labelled)]
    rows = []
    for r in result.rows:
        row = []
        for v in shown:
            term = r.get(v)
            if v in labelled and not ids and isinstance(term, URIRef) and r.get(v + "Label") is not None:
                term = r.get(v + "Label")
            row.append(_cell(term, prefixes).replace("\n", " "))
        rows.append(row)
    return shown, rows


def format_table(result, prefixes: dict[str, str] | None = None, *, cell_max: int = TABLE_CELL_MAX,
                 ids: bool = False, width: int | None = None) -> str:
    """Aligned columns for people: names where the result has them (`ids`: the ids too), prefixed
    IRIs otherwise. Long texts (quotes, definitions) are cut at `cell_max` characters, and the
    columns shrink to `width` (the terminal's), with a note saying how to see them whole."""
    prefixes = prefixes or PREFIXES
    header, rows = _named_columns(result, prefixes, ids)
    natural = [max([len(h)] + [len(row[i]) for row in rows]) for i, h in enumerate(header)]
    limits = _fit([min(w, cell_max) for w in natural], width)
    cut = any(len(c) > limits[i] for row in rows for i, c in enumerate(row))
    rows = [[c if len(c) <= limits[i] else c[: limits[i] - 1] + "…" for i, c in enumerate(row)] for row in rows]
    header = [h if len(h) <= limits[i] else h[: limits[i] - 1] + "…" for i, h in enumerate(header)]
    widths = [max([len(h)] + [len(row[i]) for row in rows]) for i, h in enumerate(header)]
    out = ["  ".join(h.ljust(w) for h, w in zip(header, widths)).rstrip(),
           "  ".join("-" * w for w in widths)]
    for row in rows:
        out.append("  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip())
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    if cut:
        out.append("(long texts are cut with …; --format csv or json gives them whole)")
    return "\n".join(out)


def format_result(result, fmt: str, prefixes: dict[str, str], *, ids: bool = False) -> bytes:
    """A query's answer in `fmt` (table, csv, tsv, json): SELECT and ASK through the SPARQL result
    writers; CONSTRUCT/DESCRIBE graphs as JSON-LD (json), N-Triples (csv, tsv) or Turtle (table)."""
    if isinstance(result, Graph):
        for p, ns in prefixes.items():
            result.bind(p, ns, override=True)
        text = result.serialize(format="json-ld" if fmt == "json" else "nt" if fmt in ("csv", "tsv") else "turtle")
        return text.encode("utf-8")
    if isinstance(result, bool):
        if fmt == "table":
            return b"yes\n" if result else b"no\n"
        if fmt == "json":
            return results.write_boolean("json", result, indent=2)[0] + b"\n"
        return f"_askResult\r\n{'true' if result else 'false'}\r\n".encode("utf-8")
    if fmt == "table":
        return (format_table(result, prefixes, ids=ids, width=terminal_width()) + "\n").encode("utf-8")
    body = results.write_select(fmt, list(result.variables), results.oxigraph_rows(result),
                                indent=2 if fmt == "json" else None)
    return body + b"\n" if fmt == "json" else body
