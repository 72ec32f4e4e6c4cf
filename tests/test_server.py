"""`kg serve` as a SPARQL endpoint: formats, canned queries, safety, CORS (against a live server).

Expected answers come from the seed article, section A: Flanders, Wallonia and Bavaria cooperate
with their central government (3); Scotland and Catalonia are in conflict with it (2).
"""
from __future__ import annotations

import csv
import io
import json

import httpx
import pytest
from rdflib import Graph

from kg.serve.app import ServerConfig, negotiate, prepare_update, HTTPProblem, TABULAR_OFFERS
from test_server_support import FIXTURES, LiveServer, make_dist

COUNT_QUERY = """PREFIX pd: <https://w3id.org/paradiplomacy/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?relation (COUNT(?actor) AS ?n) WHERE {
  ?actor pd:centralRelation/skos:prefLabel ?relation FILTER(lang(?relation) = "en") }
GROUP BY ?relation ORDER BY ?relation"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    dist = make_dist(tmp_path_factory.mktemp("dist"))
    with LiveServer(ServerConfig(nquads=dist / "paradiplomacy.nq", root=FIXTURES, dist=dist,
                                 timeout_s=5, max_rows=50)) as s:
        yield s


@pytest.fixture()
def client(server):
    with httpx.Client(base_url=server.url, timeout=30) as c:
        yield c


def _counts_from_json(body: bytes) -> dict[str, int]:
    data = json.loads(body)
    return {b["relation"]["value"]: int(b["n"]["value"]) for b in data["results"]["bindings"]}


def test_select_json_counts_match_the_article(client):
    r = client.get("/sparql", params={"query": COUNT_QUERY})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/sparql-results+json")
    assert _counts_from_json(r.content) == {"cooperative": 3, "conflictual": 2}


@pytest.mark.parametrize("accept,ctype", [
    ("application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/csv", "text/csv"), ("text/tab-separated-values", "text/tab-separated-values"),
])
def test_select_formats_by_accept(client, accept, ctype):
    r = client.post("/sparql", content=COUNT_QUERY,
                    headers={"Content-Type": "application/sparql-query", "Accept": accept})
    assert r.status_code == 200 and r.headers["content-type"].startswith(ctype)
    text = r.text
    if ctype == "text/csv":
        rows = list(csv.DictReader(io.StringIO(text)))
        assert {row["relation"]: row["n"] for row in rows} == {"cooperative": "3", "conflictual": "2"}
    elif ctype == "text/tab-separated-values":
        lines = text.strip().split("\n")
        assert lines[0] == "?relation\t?n"
        assert '"conflictual"@en\t"2"^^<http://www.w3.org/2001/XMLSchema#integer>' in lines
    else:
        assert "<literal xml:lang=\"en\">cooperative</literal>" in text


def test_construct_formats(client):
    q = ("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> CONSTRUCT { ?s rdfs:label ?l } WHERE { "
         "?s rdfs:label ?l FILTER(lang(?l) = 'id' && ?s = <https://w3id.org/paradiplomacy/id/scotland>) }")
    for accept, fmt in [("text/turtle", "turtle"), ("application/n-triples", "nt"),
                        ("application/ld+json", "json-ld"), ("application/rdf+xml", "xml")]:
        r = client.get("/sparql", params={"query": q}, headers={"Accept": accept})
        assert r.status_code == 200 and r.headers["content-type"].startswith(accept), accept
        g = Graph().parse(data=r.content, format=fmt)
        assert [str(o) for o in g.objects()] == ["Skotlandia"], accept


def test_service_description_lists_the_named_graphs(client):
    r = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert r.status_code == 200
    g = Graph().parse(data=r.text, format="turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    names = {str(o) for o in g.objects(None, __import__("rdflib").URIRef(sd + "name"))}
    assert "https://w3id.org/paradiplomacy/graph/data" in names
    assert (None, None, __import__("rdflib").URIRef(sd + "SPARQL11Query")) in g


def test_cors_preflight_and_header(client):
    r = client.options("/sparql", headers={"Origin": "http://example.org",
                                           "Access-Control-Request-Method": "POST"})
    assert r.status_code == 200 and r.headers["access-control-allow-origin"] in ("*", "http://example.org")
    r = client.get("/sparql", params={"query": "ASK {}"}, headers={"Origin": "http://example.org"})
    assert r.headers["access-control-allow-origin"] == "*"


def test_canned_query_list_json_and_html(client):
    r = client.get("/queries", headers={"Accept": "application/json"})
    names = [q["name"] for q in r.json()]
    assert names == ["actor-relation", "actors-by-relation"]
    html = client.get("/queries", headers={"Accept": "text/html"}).text
    assert "Berapa aktor sub-negara" in html and "How many sub-state actors" in html


def test_canned_query_binds_its_parameter(client):
    r = client.get("/queries/actor-relation", params={"actor": "pdi:catalonia", "format": "json"})
    rows = r.json()["results"]["bindings"]
    assert {b["label"]["value"] for b in rows} == {"Catalonia"}
    assert {b["relation"]["value"] for b in rows} == {"conflictual"}
    # the default parameter (pdi:flanders) has two sources in the fixture
    rows = client.get("/queries/actor-relation").json()["results"]["bindings"]
    assert {b["label"]["value"] for b in rows} == {"Flanders"} and len(rows) == 2


def test_canned_query_parameter_is_never_spliced(client):
    evil = "pdi:x> } UNION { ?actor ?p ?o } #"
    r = client.get("/queries/actor-relation", params={"actor": evil})
    assert r.status_code == 400 and "not a valid IRI" in r.text
    r = client.get("/queries/actor-relation", params={"nope": "1"})
    assert r.status_code == 400 and "no parameter nope" in r.text
    assert client.get("/queries/no-such-query").status_code == 404


def test_csv_download_has_a_file_name(client):
    r = client.get("/queries/actors-by-relation", params={"format": "csv", "download": "actors-by-relation"})
    assert r.headers["content-disposition"] == 'attachment; filename="actors-by-relation.csv"'


@pytest.mark.parametrize("query,word", [
    ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", "SERVICE"),
    ("SELECT * FROM <http://example.org/remote.ttl> WHERE { ?s ?p ?o }", "FROM"),
])
def test_network_reaching_queries_are_refused(client, query, word):
    r = client.get("/sparql", params={"query": query})
    assert r.status_code == 403 and word in r.text


def test_read_only_by_default(client):
    r = client.post("/sparql", content="CLEAR ALL", headers={"Content-Type": "application/sparql-update"})
    assert r.status_code == 403 and "read-only" in r.text
    r = client.post("/update", data={"update": "LOAD <http://example.org/x>"})
    assert r.status_code == 403
    # the data is still there
    assert _counts_from_json(client.get("/sparql", params={"query": COUNT_QUERY}).content)["cooperative"] == 3


def test_malformed_query_is_400_with_the_parser_message(client):
    r = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p "})
    assert r.status_code == 400 and "syntax error" in r.text and "1:" in r.text


def test_other_methods_are_405(client):
    assert client.put("/sparql", content="ASK {}").status_code == 405
    assert client.delete("/sparql").status_code == 405


def test_negotiation_prefers_q_and_specificity():
    assert negotiate("text/csv;q=0.5, application/sparql-results+xml", TABULAR_OFFERS, "json") == "xml"
    assert negotiate("text/*", TABULAR_OFFERS, "json") == "xml"  # text/xml comes before text/csv
    assert negotiate("image/png", TABULAR_OFFERS, "json") == "json"
    assert negotiate(None, TABULAR_OFFERS, "json") == "json"


def test_update_rewriting_adds_using_and_refuses_conflicts():
    out = prepare_update("INSERT { GRAPH <g> { ?s ?p ?o } } WHERE { ?s ?p ?o }", ["http://a/"], ["http://b/"])
    assert "USING <http://a/> USING NAMED <http://b/> WHERE" in out
    # the keyword inside a string or an IRI is not a clause
    text = 'INSERT DATA { <http://x/WITH> <http://p> "USING WITH LOAD" }'
    assert prepare_update(text, ["http://a/"], []) == text
    with pytest.raises(HTTPProblem) as exc:
        prepare_update("WITH <http://g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", ["http://a/"], [])
    assert exc.value.status == 400
    with pytest.raises(HTTPProblem) as exc:
        prepare_update("LOAD <http://example.org/data.ttl>", [], [])
    assert exc.value.status == 403


def test_updates_need_the_token(tmp_path):
    dist = make_dist(tmp_path / "dist")
    config = ServerConfig(nquads=dist / "paradiplomacy.nq", root=FIXTURES, allow_updates=True, token="s3cret")
    with LiveServer(config) as s, httpx.Client(base_url=s.url) as c:
        upd = {"Content-Type": "application/sparql-update"}
        text = "INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> <urn:c> } }"
        assert c.post("/update", content=text, headers=upd).status_code == 403
        assert c.post("/update", content=text, headers={**upd, "Authorization": "Bearer wrong"}).status_code == 403
        assert c.post("/update", content=text, headers={**upd, "Authorization": "Bearer s3cret"}).status_code == 200
        assert c.get("/sparql", params={"query": "ASK { GRAPH <urn:g> { <urn:a> <urn:b> <urn:c> } }"}).json()["boolean"]
        # dist/ is never modified by updates
        assert "urn:a" not in (dist / "paradiplomacy.nq").read_text()
