"""The query worker of `kg serve`: one child process holding a pyoxigraph store.

pyoxigraph cannot cancel a running query, so the server runs every SPARQL operation in a
child process it can kill when the time limit passes (`WorkerPool` in `kg.serve.app`). This module
imports only the standard library and pyoxigraph, so a replacement worker starts quickly.

Requests and replies are plain tuples and dicts, pickled, each sent as one frame (an 8-byte
length, then the bytes) over a socket pair (`MessageSocket`); the server reads the frames with
asyncio, so a reply wakes its event loop directly (no thread waiting for the GIL in between).
Terms travel as tuples `(kind, value, lang_or_datatype)`. The worker serialises results itself: pyoxigraph's own result
writers consume the whole iterator, and the server must refuse (not truncate) an answer that
passes the row limit.
"""
from __future__ import annotations

import csv
import io
import json
import pickle
import socket
import struct
import time
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

import pyoxigraph as ox

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

# media type of each result format the worker writes
RESULT_FORMATS = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
}
GRAPH_FORMATS = {
    "turtle": (ox.RdfFormat.TURTLE, "text/turtle; charset=utf-8"),
    "ntriples": (ox.RdfFormat.N_TRIPLES, "application/n-triples"),
    "jsonld": (ox.RdfFormat.JSON_LD, "application/ld+json"),
    "rdfxml": (ox.RdfFormat.RDF_XML, "application/rdf+xml"),
}


class LimitExceeded(Exception):
    pass


# --- messages --------------------------------------------------------------------------------

FRAME_HEADER = struct.Struct("!Q")  # the length of the pickled message that follows


def frame(obj: Any) -> bytes:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    return FRAME_HEADER.pack(len(data)) + data


class MessageSocket:
    """Blocking framed messages over a stream socket (the worker's side, and the start handshake).

    Pickle is safe here: both ends are this program, over a socket pair no one else holds.
    """

    def __init__(self, sock: socket.socket):
        self.sock = sock

    def send(self, obj: Any) -> None:
        self.sock.sendall(frame(obj))

    def _exactly(self, n: int) -> bytes:
        buf = bytearray()
        while len(buf) < n:
            chunk = self.sock.recv(min(n - len(buf), 1 << 20))
            if not chunk:
                raise EOFError("the other end closed the connection")
            buf += chunk
        return bytes(buf)

    def recv(self) -> Any:
        (n,) = FRAME_HEADER.unpack(self._exactly(FRAME_HEADER.size))
        return pickle.loads(self._exactly(n))

    def close(self) -> None:
        self.sock.close()


# --- terms -----------------------------------------------------------------------------------

def term_to_tuple(term) -> tuple | None:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return ("iri", term.value, None)
    if isinstance(term, ox.BlankNode):
        return ("bnode", term.value, None)
    if isinstance(term, ox.Literal):
        if term.language:
            return ("literal", term.value, "@" + term.language)
        return ("literal", term.value, term.datatype.value)
    return ("literal", str(term), None)  # RDF-star triple terms: shown as text


def tuple_to_term(t: tuple):
    kind, value, extra = t
    if kind == "iri":
        return ox.NamedNode(value)
    if kind == "bnode":
        return ox.BlankNode(value)
    if extra and extra.startswith("@"):
        return ox.Literal(value, language=extra[1:])
    if extra:
        return ox.Literal(value, datatype=ox.NamedNode(extra))
    return ox.Literal(value)


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


# --- result writers --------------------------------------------------------------------------

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


def write_select(fmt: str, variables: list[str], rows: list[list[Any]]) -> bytes:
    if fmt == "json":
        bindings = [{v: _json_term(t) for v, t in zip(variables, row) if t is not None} for row in rows]
        return json.dumps({"head": {"vars": variables}, "results": {"bindings": bindings}},
                          ensure_ascii=False, separators=(",", ":")).encode("utf-8")
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


def write_boolean(fmt: str, value: bool) -> tuple[bytes, str]:
    if fmt == "xml":
        body = ('<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n'
                f"<head/>\n<boolean>{'true' if value else 'false'}</boolean>\n</sparql>\n")
        return body.encode("utf-8"), RESULT_FORMATS["xml"]
    # CSV/TSV define no boolean form: JSON is the answer then
    return json.dumps({"head": {}, "boolean": value}).encode("utf-8"), RESULT_FORMATS["json"]


# --- the store -------------------------------------------------------------------------------

def open_store(source: dict) -> ox.Store:
    nquads = source.get("nquads")
    store_dir = source.get("store_dir")
    if store_dir:
        # updates enabled: an on-disk store, so a worker killed on timeout loses no update
        marker = Path(store_dir) / ".kg-loaded"
        store = ox.Store(store_dir)
        if not marker.exists():
            if nquads:
                with open(nquads, "rb") as fh:
                    store.bulk_load(fh, ox.RdfFormat.N_QUADS)
            store.flush()
            marker.write_text("loaded\n")
        return store
    store = ox.Store()
    if nquads:
        with open(nquads, "rb") as fh:
            store.bulk_load(fh, ox.RdfFormat.N_QUADS)
    return store


