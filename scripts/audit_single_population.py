"""The population of an audit of single-passage citations (issue 20, item 1), for some data files.

Every asserted triple whose statement in `graph/provenance` of the built dataset has exactly one
`prov:wasDerivedFrom`, that source being a passage in whose GRAPH block one of the given data files
writes the triple (a passage's graph may be opened in blocks of several files). Citations are counted across ALL data files (the build's provenance graph does that).
Housekeeping predicates (docs/PROVENANCE.md, "What 'states' means") and subjects typed
`pd:SourceConflict` are left out; so are a central government's two links with its state.

Run after `kg build`:
    .venv/bin/python scripts/audit_single_population.py data/yogyakarta.trig data/indonesia.trig ...
It prints one CSV row a triple (subject, predicate, object, passage, file), prefixed names where a
prefix is known, sorted by file, passage and triple, and a count on stderr.

With `--non-passage` (and no files) it lists instead the triples no passage cites: every source of
the statement is a footnote (`pdi:footnote-N`), the article (`pdi:seed-article`) or a reference work
(`pdi:reference-...`), with the same predicates left out; the `passage` column then holds those
sources (`;`-separated) and `file` the data files that write the triple in their graphs. A triple
that only a cited work's own graph holds (`pdi:web-...`, `pdi:work-...`: the work's title, address,
date) is not listed: it describes the source, as a passage's quote does.
"""
from __future__ import annotations

import csv
import sys
from pathlib import Path

import pyoxigraph as ox

PD = "https://w3id.org/paradiplomacy/ontology#"
PDI = "https://w3id.org/paradiplomacy/id/"
PROV_GRAPH = "https://w3id.org/paradiplomacy/graph/provenance"
PREFIXES = {
    PDI: "pdi:", PD: "pd:", "https://w3id.org/paradiplomacy/vocab/": "pdv:",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#": "rdf:", "http://www.w3.org/2000/01/rdf-schema#": "rdfs:",
    "http://www.w3.org/2004/02/skos/core#": "skos:", "http://www.w3.org/ns/prov#": "prov:",
    "http://purl.org/dc/terms/": "dcterms:", "http://www.w3.org/2001/XMLSchema#": "xsd:",
    "http://www.wikidata.org/entity/": "wd:",
}
HOUSEKEEPING = {
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", "http://www.w3.org/2000/01/rdf-schema#label",
    "http://www.w3.org/2004/02/skos/core#altLabel", "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://www.w3.org/2000/01/rdf-schema#comment", "http://www.w3.org/ns/prov#wasDerivedFrom",
    PD + "quote", PD + "translation", PD + "order", "http://purl.org/dc/terms/isPartOf", PD + "footnote",
    PD + "sectionNumber", PD + "page",
}
CENTRE_LINKS = {PD + "hasCentralGovernment", PD + "governs"}


def short(term: ox.NamedNode | ox.Literal | ox.BlankNode) -> str:
    if isinstance(term, ox.NamedNode):
        for ns, prefix in PREFIXES.items():
            if term.value.startswith(ns):
                return prefix + term.value[len(ns):]
        return f"<{term.value}>"
    return str(term)


def passage_quads(path: Path) -> set[tuple[str, ox.Triple]]:
    """(passage graph IRI, triple) of every quad written in a passage's GRAPH block of this file."""
    return {(q.graph_name.value, q.triple) for q in ox.parse(path=str(path), format=ox.RdfFormat.TRIG)
            if isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value.startswith(PDI + "passage-")}


NON_PASSAGE = (PDI + "footnote-", PDI + "reference-")
ARTICLE = PDI + "seed-article"


def non_passage(source: str) -> bool:
    return source == ARTICLE or source.startswith(NON_PASSAGE)


