"""Time the export's N-Triples, TriG, Turtle and RDF/XML (with VoID's counts) of a built dataset,
the way the build writes them (`_Documents`: one parse of each block of the N-Triples for the three
others) beside the way it wrote them before (`_Triples`, then `_write_trig`, which parses the
N-Quads again graph by graph, then `_turtle_and_rdf_xml`, which parses the N-Triples again). Each
way's files are compared with the built ones (`cmp`). Not a test: it prints figures for people
(CPU seconds of this process; the cyclic GC off, as in the build).

    .venv/bin/python bench/bench_documents.py                       # the checkout's dist/ (build first)
    .venv/bin/python bench/bench_documents.py --dist /tmp/kg-10x/dist --runs 3
    .venv/bin/python bench/bench_documents.py --dist /tmp/kg-1m/dist --only new   # one way alone: CPU, peak RSS
    .venv/bin/python bench/bench_documents.py --dist /tmp/kg-10x/dist --vs f8884e2 --runs 5  # this code and that commit's

With --vs REV, the build's way (`new`) is run alone in a fresh process, once with this checkout's kg/
and once with REV's (`git archive`, in a temporary folder), in turn (A B A B ...), RUNS times: the
median CPU seconds of each, their ratio, the peak RSS, and whether each wrote the bytes of --dist.

The dataset is read from `paradiplomacy.nq` as the build holds it (`CanonicalDataset`: sorted
lines, in chunks of whole lines); the files are written into a temporary folder beside nothing
else (at ~1M triples about 2.4 GB: give --tmp a disk with room), removed after each run.
"""
from __future__ import annotations

import argparse
import filecmp
import gc
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
REPO = Path(os.environ.get("KG_BENCH_TREE") or HERE)  # whose kg/ is timed (`--vs` sets it for REV's)
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(HERE / "bench"))

from bench_jsonld import load  # noqa: E402
from kg.build import export  # noqa: E402
from kg.build.canonical import CanonicalDataset  # noqa: E402

NAMES = [export.FORMATS[f][0] for f in ("nt", "trig", "ttl", "rdf")]


def new(cds: CanonicalDataset, out: Path, prefixes: dict) -> dict:
    documents = export._Documents(out, prefixes)
    triples = export._Triples(cds, out / NAMES[0], each=documents.block)
    documents.finish(cds, triples, out / NAMES[1])
    return {}


def old(cds: CanonicalDataset, out: Path, prefixes: dict) -> dict:
    t0 = time.process_time()
    triples = export._Triples(cds, out / NAMES[0])
    t1 = time.process_time()
    export._write_trig(cds, out / NAMES[1], prefixes)
    t2 = time.process_time()
    export._turtle_and_rdf_xml(triples, out / NAMES[2], prefixes, out / NAMES[3], prefixes)
    t3 = time.process_time()
    return {"nt+VoID": t1 - t0, "trig": t2 - t1, "ttl+rdf": t3 - t2}


