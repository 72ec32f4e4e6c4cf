"""The query workers of `kg serve`: child processes holding the store, killed past the time limit.

pyoxigraph cannot interrupt a query, and a thread stuck in one would hold a core forever; a
process can be killed. A worker is killed, and replaced in the background, when its query runs past
the time limit, when its client goes away, when it dies or passes its memory limit. Replacement
never gives up: it retries with a growing pause (at most `MAX_BACKOFF_S`) until a worker starts.

Every worker serves the same snapshot of the dataset (a private copy made when the pool starts), so
a rebuild of dist/ while the server runs cannot give two workers two datasets; `generation` names it
(the SHA-256 of its bytes, shortened). The read-only store is loaded once, by one process (the
zygote, `_Zygote`), which forks every worker: they share the store's pages copy-on-write instead of
each holding a copy, and a replacement is a fork (milliseconds), not a load. If the zygote dies, the
next replacement starts another, which loads the snapshot again. With updates, the single worker
opens its on-disk store itself (a plain subprocess: RocksDB runs threads that a fork would lose).

Requests wait in a bounded, fair queue: one line per client address, served in turn (round robin),
at most `max_queue` waiting in all and `max_queue_per_client` per client; past that `PoolFull` at
once. One client holds at most all workers but one, so its slow queries cannot take every worker
from the others (the default pool has one worker more than the cores, `kg.serve.config`, so that
share is still every core). The
pool knows nothing of HTTP: it raises `PoolFull`, `PoolBusy`, `WorkerTimeout`, `WorkerFailed` or
`ClientGone`, and the protocol layer answers them.
"""
from __future__ import annotations

import asyncio
import collections
import hashlib
import json
import logging
import os
import pickle
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from kg.serve.worker import FRAME_HEADER, NO_BODY, MessageSocket, frame, unframe

log = logging.getLogger("kg.serve.pool")


MAX_BACKOFF_S = 10.0


class PoolBusy(Exception):
    """No worker was free within the time limit."""


class PoolFull(Exception):
    """The queue is full (in all, or for this client): refused at once."""


class ClientGone(Exception):
    """The client went away while its query ran: the worker was stopped and is being replaced."""


class WorkerTimeout(Exception):
    """The worker did not answer within the time limit; it was killed and is being replaced."""


class WorkerFailed(Exception):
    """The exchange with a worker failed (it died, or garbled its reply); it is being replaced."""


# mimalloc, where the system has it (Debian: libmimalloc2.0): pyoxigraph spends 25-30 % less CPU on
# the canned queries with it than with glibc's malloc (measured at 10x: 14.0-14.5 against 18.1-19.9
# ms a query, the same process run alternately), which brings the workers to the Oxigraph server's
# cost per query
MIMALLOC_PATHS = ("/usr/lib/x86_64-linux-gnu/libmimalloc.so.2", "/usr/lib/aarch64-linux-gnu/libmimalloc.so.2",
                  "/usr/lib64/libmimalloc.so.2", "/usr/lib/libmimalloc.so.2", "/usr/local/lib/libmimalloc.so.2")


MIMALLOC_DELAY_MS = 1000


def find_allocator(choice: str) -> str | None:
    """The shared library the workers preload as their allocator: `choice` "auto" (mimalloc when
    found), "system" (none: glibc's malloc), or a path."""
    if choice == "system":
        return None
    if choice != "auto":
        if not Path(choice).is_file():
            raise FileNotFoundError(f"--allocator {choice}: no such file")
        return choice
    return next((p for p in MIMALLOC_PATHS if Path(p).is_file()), None) if sys.platform.startswith("linux") else None


