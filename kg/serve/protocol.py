"""The SPARQL 1.1 Protocol of `kg serve`: /sparql, /update and the canned queries under /queries.

Reads the three request forms (GET, POST form-encoded, POST direct) within the size and time
limits, picks the answer's format (`kg.serve.conneg`), runs the operation in the worker pool
(`kg.serve.pool`), where the query guard (`kg.query.guard`: no SERVICE, no LOAD, no FROM a graph
outside the dataset, no nesting deeper than the engine survives) reads it first, off the event
loop, and keeps the answer in the result cache (`kg.serve.cache`). A query whose client goes away
is stopped (its worker is replaced). Updates are refused unless the server runs with
`--allow-updates --token T` and the request carries `Authorization: Bearer T`; the protocol's
`using-graph-uri` parameters become USING clauses (`prepare_update`). Without a query, /sparql
answers its SPARQL 1.1 Service Description.
"""
from __future__ import annotations

import asyncio
import binascii
import hmac
import re
import urllib.parse
from typing import Iterable

import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response

from kg.namespaces import DATASET_GRAPHS, FORMATS, PREFIXES, RDF, RDFS, SD, VOID
from kg.query.catalogue import CannedQuery
from kg.query.guard import UnreadableQuery, read
from kg.query.recognise import CannedTexts
from kg.serve import pages
from kg.serve.cache import ResultCache
from kg.serve.config import ServerConfig
from kg.serve.i18n import page_lang
from kg.serve.conneg import (
    DOWNLOAD_EXTENSIONS,
    FORMAT_PARAM,
    FORMAT_PARAMETERS,
    GRAPH_OFFERS,
    TABULAR_OFFERS,
    negotiate,
    format_from_params,
    wants_html,
    write_graph,
)
from kg.serve.pool import ClientGone, PoolBusy, PoolFull, WorkerFailed, WorkerPool, WorkerTimeout
from kg.serve.worker import STORE_GRAPHS
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


BODY_TIMEOUT_S = 10.0   # the whole body must arrive within this (a trickling client is cut off: 408)


async def read_body(request: Request, limit: int, timeout_s: float = BODY_TIMEOUT_S) -> bytes:
    cl = request.headers.get("content-length")
    if cl and cl.isdigit() and int(cl) > limit:
        raise HTTPProblem(413, f"the request body is {cl} bytes; this server accepts at most {limit} "
                               "(--max-request-bytes)")
    chunks, size = [], 0

    async def read_all() -> None:
        nonlocal size
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise HTTPProblem(413, f"the request body is over {limit} bytes, the most this server "
                                       "accepts (--max-request-bytes)")
            chunks.append(chunk)
    try:
        await asyncio.wait_for(read_all(), timeout_s)
    except asyncio.TimeoutError:
        raise HTTPProblem(408, f"the request body did not arrive within {timeout_s:g} s",
                          {"Connection": "close"}) from None
    return b"".join(chunks)


def decode_utf8(body: bytes, what: str) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise HTTPProblem(400, f"the {what} is not valid UTF-8 (byte {exc.start}); SPARQL requests "
                               "must be encoded in UTF-8") from exc


_CONTROL = bytes(range(0x20)) + b"\x7f"


def unquote_plus(text: str) -> str:
    """`urllib.parse.unquote_plus(text, errors="strict")`, the same result, at C speed where it can:
    the canned queries come percent-encoded whole, and the standard library decodes each escape in
    Python (about 1 ms of the server's CPU for a 4 KB query, a tenth of a whole request's cost at
    10x). A text of printable ASCII whose every % starts an escape is decoded by
    `binascii.a2b_qp` (quoted-printable: `=XX`, once every `=` is written `=3D` and every `%` `=`);
    anything else (a bare %, control characters, non-ASCII) goes to the standard library. A text
    that is not UTF-8 once decoded raises UnicodeDecodeError either way."""
    if text.isascii():  # O(1): CPython keeps the flag
        raw = text.encode("ascii")
        if len(raw.translate(None, _CONTROL)) == len(raw):  # no control character
            qp = raw.replace(b"+", b" ").replace(b"=", b"=3D").replace(b"%", b"=")
            out = binascii.a2b_qp(qp)
            # every "=" an escape: each made three bytes one (a bare one is kept, or taken with the
            # next, or dropped at the end: the answer is then longer); this checks in C what a
            # regular expression did at 40 ns a character (0.2 ms of the server's CPU for a canned
            # query's 4-7 KB, a seventh of all it spends on a request for a small answer)
            if len(out) == len(qp) - 2 * qp.count(b"="):
                return out.decode("utf-8", "strict")
    return urllib.parse.unquote_plus(text, errors="strict")


