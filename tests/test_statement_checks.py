"""The build's own answers to the two violation queries that read graph/provenance
(`kg.build.statement_checks`), and the queries that say they do not read it (`#+ reads-provenance:
no`): the check stage loads the dataset without that graph only where both give the queries'
answers.

The references are the queries themselves, run by pyoxigraph on the whole canonical dataset (its
provenance included), as the check ran them before. The dataset below is made for the purpose:
its expected rows are read off the TriG text (which passages hold which statements about which
node) and are asserted to be there, so that each comparison can fail.
"""
from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import Graph

from cq.kgdata import ROOT
from kg.build.canonical import build_canonical
from kg.build.checks import check_text
from kg.build.provenance import provenance_quads
from kg.build.statement_checks import COPIED, PINNED, UNSTATED, plan_check, query_pin
from kg.namespaces import GRAPH_DATA, GRAPH_PROVENANCE
from kg.query.catalogue import QueryCatalogueError, load_catalogue, parse_header
from kg.query.embedded import OxigraphEngine

CATALOGUE = load_catalogue(ROOT)
VIOLATIONS = [(q.name, q.text, q.summary, q.reads_provenance) for q in CATALOGUE.values()
              if q.role == "violation"]
PDI = "https://w3id.org/paradiplomacy/id/"

# The passages' GRAPH blocks. Statements about a node, the predicates the copied-block query leaves
# out (rdf:type, rdfs:label, ...) set aside:
# - copied: {date, partner} in passage-t1 and in passage-t1-b: one row (as strings "passage-t1"
#   sorts before "passage-t1-b"; as bracketed IRIs, `<...t1>` after `<...t1-b>`)
# - triple: {date, partner} in passage-t1, -t2 and -t3: three rows, one a pair
# - flagged: the same in -t1 and -t2, but it is a pd:SourceConflict: no row
# - subset: {date, partner, extra} in -t1, {date, partner} in -t2: no row
# - single: {date} in -t1 and in -t2 (its labels left out): one statement only, no row
# - footnoted: {date, partner} in -t1 and in footnote-t, which is no passage: no row
TRIG = """
@prefix pd: <https://w3id.org/paradiplomacy/ontology#> .
@prefix pdi: <https://w3id.org/paradiplomacy/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix ex: <http://example.org/test#> .
GRAPH pdi:passage-t1 {
  pdi:copied a ex:Thing ; rdfs:label "copied"@en ; ex:date "2005" ; ex:partner pdi:somewhere .
  pdi:triple ex:date "1" ; ex:partner pdi:a .
  pdi:flagged a pd:SourceConflict ; ex:date "1" ; ex:partner pdi:a .
  pdi:subset ex:date "2005" ; ex:partner pdi:somewhere ; ex:extra "x" .
  pdi:single ex:date "1" ; rdfs:label "single" .
  pdi:footnoted ex:date "1" ; ex:partner pdi:a .
}
GRAPH pdi:passage-t1-b {
  pdi:copied a ex:Thing ; ex:date "2005" ; ex:partner pdi:somewhere .
}
GRAPH pdi:passage-t2 {
  pdi:triple ex:date "1" ; ex:partner pdi:a .
  pdi:flagged ex:date "1" ; ex:partner pdi:a .
  pdi:subset ex:date "2005" ; ex:partner pdi:somewhere .
  pdi:single ex:date "1" ; rdfs:label "single"@en .
}
GRAPH pdi:passage-t3 {
  pdi:triple ex:date "1" ; ex:partner pdi:a .
}
GRAPH pdi:footnote-t {
  pdi:footnoted ex:date "1" ; ex:partner pdi:a .
}
"""
# a .ttl file's triples (in no passage's block): pdi:loose's three have no statement; pdi:copied's
# date is also in passage-t1's block, so it has one
TTL = """
@prefix pdi: <https://w3id.org/paradiplomacy/id/> .
@prefix ex: <http://example.org/test#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
pdi:loose ex:date "2006" ; ex:count "3"^^xsd:integer ; ex:note "a \\"quoted\\" word\\nand a line"@en .
pdi:copied ex:date "2005" .
"""
COPIED_ROWS = {("copied", "passage-t1", "passage-t1-b"), ("triple", "passage-t1", "passage-t2"),
               ("triple", "passage-t1", "passage-t3"), ("triple", "passage-t2", "passage-t3")}


