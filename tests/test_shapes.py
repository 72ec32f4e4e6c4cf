"""The SHACL shapes (shapes/*.ttl): each has a stable id, a severity, a message that says how to
fix the data, and a pair of fixtures in tests/fixtures/shapes/<local name>/ — valid.ttl must
conform, invalid.ttl must give exactly the results listed in expected.ttl (focus node, shape,
constraint component, severity; and value, path, message where listed). Fixtures are validated
together with the ontology, against that one shape, with pySHACL inference "none" (the build's
default) and "rdfs"; expected-rdfs.ttl, where present, lists what differs under RDFS (a value typed
by an rdfs:range no longer fails an sh:class check).

Also: the real data (ontology/ + data/ as committed) has no sh:Violation, and every Wikidata link is
one of the identifiers in shared/reference/wikidata-ids.csv (shared/ as tests/conftest.py finds it:
$KG_SHARED or ../shared beside the checkout; without it those tests are skipped, saying so).
"""
from __future__ import annotations

import csv
import time
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS

from conftest import require_shared
from kg.build.sources import load_tree, parse_turtle
from kg.namespaces import PDS, WD
from kg.build.shacl import ShaclResult, short, validate_shapes

REPO = Path(__file__).resolve().parent.parent
SHAPES_DIR = REPO / "shapes"
FIXTURES = REPO / "tests" / "fixtures" / "shapes"
WIKIDATA_CSV = "reference/wikidata-ids.csv"  # in shared/ (CI copies it beside the checkout)

MODES = ("none", "rdfs")
SEVERITIES = {SH.Violation, SH.Warning, SH.Info}
TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)

# Constraint parameter → the component it makes pySHACL report (the ones our shapes use, and the
# common others so a newly used one is not silently missed).
COMPONENTS = {
    SH.minCount: SH.MinCountConstraintComponent, SH.maxCount: SH.MaxCountConstraintComponent,
    SH.datatype: SH.DatatypeConstraintComponent, SH["class"]: SH.ClassConstraintComponent,
    SH.nodeKind: SH.NodeKindConstraintComponent, SH["in"]: SH.InConstraintComponent,
    SH.hasValue: SH.HasValueConstraintComponent, SH.languageIn: SH.LanguageInConstraintComponent,
    SH.uniqueLang: SH.UniqueLangConstraintComponent, SH.pattern: SH.PatternConstraintComponent,
    SH.minInclusive: SH.MinInclusiveConstraintComponent, SH.maxInclusive: SH.MaxInclusiveConstraintComponent,
    SH.minExclusive: SH.MinExclusiveConstraintComponent, SH.maxExclusive: SH.MaxExclusiveConstraintComponent,
    SH.minLength: SH.MinLengthConstraintComponent, SH.maxLength: SH.MaxLengthConstraintComponent,
    SH["or"]: SH.OrConstraintComponent, SH["and"]: SH.AndConstraintComponent,
    SH["not"]: SH.NotConstraintComponent, SH.xone: SH.XoneConstraintComponent,
    SH.node: SH.NodeConstraintComponent, SH.property: SH.PropertyConstraintComponent,
    SH.qualifiedMinCount: SH.QualifiedMinCountConstraintComponent,
    SH.qualifiedMaxCount: SH.QualifiedMaxCountConstraintComponent,
    SH.equals: SH.EqualsConstraintComponent, SH.disjoint: SH.DisjointConstraintComponent,
    SH.lessThan: SH.LessThanConstraintComponent,
    SH.lessThanOrEquals: SH.LessThanOrEqualsConstraintComponent,
    SH.closed: SH.ClosedConstraintComponent, SH.sparql: SH.SPARQLConstraintComponent,
}


# -------------------------------------------------------------------------------------------------
# Loading
# -------------------------------------------------------------------------------------------------
def _parse(path: Path) -> Graph:
    # the project's own reader (the one the build uses), so fixtures are read as data would be
    return parse_turtle(path, root=REPO)


@lru_cache(maxsize=1)
def all_shapes() -> Graph:
    g = Graph()
    for path in sorted(SHAPES_DIR.glob("*.ttl")):
        g += _parse(path)
    return g


@lru_cache(maxsize=1)
def ontology() -> Graph:
    g = Graph()
    for path in sorted((REPO / "ontology").glob("*.ttl")):
        g += _parse(path)
    return g


def shape_ids(shapes: Graph) -> list[URIRef]:
    """Every named shape: typed as a shape or carrying a target (SHACL calls both shapes)."""
    found = set(shapes.subjects(RDF.type, SH.NodeShape)) | set(shapes.subjects(RDF.type, SH.PropertyShape))
    for p in TARGETS:
        found |= set(shapes.subjects(p, None))
    return sorted(s for s in found if isinstance(s, URIRef))


