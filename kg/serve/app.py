"""`kg serve`: the SPARQL 1.1 endpoint, linked-data pages and the web page over the built dataset.

Routes (all under one Starlette app, `create_app`):

- `/sparql`   SPARQL 1.1 Protocol: GET, POST form-encoded, POST direct; `default-graph-uri` /
              `named-graph-uri`; results by content negotiation (or `format=`); the service
              description (sd:) when there is no query. Updates on the same path and on `/update`,
              refused (403) unless the server runs with `--allow-updates --token T` and the request
              carries `Authorization: Bearer T`.                                 (kg.serve.protocol)
- `/queries`, `/queries/NAME?param=...`  the canned queries (parameters bound, never spliced).
- `/id/...`, `/vocab/...`, `/ontology`, any path under https://w3id.org/paradiplomacy/: the resource
              as an HTML page, Turtle, N-Triples or JSON-LD (by `Accept` or by extension).
- `/dumps/FILE`, `/void`, `/.well-known/void`  the files of `dist/` and their VoID/DCAT description.
                                                                                (kg.serve.linked_data)
- `/`         the web page for researchers (kg/serve/web/, its SPARQL editor and result views vendored in
              kg/serve/web/vendor/); `/prefixes.json` the prefixes it completes; `/search`, `/explain/ID`,
              `/id/`, `/vocab/`, `/entities.json`.                                      (kg.serve.workbench)

- `/store`    the Graph Store Protocol: GET/HEAD always, PUT/POST/DELETE with updates on and the
              token (kg.serve.graph_store)
- `/health`   JSON: the workers alive, the dataset's generation, the walls up (200, or 503 when no
              worker is alive).

Limits and their answers (documented in README, tested in tests/test_server_limits.py and
tests/security/):
- a query past `--timeout` seconds: its worker process is killed and replaced; answer 503. A query
  whose client goes away is stopped the same way.
- an answer past `--max-rows` rows or triples, or `--max-answer-bytes` bytes: 413 (never truncated);
  a worker past `--max-memory` MB: 413, and the worker is replaced.
- a request body or query string past `--max-request-bytes`: 413; a body slower than 10 s: 408.
- a malformed query, brackets nested deeper than the guard allows, an unknown function: 400;
  SERVICE, LOAD, FROM <graph not in the dataset>: 403; a method other than GET/POST/OPTIONS: 405;
  an unknown media type: 415; too many queries waiting (in all or from one client): 503 with
  Retry-After.
- a bad parameter value or IRI (an `InputError` of the library): 400 with its message.

A SPARQL request (GET or POST on `/sparql`, without an `Origin` header) is taken straight to its
handler (`KGApp.__call__`), before Starlette's middleware and routing: the same handler, errors
answered as the exception handlers answer them, the `Vary: Origin` the CORS middleware adds put on.
That stack cost about 0.1-0.2 ms of the server's CPU a request, against the ~1 ms it spends on
one. Everything else, and a request from a web page (`Origin`: the CORS headers), takes the routes.

Answers to queries are kept in a bounded LRU cache (`kg.serve.cache`, `--cache-entries`, 0 turns it
off): the served dataset does not change unless updates are on, and every update empties it.
Errors are never kept. The response header `X-Cache: hit|miss` says which it was.
"""
from __future__ import annotations

from contextlib import asynccontextmanager
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from kg.errors import InputError
from kg.namespaces import PREFIXES
from kg.query.catalogue import load_catalogue
from kg.serve.cache import ResultCache
from kg.serve.config import ServerConfig
from kg.serve.graph_store import GraphStore
from kg.serve.linked_data import LinkedData, Resources
from kg.serve.pool import WorkerPool
from kg.serve.protocol import HTTPProblem, SparqlEndpoint
from kg.serve.workbench import Workbench

WEB_DIR = Path(__file__).resolve().parent / "web"


def _problem(request: Request, exc: HTTPProblem) -> Response:
    return PlainTextResponse(exc.message + "\n", status_code=exc.status, headers=exc.headers)


def _input_error(request: Request, exc: InputError) -> Response:
    # the library's errors for bad input (a parameter value, an IRI): the client's to fix
    return PlainTextResponse(str(exc) + "\n", status_code=400)


SPARQL_PATHS = frozenset({"/sparql", "/sparql/"})
DIRECT_METHODS = frozenset({"GET", "POST"})


class KGApp(Starlette):
    """The Starlette application, with SPARQL requests taken to their handler directly.

    `direct` is the handler `(scope, receive, send)` of /sparql (None: every request takes the
    routes, as tests compare)."""

    direct = None

    async def __call__(self, scope, receive, send) -> None:
        if (self.direct is not None and scope["type"] == "http" and scope["path"] in SPARQL_PATHS
                and scope["method"] in DIRECT_METHODS and not scope.get("root_path")):
            for name, _ in scope["headers"]:
                if name == b"origin":  # a web page's request: CORS headers, from the middleware
                    break
            else:
                scope["app"] = self
                await self.direct(scope, receive, send)
                return
        await super().__call__(scope, receive, send)


