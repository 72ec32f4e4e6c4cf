"""`kg serve` as a SPARQL endpoint: formats, canned queries, safety, CORS (against a live server over
the real build).

Expected answers come from the article, section A: "Paradiplomasi yang dipraktekkan oleh Flanders,
Wallonia, dan Bavaria cenderung kooperatif dengan pemerintah pusat, meski masih ada kesan kompetitif,
sedangkan interaksi luar negeri yang dilaksanakan oleh Scotland dan Catalonia cenderung konfliktual."
Criekemans classifies three actors cooperative and two conflictual (tests/test_data_field.py::
test_criekemans_two_tendencies).
"""
from __future__ import annotations

import csv
import io
import json

import httpx
import pytest
from rdflib import Graph, URIRef

from kg.query.catalogue import load_catalogue
from kg.serve.conneg import TABULAR_OFFERS, negotiate
from kg.serve.protocol import HTTPProblem, prepare_update
from tests.server_support import EX, LiveServer, config_for

PREFIXES = """PREFIX pd: <https://w3id.org/paradiplomacy/ontology#>
PREFIX pdi: <https://w3id.org/paradiplomacy/id/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""
# Criekemans's classifications, counted by character
COUNT_QUERY = PREFIXES + """SELECT ?character (COUNT(DISTINCT ?actor) AS ?n) WHERE {
  ?c a pd:Classification ; pd:classifiedBy pdi:david-criekemans ; pd:classifies ?r ; pd:character ?ch .
  ?r pd:subStateActor ?actor . ?ch skos:prefLabel ?character FILTER(lang(?character) = "en") }
GROUP BY ?character ORDER BY ?character"""
CRIEKEMANS = {"conflictual": 2, "cooperative": 3}


@pytest.fixture(scope="module")
def server(real_dist):
    with LiveServer(config_for(real_dist, timeout_s=5, max_rows=50)) as s:
        yield s


@pytest.fixture()
def client(server):
    with httpx.Client(base_url=server.url, timeout=30) as c:
        yield c


def _counts_from_json(body: bytes) -> dict[str, int]:
    data = json.loads(body)
    return {b["character"]["value"]: int(b["n"]["value"]) for b in data["results"]["bindings"]}


def test_select_json_counts_match_the_article(client):
    r = client.get("/sparql", params={"query": COUNT_QUERY})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/sparql-results+json")
    assert _counts_from_json(r.content) == CRIEKEMANS


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
        assert {row["character"]: int(row["n"]) for row in rows} == CRIEKEMANS
    elif ctype == "text/tab-separated-values":
        lines = text.strip().split("\n")
        assert lines[0] == "?character\t?n"
        assert '"conflictual"@en\t"2"^^<http://www.w3.org/2001/XMLSchema#integer>' in lines
    else:
        assert "<literal xml:lang=\"en\">cooperative</literal>" in text


def test_answers_are_the_command_line_engines(client, real_dist):
    """The endpoint runs the engine of `kg query` (OxigraphEngine) and its result writers: the same
    query gives the same bytes as `kg.query.results` over `OxigraphEngine.query`."""
    from kg.query.embedded import OxigraphEngine
    from kg.query.results import oxigraph_rows, write_select

    result = OxigraphEngine.from_nquads(real_dist / "paradiplomacy.nq").query(COUNT_QUERY)
    for fmt in ("json", "xml", "csv", "tsv"):
        r = client.get("/sparql", params={"query": COUNT_QUERY, "format": fmt})
        assert r.content == write_select(fmt, result.variables, oxigraph_rows(result)), fmt


def test_construct_formats(client):
    """Scotland's Indonesian label, "Skotlandia" (the article writes the name in English)."""
    q = ("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> CONSTRUCT { ?s rdfs:label ?l } WHERE { "
         "?s rdfs:label ?l FILTER(lang(?l) = 'id' && ?s = <https://w3id.org/paradiplomacy/id/scotland>) }")
    for accept, fmt in [("text/turtle", "turtle"), ("application/n-triples", "nt"),
                        ("application/ld+json", "json-ld"), ("application/rdf+xml", "xml")]:
        r = client.get("/sparql", params={"query": q}, headers={"Accept": accept})
        assert r.status_code == 200 and r.headers["content-type"].startswith(accept), accept
        g = Graph().parse(data=r.content, format=fmt)
        assert [str(o) for o in g.objects()] == ["Skotlandia"], accept


def test_service_description_lists_the_named_graphs(client, server):
    sd = "http://www.w3.org/ns/sparql-service-description#"
    for accept, fmt in [("text/turtle", "turtle"), ("application/n-triples", "nt"),
                        ("application/ld+json", "json-ld")]:
        r = client.get("/sparql", headers={"Accept": accept})
        assert r.status_code == 200 and r.headers["content-type"].startswith(accept)
        g = Graph().parse(data=r.content, format=fmt)
        names = {str(o) for o in g.objects(None, URIRef(sd + "name"))}
        assert names == {g.value for g in server.store.named_graphs()}
        assert "https://w3id.org/paradiplomacy/graph/data" in names
        endpoint = URIRef(server.url + "/sparql")
        assert (endpoint, URIRef(sd + "supportedLanguage"), URIRef(sd + "SPARQL11Query")) in g
        assert (endpoint, URIRef(sd + "supportedLanguage"), URIRef(sd + "SPARQL11Update")) not in g
    assert client.get("/sparql", headers={"Accept": "text/html"}).status_code == 303