def _worker_env(preload: str | None = None, large_pages: bool = True) -> dict[str, str]:
    # the worker imports this very package, installed or not
    env = dict(os.environ)
    here = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = here + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    if preload:
        env["LD_PRELOAD"] = preload + (" " + env["LD_PRELOAD"] if env.get("LD_PRELOAD") else "")
        # mimalloc gives freed pages back to the system 100 ms after (its default), and a worker
        # answering a query every ~10 ms took them back as page faults: 26-57 minor faults and
        # 0.2-0.4 ms of system CPU a canned query at 10x, against none and 0.1 ms with a second's
        # delay (memory a large query freed still goes back, a second later). The name is
        # mimalloc 2.0's; 2.1 reads the same delay as MIMALLOC_PURGE_DELAY. The operator's own
        # setting wins.
        for name in ("MIMALLOC_DECOMMIT_DELAY", "MIMALLOC_PURGE_DELAY"):
            env.setdefault(name, str(MIMALLOC_DELAY_MS))
        # 2 MB pages where the system gives them (transparent huge pages: "madvise" or "always"):
        # fewer TLB misses over the store, 8 % less CPU a canned query at 10x with three workers
        # from 8 addresses (12.14 -> 11.16 ms, every one of three rounds lower)
        # Not in the zygote (`large_pages` False): its workers share its pages, and a worker writing
        # into a shared 2 MB page splits it into 4 KB ones; the forked workers spent 1-6 % more CPU a
        # canned query with 2 MB pages than the workers that loaded their own copy, and 0-6 % less
        # without (10x, three workers side by side, each canned query 20 times, the workers' CPU read
        # in /proc by a script not kept: 8.33-8.52 ms with, 8.02-8.07 without, against 7.91-8.59 ms
        # for a copy a worker with them, runs in turn)
        if large_pages:
            env.setdefault("MIMALLOC_LARGE_OS_PAGES", "1")
    return env


