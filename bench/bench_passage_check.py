"""statement-provenance-violation under the two other provenance models, asked as SPARQL on
pyoxigraph in each shape tried. Not a test: it prints figures for people.

    .venv/bin/python bench/bench_passage_check.py --root /tmp/kg-1m --runs 2
    .venv/bin/python bench/bench_passage_check.py --root /tmp/kg-1m --runs 2 --model reifiers

`--model passages` (the default): the passage graphs kept as named graphs beside graph/data, the
check being "an asserted triple in no passage graph". The store holds what that model would
publish: every data file's GRAPH blocks as they are (each passage's own named graph) and
graph/data, the union of their triples and the .ttl files' (the `graph/data` lines of the built
tree's `dist/paradiplomacy.nq`).

`--model reifiers`: RDF 1.2's reification, each statement of graph/provenance saying its triple
as one triple term (`?st rdf:reifies <<( ?s ?p ?o )>>`) in place of its rdf:subject, rdf:predicate
and rdf:object, its sources as they are. The store is the built tree's graph/data and
graph/provenance, the statements rewritten so by one SPARQL update.

Each query is run --runs times; the CPU seconds of each run and the rows (0 on a tree whose
triples all have a passage) are printed, and last a plain count of every quad, the floor of any
shape that reads them all.
Issue 22 asks every canned query to answer within 1 s at ~1M: under reification, reading what the
query must read takes 2.1 s (`bench_variants.py --reads`); this measures the other two."""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pyoxigraph as ox

DATA = "<https://w3id.org/paradiplomacy/graph/data>"
SHAPES = {
    "not-exists": f"SELECT ?s ?p ?o WHERE {{ GRAPH {DATA} {{ ?s ?p ?o }} "
                  f"FILTER NOT EXISTS {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(?g != {DATA}) }} }}",
    "optional": f"SELECT ?s ?p ?o WHERE {{ GRAPH {DATA} {{ ?s ?p ?o }} "
                f"OPTIONAL {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(?g != {DATA}) }} FILTER(!BOUND(?g)) }}",
    "minus": f"SELECT ?s ?p ?o WHERE {{ GRAPH {DATA} {{ ?s ?p ?o }} "
             f"MINUS {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(?g != {DATA}) }} }}",
    "group-by": f"SELECT ?s ?p ?o WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }} GROUP BY ?s ?p ?o "
                f"HAVING(COUNT(*) = 1 && MAX(sameTerm(?g, {DATA})))",
    "(count of every quad)": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
}
PROVENANCE = "<https://w3id.org/paradiplomacy/graph/provenance>"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
REIFIED = f"GRAPH {PROVENANCE} {{ ?st <{RDF}reifies> <<( ?s ?p ?o )>> }}"
REIFIER_SHAPES = {
    "not-exists": f"SELECT ?s ?p ?o WHERE {{ GRAPH {DATA} {{ ?s ?p ?o }} FILTER NOT EXISTS {{ {REIFIED} }} }}",
    "optional": f"SELECT ?s ?p ?o WHERE {{ GRAPH {DATA} {{ ?s ?p ?o }} OPTIONAL {{ {REIFIED} }} "
                "FILTER(!BOUND(?st)) }",
    "minus": f"SELECT ?s ?p ?o WHERE {{ GRAPH {DATA} {{ ?s ?p ?o }} MINUS {{ {REIFIED} }} }}",
    "(count of every quad)": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
}
# graph/provenance's statements rewritten as RDF 1.2 reifiers: one triple term for three triples
TO_REIFIERS = f"""
DELETE {{ GRAPH {PROVENANCE} {{ ?st <{RDF}subject> ?s ; <{RDF}predicate> ?p ; <{RDF}object> ?o }} }}
INSERT {{ GRAPH {PROVENANCE} {{ ?st <{RDF}reifies> <<( ?s ?p ?o )>> }} }}
WHERE {{ GRAPH {PROVENANCE} {{ ?st <{RDF}subject> ?s ; <{RDF}predicate> ?p ; <{RDF}object> ?o }} }}"""


def _nq(root: Path) -> Path:
    nq = root / "dist" / "paradiplomacy.nq"
    if not nq.is_file():
        raise SystemExit(f"no {nq}: build the tree first (kg --root {root} build)")
    return nq


def load_reifiers(root: Path) -> ox.Store:
    """graph/data and graph/provenance of the built tree, the statements as RDF 1.2 reifiers."""
    ends = tuple(f" {g} .\n".encode("utf-8") for g in (DATA, PROVENANCE))
    store = ox.Store()
    with open(_nq(root), "rb") as fh:
        store.bulk_load(b"".join(line for line in fh if line.endswith(ends)), format=ox.RdfFormat.N_QUADS)
    store.update(TO_REIFIERS)
    return store


def load(root: Path) -> ox.Store:
    nq = _nq(root)
    store = ox.Store()
    for f in sorted((root / "data").glob("*.trig")):
        store.bulk_load(path=str(f), format=ox.RdfFormat.TRIG)
    end = f" {DATA} .\n".encode("utf-8")
    with open(nq, "rb") as fh:
        store.bulk_load(b"".join(line for line in fh if line.endswith(end)), format=ox.RdfFormat.N_QUADS)
    return store


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--root", type=Path, required=True, help="a built tree (data/ and dist/)")
    ap.add_argument("--runs", type=int, default=2)
    ap.add_argument("--model", choices=("passages", "reifiers"), default="passages",
                    help="the passage graphs as named graphs (default), or RDF 1.2 reifiers")
    args = ap.parse_args(argv)
    t0 = time.process_time()
    if args.model == "passages":
        store, shapes, what = load(args.root), SHAPES, "the passage graphs and graph/data"
    else:
        store, shapes, what = load_reifiers(args.root), REIFIER_SHAPES, "graph/data and the reifiers"
    print(f"{args.root}: {len(store)} quads ({what}) loaded in {time.process_time() - t0:.1f} s CPU")
    for name, text in shapes.items():
        times, rows = [], 0
        for _ in range(args.runs):
            t0 = time.process_time()
            rows = len(list(store.query(text)))
            times.append(time.process_time() - t0)
        print(f"  {name:<24} {' '.join(f'{t:6.2f}' for t in times)} s CPU   {rows} row(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
