"""Real triple stores: query any SPARQL 1.1 endpoint (`RemoteEngine`) and load the dataset into one
(`push`, the `kg push` command).

`RemoteEngine` answers `query(text, bindings)` exactly like the embedded engines of `kg.engine`
(`SelectResult`, `bool` or `rdflib.Graph`, with rdflib terms), so a canned query's answer from
Virtuoso or Oxigraph server compares with `kg.engine.comparable` to the embedded one. It:

- scopes every query to the dataset's graphs with `default-graph-uri` and `named-graph-uri` (one
  of each per graph). Without them Virtuoso's default graph is the union of every graph it holds,
  ~2,650 system triples included, and Oxigraph server's is empty.
- binds parameters with a `VALUES` block built from validated RDF terms (never by splicing user
  text), put at the start of every group graph pattern of the query (WHERE, OPTIONAL, UNION
  branches, GRAPH, EXISTS, sub-SELECT WHERE). The embedded engines pre-bind a parameter wherever it
  occurs (pyoxigraph substitutes it, rdflib's initBindings seed every pattern). One trailing
  `VALUES` after the solution modifiers is joined only after the query's FILTERs ran, so a
  parameter used only in a filter (`FILTER(?date >= ?since)`) would be unbound there; one block in
  the outermost group is still not seen inside a UNION branch or OPTIONAL, which SPARQL evaluates
  bottom-up (Oxigraph server is strict here, Virtuoso is not). A block in every group gives each
  pattern and filter the value, so the answer equals the embedded engines'. Canned queries project
  every parameter variable (pyoxigraph requires it). Known gaps: `BOUND(?param)` is true here and
  in rdflib but false in pyoxigraph (it substitutes around BOUND); a MINUS whose pattern holds the
  parameter now shares that variable with the left side.
- normalises the terms: Virtuoso's `typed-literal`, `xsd:string` vs plain literals, Virtuoso's
  `"1"`/`"0"` booleans, its `nodeID://` blank nodes (blank node labels are never comparable across
  engines: compare modulo labels).
- refuses odd answers with a `RemoteEndpointError` whose message says what to do: connection
  refused, time-out, HTTP 206 (Virtuoso's "anytime" partial results), Virtuoso's silent row cap
  (`X-SPARQL-MaxRows`), a body larger than the size limit, a content type that is not what was
  asked for.

`push` puts each named graph of `dist/paradiplomacy.nq` with the SPARQL 1.1 Graph Store Protocol
(HTTP PUT replaces the graph, so pushing twice leaves the same triples), then counts the triples of
each graph through the query endpoint and compares with the local count.
"""
from __future__ import annotations

import argparse
import base64
import json
import os
import re
import socket
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping, Sequence

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node
from SPARQLWrapper import JSON, POST, TURTLE, URLENCODED, SPARQLWrapper

from .engine import (DEFAULT_ROW_LIMIT, DEFAULT_TIMEOUT_S, QueryError, QueryLimitError, QueryResult,
                     SelectResult)
from .namespaces import DATASET_GRAPHS
from .security import check_query

__all__ = ["RemoteEngine", "RemoteEndpointError", "RemoteLimitError", "DEFAULT_MAX_RESPONSE_BYTES",
           "StoreUrls", "resolve_store_urls", "push", "PushReport", "register"]

DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024
_XSD = "http://www.w3.org/2001/XMLSchema#"
_XSD_STRING = _XSD + "string"
_XSD_BOOLEAN = _XSD + "boolean"
_RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_JSON_TYPES = ("application/sparql-results+json", "application/json")
# rdflib parser names by the content types stores send for CONSTRUCT/DESCRIBE. JSON-LD is left out
# on purpose: parsing it may fetch remote @context documents.
_RDF_TYPES = {"text/turtle": "turtle", "application/x-turtle": "turtle", "application/turtle": "turtle",
              "application/n-triples": "nt", "text/plain": "nt", "application/rdf+xml": "xml",
              "text/rdf+n3": "n3", "text/n3": "n3"}
_RDF_ACCEPT = "text/turtle, application/n-triples;q=0.9, application/rdf+xml;q=0.5"


class RemoteEndpointError(QueryError):
    """The endpoint is down, slow, refused the request or answered something unusable."""


class RemoteLimitError(RemoteEndpointError, QueryLimitError):
    """The endpoint's answer went past the time or size limit (or was cut short by the store)."""