class _Channel(asyncio.Protocol):
    """The server's end of a worker's socket: frames parsed as they arrive (`kg.serve.worker`:
    header, pickle, raw body), each handed to the future waiting for it (or kept, in order, for the
    next one). One future and no stream reader a call: the event loop's work per answer is one
    `data_received` for an answer that arrives in one piece."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.buf = bytearray()
        self.need = FRAME_HEADER.size  # bytes the frame begun in `buf` needs in all
        self.inbox: collections.deque = collections.deque()
        self.waiter: asyncio.Future | None = None
        self.lost: BaseException | None = None

    def connection_made(self, transport) -> None:
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        if self.buf:
            self.buf += data
            if len(self.buf) < self.need:
                return
            data, self.buf = bytes(self.buf), bytearray()
        view, pos, end = memoryview(data), 0, len(data)
        while end - pos >= FRAME_HEADER.size:
            meta_len, body_len = FRAME_HEADER.unpack_from(view, pos)
            start = pos + FRAME_HEADER.size
            stop = start + meta_len + (0 if body_len == NO_BODY else body_len)
            if stop > end:
                break
            try:
                msg = unframe(view[start:start + meta_len],
                              None if body_len == NO_BODY else data[start + meta_len:stop])
            except Exception as exc:  # a garbled frame: this worker is not used again
                self.connection_lost(exc)
                self.transport.abort()
                return
            self._deliver(msg)
            pos = stop
        if pos < end:
            self.buf = bytearray(view[pos:])
            if end - pos >= FRAME_HEADER.size:
                meta_len, body_len = FRAME_HEADER.unpack_from(view, pos)
                self.need = FRAME_HEADER.size + meta_len + (0 if body_len == NO_BODY else body_len)
            else:
                self.need = FRAME_HEADER.size

    def _deliver(self, msg) -> None:
        waiter, self.waiter = self.waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_result(msg)
        else:
            self.inbox.append(msg)

    def connection_lost(self, exc: Exception | None) -> None:
        if self.lost is None:
            self.lost = EOFError("the query worker closed its connection")
        waiter, self.waiter = self.waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_exception(self.lost)

    def expect(self, fut: asyncio.Future) -> None:
        """`fut` gets the next message (at once if one is waiting)."""
        if self.inbox:
            fut.set_result(self.inbox.popleft())
        elif self.lost is not None:
            fut.set_exception(self.lost)
        else:
            self.waiter = fut


def _fail(fut: asyncio.Future, exc_type: type) -> None:
    if not fut.done():
        fut.set_exception(exc_type())


def _packet(sock: socket.socket) -> tuple[tuple, list[int]]:
    """One message of the zygote (a pickle in one SOCK_SEQPACKET packet) and the descriptors it carries."""
    data, fds, _flags, _addr = socket.recv_fds(sock, 1 << 16, 1)
    if not data:
        for fd in fds:
            os.close(fd)
        raise EOFError("the zygote closed its connection")
    return pickle.loads(data), fds


class _ForkedProcess:
    """A worker forked by the zygote, seen from the server through its pidfd (it is the zygote's
    child, not ours: no waitpid; the pidfd names it even if its pid is reused). The parts of
    `subprocess.Popen` the pool and its tests use: pid, poll, kill, wait."""

    def __init__(self, pid: int, pidfd: int):
        self.pid, self.pidfd = pid, pidfd
        self.returncode: int | None = None  # unknown: -1 once it has ended

    def _ended(self, timeout_ms: int) -> bool:
        if self.returncode is None:
            if self.pidfd < 0:  # released: as good as gone
                return True
            watch = select.poll()
            watch.register(self.pidfd, select.POLLIN)
            if watch.poll(timeout_ms):
                self.returncode = -1
        return self.returncode is not None

    def release(self) -> None:
        """Close the pidfd (after `kill` and `wait`: the pool polls a worker no more once it has
        taken it out of its set, so no thread is polling it)."""
        fd, self.pidfd = self.pidfd, -1
        if fd >= 0:
            os.close(fd)

    def poll(self) -> int | None:
        return self.returncode if self._ended(0) else None

    def kill(self) -> None:
        if self.returncode is None and self.pidfd >= 0:
            try:
                signal.pidfd_send_signal(self.pidfd, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def wait(self, timeout: float | None = None) -> int:
        if not self._ended(-1 if timeout is None else int(timeout * 1000)):
            raise subprocess.TimeoutExpired(f"query worker {self.pid}", timeout)
        return self.returncode


def zygote_possible() -> bool:
    """Forking workers needs fork and pidfds (Linux 5.3, Python 3.9)."""
    return (sys.platform.startswith("linux") and hasattr(os, "pidfd_open")
            and hasattr(signal, "pidfd_send_signal") and hasattr(socket, "send_fds"))


class _Zygote:
    """The process that loads the read-only store once and forks every query worker
    (`kg.serve.worker.zygote_main`): the workers share the store's pages copy-on-write instead of
    each holding a copy, and a replacement starts in milliseconds instead of a load. Started as the
    workers were, a plain subprocess (its allocator, its environment), before any thread runs in it.
    `fork` is called from the pool's threads, one at a time."""

    def __init__(self, source: dict):
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "kg.serve.worker", "--zygote", str(theirs.fileno()), json.dumps(source)],
            pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL,
            env=_worker_env(source.get("allocator"), large_pages=False))
        theirs.close()
        self.sock = ours
        self.lock = threading.Lock()
        ours.settimeout(120)
        try:
            hello, _ = _packet(ours)
        except socket.timeout:
            self.kill()
            raise RuntimeError("the query workers' zygote did not load the dataset within 120 s") from None
        except (EOFError, OSError):
            self.kill()
            raise RuntimeError("the query workers' zygote stopped while starting (see its message above)") from None
        if hello[0] != "ready":
            self.kill()
            raise RuntimeError(hello[2])
        ours.settimeout(10)

    def alive(self) -> bool:
        return self.process.poll() is None

    def fork(self) -> "tuple[socket.socket, _ForkedProcess]":
        """A new worker: the server's end of its socket pair, and its process."""
        parent, child = socket.socketpair()
        try:
            with self.lock:
                socket.send_fds(self.sock, [b"fork"], [child.fileno()])
                reply, fds = _packet(self.sock)
        except BaseException:
            parent.close()
            raise
        finally:
            child.close()
        if reply[0] != "forked" or len(fds) != 1:
            for fd in fds:
                os.close(fd)
            parent.close()
            raise RuntimeError(reply[2] if reply[0] == "error" else "the zygote answered a fork with nothing")
        return parent, _ForkedProcess(reply[1], fds[0])

    def kill(self) -> None:
        try:
            self.process.kill()
            self.process.wait(5)
        finally:
            self.sock.close()


