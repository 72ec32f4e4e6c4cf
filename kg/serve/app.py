"""`kg serve`: the SPARQL 1.1 endpoint, linked-data pages and the web page over the built dataset.

Routes (all under one Starlette app, `create_app`):

- `/sparql`   SPARQL 1.1 Protocol: GET, POST form-encoded, POST direct; `default-graph-uri` /
              `named-graph-uri`; results by content negotiation (or `format=`); the service
              description (sd:) when there is no query. Updates on the same path and on `/update`,
              refused (403) unless the server runs with `--allow-updates --token T` and the request
              carries `Authorization: Bearer T`.
- `/queries`, `/queries/NAME?param=...`  the canned queries (parameters bound, never spliced).
- `/id/...`, `/vocab/...`, `/ontology`, any path under https://w3id.org/paradiplomacy/: the resource
              as an HTML page, Turtle, N-Triples or JSON-LD (by `Accept` or by extension).
- `/dumps/FILE`, `/void`, `/.well-known/void`  the files of `dist/` and their VoID/DCAT description.
- `/`         the web page for researchers (kg/serve/web/, its SPARQL editor vendored in kg/serve/web/vendor/);
              `/prefixes.json` the prefixes it completes.

Limits and their answers (documented in README, tested in tests/test_server_limits.py):
- a query past `--timeout` seconds: its worker process is killed and replaced; answer 503.
- an answer past `--max-rows` rows or triples: 413 with the limit in the message (never truncated).
- a request body or query string past `--max-request-bytes`: 413.
- a malformed query: 400 with the parser's message; SERVICE, LOAD, FROM <graph not in the
  dataset>: 403; a method other than GET/POST/OPTIONS: 405; an unknown media type: 415.

Answers to queries are kept in a bounded LRU cache (`ResultCache`, `--cache-entries`, 0 turns it
off): the served dataset does not change unless updates are on, and every update empties it.
Errors are never kept. The response header `X-Cache: hit|miss` says which it was.
"""
from __future__ import annotations

import asyncio
import functools
import hmac
import json
import logging
import os
import pickle
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
from collections import OrderedDict
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Iterable
from urllib.parse import parse_qsl

import pyoxigraph as ox
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from kg.errors import InputError
from kg.namespaces import BASE, DATASET_GRAPHS
from kg.query.catalogue import QueryCatalogueError, load_catalogue
from kg.query.safety import UnsafeQueryError, check_query
from kg.serve import pages
from kg.serve.config import (  # noqa: F401
    DEFAULT_CACHE_BYTES,
    DEFAULT_CACHE_ENTRIES,
    DEFAULT_MAX_REQUEST_BYTES,
    DEFAULT_MAX_ROWS,
    DEFAULT_TIMEOUT_S,
    DEFAULT_WORKERS,
    ServerConfig,
)
from kg.serve.worker import FRAME_HEADER, MessageSocket, frame

log = logging.getLogger("kg.serve.app")

WEB_DIR = Path(__file__).resolve().parent / "web"


