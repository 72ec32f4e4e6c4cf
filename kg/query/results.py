"""The one set of SPARQL result writers: SPARQL 1.1 Query Results JSON, XML, CSV and TSV.

Used by the command line (`kg query --format json|csv|tsv`) and by the query workers of `kg serve`.
Rows are lists of pyoxigraph terms (None for unbound); `oxigraph_rows` turns a `SelectResult` of
rdflib terms into them.

The query workers write JSON answers with pyoxigraph's own writer instead
(`write_solutions`: `QuerySolutions.serialize`, in Rust, the same bytes as `write_select`, 1.2-1.5x
faster than collecting the rows in Python and writing them here). Those writers consume the whole
answer, while the server must refuse (never truncate) an answer past its row limit, its byte limit
or its time limit: the bytes go through a writer that stops past the byte and time limits, and the
rows are counted in the bytes as they come (`_rows_at_most` bounds them in one pass; only an answer
whose bound passes the limit is counted exactly, `_rows_exactly`), so an answer far past a limit is
stopped near it.
"""
from __future__ import annotations

import csv
import io
import json
import time
from typing import Any
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

import pyoxigraph as ox

from kg.errors import QueryLimitError, QueryTimeoutError
from kg.terms import XSD_STRING, to_oxigraph

__all__ = ["RESULT_FORMATS", "NATIVE_FORMATS", "write_select", "write_solutions", "write_boolean", "nt_term",
           "oxigraph_rows"]

# media type of each result format
RESULT_FORMATS = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
}


# the formats pyoxigraph writes byte for byte as `write_select` does (its XML differs in white space,
# its TSV writes numbers in their short Turtle form, its CSV a row of one unbound variable as an
# empty line where Python's csv writes "")
NATIVE_FORMATS = {"json": ox.QueryResultsFormat.JSON}


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


# --- pyoxigraph's writers, within limits -----------------------------------------------------

class _LimitedBuffer:
    """A binary writer for `QuerySolutions.serialize` (JSON) that keeps the bytes and raises past
    `max_bytes` (0: no limit), past `deadline` (time.monotonic()) or, as soon as it is sure, past
    `max_rows` rows. pyoxigraph writes in chunks of about 8 KB as the answer is computed and passes
    the exception on, which stops the query: an answer far past a limit costs no more than the
    limit.

    The rows are bounded as the chunks come by the opening braces (`braces`: every row is a JSON
    object, and a one-byte count is the cheapest pass of C code there is); only when that bound
    passes `max_rows` are the bytes so far counted closer (`check_rows`: `_rows_at_most`, then
    `_rows_exactly`), then again each time the bound has doubled, so those counts cost no more than
    twice the answer's length in all, and an answer whose braces stay under the limit is read once
    (two passes of `_rows_at_most` per answer cost the query workers 0.3 ms of CPU for the 100 KB a
    canned query answers at 10x, a thirtieth of the query)."""

    def __init__(self, max_bytes: int, max_rows: int, deadline: float, timeout_s: float):
        self.chunks: list[bytes] = []
        self.size = 0
        self.max_bytes, self.max_rows, self.deadline, self.timeout_s = max_bytes, max_rows, deadline, timeout_s
        self.braces, self.check_at = 0, max_rows

    def write(self, data: bytes) -> int:
        data = bytes(data)
        self.size += len(data)
        if self.max_bytes and self.size > self.max_bytes:
            raise QueryLimitError(f"the answer is more than {self.max_bytes} bytes, this server's limit "
                                  "(--max-answer-bytes)")
        if time.monotonic() > self.deadline:
            raise QueryTimeoutError(f"the query ran past its time limit of {self.timeout_s:g} s")
        self.chunks.append(data)
        self.braces += data.count(b"{")
        if self.braces > self.check_at:
            self.check_rows(b"".join(self.chunks))
            self.check_at = 2 * self.braces
        return len(data)

    def flush(self) -> None:
        pass

    def check_rows(self, body: bytes) -> None:
        """Raise past `max_rows` rows in `body` (the whole answer, or its beginning)."""
        if _rows_at_most(body) > self.max_rows and _rows_exactly(body) > self.max_rows:
            raise QueryLimitError(f"the query returned more than {self.max_rows} rows (the result-size limit)")


_JSON_TERM = b'{"type":"'


def _rows_at_most(body: bytes) -> int:
    """At least the number of rows of the JSON answer `body`, counted in one pass of C code.

    Every row that binds something holds a term, and every term object starts with `{"type":"`
    (pyoxigraph's writer), which no string can hold: a quote inside a string is written `\\"`, and a
    string's closing quote is followed by `,`, `}` or `:`, never `t`. A row that binds nothing is
    `{}`, which a string may also hold: counted, it can only raise the bound."""
    return body.count(_JSON_TERM) + body.count(b"{}")


def _rows_exactly(body: bytes) -> int:
    """The number of rows of the JSON answer `body` as pyoxigraph wrote it, or of the rows begun in
    its first bytes: the strings removed (escaped backslashes and quotes first, so that every quote
    left opens or closes a string; a string still open at the end is left out), a row is an object
    that follows `[` or `,`: no other array holds objects, and inside an object `,` is followed by a
    key."""
    parts = body.replace(b"\\\\", b"").replace(b'\\"', b"").split(b'"')
    if len(parts) % 2 == 0:  # an odd number of quotes: the last string is not closed yet
        parts.pop()
    structure = b"".join(parts[0::2])
    return structure.count(b"[{") + structure.count(b",{")


def write_solutions(fmt: str, solutions: "ox.QuerySolutions", *, max_rows: int, max_bytes: int = 0,
                    timeout_s: float, started: float) -> bytes:
    """The answer of a SELECT in `fmt` (one of NATIVE_FORMATS) written by pyoxigraph. Raises
    `QueryLimitError` past `max_rows` rows or `max_bytes` bytes, `QueryTimeoutError` past `timeout_s`
    after `started` (time.monotonic(); checked as the bytes come, so a query that writes nothing for
    long is stopped by its caller: the server kills its worker), and the engine's own errors."""
    out = _LimitedBuffer(max_bytes, max_rows, started + timeout_s, timeout_s)
    solutions.serialize(out, format=NATIVE_FORMATS[fmt])
    body = b"".join(out.chunks)
    if out.braces > max_rows:  # else it has at most max_rows rows
        out.check_rows(body)
    return body
