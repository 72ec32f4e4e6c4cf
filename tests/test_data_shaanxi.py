"""B.4 Shaanxi, China: data/shaanxi.ttl checked against the article.

Each test quotes the sentence of the article it checks; the expected values can be read there.
"""
from __future__ import annotations

import pytest
from rdflib import Literal, URIRef

from tests.datagraph import assert_passages_verbatim_in_text_order, local, article_body, ask, select

pytestmark = pytest.mark.usefixtures("real_dist")  # tests/datagraph.py reads that build

PDI = "https://w3id.org/paradiplomacy/id/"


# "... antara lain Minnesotta dan Kansas City-USA, Nara dan Kyoto-Jepang, Edinburgh-UK, Bo Town-Perancis,
# Esfahan-Iran, Dortmund City-Jerman, Lahore-Pakistan, Lasi City-Rumania, Gyeongju-Korea Selatan,
# Parramatta-Yunani, Pompeii-Italia, Brazilia Federal District-Brazil, Kalluga State-Rusia dan Groningen
# Province-Netherland, dan lain sebagainya."  -- each partner with the country AS THE SOURCE GIVES IT
PARTNERS_AS_GIVEN = {
    "minnesota": "united-states", "kansas-city": "united-states",
    "nara": "japan", "kyoto": "japan",
    "edinburgh": "united-kingdom", "bo-town": "france", "isfahan": "iran", "dortmund": "germany",
    "lahore": "pakistan", "iasi": "romania", "gyeongju": "south-korea", "parramatta": "greece",
    "pompeii": "italy", "federal-district-brazil": "brazil", "kaluga": "russia",
    "groningen-province": "netherlands",
}


def test_b4_passages_are_verbatim_and_numbered_in_text_order():
    assert_passages_verbatim_in_text_order("section-b4")


def test_every_named_partner_in_the_country_the_source_gives():
    rows = select("""SELECT ?partner ?state WHERE {
        ?a a pd:SisterRelation ; pd:party pdi:shaanxi , ?partner ; pd:listedIn pdi:count-shaanxi-sister-relations .
        FILTER(?partner != pdi:shaanxi)
        ?partner pd:inState ?state }""")
    assert {local(p): local(s) for p, s in rows} == PARTNERS_AS_GIVEN
    assert len(rows) == len(PARTNERS_AS_GIVEN)  # one country each


def test_at_least_52_provinces_and_cities():
    """"Menurut situs resmi pemerintah, Provinsi Shaanxi ini telah menjalin sekurang-kurangnya dengan 52
    provinsi dan kota dari berbagai Negara di seluruh dunia" """
    rows = select("""SELECT ?v ?q WHERE { pdi:count-shaanxi-sister-relations pd:countOf pdi:shaanxi ;
                        pd:value ?v ; pd:qualifier ?q }""")
    assert [(v.toPython(), local(q)) for v, q in rows] == [(52, "at-least")]
    (named,) = select("""SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE {
                           ?a pd:listedIn pdi:count-shaanxi-sister-relations }""")[0]
    assert named.toPython() <= 52
    # the website is footnote 15
    assert ask("""ASK { pdi:count-shaanxi-sister-relations prov:wasDerivedFrom ?p .
                        ?p pd:footnote pdi:footnote-15 }""")


def test_the_sources_spellings_are_kept_as_alternative_labels():
    expected = {"minnesota": "Minnesotta", "isfahan": "Esfahan", "dortmund": "Dortmund City",
                "iasi": "Lasi City", "federal-district-brazil": "Brazilia Federal District",
                "kaluga": "Kalluga State", "groningen-province": "Groningen Province"}
    for partner, spelling in expected.items():
        assert ask("ASK { ?p skos:altLabel ?l . FILTER(STR(?l) = ?s) }",
                   p=URIRef(PDI + partner), s=Literal(spelling)), partner
        # and the spelling really is the article's
        assert spelling in article_body()


def test_parramatta_in_greece_is_kept_and_flagged_not_corrected():
    """"... Gyeongju-Korea Selatan, Parramatta-Yunani, Pompeii-Italia ..." """
    states = [local(s) for (s,) in select("SELECT ?s WHERE { pdi:parramatta pd:inState ?s }")]
    assert states == ["greece"]
    assert ask("""ASK { ?c a pd:SourceConflict ; pd:conflictKind pdv:conflict-world ; pd:concerns pdi:parramatta ;
                          pd:conflictingStatement pdi:passage-b4-06 ; rdfs:comment ?why }""")
    assert not ask("ASK { ?c pd:concerns pdi:parramatta ; pd:correctionSource ?w }")


def test_nara_and_kyoto_are_left_undecided_between_city_and_prefecture():
    """"Nara dan Kyoto-Jepang": the wording says neither city nor prefecture."""
    for place in ("nara", "kyoto"):
        p = URIRef(PDI + place)
        assert ask("ASK { ?p a pd:SubStateActor }", p=p)
        assert not ask("ASK { { ?p a pd:City } UNION { ?p a pd:Province } }", p=p)
        assert not ask("ASK { ?p skos:exactMatch ?w }", p=p)
    # Shaanxi's Kyoto is not silently merged with DI Yogyakarta's Kyoto Prefecture
    assert not ask("ASK { pdi:kyoto ?p pdi:kyoto-prefecture }")


def test_23_provinces_of_which_6_in_near_as_a_subset():
    """"... pemerintah provinsi mereka yang berjumlah 23 provinsi itu ..." and "Dari 23 provinsi
    tersebut, 6 diantara tergabung dalam keanggotaan aktif di 'NEAR'" """
    rows = select("""SELECT ?all ?near WHERE {
        ?total pd:countOf pdi:china ; pd:value ?all .
        ?sub pd:countOf pdi:near ; pd:value ?near ; pd:subsetOf ?total }""")
    assert [(a.toPython(), n.toPython()) for a, n in rows] == [(23, 6)]
    # a subset, not a part of a breakdown that would have to add up
    assert not ask("ASK { ?sub pd:subsetOf ?total ; pd:partOfTotal ?t }")


def test_provinces_may_contact_foreign_provinces_but_the_relation_is_not_derived():
    """"China yang memiliki bentuk Negara kesatuan memberikan kewenangan kepada pemerintah provinsi
    mereka ... untuk melakukan kontak dan hubungan kerjasama dengan provinsi asing dengan sepengetahuan
    lembaga legislative mereka." ... "Salah satunya adalah Provinsi Shaanxi." -- an authority for
    contacts and cooperative relations, not a power to conclude agreements in the provinces' own name,
    and the author characterises the relation nowhere: it stays underived (review I11)."""
    assert ask("""ASK { pdi:relation-shaanxi-china pd:subStateActor pdi:shaanxi ;
                        pd:centralGovernment pdi:china-central-government ; pd:hasEvidence ?c .
                        ?c pd:holder ?group ; pd:policyDomain pdv:foreign-policy . pdi:shaanxi pd:memberOfGroup ?group .
                        ?c prov:wasDerivedFrom pdi:passage-b4-03 }""")
    assert not ask("ASK { ?c a pd:TreatyMakingPower ; pd:holder pdi:chinese-provinces }", inferred=True)
    assert not ask("ASK { pdi:relation-shaanxi-china a pd:CooperativeRelation }", inferred=True)
    assert not ask("ASK { pdi:relation-shaanxi-china a pd:ConflictualRelation }", inferred=True)
    assert not ask("ASK { ?c a pd:Classification ; pd:classifies pdi:relation-shaanxi-china }")
