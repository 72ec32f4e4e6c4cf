"""The query worker of `kg serve`: one child process holding the dataset in an `OxigraphEngine`.

pyoxigraph cannot cancel a running query, so the server runs every SPARQL operation in a child
process it can kill when the time limit passes (`kg.serve.pool`). Queries run through
`OxigraphEngine.evaluate`, the engine of `kg query`, and answers are written by
`kg.query.results` (SPARQL results; JSON by pyoxigraph's own writer, `write_solutions`, the same
bytes) and `kg.serve.conneg.write_graph` (graphs), so the endpoint answers what the command line
answers.

Requests and replies are plain tuples and dicts, pickled, each sent as one frame over a socket
pair (`MessageSocket`): a 16-byte header (the pickle's length, the raw body's length or `NO_BODY`),
the pickle, then an answer's body as raw bytes (an ("ok", ...) reply's body is taken out of the
pickle and sent as it is, by one `sendmsg` of the three parts: the answer is neither copied into a
pickle nor out of one). The server reads the frames with asyncio (`kg.serve.pool._Channel`), so a
reply wakes its event loop directly (no thread waiting for the GIL in between).
Terms travel in the wire form of `kg.terms` (`to_wire` / `wire_to_oxigraph`). A reply is
`("ok", kind, media type, body, size)` (size: the rows, triples or 1; None for an answer
pyoxigraph wrote, whose rows are bounded, not counted) or `("error", kind, message)`, kind one of syntax, limit,
timeout, failure, unsafe (refused by the guard), complex (nested too deeply), evaluation (the
query's own fault: an unknown function, ...), memory (the worker went past its memory limit; it
exits after this reply and is replaced).

The guard (`kg.query.guard`) runs here, before the engine, never on the server's event loop. The
walls the worker puts up around itself when it starts are reported in its first message: its own
network namespace where the platform allows it (`isolate_network`: then SERVICE and LOAD have no
network to reach even if the guard were wrong), and a memory watchdog (`MemoryWatchdog`).

The read-only store is loaded once, by `zygote_main`, which puts up the network wall first and then
forks every worker (`serve`): the workers share the store's pages copy-on-write and inherit the
namespace. A forked worker's resident memory still counts the store's pages it has mapped, so the
watchdog's limit means what it meant when each worker loaded its own copy. With updates, the worker
is started alone (`worker_main`) and opens its on-disk store itself.
"""
from __future__ import annotations

import ctypes
import gc
import json
import os
import pickle
import signal
import socket
import struct
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.errors import QueryError, QueryLimitError, QuerySyntaxError, QueryTimeoutError
from kg.namespaces import DATASET_GRAPHS
from kg.query.diagnose import diagnose
from kg.query.embedded import OxigraphEngine, OxigraphRows
from kg.query.guard import MAX_DEPTH, QueryTooComplexError, UnsafeQueryError, inspect
from kg.query.results import NATIVE_FORMATS, RESULT_FORMATS, write_boolean, write_select, write_solutions
from kg.serve.conneg import write_graph
from kg.terms import wire_to_oxigraph

# --- messages --------------------------------------------------------------------------------

FRAME_HEADER = struct.Struct("!QQ")  # the length of the pickled message, then of the raw body (or NO_BODY)
NO_BODY = 2**64 - 1
BODY_SLOT = 3  # ("ok", kind, media type, body, size): the body travels raw, after the pickle


def frame_parts(obj: Any) -> tuple[bytes, bytes, bytes]:
    """The header, the pickle and the raw body of the frame of `obj`: an ("ok", ...) reply whose
    body is bytes has it sent raw (None in its place in the pickle); anything else is pickled whole."""
    if type(obj) is tuple and len(obj) > BODY_SLOT and obj[0] == "ok" and type(obj[BODY_SLOT]) is bytes:
        body = obj[BODY_SLOT]
        meta = pickle.dumps(obj[:BODY_SLOT] + (None,) + obj[BODY_SLOT + 1:], protocol=pickle.HIGHEST_PROTOCOL)
        return FRAME_HEADER.pack(len(meta), len(body)), meta, body
    meta = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    return FRAME_HEADER.pack(len(meta), NO_BODY), meta, b""