# --- terms ------------------------------------------------------------------------------------

def _term_from_json(b: Mapping[str, str]) -> Node:
    kind, value = b.get("type"), b.get("value", "")
    if kind == "uri":
        return URIRef(value)
    if kind == "bnode":
        # Virtuoso labels blank nodes nodeID://b10000; the label carries no meaning across engines
        return BNode(value[len("nodeID://"):] if value.startswith("nodeID://") else value)
    if kind in ("literal", "typed-literal"):  # typed-literal: SPARQL XML/JSON of 2008, Virtuoso
        lang = b.get("xml:lang") or b.get("lang")
        if lang:
            return Literal(value, lang=lang)
        return normalise_term(Literal(value, datatype=URIRef(b["datatype"]), normalize=False)
                              if b.get("datatype") else Literal(value))
    raise RemoteEndpointError(f"the endpoint sent a value of unknown type {kind!r} in its JSON results")


def normalise_term(term: Node | None) -> Node | None:
    """The form the embedded engines give: plain for xsd:string, canonical booleans."""
    if not isinstance(term, Literal) or term.datatype is None:
        return term
    dt = str(term.datatype)
    if dt == _XSD_STRING or dt == _RDF_LANGSTRING and not term.language:
        return Literal(str(term))
    if dt == _XSD_BOOLEAN and str(term) in ("1", "0"):
        # Virtuoso stores booleans as integers and answers "1"/"0"; the data holds "true"/"false"
        return Literal("true" if str(term) == "1" else "false", datatype=term.datatype, normalize=False)
    return term


_VAR = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_IRI_BAD = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_LANG = re.compile(r"^[A-Za-z]+(-[A-Za-z0-9]+)*$")


def sparql_term(term: Node) -> str:
    """A term as SPARQL text, escaped here rather than trusted: the safe serialisation for VALUES."""
    if isinstance(term, URIRef):
        if _IRI_BAD.search(str(term)):
            raise QueryError(f"cannot bind {str(term)!r}: not a valid IRI (spaces, quotes or <> in it)")
        return f"<{term}>"
    if isinstance(term, Literal):
        lex = (str(term).replace("\\", "\\\\").replace('"', '\\"')
               .replace("\n", "\\n").replace("\r", "\\r"))
        if term.language:
            if not _LANG.match(term.language):
                raise QueryError(f"cannot bind a literal with language tag {term.language!r}")
            return f'"{lex}"@{term.language}'
        if term.datatype is not None and str(term.datatype) != _XSD_STRING:
            return f'"{lex}"^^{sparql_term(URIRef(term.datatype))}'
        return f'"{lex}"'
    raise QueryError(f"cannot bind {term!r} on a remote endpoint: only IRIs and literals can be sent")


# --- binding parameters with VALUES ------------------------------------------------------------

# Just enough of the SPARQL lexer to find braces and keywords outside comments, strings and IRIs.
# An IRI may hold no space, which is how `?a < ?b` is told apart from `<iri>`.
_TOKEN = re.compile(r'''
    (?P<comment>\#[^\n]*)
  | (?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""|'\'\'(?:[^'\\]|\\.|'(?!''))*'\'\'
               |"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$]\w+)
  | (?P<word>[\w:.\-%\\]+)
  | (?P<punct>\S)
''', re.X | re.S)


def _group_braces(text: str) -> list[int] | None:
    """Offsets just after each `{` that opens a group graph pattern (WHERE, OPTIONAL, UNION
    branches, GRAPH, EXISTS, MINUS, sub-SELECT WHERE), skipping CONSTRUCT templates, VALUES data
    blocks and the brace that wraps a sub-SELECT (which may hold nothing before SELECT).
    None when there is no group a VALUES block can go into (DESCRIBE <x>; CONSTRUCT WHERE {..},
    whose braces are a template too)."""
    toks = [m for m in _TOKEN.finditer(text) if m.lastgroup != "comment"]
    found: list[int] = []
    values_pending = template_pending = False
    for i, m in enumerate(toks):
        tok = m.group()
        up = tok.upper() if m.lastgroup == "word" else ""
        nxt = toks[i + 1].group().upper() if i + 1 < len(toks) else ""
        if up == "VALUES":
            values_pending = True
        elif up == "CONSTRUCT":
            if nxt == "WHERE":
                return None
            template_pending = True
        elif tok == "{" and m.lastgroup == "punct":
            if values_pending:
                values_pending = False
            elif template_pending:
                template_pending = False
            elif nxt != "SELECT":
                found.append(m.end())
    return found or None