class _Worker:
    """One worker process over a socket pair: forked by the pool's `_Zygote` (the read-only store),
    or started as `python -m kg.serve.worker FD SOURCE` (the on-disk store of updates).

    A plain subprocess (not multiprocessing's spawn) so that starting a worker never re-imports
    the parent's __main__, whatever program embeds the server. The constructor blocks (it runs in
    a thread) until the worker has loaded the dataset; `call` is asyncio, the reply read by the
    event loop itself (`_Channel`).
    """

    def __init__(self, source: dict, zygote: "_Zygote | None" = None):
        if zygote is not None:  # forked from the process that holds the store
            parent, self.process = zygote.fork()
        else:
            parent, child = socket.socketpair()
            self.process = subprocess.Popen(
                [sys.executable, "-m", "kg.serve.worker", str(child.fileno()), json.dumps(source)],
                pass_fds=(child.fileno(),), stdin=subprocess.DEVNULL, env=_worker_env(source.get("allocator")))
            child.close()
        self.sock = parent
        self._channel: _Channel | None = None
        self.answered = False  # the last call's reply was read whole
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
        self.walls: dict = hello[1] if len(hello) > 1 else {}

    async def call(self, req: dict, timeout_s: float, gone: "asyncio.Future | None" = None) -> tuple:
        """The worker's reply; WorkerTimeout past `timeout_s` (and a little grace), ClientGone when
        `gone` is done first, EOFError when the worker closes its end."""
        loop = asyncio.get_running_loop()
        if self._channel is None:  # made in the loop that uses it (the socket turns non-blocking)
            _, self._channel = await loop.create_connection(_Channel, sock=self.sock)
        channel = self._channel
        fut = loop.create_future()
        channel.expect(fut)
        channel.transport.write(frame(req))
        # a little grace over the worker's own deadline check, which answers cleanly when it can
        timer = loop.call_later(timeout_s + 0.5, _fail, fut, WorkerTimeout)
        on_gone = None
        if gone is not None:
            def on_gone(_):
                _fail(fut, ClientGone)
            gone.add_done_callback(on_gone)
        try:
            return await fut
        finally:
            timer.cancel()
            if on_gone is not None:
                gone.remove_done_callback(on_gone)
            if channel.waiter is fut:
                channel.waiter = None
            # the reply was taken from the socket (whatever happened to the caller since)
            self.answered = fut.done() and not fut.cancelled() and fut.exception() is None

    def abort_streams(self) -> None:
        """Drop the asyncio connection (event loop thread only: transports are not thread-safe)."""
        if self._channel is not None:
            self._channel.transport.abort()  # closes the socket without flushing
            self._channel = None

    def kill(self) -> None:
        """Stop the process (blocks up to 5 s: from a thread, after `abort_streams` in the loop)."""
        try:
            self.process.kill()
            self.process.wait(5)
            if isinstance(self.process, _ForkedProcess):
                self.process.release()
        finally:
            if self._channel is None:
                self.sock.close()  # an aborted transport closes the socket itself


