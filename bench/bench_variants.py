"""Benchmark: two or more texts of one canned query over one built tree, the answers compared.

    .venv/bin/python bench/bench_variants.py --root /tmp/kg-10x OLD.rq NEW.rq [...] [--runs 5]
        [--lang id] [--drop-sources K] [--copy-blocks K] [--reads]

Loads ROOT/dist/paradiplomacy.nq once (the union default graph, as `kg query` reads it), runs each
file (a queries/*.rq with its `#+` header; defaults bound, `--lang` as `kg query --param lang=`)
--runs times by `OxigraphEngine.query_native`, and prints its rows, its median and least CPU
milliseconds, and whether its answer is the first file's: SAME (the same rows in the same order),
or SAME SET / DIFFERENT. It exits 1 if any answer differs.

The violation queries find nothing in a sound build, so the store can be damaged first, to give them
rows to compare: `--drop-sources K` takes out every K-th prov:wasDerivedFrom quad of graph/data and
every K-th rdf:subject quad of graph/provenance (in the sorted order of the quads), `--copy-blocks K`
gives every statement of every K-th subject (sorted) that its first passage supports one more
passage, `pdi:passage-copytest-N`, as a block copied from node-level provenance would. `--reads`
first prints the CPU milliseconds of a COUNT of each pattern the statement-* violation queries read
(graph/data whole, each predicate of the statements in graph/provenance, and a statement's subject,
predicate and object joined), the least any shape of them can cost. It is a measurement, not a
timed test: read the CPU column on a shared machine.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.namespaces import GRAPH_DATA, GRAPH_PROVENANCE  # noqa: E402
from kg.query.catalogue import parse_header  # noqa: E402
from kg.query.embedded import OxigraphEngine  # noqa: E402
from kg.terms import to_oxigraph  # noqa: E402

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
DERIVED = ox.NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom")


def drop_sources(store: ox.Store, k: int) -> int:
    gone = []
    for pred, graph in ((DERIVED, GRAPH_DATA), (ox.NamedNode(RDF + "subject"), GRAPH_PROVENANCE)):
        quads = sorted(store.quads_for_pattern(None, pred, None, ox.NamedNode(str(graph))), key=str)
        gone += quads[::k]
    for q in gone:
        store.remove(q)
    return len(gone)


def copy_blocks(store: ox.Store, k: int) -> int:
    prov = ox.NamedNode(str(GRAPH_PROVENANCE))
    statements: dict = {}
    for q in store.quads_for_pattern(None, ox.NamedNode(RDF + "subject"), None, prov):
        statements.setdefault(q.object, []).append(q.subject)
    added = []
    for i, subject in enumerate(sorted(statements, key=str)):
        if i % k:
            continue
        sts = statements[subject]
        first = sorted((q.object for q in store.quads_for_pattern(sts[0], DERIVED, None, prov)), key=str)
        if not first:
            continue
        copy = ox.NamedNode(f"https://w3id.org/paradiplomacy/id/passage-copytest-{i % 3}")
        added += [ox.Quad(st, DERIVED, copy, prov) for st in sts
                  if next(iter(store.quads_for_pattern(st, DERIVED, first[0], prov)), None) is not None]
    store.extend(added)
    return len(added)


READS = [
    ("graph/data", "GRAPH <%(data)s> { ?s ?p ?o }"),
    ("rdf:subject", "GRAPH <%(prov)s> { ?st rdf:subject ?s }"),
    ("rdf:predicate", "GRAPH <%(prov)s> { ?st rdf:predicate ?p }"),
    ("rdf:object", "GRAPH <%(prov)s> { ?st rdf:object ?o }"),
    ("prov:wasDerivedFrom", "GRAPH <%(prov)s> { ?st <http://www.w3.org/ns/prov#wasDerivedFrom> ?x }"),
    ("subject+predicate+object", "GRAPH <%(prov)s> { ?st rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o }"),
]


def reads(engine: OxigraphEngine, runs: int) -> None:
    for name, pattern in READS:
        text = (f"PREFIX rdf: <{RDF}>\nSELECT (COUNT(*) AS ?n) WHERE {{ "
                + pattern % {"data": GRAPH_DATA, "prov": GRAPH_PROVENANCE} + " }")
        cpus = []
        for _ in range(runs):
            c0 = time.process_time()
            res = engine.query_native(text, {}, timeout_s=3600)
            cpus.append((time.process_time() - c0) * 1000)
        n = next(iter(res.rows))[0].value
        print(f"{'reads ' + name:<60} {n:>7} rows  cpu ms {statistics.median(cpus):>9.1f} "
              f"(least {min(cpus):.1f})", flush=True)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("files", nargs="+", type=Path, help="query files; the first is the reference")
    ap.add_argument("--root", type=Path, default=ROOT, help="a built tree: ROOT/dist/paradiplomacy.nq")
    ap.add_argument("--runs", type=int, default=3, help="runs per file (median and least reported)")
    ap.add_argument("--lang", help="bind lang to this where the query takes it")
    ap.add_argument("--drop-sources", type=int, metavar="K")
    ap.add_argument("--copy-blocks", type=int, metavar="K")
    ap.add_argument("--reads", action="store_true", help="first time a COUNT of each pattern read")
    args = ap.parse_args(argv)

    nq = args.root / "dist" / "paradiplomacy.nq"
    t0 = time.perf_counter()
    engine = OxigraphEngine.from_nquads(nq)
    print(f"{nq}: {len(engine.store)} quads loaded in {time.perf_counter() - t0:.1f} s")
    if args.drop_sources:
        print(f"--drop-sources {args.drop_sources}: {drop_sources(engine.store, args.drop_sources)} quads taken out")
    if args.copy_blocks:
        print(f"--copy-blocks {args.copy_blocks}: {copy_blocks(engine.store, args.copy_blocks)} quads added")
    if args.reads:
        reads(engine, args.runs)
    reference, differ = None, False
    for path in args.files:
        q = parse_header(path, path.read_text(encoding="utf-8"))
        given = {"lang": args.lang} if args.lang and q.has_param("lang") else {}
        subs = {k: to_oxigraph(v) for k, v in q.bind(given).items()}
        cpus = []
        for _ in range(args.runs):
            c0 = time.process_time()
            res = engine.query_native(q.text, subs, timeout_s=3600)
            cpus.append((time.process_time() - c0) * 1000)
        rows = [tuple(r) for r in res.rows] if hasattr(res, "rows") else res
        if reference is None:
            reference, verdict = rows, "reference"
        elif rows == reference:
            verdict = "SAME"
        else:
            differ = True
            verdict = "SAME SET" if sorted(map(str, rows)) == sorted(map(str, reference)) else "DIFFERENT"
        print(f"{str(path):<60} {len(rows):>7} rows  cpu ms {statistics.median(cpus):>9.1f} "
              f"(least {min(cpus):.1f})  {verdict}", flush=True)
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