def versus(rev: str, dist: Path, runs: int, tmp: Path | None) -> int:
    """This checkout's `new` (A) beside commit `rev`'s (B), each run alone in a fresh process."""
    import re
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory(prefix="bench-documents-") as folder:
        old = Path(folder) / "tree"
        old.mkdir()
        archive = subprocess.run(["git", "-C", str(HERE), "archive", rev, "kg"], check=True, capture_output=True)
        subprocess.run(["tar", "-x", "-C", str(old)], input=archive.stdout, check=True)
        print(f"{dist}: this checkout (A) beside {rev} (B), the .nt, .trig, .ttl and .rdf (with VoID's counts) "
              f"alone in a fresh process, in turn, {runs} runs; CPU seconds (median), peak RSS of the process")
        cpu: dict[str, list[float]] = {"A": [], "B": []}
        rss: dict[str, list[float]] = {"A": [], "B": []}
        same = {"A": True, "B": True}
        for _ in range(runs):
            for who, tree in (("A", HERE), ("B", old)):
                command = [sys.executable, str(Path(__file__).resolve()), "--dist", str(dist), "--only", "new"]
                done = subprocess.run(command + (["--tmp", str(tmp)] if tmp else []),
                                      env={**os.environ, "KG_BENCH_TREE": str(tree)},
                                      check=True, capture_output=True, text=True).stdout
                found = re.search(r": ([0-9.]+) s CPU .*the same bytes as .*: (True|False); .* process ([0-9]+) MB",
                                  done)
                cpu[who].append(float(found.group(1)))
                same[who] &= found.group(2) == "True"
                rss[who].append(float(found.group(3)))
        ta, tb = statistics.median(cpu["A"]), statistics.median(cpu["B"])
        print(f"  A {ta:8.2f} s  B {tb:8.2f} s  (A/B {ta / tb:4.2f}; runs A {cpu['A']} B {cpu['B']})"
              f"   peak RSS A {max(rss['A']):.0f} MB B {max(rss['B']):.0f} MB")
        print(f"  the bytes of {dist}: A {same['A']}, B {same['B']}")
    return 0 if same["A"] and same["B"] else 1


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dist", type=Path, default=REPO / "dist", help="a built dist/ (default: the checkout's)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--only", choices=("new", "old"), help="time one way alone, once")
    ap.add_argument("--tmp", type=Path, default=None, help="where the files are written (default: $TMPDIR)")
    ap.add_argument("--vs", metavar="REV", help="the build's way, alone in a fresh process, with this checkout's "
                    "code and with REV's (a commit), in turn: CPU, peak RSS, the same bytes")
    args = ap.parse_args(argv)
    if args.vs:
        return versus(args.vs, args.dist, args.runs, args.tmp)

    gc.disable()
    nq = args.dist / "paradiplomacy.nq"
    chunks = load(nq)
    count = sum(c.count(b"\n") for c in chunks)
    prefixes = export._used_prefixes_in_file(nq)
    if any(str(g).startswith(ns) for g, _l in export._GRAPHS for ns in prefixes.values()):
        print("a prefix's namespace starts a graph name: the build does not use _Documents here")
        return 1
    ways = {"new": new, "old": old}

    def run(name: str) -> tuple[float, dict, bool]:
        out = Path(tempfile.mkdtemp(prefix="bench-documents-", dir=args.tmp))
        try:
            cds = CanonicalDataset(chunks=list(chunks), lines_count=count)
            t0 = time.process_time()
            parts = ways[name](cds, out, prefixes)
            cpu = time.process_time() - t0
            same = all(filecmp.cmp(out / f, args.dist / f, shallow=False) for f in NAMES)
            return cpu, parts, same
        finally:
            shutil.rmtree(out)

    if args.only:
        import resource

        cpu, parts, same = run(args.only)
        detail = "".join(f", {k} {v:.2f}" for k, v in parts.items())
        print(f"{args.only}: {cpu:.2f} s CPU ({count} quads{detail}); the same bytes as {args.dist}: {same}; "
              f"peak RSS of the process {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
        return 0
    print(f"{args.dist}: {count} quads; CPU seconds, median of {args.runs} runs, the two ways in turn")
    samples: dict[str, list] = {"new": [], "old": []}
    parts_old: list[dict] = []
    same = True
    for _ in range(args.runs):
        for name in ("new", "old"):
            cpu, parts, ok = run(name)
            samples[name].append(cpu)
            same &= ok
            if parts:
                parts_old.append(parts)
    t_new, t_old = statistics.median(samples["new"]), statistics.median(samples["old"])
    detail = ", ".join(f"{k} {statistics.median(p[k] for p in parts_old):.2f}" for k in parts_old[0])
    print(f"  .nt, .trig, .ttl, .rdf  {t_new:8.2f} s   before {t_old:8.2f} s ({detail})   ({t_old / t_new:4.2f}x)")
    print(f"  every file the same as {args.dist}'s: {same}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
