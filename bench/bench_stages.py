"""Two of the build's stages beside the way they ran before, in one process, in turns (A B A B ...,
so that a drift of the machine's speed touches both), each pair's outputs asserted equal:

- shacl + reason: a store each (SHACL's and the OWL RL rules' own copies of the data) against the
  one store the build copies the data into once (`kg.build.pipeline._data_store`);
- canonicalise: the plain path (`data_and_provenance_lines` + `canonical_dataset`: every line a
  string, all sorted together) against the build's (`kg.build.canonical.build_canonical`);
- before-export: every stage before the export (`kg.build.pipeline._check`, the check deferred)
  in one process (`parallel=False`) against with its children (`parallel=True`: SHACL and the
  provenance's text each in a forked child), each stage's wall seconds and this process's CPU
  seconds in it (the children's apart: on a quiet machine with a second core their work costs the
  stages no wall time unless this process waits for it).

Prints CPU seconds and the resident memory after each run (the process's, so it only says how much
was still held). Not a test.

    .venv/bin/python bench/bench_stages.py --root /path/to/tree --rounds 2
    .venv/bin/python bench/bench_stages.py --factor 10          # a generated tree, 10x the seed
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def _rss_gb() -> float:
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * 4096 / 1e9
    except OSError:  # not Linux
        return float("nan")


def measure(root: Path, rounds: int, stages: list[str]) -> None:
    if "before-export" in stages:
        before_export(root, rounds)
        stages = [s for s in stages if s != "before-export"]
        if not stages:
            return
    from kg.build import pipeline as P
    from kg.build.canonical import build_canonical, canonical_dataset
    from kg.build.provenance import data_and_provenance_lines
    from kg.build.shacl import validate_shapes
    from kg.build.sources import load_tree
    from kg.query.catalogue import load_catalogue

    tree = load_tree(root)
    catalogue = load_catalogue(root)
    P.stamp_version(tree.ontology, "0")
    print(f"{root}: {len(tree.sourced_quads) + len(tree.plain_triples)} data quads")

    def shacl_reason(shared: bool):
        t0 = time.process_time()
        store = P._data_store(tree) if shared else None
        t1 = time.process_time()
        res = validate_shapes(tree.ontology, lambda: tree.data, tree.shapes, data_quads=tree.data_triples(),
                              store=store)
        t2 = time.process_time()
        rr = P._reason(tree, catalogue, "rules", P.BuildReport(root=root, version="0"), store)
        t3 = time.process_time()
        times = f"store {t1 - t0:6.2f}  shacl {t2 - t1:6.2f}  reason {t3 - t2:6.2f}  total {t3 - t0:6.2f}"
        out = (res.conforms, res.findings, sorted(map(str, rr.inferred_triples)), rr.dropped, rr.from_construct)
        return times, out, rr

    inferred = None
    if "shacl-reason" in stages:
        ref = None
        for _ in range(rounds):
            for name, shared in (("a store each", False), ("one store", True)):
                times, out, rr = shacl_reason(shared)
                ref = out if ref is None else ref
                assert out == ref, f"{name}: other findings or inferred triples"
                print(f"  shacl+reason, {name:<12} CPU s: {times}  rss {_rss_gb():.2f} GB", flush=True)
                inferred = rr.inferred_triples
                del rr
    if "canonicalise" in stages:
        if inferred is None:
            inferred = P._reason(tree, catalogue, "rules", P.BuildReport(root=root, version="0")).inferred_triples

        def plain():
            data_lines, provenance = data_and_provenance_lines(tree.sourced_quads)
            return canonical_dataset(tree.ontology, tree.plain_triples, inferred, provenance, data_lines=data_lines)

        def build():
            return build_canonical(tree.ontology, tree.plain_triples, inferred, tree.sourced_quads)

        ref = None
        for _ in range(rounds):
            for name, f in (("plain path", plain), ("build's", build)):
                t0 = time.process_time()
                cds = f()
                seconds = time.process_time() - t0
                rss = _rss_gb()
                text = cds.nquads()
                ref = text if ref is None else ref
                assert text == ref, f"{name}: other bytes"
                print(f"  canonicalise, {name:<11} CPU s: {seconds:6.2f}  {cds.lines_count} quads  "
                      f"rss {rss:.2f} GB", flush=True)
                del cds, text


def before_export(root: Path, rounds: int) -> None:
    import hashlib
    import resource

    from kg.build import pipeline as P

    def children_cpu() -> float:
        ru = resource.getrusage(resource.RUSAGE_CHILDREN)
        return ru.ru_utime + ru.ru_stime

    ref = None
    for _ in range(rounds):
        for parallel in (False, True):
            rows: list = []
            last = [time.process_time()]

            def progress(name: str, seconds: float) -> None:
                now = time.process_time()
                rows.append(f"{name} {seconds:.2f} ({now - last[0]:.2f} CPU)")
                last[0] = now

            report = P.BuildReport(root=root, version="0")
            c0, k0, w0 = time.process_time(), children_cpu(), time.perf_counter()
            cds, _shacl, _violations = P._check(root, report, P._Clock(report, progress), method="rules",
                                                parser="oxigraph", shacl_inference="none", parallel=parallel,
                                                defer_check=True)
            cpu, kids, wall = time.process_time() - c0, children_cpu() - k0, time.perf_counter() - w0
            digest = hashlib.sha256()
            for chunk in cds.chunks:
                digest.update(chunk)
            ref = digest.digest() if ref is None else ref
            assert digest.digest() == ref, f"parallel={parallel}: other canonical text"
            print(f"  before-export, {'with children' if parallel else 'one process':<13} wall {wall:6.2f}  "
                  f"CPU {cpu:6.2f} + children {kids:6.2f}  rss {_rss_gb():.2f} GB\n    " + ", ".join(rows),
                  flush=True)
            del cds, _shacl, _violations


def main(argv=None) -> int:
    import gc

    gc.disable()  # as the build runs (kg.build.jsonld.gc_paused, as in kg.build.pipeline)
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--root", type=Path, help="a source tree (default: the seed, or --factor)")
    ap.add_argument("--factor", type=int, default=1, help="a generated tree this many times the seed")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--stages", nargs="*", default=["shacl-reason", "canonicalise"],
                    choices=["shacl-reason", "canonicalise", "before-export"])
    args = ap.parse_args(argv)
    if args.root is not None:
        measure(args.root, args.rounds, args.stages)
        return 0
    from bench.generate import generate

    with tempfile.TemporaryDirectory(prefix="kg-stages-") as tmp:
        root = REPO if args.factor == 1 else Path(generate(REPO, Path(tmp) / "tree", factor=args.factor)["out"])
        measure(root, args.rounds, args.stages)
    return 0


if __name__ == "__main__":
    sys.exit(main())