def frame(obj: Any) -> bytes:
    """The frame of `obj` as one string of bytes."""
    return b"".join(frame_parts(obj))


def unframe(meta: bytes | memoryview, body: bytes | None) -> Any:
    """The message of a frame: its pickle, and its raw body (None: the frame had none) put back."""
    obj = pickle.loads(meta)
    if body is not None:
        obj = obj[:BODY_SLOT] + (body,) + obj[BODY_SLOT + 1:]
    return obj


class MessageSocket:
    """Blocking framed messages over a stream socket (the worker's side, and the start handshake).

    Pickle is safe here: both ends are this program, over a socket pair no one else holds.
    """

    def __init__(self, sock: socket.socket):
        self.sock = sock
        self.lock = threading.Lock()  # the memory watchdog may send from its own thread
        self._ahead = bytearray()

    def send(self, obj: Any) -> None:
        parts = [p for p in frame_parts(obj) if p]
        with self.lock:
            sent = self.sock.sendmsg(parts)  # one system call for the three parts, nothing copied
            total = sum(len(p) for p in parts)
            if sent < total:  # rare: the socket took part of it (a large answer)
                self.sock.sendall(memoryview(b"".join(parts))[sent:])

    def _exactly(self, n: int) -> bytes:
        # read ahead (a whole request usually comes in one system call); what is read past the
        # frame is the start of the next one
        buf = self._ahead
        while len(buf) < n:
            chunk = self.sock.recv(max(n - len(buf), 1 << 16))
            if not chunk:
                raise EOFError("the other end closed the connection")
            buf += chunk
        out = bytes(buf[:n]) if len(buf) > n else bytes(buf)
        del buf[:n]
        return out

    def recv(self) -> Any:
        n, body_len = FRAME_HEADER.unpack(self._exactly(FRAME_HEADER.size))
        meta = self._exactly(n)
        return unframe(meta, None if body_len == NO_BODY else self._exactly(body_len))


# --- the store -------------------------------------------------------------------------------

def open_engine(source: dict) -> OxigraphEngine:
    """The dataset `source["nquads"]` in memory, or, with `source["store_dir"]` (updates on), on
    disk there, so that a worker killed on timeout loses no update (loaded once, then reopened)."""
    nquads = source.get("nquads")
    store_dir = source.get("store_dir")
    if not store_dir:
        return OxigraphEngine.from_nquads(Path(nquads)) if nquads else OxigraphEngine()
    marker = Path(store_dir) / ".kg-loaded"
    store = ox.Store(store_dir)
    if not marker.exists():
        if nquads:
            with open(nquads, "rb") as fh:
                store.bulk_load(fh, ox.RdfFormat.N_QUADS)
        store.flush()
        marker.write_text("loaded\n")
    return OxigraphEngine(store)


# --- the walls -------------------------------------------------------------------------------

CLONE_NEWUSER, CLONE_NEWNET = 0x10000000, 0x40000000


def isolate_network() -> str:
    """Move this process into a network namespace of its own (no interface but a loopback that is
    down), so no query can open a connection whatever the guard decides. Must run while the process
    has one thread. Returns what was done, for /health ("isolated" or why not)."""
    if not sys.platform.startswith("linux"):
        return f"not isolated: network namespaces are a Linux feature ({sys.platform})"
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError as exc:
        return f"not isolated: no C library ({exc})"
    for flags in (CLONE_NEWNET, CLONE_NEWUSER | CLONE_NEWNET):
        if libc.unshare(flags) == 0:
            return "isolated"
        err = ctypes.get_errno()
    return f"not isolated: unshare refused ({os.strerror(err)})"


