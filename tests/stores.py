"""Start and stop real triple stores for the tests: Virtuoso open source 7 and Oxigraph server.

Each store runs as a private process bound to 127.0.0.1 on free ports, with its data in a temporary
folder, and is stopped (SIGTERM, then SIGKILL) at the end. Nothing here is mocked: the tests talk
HTTP to the real servers exactly as a user's `kg push` / `kg query --endpoint` would.

Recipes: shared/reference/triplestores.md (beside the checkout). Install both with `scripts/install-stores.sh`.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

INSTALL_HINT = "run scripts/install-stores.sh"
START_TIMEOUT_S = 60.0


class StoreUnavailable(Exception):
    """The store's binary is not installed (the tests skip, loudly, with this message)."""


def free_port() -> int:
    # the OS picks a free port; a tiny window remains before the server binds it, so start()
    # retries on "port taken"
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as resp:
            return resp.status == 200
    except (urllib.error.URLError, OSError):
        return False


@dataclass
class StoreProcess:
    """A running store: where to query it, where to write to it, and how long it took to start."""

    name: str
    query_url: str
    store_url: str
    user: str | None
    password: str | None
    proc: subprocess.Popen
    workdir: Path
    log_path: Path
    start_s: float
    timings: dict[str, float] = field(default_factory=dict)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)

    def log_tail(self, n: int = 20) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return "(no log)"


def _die_with_parent() -> None:
    """In the child before exec: ask Linux to SIGTERM the store if the test process dies (even by
    SIGKILL), so an interrupted session leaves no server behind."""
    try:
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except Exception:
        pass


def _wait_until_up(proc: subprocess.Popen, probe: str, log_path: Path, name: str) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{name} exited with code {proc.returncode} while starting; log:\n"
                               + log_path.read_text(errors="replace")[-3000:])
        if _answers(probe):
            return
        time.sleep(0.1)
    proc.terminate()
    raise RuntimeError(f"{name} did not answer {probe} within {START_TIMEOUT_S:g} s")


# --- Oxigraph server -------------------------------------------------------------------------

def oxigraph_binary() -> str:
    # the PyPI package installs the binary next to the venv's python
    candidate = Path(sys.executable).with_name("oxigraph")
    if candidate.exists():
        return str(candidate)
    found = shutil.which("oxigraph")
    if found:
        return found
    raise StoreUnavailable(f"Oxigraph server not installed (no `oxigraph` binary beside {sys.executable}): "
                           f"{INSTALL_HINT}")


def start_oxigraph(workdir: Path) -> StoreProcess:
    binary = oxigraph_binary()
    workdir.mkdir(parents=True, exist_ok=True)
    log_path = workdir / "oxigraph.log"
    for attempt in range(3):
        port = free_port()
        started = time.monotonic()
        log = open(log_path, "ab")
        # --location: on disk like a real deployment; default graph left empty (the Oxigraph
        # default), so RemoteEngine's default-graph-uri scoping is what the tests exercise
        proc = subprocess.Popen([binary, "serve", "--location", str(workdir / "data"),
                                 "--bind", f"127.0.0.1:{port}"],
                                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                preexec_fn=_die_with_parent)
        log.close()
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_until_up(proc, f"{base}/query?query=ASK%7B%7D", log_path, "oxigraph")
        except RuntimeError:
            if attempt == 2:
                raise
            continue
        return StoreProcess("oxigraph-server", f"{base}/query", f"{base}/store", None, None, proc,
                            workdir, log_path, time.monotonic() - started)
    raise AssertionError("unreachable")


# --- Virtuoso --------------------------------------------------------------------------------

VIRTUOSO_INI = """\
[Database]
DatabaseFile={dir}/virtuoso.db
ErrorLogFile={dir}/virtuoso.log
LockFile={dir}/virtuoso.lck
TransactionFile={dir}/virtuoso.trx
xa_persistent_file={dir}/virtuoso.pxa
TempStorage=TempDatabase
[TempDatabase]
DatabaseFile={dir}/virtuoso-temp.db
TransactionFile={dir}/virtuoso-temp.trx
[Parameters]
ServerPort=127.0.0.1:{sqlport}
DisableUnixSocket=1
DirsAllowed=., {dir}
NumberOfBuffers=10000
MaxDirtyBuffers=6000
[HTTPServer]
ServerPort=127.0.0.1:{httpport}
ServerRoot={dir}
ServerThreads=10
[SPARQL]
ResultSetMaxRows={maxrows}
MaxQueryExecutionTime=0
"""
VIRTUOSO_PORT_TAKEN = 104
# the tests' row limit check needs Virtuoso to truncate later than RemoteEngine's own limit
VIRTUOSO_MAX_ROWS = 200_000


def virtuoso_binary() -> str:
    found = shutil.which("virtuoso-t")
    if not found:
        raise StoreUnavailable(f"Virtuoso not installed (no virtuoso-t on PATH): {INSTALL_HINT}")
    return found


def start_virtuoso(workdir: Path) -> StoreProcess:
    binary = virtuoso_binary()
    workdir = workdir.resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    log_path = workdir / "virtuoso.log"
    for attempt in range(3):
        sqlport, httpport = free_port(), free_port()
        (workdir / "virtuoso.ini").write_text(VIRTUOSO_INI.format(
            dir=workdir, sqlport=sqlport, httpport=httpport, maxrows=VIRTUOSO_MAX_ROWS))
        started = time.monotonic()
        out = open(workdir / "virtuoso.stdout", "ab")
        proc = subprocess.Popen([binary, "+foreground", "+configfile", str(workdir / "virtuoso.ini")],
                                cwd=workdir, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                preexec_fn=_die_with_parent)
        out.close()
        base = f"http://127.0.0.1:{httpport}"
        try:
            _wait_until_up(proc, f"{base}/sparql?query=ASK%7B%7D", workdir / "virtuoso.stdout", "virtuoso")
        except RuntimeError:
            if proc.returncode == VIRTUOSO_PORT_TAKEN and attempt < 2:
                continue
            raise
        return StoreProcess("virtuoso", f"{base}/sparql", f"{base}/sparql-graph-crud-auth", "dba", "dba",
                            proc, workdir, log_path, time.monotonic() - started)
    raise AssertionError("unreachable")


STARTERS = {"virtuoso": start_virtuoso, "oxigraph-server": start_oxigraph}


if __name__ == "__main__":  # manual use: python tests/stores.py virtuoso /tmp/v  (Ctrl-C stops it)
    which, folder = sys.argv[1], Path(sys.argv[2])
    import signal

    sp = STARTERS[which](folder)

    def _stop(*_):
        # only signal the store here: the main thread's proc.wait() holds Popen's wait lock
        sp.proc.terminate()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    print(f"{sp.name} up in {sp.start_s:.2f} s: query {sp.query_url}  store {sp.store_url}", flush=True)
    sp.proc.wait()
    os._exit(0)