def test_cors_preflight_and_header(client):
    r = client.options("/sparql", headers={"Origin": "http://example.org",
                                           "Access-Control-Request-Method": "POST"})
    assert r.status_code == 200 and r.headers["access-control-allow-origin"] in ("*", "http://example.org")
    r = client.get("/sparql", params={"query": "ASK {}"}, headers={"Origin": "http://example.org"})
    assert r.headers["access-control-allow-origin"] == "*"


def test_canned_query_list_json_and_html(client, real_dist):
    r = client.get("/queries", headers={"Accept": "application/json"})
    assert [q["name"] for q in r.json()] == list(load_catalogue(real_dist.parent))
    assert {"honorary-advisors-by-continent", "provenance-of"} <= {q["name"] for q in r.json()}
    html = client.get("/queries", headers={"Accept": "text/html"}).text
    # the question in both languages, as queries/honorary-advisors-by-continent.rq asks it
    assert "Di benua mana saja aktor sub-negara memiliki penasihat kehormatan" in html
    assert "On which continents do sub-state actors have honorary advisors" in html


def test_canned_query_binds_its_parameter(client):
    """provenance-of quotes the passages a resource comes from. Scotland comes from section A's
    sentence alone ("... sedangkan interaksi luar negeri yang dilaksanakan oleh Scotland dan Catalonia
    cenderung konfliktual."); the relation of Catalonia with Madrid, the default, from that sentence
    and four of B.2 ("Hubungan Catalonia dengan pemerintah pusat Madrid-Spanyol, mengalami eskalasi yang
    memanas sejak tahun 2010 ..."; "... tidak dapat disetujui oleh Madrid ..." (the sharing of tax
    income); Artur Mas's speech at the demonstration of 12 September 2012; "...
    keputusan itu di-veto oleh Mahakamah Agung Spannyol ...")."""
    r = client.get("/queries/provenance-of", params={"resource": "pdi:scotland", "format": "json"})
    rows = r.json()["results"]["bindings"]
    assert [b["passage"]["value"].rsplit("/", 1)[1] for b in rows] == ["passage-a-08"]
    assert "oleh Scotland dan Catalonia cenderung konfliktual" in rows[0]["quote"]["value"]
    rows = client.get("/queries/provenance-of").json()["results"]["bindings"]
    assert {b["resource"]["value"] for b in rows} == {"https://w3id.org/paradiplomacy/id/relation-catalonia-spain"}
    assert sorted(b["passage"]["value"].rsplit("/", 1)[1] for b in rows) == \
        ["passage-a-08", "passage-b2-16", "passage-b2-17", "passage-b2-18", "passage-b2-20"]
    assert any("eskalasi yang memanas sejak tahun 2010" in b["quote"]["value"] for b in rows)


def test_canned_query_parameter_is_never_spliced(client):
    evil = "pdi:x> } UNION { ?resource ?p ?o } #"
    r = client.get("/queries/provenance-of", params={"resource": evil})
    assert r.status_code == 400 and "nothing in the dataset has this name" in r.text
    r = client.get("/queries/provenance-of", params={"nope": "1"})
    assert r.status_code == 400 and "no parameter nope" in r.text
    assert client.get("/queries/no-such-query").status_code == 404


def test_canned_query_takes_names_and_a_language(client):
    """As on the command line: the article's names in English or Indonesian, answers in --lang."""
    r = client.get("/queries/agreements-of-actor", params={"actor": "Daerah Istimewa Yogyakarta", "lang": "id",
                                                           "format": "json"})
    assert r.status_code == 200
    rows = r.json()["results"]["bindings"]
    assert {b["actor"]["value"] for b in rows} == {"https://w3id.org/paradiplomacy/id/special-region-of-yogyakarta"}
    assert "Prefektur Kyoto" in {b["partnerLabel"]["value"] for b in rows if "partnerLabel" in b}
    r = client.get("/queries/agreements-of-actor", params={"actor": "Flandres"})
    assert r.status_code == 400 and "Flanders" in r.text


def test_csv_download_has_a_file_name(client):
    r = client.get("/queries/honorary-advisors-by-continent",
                   params={"format": "csv", "download": "honorary-advisors-by-continent"})
    assert r.headers["content-disposition"] == 'attachment; filename="honorary-advisors-by-continent.csv"'


@pytest.mark.parametrize("query,word", [
    ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", "SERVICE"),
    ("SELECT * FROM <http://example.org/remote.ttl> WHERE { ?s ?p ?o }", "FROM"),
])
def test_network_reaching_queries_are_refused(client, query, word):
    r = client.get("/sparql", params={"query": query})
    assert r.status_code == 403 and word in r.text


