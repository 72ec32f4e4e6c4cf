"""The build's fast stages give what the reference engines give, on the seed and at ten times its
size: the OWL 2 RL rules compiled to SPARQL (`kg.build.rules`) against owlrl's full closure.

Whole sets are compared, not samples or counts, on whatever the sources hold now (the committed
sources, and a tree of ten replicas made from them by `bench/generate.py`), so an edit to the
data, the ontology or the shapes is checked as it lands. These are the slowest tests of the suite
(the references are: owlrl's full closure takes minutes at 10x); they time nothing.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.namespace import OWL, RDF

from kg.build.reason import InconsistentError, infer
from kg.build.rules import Unsupported, rl_closure, tbox
from kg.build.sources import load_tree
from tests.conftest import committed_sources


@pytest.fixture(scope="module")
def seed_tree(tmp_path_factory) -> Path:
    return committed_sources(tmp_path_factory.mktemp("seed") / "real")


@pytest.fixture(scope="module")
def tree_10x(seed_tree, tmp_path_factory) -> Path:
    from bench.generate import generate

    out = tmp_path_factory.mktemp("scaled") / "10x"
    generate(seed_tree, out, factor=10)
    return out


def _same(reference: set, fast: set, what: str) -> None:
    assert reference, f"the reference {what} is empty: nothing was compared"
    assert fast == reference, (
        f"{len(reference - fast)} only in the reference, e.g. {sorted(reference - fast)[:5]}; "
        f"{len(fast - reference)} only in the fast {what}, e.g. {sorted(fast - reference)[:5]}")


@pytest.mark.parametrize("which", ["seed", "10x"])
def test_compiled_rules_infer_what_owlrl_full_closure_infers(which, request):
    root = request.getfixturevalue("seed_tree" if which == "seed" else "tree_10x")
    src = load_tree(root)
    full = set(infer(src.ontology, src.data, method="full").inferred)
    rules = set(infer(src.ontology, src.data, method="rules").inferred)
    _same(full, rules, "inferred triples")


_ONTOLOGY = """@prefix ex: <http://example.org/test#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ex:Region rdfs:subClassOf ex:Actor . ex:Country rdfs:subClassOf ex:Actor .
ex:Region owl:disjointWith ex:Ocean .
ex:partOf rdfs:domain ex:Region ; rdfs:range ex:Country ; owl:inverseOf ex:hasPart .
ex:within a owl:TransitiveProperty . ex:partOf rdfs:subPropertyOf ex:within .
ex:Big owl:equivalentClass [ a owl:Restriction ; owl:onProperty ex:hasPart ; owl:someValuesFrom ex:Region ] .
ex:Flagged owl:equivalentClass [ a owl:Restriction ; owl:onProperty ex:flag ; owl:hasValue ex:red ] .
ex:RedRegion owl:intersectionOf ( ex:Region ex:Flagged ) .
ex:grandPartOf owl:propertyChainAxiom ( ex:partOf ex:partOf ) .
"""


def _graphs(data: str, ontology: str = _ONTOLOGY) -> tuple[Graph, Graph]:
    prefixes = "@prefix ex: <http://example.org/test#> .\n"
    return Graph().parse(data=ontology, format="turtle"), Graph().parse(data=prefixes + data, format="turtle")


def test_compiled_rules_on_every_construct_they_compile():
    """Each rule family once, with blank nodes in the data, against owlrl's full closure."""
    onto, data = _graphs("ex:a ex:partOf ex:b . ex:b ex:within ex:c . ex:a ex:flag ex:red . "
                         "ex:x ex:partOf ex:a . ex:n ex:partOf [ ex:flag ex:red ] .")
    full = set(infer(onto, data, method="full").inferred)
    rules = set(infer(onto, data, method="rules").inferred)
    _same(full, rules, "inferred triples")
    assert (onto.namespace_manager.expand_curie("ex:a"), RDF.type,
            onto.namespace_manager.expand_curie("ex:RedRegion")) in rules


def test_compiled_rules_find_the_inconsistency_owlrl_finds():
    # ex:a is a region (domain of partOf) and an ocean: disjoint classes
    onto, data = _graphs("ex:a ex:partOf ex:b . ex:a a ex:Ocean .")
    with pytest.raises(InconsistentError) as full:
        infer(onto, data, method="full")
    with pytest.raises(InconsistentError) as rules:
        infer(onto, data, method="rules")
    assert "http://example.org/test#a" in str(rules.value)
    assert str(full.value) == str(rules.value)


