"""The ontology's own conventions: every term it defines (an IRI under pd: typed owl:Class,
owl:ObjectProperty, owl:DatatypeProperty or owl:AnnotationProperty) has rdfs:label @en and @id, a
skos:definition @en and rdfs:isDefinedBy the ontology; the header has a licence, creators, a title
and, as built, the version. The rules are SHACL shapes, shapes/ontology/conventions.ttl, validated
(pySHACL, as the build validates) against ontology/*.ttl with the version stamped as `kg build`
stamps it.

The shapes sit in a subfolder that `kg build` does not read (the build reads shapes/*.ttl, before
it stamps the version: the header shapes would fail every build); a test below shows it leaves them
out. tests/fixtures/ontology-conventions/ shows they can fail, on exactly the nodes meant.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH

import kg
from conftest import REPO
from kg.build import stamp_version
from kg.build.shacl import validate_shapes
from kg.build.sources import load_tree, parse_turtle
from kg.namespaces import PD, PDS
from kg.terms import short

SHAPES_FILE = REPO / "shapes" / "ontology" / "conventions.ttl"
FIXTURES = REPO / "tests" / "fixtures" / "ontology-conventions"
TERM_KINDS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)


def shapes() -> Graph:
    return parse_turtle(SHAPES_FILE, root=REPO)


def results(ontology: Graph) -> set[tuple]:
    """(focus, shape, constraint component, severity) of each result of the shapes on `ontology`."""
    report = validate_shapes(ontology, Graph(), shapes()).report
    return {(report.value(r, SH.focusNode), report.value(r, SH.sourceShape),
             report.value(r, SH.sourceConstraintComponent), report.value(r, SH.resultSeverity))
            for r in report.objects(None, SH.result)}


def expected(path: Path) -> set[tuple]:
    g = parse_turtle(path, root=REPO)
    return {(g.value(r, SH.focusNode), g.value(r, SH.sourceShape), g.value(r, SH.sourceConstraintComponent),
             g.value(r, SH.resultSeverity)) for r in g.subjects(RDF.type, SH.ValidationResult)}


def describe(rows) -> str:
    return "".join(f"\n  focus {short(f)}, shape {short(s)}, {short(c)}, {short(v)}" for f, s, c, v in sorted(rows))


def shape_ids() -> list[URIRef]:
    return sorted(s for s in shapes().subjects(RDF.type, SH.PropertyShape) if isinstance(s, URIRef))


def built_ontology() -> Graph:
    """ontology/*.ttl (the working tree) as the build ships it: with the package version stamped."""
    onto = load_tree(REPO).ontology
    stamp_version(onto, kg.__version__)
    return onto


def test_the_ontology_follows_its_conventions():
    got = results(built_ontology())
    assert not got, "the ontology breaks its conventions (shapes/ontology/conventions.ttl):" + describe(got)


def test_the_target_is_every_term_of_the_ontology():
    """The shapes' SPARQL target selects exactly the pd: IRIs typed as a class or property (192 on
    the day this was written), so no term escapes the check."""
    onto = built_ontology()
    query = str(shapes().value(PDS.OntologyTerms, SH.select))
    targeted = {row[0] for row in onto.query(query)}
    terms = {s for kind in TERM_KINDS for s in onto.subjects(RDF.type, kind)
             if isinstance(s, URIRef) and str(s).startswith(str(PD))}
    assert len(terms) > 150 and targeted == terms


def test_valid_fixture_conforms():
    got = results(parse_turtle(FIXTURES / "valid.ttl", root=REPO))
    assert not got, "tests/fixtures/ontology-conventions/valid.ttl gives results:" + describe(got)


def test_invalid_fixture_gives_exactly_the_expected_results():
    """A term without its Indonesian label, one with two English labels, an untagged definition and
    another ontology as rdfs:isDefinedBy, a bare declaration, an annotation property, a header
    without licence IRI, creator, English title or version number and with two version IRIs: each
    is reported once, on its own node and constraint; the ex: class is not a term of ours."""
    want = expected(FIXTURES / "expected.ttl")
    got = results(parse_turtle(FIXTURES / "invalid.ttl", root=REPO))
    assert got == want, ("invalid.ttl: expected, not reported:" + describe(want - got)
                         + "\nreported, not expected:" + describe(got - want))


def test_every_shape_is_tripped_by_the_invalid_fixture():
    tripped = {shape for _, shape, _, _ in expected(FIXTURES / "expected.ttl")}
    assert set(shape_ids()) <= tripped, f"no fixture result for {sorted(map(short, set(shape_ids()) - tripped))}"


def _lang(g: Graph, s, p, lang: str) -> bool:
    return any(isinstance(o, Literal) and o.language == lang for o in g.objects(s, p))


@pytest.mark.parametrize("shape", shape_ids(), ids=short)
def test_shape_has_id_severity_message_label_comment_and_target(shape):
    """As the data shapes (tests/test_shapes.py): a stable pds: id, one explicit severity, one
    message @en saying how to fix the ontology, labels @en and @id, a comment, a target."""
    g = shapes()
    assert str(shape).startswith(str(PDS))
    assert len(list(g.objects(shape, SH.severity))) == 1 and g.value(shape, SH.severity) == SH.Violation
    messages = list(g.objects(shape, SH.message))
    assert len(messages) == 1 and _lang(g, shape, SH.message, "en")
    assert _lang(g, shape, RDFS.label, "en") and _lang(g, shape, RDFS.label, "id")
    assert _lang(g, shape, RDFS.comment, "en")
    assert g.value(shape, SH.target) is not None or g.value(shape, SH.targetNode) is not None


def test_the_build_does_not_read_these_shapes(real_tree):
    """`kg build` reads the files of shapes/ itself, not its subfolders."""
    import shutil

    (real_tree / "shapes" / "ontology").mkdir(exist_ok=True)
    shutil.copy(SHAPES_FILE, real_tree / "shapes" / "ontology" / SHAPES_FILE.name)
    files = load_tree(real_tree).files["shapes"]
    assert files and all(p.parent == real_tree / "shapes" for p in files), files