def test_a_graph_parameter_that_is_not_an_iri_is_400(client):
    r = client.get("/sparql", params={"query": COUNT_QUERY, "default-graph-uri": "not an iri"})
    assert r.status_code == 400 and "not an absolute IRI" in r.text


def test_read_only_by_default(client):
    r = client.post("/sparql", content="CLEAR ALL", headers={"Content-Type": "application/sparql-update"})
    assert r.status_code == 403 and "read-only" in r.text
    r = client.post("/update", data={"update": "LOAD <http://example.org/x>"})
    assert r.status_code == 403
    # the data is still there
    assert _counts_from_json(client.get("/sparql", params={"query": COUNT_QUERY}).content) == CRIEKEMANS


def test_malformed_query_is_400_with_the_parser_message(client):
    r = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p "})
    assert r.status_code == 400 and "syntax error" in r.text and "line 1, column" in r.text


def test_other_methods_are_405(client):
    assert client.put("/sparql", content="ASK {}").status_code == 405
    assert client.delete("/sparql").status_code == 405
    # HEAD is a GET without the body
    r = client.head("/sparql", params={"query": "ASK {}"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/sparql-results+json")


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
    # nor in a comment, nor a WHERE inside braces
    text = "# WITH <http://g>\nINSERT { ?s ?p ?o } WHERE { { SELECT * WHERE { ?s ?p ?o } } }"
    assert prepare_update(text, ["http://a/"], []).count("USING <http://a/>") == 1
    with pytest.raises(HTTPProblem) as exc:
        prepare_update("WITH <http://g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", ["http://a/"], [])
    assert exc.value.status == 400
    # LOAD and SERVICE are the guard's to refuse, in the worker (tests/security)
    text = "# no dataset parameters: the text is left as it is, unread\nLOAD <http://example.org/data.ttl>"
    assert prepare_update(text, [], []) == text


def test_updates_need_the_token(real_dist):
    config = config_for(real_dist, allow_updates=True, token="s3cret")
    triple = f"<{EX}a> <{EX}b> <{EX}c>"
    with LiveServer(config) as s, httpx.Client(base_url=s.url) as c:
        upd = {"Content-Type": "application/sparql-update"}
        text = f"INSERT DATA {{ GRAPH <{EX}g> {{ {triple} }} }}"
        assert c.post("/update", content=text, headers=upd).status_code == 403
        assert c.post("/update", content=text, headers={**upd, "Authorization": "Bearer wrong"}).status_code == 403
        assert c.post("/update", content=text, headers={**upd, "Authorization": "Bearer s3cret"}).status_code == 200
        assert c.get("/sparql", params={"query": f"ASK {{ GRAPH <{EX}g> {{ {triple} }} }}"}).json()["boolean"]
        # the new graph may now be named in FROM, and the service description lists it
        r = c.get("/sparql", params={"query": f"ASK FROM <{EX}g> {{ {triple} }}"})
        assert r.status_code == 200 and r.json()["boolean"]
        assert f"<{EX}g>" in c.get("/sparql", headers={"Accept": "application/n-triples"}).text
        # the built dataset is never modified by updates
        assert EX not in (real_dist / "paradiplomacy.nq").read_text(encoding="utf-8")


def test_query_strings_are_read_as_the_standard_library_reads_them():
    """kg.serve.protocol.parse_qsl decodes percent escapes in C (binascii.a2b_qp) where it can; it
    must give what urllib.parse.parse_qsl(keep_blank_values=True, errors="strict") gives, or raise
    where it raises: on named cases, then on 20,000 strings drawn (with a fixed seed) from the
    characters that matter (escapes good and bad, '=', '+', '&', non-ASCII, control characters)."""
    import random
    import urllib.parse

    from kg.serve.protocol import parse_qsl

    def both(text: str):
        out = []
        for parse in (lambda t: urllib.parse.parse_qsl(t, keep_blank_values=True, errors="strict"), parse_qsl):
            try:
                out.append(("ok", parse(text)))
            except UnicodeDecodeError:
                out.append(("not UTF-8",))
        return out

    named = ["query=SELECT%20%3Fs%20WHERE%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D", "a=%3d%3D=&b", "a=100%", "a=%zz%2",
             "q=caf%C3%A9+%E2%82%AC", "q=%FF", "q=%e2%82", "q=x%0Ay%0D%0A", "q=%25%2B+", "&&q=&", "q=é", "q=a\tb"]
    for text in named:
        a, b = both(text)
        assert a == b, text
    alphabet = list("%=+&; _aA09fFzZ\t.-~!*'()") + ["%3D", "%26", "%20", "%E2%82%AC", "%e2", "%0A", "%25", "%2B",
                                                    "é", "%FF", "&&", "=="]
    rng = random.Random(22)
    for _ in range(20000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14)))
        a, b = both(text)
        assert a == b, text
