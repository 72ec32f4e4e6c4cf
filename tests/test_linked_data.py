"""Linked data on `kg serve` over the real build: every dataset IRI dereferences at its own path (HTML
for people, RDF by Accept or extension), the ontology documents itself, the dumps match the VoID/DCAT
description that `kg build` writes."""
from __future__ import annotations

import re

import httpx
import pytest
from markupsafe import escape
from rdflib import Graph, URIRef
from rdflib.namespace import SKOS

from kg.namespaces import DCAT, VOID
from kg.serve.config import ServerConfig
from tests.server_support import BASE, EX, LiveServer, config_for, nquads_with

# section A: "Paradiplomasi yang dipraktekkan oleh Flanders, Wallonia, dan Bavaria cenderung kooperatif
# dengan pemerintah pusat, meski masih ada kesan kompetitif, sedangkan interaksi luar negeri yang
# dilaksanakan oleh Scotland dan Catalonia cenderung konfliktual."
CRIEKEMANS_CONFLICTUAL = "sedangkan interaksi luar negeri yang dilaksanakan oleh Scotland dan Catalonia cenderung konfliktual"


@pytest.fixture(scope="module")
def server(real_dist):
    with LiveServer(config_for(real_dist)) as s:
        yield s


@pytest.fixture()
def client(server):
    with httpx.Client(base_url=server.url, timeout=30) as c:
        yield c


def test_every_iri_of_the_dataset_dereferences(client, server):
    subjects = {q.subject.value for q in server.store if q.subject.value.startswith(BASE)
                and "#" not in q.subject.value}
    assert len(subjects) >= 500
    for iri in sorted(subjects):
        path = iri[len(BASE) - 1:]
        r = client.get(path, headers={"Accept": "text/turtle"})
        assert r.status_code == 200, path
        g = Graph().parse(data=r.text, format="turtle")
        assert (URIRef(iri), None, None) in g, path


