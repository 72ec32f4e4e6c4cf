"""The two violation checks the build evaluates in one pass over the sorted N-Quads text
(`kg.build.checks.LINEAR_CHECKS`) give the rows their SPARQL query gives on pyoxigraph over the same
dataset (variables, values, order): on the seed's build, on a tree ten times the seed
(`bench/generate.py --factor 10`), on every violation fixture (tests/fixtures/violations/) and on
data made for the corners of the queries; and a build that violates either fails, evaluating them
linearly, with the message the SPARQL queries give.

The build does not use them yet (`kg.build.checks.BUILD_LINEAR` is empty): at a million triples the
pass costs more CPU than the queries (bench/bench_checks.py)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import BNode, Graph

from kg.build import checks
from kg.build.canonical import CanonicalDataset, canonical_dataset
from kg.query.catalogue import load_catalogue
from kg.query.embedded import OxigraphEngine
from tests.conftest import BUILD_FIXTURE, committed_sources, copy_tree

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = load_catalogue(ROOT)
NAMES = sorted(checks.LINEAR_CHECKS)
FIXTURES = ROOT / "tests" / "fixtures" / "violations"


def _dataset(nquads: bytes, chunk_lines: int = 1000) -> CanonicalDataset:
    """The sorted N-Quads text as the CanonicalDataset holds it, in small chunks (so that the lines
    of a statement fall across chunks too)."""
    lines = nquads.splitlines(keepends=True)
    chunks = [b"".join(lines[i:i + chunk_lines]) for i in range(0, len(lines), chunk_lines)]
    return CanonicalDataset(chunks, len(lines))


def _masked(rows: list[dict]) -> list:
    """Rows with their blank nodes as one mark, sorted: a store relabels blank nodes as it loads
    them (and orders them by its labels), so only the rest can be compared."""
    return sorted(repr({k: "_:" if isinstance(v, BNode) else v for k, v in r.items()}) for r in rows)


def _compare(cds: CanonicalDataset, *, blank: bool = False) -> dict[str, int]:
    """Assert the linear rows are the query's (with `blank`, up to blank nodes' labels and order);
    the number of rows of each."""
    import pyoxigraph as ox

    store = ox.Store()
    for chunk in cds.chunks:
        store.load(chunk, format=ox.RdfFormat.N_QUADS)
    engine = OxigraphEngine(store)
    linear = checks.linear_results(cds)
    assert sorted(linear) == NAMES
    counts = {}
    for name in NAMES:
        res = engine.query(CATALOGUE[name].text)
        assert linear[name].variables == res.variables, name
        if blank:
            assert _masked(linear[name].rows) == _masked(res.rows), name
        else:
            assert linear[name].rows == res.rows, f"{name}: {linear[name].rows[:5]} against {res.rows[:5]}"
        counts[name] = len(res.rows)
    return counts


@pytest.fixture(scope="module")
def tree_10x(tmp_path_factory) -> Path:
    from bench.generate import generate

    seed = committed_sources(tmp_path_factory.mktemp("seed") / "real")
    out = tmp_path_factory.mktemp("scaled") / "10x"
    generate(seed, out, factor=10)
    return out


def test_the_seed_build(real_dist):
    counts = _compare(_dataset((real_dist / "paradiplomacy.nq").read_bytes()))
    assert counts == {n: 0 for n in NAMES}


def test_ten_times_the_seed(tree_10x):
    from kg.build import build

    dist = build(tree_10x).dist
    assert dist is not None
    counts = _compare(_dataset((dist / "paradiplomacy.nq").read_bytes(), chunk_lines=100_000))
    assert counts == {n: 0 for n in NAMES}


def _fixture_dataset(data: Graph, provenance: Graph | None) -> CanonicalDataset:
    from cq.kgdata import ontology_graph

    return canonical_dataset(ontology_graph(), data, [], provenance if provenance is not None else [])


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.iterdir() if (p / "data.ttl").is_file()))
def test_every_violation_fixture(name):
    folder = FIXTURES / name
    data = Graph().parse(folder / "data.ttl", format="turtle")
    prov = folder / "provenance.ttl"
    cds = _fixture_dataset(data, Graph().parse(prov, format="turtle") if prov.is_file() else None)
    counts = _compare(_dataset(cds.nquads(), chunk_lines=7))
    if name in NAMES:
        assert counts[name] > 0, f"the fixture of {name} trips nothing"


_CORNERS = """
@prefix ex: <http://example.org/test#> .
@prefix pd: <https://w3id.org/paradiplomacy/ontology#> .
@prefix pdi: <https://w3id.org/paradiplomacy/id/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix st: <https://w3id.org/paradiplomacy/statement/> .
"""
# a literal stated in another form (a typed number against a string, a language tag's case, a
# datatype), a blank node, a node copied into three passages, a pd:SourceConflict copied, a block
# where one passage says one more thing, a footnote graph and a reference work (not passages), a
# statement with two predicates
_CORNER_DATA = _CORNERS + """
pdi:a ex:n 2005 ; ex:s "2005" ; ex:l "x"@en-GB ; ex:d "1"^^xsd:decimal ; ex:i "01"^^xsd:integer ; ex:k "02"^^xsd:integer ; ex:t "z" .
pdi:c a pd:SourceConflict ; ex:x 1 ; ex:y 2 .
pdi:e ex:x 1 ; ex:y 2 ; ex:z 3 .
pdi:f ex:x 1 ; ex:y 2 .
pdi:g ex:x 1 ; ex:y 2 .
"""
_CORNER_PROVENANCE = _CORNERS + """
st:1 rdf:subject pdi:a ; rdf:predicate ex:n ; rdf:object "2005" .
st:2 rdf:subject pdi:a ; rdf:predicate ex:s ; rdf:object "2005" .
st:3 rdf:subject pdi:a ; rdf:predicate ex:l ; rdf:object "x"@en-gb .
st:4 rdf:subject pdi:a ; rdf:predicate ex:d ; rdf:object "1.0"^^xsd:decimal .
st:4i rdf:subject pdi:a ; rdf:predicate ex:i ; rdf:object "1"^^xsd:integer .
st:5 rdf:subject pdi:a ; rdf:predicate ex:t , ex:u ; rdf:object "z" ;
    prov:wasDerivedFrom pdi:passage-1 , pdi:passage-2 .