_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
_UPDATES = ("INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH")


def query_form(text: str) -> str | None:
    """SELECT, ASK, CONSTRUCT, DESCRIBE, UPDATE or None: the first keyword outside comments,
    strings and IRIs (SPARQLWrapper's own guess misreads a keyword in every other comment line)."""
    for m in _TOKEN.finditer(text):
        if m.lastgroup == "word":
            up = m.group().upper()
            if up in _FORMS:
                return up
            if up in _UPDATES:
                return "UPDATE"
    return None


def bind_with_values(sparql: str, bindings: Mapping[str, Node | None] | None) -> str:
    """The query with its parameters bound by a VALUES block (see the module docstring for where)."""
    items = [(k, v) for k, v in (bindings or {}).items() if v is not None]
    if not items:
        return sparql
    for k, _ in items:
        if not _VAR.match(k):
            raise QueryError(f"cannot bind a parameter named {k!r}: not a SPARQL variable name")
    block = (" VALUES (" + " ".join(f"?{k}" for k, _ in items) + ") { ("
             + " ".join(sparql_term(v) for _, v in items) + ") } ")
    braces = _group_braces(sparql)
    if braces is None:  # DESCRIBE <x> without WHERE, CONSTRUCT WHERE: a trailing VALUES is all there is
        return sparql.rstrip() + "\n" + block.strip() + "\n"
    out, last = [], 0
    for at in braces:
        out += [sparql[last:at], block]
        last = at
    return "".join(out) + sparql[last:]


# --- the engine -------------------------------------------------------------------------------

class _Wrapper(SPARQLWrapper):
    """SPARQLWrapper builds the request; we open it, to keep auth local (SPARQLWrapper's digest
    support installs a process-wide urllib opener) and to see every status, 206 included."""

    opener: urllib.request.OpenerDirector

    def _query(self):  # noqa: D401 - SPARQLWrapper's hook
        request = self._createRequest()
        return self.opener.open(request, timeout=self.timeout), self.returnFormat


def _opener(url: str, user: str | None, password: str | None, auth: str | None) -> urllib.request.OpenerDirector:
    if not user:
        return urllib.request.build_opener()
    if auth == "basic":
        # sent up front: some stores answer 403 instead of asking
        mgr = urllib.request.HTTPPasswordMgrWithPriorAuth()
        mgr.add_password(None, url, user, password or "", is_authenticated=True)
        return urllib.request.build_opener(urllib.request.HTTPBasicAuthHandler(mgr))
    mgr = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    mgr.add_password(None, url, user, password or "")
    handlers: list = [urllib.request.HTTPDigestAuthHandler(mgr)]
    if auth is None:  # answer whichever scheme the server asks for
        handlers.append(urllib.request.HTTPBasicAuthHandler(mgr))
    return urllib.request.build_opener(*handlers)


def _read_limited(resp, max_bytes: int, deadline: float, url: str, timeout_s: float) -> bytes:
    chunks, total = [], 0
    while True:
        if time.monotonic() > deadline:
            raise RemoteLimitError(f"{url} did not finish answering within {timeout_s:g} s (the time limit)")
        chunk = resp.read(65536)
        if not chunk:
            return b"".join(chunks)
        total += len(chunk)
        if total > max_bytes:
            raise RemoteLimitError(
                f"{url} sent more than {max_bytes:,} bytes (the result-size limit); "
                "add LIMIT to the query or raise max_response_bytes")
        chunks.append(chunk)


def _network_error(url: str, exc: BaseException, timeout_s: float) -> RemoteEndpointError:
    reason = getattr(exc, "reason", exc)
    if isinstance(reason, (socket.timeout, TimeoutError)):
        return RemoteLimitError(f"{url} did not answer within {timeout_s:g} s (the time limit): "
                                "the store is overloaded or the query is too costly")
    if isinstance(reason, ConnectionRefusedError):
        return RemoteEndpointError(f"cannot reach {url}: connection refused. Is the store running, "
                                   "and is the host:port right?")
    if isinstance(reason, socket.gaierror):
        return RemoteEndpointError(f"cannot reach {url}: unknown host ({reason})")
    return RemoteEndpointError(f"cannot reach {url}: {reason}")


