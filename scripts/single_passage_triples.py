"""List the asserted triples cited by exactly one passage graph, where that graph's block holding the
triple is written in one of the given data files (the population of issue 20's single-passage audit).

    .venv/bin/kg build -q
    .venv/bin/python scripts/single_passage_triples.py data/jogjainvest-diy-kyoto.trig ... > rows.tsv

Reads dist/paradiplomacy.nq (graph/provenance: one rdf:Statement per asserted triple, with every
graph that holds it as prov:wasDerivedFrom) and the named TriG files (which file writes which quad).
A triple counts when its statement has exactly one source, that source is a passage
(…/id/passage-…), the triple sits in that passage's graph in one of the files, its predicate is not
housekeeping (docs/PROVENANCE.md) and its subject is not a pd:SourceConflict. Prints one
tab-separated row per triple (subject, predicate, object, passage, file; N-Triples terms), sorted,
and the count on stderr."""
from __future__ import annotations

import sys
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
PD = "https://w3id.org/paradiplomacy/ontology#"
PASSAGE = "https://w3id.org/paradiplomacy/id/passage-"
PROVENANCE = "https://w3id.org/paradiplomacy/graph/provenance"
HOUSEKEEPING = {
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", "http://www.w3.org/2000/01/rdf-schema#label",
    "http://www.w3.org/2004/02/skos/core#altLabel", "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://www.w3.org/2000/01/rdf-schema#comment", "http://www.w3.org/ns/prov#wasDerivedFrom",
    PD + "quote", PD + "translation", PD + "order", "http://purl.org/dc/terms/isPartOf", PD + "footnote",
    PD + "sectionNumber", PD + "page"}
CENTRE_LINKS = {PD + "hasCentralGovernment", PD + "governs"}  # housekeeping between a state and its centre


def main(files: list[str]) -> int:
    store = ox.Store()
    store.bulk_load(path=str(ROOT / "dist" / "paradiplomacy.nq"), format=ox.RdfFormat.N_QUADS)
    where: dict[tuple, str] = {}
    for name in files:
        with open(name, "rb") as f:
            for q in ox.parse(f, format=ox.RdfFormat.TRIG):
                where.setdefault((q.subject, q.predicate, q.object, q.graph_name), name)
    conflicts = {r["s"] for r in store.query(
        f"SELECT DISTINCT ?s WHERE {{ GRAPH ?g {{ ?s a <{PD}SourceConflict> }} }}")}
    states = {r["s"] for r in store.query(
        f"SELECT DISTINCT ?s WHERE {{ GRAPH ?g {{ ?s a <{PD}SovereignState> }} }}")}
    rows = []
    for r in store.query(f"""
        PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        PREFIX prov: <http://www.w3.org/ns/prov#>
        SELECT ?s ?p ?o (COUNT(DISTINCT ?src) AS ?n) (SAMPLE(?src) AS ?one) WHERE {{
          GRAPH <{PROVENANCE}> {{ ?st a rdf:Statement; rdf:subject ?s; rdf:predicate ?p; rdf:object ?o;
                                  prov:wasDerivedFrom ?src }}
        }} GROUP BY ?s ?p ?o"""):
        s, p, o, src = r["s"], r["p"], r["o"], r["one"]
        if int(r["n"].value) != 1 or not src.value.startswith(PASSAGE):
            continue
        if p.value in HOUSEKEEPING or s in conflicts:
            continue
        if p.value in CENTRE_LINKS and (s in states or o in states):
            continue
        name = where.get((s, p, o, ox.NamedNode(src.value)))
        if name is not None:
            rows.append((str(s), str(p), str(o), str(src), name))
    rows.sort()
    for row in rows:
        print("\t".join(row))
    print(f"{len(rows)} triples", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
