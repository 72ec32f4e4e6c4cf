"""The measurements behind docs/PROVENANCE.md: how pyoxigraph and rdflib treat a triple held in two
named graphs, RDF 1.2 annotations, and a round trip of TriG / N-Quads / JSON-LD.

Run: `.venv/bin/python scripts/provenance_measurements.py` (prints each result; nothing is written).
"""
from __future__ import annotations

import pyoxigraph as ox
import rdflib
from rdflib import Dataset

TRIG = """@prefix ex: <http://example.org/> .
GRAPH ex:passage-1 { ex:scotland ex:cooperatesWith ex:catalonia . }
GRAPH ex:passage-2 { ex:scotland ex:cooperatesWith ex:catalonia . ex:scotland ex:label "Skotlandia"@id . }
"""
ANNOTATED = """@prefix ex: <http://example.org/> .
ex:scotland ex:cooperatesWith ex:catalonia {| ex:source ex:passage-1 |} .
"""
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def main() -> None:
    print(f"pyoxigraph {ox.__version__}, rdflib {rdflib.__version__}")
    store = ox.Store()
    store.load(TRIG.encode(), format=ox.RdfFormat.TRIG)
    n = next(iter(store.query(COUNT, use_default_graph_as_union=True)))["n"].value
    print(f"pyoxigraph, union default graph, COUNT(*) of 2 distinct triples in 3 quads: {n}"
          f" ({'bag: the shared triple comes back twice' if n == '3' else 'set'})")
    ds = Dataset(default_union=True)
    ds.parse(data=TRIG, format="trig")
    n = next(iter(ds.query(COUNT)))[0]
    print(f"rdflib Dataset(default_union=True), same COUNT(*): {n}")
    try:
        ox.parse(ANNOTATED.encode(), format=ox.RdfFormat.TURTLE)
        print("pyoxigraph parses an RDF 1.2 annotation: yes")
    except SyntaxError as exc:
        print(f"pyoxigraph parses an RDF 1.2 annotation: no ({exc})")
    try:
        rdflib.Graph().parse(data=ANNOTATED, format="turtle")
        print("rdflib parses an RDF 1.2 annotation: yes")
    except Exception as exc:  # rdflib raises BadSyntax
        print(f"rdflib parses an RDF 1.2 annotation: no ({type(exc).__name__})")
    # round trips of the quads through each library and format
    quads = set(ox.parse(TRIG.encode(), format=ox.RdfFormat.TRIG))
    for fmt in (ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS, ox.RdfFormat.JSON_LD):
        try:
            back = set(ox.parse(ox.serialize(quads, format=fmt), format=fmt))
            print(f"pyoxigraph {fmt.name}: round trip {'identical' if back == quads else 'DIFFERS'}")
        except Exception as exc:
            print(f"pyoxigraph {fmt.name}: {type(exc).__name__}: {exc}")
    ref = {(str(q.subject), str(q.predicate), str(q.object), str(q.graph_name)) for q in quads}
    for fmt in ("trig", "nquads", "json-ld"):
        d = Dataset()
        d.parse(data=TRIG, format="trig")
        d2 = Dataset()
        d2.parse(data=d.serialize(format=fmt), format=fmt)
        got = {(s.n3(), p.n3(), o.n3(), g.n3()) for s, p, o, g in d2.quads((None, None, None, None))
               if g is not None and str(g) != "urn:x-rdflib:default"}
        print(f"rdflib {fmt}: round trip {'identical' if got == ref else 'DIFFERS'} ({len(got)} quads)")


if __name__ == "__main__":
    main()
