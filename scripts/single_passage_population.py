"""List the asserted triples cited by exactly one passage graph, whose graph is written in given files.

Usage: .venv/bin/python scripts/single_passage_population.py data/field.trig data/flanders.trig ... > out.tsv

Reads every data/*.trig (so a triple's citations are counted across all files), then prints, for each
triple whose passage graphs (graph names .../id/passage-...) number exactly one and whose one passage
graph holds it in one of the given files: subject, predicate, object (N-Triples) and the passage, tab
separated, sorted. Housekeeping is left out as in docs/audits/audit-single-full-*.md: the predicates
below, a central government's pd:hasCentralGovernment / pd:governs, and subjects typed pd:SourceConflict.
Other sources of the same triple (a reference work, a footnote) are printed in a fifth column.
"""
import sys
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox

PD = "https://w3id.org/paradiplomacy/ontology#"
PASS = "https://w3id.org/paradiplomacy/id/passage-"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
EXCL = {RDF_TYPE, "http://www.w3.org/2000/01/rdf-schema#label",
        "http://www.w3.org/2004/02/skos/core#altLabel", "http://www.w3.org/2004/02/skos/core#prefLabel",
        "http://www.w3.org/2000/01/rdf-schema#comment", "http://www.w3.org/ns/prov#wasDerivedFrom",
        PD + "quote", PD + "translation", PD + "order", "http://purl.org/dc/terms/isPartOf",
        PD + "footnote", PD + "sectionNumber", PD + "page"}
CENTRE = {PD + "hasCentralGovernment", PD + "governs"}


def main(argv):
    mine = {Path(a).resolve() for a in argv[1:]}
    where = defaultdict(set)        # (s, p, o) -> {(graph, file)}
    types = defaultdict(set)
    for f in sorted(Path("data").glob("*.trig")):
        for q in ox.parse(path=str(f), format=ox.RdfFormat.TRIG):
            t = (q.subject, q.predicate, q.object)
            where[t].add((q.graph_name.value, f.resolve()))
            if q.predicate.value == RDF_TYPE:
                types[q.subject].add(q.object.value)
    rows = []
    for (s, p, o), places in where.items():
        if p.value in EXCL or PD + "SourceConflict" in types[s]:
            continue
        if p.value in CENTRE and (PD + "CentralGovernment" in types[s] or PD + "CentralGovernment" in types[o]):
            continue
        passages = {g for g, _ in places if g.startswith(PASS)}
        if len(passages) != 1:
            continue
        (g,) = passages
        if not any(pf in mine for pg, pf in places if pg == g):
            continue
        others = sorted({pg for pg, _ in places if not pg.startswith(PASS)})
        rows.append((str(s), str(p), str(o), g.rsplit("/", 1)[1], " ".join(others)))
    for r in sorted(rows):
        print("\t".join(r))
    print(f"{len(rows)} triples", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv)