SHAPES = shape_ids(all_shapes())
SHAPE_NAMES = [str(s)[len(str(PDS)):] for s in SHAPES if str(s).startswith(str(PDS))]


def one_shape(shapes: Graph, shape: URIRef) -> Graph:
    """The shape and everything it owns through blank nodes (value shapes, lists, SPARQL)."""
    g = Graph()
    todo, seen = [shape], set()
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for p, o in shapes.predicate_objects(node):
            g.add((node, p, o))
            if isinstance(o, BNode):
                todo.append(o)
    return g


def validate(fixture: Path, shape: URIRef, inference: str) -> ShaclResult:
    return validate_shapes(ontology(), _parse(fixture), one_shape(all_shapes(), shape), inference=inference)


# -------------------------------------------------------------------------------------------------
# Results, actual and expected
# -------------------------------------------------------------------------------------------------
def _shape_id(report: Graph, shape) -> object:
    # a result from a blank property shape nested in a named shape is reported under the named one
    while isinstance(shape, BNode):
        parent = report.value(None, SH.property, shape)
        if parent is None:
            break
        shape = parent
    return shape


def actual_results(result: ShaclResult) -> list[dict]:
    rep = result.report
    out = []
    # the report's own results; results nested under sh:detail are explanations of those
    for r in rep.objects(None, SH.result):
        out.append({
            "focus": rep.value(r, SH.focusNode),
            "shape": _shape_id(rep, rep.value(r, SH.sourceShape)),
            "component": rep.value(r, SH.sourceConstraintComponent),
            "severity": rep.value(r, SH.resultSeverity),
            "value": rep.value(r, SH.value),
            "path": rep.value(r, SH.resultPath),
            "messages": {str(m) for m in rep.objects(r, SH.resultMessage)},
        })
    return out


def expected_results(folder: Path, inference: str) -> list[dict]:
    path = folder / "expected-rdfs.ttl" if inference == "rdfs" and (folder / "expected-rdfs.ttl").exists() \
        else folder / "expected.ttl"
    g = _parse(path)
    out = []
    for r in g.subjects(RDF.type, SH.ValidationResult):
        exp = {"focus": g.value(r, SH.focusNode), "shape": g.value(r, SH.sourceShape),
               "component": g.value(r, SH.sourceConstraintComponent), "severity": g.value(r, SH.resultSeverity)}
        for key, pred in (("value", SH.value), ("path", SH.resultPath), ("message", SH.resultMessage)):
            if g.value(r, pred) is not None:
                exp[key] = g.value(r, pred)
        missing = [k for k in ("focus", "shape", "component", "severity") if exp[k] is None]
        assert not missing, f"{path}: an expected result lacks {missing}"
        out.append(exp)
    return out


def _matches(exp: dict, act: dict) -> bool:
    for key in ("focus", "shape", "component", "severity", "value", "path"):
        if key in exp and exp[key] != act[key]:
            return False
    return "message" not in exp or str(exp["message"]) in act["messages"]


def _describe(res: dict) -> str:
    parts = [f"focus {short(res['focus'])}", f"shape {short(res['shape'])}",
             f"{short(res['component'])}", f"{short(res['severity'])}"]
    for key in ("value", "path"):
        if res.get(key) is not None:
            parts.append(f"{key} {short(res[key])}")
    if res.get("message") is not None:
        parts.append(f"message {str(res['message'])!r}")
    if res.get("messages"):
        parts.append(f"messages {sorted(res['messages'])!r}")
    return ", ".join(parts)


# -------------------------------------------------------------------------------------------------
# Each shape is well formed
# -------------------------------------------------------------------------------------------------
def _lang_literals(g: Graph, s, p, lang: str) -> list[Literal]:
    return [o for o in g.objects(s, p) if isinstance(o, Literal) and o.language == lang]


def test_there_are_shapes_in_each_module():
    modules = {p.stem for p in SHAPES_DIR.glob("*.ttl")}
    assert {"core", "provenance", "quality"} <= modules
    assert len(SHAPES) >= 30