def test_a_construct_not_compiled_falls_back_to_owlrl():
    onto, data = _graphs("ex:a ex:code ex:one . ex:b ex:code ex:one .",
                         _ONTOLOGY + "ex:code a owl:InverseFunctionalProperty .\n")
    with pytest.raises(Unsupported):
        tbox(onto, data)
    assert set(infer(onto, data, method="rules").inferred) == set(infer(onto, data, method="full").inferred)
    assert any(p == OWL.sameAs for _s, p, _o in infer(onto, data, method="rules").inferred)


def test_compiled_rules_leave_no_blank_node_stand_in():
    onto, data = _graphs("ex:n ex:partOf [ ex:flag ex:red ] .")
    added, errors = rl_closure(onto, data)
    assert not errors
    assert not [t for t in added if any("urn:x-kg-bnode:" in str(x) for x in t)]


@pytest.mark.parametrize("which", ["seed", "10x"])
def test_shacl_findings_and_report_are_pyshacls(which, request):
    """The SPARQL constraints run once on pyoxigraph (`kg.build.shacl`): the same findings, and the
    same report once canonicalised (the bytes of dist/validation-report.ttl), as pySHACL alone."""
    from kg.build.export import _canonical_turtle
    from kg.build.shacl import validate_shapes

    root = request.getfixturevalue("seed_tree" if which == "seed" else "tree_10x")
    src = load_tree(root)
    reference = validate_shapes(src.ontology, src.data, src.shapes, native_sparql=False)
    fast = validate_shapes(src.ontology, src.data, src.shapes)
    assert reference.findings, "no finding on either side: nothing was compared"
    assert any(f.constraint == "sh:SPARQLConstraintComponent" for f in reference.findings)
    assert (fast.conforms, fast.findings) == (reference.conforms, reference.findings)
    assert _canonical_turtle(fast.report) == _canonical_turtle(reference.report)


def test_a_sparql_violation_found_once_over_the_graph_is_pyshacls():
    """A Violation from a SPARQL constraint (an end before its start) makes the data non-conforming,
    with the same finding and message as pySHACL's."""
    from kg.build.export import _canonical_turtle
    from kg.build.shacl import validate_shapes

    src = load_tree(Path(__file__).resolve().parent.parent)
    data = Graph().parse(data="""@prefix pd: <https://w3id.org/paradiplomacy/ontology#> .
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        <https://w3id.org/paradiplomacy/id/x> pd:startDate "2005-02-24"^^xsd:date ; pd:endDate "2004"^^xsd:gYear .""",
                         format="turtle")
    reference = validate_shapes(src.ontology, data, src.shapes, native_sparql=False)
    fast = validate_shapes(src.ontology, data, src.shapes)
    assert not reference.conforms
    assert [f.shape for f in reference.violations] == ["pds:EndNotBeforeStartShape"]
    assert (fast.conforms, fast.findings) == (reference.conforms, reference.findings)
    assert _canonical_turtle(fast.report) == _canonical_turtle(reference.report)


def test_fast_indented_json_is_the_standard_librarys(seed_tree):
    """dist/paradiplomacy.jsonld is written by `export.dumps_indented`: the same text as
    json.dumps(indent=2, ensure_ascii=False), on the seed's document and on the odd cases."""
    import json

    from kg.build.canonical import canonical_dataset
    from kg.build.export import _json_ld, dumps_indented, json_ld_context
    from kg.build.provenance import provenance_quads
    from kg.namespaces import GRAPH_ONTOLOGY

    src = load_tree(seed_tree)
    cds = canonical_dataset(src.ontology, src.data, Graph(), provenance_quads(src.sourced_quads))
    text = _json_ld(cds, json_ld_context(cds.graph(GRAPH_ONTOLOGY))).decode("utf-8")
    doc = json.loads(text)
    # the dump is written as text, node by node: the same characters as the standard library's
    assert text == json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    odd = {"empty list": [], "empty object": {}, "scalars": [1, 2.5, True, None, 'é"\\ \n\t\u2028'],
           "nested": {"x": [{}, [[]]]}}
    for value in (doc, odd):
        assert dumps_indented(value) == json.dumps(value, indent=2, ensure_ascii=False)