def _dataset(trig: str = TRIG, ttl: str = TTL):
    sourced = list(ox.parse(trig, format=ox.RdfFormat.TRIG))
    plain = list(ox.parse(ttl, format=ox.RdfFormat.TURTLE))
    return build_canonical(Graph(), plain, [], sourced)


def _rows(failures) -> dict[str, list]:
    return {f.name: [tuple(row.get(v) for v in f.variables) for row in f.rows] for f in failures}


def _short(term) -> str:
    return str(term).removeprefix(PDI)


def test_the_build_answers_as_the_two_queries_do_on_the_whole_dataset():
    cds = _dataset()
    chunks, run = plan_check(cds, VIOLATIONS)
    # the plan left graph/provenance out, and put the build's answers in the two queries' place
    assert b"".join(chunks).count(f"<{GRAPH_PROVENANCE}>".encode()) == 0
    assert len(chunks) < len(cds.chunks)
    ran = {name: text for name, text, _s in run}
    assert ran[UNSTATED] != CATALOGUE[UNSTATED].text and ran[COPIED] != CATALOGUE[COPIED].text

    fast = _rows(check_text(chunks, run))
    whole = _rows(check_text(cds.chunks, [v[:3] for v in VIOLATIONS]))
    assert fast[COPIED] == whole[COPIED]
    assert fast[UNSTATED] == whole[UNSTATED]
    assert fast == whole
    # the rows the TriG and Turtle texts above say
    assert {(_short(s), _short(a), _short(b)) for s, a, b, _n in whole[COPIED]} == COPIED_ROWS
    assert {int(n) for *_x, n in whole[COPIED]} == {2}
    assert {_short(s) for s, _p, _o in whole[UNSTATED]} == {"loose"} and len(whole[UNSTATED]) == 3


def test_with_nothing_to_report_the_two_queries_are_not_run():
    # no .ttl triple, and each node's statements in one passage only
    cds = _dataset(TRIG.split("GRAPH pdi:passage-t1-b")[0], "")
    chunks, run = plan_check(cds, VIOLATIONS)
    names = {name for name, _t, _s in run}
    assert UNSTATED not in names and COPIED not in names
    failed = {f.name for f in check_text(cds.chunks, [v[:3] for v in VIOLATIONS])}
    assert not failed & {UNSTATED, COPIED}


def test_anything_the_answers_were_not_proven_for_is_checked_on_the_whole_dataset():
    cds = _dataset()
    everything = [v[:3] for v in VIOLATIONS]
    # a violation query of the tree's own that does not say it leaves graph/provenance alone
    extra = VIOLATIONS + [("my-violation", "ASK { ?s ?p ?o FILTER(false) }", "", True)]
    assert plan_check(cds, extra) == (cds.chunks, [v[:3] for v in extra])
    # one of the two queries edited
    edited = [(n, t + "\n# edited\nLIMIT 5" if n == COPIED else t, s, r) for n, t, s, r in VIOLATIONS]
    assert plan_check(cds, edited)[0] is cds.chunks
    # a dataset whose provenance the build did not make in one block (blank nodes in the data)
    cds.statement_answers = None
    assert plan_check(cds, VIOLATIONS) == (cds.chunks, everything)


def test_a_blank_node_in_a_ttl_file_leaves_the_check_whole():
    cds = _dataset(TRIG, TTL + "[] <http://example.org/test#date> \"1\" .\n")
    assert cds.statement_answers is None
    assert plan_check(cds, VIOLATIONS)[0] is cds.chunks


@pytest.mark.parametrize("name", [UNSTATED, COPIED])
def test_the_pins_are_the_shipped_queries(name):
    """The build gives its own answer only for the texts it was proven equal to: a query edited
    since is run as it is (slower at scale). Edit the answer in kg/build/statement_checks.py to
    match, run this module, and then update PINNED."""
    assert query_pin(CATALOGUE[name].text) == PINNED[name], (
        f"queries/{name}.rq changed: make kg.build.statement_checks give its new answer, then pin "
        f"{query_pin(CATALOGUE[name].text)}")


