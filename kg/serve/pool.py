"""The query workers of `kg serve`: child processes holding the store, killed past the time limit.

pyoxigraph cannot interrupt a query, and a thread stuck in one would hold a core forever; a
process can be killed. A killed or failed worker is replaced in the background. The pool knows
nothing of HTTP: it raises `PoolBusy`, `WorkerTimeout` or `WorkerFailed`, and the protocol layer
answers them.
"""
from __future__ import annotations

import asyncio
import json
import logging
import os
import pickle
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from kg.serve.worker import FRAME_HEADER, MessageSocket, frame

log = logging.getLogger("kg.serve.pool")


class PoolBusy(Exception):
    """No worker was free within the time limit."""


class WorkerTimeout(Exception):
    """The worker did not answer within the time limit; it was killed and is being replaced."""


class WorkerFailed(Exception):
    """The exchange with a worker failed (it died, or garbled its reply); it is being replaced."""


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
            raise RuntimeError("the query worker did not start within 120 s") from None
        except (EOFError, OSError):
            self.kill()
            raise RuntimeError("the query worker stopped while starting (see its message above)") from None
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
    """`size` workers over the dataset `nquads`; with `updates`, one worker over a private on-disk
    copy (updates survive a worker killed on timeout and are seen by every later query; the
    dataset file is never modified), removed by `close`."""

    def __init__(self, nquads: Path, size: int, *, updates: bool = False):
        self.source: dict = {"nquads": str(Path(nquads).resolve())}
        self._store_dir: str | None = None
        if updates:
            self._store_dir = tempfile.mkdtemp(prefix="kg-serve-store-")
            self.source["store_dir"] = self._store_dir
            size = 1
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

    async def _retire(self, worker: _Worker) -> None:
        worker.abort_streams()
        await asyncio.to_thread(self._discard, worker)
        asyncio.get_running_loop().create_task(self._replace())

    async def _run(self, req: dict, timeout_s: float) -> tuple:
        assert self._idle is not None
        try:
            worker = await asyncio.wait_for(self._idle.get(), timeout=timeout_s)
        except asyncio.TimeoutError:
            raise PoolBusy() from None
        try:
            reply = await worker.call(req, timeout_s)
        except WorkerTimeout:
            await self._retire(worker)
            raise
        except Exception as exc:  # EOF, a broken pipe, a garbled reply: never reuse that worker
            await self._retire(worker)
            raise WorkerFailed(type(exc).__name__) from exc
        self._idle.put_nowait(worker)
        return reply

    def _discard(self, worker: _Worker) -> None:
        with self._lock:
            self._all.discard(worker)
        worker.kill()

    async def call(self, req: dict, timeout_s: float) -> tuple:
        """The worker's reply to `req`; raises PoolBusy, WorkerTimeout or WorkerFailed."""
        # shielded: if the client goes away mid-query, the worker still returns to the pool
        return await asyncio.shield(asyncio.get_running_loop().create_task(self._run(req, timeout_s)))

    def close(self) -> None:
        """Stop every worker and remove the private store; called from the event loop (the app's lifespan)."""
        with self._lock:
            workers = list(self._all)
            self._all.clear()
        for w in workers:
            w.abort_streams()
            w.kill()
        if self._store_dir:
            shutil.rmtree(self._store_dir, ignore_errors=True)
