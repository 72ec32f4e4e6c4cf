"""`kg query --timeout` stops a query that returns no row (issue 22): the embedded engine runs in a
child process (`kg.query.child`) that is killed at the time limit. In this process pyoxigraph can
only be stopped between rows, and this query has none to give: a filter no combination passes,
over a four-way cross product of the fixture's triples (more than 10^10 combinations: hours)."""
from __future__ import annotations

import subprocess
import sys
import time

import pytest

from kg.errors import QueryTimeoutError

NO_ROWS_FOR_HOURS = ("SELECT ?a WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l "
                     "FILTER(STRLEN(STR(?c)) + STRLEN(STR(?f)) + STRLEN(STR(?i)) + STRLEN(STR(?l)) < 0) }")


def test_kg_query_stops_a_query_that_returns_no_row_at_its_time_limit(built_fixture):
    started = time.monotonic()
    p = subprocess.run([sys.executable, "-m", "kg", "--root", str(built_fixture), "query",
                        "--sparql", NO_ROWS_FOR_HOURS, "--timeout", "2"], capture_output=True, text=True)
    # stopped, not run to its end (hours away): the bound is loose on purpose, a shared machine is slow
    assert time.monotonic() - started < 120
    assert p.returncode != 0
    assert "past its time limit of 2 s and was stopped" in p.stderr


def test_the_child_engine_answers_as_the_embedded_one_and_goes_on_after_a_stop(built_fixture):
    from kg.query.child import ChildOxigraphEngine
    from kg.query.embedded import OxigraphEngine, comparable

    nquads = built_fixture / "dist" / "paradiplomacy.nq"
    text = "SELECT ?s ?label WHERE { ?s rdfs:label ?label } ORDER BY ?s ?label"
    prefixes = {"rdfs": "http://www.w3.org/2000/01/rdf-schema#"}
    expected = OxigraphEngine.from_nquads(nquads).query(text, prefixes=prefixes)
    engine = ChildOxigraphEngine(nquads)
    try:
        assert engine.query(text, prefixes=prefixes).rows == expected.rows
        with pytest.raises(QueryTimeoutError):
            engine.query(NO_ROWS_FOR_HOURS, timeout_s=1)
        # a new child: the same answers, CONSTRUCT too
        assert engine.query(text, prefixes=prefixes).rows == expected.rows
        graph = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 5"
        assert comparable(engine.query(graph)) == comparable(OxigraphEngine.from_nquads(nquads).query(graph))
        assert engine.restarts == 1
    finally:
        engine.close()
