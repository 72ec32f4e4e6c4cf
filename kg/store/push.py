"""Load the dataset into a triple store with the SPARQL 1.1 Graph Store Protocol (`kg push`).

`push` puts each named graph of an N-Quads file (HTTP PUT replaces the graph, so pushing twice leaves
the same triples), then counts the triples of each graph through the query endpoint and compares
with the local count.
"""
from __future__ import annotations

import base64
import http.client
import re
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from kg.errors import InputError, RemoteEndpointError, RemoteLimitError
from kg.query.remote import Deadline, RemoteEngine, _http_error, _network_error, deadline_handlers

__all__ = ["StoreUrls", "resolve_store_urls", "read_graphs", "push", "PushReport", "GraphPush"]


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
        raise InputError("give --endpoint URL (the SPARQL query endpoint) or --store URL (the Graph Store)")

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
        raise InputError(f"cannot guess the Graph Store URL from {endpoint}: give it with --store URL")
    path = urllib.parse.urlsplit(store).path.rstrip("/")
    if path in ("/sparql-graph-crud", "/sparql-graph-crud-auth"):
        return StoreUrls(swap(store, "/sparql"), store)
    if path == "/store":
        return StoreUrls(swap(store, "/query"), store)
    m = re.fullmatch(r"(/[^/]+)/data", path)
    if m:
        return StoreUrls(swap(store, m.group(1) + "/query"), store)
    raise InputError(f"cannot guess the query endpoint from {store}: give it with --endpoint URL")


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
        raise InputError(f"{nquads}: not valid N-Quads: {exc}") from None
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
        raise InputError(f"{nquads}: holds triples outside any named graph; push needs named graphs "
                         "(or give --graph IRI to put everything into one)")
    shared = 0 if into else sum(1 for gs in bnode_graphs.values() if len(gs) > 1)
    bodies, counts = {}, {}
    for g in sorted(per_graph):
        # sorted N-Triples: the same bytes for the same data; valid Turtle for every store's parser
        lines = sorted(str(t) + " .\n" for t in per_graph[g])
        bodies[g] = "".join(lines).encode("utf-8")
        counts[g] = len(per_graph[g])
    return bodies, counts, shared


def _digest_challenge(target: str, deadline: Deadline) -> dict | None:
    """The store's Digest challenge, asked for with a request that has no body, or None if the
    store does not want Digest authentication."""
    req = urllib.request.Request(target, method="HEAD")
    try:
        with _open(req, deadline):
            return None
    except urllib.error.HTTPError as exc:
        for value in exc.headers.get_all("WWW-Authenticate") or []:
            scheme, _, rest = value.partition(" ")
            if scheme.lower() == "digest":
                return urllib.request.parse_keqv_list(urllib.request.parse_http_list(rest))
        return None


def _authorize(req: urllib.request.Request, user: str | None, password: str | None,
               auth: str | None, deadline: Deadline) -> None:
    if user and auth == "basic":
        token = base64.b64encode(f"{user}:{password or ''}".encode()).decode("ascii")
        req.add_unredirected_header("Authorization", f"Basic {token}")
    elif user:
        chal = _digest_challenge(req.full_url, deadline)
        if chal is not None:
            mgr = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            mgr.add_password(None, req.full_url, user, password or "")
            value = urllib.request.HTTPDigestAuthHandler(mgr).get_authorization(req, chal)
            if value:
                req.add_unredirected_header("Authorization", f"Digest {value}")


def _open(req: urllib.request.Request, deadline: Deadline):
    return urllib.request.build_opener(*deadline_handlers(deadline)).open(req, timeout=deadline.left())


def _read_within(resp, deadline: Deadline) -> bytes:
    """The response body, read in pieces as they come; stops at the deadline (a store that
    trickles its answer a byte a second cannot stretch the push)."""
    chunks = []
    while True:
        sock = getattr(getattr(getattr(resp, "fp", None), "raw", None), "_sock", None)
        if sock is not None:
            sock.settimeout(deadline.left())
        chunk = resp.read1(65536) if hasattr(resp, "read1") else resp.read(65536)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        deadline.left()


