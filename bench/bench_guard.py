"""The query guard's cost (kg/query/guard.py): per canned query, uncached and cached, and on long
texts to show it is linear. Prints figures; asserts nothing.

    .venv/bin/python bench/bench_guard.py [--repeat 50]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg.query import guard  # noqa: E402
from kg.query.safety import check_query  # noqa: E402


def timed(fn, repeat: int) -> float:
    """Median seconds of `fn()` over `repeat` runs."""
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t)
    return statistics.median(runs)


def uncached(text: str):
    def run():
        guard._CACHE._items.clear()
        check_query(text)
    return run


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=50)
    args = ap.parse_args()
    queries = sorted((ROOT / "queries").glob("*.rq"))
    print(f"{'canned query':45} {'chars':>6} {'uncached ms':>12} {'cached ms':>10}")
    worst = 0.0
    for q in queries:
        text = q.read_text(encoding="utf-8")
        cold = timed(uncached(text), args.repeat)
        check_query(text)
        warm = timed(lambda: check_query(text), args.repeat)
        worst = max(worst, cold)
        print(f"{q.stem:45} {len(text):6d} {cold * 1e3:12.3f} {warm * 1e3:10.4f}")
    print(f"{len(queries)} canned queries; slowest uncached: {worst * 1e3:.3f} ms")
    print()
    print(f"{'long query (VALUES of n IRIs)':32} {'chars':>8} {'ms':>9} {'us/char':>8}")
    for n in (1000, 4000, 8000, 16000):
        text = ("SELECT * FROM <https://w3id.org/paradiplomacy/graph/data> WHERE { VALUES ?s { "
                + " ".join(f"<https://w3id.org/paradiplomacy/id/x{i}>" for i in range(n)) + " } ?s ?p ?o }")
        t = timed(uncached(text), max(3, args.repeat // 10))
        print(f"{n:32d} {len(text):8d} {t * 1e3:9.1f} {t * 1e6 / len(text):8.3f}")


if __name__ == "__main__":
    main()