@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: short(s))
def test_shape_has_id_severity_message_label_comment_and_target(shape):
    g = all_shapes()
    assert str(shape).startswith(str(PDS)), f"{shape}: shape ids live under pds: ({PDS})"
    severities = list(g.objects(shape, SH.severity))
    assert len(severities) == 1 and severities[0] in SEVERITIES, f"{short(shape)}: one explicit sh:severity"
    # a SPARQL constraint's own message (with the values substituted) replaces the shape's, and
    # pySHACL would report both, so such shapes carry the message on the constraint only
    constraints = list(g.objects(shape, SH.sparql))
    assert _lang_literals(g, shape, SH.message, "en") or (
        constraints and all(_lang_literals(g, c, SH.message, "en") for c in constraints)), \
        f"{short(shape)}: an sh:message @en saying how to fix the data"
    for lang in ("en", "id"):
        assert _lang_literals(g, shape, RDFS.label, lang), f"{short(shape)}: rdfs:label @{lang}"
    assert _lang_literals(g, shape, RDFS.comment, "en"), f"{short(shape)}: rdfs:comment @en"
    assert any(g.value(shape, t) is not None for t in TARGETS), f"{short(shape)}: a target"
    for node in [shape, *constraints]:
        assert len(list(g.objects(node, SH.message))) <= 1, f"{short(shape)}: one message, not several"
        for m in g.objects(node, SH.message):
            assert isinstance(m, Literal) and m.language == "en", f"{short(shape)}: sh:message @en"
    # nested property shapes would report with their own severity (SHACL does not inherit it)
    for prop in g.objects(shape, SH.property):
        assert g.value(prop, SH.severity) in SEVERITIES, f"{short(shape)}: nested shape without severity"


def _scheme_shapes() -> list[URIRef]:
    return [s for s in SHAPES if str(s).endswith("SchemeShape")]


@pytest.mark.parametrize("shape", _scheme_shapes(), ids=lambda s: short(s))
def test_scheme_shape_lists_exactly_the_concepts_of_its_scheme(shape):
    """The sh:in list of a *SchemeShape is a copy of one concept scheme of the vocabularies: the
    copy must not drift (a concept added to the scheme must be allowed by the shape)."""
    from rdflib.collection import Collection

    g = all_shapes()
    allowed = set(Collection(g, g.value(shape, SH["in"])))
    schemes = {s for c in allowed for s in ontology().objects(c, SKOS.inScheme)}
    assert len(schemes) == 1, f"{short(shape)}: sh:in mixes schemes {sorted(map(short, schemes))}"
    (scheme,) = schemes
    members = set(ontology().subjects(SKOS.inScheme, scheme))
    assert allowed == members, (f"{short(shape)} and {short(scheme)} differ: missing from the shape "
                                f"{sorted(map(short, members - allowed))}, not in the scheme {sorted(map(short, allowed - members))}")
    assert short(scheme) in str(g.value(shape, SH.message)), f"{short(shape)}: the message names {short(scheme)}"


def test_every_concept_scheme_of_the_vocabularies_is_checked_by_a_shape():
    g = all_shapes()
    from rdflib.collection import Collection

    covered = {s for shape in _scheme_shapes() for c in Collection(g, g.value(shape, SH["in"]))
               for s in ontology().objects(c, SKOS.inScheme)}
    schemes = set(ontology().subjects(RDF.type, SKOS.ConceptScheme))
    assert schemes == covered, f"schemes without a shape: {sorted(map(short, schemes - covered))}"


# Actors that are reference entities, not claims of the article (see shapes/provenance.ttl)
PROVENANCE_EXEMPT_ACTORS = {"SovereignState", "CentralGovernment"}


def test_every_kind_of_actor_needs_a_passage_or_is_exempt_on_purpose():
    """pds:FactDerivedFromPassageShape lists the actor classes one by one (to leave out sovereign
    states and central governments): a new direct subclass of pd:Actor must be added to it."""
    from kg.namespaces import PD

    targeted = set(all_shapes().objects(PDS.FactDerivedFromPassageShape, SH.targetClass))
    exempt = {PD[n] for n in PROVENANCE_EXEMPT_ACTORS}
    direct = set(ontology().subjects(RDFS.subClassOf, PD.Actor))
    assert exempt <= direct
    assert not (exempt & targeted)
    assert direct - exempt <= targeted, f"not covered: {sorted(short(c) for c in direct - exempt - targeted)}"


def test_warnings_are_the_data_quality_module():
    """Data-quality findings are warnings (the source may disagree with itself); every SPARQL-based
    shape in shapes/quality.ttl names both values in its message. A shape that is a plain count
    (pds:TwoStatesShape, sh:maxCount: pySHACL runs a SPARQL constraint once per focus node, too slow
    for every placed actor) cannot name the values; its message names the property to look at."""
    quality = _parse(SHAPES_DIR / "quality.ttl")
    ids = shape_ids(quality)
    assert len(ids) >= 4
    for shape in ids:
        assert quality.value(shape, SH.severity) == SH.Warning, short(shape)
        sparql = list(quality.objects(shape, SH.sparql))
        if sparql:
            messages = [str(m) for c in sparql for m in quality.objects(c, SH.message)]
            assert messages and all(m.count("{?") >= 2 for m in messages), f"{short(shape)}: name both values"
        else:
            path = quality.value(shape, SH.path)
            message = str(quality.value(shape, SH.message))
            assert path is not None and short(path) in message, f"{short(shape)}: name the property"