class HTTPProblem(Exception):
    """An error answered to the client as `status` with a message for people."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


# --- the worker pool -------------------------------------------------------------------------

class WorkerTimeout(Exception):
    pass


def _worker_env() -> dict[str, str]:
    # the worker imports this very package, installed or not
    env = dict(os.environ)
    here = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = here + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


class _Worker:
    """One worker process, started as `python -m kg.serve.worker FD SOURCE` over a socket pair.

    A plain subprocess (not multiprocessing's spawn) so that starting a worker never re-imports
    the parent's __main__, whatever program embeds the server. The constructor blocks (it runs in
    a thread) until the worker has loaded the dataset; `call` is asyncio, reading the reply from
    the event loop itself.
    """

    def __init__(self, source: dict):
        parent, child = socket.socketpair()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "kg.serve.worker", str(child.fileno()), json.dumps(source)],
            pass_fds=(child.fileno(),), stdin=subprocess.DEVNULL, env=_worker_env())
        child.close()
        self.sock = parent
        self._streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None
        parent.settimeout(120)
        try:
            hello = MessageSocket(parent).recv()
        except socket.timeout:
            self.kill()
            raise RuntimeError("the query worker did not start within 120 s")
        except (EOFError, OSError):
            self.kill()
            raise RuntimeError("the query worker stopped while starting (see its message above)")
        parent.settimeout(None)
        if hello[0] != "ready":
            self.kill()
            raise RuntimeError(hello[2])

    async def call(self, req: dict, timeout_s: float) -> tuple:
        if self._streams is None:  # made in the loop that uses them (the socket turns non-blocking)
            self._streams = await asyncio.open_connection(sock=self.sock, limit=1 << 20)
        reader, writer = self._streams

        async def exchange() -> tuple:
            writer.write(frame(req))
            await writer.drain()
            (n,) = FRAME_HEADER.unpack(await reader.readexactly(FRAME_HEADER.size))
            return pickle.loads(await reader.readexactly(n))

        try:
            # a little grace over the worker's own deadline check, which answers cleanly when it can
            return await asyncio.wait_for(exchange(), timeout_s + 0.5)
        except asyncio.TimeoutError:
            raise WorkerTimeout() from None
        except asyncio.IncompleteReadError as exc:
            raise EOFError("the query worker closed its connection") from exc

    def abort_streams(self) -> None:
        """Drop the asyncio connection (event loop thread only: transports are not thread-safe)."""
        if self._streams is not None:
            self._streams[1].transport.abort()  # closes the socket without flushing
            self._streams = None

    def kill(self) -> None:
        """Stop the process (blocks up to 5 s: from a thread, after `abort_streams` in the loop)."""
        try:
            self.process.kill()
            self.process.wait(5)
        finally:
            if self._streams is None:
                self.sock.close()  # an aborted transport closes the socket itself


class WorkerPool:
    """Child processes holding the store; a query past its time limit kills its worker.

    pyoxigraph cannot interrupt a query, and a thread stuck in one would hold a core forever;
    a process can be killed. The replacement is started in the background.
    """

    def __init__(self, source: dict, size: int):
        self.source = source
        self.size = max(1, size)
        self._idle: asyncio.Queue[_Worker] | None = None
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self.restarts = 0

    def _spawn(self) -> _Worker:
        w = _Worker(self.source)
        with self._lock:
            self._all.add(w)
        return w

    async def start(self) -> None:
        self._idle = asyncio.Queue()
        workers = await asyncio.gather(*(asyncio.to_thread(self._spawn) for _ in range(self.size)))
        for w in workers:
            self._idle.put_nowait(w)

    async def _replace(self) -> None:
        self.restarts += 1
        for attempt in range(5):
            try:
                w = await asyncio.to_thread(self._spawn)
            except Exception as exc:  # keep trying: a pool with no workers answers nothing
                log.error("could not start a query worker (attempt %d): %s", attempt + 1, exc)
                await asyncio.sleep(1)
                continue
            assert self._idle is not None
            self._idle.put_nowait(w)
            return

    async def _run(self, req: dict, timeout_s: float) -> tuple:
        assert self._idle is not None
        try:
            worker = await asyncio.wait_for(self._idle.get(), timeout=timeout_s)
        except asyncio.TimeoutError:
            raise HTTPProblem(503, f"the server is busy: no query worker was free within {timeout_s:g} s; "
                                   "try again shortly", {"Retry-After": "1"})
        try:
            reply = await worker.call(req, timeout_s)
        except WorkerTimeout:
            worker.abort_streams()
            await asyncio.to_thread(self._discard, worker)
            asyncio.get_running_loop().create_task(self._replace())
            raise
        except Exception as exc:  # EOF, a broken pipe, a garbled reply: never reuse that worker
            worker.abort_streams()
            await asyncio.to_thread(self._discard, worker)
            asyncio.get_running_loop().create_task(self._replace())
            raise HTTPProblem(500, f"the query worker failed unexpectedly ({type(exc).__name__}); "
                                   "it has been restarted, try again") from exc
        self._idle.put_nowait(worker)
        return reply

    def _discard(self, worker: _Worker) -> None:
        with self._lock:
            self._all.discard(worker)
        worker.kill()

    async def call(self, req: dict, timeout_s: float) -> tuple:
        # shielded: if the client goes away mid-query, the worker still returns to the pool
        return await asyncio.shield(asyncio.get_running_loop().create_task(self._run(req, timeout_s)))

    def close(self) -> None:
        """Stop every worker; called from the event loop (the app's lifespan)."""
        with self._lock:
            workers = list(self._all)
            self._all.clear()
        for w in workers:
            w.abort_streams()
            w.kill()


# --- the result cache ------------------------------------------------------------------------

class ResultCache:
    """Answers of queries, least recently used dropped first, bounded in entries and bytes.

    Valid because the served dataset is read-only; with updates on, `clear()` runs on every update
    and `generation` tells an answer computed before an update from one computed after it, so a
    query racing an update never stores a stale answer. Used from the event loop only (no lock).
    """

    def __init__(self, max_entries: int = DEFAULT_CACHE_ENTRIES, max_bytes: int = DEFAULT_CACHE_BYTES):
        self.max_entries = max(0, max_entries)
        self.max_bytes = max(0, max_bytes)
        self._items: OrderedDict[tuple, tuple[str, str, bytes]] = OrderedDict()
        self.size = 0
        self.generation = 0
        self.hits = self.misses = 0

    @property
    def enabled(self) -> bool:
        return self.max_entries > 0 and self.max_bytes > 0

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key: tuple) -> tuple[str, str, bytes] | None:
        if not self.enabled:
            return None
        value = self._items.get(key)
        if value is None:
            self.misses += 1
            return None
        self._items.move_to_end(key)
        self.hits += 1
        return value

    def put(self, key: tuple, value: tuple[str, str, bytes], generation: int) -> None:
        body = value[2]
        # one answer may take an eighth of the budget at most: a huge one would flush all others
        if not self.enabled or generation != self.generation or len(body) > self.max_bytes // 8:
            return
        old = self._items.pop(key, None)
        if old is not None:
            self.size -= len(old[2])
        self._items[key] = value
        self.size += len(body)
        while len(self._items) > self.max_entries or self.size > self.max_bytes:
            _, dropped = self._items.popitem(last=False)
            self.size -= len(dropped[2])

    def clear(self) -> None:
        self._items.clear()
        self.size = 0
        self.generation += 1


