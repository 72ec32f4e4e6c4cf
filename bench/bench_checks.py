"""Benchmark: the two violation checks the build evaluates in one pass over the sorted N-Quads
text (`kg.build.checks.LINEAR_CHECKS`) against their SPARQL queries on pyoxigraph, over one built
dataset.

    .venv/bin/python bench/bench_checks.py --root /work/m1 [--runs 1]

Reads ROOT/dist/paradiplomacy.nq into chunks of 100,000 lines, as the CanonicalDataset holds it,
and loads it into a pyoxigraph store; prints the CPU seconds of `linear_results` (both checks, one
pass) and of each query (`OxigraphEngine.query`), the rows of each, whether they are the same, and
the peak memory the linear pass added (tracemalloc). A measurement, not a timed test.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.build import checks  # noqa: E402
from kg.build.canonical import _CHUNK_LINES, CanonicalDataset  # noqa: E402
from kg.query.catalogue import load_catalogue  # noqa: E402
from kg.query.embedded import OxigraphEngine  # noqa: E402


def read_dataset(nq: Path) -> CanonicalDataset:
    chunks, part, count = [], [], 0
    with nq.open("rb") as f:
        for line in f:
            part.append(line)
            if len(part) == _CHUNK_LINES:
                chunks.append(b"".join(part))
                count += len(part)
                part = []
    if part:
        chunks.append(b"".join(part))
        count += len(part)
    return CanonicalDataset(chunks, count)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--root", type=Path, default=ROOT, help="a built tree: ROOT/dist/paradiplomacy.nq")
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--no-sparql", action="store_true", help="time the linear pass only")
    args = ap.parse_args(argv)

    nq = args.root / "dist" / "paradiplomacy.nq"
    cds = read_dataset(nq)
    print(f"{nq}: {cds.lines_count} quads in {len(cds.chunks)} chunks")
    cpus, linear = [], None
    for _ in range(args.runs):
        c0 = time.process_time()
        linear = checks.linear_results(cds)
        cpus.append(time.process_time() - c0)
    tracemalloc.start()
    checks.linear_results(cds)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(f"linear, both checks in one pass: {statistics.median(cpus):.2f} s CPU, peak {peak / 2**20:.0f} MiB traced; "
          + ", ".join(f"{n}: {len(r.rows)} rows" for n, r in linear.items()))
    if args.no_sparql:
        return 0
    import pyoxigraph as ox

    store = ox.Store()
    for chunk in cds.chunks:
        store.load(chunk, format=ox.RdfFormat.N_QUADS, lenient=True)
    engine = OxigraphEngine(store)
    catalogue = load_catalogue(ROOT)
    total = 0.0
    for name in checks.LINEAR_CHECKS:
        cpus = []
        for _ in range(args.runs):
            c0 = time.process_time()
            res = engine.query(catalogue[name].text, timeout_s=600)
            cpus.append(time.process_time() - c0)
        total += statistics.median(cpus)
        same = res.variables == linear[name].variables and res.rows == linear[name].rows
        print(f"SPARQL {name}: {statistics.median(cpus):.2f} s CPU, {len(res.rows)} rows, same rows as linear: {same}")
    print(f"SPARQL both: {total:.2f} s CPU")
    return 0


if __name__ == "__main__":
    sys.exit(main())