def _http_error(url: str, exc: urllib.error.HTTPError) -> RemoteEndpointError:
    try:
        body = exc.read(2000).decode("utf-8", "replace").strip()
    except Exception:
        body = ""
    hint = {400: "the endpoint rejected the query (syntax or an unsupported feature)",
            401: "the endpoint wants credentials: give user and password",
            403: "the endpoint refused this account or operation",
            404: "no SPARQL endpoint at this URL (Virtuoso: /sparql, Oxigraph server: /query)",
            406: "the endpoint cannot answer in the format asked for",
            413: "the request is too large for the endpoint",
            414: "the query is too long for the endpoint"}.get(exc.code, "the endpoint failed")
    detail = f": {body[:500]}" if body else ""
    return RemoteEndpointError(f"{url} answered HTTP {exc.code} ({hint}){detail}")


class RemoteEngine:
    """Any SPARQL 1.1 query endpoint, answering like the embedded engines (see the module doc)."""

    name = "remote"

    def __init__(self, url: str, *, timeout_s: float = DEFAULT_TIMEOUT_S,
                 default_graphs: Sequence[str | URIRef] | None = DATASET_GRAPHS,
                 user: str | None = None, password: str | None = None, auth: str | None = None,
                 max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES):
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise RemoteEndpointError(f"{url!r} is not an http(s) URL of a SPARQL endpoint, "
                                      "e.g. http://127.0.0.1:8890/sparql")
        if auth not in (None, "basic", "digest"):
            raise ValueError(f"auth must be 'basic' or 'digest', not {auth!r}")
        self.url = url
        self.timeout_s = timeout_s
        # None: leave the endpoint's own default dataset (whatever that is)
        self.default_graphs = [str(g) for g in default_graphs] if default_graphs is not None else None
        self.max_response_bytes = max_response_bytes
        self._opener = _opener(url, user, password, auth)

    def __repr__(self) -> str:
        return f"RemoteEngine({self.url!r})"

    def _wrapper(self, sparql: str, timeout_s: float) -> _Wrapper:
        w = _Wrapper(self.url)
        w.opener = self._opener
        w.setMethod(POST)                 # no URL length limit
        w.setRequestMethod(URLENCODED)    # the dataset parameters travel in the same form body
        w.setOnlyConneg(True)             # no format=/output= parameters: Virtuoso reads `format` itself
        w.setTimeout(max(1, int(timeout_s + 0.999)))
        w.setQuery(sparql)
        for g in self.default_graphs or []:
            w.addParameter("default-graph-uri", g)
            # the dataset's graphs are also its named graphs (GRAPH ?g), as in the embedded engines
            w.addParameter("named-graph-uri", g)
        return w

    def query(self, sparql: str, bindings: Mapping[str, Node] | None = None, *,
              timeout_s: float | None = None, row_limit: int = DEFAULT_ROW_LIMIT) -> QueryResult:
        check_query(sparql, self.default_graphs)
        timeout_s = self.timeout_s if timeout_s is None else timeout_s
        text = bind_with_values(sparql, bindings)
        w = self._wrapper(text, timeout_s)
        form = w.queryType = query_form(text)
        if form not in _FORMS:
            raise QueryError(f"only SELECT, ASK, CONSTRUCT and DESCRIBE queries are sent to {self.url} "
                             f"(this looks like {form or 'no query at all'})")
        if form in ("SELECT", "ASK"):
            w.setReturnFormat(JSON)
            w.addCustomHttpHeader("Accept", "application/sparql-results+json")
        else:
            w.setReturnFormat(TURTLE)
            w.addCustomHttpHeader("Accept", _RDF_ACCEPT)
        started = time.monotonic()
        deadline = started + timeout_s
        try:
            resp = w.query().response
        except urllib.error.HTTPError as exc:
            raise _http_error(self.url, exc) from None
        except (urllib.error.URLError, OSError) as exc:
            raise _network_error(self.url, exc, timeout_s) from None
        try:
            status = resp.status
            if status == 206:
                raise RemoteLimitError(
                    f"{self.url} answered HTTP 206 (partial results: Virtuoso's 'anytime query' stopped "
                    "at its time limit). An incomplete answer is refused: raise the store's "
                    "MaxQueryExecutionTime or simplify the query")
            if status != 200:
                raise RemoteEndpointError(f"{self.url} answered HTTP {status}, not 200 with results")
            if resp.headers.get("X-SPARQL-MaxRows"):
                raise RemoteLimitError(
                    f"{self.url} cut the result at {resp.headers['X-SPARQL-MaxRows']} rows (Virtuoso's "
                    "ResultSetMaxRows): the answer is incomplete; add LIMIT or raise ResultSetMaxRows")
            ctype = (resp.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            try:
                body = _read_limited(resp, self.max_response_bytes, deadline, self.url, timeout_s)
            except (socket.timeout, TimeoutError) as exc:
                raise _network_error(self.url, exc, timeout_s) from None
        finally:
            resp.close()
        if form in ("SELECT", "ASK"):
            return self._parse_json(body, ctype, form, row_limit)
        return self._parse_graph(body, ctype, row_limit)

    def _parse_json(self, body: bytes, ctype: str, form: str, row_limit: int) -> SelectResult | bool:
        if ctype not in _JSON_TYPES:
            raise RemoteEndpointError(
                f"{self.url} answered with content type {ctype or '(none)'!r}, not SPARQL JSON results: "
                "is this a SPARQL endpoint (Virtuoso: /sparql, Oxigraph server: /query)?")
        try:
            doc = json.loads(body)
        except ValueError as exc:
            raise RemoteEndpointError(f"{self.url} sent malformed JSON results: {exc}") from None
        if not isinstance(doc, dict):
            raise RemoteEndpointError(f"{self.url} sent JSON that is not SPARQL results")
        if form == "ASK":
            if isinstance(doc.get("boolean"), bool):
                return doc["boolean"]
            # Virtuoso answers ASK asked for application/sparql-results+json as a one-row SELECT
            # (vars ["__ASK_RETVAL"]; no row for false, one row "1" for true)
            rows = (doc.get("results") or {}).get("bindings")
            if (doc.get("head") or {}).get("vars") == ["__ASK_RETVAL"] and isinstance(rows, list):
                return any(str((r.get("__ASK_RETVAL") or {}).get("value")) in ("1", "true") for r in rows)
            raise RemoteEndpointError(f"{self.url} answered an ASK query without a boolean")
        try:
            variables = list(doc["head"]["vars"])
            raw_rows = doc["results"]["bindings"]
        except (KeyError, TypeError):
            raise RemoteEndpointError(f"{self.url} sent JSON without head.vars / results.bindings") from None
        if len(raw_rows) > row_limit:
            raise RemoteLimitError(f"the query returned more than {row_limit} rows (the result-size limit)")
        rows = [{v: (_term_from_json(r[v]) if v in r else None) for v in variables} for r in raw_rows]
        return SelectResult(variables, rows)

    def _parse_graph(self, body: bytes, ctype: str, row_limit: int) -> Graph:
        fmt = _RDF_TYPES.get(ctype)
        if fmt is None:
            raise RemoteEndpointError(
                f"{self.url} answered a CONSTRUCT/DESCRIBE with content type {ctype or '(none)'!r}; "
                f"expected one of {', '.join(sorted(_RDF_TYPES))}")
        raw = Graph()
        try:
            raw.parse(data=body, format=fmt)
        except Exception as exc:  # rdflib raises several parser-specific errors
            raise RemoteEndpointError(f"{self.url} sent {ctype} that does not parse: {exc}") from None
        if len(raw) > row_limit:
            # also how a store's own silent cap shows: set it above the client's row limit
            raise RemoteLimitError(f"the query returned more than {row_limit} triples (the result-size limit)")
        g = Graph()
        for s, p, o in raw:
            g.add((s, p, normalise_term(o)))
        return g


# --- push: load the dataset with the Graph Store Protocol ----------------------------------------

@dataclass(frozen=True)
class StoreUrls:
    query: str   # SPARQL query endpoint
    store: str   # SPARQL 1.1 Graph Store Protocol endpoint


def resolve_store_urls(endpoint: str | None, store: str | None, *, with_auth: bool = False) -> StoreUrls:
    """Both URLs from one of them, by the conventions of the usual stores:

    | query URL         | Graph Store URL                                       | store      |
    |-------------------|-------------------------------------------------------|------------|
    | `/sparql`         | `/sparql-graph-crud-auth` (with credentials) or `/sparql-graph-crud` | Virtuoso |
    | `/query`          | `/store`                                              | Oxigraph   |
    | `/<ds>/query` or `/<ds>/sparql` | `/<ds>/data`                            | Fuseki     |
    """
    if endpoint and store:
        return StoreUrls(endpoint, store)
    if not endpoint and not store:
        raise ValueError("give --endpoint URL (the SPARQL query endpoint) or --store URL (the Graph Store)")

    def swap(url: str, path: str) -> str:
        p = urllib.parse.urlsplit(url)
        return urllib.parse.urlunsplit((p.scheme, p.netloc, path, "", ""))

    if endpoint:
        path = urllib.parse.urlsplit(endpoint).path.rstrip("/")
        if path == "/sparql":
            return StoreUrls(endpoint, swap(endpoint, "/sparql-graph-crud-auth" if with_auth else "/sparql-graph-crud"))
        if path == "/query":
            return StoreUrls(endpoint, swap(endpoint, "/store"))
        m = re.fullmatch(r"(/[^/]+)/(query|sparql)", path)
        if m:
            return StoreUrls(endpoint, swap(endpoint, m.group(1) + "/data"))
        raise ValueError(f"cannot guess the Graph Store URL from {endpoint}: give it with --store URL")
    path = urllib.parse.urlsplit(store).path.rstrip("/")
    if path in ("/sparql-graph-crud", "/sparql-graph-crud-auth"):
        return StoreUrls(swap(store, "/sparql"), store)
    if path == "/store":
        return StoreUrls(swap(store, "/query"), store)
    m = re.fullmatch(r"(/[^/]+)/data", path)
    if m:
        return StoreUrls(swap(store, m.group(1) + "/query"), store)
    raise ValueError(f"cannot guess the query endpoint from {store}: give it with --endpoint URL")


@dataclass
class GraphPush:
    graph: str
    local: int
    remote: int | None
    status: int
    seconds: float


@dataclass
class PushReport:
    graphs: list[GraphPush]
    shared_bnodes: int

    @property
    def ok(self) -> bool:
        return all(g.remote == g.local for g in self.graphs)


def read_graphs(nquads: Path, into: str | None = None) -> tuple[dict[str, bytes], dict[str, int], int]:
    """N-Triples bytes and triple count per named graph of an N-Quads file (all in `into` if given),
    and how many blank nodes occur in more than one graph."""
    import pyoxigraph as ox

    try:
        with open(nquads, "rb") as fh:
            quads = list(ox.parse(fh, ox.RdfFormat.N_QUADS))
    except SyntaxError as exc:
        raise ValueError(f"{nquads}: not valid N-Quads: {exc}") from None
    per_graph: dict[str, set] = {}
    bnode_graphs: dict[str, set] = {}
    for q in quads:
        g = q.graph_name
        if isinstance(g, ox.DefaultGraph):
            gname = "(default)"
        else:
            gname = g.value
        for t in (q.subject, q.object):
            if isinstance(t, ox.BlankNode):
                bnode_graphs.setdefault(t.value, set()).add(gname)
        per_graph.setdefault(into or gname, set()).add(ox.Triple(q.subject, q.predicate, q.object))
    if "(default)" in per_graph:
        raise ValueError(f"{nquads}: holds triples outside any named graph; push needs named graphs "
                         "(or give --graph IRI to put everything into one)")
    shared = 0 if into else sum(1 for gs in bnode_graphs.values() if len(gs) > 1)
    bodies, counts = {}, {}
    for g in sorted(per_graph):
        # sorted N-Triples: the same bytes for the same data; valid Turtle for every store's parser
        lines = sorted(str(t) + " .\n" for t in per_graph[g])
        bodies[g] = "".join(lines).encode("utf-8")
        counts[g] = len(per_graph[g])
    return bodies, counts, shared


def _digest_challenge(target: str, timeout_s: float) -> dict | None:
    """The store's Digest challenge, asked for with a request that has no body, or None if the
    store does not want Digest authentication."""
    req = urllib.request.Request(target, method="HEAD")
    try:
        with urllib.request.build_opener().open(req, timeout=timeout_s):
            return None
    except urllib.error.HTTPError as exc:
        for value in exc.headers.get_all("WWW-Authenticate") or []:
            scheme, _, rest = value.partition(" ")
            if scheme.lower() == "digest":
                return urllib.request.parse_keqv_list(urllib.request.parse_http_list(rest))
        return None


def _authorize(req: urllib.request.Request, user: str | None, password: str | None,
               auth: str | None, timeout_s: float) -> None:
    if user and auth == "basic":
        token = base64.b64encode(f"{user}:{password or ''}".encode()).decode("ascii")
        req.add_unredirected_header("Authorization", f"Basic {token}")
    elif user:
        chal = _digest_challenge(req.full_url, timeout_s)
        if chal is not None:
            mgr = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            mgr.add_password(None, req.full_url, user, password or "")
            value = urllib.request.HTTPDigestAuthHandler(mgr).get_authorization(req, chal)
            if value:
                req.add_unredirected_header("Authorization", f"Digest {value}")


def _put(target: str, body: bytes, user: str | None, password: str | None, auth: str | None,
         timeout_s: float) -> int:
    """HTTP PUT of one graph; the status code. Credentials go with the PUT itself: a store that
    answers 401 to a large PUT closes the connection before reading the body (a broken pipe, seen
    with Virtuoso), so urllib's ask-then-retry handlers cannot be used for the body."""
    req = urllib.request.Request(target, data=body, method="PUT",
                                 headers={"Content-Type": "text/turtle; charset=utf-8"})
    _authorize(req, user, password, auth, timeout_s)
    try:
        with urllib.request.build_opener().open(req, timeout=timeout_s) as resp:
            resp.read()
            return resp.status
    except urllib.error.URLError as exc:
        if not isinstance(exc.reason, (BrokenPipeError, ConnectionResetError)):
            raise
        # the store hung up mid-body: ask again without a body to learn why (usually a 401)
        probe = urllib.request.Request(target, method="HEAD")
        _authorize(probe, user, password, auth, timeout_s)
        with urllib.request.build_opener().open(probe, timeout=timeout_s):
            pass
        raise RemoteEndpointError(
            f"{target} closed the connection while the graph was being sent ({len(body):,} bytes): "
            "the store may limit the request size") from None


def _log(msg: str) -> None:
    print(f"push: {msg}", file=sys.stderr, flush=True)


def push(nquads: Path, urls: StoreUrls, *, graph: str | None = None, user: str | None = None,
         password: str | None = None, auth: str | None = "digest", timeout_s: float = 300.0,
         log=_log) -> PushReport:
    """PUT each named graph of `nquads` to the Graph Store, then count each graph via the query
    endpoint. Raises `RemoteEndpointError` if the store cannot be reached or refuses a graph."""
    bodies, counts, shared = read_graphs(nquads, graph)
    if shared:
        log(f"warning: {shared} blank node(s) occur in more than one graph; the Graph Store Protocol "
            "loads each graph on its own, so the store sees them as different nodes (skolemise them "
            "in the build, or push everything into one graph with --graph)")
    report = PushReport([], shared)
    for g, body in bodies.items():
        target = urls.store + ("&" if "?" in urls.store else "?") + urllib.parse.urlencode({"graph": g})
        started = time.monotonic()
        try:
            status = _put(target, body, user, password, auth, timeout_s)
        except urllib.error.HTTPError as exc:
            err = _http_error(urls.store, exc)
            if exc.code == 401:
                err = RemoteEndpointError(
                    f"{urls.store} refused the credentials (HTTP 401): give --user and --password "
                    "(Virtuoso: dba/dba on a fresh install) and the right --auth (basic or digest)")
            raise err from None
        except (urllib.error.URLError, OSError) as exc:
            raise _network_error(urls.store, exc, timeout_s) from None
        secs = time.monotonic() - started
        log(f"<{g}>: {counts[g]:,} triples ({len(body) / 1024:,.0f} KiB) -> HTTP {status} in {secs:.2f} s")
        report.graphs.append(GraphPush(g, counts[g], None, status, secs))
    for gp in report.graphs:
        engine = RemoteEngine(urls.query, timeout_s=timeout_s, default_graphs=[gp.graph],
                              user=user, password=password, auth=auth)
        res = engine.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        try:
            gp.remote = int(str(res.rows[0]["n"]))  # type: ignore[union-attr]
        except (AttributeError, IndexError, KeyError, TypeError, ValueError):
            raise RemoteEndpointError(f"{urls.query} gave no usable COUNT for <{gp.graph}>: {res.rows!r}") from None
        verdict = "ok" if gp.remote == gp.local else "MISMATCH"
        log(f"<{gp.graph}>: store holds {gp.remote:,} triples, local {gp.local:,}: {verdict}")
    return report


# --- CLI --------------------------------------------------------------------------------------

PUSH_HELP = "load the dataset into a triple store (SPARQL 1.1 Graph Store Protocol)"
PUSH_EPILOG = """\
URLs: give the query endpoint (--endpoint) and/or the Graph Store (--store); the other is guessed:
  Virtuoso  --endpoint http://host:8890/sparql  -> store /sparql-graph-crud-auth (with --user)
  Oxigraph  --endpoint http://host:7878/query   -> store /store
  Fuseki    --endpoint http://host:3030/ds/query -> store /ds/data
Each named graph (ontology, data, inferred) is PUT, which replaces it: pushing twice leaves the same
triples. The password may also come from the environment variable KG_STORE_PASSWORD.
Exit codes: 0 pushed and counts match, 1 a count differs, 2 usage error or the store is unreachable.
Example (Virtuoso): kg push --endpoint http://127.0.0.1:8890/sparql --user dba --password dba
"""


def register(subparsers) -> None:
    p = subparsers.add_parser("push", help=PUSH_HELP, description="Load the dataset into a triple store "
                              "(SPARQL 1.1 Graph Store Protocol) and check the triple counts.",
                              epilog=PUSH_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--endpoint", metavar="URL", help="SPARQL query endpoint (for the count check)")
    p.add_argument("--store", metavar="URL", help="Graph Store Protocol endpoint (default: guessed, see below)")
    p.add_argument("--graph", metavar="IRI", help="put the whole dataset into this one graph instead")
    p.add_argument("--user", help="account for the store (Virtuoso: dba)")
    p.add_argument("--password", help="password (or set KG_STORE_PASSWORD, which keeps it out of `ps`)")
    p.add_argument("--auth", choices=["basic", "digest"], default="digest",
                   help="HTTP authentication scheme (default: digest, as Virtuoso wants)")
    p.add_argument("--dataset", metavar="FILE.nq", type=Path,
                   help="N-Quads to load (default: dist/paradiplomacy.nq, built if missing)")
    p.add_argument("--timeout", type=float, default=300.0, metavar="SECONDS",
                   help="time limit for each request (default 300)")
    p.set_defaults(func=cmd_push)


def _default_dataset() -> Path:
    from . import build  # the build is another part; imported late so push works without it

    from .namespaces import project_root
    root = project_root()
    build.ensure_built(root)
    return Path(build.dist_dir(root)) / "paradiplomacy.nq"


def cmd_push(args) -> int:
    err = lambda m: print(f"kg push: error: {m}", file=sys.stderr)  # noqa: E731
    password = args.password if args.password is not None else os.environ.get("KG_STORE_PASSWORD")
    if args.graph and (not re.match(r"^[a-z][a-z0-9+.-]*:", args.graph, re.I) or _IRI_BAD.search(args.graph)):
        err(f"--graph {args.graph!r} is not an absolute IRI (e.g. https://example.org/graph/paradiplomacy)")
        return 2
    try:
        urls = resolve_store_urls(args.endpoint, args.store, with_auth=bool(args.user))
    except ValueError as exc:
        err(str(exc))
        return 2
    try:
        nquads = args.dataset if args.dataset is not None else _default_dataset()
    except Exception as exc:  # the build reports its own errors; say where they come from
        err(f"could not build the dataset to push: {exc}")
        return 2
    if not Path(nquads).is_file():
        err(f"{nquads}: no such file (run `kg build` first, or give --dataset FILE.nq)")
        return 2
    try:
        report = push(Path(nquads), urls, graph=args.graph, user=args.user, password=password,
                      auth=args.auth, timeout_s=args.timeout)
    except ValueError as exc:
        err(str(exc))
        return 2
    except RemoteEndpointError as exc:
        err(str(exc))
        return 2
    if not report.ok:
        bad = [g for g in report.graphs if g.remote != g.local]
        err("the store does not hold what was pushed: " + "; ".join(
            f"<{g.graph}> {g.remote} triples in the store, {g.local} local" for g in bad)
            + " (a store that merges equal values, e.g. \"01\" and \"1\" as integers, counts fewer)")
        return 1
    total = sum(g.local for g in report.graphs)
    print(f"pushed {total:,} triples in {len(report.graphs)} graph(s) to {urls.store}; counts match")
    return 0
