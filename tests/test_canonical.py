"""The build's canonical dataset (`kg.build.canonical.build_canonical`: the provenance made straight
into chunks of text and put in whole among the other lines) is the text that the plain path gives:
the statements as term objects (`kg.build.provenance.provenance_quads`, one statement per triple,
docs/PROVENANCE.md) with every line sorted together — on the seed, and on data that takes
the other paths (a subject in the statements' namespace, blank nodes, a blank graph name)."""
from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import Graph

from cq.kgdata import ROOT
from kg.build.canonical import _CHUNK_LINES, build_canonical, canonical_dataset
from kg.build.provenance import provenance_quads
from kg.build.sources import load_tree
from kg.namespaces import GRAPH_DATA, GRAPH_PROVENANCE

PREFIXES = ("@prefix pdi: <https://w3id.org/paradiplomacy/id/> .\n"
            "@prefix st: <https://w3id.org/paradiplomacy/statement/> .\n")


def _reference(ontology: Graph, quads, inferred=()) -> bytes:
    """The plain path: the statements as term objects (`provenance_quads`), every line sorted."""
    return canonical_dataset(ontology, quads, inferred, provenance_quads(quads)).nquads()


def _quads(text: str) -> list:
    return list(ox.parse((PREFIXES + text).encode("utf-8"), format=ox.RdfFormat.TRIG))


def test_the_seed_s_canonical_text_is_the_plain_path_s():
    tree = load_tree(ROOT)
    inferred = [ox.Triple(ox.NamedNode("https://w3id.org/paradiplomacy/id/x"),
                          ox.NamedNode("https://w3id.org/paradiplomacy/id/p"), ox.Literal("inferred"))]
    cds = build_canonical(tree.ontology, tree.plain_triples, inferred, tree.sourced_quads)
    text = cds.nquads()
    assert text == _reference(tree.ontology, tree.sourced_quads, inferred)
    assert cds.lines_count == text.count(b"\n")
    # each statement's five lines (four and one per source) and each asserted triple, once
    statements = {q.triple for q in tree.sourced_quads}
    sourced = {(q.triple, q.graph_name) for q in tree.sourced_quads}
    assert cds.count(GRAPH_PROVENANCE) == 4 * len(statements) + len(sourced)
    assert cds.count(GRAPH_DATA) == len(statements)


@pytest.mark.parametrize("data", [
    # two passages, one statement; a subject in the statements' own namespace, whose lines fall
    # among the provenance's
    "GRAPH pdi:passage-1 { pdi:x pdi:y pdi:z . st:0 pdi:about pdi:x . st:ffff pdi:about pdi:x . }\n"
    "GRAPH pdi:passage-2 { pdi:x pdi:y pdi:z . pdi:x pdi:label \"x\"@en . }\n",
    # blank nodes: hashed as `_:b`, so two triples share a statement
    "GRAPH pdi:passage-1 { pdi:x pdi:y [ pdi:v 1 ] , [ pdi:v 2 ] . }\nGRAPH pdi:passage-2 { pdi:x pdi:y pdi:z . }\n",
    # a blank graph name
    "GRAPH _:g { pdi:x pdi:y pdi:z . }\nGRAPH pdi:passage-2 { pdi:x pdi:y pdi:z . pdi:a pdi:b pdi:c . }\n",
])
def test_the_build_s_canonical_text_is_the_plain_path_s(data):
    quads = _quads(data)
    ontology = Graph()
    assert build_canonical(ontology, [], [], quads).nquads() == _reference(ontology, quads)


def test_provenance_in_several_chunks_joins_the_other_lines():
    """More statements than one chunk holds: the text is the plain path's, in chunks of whole lines."""
    n = _CHUNK_LINES // 5 + 10
    text = "".join(f"GRAPH pdi:passage-{i % 7} {{ pdi:s{i} pdi:p \"{i}\" . }}\n" for i in range(n))
    quads = _quads(text)
    ontology = Graph()
    cds = build_canonical(ontology, [], [], quads)
    assert cds.nquads() == _reference(ontology, quads)
    assert len(cds.chunks) > 2
    for chunk in cds.chunks:
        assert chunk.endswith(b"\n")