# --- content negotiation ---------------------------------------------------------------------

# (media type, format key) in the server's order of preference
TABULAR_OFFERS = [
    ("application/sparql-results+json", "json"), ("application/json", "json"),
    ("application/sparql-results+xml", "xml"), ("application/xml", "xml"), ("text/xml", "xml"),
    ("text/csv", "csv"), ("text/tab-separated-values", "tsv"),
]
GRAPH_OFFERS = [
    ("text/turtle", "turtle"), ("application/x-turtle", "turtle"),
    ("application/n-triples", "ntriples"), ("text/plain", "ntriples"),
    ("application/ld+json", "jsonld"), ("application/json", "jsonld"),
    ("application/rdf+xml", "rdfxml"), ("application/xml", "rdfxml"),
]
PAGE_OFFERS = [("text/html", "html"), ("application/xhtml+xml", "html")] + GRAPH_OFFERS
FORMAT_PARAM = {
    "json": ("json", "jsonld"), "srj": ("json", "jsonld"), "xml": ("xml", "rdfxml"),
    "srx": ("xml", "rdfxml"), "csv": ("csv", "turtle"), "tsv": ("tsv", "turtle"),
    "ttl": ("json", "turtle"), "turtle": ("json", "turtle"), "nt": ("json", "ntriples"),
    "ntriples": ("json", "ntriples"), "jsonld": ("json", "jsonld"), "rdf": ("xml", "rdfxml"),
    "rdfxml": ("xml", "rdfxml"),
}
EXTENSIONS = {".ttl": "turtle", ".nt": "ntriples", ".jsonld": "jsonld", ".rdf": "rdfxml", ".html": "html"}


def parse_accept(header: str | None) -> list[tuple[str, float, int]]:
    out = []
    for i, part in enumerate((header or "").split(",")):
        bits = [b.strip() for b in part.split(";")]
        if not bits[0]:
            continue
        q = 1.0
        for b in bits[1:]:
            if b.lower().startswith("q="):
                try:
                    q = float(b[2:])
                except ValueError:
                    q = 0.0
        out.append((bits[0].lower(), q, i))
    return out


