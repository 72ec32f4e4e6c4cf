"""The canned queries (queries/*.rq): catalogue rules, the same answer on pyoxigraph and rdflib,
and the role rules (violation queries return no rows on the real data and trip on their fixture;
construct queries are CONSTRUCTs).

The queries are the working tree's (queries/*.rq). The dataset they run on is the real build:
`dist/paradiplomacy.nq` of the `real_dist` session fixture (the sources as committed, built once by
`kg.build.build`), loaded by the engines' own loaders (tests/cq/kgdata.py). The violation fixtures
(tests/fixtures/violations/) are small datasets of their own, queried with the working tree's
ontology and no reasoning.
"""
from __future__ import annotations

import re

import pytest
from rdflib import Graph, URIRef
from rdflib.plugins.sparql.parser import parseQuery

from cq.kgdata import ROOT, engines, ontology_graph
from kg.query.embedded import OxigraphEngine, RdflibEngine, SelectResult, comparable
from kg.query.catalogue import load_catalogue

CATALOGUE = load_catalogue(ROOT)
NAMES = sorted(CATALOGUE)
VIOLATIONS = [n for n in NAMES if CATALOGUE[n].role == "violation"]
WITH_PARAMETERS = [n for n in NAMES if CATALOGUE[n].params]
FIXTURES = ROOT / "tests" / "fixtures" / "violations"


def test_catalogue_has_at_least_twenty_questions():
    assert len(CATALOGUE) >= 20, f"only {len(CATALOGUE)} canned queries in queries/"


HOSTILE = ['en") } SERVICE <http://example.invalid/> { ?a ?b ?c } #', 'a\\") } LOAD <http://example.invalid/x> #',
           'x\nLOAD <file:///etc/passwd>', 'x\u2028") }', 'x\\', '"""', "'"]


@pytest.mark.parametrize("value", HOSTILE)
def test_a_parameter_written_in_stays_one_string_whatever_it_holds(value):
    """A parameter written into the text (inline_terms) is an escaped literal: one string token in
    the place of the variable, every other token as it was, and the query guard still passes it."""
    from rdflib import Literal

    from kg.query.binding import inline_terms
    from kg.query.lexer import significant
    from kg.query.safety import check_query

    q = "SELECT ?x WHERE { ?x <http://example.org/p> ?l FILTER(LANG(?l) = ?lang) }"
    out, rest = inline_terms(q, {"lang": Literal(value)})
    before, after = significant(q), significant(out)
    assert not rest and len(before) == len(after)
    changed = [(a.kind, b.kind) for a, b in zip(before, after) if a.text != b.text]
    assert changed == [("var", "string")], changed
    check_query(out)


@pytest.mark.parametrize("name", NAMES)
def test_header_is_complete_and_bilingual(name):
    q = CATALOGUE[name]
    assert q.summary and q.question_en and q.question_id, f"{name}: summary, question-en and question-id are required"
    assert q.tags, f"{name}: no tags"
    # runnable on its own: every prefix it uses is declared in the file itself
    parseQuery(q.text)  # raises on an undeclared prefix or a syntax error


def test_some_queries_have_parameters():
    """test_parameters_are_projected is parametrised over these: over nothing it would pass silently."""
    assert WITH_PARAMETERS, "no canned query takes a parameter"


@pytest.mark.parametrize("name", WITH_PARAMETERS)
def test_parameters_are_projected(name, real_dist):
    """Each row says which thing it is about: every parameter but the label language (`lang`, used
    only in label filters and written in as a constant) is a projected variable."""
    q = CATALOGUE[name]
    oxi, _ = engines(real_dist)
    res = oxi.query(q.text, q.bind({}))
    assert isinstance(res, SelectResult)
    missing = [p.name for p in q.params if p.name not in res.variables and p.type != "lang"]
    assert not missing, f"{name}: parameters {missing} are not in the SELECT clause"


LOCAL_PARAMETERS = [n for n in WITH_PARAMETERS if any(p.type == "lang" for p in CATALOGUE[n].params)]


@pytest.mark.parametrize("given", [{}, {"lang": "id"}], ids=["defaults", "lang=id"])
@pytest.mark.parametrize("name", LOCAL_PARAMETERS)
def test_a_parameter_written_in_as_a_constant_answers_as_one_bound_by_values(name, given, real_dist):
    """pyoxigraph gets the label language (not projected) written into the text as a constant
    (kg.query.binding.inline_terms); the answer is rdflib's with the parameter in initBindings,
    and the one the VALUES blocks of a remote endpoint give on pyoxigraph."""
    from kg.query.binding import bind_with_values, inline_terms

    q = CATALOGUE[name]
    oxi, ref = engines(real_dist)
    bindings = q.bind(given)
    text, rest = inline_terms(q.text, {"lang": bindings["lang"]})
    from kg.query.lexer import significant

    assert not rest and "?lang" not in [t.text for t in significant(text)], f"{name}: the language was not written in"
    got = oxi.query(q.text, bindings)
    assert isinstance(got, SelectResult) and len(got) > 0  # not a vacuous comparison
    assert comparable(got) == comparable(ref.query(q.text, bindings))
    others = {k: v for k, v in bindings.items() if k != "lang"}
    by_values = oxi.query(bind_with_values(q.text, {"lang": bindings["lang"]}), others)
    assert got.variables == by_values.variables and comparable(got) == comparable(by_values)


def _order_keys(text: str) -> list[str] | None:
    """The variables the outermost ORDER BY of a query names (in its expressions too), or None
    without one."""
    from kg.query.lexer import significant

    tokens = significant(text)
    starts = [i for i, t in enumerate(tokens[:-1])
              if t.keyword == "ORDER" and t.depth == 0 and tokens[i + 1].keyword == "BY"]
    if not starts:
        return None
    keys = []
    for t in tokens[starts[-1] + 2:]:
        if t.keyword in ("LIMIT", "OFFSET", "VALUES"):
            break
        if t.kind == "var":
            keys.append(t.text[1:])
    return keys


