"""SPARQL syntax errors for people (issue 19, item 5): the line and column in the text the user wrote,
the token found there, what was expected in a few words, and a hint for the common slips (an
undeclared prefix lists the prefixes there are; a missing dot or brace says where).

Run on both embedded engines (pyoxigraph, rdflib: empty stores, a syntax error needs no data), on
`kg query --sparql` (exit 2) and on the endpoint of `kg serve`.
"""
from __future__ import annotations

import httpx
import pytest
from rdflib import Dataset, Graph, Namespace

from kg.cli import main
from kg.errors import QuerySyntaxError
from kg.namespaces import PREFIXES
from kg.query.embedded import OxigraphEngine, RdflibEngine

ENGINES = {"oxigraph": OxigraphEngine, "rdflib": lambda: RdflibEngine(Dataset(default_union=True))}

UNKNOWN_PREFIX = "SELECT ?s WHERE { ?s foo:bar ?o }"
UNCLOSED = "SELECT ?s WHERE { ?s ?p ?o "
MISSING_DOT = "SELECT ?s WHERE {\n  ?s pd:party ?o\n  ?o rdfs:label ?l\n}"


def _error(engine: str, text: str, prefixes=PREFIXES) -> str:
    with pytest.raises(QuerySyntaxError) as info:
        ENGINES[engine]().query(text, prefixes=prefixes)
    message = str(info.value)
    assert "\\u{" not in message and "Expected {" not in message, message  # no grammar dump
    assert len(message.splitlines()) <= 5, message
    return message


@pytest.mark.parametrize("engine", ENGINES)
def test_unknown_prefix_names_the_token_and_lists_the_prefixes(engine):
    message = _error(engine, UNKNOWN_PREFIX)
    assert message.startswith("SPARQL syntax error at line 1, column 22: found 'foo:bar'"), message
    assert "the prefix foo: is not declared" in message
    for p in ("pd:", "pdi:", "rdfs:", "skos:"):
        assert p in message
    assert "PREFIX foo:" in message  # how to declare another


@pytest.mark.parametrize("engine", ENGINES)
def test_a_near_miss_prefix_gets_a_suggestion(engine):
    assert "Did you mean skos:?" in _error(engine, "SELECT ?s WHERE { ?s skso:prefLabel ?l }")


@pytest.mark.parametrize("engine", ENGINES)
def test_predeclared_prefixes_are_not_lines_of_the_text(engine):
    """The error is on line 1 of what the user wrote, whatever the engine predeclares."""
    message = _error(engine, "SELECT ?s WHERE { ?s pd:party ?o . FILTER(?o = ) }")
    assert "at line 1," in message


@pytest.mark.parametrize("engine", ENGINES)
def test_one_line_syntax_error_says_what_is_missing(engine):
    message = _error(engine, UNCLOSED)
    assert message.startswith("SPARQL syntax error at line 1, column 27: found the end of the query; "
                              "expected '}'"), message
    assert "the '{' at line 1, column 17 is never closed" in message


@pytest.mark.parametrize("engine", ENGINES)
def test_missing_dot_points_at_the_end_of_the_pattern(engine):
    message = _error(engine, MISSING_DOT)
    assert "at line 3, column 3: found '?o'" in message
    assert "ends at line 2, column 17 with no ' .'" in message


@pytest.mark.parametrize("engine", ENGINES)
def test_misspelt_keyword_gets_a_suggestion(engine):
    message = _error(engine, "SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s LIMT 3")
    assert "found 'LIMT'" in message and "did you mean LIMIT?" in message


@pytest.mark.parametrize("engine", ENGINES)
def test_the_same_patterns_without_a_slip_run(engine):
    """The hints come from the text; a valid query with language tags, datatypes, paths, blank nodes,
    VALUES and a sub-select trips none of them."""
    text = ('SELECT ?s WHERE { ?s rdfs:label "x"@en ; pd:p "1"^^xsd:int, 3 . ?s pd:q/pd:r ?o. '
            '?o pd:z [ pd:a ?b ; pd:c ?d ] VALUES ?x { 1 2 3 4 5 } '
            '{ SELECT ?a ?b ?c ?d WHERE { ?a ?b ?c } ORDER BY ?a ?b ?c } FILTER(?x > 2) }')
    assert ENGINES[engine]().query(text, prefixes=PREFIXES).rows == []


