"""The SPARQL 1.1 Protocol of `kg serve`: /sparql, /update and the canned queries under /queries.

Reads the three request forms (GET, POST form-encoded, POST direct) within the size limit, checks
the query (`check_query`: no SERVICE, no FROM a graph outside the dataset), picks the answer's
format (`kg.serve.conneg`), runs the operation in the worker pool (`kg.serve.pool`) and keeps the
answer in the result cache (`kg.serve.cache`). Updates are refused unless the server runs with
`--allow-updates --token T` and the request carries `Authorization: Bearer T`; the protocol's
`using-graph-uri` parameters become USING clauses (`prepare_update`). Without a query, /sparql
answers its SPARQL 1.1 Service Description.
"""
from __future__ import annotations

import functools
import hmac
import re
from typing import Iterable
from urllib.parse import parse_qsl

import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response

from kg.namespaces import DATASET_GRAPHS, FORMATS, PREFIXES, RDF, RDFS, SD, VOID
from kg.query.catalogue import CannedQuery
from kg.query.lexer import significant
from kg.query.safety import UnsafeQueryError, check_query
from kg.serve import pages
from kg.serve.cache import ResultCache
from kg.serve.config import ServerConfig
from kg.serve.conneg import (
    DOWNLOAD_EXTENSIONS,
    FORMAT_PARAM,
    GRAPH_OFFERS,
    TABULAR_OFFERS,
    negotiate,
    wants_html,
    write_graph,
)
from kg.serve.pool import PoolBusy, WorkerFailed, WorkerPool, WorkerTimeout
from kg.terms import check_iri, to_wire


class HTTPProblem(Exception):
    """An error answered to the client as `status` with a message for people."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


# --- reading requests ------------------------------------------------------------------------

def media_type(request: Request) -> tuple[str, str | None]:
    """The request's Content-Type without parameters, and its charset (lower case) if given."""
    parts = [p.strip() for p in request.headers.get("content-type", "").split(";")]
    charset = None
    for p in parts[1:]:
        if p.lower().startswith("charset="):
            charset = p.split("=", 1)[1].strip().strip('"').lower()
    return parts[0].lower(), charset


async def read_body(request: Request, limit: int) -> bytes:
    cl = request.headers.get("content-length")
    if cl and cl.isdigit() and int(cl) > limit:
        raise HTTPProblem(413, f"the request body is {cl} bytes; this server accepts at most {limit} "
                               "(--max-request-bytes)")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise HTTPProblem(413, f"the request body is over {limit} bytes, the most this server "
                                   "accepts (--max-request-bytes)")
        chunks.append(chunk)
    return b"".join(chunks)


def decode_utf8(body: bytes, what: str) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise HTTPProblem(400, f"the {what} is not valid UTF-8 (byte {exc.start}); SPARQL requests "
                               "must be encoded in UTF-8") from exc


def multi_dict(pairs: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for k, v in pairs:
        out.setdefault(k, []).append(v)
    return out


def single(params: dict[str, list[str]], name: str) -> str | None:
    values = params.get(name)
    if not values:
        return None
    if len(values) > 1:
        raise HTTPProblem(400, f"the request has {len(values)} '{name}' parameters; send exactly one")
    return values[0]


def query_string(request: Request, limit: int) -> dict[str, list[str]]:
    qs = request.url.query
    if len(qs) > limit:
        raise HTTPProblem(413, f"the query string is {len(qs)} bytes; this server accepts at most "
                               f"{limit} (--max-request-bytes); POST long queries instead")
    try:
        return multi_dict(parse_qsl(qs, keep_blank_values=True, errors="strict"))
    except UnicodeDecodeError as exc:
        raise HTTPProblem(400, "the query string is not valid UTF-8 once percent-decoded") from exc


def graph_iris(params: dict[str, list[str]], name: str) -> list[str]:
    """The IRIs given as parameter `name` (default-graph-uri, ...); an InputError for one that is not
    an absolute IRI."""
    return [check_iri(g, name) for g in params.get(name, [])]


# --- updates and the query guard -------------------------------------------------------------

def prepare_update(text: str, using: list[str], using_named: list[str]) -> str:
    """Refuse LOAD/SERVICE; add the protocol's `using-graph-uri`s as USING clauses.

    The protocol's dataset parameters and the update's own USING/WITH must not meet (400).
    """
    where_positions: list[int] = []
    prev_keyword = None
    for tok in significant(text):
        word = tok.keyword
        if word in ("LOAD", "SERVICE"):
            raise HTTPProblem(403, f"{word} is refused: it would make this server reach the network")
        if tok.depth == 0 and word in ("USING", "WITH") and (using or using_named):
            raise HTTPProblem(400, "the update has its own USING/WITH clause and the request also gives "
                                   "using-graph-uri/using-named-graph-uri; give the dataset one way only")
        if tok.depth == 0 and word == "WHERE" and prev_keyword != "DELETE":
            where_positions.append(tok.start)
        prev_keyword = word
    if not (using or using_named):
        return text
    clause = " ".join([f"USING <{g}>" for g in using] + [f"USING NAMED <{g}>" for g in using_named]) + " "
    for pos in reversed(where_positions):
        text = text[:pos] + clause + text[pos:]
    return text


@functools.lru_cache(maxsize=1024)
def safety_refusal(text: str, graphs: frozenset[str]) -> str | None:
    """check_query's verdict, cached: it parses with rdflib (slow, and the GIL is shared with every
    request), and the canned queries come back again and again with the same text."""
    try:
        check_query(text, graphs)
    except UnsafeQueryError as exc:
        return str(exc)
    return None


# --- the service description -----------------------------------------------------------------

SD_PREFIXES = {"sd": str(SD), "void": str(VOID), "rdfs": str(RDFS), "formats": str(FORMATS), "sh": PREFIXES["sh"],
               "xsd": PREFIXES["xsd"]}
RESULT_FORMAT_NAMES = ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV",
                       "SPARQL_Results_TSV", "Turtle", "N-Triples", "JSON-LD", "RDF_XML")


