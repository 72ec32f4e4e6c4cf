"""Test fixtures speak the project's vocabulary truthfully: every `pd:` term (an IRI under
https://w3id.org/paradiplomacy/ontology#) that a fixture uses -- tests/fixtures/**/*.ttl, *.trig,
*.rq -- is one that ontology/*.ttl defines. A vocabulary made up for a test goes in `ex:`
(http://example.org/test#), as tests/fixtures/build/ does; otherwise a test can pass on terms the
project does not have (a count of `pd:SubStateGovernment` instances, say, when no such class exists).

The Turtle and TriG files are parsed (pyoxigraph), the queries translated to SPARQL algebra (rdflib),
so prefixed names, full IRIs and any prefix a file declares count alike.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import URIRef
from rdflib.namespace import RDF
from rdflib.plugins.sparql import prepareQuery

from conftest import REPO
from kg.build.sources import load_tree
from kg.namespaces import PD

FIXTURES = REPO / "tests" / "fixtures"
SUFFIXES = {".ttl": ox.RdfFormat.TURTLE, ".trig": ox.RdfFormat.TRIG, ".rq": None}

@lru_cache(maxsize=1)
def defined_terms() -> frozenset[URIRef]:
    """The pd: IRIs that ontology/*.ttl gives a type (classes, properties)."""
    onto = load_tree(REPO).ontology
    return frozenset(s for s in onto.subjects(RDF.type, None) if isinstance(s, URIRef) and str(s).startswith(str(PD)))


def _algebra_iris(node, out: set, seen: set) -> None:
    if id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, URIRef):
        out.add(node)
    elif isinstance(node, dict):
        for v in node.values():
            _algebra_iris(v, out, seen)
    elif isinstance(node, (list, tuple, set, frozenset)):
        for v in node:
            _algebra_iris(v, out, seen)
    elif hasattr(node, "__dict__") and not isinstance(node, (str, bytes)):
        for v in vars(node).values():
            _algebra_iris(v, out, seen)


def iris_of(path: Path) -> set[URIRef]:
    """Every IRI a fixture file uses."""
    if path.suffix == ".rq":
        out: set[URIRef] = set()
        _algebra_iris(prepareQuery(path.read_text(encoding="utf-8")).algebra, out, set())
        return out
    out = set()
    for q in ox.parse(path=path, format=SUFFIXES[path.suffix]):
        terms = (q.subject, q.predicate, q.object) + ((q.graph_name,) if isinstance(q, ox.Quad) else ())
        out |= {URIRef(t.value) for t in terms if isinstance(t, ox.NamedNode)}
    return out


def undefined_pd_terms(path: Path) -> list[str]:
    """The pd: terms a file uses that the ontology does not define, as `pd:Name`."""
    used = {i for i in iris_of(path) if str(i).startswith(str(PD))}
    return sorted("pd:" + str(i)[len(str(PD)):] for i in used - defined_terms())


def _fixture_files() -> list[Path]:
    return sorted(p for p in FIXTURES.rglob("*") if p.suffix in SUFFIXES and p.is_file())


FILES = _fixture_files()


def test_there_are_fixtures_to_check():
    # a parametrisation over nothing would pass silently
    assert len(FILES) > 100 and {p.suffix for p in FILES} == set(SUFFIXES)


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(FIXTURES)))
def test_fixture_uses_only_pd_terms_the_ontology_defines(path):
    bad = undefined_pd_terms(path)
    assert not bad, (f"{path.relative_to(REPO)} uses {bad}, which ontology/ does not define: use a real "
                     "term, or put a test vocabulary in ex: <http://example.org/test#>")


@pytest.mark.parametrize("suffix, text", [
    (".ttl", "@prefix pd: <https://w3id.org/paradiplomacy/ontology#> .\n"
             "<http://example.org/test#x> a pd:Region ; pd:isPartOf <http://example.org/test#y> .\n"),
    (".trig", "@prefix p: <https://w3id.org/paradiplomacy/ontology#> .\n"
              "<http://example.org/test#g> { <http://example.org/test#x> p:isPartOf p:Region }\n"),
    (".rq", "PREFIX pd: <https://w3id.org/paradiplomacy/ontology#>\n"
            "SELECT ?x WHERE { ?x a pd:Region FILTER(?x != <https://w3id.org/paradiplomacy/ontology#isPartOf>) }\n"),
])
def test_the_check_finds_a_made_up_term(tmp_path, suffix, text):
    """Under any prefix, in a triple, a graph or a filter: pd:isPartOf is found; pd:Region is real."""
    path = tmp_path / f"fixture{suffix}"
    path.write_text(text, encoding="utf-8")
    assert undefined_pd_terms(path) == ["pd:isPartOf"]