def non_passage_rows(store: ox.Store) -> list[tuple[str, str, str, str, str]]:
    """(files, sources, s, p, o) of every triple whose sources are all footnotes, the article or
    reference works, housekeeping and a central government's links left out."""
    writers: dict[tuple[str, ox.Triple], set[str]] = {}
    for path in sorted(Path("data").glob("*.trig")):
        for q in ox.parse(path=str(path), format=ox.RdfFormat.TRIG):
            if isinstance(q.graph_name, ox.NamedNode) and non_passage(q.graph_name.value):
                writers.setdefault((q.graph_name.value, q.triple), set()).add(str(path))
    centres = {r["s"].value for r in store.query(
        f"SELECT DISTINCT ?s WHERE {{ GRAPH ?g {{ ?s a <{PD}CentralGovernment> }} }}")}
    query = f"""PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX prov: <http://www.w3.org/ns/prov#>
SELECT ?st ?s ?p ?o ?src WHERE {{
  GRAPH <{PROV_GRAPH}> {{ ?st rdf:subject ?s; rdf:predicate ?p; rdf:object ?o; prov:wasDerivedFrom ?src }}
}}"""
    statements: dict[str, tuple[ox.Triple, set[str]]] = {}
    for r in store.query(query):
        statements.setdefault(r["st"].value, (ox.Triple(r["s"], r["p"], r["o"]), set()))[1].add(r["src"].value)
    rows = []
    for triple, srcs in statements.values():
        s, p, o = triple.subject, triple.predicate, triple.object
        if not all(non_passage(x) for x in srcs) or p.value in HOUSEKEEPING:
            continue
        if p.value in CENTRE_LINKS and (s.value in centres or o.value in centres):
            continue
        files = sorted({f for x in srcs for f in writers.get((x, triple), ())})
        rows.append((";".join(files), ";".join(sorted(short(ox.NamedNode(x)) for x in srcs)),
                     short(s), short(p), short(o)))
    return sorted(rows)


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    nq = Path("dist/paradiplomacy.nq")
    if not nq.exists():
        print(f"{nq}: not found; run `.venv/bin/kg build -q` first", file=sys.stderr)
        return 1
    if argv == ["--non-passage"]:
        store = ox.Store()
        store.bulk_load(path=str(nq), format=ox.RdfFormat.N_QUADS)
        rows = non_passage_rows(store)
        out = csv.writer(sys.stdout, lineterminator="\n")
        out.writerow(["subject", "predicate", "object", "sources", "file"])
        for files, srcs, s, p, o in rows:
            out.writerow([s, p, o, srcs, files])
        print(f"{len(rows)} triples", file=sys.stderr)
        return 0
    if any(a.startswith("--") for a in argv):
        print(f"unknown option {next(a for a in argv if a.startswith('--'))}: the only option is "
              "--non-passage (given alone)", file=sys.stderr)
        return 2
    owner = {}  # (passage, triple) -> the first given file that writes it
    for name in argv:
        for key in passage_quads(Path(name)):
            owner.setdefault(key, name)
    store = ox.Store()
    store.bulk_load(path=str(nq), format=ox.RdfFormat.N_QUADS)
    typed = lambda cls: {r["s"].value for r in store.query(  # noqa: E731
        f"SELECT DISTINCT ?s WHERE {{ GRAPH ?g {{ ?s a <{PD}{cls}> }} }}")}
    conflicts, centres = typed("SourceConflict"), typed("CentralGovernment")
    query = f"""PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX prov: <http://www.w3.org/ns/prov#>
SELECT ?s ?p ?o (COUNT(DISTINCT ?src) AS ?n) (SAMPLE(?src) AS ?one) WHERE {{
  GRAPH <{PROV_GRAPH}> {{ ?st rdf:subject ?s; rdf:predicate ?p; rdf:object ?o; prov:wasDerivedFrom ?src }}
}} GROUP BY ?st ?s ?p ?o"""
    rows = []
    for r in store.query(query):
        s, p, o = r["s"], r["p"], r["o"]
        key = (r["one"].value, ox.Triple(s, p, o))
        if int(r["n"].value) != 1 or key not in owner:
            continue
        if p.value in HOUSEKEEPING or s.value in conflicts:
            continue
        if p.value in CENTRE_LINKS and (s.value in centres or o.value in centres):
            continue
        rows.append((owner[key], short(r["one"]), short(s), short(p), short(o)))
    rows.sort()
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["subject", "predicate", "object", "passage", "file"])
    for file, passage, s, p, o in rows:
        out.writerow([s, p, o, passage, file])
    print(f"{len(rows)} triples", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
