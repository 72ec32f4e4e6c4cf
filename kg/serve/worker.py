"""The query worker of `kg serve`: one child process holding the dataset in an `OxigraphEngine`.

pyoxigraph cannot cancel a running query, so the server runs every SPARQL operation in a child
process it can kill when the time limit passes (`kg.serve.pool`). Queries run through
`OxigraphEngine.query_native`, the engine of `kg query`, and answers are written by
`kg.query.results` (SPARQL results) and `kg.serve.conneg.write_graph` (graphs), so the endpoint
answers what the command line answers.

Requests and replies are plain tuples and dicts, pickled, each sent as one frame (an 8-byte
length, then the bytes) over a socket pair (`MessageSocket`); the server reads the frames with
asyncio, so a reply wakes its event loop directly (no thread waiting for the GIL in between).
Terms travel in the wire form of `kg.terms` (`to_wire` / `wire_to_oxigraph`). A reply is
`("ok", kind, media type, body, size)` or `("error", kind, message)`, kind one of syntax, limit,
timeout, failure.
"""
from __future__ import annotations

import json
import pickle
import socket
import struct
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.errors import QueryError, QueryLimitError, QuerySyntaxError, QueryTimeoutError
from kg.query.embedded import OxigraphEngine, OxigraphRows
from kg.query.results import RESULT_FORMATS, write_boolean, write_select
from kg.serve.conneg import write_graph
from kg.terms import wire_to_oxigraph

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


# --- the operations --------------------------------------------------------------------------

def run_query(engine: OxigraphEngine, req: dict) -> tuple:
    """A query, answered in the request's result or graph format."""
    timeout_s = req["timeout_s"]
    try:
        res = engine.query_native(
            req["text"], {k: wire_to_oxigraph(v) for k, v in (req.get("subs") or {}).items()},
            default_graph=req.get("default_graph"), named_graphs=req.get("named_graphs"),
            base_iri=req.get("base_iri"), timeout_s=timeout_s, row_limit=req["max_rows"],
            prefixes=req.get("prefixes"))  # predeclared: the service description says so
    except QueryTimeoutError as exc:
        return ("error", "timeout", str(exc))
    except QueryLimitError as exc:
        return ("error", "limit", str(exc))
    except QuerySyntaxError as exc:
        return ("error", "syntax", str(exc))
    except QueryError as exc:
        return ("error", "failure", str(exc))
    if isinstance(res, OxigraphRows):
        fmt = req["result_format"]
        return ("ok", "tabular", RESULT_FORMATS[fmt], write_select(fmt, res.variables, res.rows), len(res.rows))
    if isinstance(res, bool):
        body, media_type = write_boolean(req["result_format"], res)
        return ("ok", "boolean", media_type, body, 1)
    body, media_type = write_graph(res, req["graph_format"], req.get("prefixes"))
    return ("ok", "rdf", media_type, body, len(res))


def run_update(engine: OxigraphEngine, req: dict) -> tuple:
    try:
        engine.store.update(req["text"], base_iri=req.get("base_iri"))
    except SyntaxError as exc:
        return ("error", "syntax", f"SPARQL update syntax error: {exc}")
    except OSError as exc:
        return ("error", "failure", f"update failed: {exc}")
    if req.get("persist"):
        engine.store.flush()
    return ("ok", "update", "text/plain; charset=utf-8", b"update done\n", 0)


def named_graphs(engine: OxigraphEngine) -> tuple:
    return ("ok", "graphs", "", [g.value for g in engine.store.named_graphs() if isinstance(g, ox.NamedNode)], 0)


def worker_main(conn: MessageSocket, source: dict) -> None:
    """The child process: open the store, then answer requests until the connection closes."""
    try:
        engine = open_engine(source)
    except Exception as exc:  # report why the worker cannot start, then stop
        conn.send(("error", "failure", f"the query worker could not load the dataset: {exc}"))
        return
    conn.send(("ready",))
    operations = {"query": run_query, "update": run_update, "graphs": lambda e, _req: named_graphs(e)}
    while True:
        try:
            req = conn.recv()
        except (EOFError, OSError):
            return
        op = operations.get(req.get("op"))
        try:
            reply = op(engine, req) if op else ("error", "failure", f"unknown worker operation {req.get('op')!r}")
        except Exception as exc:  # a bug must not kill the worker silently: report it
            reply = ("error", "failure", f"internal error in the query worker: {type(exc).__name__}: {exc}")
        try:
            conn.send(reply)
        except OSError:
            return


if __name__ == "__main__":
    import sys

    worker_main(MessageSocket(socket.socket(fileno=int(sys.argv[1]))), json.loads(sys.argv[2]))