def parse_qsl(text: str) -> list[tuple[str, str]]:
    """`urllib.parse.parse_qsl(text, keep_blank_values=True, errors="strict")` with `unquote_plus`."""
    pairs = []
    for field in text.split("&"):
        if not field:
            continue
        name, _, value = field.partition("=")
        pairs.append((unquote_plus(name), unquote_plus(value)))
    return pairs


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


def raw_query(scope) -> str:
    """The request's query string as `request.url.query` gives it (UTF-8, up to a `#`), read from
    the ASGI scope without building the request's URL (its Host header parsed, the URL put
    together and split again: about 40 us of the server's CPU a request). 400 if not UTF-8."""
    try:
        qs = scope.get("query_string", b"").decode()
    except UnicodeDecodeError:
        raise HTTPProblem(400, "the query string is not valid UTF-8") from None
    return qs.partition("#")[0] if "#" in qs else qs


def query_string(request: Request, limit: int) -> dict[str, list[str]]:
    qs = raw_query(request.scope)
    if len(qs) > limit:
        raise HTTPProblem(413, f"the query string is {len(qs)} bytes; this server accepts at most "
                               f"{limit} (--max-request-bytes); POST long queries instead")
    try:
        return multi_dict(parse_qsl(qs))
    except UnicodeDecodeError as exc:
        raise HTTPProblem(400, "the query string is not valid UTF-8 once percent-decoded") from exc


def graph_iris(params: dict[str, list[str]], name: str) -> list[str]:
    """The IRIs given as parameter `name` (default-graph-uri, ...); an InputError for one that is not
    an absolute IRI."""
    return [check_iri(g, name) for g in params.get(name, [])]


# --- updates and the query guard -------------------------------------------------------------

def prepare_update(text: str, using: list[str], using_named: list[str]) -> str:
    """Add the protocol's `using-graph-uri`s as USING clauses (read with the guard's reader).

    The protocol's dataset parameters and the update's own USING/WITH must not meet (400). LOAD and
    SERVICE are refused by the guard in the worker, on the text this returns.
    """
    if not (using or using_named):
        return text
    where_positions: list[int] = []
    prev_keyword = None
    try:
        toks = list(read(text))
    except UnreadableQuery as exc:
        raise HTTPProblem(400, f"the update cannot be read at character {exc.pos} ({exc}), so the "
                               "using-graph-uri parameters cannot be added to it") from None
    for tok in toks:
        if tok.kind == "comment":
            continue
        word = tok.text.upper() if tok.kind == "word" else None
        if tok.depth == 0 and word in ("USING", "WITH"):
            raise HTTPProblem(400, "the update has its own USING/WITH clause and the request also gives "
                                   "using-graph-uri/using-named-graph-uri; give the dataset one way only")
        if tok.depth == 0 and word == "WHERE" and prev_keyword != "DELETE":
            where_positions.append(tok.start)
        prev_keyword = word
    clause = " ".join([f"USING <{g}>" for g in using] + [f"USING NAMED <{g}>" for g in using_named]) + " "
    for pos in reversed(where_positions):
        text = text[:pos] + clause + text[pos:]
    return text


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

def client_id(request: Request) -> str:
    """Who is asking, for the fair queue: the peer's address (never a header a client can forge)."""
    return request.client.host if request.client else ""


def server_base(request: Request, public_url: str | None) -> str:
    """The server's own base URL: `public_url` (--public-url) when configured, else the address the
    socket is bound to. Never the Host header, which any client can set."""
    if public_url:
        return public_url.rstrip("/")
    scope = request.scope
    host, port = scope.get("server") or ("127.0.0.1", 80)
    host = f"[{host}]" if ":" in str(host) else host
    return f"{scope.get('scheme', 'http')}://{host}:{port}"


