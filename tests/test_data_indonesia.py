"""B.5 Paradiplomasi di Indonesia (first paragraphs): data/indonesia.ttl checked against the article.

Each test quotes the sentence of the article it checks; the expected values can be read there.
"""
from __future__ import annotations

import pytest

from tests.datagraph import local, article_body, ask, normalise, select

pytestmark = pytest.mark.usefixtures("real_dist")  # tests/datagraph.py reads that build

FIRST_PASSAGES = {f"passage-b5-{n:02d}" for n in range(1, 5)}


def test_first_b5_passages_are_verbatim():
    rows = select("""SELECT ?p ?q WHERE { ?p a pd:SourcePassage ; pd:quote ?q ; dcterms:isPartOf pdi:section-b5 }""")
    found = {local(p): str(q) for p, q in rows if local(p) in FIRST_PASSAGES}
    assert set(found) == FIRST_PASSAGES
    body = article_body()
    for passage, quote in found.items():
        assert normalise(quote) in body, f"{passage} is not verbatim: {quote}"


def test_two_laws_give_regional_governments_authority_to_cooperate_abroad():
    """"... sebab Undang-Undang Nomor 24 Tahun 2000 tentang Perjanjian Internasional dan Undang-Undang
    Nomor 32 Tahun 2004 tentang Pemerintahan Daerah memberikan kewenangan kepada Pemerintah Daerah, baik
    provinsi maupun kabupaten/kota untuk melakukan hubungan dan kerjasama dengan pihak asing." """
    rows = select("""SELECT ?number ?year ?label WHERE {
        ?law a pd:Law ; pd:lawNumber ?number ; pd:lawYear ?year ; pd:lawOf pdi:indonesia ; rdfs:label ?label ;
             pd:enablesParadiplomacyOf pdi:indonesian-local-governments .
        FILTER(LANG(?label) = "id") }""")
    laws = {(str(n), str(y)): str(l) for n, y, l in rows}
    assert set(laws) == {("24", "2000"), ("32", "2004")}
    assert laws[("24", "2000")].endswith("tentang Perjanjian Internasional")
    assert laws[("32", "2004")].endswith("tentang Pemerintahan Daerah")


def test_president_yudhoyono_statement_in_canberra_reported_by_kompas():
    """"Hal ini bisa dibuktikan dengan pernyataan Presiden Susilo Bambang Yudoyono di depan para pengusaha
    Australia, di Canberra, Australia, 11 Maret 2010, ... (Kompas, 12 Maret 2010)." """
    rows = select("""SELECT ?date ?state ?reportDate WHERE {
        ?s a pd:PublicStatement ; pd:performedBy pdi:susilo-bambang-yudhoyono ; pd:date ?date ;
           pd:location ?city ; pd:reportedIn pdi:kompas-2010-03-12 ;
           pd:endorsesParadiplomacyOf pdi:indonesian-local-governments .
        ?city pd:inState ?state . pdi:kompas-2010-03-12 dcterms:date ?reportDate }""")
    assert [(str(d), local(s), str(r)) for d, s, r in rows] == [("2010-03-11", "australia", "2010-03-12")]
    # the source's spelling of the name is kept
    assert ask('ASK { pdi:susilo-bambang-yudhoyono skos:altLabel "Susilo Bambang Yudoyono"@id }')


def test_treaty_room_records_no_fewer_than_140_agreements():
    """"... dalam catatan 'Treaty Room' di KEMLU, tidak kurang dari 140-an kerjasama luar negeri yang telah
    dibuat oleh pemda dengan pihak asing" """
    rows = select("""SELECT ?v ?q WHERE { ?c a pd:AgreementCount ; pd:countOf pdi:indonesian-local-governments ;
                                            pd:value ?v ; pd:qualifier ?q }""")
    assert [(v.toPython(), local(q)) for v, q in rows] == [(140, "at-least")]


def test_provinces_and_cities_most_active_in_sister_relations():
    """"Provinsi Jawa Barat, DKI Jakarta dan DI. Yogyakarta termasuk yang paling banyak melakukan 'sister
    province', sedangkan Kota Jakarta, Bandung dan Kota Yogyakarta adalah kota-kota yang terbanyak membuat
    'sister city'." """
    provinces = {local(a) for (a,) in select(
        "SELECT ?a WHERE { ?a pd:memberOfGroup pdi:indonesian-provinces-most-sister-provinces ; a pd:Province }",
        inferred=True)}
    cities = {local(a) for (a,) in select(
        "SELECT ?a WHERE { ?a pd:memberOfGroup pdi:indonesian-cities-most-sister-cities ; a pd:City }")}
    assert provinces == {"west-java", "jakarta", "special-region-of-yogyakarta"}
    assert cities == {"jakarta-city", "bandung", "yogyakarta-city"}


def test_diy_relation_is_derived_cooperative_from_laws_and_statement_without_a_classification():
    """The laws and the President's statement are evidence of cooperation; the author does not classify
    DI Yogyakarta's relation with the centre in so many words."""
    evidence = {local(e) for (e,) in select(
        "SELECT ?e WHERE { pdi:relation-special-region-of-yogyakarta-indonesia pd:hasEvidence ?e }")}
    assert evidence == {"law-indonesia-24-2000", "law-indonesia-32-2004", "event-yudhoyono-canberra-statement-2010"}
    assert ask("""ASK { pdi:relation-special-region-of-yogyakarta-indonesia a pd:CooperativeRelation ;
                        pd:centralGovernment pdi:indonesia-central-government }""", inferred=True)
    assert not ask("""ASK { ?c pd:classifies pdi:relation-special-region-of-yogyakarta-indonesia }""")
