"""Benchmark: every canned query on the embedded engine (pyoxigraph) over one built dataset.

    .venv/bin/python bench/generate.py --triples 1000000 --out /tmp/kg-1m && .venv/bin/kg --root /tmp/kg-1m build
    .venv/bin/python bench/bench_canned.py --root /tmp/kg-1m [--runs 3] [--only NAME ...] [--given]

Loads ROOT/dist/paradiplomacy.nq once, then runs each queries/*.rq of this checkout (defaults
bound; `--given` also binds `lang=id` and, where a parameter's default is unbound, nothing more)
and prints, per query, the rows and the median wall and CPU milliseconds over --runs runs of
`OxigraphEngine.query` (the answer as rdflib terms, as `kg query` reads it), the queries over 1 s
CPU marked; and with --native the CPU milliseconds of `query_native` (pyoxigraph's own terms, as
the query workers of `kg serve` write them out): the difference is the making of rdflib terms. It is a measurement, not a timed test: figures depend on the machine and
its load (read the CPU column on a shared machine).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.query.catalogue import load_catalogue  # noqa: E402
from kg.query.embedded import OxigraphEngine  # noqa: E402
from kg.terms import to_oxigraph  # noqa: E402


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--root", type=Path, default=ROOT, help="a built tree: ROOT/dist/paradiplomacy.nq")
    ap.add_argument("--runs", type=int, default=3, help="runs per query (median reported)")
    ap.add_argument("--only", nargs="*", help="these queries only")
    ap.add_argument("--native", action="store_true", help="also time query_native (no rdflib terms)")
    ap.add_argument("--given", action="store_true", help="bind lang=id where the query takes it")
    args = ap.parse_args(argv)

    nq = args.root / "dist" / "paradiplomacy.nq"
    t0 = time.perf_counter()
    engine = OxigraphEngine.from_nquads(nq)
    print(f"{nq}: {len(engine.store)} quads loaded in {time.perf_counter() - t0:.1f} s")
    print(f"{'query':<40} {'rows':>7} {'wall ms':>9} {'cpu ms':>9}" + (f" {'native cpu':>10}" if args.native else ""))
    total_w = total_c = 0.0
    slow = []
    for name, q in load_catalogue(ROOT).items():
        if args.only and name not in args.only:
            continue
        given = {"lang": "id"} if args.given and any(p.name == "lang" for p in q.params) else {}
        bindings = q.bind(given)
        walls, cpus, n = [], [], 0
        for _ in range(args.runs):
            w0, c0 = time.perf_counter(), time.process_time()
            res = engine.query(q.text, bindings, timeout_s=600)
            walls.append((time.perf_counter() - w0) * 1000)
            cpus.append((time.process_time() - c0) * 1000)
            n = len(res) if hasattr(res, "__len__") else int(bool(res))
        native = ""
        if args.native:
            subs = {k: to_oxigraph(v) for k, v in bindings.items()}
            ncpus = []
            for _ in range(args.runs):
                c0 = time.process_time()
                engine.query_native(q.text, subs, timeout_s=600)
                ncpus.append((time.process_time() - c0) * 1000)
            native = f" {statistics.median(ncpus):>10.1f}"
        w, c = statistics.median(walls), statistics.median(cpus)
        total_w, total_c = total_w + w, total_c + c
        if c > 1000:
            slow.append(name)
        print(f"{name:<40} {n:>7} {w:>9.1f} {c:>9.1f}{native}{'  > 1 s' if c > 1000 else ''}", flush=True)
    print(f"{'total':<40} {'':>7} {total_w:>9.1f} {total_c:>9.1f}")
    print(f"over 1 s (CPU): {len(slow)}" + (f": {', '.join(slow)}" if slow else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