def negotiate(accept: str | None, offers: list[tuple[str, str]], default: str) -> str:
    """The offer the client prefers (by q, then specificity, then the server's order)."""
    ranges = parse_accept(accept)
    if not ranges:
        return default
    best: tuple | None = None
    for order, (media, key) in enumerate(offers):
        mtype = media.split("/")[0]
        for rng, q, _ in ranges:
            if rng == media:
                spec = 2
            elif rng == f"{mtype}/*":
                spec = 1
            elif rng == "*/*":
                spec = 0
            else:
                continue
            if q <= 0:
                continue
            score = (q, spec, -order)
            if best is None or score > best[0]:
                best = (score, key)
    return best[1] if best else default


def wants_html(request: Request) -> bool:
    """Only a client that names text/html gets a page (browsers do; curl's */* gets RDF)."""
    accept = request.headers.get("accept") or ""
    return "html" in accept and negotiate(accept, PAGE_OFFERS, "turtle") == "html"


# --- request parsing -------------------------------------------------------------------------

def _media_type(request: Request) -> tuple[str, str | None]:
    raw = request.headers.get("content-type", "")
    parts = [p.strip() for p in raw.split(";")]
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


def _decode_utf8(body: bytes, what: str) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise HTTPProblem(400, f"the {what} is not valid UTF-8 (byte {exc.start}); SPARQL requests "
                               "must be encoded in UTF-8") from exc


