"""The result cache of `kg serve`: hits give the same bytes, errors are never kept, updates empty it.

Unit tests of `ResultCache` (bounds, LRU order, the update generation) and live-server tests over
the real build. The count is of the actors Criekemans classifies, in section A: "Paradiplomasi yang
dipraktekkan oleh Flanders, Wallonia, dan Bavaria cenderung kooperatif dengan pemerintah pusat, ...
sedangkan interaksi luar negeri yang dilaksanakan oleh Scotland dan Catalonia cenderung konfliktual."
(five actors; tests/test_data_field.py::test_criekemans_two_tendencies).
"""
from __future__ import annotations

import httpx
import pytest

from kg.serve.cache import ENTRY_OVERHEAD, ResultCache
from tests.server_support import EX, LiveServer, config_for

COUNT = ("PREFIX pd: <https://w3id.org/paradiplomacy/ontology#>\n"
         "PREFIX pdi: <https://w3id.org/paradiplomacy/id/>\n"
         "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?c pd:classifiedBy pdi:david-criekemans ; "
         "pd:classifies ?r . ?r pd:subStateActor ?a }")


def entry(size: int) -> tuple[str, str, bytes]:
    return ("tabular", "application/sparql-results+json", b"x" * size)


def test_cache_is_bounded_in_entries_and_drops_the_least_recently_used():
    c = ResultCache(max_entries=2, max_bytes=100_000)
    c.put(("a",), entry(10), c.generation)
    c.put(("b",), entry(10), c.generation)
    assert c.get(("a",)) is not None  # a is now the most recently used
    c.put(("c",), entry(10), c.generation)
    assert len(c) == 2 and c.get(("b",)) is None and c.get(("a",)) and c.get(("c",))


def test_cache_is_bounded_in_bytes_and_skips_huge_answers():
    cost = 100 + len(entry(0)[1]) + ENTRY_OVERHEAD  # an entry's body, media type and bookkeeping
    c = ResultCache(max_entries=100, max_bytes=8 * cost)
    for k in "abcdefghij":
        c.put((k,), entry(100), c.generation)
    assert c.size <= 8 * cost and len(c) == 8 and c.get(("a",)) is None and c.get(("j",))
    c.put(("big",), entry(101), c.generation)  # more than an eighth of the budget
    assert c.get(("big",)) is None


def test_cache_keys_cost_no_more_than_a_digest_whatever_the_query_length():
    """Red-team defect 6b: 2,500 distinct 200 KB queries with tiny answers grew the server by
    170 MB, because the query texts in the keys were neither counted nor bounded."""
    c = ResultCache(max_entries=10_000, max_bytes=1 << 30)
    for i in range(50):
        c.put(("x" * 200_000 + str(i),), entry(10), c.generation)
    assert len(c) == 50 and c.size == 50 * (10 + len(entry(0)[1]) + ENTRY_OVERHEAD)
    assert all(len(k) == 32 for k in c._items)  # the keys held are SHA-256 digests


def test_answer_computed_before_an_update_is_not_kept():
    c = ResultCache()
    generation = c.generation  # a query starts
    c.clear()                   # an update runs meanwhile
    c.put(("q",), entry(10), generation)
    assert c.get(("q",)) is None
    c.put(("q",), entry(10), c.generation)
    assert c.get(("q",)) is not None


def test_zero_entries_turns_the_cache_off():
    c = ResultCache(max_entries=0)
    c.put(("q",), entry(10), c.generation)
    assert not c.enabled and c.get(("q",)) is None and len(c) == 0


@pytest.fixture(scope="module")
def server(real_dist):
    with LiveServer(config_for(real_dist)) as s:
        yield s


def n(r: httpx.Response) -> int:
    return int(r.json()["results"]["bindings"][0]["n"]["value"])


def test_second_request_is_a_hit_with_the_same_bytes(server):
    with httpx.Client(base_url=server.url) as c:
        query = COUNT + " # hit test"  # a text no other test sends
        first = c.get("/sparql", params={"query": query})
        second = c.get("/sparql", params={"query": query})
        assert first.headers["x-cache"] == "miss" and second.headers["x-cache"] == "hit"
        assert first.content == second.content and n(first) == 5
        # another format is another answer: not served from the JSON entry
        xml = c.get("/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+xml"})
        assert xml.headers["x-cache"] == "miss" and xml.text.lstrip().startswith("<?xml")
        # canned queries: another parameter value is another answer
        a = c.get("/queries/provenance-of", params={"resource": "pdi:catalonia"}).json()
        b = c.get("/queries/provenance-of", params={"resource": "pdi:scotland"}).json()
        assert {r["resource"]["value"] for r in a["results"]["bindings"]} == \
            {"https://w3id.org/paradiplomacy/id/catalonia"}
        assert {r["resource"]["value"] for r in b["results"]["bindings"]} == \
            {"https://w3id.org/paradiplomacy/id/scotland"}


def test_errors_are_never_kept(server):
    with httpx.Client(base_url=server.url) as c:
        before = len(server.endpoint.cache)
        for _ in range(2):
            r = c.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p "})
            assert r.status_code == 400 and "x-cache" not in r.headers
        assert len(server.endpoint.cache) == before


def test_an_update_empties_the_cache(real_dist):
    """A sixth classification by Criekemans, of an ex: actor, counts once the update is in."""
    with LiveServer(config_for(real_dist, allow_updates=True, token="t0k")) as s, \
            httpx.Client(base_url=s.url) as c:
        assert n(c.get("/sparql", params={"query": COUNT})) == 5
        cached = c.get("/sparql", params={"query": COUNT})
        assert cached.headers["x-cache"] == "hit" and n(cached) == 5
        update = ("PREFIX pd: <https://w3id.org/paradiplomacy/ontology#>\n"
                  "PREFIX pdi: <https://w3id.org/paradiplomacy/id/>\n"
                  f"INSERT DATA {{ GRAPH <{EX}graph/test> {{ <{EX}classification> a pd:Classification ; "
                  f"pd:classifiedBy pdi:david-criekemans ; pd:classifies <{EX}relation> . "
                  f"<{EX}relation> pd:subStateActor <{EX}actor> }} }}")
        r = c.post("/update", content=update, headers={"Content-Type": "application/sparql-update",
                                                       "Authorization": "Bearer t0k"})
        assert r.status_code == 200
        after = c.get("/sparql", params={"query": COUNT})
        assert after.headers["x-cache"] == "miss" and n(after) == 6


def test_cache_off_never_hits(real_dist):
    with LiveServer(config_for(real_dist, cache_entries=0)) as s, httpx.Client(base_url=s.url) as c:
        for _ in range(2):
            r = c.get("/sparql", params={"query": COUNT})
            assert r.headers["x-cache"] == "miss" and n(r) == 5
