"""How long `kg serve` takes to start one query worker, to its "ready": forked from the pool's
zygote, which holds the loaded store (what a client waits for after a worker is killed on time-out
and replaced), and, for comparison, started as a plain subprocess that loads the dataset itself
(the server with updates; every worker before the zygote, and the zygote's own start).

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
from kg.serve.pool import _Worker, _Zygote, zygote_possible  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, help="N-Quads file (default: the checkout's build, built if missing)")
    ap.add_argument("--runs", type=int, default=20)
    args = ap.parse_args()
    nquads = args.data.resolve() if args.data else DatasetLocation.of(ROOT).ensure_built()
    source = {"nquads": str(nquads)}

    def starts(zygote=None) -> list[float]:
        times = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            worker = _Worker(source, zygote)
            times.append(time.perf_counter() - t0)
            worker.kill()
        return sorted(1000 * t for t in times)

    size = f"{nquads.name}, {nquads.stat().st_size / 2**20:.2f} MiB"
    if zygote_possible():
        zygote = _Zygote(source)
        try:
            ms = starts(zygote)
        finally:
            zygote.kill()
        print(f"worker forked from the zygote ({size}), {args.runs} starts: "
              f"median {statistics.median(ms):.1f} ms, min {ms[0]:.1f} ms, max {ms[-1]:.1f} ms")
    ms = starts()
    print(f"worker loading the dataset itself ({size}), {args.runs} starts: "
          f"median {statistics.median(ms):.0f} ms, min {ms[0]:.0f} ms, max {ms[-1]:.0f} ms")


if __name__ == "__main__":
    main()