# (not the violation queries: no rows on the real data)
ORDERED = [n for n in NAMES if CATALOGUE[n].role != "violation" and _order_keys(CATALOGUE[n].text)]


@pytest.mark.parametrize("name, given", [
    pytest.param(n, g, id=f"{n}-{label}") for n in ORDERED
    for g, label in (({}, "defaults"), ({"lang": "id"}, "lang=id"))
    if not g or CATALOGUE[n].has_param("lang")])
def test_order_by_leaves_no_two_different_rows_tied(name, given, real_dist):
    """A canned answer comes in one order on every engine and every way of running it (bound by
    VALUES or written in: `bench/bench_bound.py` compares the bytes): two different rows of the
    real data never agree on every variable the ORDER BY names, or their order would be the
    engine's choice. (agreements-in-force ordered by signing and agreement only gave Chungcheongnam-
    do's two statuses, "not yet optimal" and "cancelled in substance", in either order.) The keys
    are the variables the ORDER BY names: two rows whose expressions agree on different values (a
    COALESCE falling back alike) are not seen as tied."""
    from kg.query.lexer import projected_variables

    q = CATALOGUE[name]
    keys = _order_keys(q.text)
    text = q.text
    hidden = [k for k in keys if k not in projected_variables(text)]
    if hidden:  # a variable ordered by but not shown (provenance-of's ?order) is shown here too
        select = re.search(r"^SELECT(\s+DISTINCT)?", text, re.MULTILINE)
        assert select, f"{name}: no SELECT at the start of a line"
        text = text[:select.end()] + "".join(f" ?{k}" for k in hidden) + text[select.end():]
    oxi, _ref = engines(real_dist)
    got = oxi.query(text, q.bind(given))
    assert isinstance(got, SelectResult) and len(got) > 1, f"{name}: fewer than two rows: no order to check"
    assert set(keys) <= set(got.variables)
    first: dict = {}
    for row in got.rows:
        key = tuple(row.get(k) for k in keys)  # the terms: "x"@en and "x"@id are two keys
        other = first.setdefault(key, row)
        assert other == row, f"{name}: two rows tied on ORDER BY {keys}: {other} and {row}"


@pytest.mark.parametrize("name", NAMES)
def test_same_answer_on_oxigraph_and_rdflib(name, real_dist):
    q = CATALOGUE[name]
    oxi, ref = engines(real_dist)
    bindings = q.bind({})
    a, b = oxi.query(q.text, bindings), ref.query(q.text, bindings)
    assert type(a) is type(b)
    if isinstance(a, SelectResult):
        assert a.variables == b.variables
    assert comparable(a) == comparable(b), f"{name}: pyoxigraph and rdflib disagree"


@pytest.mark.parametrize("name", [n for n in NAMES if CATALOGUE[n].role == "construct"])
def test_construct_queries_derive_triples(name, real_dist):
    oxi, _ = engines(real_dist)
    res = oxi.query(CATALOGUE[name].text)
    assert isinstance(res, Graph)
    assert len(res) > 0, f"{name} derives nothing from the project's data"


@pytest.mark.parametrize("name", VIOLATIONS)
def test_violation_query_finds_nothing_in_the_real_data(name, real_dist):
    oxi, ref = engines(real_dist)
    for engine in (oxi, ref):
        res = engine.query(CATALOGUE[name].text)
        assert len(res) == 0, f"{name} on {engine.name}: {res.rows[:5]}"


def _fixture_engines(name: str):
    folder = FIXTURES / name
    data = Graph()
    data.parse(folder / "data.ttl", format="turtle")
    # no reasoning: some fixtures hold what OWL RL would reject (a relation of two disjoint
    # classes), and the violation queries must catch it all the same
    from rdflib import Dataset
    from kg.namespaces import GRAPH_DATA, GRAPH_ONTOLOGY, GRAPH_PROVENANCE

    ds = Dataset(default_union=True)
    graphs = [(GRAPH_ONTOLOGY, ontology_graph()), (GRAPH_DATA, data)]
    if (folder / "provenance.ttl").is_file():  # the statements of graph/provenance, where a fixture needs them
        graphs.append((GRAPH_PROVENANCE, Graph().parse(folder / "provenance.ttl", format="turtle")))
    for gname, g in graphs:
        target = ds.graph(gname)
        for t in g:
            target.add(t)
    return OxigraphEngine.from_dataset(ds), RdflibEngine(ds)


def _expected_nodes(name: str) -> set[URIRef]:
    lines = (FIXTURES / name / "expected.txt").read_text(encoding="utf-8").splitlines()
    return {URIRef(l.strip()) for l in lines if l.strip() and not l.startswith("#")}


@pytest.mark.parametrize("name", VIOLATIONS)
def test_violation_fixture_exists(name):
    assert (FIXTURES / name / "data.ttl").is_file(), f"tests/fixtures/violations/{name}/data.ttl is missing"
    assert _expected_nodes(name), f"tests/fixtures/violations/{name}/expected.txt names no node"


@pytest.mark.parametrize("name", VIOLATIONS)
def test_violation_fixture_trips_exactly_the_expected_nodes(name):
    first_column_values = []
    for engine in _fixture_engines(name):
        res = engine.query(CATALOGUE[name].text)
        first = res.variables[0]
        found = {r[first] for r in res.rows}
        assert found == _expected_nodes(name), f"{name} on {engine.name}: found {sorted(found)}"
        first_column_values.append(found)
