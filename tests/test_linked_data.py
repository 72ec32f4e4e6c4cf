"""Linked data on `kg serve`: every dataset IRI dereferences at its own path (HTML for people, RDF by
Accept or extension), the ontology documents itself, the dumps match the VoID/DCAT description."""
from __future__ import annotations

import httpx
import pytest
from rdflib import Graph, URIRef

from kg.serve.app import ServerConfig
from test_server_support import BASE, DCAT, FIXTURES, VOID, LiveServer, make_dist

CRIEKEMANS = ("Paradiplomasi yang dipraktekkan oleh Flanders, Wallonia, dan Bavaria cenderung kooperatif "
              "dengan pemerintah pusat")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    dist = make_dist(tmp_path_factory.mktemp("dist"))
    with LiveServer(ServerConfig(nquads=dist / "paradiplomacy.nq", root=FIXTURES, dist=dist)) as s:
        yield s


@pytest.fixture()
def client(server):
    with httpx.Client(base_url=server.url, timeout=30) as c:
        yield c


def test_every_iri_of_the_dataset_dereferences(client, server):
    subjects = {q.subject.value for q in server.kg.store if q.subject.value.startswith(BASE)
                and "#" not in q.subject.value}
    assert len(subjects) >= 10
    for iri in sorted(subjects):
        path = iri[len(BASE) - 1:]
        r = client.get(path, headers={"Accept": "text/turtle"})
        assert r.status_code == 200, path
        g = Graph().parse(data=r.text, format="turtle")
        assert (URIRef(iri), None, None) in g, path


def test_entity_page_has_labels_types_links_and_quoted_sources(client):
    r = client.get("/id/scotland", headers={"Accept": "text/html"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    html = r.text
    assert '<dd lang="en">Scotland</dd>' in html and '<dd lang="id">Skotlandia</dd>' in html
    assert 'href="/ontology#Region"' in html                      # type, linked on this server
    assert 'href="/vocab/conflictual"' in html                    # property value, linked
    assert "sedangkan interaksi luar negeri yang dilaksanakan oleh Scotland dan Catalonia cenderung " \
           "konfliktual" in html                                  # the quoted sentence, via prov:wasDerivedFrom
    assert 'href="/id/passage-criekemans"' in html


def test_incoming_links_are_shown(client):
    html = client.get("/vocab/cooperative", headers={"Accept": "text/html"}).text
    for name in ("Flanders", "Wallonia", "Bavaria"):
        assert f">{name}</a>" in html
    assert ">Scotland</a>" not in html


@pytest.mark.parametrize("suffix,accept,fmt", [
    (".ttl", None, "turtle"), (".nt", None, "nt"), (".jsonld", None, "json-ld"),
    ("", "application/n-triples", "nt"), ("", "application/ld+json", "json-ld"), ("", "text/turtle", "turtle"),
])
def test_rdf_by_extension_or_accept(client, suffix, accept, fmt):
    r = client.get("/id/flanders" + suffix, headers={"Accept": accept} if accept else {})
    assert r.status_code == 200
    g = Graph().parse(data=r.content, format=fmt)
    assert (URIRef(BASE + "id/flanders"), URIRef("http://www.w3.org/2002/07/owl#sameAs"),
            URIRef("http://www.wikidata.org/entity/Q234")) in g


def test_unknown_iri_is_404(client):
    assert client.get("/id/atlantis", headers={"Accept": "text/html"}).status_code == 404
    assert client.get("/id/atlantis.ttl").status_code == 404


def test_html_output_is_escaped(client):
    html = client.get("/ontology", headers={"Accept": "text/html"}).text
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    html = client.get("/id/%3Cscript%3E", headers={"Accept": "text/html"}).text
    assert "<script>" not in html


def test_ontology_as_turtle_and_as_documentation(client, server):
    r = client.get("/ontology", headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    assert r.content == (server.config.dist / "ontology.ttl").read_bytes()
    html = client.get("/ontology", headers={"Accept": "text/html"}).text
    assert 'id="SubStateActor"' in html and "aktor sub-negara" in html
    assert "A government below the level of the sovereign state." in html
    assert 'id="centralRelation"' in html and "hubungan dengan pusat" in html


def test_dumps_match_the_void_description(client, server):
    r = client.get("/.well-known/void")
    assert r.status_code == 200 and client.get("/void").content == r.content
    g = Graph().parse(data=r.text, format="turtle")
    urls = {str(o) for o in g.objects(None, VOID.dataDump)} | {str(o) for o in g.objects(None, DCAT.downloadURL)}
    assert urls
    for url in sorted(urls):
        assert url.startswith(BASE), url
        name = url.rsplit("/", 1)[1]
        for path in (url[len(BASE) - 1:], "/dumps/" + name):   # at the described path, and under /dumps
            d = client.get(path)
            assert d.status_code == 200, path
            assert d.content == (server.config.dist / name).read_bytes()
    assert client.get("/dumps/../pyproject.toml").status_code == 404
    assert client.get("/dumps/%2e%2e%2fpyproject.toml").status_code == 404
