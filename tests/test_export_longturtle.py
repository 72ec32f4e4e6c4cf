"""ontology.ttl is written by rdflib's longturtle serialiser over a small index of the triples
(kg.build.longturtle) instead of an rdflib Graph: the bytes must be the ones rdflib's
`Graph.serialize(format="longturtle")` gives for a Graph holding the same triples, added in the
same order, with the same prefix bindings. rdflib is the reference here."""
from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import Graph

from kg.build.canonical import bind_prefixes
from kg.build.longturtle import TripleIndex, longturtle

from conftest import REPO

# what longturtle does with its store: nested restrictions, lists (with a nested node, a
# literal, an empty list), object lists of several kinds of term, a blank node named twice
# (not nested), a cycle of blank nodes, a blank node with no triple of its own, literals
# with datatypes and languages, an IRI without a prefix, a local name with a dot at its end
TRICKY = """
@prefix pd: <https://w3id.org/paradiplomacy/ontology#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
pd:A a owl:Class, rdfs:Class ; rdfs:label "a"@en, "b"@id, "c" ;
    rdfs:subClassOf [ a owl:Restriction ; owl:onProperty pd:p ; owl:someValuesFrom pd:B ] ;
    owl:intersectionOf ( pd:B [ a owl:Restriction ; owl:hasValue 3 ; owl:onProperty pd:q ] "x" ) ;
    owl:unionOf () ;
    pd:n 1, 2.5, "3"^^xsd:integer, "04"^^xsd:integer, true, "1e3"^^xsd:double, "2020-01-01"^^xsd:date ;
    pd:shared _:twice ; pd:other _:twice ; pd:empty [] ;
    pd:cyc _:c1 ; rdfs:seeAlso <http://example.org/no/prefix>, <http://example.org/end.> .
_:twice rdfs:label "named twice" .
_:c1 pd:next _:c2 . _:c2 pd:next _:c1 .
[] a owl:Restriction ; owl:onProperty pd:r ; rdfs:comment \"\"\"two
lines\"\"\" .
pd:B a rdfs:Class ; pd:mixed pd:A, "lit", [ pd:x 1 ] .
"""


def _both(quads) -> tuple[bytes, bytes, str | None]:
    """The index's bytes, rdflib's, and why the index left the writing to rdflib (None: it did not)."""
    quads = list(quads)
    ns = Graph()
    bind_prefixes(ns)
    fast_index = TripleIndex.from_ox(quads, ns)
    fast = longturtle(fast_index)
    ref = Graph()
    bind_prefixes(ref)
    index = TripleIndex.from_ox(quads, Graph())
    for t in index:
        ref.add(t)
    return fast, ref.serialize(format="longturtle").encode("utf-8"), fast_index.unsupported


def test_the_ontology_is_written_as_rdflib_writes_it():
    quads = []
    for path in sorted((REPO / "ontology").glob("*.ttl")):
        quads.extend(ox.parse(path=path, format=ox.RdfFormat.TURTLE))
    fast, ref, fallback = _both(quads)
    assert fast == ref
    assert b"owl:Restriction" in fast
    assert fallback is None


@pytest.mark.parametrize("order", ["as-written", "reversed"])
def test_tricky_graphs_are_written_as_rdflib_writes_them(order):
    triples = list(ox.parse(TRICKY.encode("utf-8"), format=ox.RdfFormat.TURTLE))
    if order == "reversed":
        triples.reverse()
    fast, ref, fallback = _both(triples)
    assert fast == ref
    assert b"http://example.org/no/prefix" in fast
    assert fallback is None


def test_a_predicate_without_a_prefix_and_a_list_with_two_firsts_are_written_as_rdflib_writes_them():
    # rdflib binds a new prefix (ns1) for the predicate, and picks one rdf:first of the list node:
    # the index leaves both to an rdflib Graph
    text = """
    @prefix pd: <https://w3id.org/paradiplomacy/ontology#> .
    @prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
    pd:A <http://example.org/vocab/p> pd:B .
    pd:C pd:list _:l . _:l rdf:first pd:x, pd:y .
    """
    fast, ref, fallback = _both(ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TURTLE))
    assert fast == ref
    assert fallback is not None