def test_diagnosis_parts_are_on_the_error():
    with pytest.raises(QuerySyntaxError) as info:
        OxigraphEngine().query(UNKNOWN_PREFIX, prefixes={"pd": PREFIXES["pd"]})
    d = info.value.diagnosis
    assert (d.line, d.column, d.found) == (1, 22, "'foo:bar'")
    assert "pd:" in d.hint and "pdi:" not in d.hint  # only what the engine was told


# --- the command line ----------------------------------------------------------------------------

def _cli(capsys, built_fixture, text: str) -> tuple[int, str]:
    capsys.readouterr()
    rc = main(["--root", str(built_fixture), "query", "--sparql", text])
    return rc, capsys.readouterr().err


def test_cli_unknown_prefix_exits_2_with_the_prefixes(built_fixture, capsys):
    rc, err = _cli(capsys, built_fixture, UNKNOWN_PREFIX)
    assert rc == 2 and "Traceback" not in err
    assert "line 1, column 22: found 'foo:bar'" in err
    assert "the prefix foo: is not declared" in err and "pdi:" in err


def test_cli_line_numbers_are_the_users_own(built_fixture, capsys):
    rc, err = _cli(capsys, built_fixture, UNCLOSED)
    assert rc == 2 and "line 1, column 27: found the end of the query; expected '}'" in err
    rc, err = _cli(capsys, built_fixture, MISSING_DOT)
    assert rc == 2 and "line 3, column 3: found '?o'" in err


# --- the endpoint --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def endpoint(real_dist):
    from tests.server_support import LiveServer, config_for

    with LiveServer(config_for(real_dist, timeout_s=10, max_rows=50)) as s:
        with httpx.Client(base_url=s.url, timeout=30) as client:
            yield client


def test_endpoint_predeclares_the_cli_prefixes_and_says_so(endpoint):
    # Criekemans classifies Catalonia's relation as conflictual (article, section A: "Scotland dan
    # Catalonia cenderung konfliktual"), asked with pd: and pdi: and no PREFIX line
    r = endpoint.get("/sparql", params={"query": "ASK { ?c pd:classifies pdi:relation-catalonia-spain ; "
                                                 "pd:classifiedBy pdi:david-criekemans }"})
    assert r.status_code == 200, r.text
    assert r.json()["boolean"] is True
    sd = Graph().parse(data=endpoint.get("/sparql", headers={"Accept": "text/turtle"}).content, format="turtle")
    sh = Namespace(PREFIXES["sh"])
    declared = {str(sd.value(d, sh.prefix)): str(sd.value(d, sh.namespace)) for d in sd.objects(None, sh.declare)}
    assert declared == PREFIXES


def test_endpoint_syntax_error_is_400_with_the_diagnosis(endpoint):
    r = endpoint.get("/sparql", params={"query": UNKNOWN_PREFIX})
    assert r.status_code == 400
    assert "line 1, column 22: found 'foo:bar'" in r.text and "the prefix foo: is not declared" in r.text
    assert "pdi:" in r.text and "\\u{" not in r.text
    r = endpoint.get("/sparql", params={"query": UNCLOSED})
    assert r.status_code == 400 and "expected '}'" in r.text and "never closed" in r.text


def test_endpoint_update_syntax_error_is_diagnosed_too(real_dist):
    from tests.server_support import LiveServer, config_for

    with LiveServer(config_for(real_dist, allow_updates=True, token="s3cret")) as s, \
            httpx.Client(base_url=s.url, timeout=30) as c:
        r = c.post("/update", content="INSERT DATA {\n  <http://example.org/a> <http://example.org/b> 1\n",
                   headers={"Content-Type": "application/sparql-update", "Authorization": "Bearer s3cret"})
    assert r.status_code == 400
    assert "SPARQL update syntax error at line" in r.text and "never closed" in r.text


@pytest.mark.parametrize("engine", ENGINES)
def test_operator_without_its_right_operand(engine):
    message = _error(engine, 'SELECT ?a WHERE { ?a pd:date ?d FILTER(?d > ) }')
    assert message.startswith("SPARQL syntax error at line 1, column 45: found ')'; expected an expression")
    assert "'>' has nothing" in message
