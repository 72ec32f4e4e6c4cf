"""Any SPARQL 1.1 query endpoint as an engine (`RemoteEngine`), through SPARQLWrapper.

`RemoteEngine` answers `query(text, bindings)` exactly like the embedded engines of `kg.query.embedded`
(`SelectResult`, `bool` or `rdflib.Graph`, with rdflib terms), so a canned query's answer from
Virtuoso or Oxigraph server compares with `kg.query.embedded.comparable` to the embedded one. It:

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

Loading the dataset into a store is `kg.store.push`.
"""
from __future__ import annotations

import http.client
import json
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Mapping, Sequence

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node
from SPARQLWrapper import JSON, POST, TURTLE, URLENCODED, SPARQLWrapper

from kg.errors import RemoteEndpointError, RemoteLimitError
from kg.namespaces import DATASET_GRAPHS
from kg.query.binding import bind_with_values
from kg.query.embedded import (
    DEFAULT_ROW_LIMIT,
    DEFAULT_TIMEOUT_S,
    QueryError,
    QueryResult,
    SelectResult,
)
from kg.query.lexer import FORMS, prefix_declarations, query_form
from kg.query.safety import check_query
from kg.terms import normalise_term

__all__ = ["RemoteEngine", "RemoteEndpointError", "RemoteLimitError", "DEFAULT_MAX_RESPONSE_BYTES", "Deadline",
           "deadline_handlers"]

DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024
_JSON_TYPES = ("application/sparql-results+json", "application/json")
# rdflib parser names by the content types stores send for CONSTRUCT/DESCRIBE. JSON-LD is left out
# on purpose: parsing it may fetch remote @context documents.
_RDF_TYPES = {"text/turtle": "turtle", "application/x-turtle": "turtle", "application/turtle": "turtle",
              "application/n-triples": "nt", "text/plain": "nt", "application/rdf+xml": "xml",
              "text/rdf+n3": "n3", "text/n3": "n3"}
_RDF_ACCEPT = "text/turtle, application/n-triples;q=0.9, application/rdf+xml;q=0.5"




# --- terms from SPARQL JSON results ---------------------------------------------------------

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




# --- the engine -------------------------------------------------------------------------------

class _Wrapper(SPARQLWrapper):
    """SPARQLWrapper builds the request; we open it, to keep auth local (SPARQLWrapper's digest
    support installs a process-wide urllib opener) and to see every status, 206 included."""

    opener: urllib.request.OpenerDirector

    def _query(self):  # noqa: D401 - SPARQLWrapper's hook
        request = self._createRequest()
        return self.opener.open(request, timeout=self.timeout), self.returnFormat


class Deadline:
    """One time limit for a sequence of requests (one query, or a whole `kg push`): every request
    gets what is left of it, and a timer shuts each connection at the end, so a store that trickles
    its status line or body a byte a second cannot stretch it. `message` may use `{timeout}`."""

    def __init__(self, timeout_s: float, message: str = "the store did not answer within {timeout} s "
                 "(the time limit)"):
        self.timeout_s = timeout_s
        self.message = message
        self.end = time.monotonic() + timeout_s
        self.timers: list[threading.Timer] = []

    def cancel(self) -> None:
        for t in self.timers:
            t.cancel()
        self.timers.clear()

    def passed(self) -> bool:
        return time.monotonic() >= self.end

    def left(self) -> float:
        left = self.end - time.monotonic()
        if left <= 0:
            raise RemoteLimitError(self.message.format(timeout=f"{self.timeout_s:g}"))
        return left


def _aborter(deadline: Deadline, make):
    """A connection factory for urllib whose connections are shut at the deadline by a timer (a
    store trickling its status line a byte a second would otherwise hold each read forever: the
    socket timeout only bounds the wait for one byte)."""
    def factory(host, **kwargs):
        conn = make(host, **kwargs)

        def abort():
            sock = getattr(conn, "sock", None)
            if sock is not None:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
        timer = threading.Timer(max(0.0, deadline.end - time.monotonic()), abort)
        timer.daemon = True
        timer.start()
        deadline.timers.append(timer)
        return conn
    return factory


class _DeadlineHTTP(urllib.request.HTTPHandler):
    def __init__(self, deadline: Deadline):
        super().__init__()
        self.deadline = deadline

    def http_open(self, req):
        return self.do_open(_aborter(self.deadline, http.client.HTTPConnection), req)


