"""The canned queries `kg serve` recognises in the texts it is sent (`kg.query.recognise`): every
canned query with parameters, sent as `kg query --endpoint` sends it (its parameters bound by VALUES
blocks), is recognised with exactly those bindings, and nothing else is; and a real `kg serve`
answers such a text as the text itself is answered by pyoxigraph, unrecognised."""
from __future__ import annotations

import pytest
from rdflib import Literal

from cq.kgdata import ROOT
from kg.query.binding import bind_with_values
from kg.query.catalogue import load_catalogue
from kg.query.recognise import CannedTexts, compact

CATALOGUE = load_catalogue(ROOT)
WITH_PARAMETERS = sorted(n for n, q in CATALOGUE.items() if q.params)


def _bound(name: str, **given) -> dict:
    return {k: v for k, v in CATALOGUE[name].bind(given).items() if v is not None}


def _cases(name: str) -> list[dict]:
    q = CATALOGUE[name]
    cases = [_bound(name)]
    if q.has_param("lang"):
        cases.append(_bound(name, lang="id"))
        # a value holding what a VALUES row ends with, escaped by bind_with_values as in any value
        cases.append({**cases[0], "lang": Literal('x") } VALUES (?y) { ("z')})
    return cases


@pytest.mark.parametrize("name", WITH_PARAMETERS)
def test_a_canned_query_bound_by_values_blocks_is_recognised_with_its_bindings(name):
    q = CATALOGUE[name]
    texts = CannedTexts(CATALOGUE)
    for bindings in _cases(name):
        sent = bind_with_values(q.text, bindings)
        for text in (sent, compact(sent), sent.replace("\n", "\n  # a comment of the client's\n")):
            found = texts.match(text)
            assert found is not None, f"{name} {bindings} not recognised"
            query, got = found
            assert query is q
            # the parameters the text binds (one the query never mentions is in no block), each as given
            assert got and all(bindings[k] == v for k, v in got.items())
            assert compact(bind_with_values(q.text, got)) == compact(sent)


def test_a_parameter_the_query_mentions_is_in_the_bindings():
    """The label language, bound only in the groups that mention it, is read from its blocks."""
    texts = CannedTexts(CATALOGUE)
    bindings = _bound("relation-evidence", lang="id")
    _query, got = texts.match(bind_with_values(CATALOGUE["relation-evidence"].text, bindings))
    assert got == bindings and got["lang"] == Literal("id")


def test_what_is_not_a_canned_query_so_bound_is_not_recognised():
    texts = CannedTexts(CATALOGUE)
    q = CATALOGUE["relation-evidence"]
    bindings = _bound("relation-evidence")
    sent = bind_with_values(q.text, bindings)
    term = '"en"'
    assert term in sent
    assert texts.match(q.text) is None  # nothing bound: runs as it is
    assert texts.match(sent + " LIMIT 1") is None  # another question
    assert texts.match(sent.replace("ORDER BY", "ORDER BY DESC(?relation)", 1)) is None
    assert texts.match(sent.replace(term, "?other")) is None  # a variable where a term was
    # one parameter bound to two values in two of its blocks (the actor's are in three groups)
    other = CATALOGUE["agreements-of-actor"]
    actor_bound = bind_with_values(other.text, _bound("agreements-of-actor"))
    actor = "<" + str(_bound("agreements-of-actor")["actor"]) + ">"
    assert actor_bound.count(actor) >= 2 and texts.match(actor_bound) is not None
    first = actor_bound.index(actor)
    two = actor_bound[:first] + "<https://w3id.org/paradiplomacy/id/flanders>" + actor_bound[first + len(actor):]
    assert texts.match(two) is None
    assert texts.match("SELECT ?x WHERE { VALUES (?x) { (1) } }") is None
    none_bound = [n for n, c in CATALOGUE.items() if not c.params and c.role == "report"]
    assert none_bound and texts.match(CATALOGUE[none_bound[0]].text) is None
    assert texts.match("not SPARQL at all VALUES (") is None
    # a text longer than any canned query bound is not read, nor kept (the server's memory)
    kept = len(texts._seen)
    assert texts.match(sent + " #" + "x" * 100_000) is None and len(texts._seen) == kept


def test_kg_serve_answers_a_recognised_text_as_the_text_itself(real_dist):
    """Over HTTP, each canned query with parameters as `kg query --endpoint` sends it (with the
    dataset's graphs as default-graph-uri, and without): the answer is the one pyoxigraph gives that
    very text, in this process, unrecognised."""
    from kg.query.embedded import OxigraphEngine, SelectResult
    from kg.query.remote import RemoteEngine
    from tests.server_support import LiveServer, config_for
    from tests.test_stores import modulo_bnodes

    local = OxigraphEngine.from_nquads(real_dist / "paradiplomacy.nq")
    answered = asked = 0
    with LiveServer(config_for(real_dist, cache_entries=0)) as server:
        for default_graphs in (None, ()):  # the client's default (the dataset's graphs), and none
            kwargs = {} if default_graphs is None else {"default_graphs": default_graphs}
            remote = RemoteEngine(server.url + "/sparql", **kwargs)
            for name in WITH_PARAMETERS:
                q = CATALOGUE[name]
                for bindings in _cases(name)[:2]:
                    got = remote.query(q.text, bindings)
                    expected = local.query(bind_with_values(q.text, bindings))
                    assert isinstance(expected, SelectResult) and got.variables == expected.variables
                    assert modulo_bnodes(got) == modulo_bnodes(expected), f"{name} {bindings}"
                    asked += 1
                    answered += len(expected) > 0
        # the server took them for its canned queries (else this compared the text with itself)
        seen = server.endpoint.canned_texts._seen
        assert sum(found is not None for found in seen.values()) >= len(WITH_PARAMETERS)
    assert answered > 0.8 * asked  # the comparisons are of answers, not mostly of empty ones