def _rss_bytes() -> int | None:
    try:
        with open("/proc/self/statm", "rb") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


class MemoryWatchdog:
    """A thread that watches the worker's resident memory every few milliseconds while a request is
    being answered (`busy`: between requests nothing runs that could grow it, and an idle worker
    then costs no CPU: the polling took 20-27 ms of CPU a second per idle worker). Past `limit`
    bytes beyond its resident memory when it became ready (`baseline`: the interpreter and the
    store, which a worker forked from the zygote maps too) it answers the request in progress with
    ("error", "memory", ...) and ends the process: pyoxigraph cannot stop a query, and the
    allocator would abort the process anyway. The server replaces the worker; the client gets a
    refusal, not a dead connection. The limit is what a query may add: a store larger than it
    (1.9 GB at ~1M triples, against the default 1024 MB) does not refuse every query."""

    def __init__(self, conn: "MessageSocket", limit: int, period_s: float = 0.005):
        self.conn, self.limit, self.period_s = conn, limit, period_s
        self.baseline = _rss_bytes()
        self.active = self.baseline is not None
        self.busy = threading.Event()

    def start(self) -> None:
        if self.active and self.limit > 0:
            threading.Thread(target=self._watch, daemon=True, name="memory-watchdog").start()

    def _watch(self) -> None:
        statm = os.open("/proc/self/statm", os.O_RDONLY)  # kept open: one read a look
        page = os.sysconf("SC_PAGE_SIZE")
        while True:
            self.busy.wait()
            try:
                rss = int(os.pread(statm, 128, 0).split()[1]) * page
            except (OSError, ValueError, IndexError):
                rss = _rss_bytes()
            if rss is not None and rss > self.baseline + self.limit:
                try:
                    self.conn.send(("error", "memory",
                                    f"the query needed more than {self.limit // 2**20} MB of memory beyond "
                                    "the dataset's (this server's limit per query, --max-memory) and was stopped"))
                finally:
                    os._exit(75)
            time.sleep(self.period_s)


# --- the operations --------------------------------------------------------------------------

# a query request's "allowed_graphs" naming the graphs of this worker's own store and the dataset's
# graphs (kg.namespaces.DATASET_GRAPHS): what FROM may name. Sent instead of the list itself, which
# grows with the data (3,232 graphs at 10x: 227 KB pickled and a 3,232-string set built on every
# request, about 4 ms of the server's CPU for an ASK {} on a loaded 2-core machine)
STORE_GRAPHS = "store"


class _StoreGraphs:
    """The graphs FROM may name, read once from the store and kept (the same frozenset object, so
    the guard's verdict cache hashes it once); forgotten after an operation that may change them."""
    value: frozenset | None = None

    @classmethod
    def of(cls, engine: OxigraphEngine) -> frozenset:
        if cls.value is None:
            cls.value = frozenset({g.value for g in engine.store.named_graphs() if isinstance(g, ox.NamedNode)}
                                  | {str(g) for g in DATASET_GRAPHS})
        return cls.value


