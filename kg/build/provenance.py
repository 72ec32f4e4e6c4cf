"""The provenance graph: one `rdf:Statement` per asserted triple of data/, with the passages (or
reference works) whose GRAPH blocks hold it (docs/PROVENANCE.md).

A statement's IRI is `<BASE>statement/` + the SHA-1 of the triple's N-Triples line, so it is the
same in every build and can be computed by anyone holding the triple. (A blank node is hashed as
`_:b`: the data has none, and its label is not stable between builds.)
"""
from __future__ import annotations

import hashlib

import pyoxigraph as ox
from rdflib import BNode, Graph
from rdflib.namespace import RDF

from kg.namespaces import GRAPH_PROVENANCE, PROV, STATEMENT
from kg.terms import to_oxigraph

__all__ = ["statement_iri", "provenance_graph", "provenance_quads"]


def _nt(t) -> str:
    return "_:b" if isinstance(t, BNode) else str(to_oxigraph(t))  # N-Triples form


def statement_iri(s, p, o):
    """The IRI of the statement about the triple (s, p, o) (rdflib terms)."""
    line = f"{_nt(s)} {_nt(p)} {_nt(o)} ."
    return STATEMENT[hashlib.sha1(line.encode("utf-8")).hexdigest()]


def provenance_graph(sourced) -> Graph:
    """`sourced`: (s, p, o, source graph) quads of the data files; one statement per triple."""
    g = Graph()
    made = set()
    for s, p, o, src in sourced:
        st = statement_iri(s, p, o)
        if st not in made:
            made.add(st)
            g.add((st, RDF.type, RDF.Statement))
            g.add((st, RDF.subject, s))
            g.add((st, RDF.predicate, p))
            g.add((st, RDF.object, o))
        g.add((st, PROV.wasDerivedFrom, src))
    return g


def provenance_quads(sourced) -> list:
    """The same statements as `provenance_graph`, as pyoxigraph quads in `graph/provenance`, made
    from the pyoxigraph quads of the data files (what the build does: no rdflib term is made)."""
    g = ox.NamedNode(str(GRAPH_PROVENANCE))
    a, statement = ox.NamedNode(str(RDF.type)), ox.NamedNode(str(RDF.Statement))
    subj, pred, obj = (ox.NamedNode(str(x)) for x in (RDF.subject, RDF.predicate, RDF.object))
    derived = ox.NamedNode(str(PROV.wasDerivedFrom))
    base = str(STATEMENT)
    out, made = [], {}
    for q in sourced:
        s, p, o = q.subject, q.predicate, q.object
        key = (s, p, o)
        st = made.get(key)
        if st is None:
            line = f"{'_:b' if isinstance(s, ox.BlankNode) else s} {p} {'_:b' if isinstance(o, ox.BlankNode) else o} ."
            st = made[key] = ox.NamedNode(base + hashlib.sha1(line.encode("utf-8")).hexdigest())
            out += [ox.Quad(st, a, statement, g), ox.Quad(st, subj, s, g), ox.Quad(st, pred, p, g),
                    ox.Quad(st, obj, o, g)]
        out.append(ox.Quad(st, derived, q.graph_name, g))
    return out
