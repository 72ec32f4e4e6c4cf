"""Printing results for people and for programs: the aligned table, and the SPARQL result formats
(through the one set of writers, `kg.query.results`)."""
from __future__ import annotations

from rdflib import Graph, Literal

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


def format_table(result, prefixes: dict[str, str] | None = None, *, cell_max: int = TABLE_CELL_MAX) -> str:
    """Aligned columns with prefixed IRIs, for people. Long texts (quotes, definitions) are cut at
    `cell_max` characters with a note saying how to see them whole."""
    prefixes = prefixes or PREFIXES
    header = list(result.variables)
    rows = [[_cell(r.get(v), prefixes).replace("\n", " ") for v in header] for r in result.rows]
    cut = any(len(c) > cell_max for row in rows for c in row)
    rows = [[c if len(c) <= cell_max else c[: cell_max - 1] + "…" for c in row] for row in rows]
    widths = [max([len(h)] + [len(row[i]) for row in rows]) for i, h in enumerate(header)]
    out = ["  ".join(h.ljust(w) for h, w in zip(header, widths)).rstrip(),
           "  ".join("-" * w for w in widths)]
    for row in rows:
        out.append("  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip())
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    if cut:
        out.append(f"(texts longer than {cell_max} characters are cut with …; --format csv or json gives them whole)")
    return "\n".join(out)


def format_result(result, fmt: str, prefixes: dict[str, str]) -> bytes:
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
        return (format_table(result, prefixes) + "\n").encode("utf-8")
    body = results.write_select(fmt, list(result.variables), results.oxigraph_rows(result),
                                indent=2 if fmt == "json" else None)
    return body + b"\n" if fmt == "json" else body
