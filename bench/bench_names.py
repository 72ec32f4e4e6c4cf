"""The name resolver and label service: what they cost beside the query they serve.

Prints, for a built dataset, the time to build the whole name index (every label and type),
the index of one answer's things only (what `kg query` reads), a resolution by name, a search,
and the canned query itself, each the median of --runs runs.

    .venv/bin/python bench/bench_names.py [--data dist/paradiplomacy.nq] [--runs 5]
"""
from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from kg.names import NameIndex
from kg.query import load_engine
from kg.query.catalogue import load_catalogue


def median_ms(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default="dist/paradiplomacy.nq")
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    engine = load_engine("oxigraph", Path(args.data))
    q = load_catalogue()["agreements-of-actor"]
    bindings = q.bind({"actor": "pdi:special-region-of-yogyakarta"})
    answer = engine.query(q.text, bindings)
    iris = {t for r in answer.rows for t in r.values() if t is not None and t.__class__.__name__ == "URIRef"}
    whole = NameIndex.from_engine(engine)
    print(f"dataset {args.data}: {len(whole._entries)} named or typed things; answer: {len(answer.rows)} rows, "
          f"{len(iris)} things")
    print(f"{'canned query agreements-of-actor':40s} {median_ms(lambda: engine.query(q.text, bindings), args.runs):8.1f} ms")
    print(f"{'whole name index':40s} {median_ms(lambda: NameIndex.from_engine(engine), args.runs):8.1f} ms")
    print(f"{'index of the answer only':40s} {median_ms(lambda: NameIndex.from_engine(engine, iris=iris), args.runs):8.1f} ms")
    resolve_ms = median_ms(lambda: whole.resolve("Daerah Istimewa Yogyakarta"), args.runs)
    search_ms = median_ms(lambda: whole.search("yogya"), args.runs)
    print(f"{'resolve Daerah Istimewa Yogyakarta':40s} {resolve_ms:8.3f} ms")
    print(f"{'search yogya (20 best)':40s} {search_ms:8.1f} ms")


if __name__ == "__main__":
    main()
