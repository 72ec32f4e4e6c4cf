"""The one set of SPARQL result writers: SPARQL 1.1 Query Results JSON, XML, CSV and TSV.

Used by the command line (`kg query --format json|csv|tsv`) and by the query workers of `kg serve`.
Rows are lists of pyoxigraph terms (None for unbound); `oxigraph_rows` turns a `SelectResult` of
rdflib terms into them. pyoxigraph's own writers (`QuerySolutions.serialize`) consume the whole
iterator, while the server must refuse (not truncate) an answer past its row limit; so the rows are
collected, counted, and written here.
"""
from __future__ import annotations

import csv
import io
import json
from typing import Any
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

import pyoxigraph as ox

from kg.terms import XSD_STRING, to_oxigraph

__all__ = ["RESULT_FORMATS", "write_select", "write_boolean", "nt_term", "oxigraph_rows"]

# media type of each result format
RESULT_FORMATS = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
}


def oxigraph_rows(result) -> list[list[Any]]:
    """The rows of a `SelectResult` (rdflib terms) as lists of pyoxigraph terms, in variable order."""
    return [[None if r.get(v) is None else to_oxigraph(r[v]) for v in result.variables] for r in result.rows]


def _nt_escape(s: str) -> str:
    return (s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
            .replace("\r", "\\r").replace("\t", "\\t"))


def nt_term(term) -> str:
    """A term in N-Triples syntax, with tabs and newlines escaped (needed by TSV)."""
    if isinstance(term, ox.NamedNode):
        return f"<{term.value}>"
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        body = f'"{_nt_escape(term.value)}"'
        if term.language:
            return f"{body}@{term.language}"
        if term.datatype.value != XSD_STRING:
            return f"{body}^^<{term.datatype.value}>"
        return body
    return _nt_escape(str(term))


def _json_term(term) -> dict[str, str]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    return {"type": "literal", "value": str(term)}


def write_select(fmt: str, variables: list[str], rows: list[list[Any]], *, indent: int | None = None) -> bytes:
    """The rows in `fmt` (json, xml, csv, tsv); `indent` pretty-prints JSON for people."""
    if fmt == "json":
        bindings = [{v: _json_term(t) for v, t in zip(variables, row) if t is not None} for row in rows]
        return json.dumps({"head": {"vars": variables}, "results": {"bindings": bindings}}, ensure_ascii=False,
                          indent=indent, separators=None if indent else (",", ":")).encode("utf-8")
    if fmt == "xml":
        out = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n<head>']
        out += [f"<variable name={quoteattr(v)}/>" for v in variables]
        out.append("</head>\n<results>")
        for row in rows:
            out.append("<result>")
            for v, t in zip(variables, row):
                if t is None:
                    continue
                out.append(f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>")
            out.append("</result>")
        out.append("</results>\n</sparql>\n")
        return "\n".join(out).encode("utf-8")
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow(variables)
        for row in rows:
            w.writerow(["" if t is None else (f"_:{t.value}" if isinstance(t, ox.BlankNode) else
                                               getattr(t, "value", str(t))) for t in row])
        return buf.getvalue().encode("utf-8")
    if fmt == "tsv":
        lines = ["\t".join("?" + v for v in variables)]
        lines += ["\t".join("" if t is None else nt_term(t) for t in row) for row in rows]
        return ("\n".join(lines) + "\n").encode("utf-8")
    raise ValueError(fmt)


def _xml_term(t) -> str:
    if isinstance(t, ox.NamedNode):
        return f"<uri>{xml_escape(t.value)}</uri>"
    if isinstance(t, ox.BlankNode):
        return f"<bnode>{xml_escape(t.value)}</bnode>"
    if isinstance(t, ox.Literal):
        if t.language:
            return f"<literal xml:lang={quoteattr(t.language)}>{xml_escape(t.value)}</literal>"
        if t.datatype.value != XSD_STRING:
            return f"<literal datatype={quoteattr(t.datatype.value)}>{xml_escape(t.value)}</literal>"
        return f"<literal>{xml_escape(t.value)}</literal>"
    return f"<literal>{xml_escape(str(t))}</literal>"


def write_boolean(fmt: str, value: bool, *, indent: int | None = None) -> tuple[bytes, str]:
    if fmt == "xml":
        body = ('<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n'
                f"<head/>\n<boolean>{'true' if value else 'false'}</boolean>\n</sparql>\n")
        return body.encode("utf-8"), RESULT_FORMATS["xml"]
    # CSV/TSV define no boolean form: JSON is the answer then
    return json.dumps({"head": {}, "boolean": value}, indent=indent).encode("utf-8"), RESULT_FORMATS["json"]