def _with_provenance(quads: list) -> tuple[OxigraphEngine, OxigraphEngine]:
    """Two engines: the quads, and the quads with the statements of their graph/data triples (each
    derived from one passage, as the build makes them)."""
    data = [q for q in quads if q.graph_name == ox.NamedNode(str(GRAPH_DATA))]
    passage = ox.NamedNode(PDI + "passage-fixture")
    statements = provenance_quads([ox.Quad(q.subject, q.predicate, q.object, passage) for q in data])
    without, with_ = ox.Store(), ox.Store()
    without.extend(quads)
    with_.extend(quads + statements)
    return OxigraphEngine(without), OxigraphEngine(with_)


NOT_READING = sorted(q.name for q in CATALOGUE.values() if q.role == "violation" and not q.reads_provenance)


def test_the_checks_the_build_runs_without_provenance_are_the_expected_ones():
    assert NOT_READING == ["agreement-structure-violation", "provenance-violation",
                           "relation-character-violation", "unflagged-sum-mismatch-violation",
                           "unflagged-two-signing-dates-violation"]


@pytest.mark.parametrize("name", NOT_READING)
def test_a_query_that_says_it_does_not_read_provenance_answers_the_same_with_it(name):
    """On its violation fixture (where it has rows) with the fixture's statements added, and on the
    project's own built dataset with and without its graph/provenance."""
    from test_queries import _fixture_engines

    oxi, _ref = _fixture_engines(name)
    quads = list(oxi.store)
    without, with_ = _with_provenance(quads)
    text = CATALOGUE[name].text
    a, b = without.query(text), with_.query(text)
    assert a.rows, f"{name} finds nothing on its fixture"
    assert sorted(map(repr, a.rows)) == sorted(map(repr, b.rows))


def test_the_queries_that_do_not_read_provenance_answer_the_same_on_the_project(real_dist):
    """The project's built dataset with its facts' `prov:wasDerivedFrom` taken out of graph/data (so
    that provenance-violation, the one of them that reads that predicate, which graph/provenance's
    statements also have, finds every fact node), with and without graph/provenance."""
    text = (real_dist / "paradiplomacy.nq").read_bytes()
    end = f" <{GRAPH_PROVENANCE}> .\n".encode()
    derived = f" <http://www.w3.org/ns/prov#wasDerivedFrom> ".encode()
    data_end = f" <{GRAPH_DATA}> .\n".encode()
    lines = [line for line in text.splitlines(keepends=True)
             if not (derived in line and line.endswith(data_end))]
    kept = [line for line in lines if not line.endswith(end)]
    assert len(kept) < len(lines) < len(text.splitlines())
    assert any(derived in line for line in lines if line.endswith(end))  # the statements' own
    engines = []
    for data in (lines, kept):
        store = ox.Store()
        store.load(b"".join(data), format=ox.RdfFormat.N_QUADS)
        engines.append(OxigraphEngine(store))
    found = {}
    for name in NOT_READING:
        a, b = (e.query(CATALOGUE[name].text) for e in engines)
        assert a.rows == b.rows, name
        found[name] = len(a.rows)
    assert found["provenance-violation"] > 100, found


@pytest.mark.parametrize("body, message", [
    ("#+ reads-provenance: maybe\nASK {}", "is 'yes' or 'no'"),
    ("#+ reads-provenance: no\nASK { ?s <http://www.w3.org/1999/02/22-rdf-syntax-ns#subject> ?o }", "names"),
    ("#+ reads-provenance: no\nPREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>\nASK { ?s rdf:object ?o }", "names"),
    ("#+ reads-provenance: no\nASK { GRAPH <https://w3id.org/paradiplomacy/graph/provenance> { ?s ?p ?o } }", "names"),
])
def test_a_query_cannot_say_it_does_not_read_what_it_names(tmp_path, body, message):
    path = tmp_path / "x-violation.rq"
    with pytest.raises(QueryCatalogueError, match=message):
        parse_header(path, "#+ summary: x\n" + body)


def test_a_comment_naming_the_graph_does_not_count():
    q = parse_header(ROOT / "x-violation.rq", "#+ summary: x\n#+ reads-provenance: no\n"
                     "# not graph/provenance, nor rdf:subject\nASK { ?s a ?o }")
    assert q.reads_provenance is False