def _graph_list(iris):
    if iris is None:
        return None
    return [ox.NamedNode(i) for i in iris]


def run_query(store: ox.Store, req: dict) -> tuple:
    deadline = time.monotonic() + req.get("timeout_s", 30.0)
    max_rows = req.get("max_rows", 100_000)
    kwargs: dict[str, Any] = {"base_iri": req.get("base_iri")}
    if req.get("default_graph") is not None or req.get("named_graphs") is not None:
        # a protocol-specified dataset replaces FROM/FROM NAMED and the union default graph
        kwargs["default_graph"] = _graph_list(req.get("default_graph") or [])
        kwargs["named_graphs"] = _graph_list(req.get("named_graphs") or [])
    else:
        kwargs["use_default_graph_as_union"] = True
    subs = {ox.Variable(k): tuple_to_term(v) for k, v in (req.get("subs") or {}).items()}
    if subs:
        kwargs["substitutions"] = subs
    try:
        res = store.query(req["text"], **kwargs)
    except SyntaxError as exc:
        return ("error", "syntax", f"SPARQL syntax error: {exc}")
    except OSError as exc:
        return ("error", "failure", f"query failed: {exc}")
    try:
        if isinstance(res, ox.QueryBoolean):
            body, ctype = write_boolean(req.get("result_format", "json"), bool(res))
            return ("ok", "boolean", ctype, body, 1)
        if isinstance(res, ox.QuerySolutions):
            variables = [v.value for v in res.variables]
            rows = []
            for sol in res:
                if len(rows) >= max_rows:
                    raise LimitExceeded(f"the query returned more than {max_rows} rows (the server's "
                                        "result-size limit); add a LIMIT or narrow the query")
                if time.monotonic() > deadline:
                    return ("error", "timeout", "")
                rows.append([sol[v] for v in variables])
            fmt = req.get("result_format", "json")
            return ("ok", "tabular", RESULT_FORMATS[fmt], write_select(fmt, variables, rows), len(rows))
        triples = []
        for t in res:
            if len(triples) >= max_rows:
                raise LimitExceeded(f"the query returned more than {max_rows} triples (the server's "
                                    "result-size limit); narrow the query")
            if time.monotonic() > deadline:
                return ("error", "timeout", "")
            triples.append(t)
        rdf_format, ctype = GRAPH_FORMATS[req.get("graph_format", "turtle")]
        prefixes = req.get("prefixes") if rdf_format == ox.RdfFormat.TURTLE else None
        body = ox.serialize(triples, format=rdf_format, prefixes=prefixes) if triples or \
            rdf_format != ox.RdfFormat.JSON_LD else b"[]"
        return ("ok", "rdf", ctype, body or b"", len(triples))
    except LimitExceeded as exc:
        return ("error", "limit", str(exc))
    except (OSError, ValueError) as exc:
        return ("error", "failure", f"query failed: {exc}")


def run_update(store: ox.Store, req: dict) -> tuple:
    try:
        store.update(req["text"], base_iri=req.get("base_iri"))
    except SyntaxError as exc:
        return ("error", "syntax", f"SPARQL update syntax error: {exc}")
    except OSError as exc:
        return ("error", "failure", f"update failed: {exc}")
    if req.get("persist"):
        store.flush()
    return ("ok", "update", "text/plain; charset=utf-8", b"update done\n", 0)


def worker_main(conn, source: dict) -> None:
    """The child process: open the store, then answer requests until the pipe closes."""
    try:
        store = open_store(source)
    except Exception as exc:  # report why the worker cannot start, then stop
        conn.send(("error", "failure", f"the query worker could not load the dataset: {exc}"))
        return
    conn.send(("ready",))
    while True:
        try:
            req = conn.recv()
        except (EOFError, OSError):
            return
        op = req.get("op")
        try:
            if op == "query":
                reply = run_query(store, req)
            elif op == "update":
                reply = run_update(store, req)
            elif op == "graphs":
                reply = ("ok", "graphs", "", [g.value for g in store.named_graphs()
                                              if isinstance(g, ox.NamedNode)], 0)
            else:
                reply = ("error", "failure", f"unknown worker operation {op!r}")
        except Exception as exc:  # a bug must not kill the worker silently: report it
            reply = ("error", "failure", f"internal error in the query worker: {type(exc).__name__}: {exc}")
        try:
            conn.send(reply)
        except (BrokenPipeError, OSError):
            return


if __name__ == "__main__":
    import sys

    worker_main(MessageSocket(socket.socket(fileno=int(sys.argv[1]))), json.loads(sys.argv[2]))