st:6 rdf:subject pdi:a ; rdf:predicate ex:v ; rdf:object "w" ; prov:wasDerivedFrom pdi:passage-1 , pdi:passage-2 .
st:c1 rdf:subject pdi:c ; rdf:predicate ex:x ; rdf:object 1 ; prov:wasDerivedFrom pdi:passage-1 , pdi:passage-2 .
st:c2 rdf:subject pdi:c ; rdf:predicate ex:y ; rdf:object 2 ; prov:wasDerivedFrom pdi:passage-1 , pdi:passage-2 .
st:e1 rdf:subject pdi:e ; rdf:predicate ex:x ; rdf:object 1 ; prov:wasDerivedFrom pdi:passage-3 , pdi:passage-2 , pdi:passage-1 .
st:e2 rdf:subject pdi:e ; rdf:predicate ex:y ; rdf:object 2 ; prov:wasDerivedFrom pdi:passage-3 , pdi:passage-2 , pdi:passage-1 .
st:e3 rdf:subject pdi:e ; rdf:predicate ex:z ; rdf:object 3 ; prov:wasDerivedFrom pdi:passage-1 , pdi:passage-2 .
st:e4 rdf:subject pdi:e ; rdf:predicate rdfs:label ; rdf:object "e" ; prov:wasDerivedFrom pdi:passage-3 .
st:f1 rdf:subject pdi:f ; rdf:predicate ex:x ; rdf:object 1 ; prov:wasDerivedFrom pdi:footnote-1 , pdi:passage-2 , pdi:ref .
st:f2 rdf:subject pdi:f ; rdf:predicate ex:y ; rdf:object 2 ; prov:wasDerivedFrom pdi:footnote-1 , pdi:passage-2 , pdi:ref .
st:g1 rdf:subject pdi:g ; rdf:predicate ex:x ; rdf:object 1 ; prov:wasDerivedFrom pdi:passage-9 , pdi:passage-10 .
st:g2 rdf:subject pdi:g ; rdf:predicate ex:y ; rdf:object 2 ; prov:wasDerivedFrom pdi:passage-9 , pdi:passage-10 .
st:g3 rdf:subject pdi:g ; rdf:predicate ex:y ; rdf:object 3 ; prov:wasDerivedFrom pdi:passage-9 .
"""


def test_corners():
    data = Graph().parse(data=_CORNER_DATA, format="turtle")
    cds = _fixture_dataset(data, Graph().parse(data=_CORNER_PROVENANCE, format="turtle"))
    counts = _compare(_dataset(cds.nquads(), chunk_lines=3))
    # not stated: ex:n (2005 is no "2005"), ex:k ("02" is no 1) and pdi:c's type; copied: pdi:a
    # (two statements, three counted predicates) and pdi:e in passages 1 and 2 (3 says less, its
    # label is not counted); not pdi:c (a conflict), pdi:f (one passage), pdi:g (9 says more)
    assert counts == {"statement-provenance-violation": 3, "statement-copied-block-violation": 2}


def test_blank_nodes():
    data = Graph().parse(data=_CORNERS + "pdi:a ex:b [ ex:q 1 ] . [] ex:r pdi:a .", format="turtle")
    cds = _fixture_dataset(data, Graph().parse(data=_CORNERS + "st:1 rdf:subject pdi:a ; rdf:predicate ex:b ; rdf:object [] .", format="turtle"))
    counts = _compare(_dataset(cds.nquads(), chunk_lines=3), blank=True)
    assert counts["statement-provenance-violation"] == 3


def _failing_tree(tmp_path: Path, which: str) -> Path:
    root = copy_tree(BUILD_FIXTURE, tmp_path / "tree")
    for name in NAMES:
        shutil.copy(ROOT / "queries" / f"{name}.rq", root / "queries" / f"{name}.rq")
    if which == "statement-copied-block-violation":  # every triple in the graphs of two passages
        import pyoxigraph as ox

        triples = []
        for f in sorted((root / "data").glob("*.ttl")):
            triples += [f"{t.subject} {t.predicate} {t.object} ." for t in ox.parse(f.read_bytes(), format=ox.RdfFormat.TURTLE)]
            f.unlink()
        text = "".join(f"<https://w3id.org/paradiplomacy/id/{passage}> {{\n" + "\n".join(triples) + "\n}\n"
                       for passage in ("passage-one", "passage-two"))
        (root / "data" / "copied.trig").write_text(text, encoding="utf-8")
    return root


@pytest.mark.parametrize("which", NAMES)
def test_a_build_that_violates_fails_with_the_message_of_the_query(which, tmp_path, monkeypatch):
    from kg.build import build
    from kg.build.pipeline import BuildFailed

    root = _failing_tree(tmp_path, which)
    monkeypatch.setattr(checks, "BUILD_LINEAR", set(NAMES))  # the build's check stage, linear
    with pytest.raises(BuildFailed) as linear:
        build(root)
    assert which in [f.name for f in linear.value.failures]
    monkeypatch.setattr(checks, "BUILD_LINEAR", set())  # the SPARQL queries
    with pytest.raises(BuildFailed) as sparql:
        build(root)
    assert str(linear.value) == str(sparql.value)