def _params(pairs: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for k, v in pairs:
        out.setdefault(k, []).append(v)
    return out


def _single(params: dict[str, list[str]], name: str) -> str | None:
    values = params.get(name)
    if not values:
        return None
    if len(values) > 1:
        raise HTTPProblem(400, f"the request has {len(values)} '{name}' parameters; send exactly one")
    return values[0]


def _query_string(request: Request, limit: int) -> dict[str, list[str]]:
    qs = request.url.query
    if len(qs) > limit:
        raise HTTPProblem(413, f"the query string is {len(qs)} bytes; this server accepts at most "
                               f"{limit} (--max-request-bytes); POST long queries instead")
    try:
        return _params(parse_qsl(qs, keep_blank_values=True, errors="strict"))
    except UnicodeDecodeError as exc:
        raise HTTPProblem(400, "the query string is not valid UTF-8 once percent-decoded") from exc


# --- SPARQL Update helpers -------------------------------------------------------------------

_UPDATE_TOKEN = re.compile(r'''
    (?P<ws>\s+)
  | (?P<comment>\#[^\n]*)
  | (?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^'\\]|\\.|'(?!''))*\'\'\'
               |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$]\w+)
  | (?P<open>\{)
  | (?P<close>\})
  | (?P<name>(?:[A-Za-z_][\w.-]*)?:[\w.%-]*|[A-Za-z_][\w-]*)
  | (?P<other>.)
''', re.X | re.S)


def _tokens(text: str):
    depth = 0
    for m in _UPDATE_TOKEN.finditer(text):
        kind = m.lastgroup
        if kind == "open":
            depth += 1
        elif kind == "close":
            depth = max(0, depth - 1)
        yield kind, m.group(), m.start(), depth


def prepare_update(text: str, using: list[str], using_named: list[str]) -> str:
    """Refuse LOAD/SERVICE; add the protocol's `using-graph-uri`s as USING clauses.

    The protocol's dataset parameters and the update's own USING/WITH must not meet (400).
    """
    where_positions: list[int] = []
    prev_keyword = None
    for kind, tok, pos, depth in _tokens(text):
        if kind in ("ws", "comment"):
            continue
        word = tok.upper() if kind == "name" and ":" not in tok else None
        if word in ("LOAD", "SERVICE"):
            raise HTTPProblem(403, f"{word} is refused: it would make this server reach the network")
        if depth == 0 and word in ("USING", "WITH") and (using or using_named):
            raise HTTPProblem(400, "the update has its own USING/WITH clause and the request also gives "
                                   "using-graph-uri/using-named-graph-uri; give the dataset one way only")
        if depth == 0 and word == "WHERE" and prev_keyword != "DELETE":
            where_positions.append(pos)
        prev_keyword = word
    if not (using or using_named):
        return text
    clause = " ".join([f"USING <{g}>" for g in using] + [f"USING NAMED <{g}>" for g in using_named]) + " "
    for pos in reversed(where_positions):
        text = text[:pos] + clause + text[pos:]
    return text


@functools.lru_cache(maxsize=1024)
def _safety_refusal(text: str, graphs: frozenset[str]) -> str | None:
    """check_query's verdict, cached: it parses with rdflib (slow, and the GIL is shared with every
    request), and the canned queries come back again and again with the same text."""
    try:
        check_query(text, graphs)
    except UnsafeQueryError as exc:
        return str(exc)
    return None


def _check_graph_iri(iri: str, param: str) -> str:
    if not re.fullmatch(r"[a-zA-Z][a-zA-Z0-9+.-]*:[^<>\"{}|^`\\\x00-\x20]*", iri):
        raise HTTPProblem(400, f"{param}={iri!r} is not an absolute IRI")
    return iri


# --- the application -------------------------------------------------------------------------

class KGServer:
    """State shared by the request handlers: the page store, the worker pool, the catalogue."""

    def __init__(self, config: ServerConfig):
        self.config = config
        if not Path(config.nquads).is_file():
            raise InputError(f"{config.nquads}: no such dataset file; run `kg build` first")
        self.store = ox.Store()  # for the linked-data pages: pattern lookups, bounded and quick
        with open(config.nquads, "rb") as fh:
            self.store.bulk_load(fh, ox.RdfFormat.N_QUADS)
        self.graphs = {g.value for g in self.store.named_graphs() if isinstance(g, ox.NamedNode)}
        self.graphs |= {str(g) for g in DATASET_GRAPHS}
        self.catalogue = load_catalogue(config.root)
        self._tmpdir: str | None = None
        source: dict[str, Any] = {"nquads": str(Path(config.nquads).resolve())}
        workers = config.workers
        if config.allow_updates:
            # one writer holding an on-disk copy: updates survive a worker killed on timeout and
            # are seen by every later query; the built dataset in dist/ is never modified
            self._tmpdir = tempfile.mkdtemp(prefix="kg-serve-store-")
            source["store_dir"] = self._tmpdir
            workers = 1
        self.pool = WorkerPool(source, workers)
        self.cache = ResultCache(config.cache_entries, config.cache_bytes)
        self.pages = pages.PageRenderer(self.store, self.catalogue)
        self.download_paths = self._void_downloads()

    def _void_downloads(self) -> dict[str, Path]:
        """Server paths of the download URLs in dist/void.ttl (void:dataDump, dcat:downloadURL).

        The description names files under https://w3id.org/paradiplomacy/...; each one that is a
        file of dist/ is served at that same path, so the description holds on this server too.
        """
        files = self._dist_files()
        if "void.ttl" not in files:
            return {}
        out: dict[str, Path] = {}
        g = ox.Store()
        with open(files["void.ttl"], "rb") as fh:
            g.load(fh, ox.RdfFormat.TURTLE)
        for prop in ("http://rdfs.org/ns/void#dataDump", "http://www.w3.org/ns/dcat#downloadURL"):
            for q in g.quads_for_pattern(None, ox.NamedNode(prop), None, None):
                url = q.object.value if isinstance(q.object, ox.NamedNode) else ""
                name = url.rsplit("/", 1)[-1]
                if url.startswith(BASE) and name in files:
                    out["/" + url[len(BASE):]] = files[name]
        return out

    def close(self) -> None:
        self.pool.close()
        if self._tmpdir:
            shutil.rmtree(self._tmpdir, ignore_errors=True)

    # -- SPARQL --

    def endpoint_url(self, request: Request) -> str:
        return str(request.url.replace(query="", fragment="")).rstrip("?")

    async def sparql(self, request: Request) -> Response:
        limit = self.config.max_request_bytes
        url_params = _query_string(request, limit)
        if request.method == "GET":
            if "update" in url_params:
                raise HTTPProblem(400, "an update must be sent with POST (form field 'update' or body "
                                       "of type application/sparql-update), never with GET")
            query = _single(url_params, "query")
            if query is None:
                return self.service_description(request)
            return await self.run_query(request, query, url_params)
        # POST
        media, charset = _media_type(request)
        if charset and charset not in ("utf-8", "utf8"):
            raise HTTPProblem(415, f"charset={charset} is not supported; send the request in UTF-8")
        if media == "application/x-www-form-urlencoded":
            body = _decode_utf8(await read_body(request, limit), "form body")
            form = _params(parse_qsl(body, keep_blank_values=True))
            merged = {k: url_params.get(k, []) + form.get(k, []) for k in set(url_params) | set(form)}
            has_query, has_update = "query" in form, "update" in form
            if has_query and has_update:
                raise HTTPProblem(400, "the form has both 'query' and 'update'; send one operation a request")
            if has_query:
                return await self.run_query(request, _single(form, "query") or "", merged)
            if has_update:
                return await self.run_update(request, _single(form, "update") or "", merged)
            raise HTTPProblem(400, "the form has neither a 'query' nor an 'update' field")
        if media == "application/sparql-query":
            text = _decode_utf8(await read_body(request, limit), "query")
            return await self.run_query(request, text, url_params)
        if media == "application/sparql-update":
            text = _decode_utf8(await read_body(request, limit), "update")
            return await self.run_update(request, text, url_params)
        if not media:
            raise HTTPProblem(400, "a POST needs a Content-Type: application/x-www-form-urlencoded, "
                                   "application/sparql-query or application/sparql-update")
        raise HTTPProblem(415, f"Content-Type {media} is not accepted here; use application/x-www-form-"
                               "urlencoded, application/sparql-query or application/sparql-update")

    async def update_endpoint(self, request: Request) -> Response:
        if request.method == "GET":
            raise HTTPProblem(405, "updates are sent with POST", {"Allow": "POST, OPTIONS"})
        media, _ = _media_type(request)
        if media == "application/sparql-query":
            raise HTTPProblem(400, "this is the update endpoint; send queries to /sparql")
        return await self.sparql(request)

    def _formats(self, request: Request, params: dict[str, list[str]]) -> tuple[str, str]:
        fmt = _single(params, "format")
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
        refusal = _safety_refusal(text, frozenset(self.graphs))
        if refusal:
            raise HTTPProblem(403, refusal)
        defaults = [_check_graph_iri(g, "default-graph-uri") for g in params.get("default-graph-uri", [])]
        named = [_check_graph_iri(g, "named-graph-uri") for g in params.get("named-graph-uri", [])]
        result_format, graph_format = self._formats(request, params)
        base_iri = self.endpoint_url(request)
        subs = subs or {}
        # everything the answer depends on (limits and prefixes are fixed for the server's life)
        key = (text, tuple(sorted(subs.items())), base_iri, tuple(defaults), tuple(named),
               result_format, graph_format)
        cached = self.cache.get(key)
        if cached is not None:
            _kind, ctype, body = cached
            headers = {"Vary": "Accept", "X-Cache": "hit"}
        else:
            generation = self.cache.generation
            req = {
                "op": "query", "text": text, "subs": subs, "base_iri": base_iri,
                "default_graph": defaults if (defaults or named) else None,
                "named_graphs": named if (defaults or named) else None,
                "result_format": result_format, "graph_format": graph_format,
                "max_rows": self.config.max_rows, "timeout_s": self.config.timeout_s,
                "prefixes": pages.TURTLE_PREFIXES,
            }
            reply = await self._call(req)  # an error raises HTTPProblem here: never cached
            _, _kind, ctype, body, _n = reply
            self.cache.put(key, (_kind, ctype, body), generation)
            headers = {"Vary": "Accept", "X-Cache": "miss"}
        if _single(params, "download"):
            ext = {"json": "json", "xml": "xml", "csv": "csv", "tsv": "tsv"}.get(result_format, "txt") \
                if _kind != "rdf" else {"turtle": "ttl", "ntriples": "nt", "jsonld": "jsonld",
                                        "rdfxml": "rdf"}[graph_format]
            name = re.sub(r"[^\w.-]", "_", _single(params, "download") or "result")
            headers["Content-Disposition"] = f'attachment; filename="{name}.{ext}"'
        return Response(body, media_type=ctype, headers=headers)

    async def _call(self, req: dict) -> tuple:
        try:
            reply = await self.pool.call(req, self.config.timeout_s)
        except WorkerTimeout:
            raise HTTPProblem(503, f"the query ran past this server's time limit of "
                                   f"{self.config.timeout_s:g} s and was stopped; narrow it or add a LIMIT")
        if reply[0] == "error":
            kind, message = reply[1], reply[2]
            if kind == "syntax":
                raise HTTPProblem(400, message)
            if kind == "limit":
                raise HTTPProblem(413, message)
            if kind == "timeout":
                raise HTTPProblem(503, f"the query ran past this server's time limit of "
                                       f"{self.config.timeout_s:g} s and was stopped; narrow it or add a LIMIT")
            raise HTTPProblem(500, message)
        return reply

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
        using = [_check_graph_iri(g, "using-graph-uri") for g in params.get("using-graph-uri", [])]
        using_named = [_check_graph_iri(g, "using-named-graph-uri") for g in params.get("using-named-graph-uri", [])]
        text = prepare_update(text, using, using_named)
        # emptied before and after: no answer computed around the update survives it (even on failure)
        self.cache.clear()
        try:
            await self._call({"op": "update", "text": text, "base_iri": self.endpoint_url(request),
                              "persist": True})
        finally:
            self.cache.clear()
        reply = await self._call({"op": "graphs"})
        self.graphs = set(reply[3]) | {str(g) for g in DATASET_GRAPHS}
        return PlainTextResponse("update done\n")

    def service_description(self, request: Request) -> Response:
        if wants_html(request):
            return RedirectResponse("/", status_code=303)
        fmt = negotiate(request.headers.get("accept"), GRAPH_OFFERS, "turtle")
        ttl = pages.service_description(self.endpoint_url(request), sorted(self.graphs),
                                        self.config.allow_updates)
        return pages.rdf_response(ttl, fmt)

    # -- canned queries --

    async def queries_list(self, request: Request) -> Response:
        if wants_html(request) and request.query_params.get("format") != "json":
            return HTMLResponse(self.pages.queries_page())
        return JSONResponse([pages.query_json(q) for q in self.catalogue.values()])

    async def canned_query(self, request: Request) -> Response:
        name = request.path_params["name"]
        q = self.catalogue.get(name)
        if q is None:
            raise HTTPProblem(404, f"no canned query named {name!r}; /queries lists them")
        params = _query_string(request, self.config.max_request_bytes)
        values = {}
        for k, v in params.items():
            if k in ("format", "download"):
                continue
            if len(v) > 1:
                raise HTTPProblem(400, f"parameter {k} is given {len(v)} times; give it once")
            values[k] = v[0]
        try:
            bound = q.bind(values)
        except QueryCatalogueError as exc:
            raise HTTPProblem(400, str(exc)) from exc
        subs = {k: pages.rdflib_to_tuple(v) for k, v in bound.items()}
        return await self.run_query(request, q.text, {k: v for k, v in params.items()
                                                      if k in ("format", "download")}, subs)

    # -- linked data, dumps --

    async def resource(self, request: Request) -> Response:
        if request.url.path in self.download_paths:
            name = self.download_paths[request.url.path].name
            return FileResponse(self.download_paths[request.url.path], media_type=pages.media_type_for(name))
        path = request.url.path.lstrip("/")
        fmt = None
        for ext, key in EXTENSIONS.items():
            if path.endswith(ext) and not self.pages.exists(BASE + path):
                path, fmt = path[: -len(ext)], key
                break
        iri = BASE + path
        if fmt is None:
            fmt = request.query_params.get("format")
            fmt = {"ttl": "turtle", "nt": "ntriples", "rdf": "rdfxml"}.get(fmt or "", fmt)
            if fmt not in ("html", "turtle", "ntriples", "jsonld", "rdfxml"):
                fmt = negotiate(request.headers.get("accept"), PAGE_OFFERS, "html")
        if path == "ontology" or path.startswith("ontology/"):
            return self.ontology(fmt)
        if not self.pages.exists(iri):
            if fmt == "html":
                return HTMLResponse(self.pages.not_found(iri), status_code=404)
            raise HTTPProblem(404, f"<{iri}> is not in this dataset")
        if fmt == "html":
            return HTMLResponse(self.pages.resource_page(iri), headers={"Vary": "Accept"})
        return pages.rdf_response(self.pages.describe_turtle(iri), fmt, headers={"Vary": "Accept"})

    def ontology(self, fmt: str) -> Response:
        if fmt == "html":
            return HTMLResponse(self.pages.ontology_page(), headers={"Vary": "Accept"})
        dist_file = self.config.dist / "ontology.ttl" if self.config.dist else None
        if fmt == "turtle" and dist_file and dist_file.is_file():
            return FileResponse(dist_file, media_type="text/turtle; charset=utf-8", headers={"Vary": "Accept"})
        return pages.rdf_response(self.pages.graph_turtle(BASE + "graph/ontology"), fmt,
                                  headers={"Vary": "Accept"})

    def _dist_files(self) -> dict[str, Path]:
        d = self.config.dist
        if not d or not d.is_dir():
            return {}
        return {p.name: p for p in sorted(d.iterdir()) if p.is_file() and not p.name.startswith(".")}

    async def dumps(self, request: Request) -> Response:
        name = request.path_params.get("name")
        files = self._dist_files()
        if not name:
            if wants_html(request):
                return HTMLResponse(self.pages.dumps_page(files))
            return JSONResponse([{"name": n, "bytes": p.stat().st_size, "url": f"/dumps/{n}"}
                                 for n, p in files.items()])
        if name not in files:  # only files listed in dist/: no path ever reaches the disk
            raise HTTPProblem(404, f"no dump named {name!r}; /dumps lists them")
        return FileResponse(files[name], media_type=pages.media_type_for(name))

    async def void(self, request: Request) -> Response:
        files = self._dist_files()
        if "void.ttl" not in files:
            raise HTTPProblem(404, "dist/void.ttl is missing: run `kg build`")
        fmt = negotiate(request.headers.get("accept"), GRAPH_OFFERS, "turtle")
        if fmt == "turtle":
            return FileResponse(files["void.ttl"], media_type="text/turtle; charset=utf-8")
        return pages.rdf_response(files["void.ttl"].read_text(encoding="utf-8"), fmt)

    async def index(self, request: Request) -> Response:
        return FileResponse(WEB_DIR / "index.html", media_type="text/html; charset=utf-8")


def _problem_response(request: Request, exc: HTTPProblem) -> Response:
    return PlainTextResponse(exc.message + "\n", status_code=exc.status, headers=exc.headers)


def create_app(config: ServerConfig) -> Starlette:
    """The Starlette application; the worker pool starts with the app's lifespan."""
    kg = KGServer(config)

    @asynccontextmanager
    async def lifespan(app):
        await kg.pool.start()
        try:
            yield
        finally:
            kg.close()

    def handler(fn):
        async def wrapped(request: Request) -> Response:
            try:
                return await fn(request)
            except HTTPProblem as exc:
                return _problem_response(request, exc)
            except QueryCatalogueError as exc:
                return PlainTextResponse(str(exc) + "\n", status_code=400)
        return wrapped

    routes = [
        Route("/", handler(kg.index), methods=["GET", "HEAD"]),
        Route("/sparql", handler(kg.sparql), methods=["GET", "POST", "HEAD"]),
        Route("/sparql/", handler(kg.sparql), methods=["GET", "POST", "HEAD"]),
        Route("/update", handler(kg.update_endpoint), methods=["POST", "GET"]),
        Route("/queries", handler(kg.queries_list), methods=["GET", "HEAD"]),
        Route("/queries/{name}", handler(kg.canned_query), methods=["GET", "HEAD"]),
        Route("/dumps", handler(kg.dumps), methods=["GET", "HEAD"]),
        Route("/dumps/{name}", handler(kg.dumps), methods=["GET", "HEAD"]),
        Route("/void", handler(kg.void), methods=["GET", "HEAD"]),
        Route("/.well-known/void", handler(kg.void), methods=["GET", "HEAD"]),
        Route("/health", lambda r: PlainTextResponse("ok\n"), methods=["GET", "HEAD"]),
        # the prefixes the pages use, for the editor's prefix completion (instead of prefix.cc)
        Route("/prefixes.json", lambda r: JSONResponse(pages.TURTLE_PREFIXES), methods=["GET", "HEAD"]),
        Mount("/static", app=StaticFiles(directory=WEB_DIR), name="static"),
        Route("/{path:path}", handler(kg.resource), methods=["GET", "HEAD"]),
    ]
    middleware = [Middleware(CORSMiddleware, allow_origins=config.cors_origins,
                             allow_methods=["GET", "POST", "OPTIONS"],
                             allow_headers=["Content-Type", "Accept", "Authorization"],
                             expose_headers=["Content-Disposition"], max_age=3600)]
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan)
    app.state.kg = kg
    return app
