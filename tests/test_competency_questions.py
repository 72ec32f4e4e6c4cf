"""Competency questions: each canned query with the answer a reader can check in the article.

The manifest is tests/cq/manifest.json (one entry a question: the query and its parameters, the
section and the sentence of the article that gives the answer, the expected rows). Each answer is
computed on the embedded engine (pyoxigraph) over the real build, `dist/paradiplomacy.nq` of the
`real_dist` session fixture (tests/cq/kgdata.py), and compared after projecting the columns the
entry names. The quotes are checked against the article ($KG_ARTICLE, $KG_SHARED or ../shared beside
the checkout); without it that check is skipped, saying so.
"""
from __future__ import annotations

import json

import pytest
from rdflib import Graph, URIRef

from conftest import require_article
from cq.kgdata import ROOT, engines
from kg.query.embedded import SelectResult
from kg.namespaces import PREFIXES
from kg.query.catalogue import load_catalogue
from test_queries_quote_in_article import find_in_article

MANIFEST = json.loads((ROOT / "tests" / "cq" / "manifest.json").read_text(encoding="utf-8"))
ENTRIES = {e["id"]: e for e in MANIFEST["entries"]}
CATALOGUE = load_catalogue(ROOT)


def compact(term) -> str | None:
    """The manifest's notation: prefixed names for IRIs, the lexical form for literals."""
    if term is None:
        return None
    if isinstance(term, URIRef):
        s = str(term)
        for p, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
            if s.startswith(ns):
                return f"{p}:{s[len(ns):]}"
        return s
    return str(term)


def test_manifest_is_not_empty_and_covers_most_queries():
    assert len(ENTRIES) >= 20
    reports = {n for n, q in CATALOGUE.items() if q.role != "violation"}
    covered = {e["query"] for e in ENTRIES.values()}
    assert covered <= set(CATALOGUE), f"unknown queries in the manifest: {covered - set(CATALOGUE)}"
    missing = reports - covered
    assert len(missing) <= 2, f"report and construct queries without a competency question: {sorted(missing)}"


@pytest.mark.parametrize("cq_id", sorted(ENTRIES))
def test_manifest_quote_is_in_the_article(cq_id):
    """The sentence an expected answer rests on must really be the article's."""
    article = require_article().read_text(encoding="utf-8")
    assert find_in_article(ENTRIES[cq_id]["quote"], article), f"{cq_id}: quote not found in the article"


_NAMES: dict = {}


def _names(real_dist):
    from kg.names import NameIndex

    if real_dist not in _NAMES:
        _NAMES[real_dist] = NameIndex.from_engine(engines(real_dist)[0])
    return _NAMES[real_dist]


@pytest.mark.parametrize("cq_id", sorted(ENTRIES))
def test_competency_question(cq_id, real_dist):
    entry = ENTRIES[cq_id]
    q = CATALOGUE[entry["query"]]
    oxi, _ = engines(real_dist)
    # parameters as a reader gives them: the article's names or ids, through the name resolver
    result = oxi.query(q.text, q.bind(entry.get("params", {}), names=_names(real_dist)))
    if entry["mode"] == "contains-triples":
        assert isinstance(result, Graph)
        got = {tuple(compact(t) for t in triple) for triple in result}
        missing = [t for t in map(tuple, entry["triples"]) if t not in got]
        assert not missing, f"{cq_id}: not derived: {missing}"
        return
    assert isinstance(result, SelectResult)
    cols = entry["columns"]
    unknown = [c for c in cols if c not in result.variables]
    assert not unknown, f"{cq_id}: the query has no column {unknown}"
    got = {tuple(compact(r.get(c)) for c in cols) for r in result.rows}
    expected = {tuple(row) for row in entry["rows"]}
    if entry["mode"] == "exact":
        assert got == expected, (f"{cq_id}: unexpected rows {sorted(got - expected, key=str)}; "
                                 f"missing rows {sorted(expected - got, key=str)}")
    elif entry["mode"] == "contains":
        missing = expected - got
        assert not missing, f"{cq_id}: missing rows {sorted(missing, key=str)}"
        # "absent": rows the source rules out (an agreement expired or not yet signed), for questions
        # whose answer other sources extend (agreements of other actors, from data/workbooks/)
        present = {tuple(row) for row in entry.get("absent", [])} & got
        assert not present, f"{cq_id}: rows the source rules out: {sorted(present, key=str)}"
    else:
        pytest.fail(f"{cq_id}: unknown mode {entry['mode']!r}")