def _vary_origin(response: Response) -> Response:
    """The Vary header as the CORS middleware leaves it on an answer to a request without Origin."""
    headers = response.headers
    headers["Vary"] = ", ".join([*headers.getlist("vary"), "Origin"])
    return response


def create_app(config: ServerConfig) -> Starlette:
    """The Starlette application; the worker pool starts with the app's lifespan.

    `app.state.endpoint` (the SPARQL endpoint: its `pool` and `cache`) and `app.state.resources`
    (the store the pages read) are there for tests and for programs that embed the server.
    """
    if not Path(config.nquads).is_file():
        raise InputError(f"{config.nquads}: no such dataset file; run `kg build` first")
    # the pool snapshots the dataset; the pages read the same snapshot (one generation for all)
    pool = WorkerPool(Path(config.nquads), config.workers, updates=config.allow_updates,
                      max_queue=config.max_queue, max_queue_per_client=config.max_queue_per_client,
                      max_memory=config.max_memory_mb * 2**20, isolate_network=config.isolate_network,
                      allocator=config.allocator)
    try:
        resources = Resources.from_nquads(pool.snapshot)
    except BaseException:
        pool.close()
        raise
    quads = len(resources.store)
    workbench = Workbench(resources)
    linked = LinkedData(resources, config.dist, names=lambda: workbench.names)
    endpoint = SparqlEndpoint(
        config, pool, ResultCache(config.cache_entries, config.cache_bytes), resources.named_graphs(),
        load_catalogue(config.root))

    endpoint.names = lambda: workbench.names  # canned queries take names, as the command line does
    store = GraphStore(endpoint)

    @asynccontextmanager
    async def lifespan(app):
        await endpoint.pool.start()
        try:
            yield
        finally:
            endpoint.pool.close()

    async def health(request: Request) -> Response:
        state = endpoint.pool.health()
        state["dataset"] = {"loaded": True, "quads": quads, "generation": state.pop("generation")}
        state["updates"] = config.allow_updates
        ok = state["alive"] > 0
        state["status"] = "ok" if ok else "no query worker is running"
        return JSONResponse(state, status_code=200 if ok else 503, headers={"Cache-Control": "no-store"})

    read = ["GET", "HEAD"]
    routes = [
        # the start page, search, explain pages, /id/ and /vocab/ indexes (kg.serve.workbench)
        *workbench.routes(),
        Route("/sparql", endpoint.sparql, methods=["GET", "POST", "HEAD"]),
        Route("/sparql/", endpoint.sparql, methods=["GET", "POST", "HEAD"]),
        Route("/update", endpoint.update_endpoint, methods=["POST", "GET"]),
        Route("/store", store.handle, methods=["GET", "HEAD", "PUT", "POST", "DELETE"]),
        Route("/store/{path:path}", store.handle, methods=["GET", "HEAD", "PUT", "POST", "DELETE"]),
        Route("/queries", endpoint.queries_list, methods=read),
        Route("/queries/{name}", endpoint.canned_query, methods=read),
        Route("/dumps", linked.dumps, methods=read),
        Route("/dumps/{name:path}", linked.dumps, methods=read),
        Route("/void", linked.void, methods=read),
        Route("/.well-known/void", linked.void, methods=read),
        Route("/health", health, methods=read),
        # the prefixes the pages use, for the editor's prefix completion (instead of prefix.cc)
        Route("/prefixes.json", lambda r: JSONResponse(PREFIXES), methods=read),
        Mount("/static", app=StaticFiles(directory=WEB_DIR), name="static"),
        Route("/{path:path}", linked.resource, methods=read),
    ]
    middleware = [Middleware(CORSMiddleware, allow_origins=config.cors_origins,
                             allow_methods=["GET", "POST", "OPTIONS", "PUT", "DELETE", "HEAD"],
                             allow_headers=["Content-Type", "Accept", "Authorization"],
                             expose_headers=["Content-Disposition"], max_age=3600)]
    app = KGApp(routes=routes, middleware=middleware, lifespan=lifespan,
                exception_handlers={HTTPProblem: _problem, InputError: _input_error})

    async def sparql_direct(scope, receive, send) -> None:
        request = Request(scope, receive, send)
        try:
            response = await endpoint.sparql(request)
        except HTTPProblem as exc:
            response = _problem(request, exc)
        except InputError as exc:
            response = _input_error(request, exc)
        await _vary_origin(response)(scope, receive, send)

    app.direct = sparql_direct
    app.state.endpoint = endpoint
    app.state.resources = resources
    return app