def endpoint_url(request: Request, public_url: str | None = None) -> str:
    # the request's path as `request.url.path` gives it, without building the URL
    path = request.scope["path"]
    if "?" in path or "#" in path or "\\" in path:
        path = request.url.path
    return server_base(request, public_url) + path


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
        # a canned query sent with its parameters bound by VALUES blocks (`kg query --endpoint`) is
        # run as the embedded engine runs it (kg.query.recognise: the same answer, half the CPU)
        self.canned_texts = CannedTexts(catalogue)
        self.names = None  # a callable giving the kg.names.NameIndex of the dataset, for canned queries

    def endpoint_url(self, request: Request) -> str:
        return endpoint_url(request, self.config.public_url)

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
            try:
                form = multi_dict(parse_qsl(decode_utf8(await read_body(request, limit), "form body")))
            except UnicodeDecodeError as exc:
                raise HTTPProblem(400, "the form is not valid UTF-8 once percent-decoded") from exc
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
        """(results format, graph format) of the answer: by `format=` (or `output=`, `results=`, as
        Fuseki and Virtuoso read them: the first value known), else by Accept."""
        values = [v for name in FORMAT_PARAMETERS for v in params.get(name, [])]
        if any(v.strip() for v in values):
            chosen = format_from_params(values)
            if chosen is None:
                raise HTTPProblem(400, f"format={values[0]!r} unknown; use one of "
                                       f"{', '.join(sorted(k for k in FORMAT_PARAM if '/' not in k))} or a media type")
            return chosen
        accept = request.headers.get("accept")
        return negotiate(accept, TABULAR_OFFERS, "json"), negotiate(accept, GRAPH_OFFERS, "turtle")

    async def run_query(self, request: Request, text: str, params: dict[str, list[str]],
                        subs: dict[str, tuple] | None = None) -> Response:
        if not text.strip():
            raise HTTPProblem(400, "the query is empty")
        defaults = graph_iris(params, "default-graph-uri")
        named = graph_iris(params, "named-graph-uri")
        result_format, graph_format = self._formats(request, params)
        base_iri = self.endpoint_url(request)
        subs = subs or {}
        # everything the answer depends on (limits and prefixes are fixed for the server's life)
        key = (text, tuple(sorted(subs.items())), base_iri, tuple(defaults), tuple(named),
               result_format, graph_format)  # the cache keeps a digest of it (kg.serve.cache)
        cached = self.cache.get(key)
        if cached is not None:
            kind, ctype, body = cached
            headers = {"Vary": "Accept", "X-Cache": "hit"}
        else:
            generation = self.cache.generation
            protocol_dataset = bool(defaults or named)
            run_text, run_subs = text, subs
            if not subs:  # (the protocol's dataset, if any, is the same for either text)
                known, found = self.canned_texts.seen(text)
                if not known and "VALUES" in text:  # read off the event loop (a lexer pass)
                    found = await asyncio.to_thread(self.canned_texts.match, text)
                if found is not None:
                    canned, bindings = found
                    run_text, run_subs = canned.text, {k: to_wire(v) for k, v in bindings.items()}
            _, kind, ctype, body, _size = await self._call(request, {
                "op": "query", "text": run_text, "subs": run_subs, "base_iri": base_iri,
                "allowed_graphs": STORE_GRAPHS,  # the worker's store's graphs (the same as self.graphs)
                "max_bytes": self.config.max_answer_bytes,
                "max_depth": self.config.max_depth,
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

    async def _call(self, request: Request, req: dict) -> tuple:
        """The worker's reply; its errors and the pool's as HTTP problems. If the client goes away
        first, the worker is stopped (and replaced) rather than left to run to the time limit."""
        timeout_s = self.config.timeout_s
        gone = asyncio.get_running_loop().create_future()  # done when the client goes away

        async def watch() -> None:  # the body is read: the next message is the client leaving
            while True:
                message = await request.receive()
                if message["type"] == "http.disconnect":
                    if not gone.done():
                        gone.set_result(None)
                    return
        watcher = asyncio.ensure_future(watch())
        try:
            reply = await self.pool.call(req, timeout_s, client=client_id(request), gone=gone)
        except WorkerTimeout:
            raise self._time_limit_problem() from None
        except PoolFull:
            raise HTTPProblem(503, "the server is busy: too many queries are waiting (this client's or in "
                                   "all); try again shortly", {"Retry-After": "2"}) from None
        except ClientGone:
            raise HTTPProblem(499, "the client went away; the query was stopped") from None
        except PoolBusy:
            raise HTTPProblem(503, f"the server is busy: no query worker was free within {timeout_s:g} s; "
                                   "try again shortly", {"Retry-After": "1"}) from None
        except WorkerFailed as exc:
            raise HTTPProblem(500, f"the query worker failed unexpectedly ({exc}); it has been restarted, "
                                   "try again") from None
        finally:
            watcher.cancel()
        if reply[0] != "error":
            return reply
        kind, message = reply[1], reply[2]
        if kind in ("syntax", "complex", "evaluation"):
            raise HTTPProblem(400, message)
        if kind == "unsafe":
            raise HTTPProblem(403, message)
        if kind == "notfound":
            raise HTTPProblem(404, message)
        if kind == "media":
            raise HTTPProblem(415, message)
        if kind == "memory":
            raise HTTPProblem(413, f"{message}; narrow the query")
        if kind == "limit":
            raise HTTPProblem(413, f"{message}; narrow the query or add a LIMIT")
        if kind == "timeout":
            raise self._time_limit_problem()
        raise HTTPProblem(500, message)

    def authorize_update(self, request: Request) -> None:
        """403 unless updates are on and the request carries the server's bearer token."""
        if not self.config.allow_updates:
            raise HTTPProblem(403, "this server is read-only: updates are refused. Start it with "
                                   "`kg serve --allow-updates` and a token (KG_SERVE_TOKEN or --token-file) "
                                   "to accept them.")
        auth = request.headers.get("authorization", "")
        given = auth[7:].strip() if auth[:7].lower() == "bearer " else ""
        if not (self.config.token and given and hmac.compare_digest(given.encode(), self.config.token.encode())):
            raise HTTPProblem(403, "updates need the header 'Authorization: Bearer <token>' with the token "
                                   "the server was started with")

    async def changed(self, request: Request) -> None:
        """After a change of the store: no cached answer survives, FROM may name the new graphs."""
        self.cache.clear()
        reply = await self._call(request, {"op": "graphs"})
        self.graphs = set(reply[3]) | {str(g) for g in DATASET_GRAPHS}

    async def run_update(self, request: Request, text: str, params: dict[str, list[str]]) -> Response:
        self.authorize_update(request)
        if "query" in params and "update" in params:
            raise HTTPProblem(400, "the request has both 'query' and 'update'")
        if not text.strip():
            raise HTTPProblem(400, "the update is empty")
        text = await asyncio.to_thread(prepare_update, text, graph_iris(params, "using-graph-uri"),
                                       graph_iris(params, "using-named-graph-uri"))
        # emptied before and after: no answer computed around the update survives it (even on failure)
        self.cache.clear()
        try:
            await self._call(request, {"op": "update", "text": text, "base_iri": self.endpoint_url(request),
                                       "persist": True, "max_depth": self.config.max_depth})
        finally:
            self.cache.clear()
        reply = await self._call(request, {"op": "graphs"})
        self.graphs = set(reply[3]) | {str(g) for g in DATASET_GRAPHS}
        return PlainTextResponse("update done\n")

    def describe_service(self, request: Request) -> Response:
        if wants_html(request.headers.get("accept")):
            return RedirectResponse("/", status_code=303)
        fmt = negotiate(request.headers.get("accept"), GRAPH_OFFERS, "turtle")
        body, ctype = write_graph(service_description(self.endpoint_url(request), self.graphs,
                                                      self.config.allow_updates), fmt, SD_PREFIXES)
        return Response(body, media_type=ctype)

    # -- canned queries --

    async def queries_list(self, request: Request) -> Response:
        if wants_html(request.headers.get("accept")) and request.query_params.get("format") != "json":
            return pages.html(pages.queries_page(self.catalogue, pages.chrome(request, page_lang(request))),
                              headers={"Vary": "Accept, Cookie"})
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
        # names as on the command line (Catalonia, Katalonia, pdi:catalonia); a bad value or a name
        # of nothing or of several things: an InputError, 400
        names = self.names() if self.names is not None else None
        subs = {k: to_wire(v) for k, v in q.bind(values, names=names).items()}
        return await self.run_query(request, q.text, answer_params, subs)