def run_query(engine: OxigraphEngine, req: dict) -> tuple:
    """A query, answered in the request's result or graph format. A SELECT answered in JSON (the
    protocol's default) is written by pyoxigraph itself (`write_solutions`: the same bytes as `write_select`, without
    taking every term through Python); the other answers are collected, then written here."""
    timeout_s = req["timeout_s"]
    started = time.monotonic()
    try:
        allowed = req.get("allowed_graphs")
        inspect(req["text"], mode="query",
                allowed_graphs=_StoreGraphs.of(engine) if allowed == STORE_GRAPHS else allowed,
                max_depth=req.get("max_depth", MAX_DEPTH))
    except QueryTooComplexError as exc:
        return ("error", "complex", str(exc))
    except UnsafeQueryError as exc:
        return ("error", "unsafe", str(exc))
    fmt = req["result_format"]
    max_bytes = req.get("max_bytes")
    try:
        subs = {k: wire_to_oxigraph(v) for k, v in (req.get("subs") or {}).items()}
        dataset = {"default_graph": req.get("default_graph"), "named_graphs": req.get("named_graphs"),
                   "base_iri": req.get("base_iri"),
                   "prefixes": req.get("prefixes")}  # predeclared: the service description says so
        res = engine.evaluate(req["text"], subs, **dataset)
        if fmt in NATIVE_FORMATS and isinstance(res, ox.QuerySolutions):
            body = write_solutions(fmt, res, max_rows=req["max_rows"], max_bytes=max_bytes or 0,
                                   timeout_s=timeout_s, started=started)
            return ("ok", "tabular", RESULT_FORMATS[fmt], body, None)
        res = engine.collect(res, started=started, timeout_s=timeout_s, row_limit=req["max_rows"])
    except QueryTimeoutError as exc:
        return ("error", "timeout", str(exc))
    except QueryLimitError as exc:
        return ("error", "limit", str(exc))
    except QuerySyntaxError as exc:
        return ("error", "syntax", str(exc))
    except QueryError as exc:
        return ("error", "evaluation", str(exc))
    except (OSError, RuntimeError, ValueError, TypeError) as exc:  # pyoxigraph: an unknown function, a bad argument
        return ("error", "evaluation", f"the query cannot be evaluated: {exc}")
    if isinstance(res, OxigraphRows):
        reply = ("ok", "tabular", RESULT_FORMATS[fmt], write_select(fmt, res.variables, res.rows), len(res.rows))
    elif isinstance(res, bool):
        body, media_type = write_boolean(fmt, res)
        reply = ("ok", "boolean", media_type, body, 1)
    else:
        body, media_type = write_graph(res, req["graph_format"], req.get("prefixes"))
        reply = ("ok", "rdf", media_type, body, len(res))
    if max_bytes and len(reply[3]) > max_bytes:
        return ("error", "limit", f"the answer is {len(reply[3])} bytes, more than this server's limit of "
                                  f"{max_bytes} bytes (--max-answer-bytes)")
    return reply


def run_update(engine: OxigraphEngine, req: dict) -> tuple:
    try:
        inspect(req["text"], mode="update", max_depth=req.get("max_depth", MAX_DEPTH))
    except QueryTooComplexError as exc:
        return ("error", "complex", str(exc))
    except UnsafeQueryError as exc:
        return ("error", "unsafe", str(exc))
    try:
        engine.store.update(req["text"], base_iri=req.get("base_iri"))
    except SyntaxError as exc:
        return ("error", "syntax", diagnose(req["text"], exc).message().replace("SPARQL", "SPARQL update", 1))
    except (RuntimeError, ValueError) as exc:
        return ("error", "evaluation", f"the update cannot be evaluated: {exc}")
    except OSError as exc:
        return ("error", "failure", f"update failed: {exc}")
    if req.get("persist"):
        engine.store.flush()
    return ("ok", "update", "text/plain; charset=utf-8", b"update done\n", 0)


GSP_FORMATS = {"text/turtle": ox.RdfFormat.TURTLE, "application/x-turtle": ox.RdfFormat.TURTLE,
               "application/n-triples": ox.RdfFormat.N_TRIPLES, "text/plain": ox.RdfFormat.N_TRIPLES,
               "application/rdf+xml": ox.RdfFormat.RDF_XML, "application/ld+json": ox.RdfFormat.JSON_LD,
               "text/n3": ox.RdfFormat.N3}


