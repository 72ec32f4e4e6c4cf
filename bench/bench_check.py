"""The check stage's ways of holding the dataset: the canonical N-Quads (a built `dist/paradiplomacy.nq`,
which is exactly the text the build's check reads) loaded into a pyoxigraph store, and each
`queries/*-violation.rq` run on it, each way in a fresh process of its own (as the build's check
process is: `kg.build.checkrun`). Ways:

- `load`: an in-memory store, `Store.load` (what the build does);
- `bulk`: an in-memory store, `Store.bulk_load`;
- `disk`: an on-disk store (RocksDB) in a temporary folder, `Store.bulk_load` (its pages are the
  system's page cache, not the process's memory; removed after);
- `planned`: what the build's check loads and runs now (`kg.build.statement_checks.plan_check`):
  the text without graph/provenance (the build skips its block of chunks; here its lines are left
  out as the file is read, which is not timed), `Store.load`, and the queries that say
  `#+ reads-provenance: no`. The two statement-* queries are not run: the build answers them while
  it makes the provenance (their CPU is in canonicalise's provenance child, not here), shown `-`.

Prints per way: the load's CPU (user + system, every thread) and wall seconds, resident memory after
the load and at its peak, each query's CPU seconds and rows, the totals, and the CPU the store's
freeing takes (which the build's check process spares: it ends without freeing it). The rows must be the same
in every way. Not a test.

    .venv/bin/python bench/bench_check.py --nq /tmp/kg-10x/dist/paradiplomacy.nq --root /tmp/kg-10x
    .venv/bin/python bench/bench_check.py --nq /tmp/kg-1m/dist/paradiplomacy.nq --ways load disk
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
WAYS = ("load", "bulk", "disk", "planned")


def _one(way: str, nq: str, root: str) -> dict:
    """One way, in this process: the figures as a dict."""
    import resource
    import shutil
    import tempfile
    import time

    import pyoxigraph as ox

    from kg.query.catalogue import load_catalogue
    from kg.query.embedded import OxigraphEngine, SelectResult

    def cpu() -> float:
        r = resource.getrusage(resource.RUSAGE_SELF)
        return r.ru_utime + r.ru_stime

    def memory(key: str) -> float:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith(key + ":"):
                    return int(line.split()[1]) / 2**20
        return float("nan")

    violations = [(q.name, q.text) for q in load_catalogue(Path(root)).values() if q.role == "violation"
                  and (way != "planned" or not q.reads_provenance)]
    text = None
    if way == "planned":  # read before the clock starts: the build does not filter, it skips chunks
        from kg.namespaces import GRAPH_PROVENANCE

        end = f" <{GRAPH_PROVENANCE}> .\n".encode()
        with open(nq, "rb") as fh:
            text = b"".join(line for line in fh if not line.endswith(end))
    folder = tempfile.mkdtemp(prefix="bench-check-") if way == "disk" else None
    try:
        c0, w0 = cpu(), time.perf_counter()
        store = ox.Store(folder) if folder else ox.Store()
        if text is not None:
            store.load(text, format=ox.RdfFormat.N_QUADS, lenient=True)
            del text
        with open(nq, "rb") as fh:
            if way == "planned":
                pass
            elif way == "load":
                store.load(fh, format=ox.RdfFormat.N_QUADS, lenient=True)
            else:
                store.bulk_load(fh, format=ox.RdfFormat.N_QUADS, lenient=True)
        out: dict = {"way": way, "load_cpu": cpu() - c0, "load_wall": time.perf_counter() - w0,
                     "rss_after_load": memory("VmRSS"), "peak_after_load": memory("VmHWM")}
        if folder:
            out["disk_mb"] = sum(f.stat().st_size for f in Path(folder).rglob("*") if f.is_file()) / 2**20
        engine, queries = OxigraphEngine(store), {}
        for name, text in violations:
            c = cpu()
            res = engine.query(text)
            rows = len(res.rows) if isinstance(res, SelectResult) else int(bool(res))
            queries[name] = (cpu() - c, rows)
        out.update(queries=queries, total_cpu=cpu() - c0, total_wall=time.perf_counter() - w0,
                   peak=memory("VmHWM"))
        c = cpu()
        del engine, store
        out["drop_cpu"] = cpu() - c  # what kg.build.checkrun spares by ending without freeing it
        return out
    finally:
        if folder:
            shutil.rmtree(folder, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--nq", required=True, help="a built dist/paradiplomacy.nq")
    ap.add_argument("--root", default=str(REPO), help="the tree whose queries/*-violation.rq are run")
    ap.add_argument("--ways", nargs="+", choices=WAYS, default=list(WAYS))
    ap.add_argument("--one", choices=WAYS, help=argparse.SUPPRESS)  # run one way here, print JSON
    args = ap.parse_args(argv)
    if args.one:
        print(json.dumps(_one(args.one, args.nq, args.root)))
        return 0
    results = []
    for way in args.ways:
        proc = subprocess.run([sys.executable, __file__, "--nq", args.nq, "--root", args.root, "--one", way],
                              capture_output=True, text=True, cwd=REPO)
        if proc.returncode != 0:
            print(proc.stderr, file=sys.stderr)
            return 1
        results.append(json.loads(proc.stdout))
    print(f"{'way':6} {'load CPU':>9} {'wall':>7} {'RSS after':>10} {'peak':>7} {'queries CPU':>12} "
          f"{'total CPU':>10} {'peak RSS':>9} {'freeing CPU':>12}")
    for r in results:
        qcpu = sum(c for c, _n in r["queries"].values())
        extra = f"   on disk {r['disk_mb']:.0f} MB" if "disk_mb" in r else ""
        print(f"{r['way']:6} {r['load_cpu']:8.2f}s {r['load_wall']:6.2f}s {r['rss_after_load']:8.2f}GB "
              f"{r['peak_after_load']:5.2f}GB {qcpu:11.2f}s {r['total_cpu']:9.2f}s {r['peak']:7.2f}GB "
              f"{r['drop_cpu']:11.2f}s{extra}")
    names = sorted({n for r in results for n in r["queries"]})
    print("\nCPU s (rows) of each violation query:")
    print(f"{'query':42}" + "".join(f"{r['way']:>14}" for r in results))
    for name in names:
        print(f"{name:42}" + "".join((f"{r['queries'][name][0]:8.2f} ({r['queries'][name][1]})"
                                      if name in r["queries"] else "-").rjust(14) for r in results))
    same = all(r["queries"][n][1] == q[n][1] for r in results for q in (x["queries"] for x in results)
               for n in r["queries"] if n in q)
    print("\nrows the same in every way:", same)
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
