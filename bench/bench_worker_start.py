"""How long `kg serve` takes to start one query worker: from Popen to the worker's "ready" (the
dataset loaded). This is what a client waits for after a worker is killed on time-out and replaced.

    .venv/bin/python bench/bench_worker_start.py                 # dist/paradiplomacy.nq, 20 starts
    .venv/bin/python bench/bench_worker_start.py --data X.nq --runs 50
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.dataset import DatasetLocation  # noqa: E402
from kg.serve.pool import _Worker  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, help="N-Quads file (default: the checkout's build, built if missing)")
    ap.add_argument("--runs", type=int, default=20)
    args = ap.parse_args()
    nquads = args.data.resolve() if args.data else DatasetLocation.of(ROOT).ensure_built()
    times = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        worker = _Worker({"nquads": str(nquads)})
        times.append(time.perf_counter() - t0)
        worker.kill()
    ms = sorted(1000 * t for t in times)
    print(f"worker start ({nquads.name}, {nquads.stat().st_size / 2**20:.2f} MiB), {args.runs} starts: "
          f"median {statistics.median(ms):.0f} ms, min {ms[0]:.0f} ms, max {ms[-1]:.0f} ms")


if __name__ == "__main__":
    main()