def test_entity_page_has_labels_types_links_and_quoted_sources(client):
    """Scotland: "Scotland"@en, "Skotlandia"@id, a pd:Region, taken from the sentence of section A,
    which is quoted on the page. (The article names no state for Scotland, so the page shows none.)"""
    r = client.get("/id/scotland", headers={"Accept": "text/html"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    html = r.text
    assert '<td lang="en"><strong>Scotland</strong>' in html and '<td lang="id"><strong>Skotlandia</strong>' in html
    assert 'href="/ontology#Region"' in html                      # type, linked on this server
    assert 'href="/id/passage-a-08"' in html                      # property value, linked
    assert CRIEKEMANS_CONFLICTUAL in html                         # the quoted sentence, via prov:wasDerivedFrom
    assert 'href="/id/passage-a-08"' in html
    assert 'href="/id/relation-scotland-united-kingdom"' in html  # linked from its relation


def test_entity_page_groups_statements_with_their_sources_asserted_or_inferred(client):
    """Catalonia: in state Spain, asserted with the passages that say it (section B: "Catalonia-Spanyol",
    "Catalonia, Spanyol"; issue 20); the competences come from the
    competence nodes (inferred shortcuts, docs/PROVENANCE.md); names in English and Indonesian
    ("Katalonia"@id, "Generalitat de Catalunya"); the statements of graph/provenance are not listed as
    incoming links."""
    html = client.get("/id/catalonia", headers={"Accept": "text/html"}).text
    main = html.split("<main>", 1)[1]
    statements = main.split('<section class="statements">', 1)[1].split("</section>", 1)[0]
    # one heading per property, however many values
    assert statements.count(">has competence in</a></h3>") == 1
    competences = statements.split(">has competence in</a></h3>", 1)[1].split('<div class="property">', 1)[0]
    assert competences.count('class="badge inferred"') >= 10 and 'class="badge asserted"' not in competences
    in_state = statements.split(">in state</a></h3>", 1)[1].split('<div class="property">', 1)[0]
    assert 'href="/id/spain"' in in_state and 'class="badge asserted"' in in_state
    # its supporting passage, one click away, with the quote, the English rendering and the section
    refs = in_state.split('<details class="refs">', 1)[1].split("</details>", 1)[0]
    assert '<blockquote lang="id">' in refs and '<blockquote class="translation" lang="en">' in refs
    assert "section B" in refs and ("Catalonia-Spanyol" in refs or "Catalonia, Spanyol" in refs)
    assert "Katalonia" in main and "Generalitat de Catalunya" in main
    assert "/statement/" not in main
    assert 'href="/explain/catalonia"' in main


def test_relation_page_links_its_explanation(client):
    html = client.get("/id/relation-catalonia-spain", headers={"Accept": "text/html"}).text
    assert 'href="/explain/relation-catalonia-spain"' in html


def test_entity_page_in_indonesian(client):
    """?lang=id: the Indonesian name as the heading, the interface in Indonesian."""
    html = client.get("/id/catalonia?lang=id", headers={"Accept": "text/html"}).text
    assert '<html lang="id">' in html and "<h1>Katalonia</h1>" in html and ">Pernyataan</h2>" in html
    r = client.get("/id/catalonia", headers={"Accept": "text/html"}, cookies={"kg_lang": "id"})
    assert "<h1>Katalonia</h1>" in r.text


# queries/agreements-of-actor.rq, its header's two questions
ACTOR_QUESTION_EN = "Which agreements has this actor signed, with whom, when, and what became of them?"
ACTOR_QUESTION_ID = "Perjanjian apa saja yang telah dibuat aktor ini, dengan siapa, kapan, dan bagaimana nasibnya?"


@pytest.mark.parametrize("how", ["query", "cookie"])
def test_questions_downloads_and_ontology_pages_follow_the_language(server, client, how):
    """Both languages throughout: with ?lang=id (or the kg_lang cookie) the list of questions puts each
    question in Indonesian first and its headings, the downloads page and the ontology page's help
    and links are in Indonesian; without it, English."""
    def get(path: str, lang: str) -> str:
        if how == "query":
            return client.get(f"{path}?lang={lang}", headers={"Accept": "text/html"}).text
        with httpx.Client(base_url=server.url, timeout=30, cookies={"kg_lang": lang}) as c:
            return c.get(path, headers={"Accept": "text/html"}).text

    html = get("/queries", "id")
    assert '<html lang="id">' in html and "<h1>Pertanyaan</h1>" in html and "Tanyakan di halaman awal" in html
    item = html.split('<a href="/?question=agreements-of-actor">agreements-of-actor</a>', 1)[1].split("</li>\n</ul>", 1)[0]
    assert item.index(ACTOR_QUESTION_ID) < item.index(ACTOR_QUESTION_EN)
    assert f'<p lang="id">{ACTOR_QUESTION_ID}</p>' in item and "bawaan" in item
    # the start page offers the reports only: a violation query is listed without a link to it
    assert '<a href="/?question=agreement-structure-violation">' not in html and 'id="agreement-structure-violation"' in html
    english = get("/queries", "en")
    assert "<h1>Questions</h1>" in english and "Pertanyaan</h1>" not in english
    item = english.split('<a href="/?question=agreements-of-actor">agreements-of-actor</a>', 1)[1]
    assert item.index(ACTOR_QUESTION_EN) < item.index(ACTOR_QUESTION_ID)

    dumps = get("/dumps", "id")
    assert "<h1>Unduhan</h1>" in dumps and "<th>berkas</th>" in dumps and "Dataset hasil build" in dumps
    onto = get("/ontology", "id")
    assert "Juga sebagai" in onto and "Build menurunkan setiap kelas" in onto and "The build derives" not in onto
    home = get("/", "id")
    assert 'aria-label="Kueri SPARQL"' in home and "<h2>Kueri sendiri (SPARQL)</h2>" in home
    assert "<title>Tidak ditemukan" in get("/id/nowhere-at-all", "id")


def test_explain_page_has_the_content_of_kg_explain(client, server):
    """Why Catalonia's relation with Madrid is conflictual: the same derivation, evidence and quotes as
    kg.explain.explain (B.2: "... mengalami eskalasi yang memanas sejak tahun 2010 ...")."""
    from kg.explain import explain
    from kg.query.embedded import OxigraphEngine

    r = client.get("/explain/catalonia", headers={"Accept": "text/html"})
    assert r.status_code == 200
    html = r.text
    exp = explain(OxigraphEngine.from_nquads(server.config.nquads), "catalonia")
    rel = exp.relations[0]
    assert rel.derivations, "Catalonia's relation is derived conflictual"
    for d in rel.derivations:
        assert escape(d.axiom) in html
        for step in d.evidence:
            assert escape(step.rule) in html
            for s in step.sources:
                if s.quote:
                    assert escape(s.quote) in html
                if s.translation:
                    assert escape(s.translation) in html
    assert "mengalami eskalasi yang memanas sejak tahun 2010" in html
    j = client.get("/explain/relation-catalonia-spain", headers={"Accept": "application/json"}).json()
    assert j["relations"][0]["relation"] == "pdi:relation-catalonia-spain"
    assert client.get("/explain/atlantis", headers={"Accept": "application/json"}).status_code == 400
    # a misspelt name: the reason, and the closest names to choose from
    r = client.get("/explain/Catalnia", headers={"Accept": "text/html"})
    assert r.status_code == 400 and 'href="/id/catalonia"' in r.text
    # the names of the article, in either language, as the command line takes them
    for name in ("Katalonia", "Catalonia", "relation-catalonia-spain"):
        assert "CentreRegionRelation ⊓ ∃hasEvidence.ConflictIndicator ⊑ ConflictualRelation" in \
            client.get(f"/explain/{name}", headers={"Accept": "text/html"}).text, name


def test_id_and_vocab_indexes(client):
    ids = client.get("/id/", headers={"Accept": "text/html"}).text
    assert 'href="/id/catalonia"' in ids and 'href="/id/special-region-of-yogyakarta"' in ids
    vocab = client.get("/vocab/", headers={"Accept": "text/html"}).text
    # the agreement statuses as a tree: "expired" is narrower than "stagnant" (pdv:status-expired skos:broader pdv:status-stagnant)
    stagnant = vocab.split('href="/vocab/status-stagnant"', 1)[1].split("</ul>", 1)[0]
    assert 'href="/vocab/status-expired"' in stagnant


def test_incoming_links_are_shown(client):
    """pdv:cooperative is the character Criekemans gives Flanders, Wallonia and Bavaria (and the author
    Flanders), not Scotland."""
    html = client.get("/vocab/cooperative", headers={"Accept": "text/html"}).text
    for name in ("Flanders", "Wallonia", "Bavaria"):
        assert f">Criekemans: {name} tends to be cooperative</a>" in html
    assert "Scotland" not in html


@pytest.mark.parametrize("suffix,accept,fmt", [
    (".ttl", None, "turtle"), (".nt", None, "nt"), (".jsonld", None, "json-ld"), (".rdf", None, "xml"),
    ("", "application/n-triples", "nt"), ("", "application/ld+json", "json-ld"), ("", "text/turtle", "turtle"),
])
def test_rdf_by_extension_or_accept(client, suffix, accept, fmt):
    """Flanders is Wikidata's Q234 (reference/wikidata-ids.csv)."""
    r = client.get("/id/flanders" + suffix, headers={"Accept": accept} if accept else {})
    assert r.status_code == 200
    g = Graph().parse(data=r.content, format=fmt)
    assert (URIRef(BASE + "id/flanders"), SKOS.exactMatch, URIRef("http://www.wikidata.org/entity/Q234")) in g


def test_unknown_iri_is_404(client):
    assert client.get("/id/atlantis", headers={"Accept": "text/html"}).status_code == 404
    assert client.get("/id/atlantis.ttl").status_code == 404
    # a path that is no IRI at all names nothing either (it is not a server error)
    r = client.get("/id/%3Cscript%3E", headers={"Accept": "text/html"})
    assert r.status_code == 404 and "<script>" not in r.text and "id/&lt;script&gt;" in r.text
    assert client.get("/id/%3Cscript%3E", headers={"Accept": "text/turtle"}).status_code == 404


@pytest.fixture(scope="module")
def probed(real_dist, tmp_path_factory):
    """The real dataset plus an ex: resource whose label is markup and which links to Catalonia."""
    probe = (f'<{EX}probe> <http://www.w3.org/2000/01/rdf-schema#label> "<script>alert(1)</script> & co"@en <{EX}graph/probe> .\n'
             f'<{EX}probe> <{EX}mentions> <{BASE}id/catalonia> <{EX}graph/probe> .\n')
    data = nquads_with(real_dist, probe, tmp_path_factory.mktemp("probe") / "probe.nq")
    with LiveServer(ServerConfig(nquads=data, root=real_dist.parent, workers=1)) as s:
        yield s


def test_html_output_is_escaped(probed):
    with httpx.Client(base_url=probed.url, timeout=30) as c:
        html = c.get("/id/catalonia", headers={"Accept": "text/html"}).text
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co</a>" in html  # the label of the linking resource


def test_ontology_as_turtle_and_as_documentation(client, server):
    """The terms as ontology/core.ttl and ontology/provenance.ttl define them."""
    r = client.get("/ontology", headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    assert r.content == (server.config.dist / "ontology.ttl").read_bytes()
    html = client.get("/ontology", headers={"Accept": "text/html"}).text
    assert 'id="SubStateActor"' in html and "aktor sub-negara" in html
    assert "A government below the level of the sovereign state" in html
    assert 'id="quote"' in html and "kutipan" in html
    assert re.search(r'<th>Superclasses</th><td><a href="/ontology#SubStateActor"[^>]*>sub-state actor</a>', html)
    for fmt, accept in (("nt", "application/n-triples"), ("json-ld", "application/ld+json")):
        g = Graph().parse(data=client.get("/ontology", headers={"Accept": accept}).content, format=fmt)
        assert (URIRef(BASE + "ontology#SubStateActor"), None, None) in g


def test_ontology_documentation_has_contents_axioms_cross_references_examples_and_trees(client, server):
    """pyLODE's level: a table of contents; every OWL RL classification axiom of the ontology (read here
    from dist/ontology.ttl and rendered by kg.explain.render_class), each on its class; where a class is
    a domain or range; examples from the data; the SKOS schemes as trees."""
    from rdflib import BNode
    from rdflib.namespace import RDFS

    from kg.explain import render_class

    html = client.get("/ontology", headers={"Accept": "text/html"}).text
    toc = html.split('<nav class="toc" id="toc"', 1)[1].split("</nav>", 1)[0]
    assert 'href="#ConflictualRelation"' in toc and 'href="#inState"' in toc and 'href="#classification-axioms"' in toc
    onto = Graph().parse(server.config.dist / "ontology.ttl", format="turtle")
    axioms = [f"{render_class(onto, x)} ⊑ {render_class(onto, c)}" for x, c in onto.subject_objects(RDFS.subClassOf)
              if isinstance(x, BNode)]
    assert "CentreRegionRelation ⊓ ∃hasEvidence.ConflictIndicator ⊑ ConflictualRelation" in axioms
    listed = html.split('id="classification-axioms"', 1)[1].split("</section>", 1)[0]
    for axiom in axioms:
        assert str(escape(axiom)) in listed, axiom
    entry = html.split('id="ConflictualRelation"', 1)[1].split("</section>", 1)[0]
    assert "Axioms: <code class=\"axiom\">CentreRegionRelation ⊓ ∃hasEvidence.ConflictIndicator ⊑ ConflictualRelation" in entry
    assert 'href="/id/relation-catalonia-spain"' in entry      # an example from the data
    state = html.split('id="SovereignState"', 1)[1].split("</section>", 1)[0]
    range_row = state.split("<th>In the range of</th>", 1)[1].split("</tr>", 1)[0]
    assert 'href="/ontology#inState"' in range_row
    schemes = html.split('id="concept-schemes"', 1)[1]
    stagnant = schemes.split('href="/vocab/status-stagnant"', 1)[1].split("</ul>", 1)[0]
    assert 'href="/vocab/status-expired"' in stagnant


def test_dumps_match_the_void_description(client, server):
    r = client.get("/.well-known/void")
    assert r.status_code == 200 and client.get("/void").content == r.content
    assert r.content == (server.config.dist / "void.ttl").read_bytes()
    g = Graph().parse(data=r.text, format="turtle")
    urls = {str(o) for o in g.objects(None, VOID.dataDump)} | {str(o) for o in g.objects(None, DCAT.downloadURL)}
    assert BASE + "dataset/0.1.0/paradiplomacy.nq" in urls
    names = set()
    for url in sorted(urls):
        assert url.startswith(BASE), url
        name = url.split("/dataset/", 1)[1].split("/", 1)[1]     # dataset/VERSION/NAME, NAME may be framed/x.json
        names.add(name)
        for path in (url[len(BASE) - 1:], "/dumps/" + name):   # at the described path, and under /dumps
            d = client.get(path)
            assert d.status_code == 200, path
            assert d.content == (server.config.dist / name).read_bytes()
    listed = {d["name"] for d in client.get("/dumps", headers={"Accept": "application/json"}).json()}
    assert names <= listed
    assert client.get("/dumps/../pyproject.toml").status_code == 404
    assert client.get("/dumps/%2e%2e%2fpyproject.toml").status_code == 404
    assert client.get("/dumps/framed/../../pyproject.toml").status_code == 404