def service_description(endpoint: str, graphs: Iterable[str], updates: bool) -> list[ox.Triple]:
    """The SPARQL 1.1 Service Description of the endpoint: languages, formats, the dataset."""
    def n(iri) -> ox.NamedNode:
        return ox.NamedNode(str(iri))

    service, dataset, default = n(endpoint), ox.BlankNode(), ox.BlankNode()
    triples = [(service, n(RDF.type), n(SD.Service)), (service, n(SD.endpoint), service),
               (service, n(SD.supportedLanguage), n(SD.SPARQL11Query))]
    if updates:
        triples.append((service, n(SD.supportedLanguage), n(SD.SPARQL11Update)))
    triples.append((service, n(SD.feature), n(SD.UnionDefaultGraph)))
    triples += [(service, n(SD.resultFormat), n(FORMATS[name])) for name in RESULT_FORMAT_NAMES]
    triples += [(service, n(SD.defaultDataset), dataset), (dataset, n(RDF.type), n(SD.Dataset)),
                (dataset, n(VOID.sparqlEndpoint), service), (dataset, n(SD.defaultGraph), default),
                (default, n(RDF.type), n(SD.Graph)),
                (default, n(RDFS.comment), ox.Literal("the union of the named graphs"))]
    triples += prefix_declarations(service)
    for g in sorted(graphs):
        named = ox.BlankNode()
        triples += [(dataset, n(SD.namedGraph), named), (named, n(RDF.type), n(SD.NamedGraph)),
                    (named, n(SD.name), n(g))]
    return [ox.Triple(*t) for t in triples]