class WorkerPool:
    """`size` workers over a snapshot of the dataset `nquads`; with `updates`, one worker over a
    private on-disk copy (updates survive a worker killed on timeout and are seen by every later
    query; the dataset file is never modified). `close` removes the private files."""

    def __init__(self, nquads: Path, size: int, *, updates: bool = False, max_queue: int = 64,
                 max_queue_per_client: int = 32, max_memory: int = 0, isolate_network: bool = True,
                 allocator: str = "auto"):
        self._tmp = tempfile.mkdtemp(prefix="kg-serve-")
        snapshot = Path(self._tmp) / "dataset.nq"
        digest = hashlib.sha256()
        with open(nquads, "rb") as src, open(snapshot, "wb") as dst:
            for chunk in iter(lambda: src.read(1 << 20), b""):
                digest.update(chunk)
                dst.write(chunk)
        self.snapshot = snapshot
        self.generation = digest.hexdigest()[:16]
        self.source: dict = {"nquads": str(snapshot), "max_memory": max_memory,
                             "isolate_network": isolate_network, "allocator": find_allocator(allocator)}
        if updates:
            store_dir = Path(self._tmp) / "store"
            store_dir.mkdir()
            self.source["store_dir"] = str(store_dir)
            size = 1
        self.size = max(1, size)
        self.max_queue = max(1, max_queue)
        self.max_queue_per_client = max(1, max_queue_per_client)
        self._idle: list[_Worker] = []
        self._waiting: "collections.OrderedDict[str, collections.deque[asyncio.Future]]" = collections.OrderedDict()
        self._queued = 0
        self._busy: dict[str, int] = {}
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        self._replacing = 0
        # the read-only store is loaded once, by the zygote, and the workers forked from it (on disk,
        # with updates, each worker opens the store itself: RocksDB runs threads a fork would lose)
        self._use_zygote = not updates and zygote_possible()
        self._zygote: _Zygote | None = None
        self._zygote_lock = threading.Lock()
        self.restarts = 0
        self.walls: dict = {}
        self.last_error: str | None = None

    # -- workers --

    def _zygote_for_fork(self) -> "_Zygote | None":
        """The zygote, started (again) when there is none or it has ended (pool threads, one at a
        time; `close` does not wait for a start: a zygote started as the pool closed is killed here)."""
        if not self._use_zygote:
            return None
        with self._zygote_lock:
            zygote = self._zygote
            if zygote is not None and not zygote.alive():
                zygote.kill()
                zygote = self._zygote = None
            if zygote is None and not self._closed:
                zygote = self._zygote = _Zygote(self.source)
            if self._closed:
                self._zygote = None
                if zygote is not None:
                    zygote.kill()
                raise RuntimeError("the pool is closed")
            return zygote

    def _spawn(self) -> _Worker:
        zygote = self._zygote_for_fork()
        try:
            w = _Worker(self.source, zygote)
        except (EOFError, OSError) as exc:  # the zygote's socket broke: it is started again next time
            if zygote is None:
                raise
            with self._zygote_lock:
                if self._zygote is zygote:
                    self._zygote = None
            zygote.kill()
            raise RuntimeError(f"the query workers' zygote failed: {exc}") from exc
        with self._lock:
            if self._closed:
                w.kill()
                raise RuntimeError("the pool is closed")
            self._all.add(w)
        return w

    async def start(self) -> None:
        workers = await asyncio.gather(*(asyncio.to_thread(self._spawn) for _ in range(self.size)))
        for w in workers:
            self.walls = w.walls
            self._release(w)

    async def _replace(self) -> None:
        """Start a worker in place of a retired one; never gives up while the pool is open.
        (`_retire` counts the restart and the worker starting, before the answer that retired
        the worker is sent: /health and the pool's counters already tell of it.)"""
        pause = 0.5
        try:
            while not self._closed:
                try:
                    w = await asyncio.to_thread(self._spawn)
                except Exception as exc:  # keep trying: a pool with no workers answers nothing
                    self.last_error = str(exc)
                    log.error("could not start a query worker (retrying in %.1f s): %s", pause, exc)
                    await asyncio.sleep(pause)
                    pause = min(pause * 2, MAX_BACKOFF_S)
                    continue
                self.last_error = None
                self.walls = w.walls
                self._release(w)
                return
        finally:
            self._replacing -= 1

    def _retire(self, worker: _Worker) -> None:
        """Stop a worker (event loop thread) and start its replacement in the background."""
        worker.abort_streams()
        self.restarts += 1
        self._replacing += 1
        loop = asyncio.get_running_loop()
        loop.run_in_executor(None, self._discard, worker)
        loop.create_task(self._replace())

    def _discard(self, worker: _Worker) -> None:
        with self._lock:
            self._all.discard(worker)
        worker.kill()

    # -- the fair queue --

    def _cap(self) -> int:
        """Workers one client may hold at once: all but one, so that one client's slow queries
        always leave a worker for the others (with one worker, that one)."""
        return max(1, self.size - 1)

    def _release(self, worker: _Worker) -> None:
        """A free worker: kept idle, then handed to the next client in turn."""
        if self._closed:
            return
        self._idle.append(worker)
        self._dispatch()

    def _dispatch(self) -> None:
        """Hand idle workers to waiting clients, round robin, skipping a client that already holds
        its share (`_cap`); its requests wait for one of its own to finish."""
        while self._idle and self._waiting:
            chosen = None
            for client, line in list(self._waiting.items()):
                while line and line[0].done():  # given up (timed out, client gone)
                    line.popleft()
                    self._queued -= 1
                if not line:
                    del self._waiting[client]
                    continue
                if self._busy.get(client, 0) < self._cap():
                    chosen = client
                    break
            if chosen is None:
                return
            line = self._waiting[chosen]
            fut = line.popleft()
            self._queued -= 1
            if line:
                self._waiting.move_to_end(chosen)  # the next client's turn
            else:
                del self._waiting[chosen]
            self._busy[chosen] = self._busy.get(chosen, 0) + 1
            fut.set_result(self._idle.pop())

    def _done(self, client: str) -> None:
        left = self._busy.get(client, 0) - 1
        if left > 0:
            self._busy[client] = left
        else:
            self._busy.pop(client, None)
        self._dispatch()

    async def _acquire(self, client: str, timeout_s: float) -> _Worker:
        line = self._waiting.get(client)
        if self._queued >= self.max_queue or (line is not None and len(line) >= self.max_queue_per_client):
            raise PoolFull()
        loop = asyncio.get_running_loop()
        fut: asyncio.Future = loop.create_future()
        self._waiting.setdefault(client, collections.deque()).append(fut)
        self._queued += 1
        self._dispatch()
        if fut.done():
            return fut.result()
        # the time limit is a timer on the future itself (no wait_for, no shield: a task and two
        # futures fewer a queued request); `_dispatch` skips a future given up
        timer = loop.call_later(timeout_s, _fail, fut, PoolBusy)
        try:
            return await fut
        except BaseException:  # PoolBusy, or the request cancelled (its client gone)
            if fut.done() and not fut.cancelled() and fut.exception() is None:
                worker = fut.result()  # handed over just as we gave up: pass it on
                self._idle.append(worker)
                self._done(client)
            else:
                fut.cancel()
                line = self._waiting.get(client)
                if line is not None and fut in line:
                    line.remove(fut)
                    self._queued -= 1
                    if not line:
                        del self._waiting[client]
            raise
        finally:
            timer.cancel()

    # -- calls --

    async def call(self, req: dict, timeout_s: float, client: str = "",
                   gone: "asyncio.Future | asyncio.Event | None" = None) -> tuple:
        """The worker's reply to `req`; raises PoolFull, PoolBusy, WorkerTimeout, WorkerFailed or
        ClientGone (when `gone`, a future or an event, is done or set before the reply: the worker
        is stopped, not left running)."""
        worker = await self._acquire(client, timeout_s)
        try:
            return await self._exchange(worker, req, timeout_s, gone)
        finally:
            self._done(client)

    async def _exchange(self, worker: _Worker, req: dict, timeout_s: float,
                        gone: "asyncio.Future | asyncio.Event | None") -> tuple:
        watcher = None
        if isinstance(gone, asyncio.Event):  # an event is watched by a task of its own
            event, gone = gone, asyncio.get_running_loop().create_future()
            watcher = asyncio.ensure_future(event.wait())
            watcher.add_done_callback(lambda _, g=gone: g.done() or g.set_result(None))
        try:
            reply = await worker.call(req, timeout_s, gone)
        except asyncio.CancelledError:
            if worker.answered:
                self._release(worker)
            else:  # its reply may still come: never reuse that worker
                self._retire(worker)
            raise
        except (ClientGone, WorkerTimeout):
            self._retire(worker)
            raise
        except Exception as exc:  # EOF, a broken pipe, a garbled reply: never reuse that worker
            self._retire(worker)
            raise WorkerFailed(type(exc).__name__) from exc
        finally:
            if watcher is not None:
                watcher.cancel()
        if reply[0] == "error" and reply[1] == "memory":
            self._retire(worker)  # it ends itself after this reply
        else:
            self._release(worker)
        return reply

    # -- state --

    def idle_count(self) -> int:
        return len(self._idle)

    def alive(self) -> int:
        with self._lock:
            return sum(1 for w in self._all if w.process.poll() is None)

    def health(self) -> dict:
        return {"workers": self.size, "alive": self.alive(), "idle": len(self._idle), "queued": self._queued,
                "starting": self._replacing, "restarts": self.restarts, "generation": self.generation,
                "walls": self.walls, "last_error": self.last_error}

    def close(self) -> None:
        """Stop every worker and remove the private files; called from the event loop (the app's lifespan)."""
        with self._lock:
            self._closed = True
            workers = list(self._all)
            self._all.clear()
        for fut_line in self._waiting.values():
            for fut in fut_line:
                fut.cancel()
        self._waiting.clear()
        for w in workers:
            w.abort_streams()
            w.kill()
        zygote, self._zygote = self._zygote, None  # (no lock: a start under way sees _closed)
        if zygote is not None:
            zygote.kill()
        shutil.rmtree(self._tmp, ignore_errors=True)