def _put(target: str, body: bytes, user: str | None, password: str | None, auth: str | None,
         deadline: Deadline) -> int:
    """HTTP PUT of one graph; the status code. Credentials go with the PUT itself: a store that
    answers 401 to a large PUT closes the connection before reading the body (a broken pipe, seen
    with Virtuoso), so urllib's ask-then-retry handlers cannot be used for the body."""
    req = urllib.request.Request(target, data=body, method="PUT",
                                 headers={"Content-Type": "text/turtle; charset=utf-8"})
    _authorize(req, user, password, auth, deadline)
    try:
        with _open(req, deadline) as resp:
            _read_within(resp, deadline)
            return resp.status
    except urllib.error.URLError as exc:
        if not isinstance(exc.reason, (BrokenPipeError, ConnectionResetError)):
            raise
        # the store hung up mid-body: ask again without a body to learn why (usually a 401)
        probe = urllib.request.Request(target, method="HEAD")
        _authorize(probe, user, password, auth, deadline)
        with _open(probe, deadline):
            pass
        raise RemoteEndpointError(
            f"{target} closed the connection while the graph was being sent ({len(body):,} bytes): "
            "the store may limit the request size") from None


def _quiet(msg: str) -> None:
    pass


def push(nquads: Path, urls: StoreUrls, *, graph: str | None = None, user: str | None = None,
         password: str | None = None, auth: str | None = "digest", timeout_s: float = 300.0,
         log: Callable[[str], None] = _quiet) -> PushReport:
    """PUT each named graph of `nquads` to the Graph Store, then count each graph via the query
    endpoint; `log` receives a line per step (the command line prints them). `timeout_s` is one
    limit for the whole push (every PUT and count query gets what is left of it). Raises
    `RemoteEndpointError` if the store cannot be reached or refuses a graph, `RemoteLimitError` past
    the time limit."""
    deadline = Deadline(timeout_s, "the push did not finish within {timeout} s (--timeout, one limit for "
                        "the whole push): the store is slow or overloaded")
    try:
        return _push(nquads, urls, graph, user, password, auth, timeout_s, log, deadline)
    finally:
        deadline.cancel()


def _push(nquads: Path, urls: StoreUrls, graph: str | None, user: str | None, password: str | None,
          auth: str | None, timeout_s: float, log: Callable[[str], None], deadline: Deadline) -> PushReport:
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
            status = _put(target, body, user, password, auth, deadline)
        except urllib.error.HTTPError as exc:
            err = _http_error(urls.store, exc)
            if exc.code == 401:
                err = RemoteEndpointError(
                    f"{urls.store} refused the credentials (HTTP 401): give --user and --password "
                    "(Virtuoso: dba/dba on a fresh install) and the right --auth (basic or digest)")
            raise err from None
        except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
            deadline.left()  # past the deadline: say so, whatever the socket said
            raise _network_error(urls.store, exc, timeout_s) from None
        secs = time.monotonic() - started
        log(f"<{g}>: {counts[g]:,} triples ({len(body) / 1024:,.0f} KiB) -> HTTP {status} in {secs:.2f} s")
        report.graphs.append(GraphPush(g, counts[g], None, status, secs))
    for gp in report.graphs:
        engine = RemoteEngine(urls.query, timeout_s=deadline.left(), default_graphs=[gp.graph],
                              user=user, password=password, auth=auth, deadline=deadline)
        res = engine.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        try:
            gp.remote = int(str(res.rows[0]["n"]))  # type: ignore[union-attr]
        except (AttributeError, IndexError, KeyError, TypeError, ValueError):
            raise RemoteEndpointError(f"{urls.query} gave no usable COUNT for <{gp.graph}>: {res.rows!r}") from None
        verdict = "ok" if gp.remote == gp.local else "MISMATCH"
        log(f"<{gp.graph}>: store holds {gp.remote:,} triples, local {gp.local:,}: {verdict}")
    return report
