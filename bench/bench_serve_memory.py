"""How much memory `kg serve` holds, beside the Oxigraph server on the same data: every process of
each server (kg serve's own, the zygote that loads the read-only store, the query workers it forks)
read in /proc, once the server is ready and idle, then after every canned query has been asked
twice (without the result cache, so each one runs in a worker).

PSS (proportional set size) counts a page shared by N processes as 1/N in each: the workers forked
from the zygote share its store copy-on-write, so the tree's PSS summed is what the server costs
the machine; RSS summed would count those pages once a process. The Oxigraph server (the binary
scripts/install-stores.sh puts in the venv: `oxigraph serve --union-default-graph`, in memory,
loaded through the Graph Store Protocol as bench/load_test.py does) is one process. Not a test: it
prints figures for people.

    .venv/bin/python bench/bench_serve_memory.py --data /tmp/kg-10x/dist/paradiplomacy.nq --root /tmp/kg-10x
    .venv/bin/python bench/bench_serve_memory.py --data /tmp/kg-1m/dist/paradiplomacy.nq --root /tmp/kg-1m --max-rows 100000

(`--max-rows 100000`: at ~1M five canned answers have more rows than kg serve's default 10,000.)
The rows of the table's "after" line say which queries were refused, and with which status.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_memory import _command  # noqa: E402
from bench.load_test import (oxigraph_binary, process_tree, protocol_paths, settle,  # noqa: E402
                             start_oxigraph, start_server, stop)
from kg.query.catalogue import load_catalogue  # noqa: E402


def _rollup(pid: int) -> dict[str, int]:
    """Rss and Pss of one process in bytes (/proc/PID/smaps_rollup); {} if it is gone."""
    got = {}
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                key, _, rest = line.partition(":")
                if key in ("Rss", "Pss"):
                    got[key] = int(rest.split()[0]) * 1024
    except OSError:
        return {}
    return got


EACH: list[str] = []  # with --each: one line a process, printed after the table's row


def _role(pid: int, top: int) -> str:
    """What a process of the tree is: the server itself, or its child's command line, shortened."""
    return "the server" if pid == top else _command(pid)


def measure(pid: int, each: bool = False) -> tuple[int, int, int]:
    """(processes, summed PSS, summed RSS) of `pid`'s tree; with `each`, a line a process in EACH."""
    got = [(p, r) for p, r in ((p, _rollup(p)) for p in process_tree(pid)) if r]
    EACH[:] = [f"    pid {p:<8d} PSS {r['Pss'] / 2**20:8.0f} MB  RSS {r['Rss'] / 2**20:8.0f} MB  {_role(p, pid)}"
               for p, r in got] if each else []
    return len(got), sum(r["Pss"] for _p, r in got), sum(r["Rss"] for _p, r in got)


def ask_all(url: str, paths: list[str], names: list[str], times: int) -> str:
    """Each path asked `times` times, one after the other; the answers other than 200, said."""
    bad: dict[str, int] = {}
    with httpx.Client(base_url=url, timeout=600) as client:
        for _ in range(times):
            for name, path in zip(names, paths):
                status = client.get(path).status_code
                if status != 200:
                    bad[f"{name} {status}"] = bad.get(f"{name} {status}", 0) + 1
    return f"{sum(bad.values())} failed" + (": " + ", ".join(bad) if bad else "")


def row(name: str, when: str, figures: tuple[int, int, int]) -> None:
    n, pss, rss = figures
    print(f"{name:16s} {when:28s} {n:9d} {pss / 2**20:10.0f} {rss / 2**20:10.0f}", flush=True)
    for line in EACH:
        print(line, flush=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, required=True, help="the N-Quads file both servers load")
    ap.add_argument("--root", type=Path, help="the source tree holding queries/ (default: the checkout)")
    ap.add_argument("--workers", type=int, help="kg serve's query workers (default: the server's own)")
    ap.add_argument("--max-memory", type=int, help="kg serve's --max-memory (MB a query may add; 0: none)")
    ap.add_argument("--max-rows", type=int, help="kg serve's --max-rows (its default, 10,000, refuses five "
                                                 "canned answers at ~1M with 413)")
    ap.add_argument("--times", type=int, default=2, help="how many times each canned query is asked")
    ap.add_argument("--settle", type=float, default=2.0, help="seconds to wait before each reading")
    ap.add_argument("--no-oxigraph", action="store_true", help="kg serve alone")
    ap.add_argument("--each", action="store_true", help="a line for each of kg serve's processes too")
    args = ap.parse_args(argv)

    # the canned questions bench/load_test.py sends (not the violation and construct queries)
    catalogue = [q for q in load_catalogue(args.root).values() if q.role == "report"]
    names = [q.name for q in catalogue]
    print(f"{len(catalogue)} canned queries, each asked {args.times} times, dataset {args.data} "
          f"({args.data.stat().st_size / 2**20:.0f} MB)")
    print(f"{'server':16s} {'when':28s} {'processes':>9s} {'PSS MB':>10s} {'RSS MB':>10s}")
    extra = ["--max-memory", str(args.max_memory)] if args.max_memory is not None else []
    extra += ["--max-rows", str(args.max_rows)] if args.max_rows is not None else []
    t0 = time.monotonic()
    server, url = start_server(args.data, args.root, args.workers, cache=False, extra=extra)
    try:
        settle(url)
        started = time.monotonic() - t0
        time.sleep(args.settle)
        row("kg serve", f"idle (ready in {started:.1f} s)", measure(server.pid, args.each))
        bad = ask_all(url, protocol_paths(catalogue, "/sparql"), names, args.times)
        settle(url)
        time.sleep(args.settle)
        row("kg serve", f"after the queries ({bad})", measure(server.pid, args.each))
    finally:
        stop(server)
    if args.no_oxigraph:
        return 0
    binary = oxigraph_binary()
    if binary is None:
        print("no `oxigraph` binary (bash scripts/install-stores.sh): the Oxigraph server not measured")
        return 0
    t0 = time.monotonic()
    server, url = start_oxigraph(binary, args.data, None)
    try:
        started = time.monotonic() - t0
        time.sleep(args.settle)
        row("oxigraph serve", f"idle (ready in {started:.1f} s)", measure(server.pid))
        bad = ask_all(url, protocol_paths(catalogue, "/query"), names, args.times)
        time.sleep(args.settle)
        row("oxigraph serve", f"after the queries ({bad})", measure(server.pid))
    finally:
        stop(server)
    return 0


if __name__ == "__main__":
    sys.exit(main())