# -------------------------------------------------------------------------------------------------
# Fixtures
# -------------------------------------------------------------------------------------------------
def _fixture_folders() -> list[str]:
    return sorted(p.name for p in FIXTURES.iterdir() if p.is_dir()) if FIXTURES.is_dir() else []


@pytest.mark.parametrize("name", sorted(set(SHAPE_NAMES) | set(_fixture_folders())))
def test_every_shape_has_fixtures_and_every_fixture_a_shape(name):
    folder = FIXTURES / name
    assert name in SHAPE_NAMES, f"{folder}: no shape pds:{name} in shapes/*.ttl (rename or remove the folder)"
    for f in ("valid.ttl", "invalid.ttl", "expected.ttl"):
        assert (folder / f).is_file(), f"pds:{name} has no {folder / f}: write it (see {FIXTURES}/README.md)"


def _targets(shape: URIRef, data: Graph) -> set:
    """The focus nodes the shape selects in data (ontology ∪ fixture, no inference)."""
    g = all_shapes()
    nodes = set(g.objects(shape, SH.targetNode))
    for c in g.objects(shape, SH.targetClass):
        nodes |= {row[0] for row in data.query(
            "SELECT ?x WHERE { ?x a/<http://www.w3.org/2000/01/rdf-schema#subClassOf>* ?c }",
            initBindings={"c": c})}
    for p in g.objects(shape, SH.targetSubjectsOf):
        nodes |= set(data.subjects(p, None))
    for p in g.objects(shape, SH.targetObjectsOf):
        nodes |= set(data.objects(None, p))
    return nodes


def _shape_params() -> Iterator:
    for name in SHAPE_NAMES:
        for mode in MODES:
            yield pytest.param(name, mode, id=f"{name}-{mode}")


@pytest.mark.parametrize("name,inference", list(_shape_params()))
def test_valid_fixture_conforms(name, inference):
    folder = FIXTURES / name
    result = validate(folder / "valid.ttl", PDS[name], inference)
    got = actual_results(result)
    assert not got, f"{folder}/valid.ttl gives results for pds:{name}:\n  " + "\n  ".join(map(_describe, got))


@pytest.mark.parametrize("name", SHAPE_NAMES)
def test_valid_fixture_is_not_vacuous(name):
    """The valid fixture must give the shape something to check, or its conforming proves nothing."""
    data = ontology() + _parse(FIXTURES / name / "valid.ttl")
    assert _targets(PDS[name], data), f"tests/fixtures/shapes/{name}/valid.ttl has no focus node for pds:{name}"


@pytest.mark.parametrize("name,inference", list(_shape_params()))
def test_invalid_fixture_gives_exactly_the_expected_results(name, inference):
    folder = FIXTURES / name
    expected = expected_results(folder, inference)
    assert expected, f"{folder}: an invalid fixture must trip its shape at least once"
    got = actual_results(validate(folder / "invalid.ttl", PDS[name], inference))
    unmatched = list(got)
    missing = []
    for exp in expected:
        hit = next((a for a in unmatched if _matches(exp, a)), None)
        if hit is None:
            missing.append(exp)
        else:
            unmatched.remove(hit)
    assert not missing and not unmatched, (
        f"{folder}/invalid.ttl with inference={inference}:\n"
        + "".join(f"  expected, not reported: {_describe(e)}\n" for e in missing)
        + "".join(f"  reported, not expected: {_describe(a)}\n" for a in unmatched))


def declared_components(shapes: Graph, shape) -> set[URIRef]:
    """The constraint components a shape declares, with those of the property shapes it nests
    (sh:property): pySHACL reports a nested property shape's own components (under the named shape,
    see `_shape_id`), never sh:PropertyConstraintComponent. Value shapes inside sh:or, sh:node,
    sh:qualifiedValueShape ... are reported as that one component, so they are not followed."""
    declared = {COMPONENTS[p] for p in set(shapes.predicates(shape, None)) if p in COMPONENTS and p != SH.property}
    for nested in shapes.objects(shape, SH.property):
        declared |= declared_components(shapes, nested)
    return declared