def run_graph_store(engine: OxigraphEngine, req: dict) -> tuple:
    """The Graph Store Protocol on one graph (`req["graph"]`, None for the default graph): get, put,
    post (`req["parts"]`: (media type, bytes) pairs, parsed here), delete. The store holds named
    graphs that may be empty (`add_graph`), so a PUT of nothing still creates the graph."""
    store = engine.store
    iri = req.get("graph")
    graph = ox.NamedNode(iri) if iri else ox.DefaultGraph()

    def exists() -> bool:
        if iri:
            return store.contains_named_graph(graph)
        return next(iter(store.quads_for_pattern(None, None, None, graph)), None) is not None

    action = req["action"]
    if action == "get":
        if iri and not exists():
            return ("error", "notfound", f"no graph <{iri}> in this store")
        triples = [ox.Triple(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, graph)]
        if len(triples) > req["max_rows"]:
            return ("error", "limit", f"the graph holds more than {req['max_rows']} triples (the result-size limit)")
        body, media_type = write_graph(triples, req["graph_format"], req.get("prefixes"))
        if req.get("max_bytes") and len(body) > req["max_bytes"]:
            return ("error", "limit", f"the graph is {len(body)} bytes, more than this server's limit of "
                                      f"{req['max_bytes']} bytes (--max-answer-bytes)")
        return ("ok", "rdf", media_type, body, len(triples))
    if action == "delete":
        if not exists():
            return ("error", "notfound", f"no graph <{iri}> in this store" if iri else "the default graph is empty")
        if iri:
            store.remove_graph(graph)
        else:
            store.clear_graph(graph)
        store.flush()
        return ("ok", "deleted", "", b"", 0)
    quads = []
    for media, data in req["parts"]:
        fmt = GSP_FORMATS.get(media)
        if fmt is None:
            return ("error", "media", f"Content-Type {media} is not read here; send one of {', '.join(GSP_FORMATS)}")
        try:
            for t in ox.parse(data, format=fmt, base_iri=req.get("base_iri"), without_named_graphs=True,
                              rename_blank_nodes=True):
                quads.append(ox.Quad(t.subject, t.predicate, t.object, graph))
        except (SyntaxError, ValueError) as exc:
            return ("error", "syntax", f"the {media} body cannot be read: {exc}")
    existed = exists()
    if action == "put":
        if iri:
            if existed:
                store.remove_graph(graph)
        else:
            store.clear_graph(graph)
    if iri:
        store.add_graph(graph)
    store.extend(quads)
    store.flush()
    return ("ok", "existed" if existed else "created", "", b"", len(quads))


def named_graphs(engine: OxigraphEngine) -> tuple:
    return ("ok", "graphs", "", [g.value for g in engine.store.named_graphs() if isinstance(g, ox.NamedNode)], 0)


def worker_main(conn: MessageSocket, source: dict) -> None:
    """The child process: put up its walls, open the store, then answer requests until the
    connection closes."""
    network = isolate_network() if source.get("isolate_network", True) else "not isolated: turned off"
    try:
        engine = open_engine(source)
    except Exception as exc:  # report why the worker cannot start, then stop
        conn.send(("error", "failure", f"the query worker could not load the dataset: {exc}"))
        return
    serve(conn, engine, source, network)


def serve(conn: MessageSocket, engine: OxigraphEngine, source: dict, network: str) -> None:
    """Start the memory watchdog, say "ready", then answer requests until the connection closes."""
    watchdog = MemoryWatchdog(conn, int(source.get("max_memory") or 0))
    watchdog.start()
    memory = (f"limited to {watchdog.limit // 2**20} MB a query beyond the {watchdog.baseline // 2**20} MB "
              "the worker holds" if watchdog.active and watchdog.limit > 0 else "not limited")
    allocator = source.get("allocator")
    conn.send(("ready", {"network": network, "memory": memory, "pid": os.getpid(),
                         "allocator": f"preloaded {allocator}" if allocator else "the system's malloc",
                         "store": source.get("store_note", "loaded by this worker")}))
    operations = {"query": run_query, "update": run_update, "graph_store": run_graph_store,
                  "graphs": lambda e, _req: named_graphs(e)}
    while True:
        try:
            req = conn.recv()
        except (EOFError, OSError):
            return
        op = operations.get(req.get("op"))
        watchdog.busy.set()
        try:
            reply = op(engine, req) if op else ("error", "failure", f"unknown worker operation {req.get('op')!r}")
        except Exception as exc:  # a bug must not kill the worker silently: report it
            reply = ("error", "failure", f"internal error in the query worker: {type(exc).__name__}: {exc}")
        finally:
            if req.get("op") in ("update", "graph_store"):
                _StoreGraphs.value = None  # graphs may have come or gone
        try:
            conn.send(reply)
        except OSError:
            return
        finally:
            watchdog.busy.clear()