class _DeadlineHTTPS(urllib.request.HTTPSHandler):
    def __init__(self, deadline: Deadline):
        super().__init__()
        self.deadline = deadline

    def https_open(self, req):
        return self.do_open(_aborter(self.deadline, http.client.HTTPSConnection), req,
                            context=self._context)


def deadline_handlers(deadline: Deadline) -> list[urllib.request.BaseHandler]:
    """urllib handlers (plain and TLS) whose connections end at `deadline`."""
    return [_DeadlineHTTP(deadline), _DeadlineHTTPS(deadline)]


def _opener(url: str, user: str | None, password: str | None, auth: str | None,
            deadline: Deadline) -> urllib.request.OpenerDirector:
    timed = deadline_handlers(deadline)
    if not user:
        return urllib.request.build_opener(*timed)
    if auth == "basic":
        # sent up front: some stores answer 403 instead of asking
        mgr = urllib.request.HTTPPasswordMgrWithPriorAuth()
        mgr.add_password(None, url, user, password or "", is_authenticated=True)
        return urllib.request.build_opener(urllib.request.HTTPBasicAuthHandler(mgr), *timed)
    mgr = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    mgr.add_password(None, url, user, password or "")
    handlers: list = [urllib.request.HTTPDigestAuthHandler(mgr)]
    if auth is None:  # answer whichever scheme the server asks for
        handlers.append(urllib.request.HTTPBasicAuthHandler(mgr))
    return urllib.request.build_opener(*handlers, *timed)


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
                 max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES, deadline: Deadline | None = None):
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
        self._auth = (user, password, auth)
        # a deadline shared with the caller's other requests (`kg push`); else one per query
        self.deadline = deadline

    def __repr__(self) -> str:
        return f"RemoteEngine({self.url!r})"

    def _wrapper(self, sparql: str, timeout_s: float, deadline: Deadline) -> _Wrapper:
        w = _Wrapper(self.url)
        w.opener = _opener(self.url, *self._auth, deadline)
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
              timeout_s: float | None = None, row_limit: int = DEFAULT_ROW_LIMIT,
              prefixes: Mapping[str, str] | None = None) -> QueryResult:
        if prefixes:  # an endpoint knows no prefixes of ours: declare those the text does not
            declared = prefix_declarations(sparql)
            sparql = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in prefixes.items() if p not in declared) + sparql
        check_query(sparql, self.default_graphs)
        timeout_s = self.timeout_s if timeout_s is None else timeout_s
        own = self.deadline is None
        deadline = self.deadline if not own else Deadline(
            timeout_s, f"{self.url} did not answer within {{timeout}} s (the time limit)")
        try:
            timeout_s = min(timeout_s, deadline.left())
            body, ctype, form = self._fetch(sparql, bindings, timeout_s, deadline)
        finally:
            if own:
                deadline.cancel()
        if form in ("SELECT", "ASK"):
            return self._parse_json(body, ctype, form, row_limit)
        return self._parse_graph(body, ctype, row_limit)

    def _fetch(self, sparql: str, bindings: Mapping[str, Node] | None, timeout_s: float,
               deadline: Deadline) -> tuple[bytes, str, str]:
        text = bind_with_values(sparql, bindings)
        w = self._wrapper(text, timeout_s, deadline)
        form = w.queryType = query_form(text)
        if form not in FORMS:
            raise QueryError(f"only SELECT, ASK, CONSTRUCT and DESCRIBE queries are sent to {self.url} "
                             f"(this looks like {form or 'no query at all'})")
        if form in ("SELECT", "ASK"):
            w.setReturnFormat(JSON)
            w.addCustomHttpHeader("Accept", "application/sparql-results+json")
        else:
            w.setReturnFormat(TURTLE)
            w.addCustomHttpHeader("Accept", _RDF_ACCEPT)
        try:
            resp = w.query().response
        except urllib.error.HTTPError as exc:
            raise _http_error(self.url, exc) from None
        except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
            deadline.left()  # past the deadline (the timer shut the socket): say so
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
                body = _read_limited(resp, self.max_response_bytes, deadline.end, self.url, timeout_s)
            except (socket.timeout, TimeoutError, OSError, http.client.HTTPException) as exc:
                deadline.left()
                raise _network_error(self.url, exc, timeout_s) from None
        finally:
            resp.close()
        return body, ctype, form

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
