"""Load test of `kg serve` on loopback: 8 concurrent clients run the canned queries.

Starts `python -m kg.server` on 127.0.0.1 (a free port) over the built dataset (or --data), sends a
fixed number of requests from N client threads with an overall time limit, and prints throughput and
p50/p99 latency; then runs the same queries, with the same concurrency, on rdflib's engine in this
process for comparison. Exits 1 if any request failed. Not a timed test: a benchmark to read.

    .venv/bin/python bench/load_test.py                 # dist/ (built if missing), queries/
    .venv/bin/python bench/load_test.py --data tests/fixtures/server/dataset.nq --root tests/fixtures
"""
from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.engine import RdflibEngine  # noqa: E402
from kg.queries import load_catalogue  # noqa: E402


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


def report(name: str, latencies: list[float], errors: list[str], wall: float) -> None:
    if latencies:
        print(f"{name:10s} {len(latencies):6d} ok  {len(errors):3d} errors  "
              f"{len(latencies) / wall:8.1f} req/s  p50 {1000 * statistics.median(latencies):7.2f} ms  "
              f"p99 {1000 * percentile(latencies, 99):7.2f} ms")
    else:
        print(f"{name:10s} no successful requests; {len(errors)} errors")
    for e in errors[:5]:
        print("   error:", e)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", help="N-Quads file (default: dist/paradiplomacy.nq, built if missing)")
    ap.add_argument("--root", help="source tree holding queries/ (default: the checkout)")
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--rdflib-requests", type=int, default=0,
                    help="requests on the rdflib engine (default: each canned query once)")
    ap.add_argument("--time-limit", type=float, default=120.0, help="seconds for each phase at most")
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args(argv)

    root = Path(args.root).resolve() if args.root else None
    if args.data:
        data = Path(args.data).resolve()
    else:
        from kg.build import dist_dir, ensure_built
        ensure_built(root)
        data = Path(dist_dir(root)) / "paradiplomacy.nq"
    catalogue = [q for q in load_catalogue(root).values() if q.role == "report"]
    if not catalogue:
        print("no canned report queries to run", file=sys.stderr)
        return 2

    port = free_port()
    cmd = [sys.executable, "-m", "kg.server", "--host", "127.0.0.1", "--port", str(port),
           "--data", str(data), "--workers", str(args.workers)]
    if root:
        cmd += ["--root", str(root)]
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    server = subprocess.Popen(cmd, env=env, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(url + "/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        else:
            print("the server did not start", file=sys.stderr)
            return 2
        local = threading.local()

        def http_work(i: int) -> None:
            client = getattr(local, "client", None)
            if client is None:
                client = local.client = httpx.Client(base_url=url, timeout=30)
            q = catalogue[i % len(catalogue)]
            r = client.get(f"/queries/{q.name}", headers={"Accept": "application/sparql-results+json"})
            if r.status_code != 200:
                raise RuntimeError(f"{q.name}: HTTP {r.status_code} {r.text[:200]}")

        for i in range(len(catalogue)):  # warm up: every query once
            http_work(i)
        print(f"{len(catalogue)} canned queries, {args.clients} concurrent clients, dataset {data}")
        lat, err, wall = run_clients(args.clients, args.requests, args.time_limit, http_work)
        report("endpoint", lat, err, wall)
        endpoint_errors = len(err)
        p99 = percentile(lat, 99) * 1000 if lat else float("inf")
    finally:
        server.terminate()
        server.wait(10)

    engine = RdflibEngine.from_nquads(data)

    def rdflib_work(i: int) -> None:
        q = catalogue[i % len(catalogue)]
        engine.query(q.text, q.bind())

    # one client: rdflib's pyparsing-based query parser is not thread-safe (concurrent parses fail)
    lat, err, wall = run_clients(1, args.rdflib_requests or len(catalogue), args.time_limit, rdflib_work)
    report("rdflib/1", lat, err, wall)
    print(f"target: p99 < 20 ms at {args.clients} clients on the endpoint: "
          f"{'met' if p99 < 20 else 'NOT met'} ({p99:.2f} ms)")
    assert endpoint_errors == 0 and not err, "errors during the load test"
    return 0


if __name__ == "__main__":
    sys.exit(main())
