"""Load test of `kg serve` on loopback: 8 concurrent clients run the canned queries.

Starts `python -m kg serve` on 127.0.0.1 (a free port) over the built dataset (or --data) twice:
with its result cache (the default) and without it (`--cache-entries 0`, every request runs the
query in a worker). Each time it sends a fixed number of requests over N keep-alive connections with
an overall time limit, and prints throughput and p50/p99 latency side by side; then the same queries
on rdflib's engine in this process for comparison. Exits 1 if any request failed. Not a timed test:
a benchmark to read. It prints whether the issue's target (p99 < 20 ms at 8 clients) is met.

The load generator is `wrk` (Debian package wrk) when it is on PATH: a C program that costs the
two-core machine little, so the figures are the server's and not the client's. Without it, or with
`--client python`, threads of httpx clients in this process do the same; they need about as much
CPU as the server itself, so expect their latencies to be higher.

    .venv/bin/python bench/load_test.py                 # dist/ (built if missing), queries/
    .venv/bin/python bench/load_test.py --data other.nq --root ../my-cases   # another dataset and its queries/

`--oxigraph` sets the endpoint beside the Oxigraph server (the `oxigraph` binary that
scripts/install-stores.sh puts in the venv) in the same run: the same canned queries, each with its
default parameters bound by a VALUES block (as `kg query --endpoint` sends them), as SPARQL protocol
GETs from the same client: `kg serve`'s /sparql without its cache, and `oxigraph serve
--union-default-graph` over the same N-Quads (the same default graph, the union of the graphs),
in memory as `kg serve`'s read-only store is (`--oxigraph-on-disk`: in RocksDB, as `oxigraph load`
makes it). Both servers run throughout and take turns (`--rounds`). It prints both, with the CPU a
request of each server's processes (for kg serve also that of its own process, the HTTP side and the
pool, apart from its query workers'), and the ratio of their throughputs, twice:

- from one address (127.0.0.1, wrk): one client to `kg serve`'s fair queue, which lets one client
  hold all workers but one (`kg.serve.pool`): with the default workers (the cores and one more)
  that is every core, as the Oxigraph server gives one client (with `--workers 2` on two cores,
  one worker: half the machine);
- from `--addresses N` loopback addresses (default 8, 127.0.0.1 to 127.0.0.8, one a connection:
  the asyncio client of this script, as wrk cannot choose its source address): N clients, as N
  researchers on their own machines are, among whom the fair queue shares every worker.

    .venv/bin/python bench/load_test.py --data /tmp/kg-10x/dist/paradiplomacy.nq --root /tmp/kg-10x --oxigraph

`--mixed` is the robustness test instead (issue 21): 16 clients for 30 s, legitimate and
pathological requests side by side. The legitimate clients (127.0.0.1) ask the canned queries
(cached) and small uncached queries; the pathological ones (2 clients, from 127.0.0.2, still
loopback) loop over cross products past the time limit, deep nesting, memory bombs, huge answers,
SERVICE, unknown functions and 250 KB texts. It prints requests/s, p50 and p99 of the legitimate
requests and how many failed (the target is none), and what the pathological ones got:

    .venv/bin/python bench/load_test.py --mixed [--clients 16 --duration 30 --pathological 2]
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.query.embedded import RdflibEngine  # noqa: E402
from kg.query.catalogue import load_catalogue  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, int(round(p / 100 * len(ordered) + 0.5)) - 1))
    return ordered[k]


def run_clients(n_clients: int, n_requests: int, time_limit: float, work) -> tuple[list[float], list[str], float]:
    """`work(i)` n_requests times over n_clients threads; latencies (s), errors, wall time."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    counter = iter(range(n_requests))
    deadline = time.monotonic() + time_limit

    def client() -> None:
        while time.monotonic() < deadline:
            with lock:
                i = next(counter, None)
            if i is None:
                return
            t0 = time.perf_counter()
            try:
                work(i)
            except Exception as exc:  # counted and reported: the run must have none
                with lock:
                    errors.append(f"{type(exc).__name__}: {exc}")
                continue
            dt = time.perf_counter() - t0
            with lock:
                latencies.append(dt)

    threads = [threading.Thread(target=client) for _ in range(n_clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    missing = n_requests - len(latencies) - len(errors)
    if missing:
        errors.append(f"{missing} requests not sent within the time limit of {time_limit:g} s")
    return latencies, errors, wall


@dataclass
class Figures:
    ok: int
    errors: list[str]
    wall_s: float
    p50_ms: float
    p99_ms: float
    cpu_s: float | None = None  # CPU time of the server (its processes) during the phase
    own_cpu_s: float | None = None  # of those, the server's own process (kg serve's: HTTP and the pool)

    def merge(self, other: "Figures") -> "Figures":
        """Two phases as one: requests and walls added; the percentiles are the larger of the two
        (the latencies themselves are not kept)."""
        cpu = None if self.cpu_s is None or other.cpu_s is None else self.cpu_s + other.cpu_s
        own = None if self.own_cpu_s is None or other.own_cpu_s is None else self.own_cpu_s + other.own_cpu_s
        return Figures(self.ok + other.ok, self.errors + other.errors, self.wall_s + other.wall_s,
                       max(self.p50_ms, other.p50_ms), max(self.p99_ms, other.p99_ms), cpu, own)

    @classmethod
    def from_latencies(cls, latencies: list[float], errors: list[str], wall: float) -> "Figures":
        if not latencies:
            return cls(0, errors, wall, float("inf"), float("inf"))
        return cls(len(latencies), errors, wall, 1000 * statistics.median(latencies),
                   1000 * percentile(latencies, 99))


def report(name: str, f: Figures) -> None:
    if f.ok:
        cpu = f"  CPU {1000 * f.cpu_s / f.ok:6.2f} ms/req" if f.cpu_s is not None else ""
        if cpu and f.own_cpu_s is not None and f.own_cpu_s < f.cpu_s:  # a server of several processes
            cpu += f" ({1000 * f.own_cpu_s / f.ok:.2f} its own process)"
        print(f"{name:36s} {f.ok:6d} ok  {len(f.errors):3d} errors  {f.ok / f.wall_s:8.1f} req/s  "
              f"p50 {f.p50_ms:7.2f} ms  p99 {f.p99_ms:7.2f} ms{cpu}")
    else:
        print(f"{name:36s} no successful requests; {len(f.errors)} errors")
    for e in f.errors[:5]:
        print("   error:", e)


WRK_SCRIPT = Path(__file__).resolve().parent / "wrk_paths.lua"


def run_wrk(url: str, paths: list[str], n_clients: int, n_requests: int, time_limit: float) -> Figures:
    """wrk over n_clients connections (one wrk thread) until n_requests answers have arrived.

    wrk runs for a duration; the script prints QUOTA once the fixed number of answers is in and this
    function interrupts wrk then (SIGINT ends its wait early and it still reports).
    """
    with tempfile.TemporaryDirectory(prefix="kg-load-") as tmp:
        paths_file = Path(tmp) / "paths.txt"
        paths_file.write_text("\n".join(paths) + "\n", encoding="utf-8")
        env = dict(os.environ, KG_WRK_PATHS=str(paths_file), KG_WRK_REQUESTS=str(n_requests))
        proc = subprocess.Popen(["wrk", "-t1", f"-c{n_clients}", f"-d{max(1, int(time_limit))}s",
                                 "--timeout", "30s", "-s", str(WRK_SCRIPT), url],
                                env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        result, output = None, []
        assert proc.stdout is not None
        for line in proc.stdout:
            output.append(line)
            if line.strip() == "QUOTA":
                proc.send_signal(signal.SIGINT)
            elif line.startswith("{"):
                result = json.loads(line)
        proc.wait(30)
    if result is None:
        return Figures(0, ["wrk gave no figures: " + "".join(output)[-500:]], time_limit,
                       float("inf"), float("inf"))
    errors = []
    if result["non200"]:
        errors.append(f"{result['non200']} answers were not HTTP 200")
    if result["socket_errors"]:
        errors.append(f"{result['socket_errors']} connection errors or timeouts")
    if result["requests"] < n_requests:
        errors.append(f"{n_requests - result['requests']} requests not answered within the time "
                      f"limit of {time_limit:g} s")
    return Figures(result["requests"] - result["non200"], errors, result["duration_us"] / 1e6,
                   result["p50_us"] / 1000, result["p99_us"] / 1000)


def stop(server: subprocess.Popen) -> None:
    """End a server this script started: SIGTERM, then SIGKILL if it has not ended within 30 s
    (uvicorn finishes the requests in flight first; a loaded 2-core machine can take a while)."""
    server.terminate()
    try:
        server.wait(30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(10)


async def _raw_get(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, head: bytes) -> int:
    """One GET on a kept-alive connection: the status; the body read whole (Content-Length or chunked)."""
    writer.write(head)
    status = int((await reader.readline()).split(b" ", 2)[1])
    length, chunked = None, False
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b"\n", b""):
            break
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"transfer-encoding" and b"chunked" in value.lower():
            chunked = True
    if chunked:
        while True:
            size = int((await reader.readline()).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    elif length:
        await reader.readexactly(length)
    return status


def run_asyncio(url: str, paths: list[str], n_clients: int, n_requests: int, time_limit: float,
                addresses: int) -> Figures:
    """`n_clients` kept-alive connections from one asyncio loop in this process, connection k from
    127.0.0.(1 + k % addresses): each address is a client of its own for `kg serve`'s fair queue,
    as researchers on different machines are (wrk cannot choose its source address). A small
    HTTP/1.1 client over raw sockets, so that it costs the cores little."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    host, port = parts.hostname, parts.port
    heads = [f"GET {p} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: application/sparql-results+json\r\n\r\n"
             .encode() for p in paths]
    latencies: list[float] = []
    errors: list[str] = []
    counter = iter(range(n_requests))

    async def connection(k: int, deadline: float) -> None:
        local = f"127.0.0.{1 + k % addresses}"
        reader, writer = await asyncio.open_connection(host, port, local_addr=(local, 0), limit=1 << 20)
        try:
            for i in counter:
                if time.monotonic() > deadline:
                    return
                t0 = time.perf_counter()
                status = await _raw_get(reader, writer, heads[i % len(heads)])
                if status == 200:
                    latencies.append(time.perf_counter() - t0)
                else:
                    errors.append(f"HTTP {status} from {local}")
        finally:
            writer.close()

    async def main() -> float:
        deadline = time.monotonic() + time_limit
        t0 = time.perf_counter()
        done = await asyncio.gather(*(connection(k, deadline) for k in range(n_clients)), return_exceptions=True)
        errors.extend(f"{type(e).__name__}: {e}" for e in done if isinstance(e, BaseException))
        return time.perf_counter() - t0

    wall = asyncio.run(main())
    missing = n_requests - len(latencies) - len(errors)
    if missing > 0:
        errors.append(f"{missing} requests not answered within the time limit of {time_limit:g} s")
    return Figures.from_latencies(latencies, errors, wall)


def start_server(data: Path, root: Path | None, workers: int | None, cache: bool,
                 extra: list[str] | None = None) -> tuple[subprocess.Popen, str]:
    port = free_port()
    cmd = [sys.executable, "-m", "kg", "serve", "--host", "127.0.0.1", "--port", str(port), "--data", str(data)]
    if workers is not None:
        cmd += ["--workers", str(workers)]
    if root:
        cmd += ["--root", str(root)]
    if not cache:
        cmd += ["--cache-entries", "0"]
    cmd += extra or []
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    server = subprocess.Popen(cmd, env=env, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(600):
        if server.poll() is not None:
            break
        try:
            if httpx.get(url + "/health", timeout=1).status_code == 200:
                return server, url
        except httpx.HTTPError:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError("the server did not start (run `python -m kg serve --data ...` to see why)")


def load_phase(args, data: Path, root: Path | None, names: list[str], cache: bool, client: str) -> Figures:
    """One server (cached or not), warmed with every query once, then the fixed number of requests."""
    server, url = start_server(data, root, args.workers, cache)
    try:  # every query once first (protocol_phase warms): workers warm, and the cache (if on) filled
        return protocol_phase(args, url, [f"/queries/{name}" for name in names], client)
    finally:
        stop(server)


def oxigraph_binary() -> str | None:
    """The Oxigraph server binary: beside the venv's python (scripts/install-stores.sh), or on PATH."""
    candidate = Path(sys.executable).with_name("oxigraph")
    return str(candidate) if candidate.exists() else shutil.which("oxigraph")


def start_oxigraph(binary: str, data: Path, workdir: Path | None) -> tuple[subprocess.Popen, str]:
    """`oxigraph serve` on 127.0.0.1 with the union of the graphs as default graph, over `data`: in
    memory like `kg serve`'s read-only store (loaded through the Graph Store Protocol), or on disk in
    `workdir` (loaded with `oxigraph load`)."""
    if workdir is not None:
        subprocess.run([binary, "load", "--location", str(workdir), "--file", str(data)], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    port = free_port()
    cmd = [binary, "serve", "--bind", f"127.0.0.1:{port}", "--union-default-graph"]
    if workdir is not None:
        cmd += ["--location", str(workdir)]
    server = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(600):
        if server.poll() is not None:
            break
        try:
            if httpx.get(url + "/query", params={"query": "ASK {}"}, timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.1)
    else:
        server.kill()
        raise RuntimeError(f"the Oxigraph server did not start (run `{binary} serve` to see why)")
    if server.poll() is not None:
        raise RuntimeError(f"the Oxigraph server did not start (run `{binary} serve` to see why)")
    if workdir is None:
        with open(data, "rb") as fh:
            r = httpx.post(url + "/store", content=fh.read(), headers={"Content-Type": "application/n-quads"},
                           timeout=600)
        if r.status_code not in (200, 201, 204):
            server.kill()
            raise RuntimeError(f"the Oxigraph server refused the data: HTTP {r.status_code} {r.text[:200]}")
    return server, url


def protocol_paths(catalogue, endpoint: str) -> list[str]:
    """GET paths of the SPARQL protocol: each canned query with its default parameters bound, its
    comments and runs of white space made one space (the Oxigraph server takes request heads of
    8 KiB at most)."""
    from urllib.parse import quote

    from kg.query.binding import bind_with_values
    from kg.query.recognise import compact

    return [f"{endpoint}?query={quote(compact(bind_with_values(q.text, q.bind())), safe='')}"
            for q in catalogue]


def _stat(pid: int) -> list[str] | None:
    """The fields of /proc/PID/stat after the command's name (state first); None if it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2:].split()


def process_tree(pid: int) -> list[int]:
    """`pid` and its live descendants (the children of each of a process's threads: kg serve starts
    its zygote from a thread of its own)."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            tasks = os.listdir(f"/proc/{p}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    todo += [int(x) for x in fh.read().split()]
            except OSError:
                pass
    return out


def own_cpu_seconds(pid: int) -> float | None:
    """CPU time (user + system) of process `pid` and its threads alone; None where /proc cannot tell
    (kg serve's own process: HTTP, the query guard's checks it makes, the pool; not its workers')."""
    fields = _stat(pid)
    return None if fields is None else (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float | None:
    """CPU time (user + system) of process `pid`, its threads and its live descendants, and of
    the children each of them has reaped (a worker killed and replaced is the zygote's child, not
    the server's); None where /proc cannot tell."""
    if _stat(pid) is None:
        return None
    total = 0
    for p in process_tree(pid):
        fields = _stat(p)
        if fields is not None:  # (utime, stime, cutime, cstime)
            total += int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])
    return total / os.sysconf("SC_CLK_TCK")


def settle(url: str, time_limit: float = 300.0) -> None:
    """Wait until a `kg serve` has every worker alive and idle (its /health), so that a phase does not
    start while workers stopped by the previous phase's departed clients are being replaced (the
    pool stops a query whose client goes away). Returns at once for a server without /health."""
    deadline = time.monotonic() + time_limit
    while time.monotonic() < deadline:
        try:
            r = httpx.get(url + "/health", timeout=10)
            if r.status_code == 404 or "workers" not in r.text:
                return
            state = r.json()
            if state["alive"] == state["workers"] and state["idle"] == state["workers"] and not state["starting"]:
                return
        except (httpx.HTTPError, ValueError):
            return
        time.sleep(0.2)


def protocol_phase(args, url: str, paths: list[str], client: str, addresses: int = 1, warm: bool = True,
                   pid: int | None = None) -> Figures:
    """The fixed number of SPARQL protocol GETs on a running server, after each query once (warm).
    `addresses` > 1: the asyncio client, its connections spread over that many loopback addresses.
    `pid`: the server's process, whose CPU time during the phase goes into the figures."""
    accept = {"Accept": "application/sparql-results+json"}
    if warm:
        with httpx.Client(base_url=url, timeout=60) as c:
            for path in paths:
                r = c.get(path, headers=accept)
                if r.status_code != 200:
                    raise RuntimeError(f"{url}{path[:60]}...: HTTP {r.status_code} {r.text[:200]}")
    local = threading.local()

    def http_work(i: int) -> None:
        c = getattr(local, "client", None)
        if c is None:
            c = local.client = httpx.Client(base_url=url, timeout=60)
        r = c.get(paths[i % len(paths)], headers=accept)
        if r.status_code != 200:
            raise RuntimeError(f"{paths[i % len(paths)][:60]}...: HTTP {r.status_code} {r.text[:200]}")

    settle(url)
    cpu0 = cpu_seconds(pid) if pid else None
    own0 = own_cpu_seconds(pid) if pid else None
    if client == "asyncio" or addresses > 1:
        figures = run_asyncio(url, paths, args.clients, args.requests, args.time_limit, addresses)
    elif client == "wrk":
        figures = run_wrk(url, paths, args.clients, args.requests, args.time_limit)
    else:
        figures = Figures.from_latencies(*run_clients(args.clients, args.requests, args.time_limit, http_work))
    cpu1 = cpu_seconds(pid) if pid else None
    own1 = own_cpu_seconds(pid) if pid else None
    if cpu0 is not None and cpu1 is not None:
        figures.cpu_s = cpu1 - cpu0
    if own0 is not None and own1 is not None:
        figures.own_cpu_s = own1 - own0
    settle(url)  # wrk is interrupted with requests in flight: their workers are being replaced
    return figures


def _rows(body: bytes) -> tuple[list, list]:
    """A SPARQL JSON answer as (variables, sorted rows), each blank node's label made the same (the
    two servers label them apart): the answers compared as multisets."""
    doc = json.loads(body)
    if "boolean" in doc:
        return [], [doc["boolean"]]
    names = doc["head"]["vars"]

    def value(term) -> tuple:
        if term is None:
            return ()
        if term["type"] == "bnode":
            return ("bnode",)
        return (term["type"], term["value"], term.get("xml:lang", ""), term.get("datatype", ""))

    return names, sorted(tuple(value(row.get(v)) for v in names) for row in doc["results"]["bindings"])


def same_answers(catalogue, url_a: str, paths_a: list[str], url_b: str, paths_b: list[str]) -> None:
    """Each canned query asked of both servers once, before they are timed: the answers must be the
    same (as multisets), or the comparison of their speeds means nothing; prints how many were."""
    accept = {"Accept": "application/sparql-results+json"}
    differ = []
    with httpx.Client(timeout=600) as c:
        for q, a, b in zip(catalogue, paths_a, paths_b):
            answers = []
            for url in (url_a + a, url_b + b):
                r = c.get(url, headers=accept)
                if r.status_code != 200:
                    raise RuntimeError(f"{q.name}: HTTP {r.status_code} from {url.split('?')[0]}: {r.text[:300]}")
                answers.append(_rows(r.content))
            if answers[0] != answers[1]:
                differ.append(q.name)
    print(f"the same answers from both servers: {len(catalogue) - len(differ)} of {len(catalogue)} queries"
          + (f"; different: {', '.join(differ)}" if differ else ""), flush=True)
    if differ:
        raise RuntimeError("the two servers answer differently: their throughputs are not comparable")


def oxigraph_comparison(args, data: Path, root: Path | None, catalogue, client: str) -> dict[str, Figures]:
    """`kg serve` /sparql without its cache beside the Oxigraph server, the same queries and client.

    Both servers run throughout and take turns (kg serve, then Oxigraph, `--rounds` times), so
    that other work on the machine weighs on both alike. Each turn is one phase from one address
    (`client`) and, with `--addresses N` (N > 1), one from N loopback addresses (the asyncio
    client). Figures of the same kind are summed over the rounds."""
    binary = oxigraph_binary()
    if binary is None:
        raise RuntimeError("no `oxigraph` binary: run `bash scripts/install-stores.sh`")
    kinds = [("1 address", client, 1)]
    if args.addresses > 1:
        kinds.append((f"{args.addresses} addresses", "asyncio", args.addresses))
    out: dict[str, Figures] = {}
    with tempfile.TemporaryDirectory(prefix="kg-oxigraph-") as tmp:
        kg_server, kg_url = start_server(data, root, args.workers, cache=False, extra=args.serve_arg)
        try:
            ox_server, ox_url = start_oxigraph(binary, data, Path(tmp) / "store" if args.oxigraph_on_disk else None)
            try:
                servers = [("kg serve /sparql", kg_url, protocol_paths(catalogue, "/sparql"), kg_server.pid),
                           ("oxigraph serve /query", ox_url, protocol_paths(catalogue, "/query"), ox_server.pid)]
                same_answers(catalogue, servers[0][1], servers[0][2], servers[1][1], servers[1][2])
                for r in range(args.rounds):
                    for label, c, addresses in kinds:
                        for name, url, paths, pid in servers:
                            f = protocol_phase(args, url, paths, c, addresses, warm=r == 0, pid=pid)
                            key = f"{name}, {label}"
                            if args.rounds > 1:
                                report(f"  round {r + 1}: {key}", f)
                            out[key] = f if key not in out else out[key].merge(f)
            finally:
                stop(ox_server)
        finally:
            stop(kg_server)
    return out


SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"


def _doubling(n: int) -> str:
    return ("SELECT (STRLEN(?x%d) AS ?l) WHERE { BIND(\"a\" AS ?x0) " % n
            + " ".join(f"BIND(CONCAT(?x{i},?x{i}) AS ?x{i + 1})" for i in range(n)) + " }")


PATHOLOGICAL = {
    "cross-product": SLOW,
    "deep-nesting": "SELECT * WHERE " + "{" * 6000 + " ?s ?p ?o " + "}" * 6000,
    "memory-bomb": _doubling(29),
    "huge-answer": _doubling(24).replace("STRLEN(?x24)", "?x24"),
    "service": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    "unknown-function": "SELECT * WHERE { BIND(<urn:f>(1) AS ?x) }",
    "long-text": ("SELECT * WHERE { ?s ?p ?o FILTER(" + " || ".join(f"?o = {i}" for i in range(20000)) + ") }"),
}


def mixed_phase(args, data: Path, root: Path | None, names: list[str]) -> int:
    """Legitimate and pathological clients together; returns the number of failed legitimate requests."""
    server, url = start_server(data, root, args.workers, True,
                               ["--timeout", str(args.server_timeout), "--max-request-bytes", str(512 * 1024)])
    legit: list[float] = []
    failures: list[str] = []
    patho: dict[str, dict[int, int]] = {k: {} for k in PATHOLOGICAL}
    lock = threading.Lock()
    try:
        with httpx.Client(base_url=url, timeout=60) as warm:
            for name in names:
                warm.get(f"/queries/{name}")
        deadline = time.monotonic() + args.duration

        def legit_client(k: int) -> None:
            with httpx.Client(base_url=url, timeout=60) as c:
                i = 0
                while time.monotonic() < deadline:
                    i += 1
                    if i % 2:
                        path, params = f"/queries/{names[(k + i) % len(names)]}", {}
                    else:  # uncached: a new text every time
                        path, params = "/sparql", {"query": f"ASK {{ ?s ?p ?o }} # client {k} request {i}"}
                    t0 = time.perf_counter()
                    try:
                        r = c.get(path, params=params)
                        ok, why = r.status_code == 200, f"{path}: HTTP {r.status_code} {r.text[:120]}"
                    except httpx.HTTPError as exc:
                        ok, why = False, f"{path}: {type(exc).__name__}: {exc}"
                    dt = time.perf_counter() - t0
                    with lock:
                        (legit.append(dt) if ok else failures.append(why))

        def patho_client(k: int) -> None:
            transport = httpx.HTTPTransport(local_address="127.0.0.2")
            kinds = sorted(PATHOLOGICAL)
            with httpx.Client(base_url=url, timeout=120, transport=transport) as c:
                i = k
                while time.monotonic() < deadline:
                    kind = kinds[i % len(kinds)]
                    i += 1
                    try:
                        status = c.post("/sparql", content=PATHOLOGICAL[kind].encode(),
                                        headers={"Content-Type": "application/sparql-query"}).status_code
                    except httpx.HTTPError:
                        status = 0
                    with lock:
                        patho[kind][status] = patho[kind].get(status, 0) + 1

        threads = [threading.Thread(target=patho_client, args=(k,)) for k in range(args.pathological)]
        threads += [threading.Thread(target=legit_client, args=(k,)) for k in range(args.clients - args.pathological)]
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - t0
        health = httpx.get(url + "/health", timeout=10).json()
    finally:
        stop(server)
    n = len(legit) + len(failures)
    print(f"mixed load: {args.clients} clients ({args.pathological} pathological from 127.0.0.2) for "
          f"{args.duration:g} s, {workers_text(args)}, server --timeout {args.server_timeout:g}")
    if legit:
        print(f"legitimate: {n} requests, {len(legit) / wall:.1f} ok/s, p50 {1000 * statistics.median(legit):.1f} ms, "
              f"p99 {1000 * percentile(legit, 99):.1f} ms, failed {len(failures)}")
    for why in failures[:5]:
        print("   failed:", why)
    for kind, statuses in patho.items():
        print(f"pathological {kind:18s} " + ", ".join(f"HTTP {k}: {v}" for k, v in sorted(statuses.items())))
    print(f"after the run: {health['alive']} of {health['workers']} workers alive, {health['restarts']} restarts")
    return len(failures)


def workers_text(args) -> str:
    if args.workers is not None:
        return f"{args.workers} workers"
    from kg.serve.config import DEFAULT_WORKERS
    return f"{DEFAULT_WORKERS} workers (the default)"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", help="N-Quads file (default: dist/paradiplomacy.nq, built if missing)")
    ap.add_argument("--root", help="source tree holding queries/ (default: the checkout)")
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--requests", type=int, default=2000, help="requests in each endpoint phase")
    ap.add_argument("--rdflib-requests", type=int, default=0,
                    help="requests on the rdflib engine (default: each canned query once)")
    ap.add_argument("--time-limit", type=float, default=120.0, help="seconds for each phase at most")
    ap.add_argument("--serve-arg", action="append", default=[], metavar="ARG",
                    help="an argument more for kg serve beside the Oxigraph server (--oxigraph), once each: "
                         "at ~1M, --serve-arg=--max-rows=100000 (answers of more rows are refused)")
    ap.add_argument("--workers", type=int, default=None,
                    help="kg serve's query workers (default: the server's own, the cores and one more)")
    ap.add_argument("--client", choices=["auto", "wrk", "python", "asyncio"], default="auto",
                    help="load generator: wrk (out of process, C), python (httpx threads) or asyncio (raw "
                         "HTTP/1.1 in one loop of this process); auto: wrk when it is installed")
    ap.add_argument("--addresses", type=int, default=8,
                    help="with --oxigraph: also a phase whose connections come from this many loopback "
                         "addresses, 127.0.0.1 to 127.0.0.N (the asyncio client); 1: none (default 8)")
    ap.add_argument("--rounds", type=int, default=1,
                    help="with --oxigraph: the servers take turns this many times (default 1)")
    ap.add_argument("--no-cache", action="store_true", help="only the phase without the result cache")
    ap.add_argument("--cache-only", action="store_true", help="only the phase with the result cache")
    ap.add_argument("--oxigraph-on-disk", action="store_true",
                    help="with --oxigraph: the Oxigraph server's store on disk (RocksDB) instead of in memory")
    ap.add_argument("--oxigraph", action="store_true",
                    help="only the endpoint without its cache beside the Oxigraph server: the same queries "
                         "as SPARQL protocol GETs, the same client")
    ap.add_argument("--mixed", action="store_true", help="the robustness test: legitimate and pathological "
                                                        "clients for --duration seconds")
    ap.add_argument("--duration", type=float, default=30.0, help="seconds of the --mixed test (default 30)")
    ap.add_argument("--pathological", type=int, default=2, help="pathological clients in --mixed (default 2)")
    ap.add_argument("--server-timeout", type=float, default=10.0, help="the server's --timeout in --mixed")
    args = ap.parse_args(argv)
    if args.mixed and args.clients == 8:
        args.clients = 16

    client = args.client
    if client == "auto":
        client = "wrk" if shutil.which("wrk") else "python"
    elif client == "wrk" and not shutil.which("wrk"):
        print("wrk is not installed: `apt-get install -y wrk`, or use --client python", file=sys.stderr)
        return 2
    root = Path(args.root).resolve() if args.root else None
    if args.data:
        data = Path(args.data).resolve()
    else:
        from kg.dataset import DatasetLocation
        data = DatasetLocation.of(root).ensure_built()
    catalogue = [q for q in load_catalogue(root).values() if q.role == "report"]
    if not catalogue:
        print("no canned report queries to run", file=sys.stderr)
        return 2
    if args.mixed:
        return 1 if mixed_phase(args, data, root, [q.name for q in catalogue]) else 0

    if args.oxigraph:
        print(f"{len(catalogue)} canned queries, {args.clients} concurrent clients, {args.requests} requests "
              f"a phase, client {client} (one address)"
              + (f" and asyncio ({args.addresses} addresses)" if args.addresses > 1 else "")
              + f", kg serve with {workers_text(args)} and no cache, dataset {data}, "
              f"load average {os.getloadavg()[0]:.2f}")
        figures = oxigraph_comparison(args, data, root, catalogue, client)
        if args.rounds > 1:
            print(f"over the {args.rounds} rounds (p50/p99: the worst round's):")
        for name, f in figures.items():
            report(name, f)
        kinds = ["1 address"] + ([f"{args.addresses} addresses"] if args.addresses > 1 else [])
        for kind in kinds:
            kg, ox = figures[f"kg serve /sparql, {kind}"], figures[f"oxigraph serve /query, {kind}"]
            if kg.ok and ox.ok:
                cpu = ""
                if kg.cpu_s and ox.cpu_s:
                    cpu = (f"; CPU a request, Oxigraph / kg serve: {(ox.cpu_s / ox.ok) / (kg.cpu_s / kg.ok):.2f}x "
                           "(the cores are shared: this ratio does not depend on how much of them each got)")
                print(f"kg serve / Oxigraph server throughput, {kind}: "
                      f"{(kg.ok / kg.wall_s) / (ox.ok / ox.wall_s):.2f}x (target: at least 1x){cpu}")
        print(f"load average after the run: {os.getloadavg()[0]:.2f}")
        return 1 if any(f.errors for f in figures.values()) else 0

    phases = [("cached", True), ("uncached", False)]
    if args.no_cache:
        phases = [("uncached", False)]
    elif args.cache_only:
        phases = [("cached", True)]
    load1 = os.getloadavg()[0]
    print(f"{len(catalogue)} canned queries, {args.clients} concurrent clients, {args.requests} requests "
          f"a phase, client {client}, {workers_text(args)}, dataset {data}")
    if load1 > 0.5:
        print(f"note: load average {load1:.2f} before the run: other work shares the cores, figures "
              "will be worse than on a quiet machine")
    results: dict[str, Figures] = {}
    for name, cache in phases:
        results[name] = load_phase(args, data, root, [q.name for q in catalogue], cache, client)
        report(f"endpoint {name}", results[name])

    engine = RdflibEngine.from_nquads(data)

    def rdflib_work(i: int) -> None:
        q = catalogue[i % len(catalogue)]
        engine.query(q.text, q.bind())

    # one client: rdflib's pyparsing-based query parser is not thread-safe (concurrent parses fail)
    rdflib = Figures.from_latencies(*run_clients(1, args.rdflib_requests or len(catalogue),
                                                 args.time_limit, rdflib_work))
    report("rdflib/1 (in process)", rdflib)
    for name, f in results.items():
        print(f"target: p99 < 20 ms at {args.clients} clients, endpoint {name}: "
              f"{'met' if f.p99_ms < 20 else 'NOT met'} ({f.p99_ms:.2f} ms)")
    failed = any(f.errors for f in results.values()) or bool(rdflib.errors)
    if failed:
        print("errors during the load test", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
