"""Time the build, stage by stage (median of N runs), and compare the ways of reasoning and
validating. Not a test: it prints figures for people.

    .venv/bin/python bench/bench_build.py            # the checkout's sources, 5 runs
    .venv/bin/python bench/bench_build.py --runs 9 --root tests/fixtures/build

The build runs on a temporary copy of the sources, so the checkout's dist/ is not touched.
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from kg.build import build  # noqa: E402
from kg.build.sources import InputError, load_tree  # noqa: E402
from kg.build.reason import infer  # noqa: E402
from kg.build.shacl import validate_shapes  # noqa: E402


def median_ms(samples: list[float]) -> str:
    return f"{statistics.median(samples) * 1000:8.1f} ms"


def timed(fn, runs: int) -> tuple[list[float], object]:
    out, result = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        out.append(time.perf_counter() - t0)
    return out, result


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--root", type=Path, default=REPO, help="source tree (default: the checkout)")
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "tree"
        for folder in ("ontology", "shapes", "data", "queries"):
            src = args.root / folder
            if src.is_dir():
                shutil.copytree(src, root / folder)
            else:
                (root / folder).mkdir(parents=True)

        stages: dict[str, list[float]] = {}
        totals, cpu = [], []
        for _ in range(args.runs):
            t0, c0 = time.perf_counter(), time.process_time()
            report = build(root)
            totals.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
            for name, dt in report.stages:
                stages.setdefault(name, []).append(dt)
        print(f"kg build on {args.root} — {report.triples} triples; median of {args.runs} runs")
        for name, samples in stages.items():
            print(f"  {name:<13} {median_ms(samples)}")
        print(f"  {'total':<13} {median_ms(totals)}   (wall clock of build(), in process)")
        print(f"  {'total CPU':<13} {median_ms(cpu)}   (CPU of this process; the SHACL child's is not counted)")

        print("\nSHACL beside reasoning (forked child) or before it:")
        for parallel in (True, False):
            samples = []
            for _ in range(args.runs):
                t0 = time.perf_counter()
                build(root, parallel=parallel)
                samples.append(time.perf_counter() - t0)
            print(f"  parallel={str(parallel):<5} {median_ms(samples)}")

        tree = load_tree(root)
        print("\nOWL 2 RL closure (compiled rules on pyoxigraph; owlrl), inferred triples kept after filtering:")
        results = {}
        for method in ("rules", "full", "targeted"):
            samples, rr = timed(lambda: infer(tree.ontology, tree.data, method=method), args.runs)
            results[method] = set(rr.inferred)
            print(f"  {method:<9} {median_ms(samples)}  closure {rr.closure_size:6} triples, "
                  f"kept {len(rr.inferred)}")
        same = results["full"] == results["targeted"] == results["rules"]
        print(f"  same inferred triples: {same}")

        print("\nSHACL validation (SPARQL constraints on pyoxigraph + pySHACL; pySHACL alone):")
        for inference, native in (("none", True), ("none", False), ("rdfs", False)):
            samples, res = timed(lambda: validate_shapes(tree.ontology, tree.data, tree.shapes,
                                                         inference=inference, native_sparql=native), args.runs)
            print(f"  inference={inference:<5} {'build' if native else 'pySHACL':<8} {median_ms(samples)}  "
                  f"conforms={res.conforms} findings={len(res.findings)}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except InputError as exc:
        print(f"bench_build: the sources do not build: {exc}", file=sys.stderr)
        sys.exit(2)