# --- the zygote ------------------------------------------------------------------------------

ZYGOTE_NOTE = "shared: forked from one process that loaded it"


def zygote_main(ctrl: socket.socket, source: dict) -> None:
    """The process that loads the read-only store once and forks the query workers from it, so that
    they share its pages copy-on-write instead of each loading a copy (`kg.serve.pool._Zygote`).

    It puts up the network wall (its workers inherit the namespace), loads the store, and says
    ("ready", {...}) on `ctrl`, a SOCK_SEQPACKET socket; then each message b"fork" carrying one
    descriptor (the worker's end of a new socket pair) forks a worker that serves it (`serve`) and
    is answered ("forked", pid) carrying the worker's pidfd, with which the server signals and
    watches a process that is not its child. It starts no thread, and pyoxigraph starts none while
    loading or answering (checked: /proc/self/task stays at 1), so forking it is safe. It exits when
    `ctrl` closes (the server gone); its workers, children it never waits for (SIGCHLD ignored:
    the kernel reaps them), exit when their own sockets close."""
    network = isolate_network() if source.get("isolate_network", True) else "not isolated: turned off"
    try:
        engine = open_engine(source)
        _StoreGraphs.of(engine)  # read once here, shared by every worker
    except Exception as exc:
        _send_packet(ctrl, ("error", "failure", f"the query worker could not load the dataset: {exc}"))
        return
    gc.collect()
    gc.freeze()  # the objects made so far are never traversed again by the workers' collector
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    _send_packet(ctrl, ("ready", {"network": network, "pid": os.getpid()}))
    source = dict(source, store_note=ZYGOTE_NOTE)
    while True:
        try:
            msg, fds, _flags, _addr = socket.recv_fds(ctrl, 64, 1)
        except OSError:
            return
        if not msg:
            return  # the server closed its end
        if msg != b"fork" or len(fds) != 1:
            for fd in fds:
                os.close(fd)
            _send_packet(ctrl, ("error", "failure", "the zygote was sent a malformed request"))
            continue
        pid = os.fork()
        if pid == 0:  # the worker
            code = 0
            try:
                ctrl.close()
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                serve(MessageSocket(socket.socket(fileno=fds[0])), engine, source, network)
            except BaseException:
                code = 1
            finally:
                os._exit(code)
        os.close(fds[0])
        try:
            pidfd = os.pidfd_open(pid)
        except OSError as exc:  # it died already (and was reaped)
            _send_packet(ctrl, ("error", "failure", f"the query worker ended at once: {exc}"))
            continue
        try:
            _send_packet(ctrl, ("forked", pid), pidfd)
        except OSError:
            return
        finally:
            os.close(pidfd)


def _send_packet(sock: socket.socket, obj: Any, fd: int | None = None) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    if fd is None:
        sock.sendall(data)
    else:
        socket.send_fds(sock, [data], [fd])


if __name__ == "__main__":
    if sys.argv[1] == "--zygote":
        zygote_main(socket.socket(fileno=int(sys.argv[2])), json.loads(sys.argv[3]))
    else:
        worker_main(MessageSocket(socket.socket(fileno=int(sys.argv[1]))), json.loads(sys.argv[2]))
