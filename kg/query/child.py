"""The embedded engine in a child process, so that a query is stopped at its time limit for real.

pyoxigraph cannot interrupt a query, and `OxigraphEngine` checks its time limit only between rows:
a query that returns no row (a count over a cross product, a filter nothing passes) runs on past
any limit. `ChildOxigraphEngine` answers as `OxigraphEngine` does (same `query`, same results,
same errors) but holds the store in a child process, as the query workers of `kg serve` do
(`kg.serve.pool`): past the time limit (and a little grace, for the child's own clean answer) the
child is killed and `QueryTimeoutError` raised; the next query starts a new child, which loads the
dataset again. `kg query` and `kg explain` run on it (`load_engine(..., stoppable=True)`).

The child is `python -m kg.query.child FD NQUADS`, talking over a socket pair in the framed pickles
of `kg.serve.worker` (both ends are this program). It sends ("ready",) once the dataset is loaded,
then answers each ("query", text, bindings, timeout_s, row_limit, prefixes) with ("ok", result)
(a `SelectResult`, a bool or an rdflib `Graph`'s triples) or ("error", exception).
"""
from __future__ import annotations

import os
import pickle
import socket
import struct
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Mapping

from rdflib import Graph
from rdflib.term import Node

from kg.errors import QueryError, QueryTimeoutError

GRACE_S = 0.5       # past the time limit, the child's own clean answer is waited for this long
START_TIMEOUT_S = 300.0
_HEADER = struct.Struct("!Q")


def _send(sock: socket.socket, obj: Any) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    sock.sendall(_HEADER.pack(len(data)) + data)


def _recv(sock: socket.socket, deadline: float | None) -> Any:
    def exactly(n: int) -> bytes:
        buf = bytearray()
        while len(buf) < n:
            if deadline is not None:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise socket.timeout()
                sock.settimeout(left)
            chunk = sock.recv(min(n - len(buf), 1 << 20))
            if not chunk:
                raise EOFError("the query process closed its connection")
            buf += chunk
        return bytes(buf)

    (n,) = _HEADER.unpack(exactly(_HEADER.size))
    return pickle.loads(exactly(n))


class ChildOxigraphEngine:
    """`OxigraphEngine` over `nquads`, in a child process killed at each query's time limit."""

    name = "oxigraph"

    def __init__(self, nquads: Path):
        self.nquads = Path(nquads)
        self._process: subprocess.Popen | None = None
        self._sock: socket.socket | None = None
        self._ready = False
        self.restarts = 0
        self._start()

    def _start(self) -> None:
        parent, child = socket.socketpair()
        env = dict(os.environ)
        here = str(Path(__file__).resolve().parents[2])  # the child imports this very package
        env["PYTHONPATH"] = here + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        self._process = subprocess.Popen(
            [sys.executable, "-m", "kg.query.child", str(child.fileno()), str(self.nquads)],
            pass_fds=(child.fileno(),), stdin=subprocess.DEVNULL, env=env)
        child.close()
        self._sock = parent
        self._ready = False  # the child loads the dataset while this process goes on

    def _wait_ready(self) -> None:
        assert self._sock is not None
        try:
            hello = _recv(self._sock, time.monotonic() + START_TIMEOUT_S)
        except (socket.timeout, EOFError, OSError):
            self.close()
            raise QueryError(f"the query process could not load {self.nquads} (see its message above)") from None
        if hello[0] != "ready":
            self.close()
            raise hello[1]
        self._ready = True

    def close(self) -> None:
        """Stop the child (the next query starts another)."""
        if self._process is not None:
            self._process.kill()
            self._process.wait()
            self._process = None
        if self._sock is not None:
            self._sock.close()
            self._sock = None

    def __del__(self):  # an engine dropped without close() leaves no process behind
        try:
            self.close()
        except Exception:
            pass

    def query(self, sparql: str, bindings: Mapping[str, Node] | None = None, *,
              timeout_s: float | None = None, row_limit: int | None = None,
              prefixes: Mapping[str, str] | None = None):
        """As `OxigraphEngine.query`; past `timeout_s` the child is killed: `QueryTimeoutError`."""
        from kg.query.embedded import DEFAULT_ROW_LIMIT, DEFAULT_TIMEOUT_S

        timeout_s = DEFAULT_TIMEOUT_S if timeout_s is None else timeout_s
        row_limit = DEFAULT_ROW_LIMIT if row_limit is None else row_limit
        if self._process is None:
            self.restarts += 1
            self._start()
        if not self._ready:
            self._wait_ready()
        assert self._sock is not None
        request = ("query", sparql, dict(bindings or {}), timeout_s, row_limit, dict(prefixes or {}))
        try:
            _send(self._sock, request)
            reply = _recv(self._sock, time.monotonic() + timeout_s + GRACE_S)
        except socket.timeout:
            self.close()
            raise QueryTimeoutError(f"the query ran past its time limit of {timeout_s:g} s and was "
                                    "stopped") from None
        except (EOFError, OSError) as exc:
            self.close()
            raise QueryError(f"the query process stopped unexpectedly ({exc}); try again") from None
        if reply[0] == "error":
            raise reply[1]
        result = reply[1]
        if reply[0] == "graph":
            g = Graph()
            for t in result:
                g.add(t)
            return g
        return result


def child_main(sock: socket.socket, nquads: str) -> None:
    from kg.query.embedded import OxigraphEngine

    try:
        engine = OxigraphEngine.from_nquads(Path(nquads))
    except Exception as exc:
        _send(sock, ("error", QueryError(f"cannot load {nquads}: {exc}")))
        return
    _send(sock, ("ready",))
    while True:
        try:
            _, text, bindings, timeout_s, row_limit, prefixes = _recv(sock, None)
        except (EOFError, OSError):
            return
        try:
            result = engine.query(text, bindings, timeout_s=timeout_s, row_limit=row_limit,
                                  prefixes=prefixes or None)
            reply = ("graph", list(result)) if isinstance(result, Graph) else ("ok", result)
        except Exception as exc:  # the engine's errors go to the caller as they are
            reply = ("error", exc)
        try:
            _send(sock, reply)
        except (pickle.PicklingError, TypeError, AttributeError) as exc:
            _send(sock, ("error", QueryError(f"the answer could not be passed on: {exc}")))
        except OSError:
            return


if __name__ == "__main__":
    child_main(socket.socket(fileno=int(sys.argv[1])), sys.argv[2])