def prefix_declarations(service: ox.NamedNode) -> list[tuple]:
    """The prefixes every query may use without declaring them (the worker predeclares them, as
    `kg query --sparql` does), as SHACL prefix declarations (`sh:declare`) of the service."""
    sh, out = PREFIXES["sh"], [(service, ox.NamedNode(str(RDFS.comment)), ox.Literal(
        "Queries may use the prefixes of sh:declare without PREFIX lines.", language="en"))]
    for p, ns in sorted(PREFIXES.items()):
        decl = ox.BlankNode()
        out += [(service, ox.NamedNode(sh + "declare"), decl), (decl, ox.NamedNode(sh + "prefix"), ox.Literal(p)),
                (decl, ox.NamedNode(sh + "namespace"),
                 ox.Literal(ns, datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#anyURI")))]
    return out


def query_json(q: CannedQuery) -> dict:
    """A canned query as /queries lists it."""
    return {
        "name": q.name, "summary": q.summary, "question_en": q.question_en, "question_id": q.question_id,
        "params": [{"name": p.name, "type": p.type, "default": p.default, "description": p.description}
                   for p in q.params],
        "tags": q.tags, "role": q.role, "text": q.text, "url": f"/queries/{q.name}",
    }


# --- the endpoint ----------------------------------------------------------------------------

def endpoint_url(request: Request) -> str:
    return str(request.url.replace(query="", fragment="")).rstrip("?")


class SparqlEndpoint:
    """The handlers of /sparql, /update and /queries over the worker pool and the result cache.

    `graphs` are the named graphs of the served dataset: FROM may name them (and nothing else).
    """

    def __init__(self, config: ServerConfig, pool: WorkerPool, cache: ResultCache, graphs: set[str],
                 catalogue: dict[str, CannedQuery]):
        self.config = config
        self.pool = pool
        self.cache = cache
        self.graphs = graphs | {str(g) for g in DATASET_GRAPHS}
        self.catalogue = catalogue

    async def sparql(self, request: Request) -> Response:
        limit = self.config.max_request_bytes
        url_params = query_string(request, limit)
        if request.method in ("GET", "HEAD"):
            if "update" in url_params:
                raise HTTPProblem(400, "an update must be sent with POST (form field 'update' or body "
                                       "of type application/sparql-update), never with GET")
            query = single(url_params, "query")
            if query is None:
                return self.describe_service(request)
            return await self.run_query(request, query, url_params)
        media, charset = media_type(request)
        if charset and charset not in ("utf-8", "utf8"):
            raise HTTPProblem(415, f"charset={charset} is not supported; send the request in UTF-8")
        if media == "application/x-www-form-urlencoded":
            form = multi_dict(parse_qsl(decode_utf8(await read_body(request, limit), "form body"),
                                        keep_blank_values=True))
            merged = {k: url_params.get(k, []) + form.get(k, []) for k in set(url_params) | set(form)}
            if "query" in form and "update" in form:
                raise HTTPProblem(400, "the form has both 'query' and 'update'; send one operation a request")
            if "query" in form:
                return await self.run_query(request, single(form, "query") or "", merged)
            if "update" in form:
                return await self.run_update(request, single(form, "update") or "", merged)
            raise HTTPProblem(400, "the form has neither a 'query' nor an 'update' field")
        if media == "application/sparql-query":
            text = decode_utf8(await read_body(request, limit), "query")
            return await self.run_query(request, text, url_params)
        if media == "application/sparql-update":
            text = decode_utf8(await read_body(request, limit), "update")
            return await self.run_update(request, text, url_params)
        if not media:
            raise HTTPProblem(400, "a POST needs a Content-Type: application/x-www-form-urlencoded, "
                                   "application/sparql-query or application/sparql-update")
        raise HTTPProblem(415, f"Content-Type {media} is not accepted here; use application/x-www-form-"
                               "urlencoded, application/sparql-query or application/sparql-update")

    async def update_endpoint(self, request: Request) -> Response:
        if request.method == "GET":
            raise HTTPProblem(405, "updates are sent with POST", {"Allow": "POST, OPTIONS"})
        if media_type(request)[0] == "application/sparql-query":
            raise HTTPProblem(400, "this is the update endpoint; send queries to /sparql")
        return await self.sparql(request)

    def _formats(self, request: Request, params: dict[str, list[str]]) -> tuple[str, str]:
        """(results format, graph format) of the answer: by `format=`, else by Accept."""
        fmt = single(params, "format")
        if fmt:
            if fmt.lower() not in FORMAT_PARAM:
                raise HTTPProblem(400, f"format={fmt!r} unknown; use one of {', '.join(sorted(FORMAT_PARAM))}")
            return FORMAT_PARAM[fmt.lower()]
        accept = request.headers.get("accept")
        return negotiate(accept, TABULAR_OFFERS, "json"), negotiate(accept, GRAPH_OFFERS, "turtle")

    async def run_query(self, request: Request, text: str, params: dict[str, list[str]],
                        subs: dict[str, tuple] | None = None) -> Response:
        if not text.strip():
            raise HTTPProblem(400, "the query is empty")
        refusal = safety_refusal(text, frozenset(self.graphs))
        if refusal:
            raise HTTPProblem(403, refusal)
        defaults = graph_iris(params, "default-graph-uri")
        named = graph_iris(params, "named-graph-uri")
        result_format, graph_format = self._formats(request, params)
        base_iri = endpoint_url(request)
        subs = subs or {}
        # everything the answer depends on (limits and prefixes are fixed for the server's life)
        key = (text, tuple(sorted(subs.items())), base_iri, tuple(defaults), tuple(named),
               result_format, graph_format)
        cached = self.cache.get(key)
        if cached is not None:
            kind, ctype, body = cached
            headers = {"Vary": "Accept", "X-Cache": "hit"}
        else:
            generation = self.cache.generation
            protocol_dataset = bool(defaults or named)
            _, kind, ctype, body, _size = await self._call({
                "op": "query", "text": text, "subs": subs, "base_iri": base_iri,
                "default_graph": defaults if protocol_dataset else None,
                "named_graphs": named if protocol_dataset else None,
                "result_format": result_format, "graph_format": graph_format,
                "max_rows": self.config.max_rows, "timeout_s": self.config.timeout_s,
                "prefixes": PREFIXES,
            })  # an error raises HTTPProblem here: never cached
            self.cache.put(key, (kind, ctype, body), generation)
            headers = {"Vary": "Accept", "X-Cache": "miss"}
        download = single(params, "download")
        if download:
            ext = DOWNLOAD_EXTENSIONS.get(graph_format if kind == "rdf" else result_format, "txt")
            name = re.sub(r"[^\w.-]", "_", download)
            headers["Content-Disposition"] = f'attachment; filename="{name}.{ext}"'
        return Response(body, media_type=ctype, headers=headers)

    def _time_limit_problem(self) -> HTTPProblem:
        return HTTPProblem(503, f"the query ran past this server's time limit of {self.config.timeout_s:g} s "
                                "and was stopped; narrow it or add a LIMIT")

    async def _call(self, req: dict) -> tuple:
        """The worker's reply; its errors and the pool's as HTTP problems."""
        timeout_s = self.config.timeout_s
        try:
            reply = await self.pool.call(req, timeout_s)
        except WorkerTimeout:
            raise self._time_limit_problem() from None
        except PoolBusy:
            raise HTTPProblem(503, f"the server is busy: no query worker was free within {timeout_s:g} s; "
                                   "try again shortly", {"Retry-After": "1"}) from None
        except WorkerFailed as exc:
            raise HTTPProblem(500, f"the query worker failed unexpectedly ({exc}); it has been restarted, "
                                   "try again") from None
        if reply[0] != "error":
            return reply
        kind, message = reply[1], reply[2]
        if kind == "syntax":
            raise HTTPProblem(400, message)
        if kind == "limit":
            raise HTTPProblem(413, f"{message}; narrow the query or add a LIMIT")
        if kind == "timeout":
            raise self._time_limit_problem()
        raise HTTPProblem(500, message)

    async def run_update(self, request: Request, text: str, params: dict[str, list[str]]) -> Response:
        if not self.config.allow_updates:
            raise HTTPProblem(403, "this server is read-only: updates are refused. Start it with "
                                   "`kg serve --allow-updates --token T` to accept them.")
        auth = request.headers.get("authorization", "")
        given = auth[7:].strip() if auth[:7].lower() == "bearer " else ""
        if not (self.config.token and given and hmac.compare_digest(given.encode(), self.config.token.encode())):
            raise HTTPProblem(403, "updates need the header 'Authorization: Bearer <token>' with the token "
                                   "the server was started with")
        if "query" in params and "update" in params:
            raise HTTPProblem(400, "the request has both 'query' and 'update'")
        if not text.strip():
            raise HTTPProblem(400, "the update is empty")
        text = prepare_update(text, graph_iris(params, "using-graph-uri"),
                              graph_iris(params, "using-named-graph-uri"))
        # emptied before and after: no answer computed around the update survives it (even on failure)
        self.cache.clear()
        try:
            await self._call({"op": "update", "text": text, "base_iri": endpoint_url(request), "persist": True})
        finally:
            self.cache.clear()
        reply = await self._call({"op": "graphs"})
        self.graphs = set(reply[3]) | {str(g) for g in DATASET_GRAPHS}
        return PlainTextResponse("update done\n")

    def describe_service(self, request: Request) -> Response:
        if wants_html(request.headers.get("accept")):
            return RedirectResponse("/", status_code=303)
        fmt = negotiate(request.headers.get("accept"), GRAPH_OFFERS, "turtle")
        body, ctype = write_graph(service_description(endpoint_url(request), self.graphs,
                                                      self.config.allow_updates), fmt, SD_PREFIXES)
        return Response(body, media_type=ctype)

    # -- canned queries --

    async def queries_list(self, request: Request) -> Response:
        if wants_html(request.headers.get("accept")) and request.query_params.get("format") != "json":
            return pages.html(pages.queries_page(self.catalogue))
        return JSONResponse([query_json(q) for q in self.catalogue.values()])

    async def canned_query(self, request: Request) -> Response:
        name = request.path_params["name"]
        q = self.catalogue.get(name)
        if q is None:
            raise HTTPProblem(404, f"no canned query named {name!r}; /queries lists them")
        params = query_string(request, self.config.max_request_bytes)
        answer_params = {k: v for k, v in params.items() if k in ("format", "download")}
        values = {}
        for k, v in params.items():
            if k in answer_params:
                continue
            if len(v) > 1:
                raise HTTPProblem(400, f"parameter {k} is given {len(v)} times; give it once")
            values[k] = v[0]
        subs = {k: to_wire(v) for k, v in q.bind(values).items()}  # a bad value: an InputError, 400
        return await self.run_query(request, q.text, answer_params, subs)