def test_declared_components_follow_nested_property_shapes():
    g = Graph().parse(format="turtle", data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/test#> .
        ex:Outer a sh:NodeShape ; sh:targetClass ex:C ; sh:closed true ;
            sh:property [ sh:path ex:p ; sh:minCount 1 ; sh:property [ sh:path ex:q ; sh:datatype ex:D ] ] .""")
    assert declared_components(g, URIRef("http://example.org/test#Outer")) == {
        SH.ClosedConstraintComponent, SH.MinCountConstraintComponent, SH.DatatypeConstraintComponent}


@pytest.mark.parametrize("name", SHAPE_NAMES)
def test_every_constraint_of_a_shape_is_tripped_by_its_fixture(name):
    """Each constraint component a shape declares, itself or in a property shape it nests, appears
    among its expected results, so no constraint goes untested."""
    declared = declared_components(all_shapes(), PDS[name])
    tripped = {e["component"] for e in expected_results(FIXTURES / name, "none")}
    assert declared <= tripped, f"pds:{name}: no fixture result for {sorted(short(c) for c in declared - tripped)}"


def test_fixture_check_can_fail():
    """The exact-match check is not vacuous: the valid fixture of one shape, run against another
    shape's expectation, does not match."""
    exp = expected_results(FIXTURES / "CountValueShape", "none")
    got = actual_results(validate(FIXTURES / "CountValueShape" / "valid.ttl", PDS.CountValueShape, "none"))
    assert exp and not any(_matches(e, a) for e in exp for a in got)


# -------------------------------------------------------------------------------------------------
# The real data
# -------------------------------------------------------------------------------------------------
def test_the_real_data_has_no_violation(real_tree, capsys):
    tree = load_tree(real_tree)
    start = time.perf_counter()
    result = validate_shapes(tree.ontology, tree.data, tree.shapes, inference="none")
    elapsed = time.perf_counter() - start
    with capsys.disabled():
        print(f"\n[shapes] pySHACL on ontology+data ({len(tree.ontology) + len(tree.data)} triples, "
              f"{len(tree.files['data'])} data files): {elapsed:.2f} s, "
              f"{len(result.violations)} violation(s), {len(result.warnings)} warning(s)")
    assert not result.violations, (f"{len(result.violations)} violation(s) in data/*.ttl:\n  "
                                   + "\n  ".join(str(f) for f in result.violations[:50]))


# -------------------------------------------------------------------------------------------------
# Wikidata links
# -------------------------------------------------------------------------------------------------
def allowed_wikidata_ids() -> set[URIRef]:
    path = require_shared(WIKIDATA_CSV)
    with path.open(newline="", encoding="utf-8") as f:
        ids = {row["wikidata_id"].strip() for row in csv.DictReader(f)}
    bad = sorted(i for i in ids if not (i.startswith("Q") and i[1:].isdigit()))
    assert not bad, f"{path}: not Wikidata item ids: {bad}"
    return {WD[i] for i in ids}


def unlisted_wikidata_links(g: Graph, allowed: set[URIRef]) -> list[tuple]:
    """(subject, property, object) of every skos:exactMatch / owl:sameAs / skos:closeMatch into the
    Wikidata entity namespace whose object is not in the allowed list."""
    out = []
    for p in (SKOS.exactMatch, SKOS.closeMatch, OWL.sameAs):
        for s, o in g.subject_objects(p):
            if isinstance(o, URIRef) and str(o).startswith(str(WD)) and o not in allowed:
                out.append((s, p, o))
    return sorted(out)


def test_wikidata_links_use_only_the_listed_ids(real_tree):
    allowed = allowed_wikidata_ids()
    tree = load_tree(real_tree)
    bad = unlisted_wikidata_links(tree.ontology + tree.data, allowed)
    assert not bad, ("Wikidata ids not in shared/reference/wikidata-ids.csv (never guess one; remove the "
                     "link until the id is confirmed from a citable source):\n  "
                     + "\n  ".join(f"{short(s)} {short(p)} {short(o)}" for s, p, o in bad))


def test_the_wikidata_check_finds_an_unlisted_id():
    allowed = allowed_wikidata_ids()
    assert WD.Q31 in allowed  # Belgium, listed
    g = Graph()
    g.add((URIRef("http://example.org/fixture/belgium"), SKOS.exactMatch, WD.Q31))
    g.add((URIRef("http://example.org/fixture/bandung"), SKOS.exactMatch, WD.Q999999999))
    assert unlisted_wikidata_links(g, allowed) == [
        (URIRef("http://example.org/fixture/bandung"), SKOS.exactMatch, WD.Q999999999)]
