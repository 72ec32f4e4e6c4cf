"""B.3 Gyeongsangbuk-Do, Korea Selatan: data/gyeongsangbuk-do.ttl checked against the article.

Each test quotes the sentence of the article it checks; the expected values can be read there.
"""
from __future__ import annotations

import pytest
from rdflib import Literal, URIRef

from tests.datagraph import _named_graphs, assert_passages_verbatim_in_text_order, local, ask, select

pytestmark = pytest.mark.usefixtures("real_dist")  # tests/datagraph.py reads that build

PDI = "https://w3id.org/paradiplomacy/id/"
PDV = "https://w3id.org/paradiplomacy/vocab/"
XSD = "http://www.w3.org/2001/XMLSchema#"
G_YEAR = URIRef(XSD + "gYear")
G_YEAR_MONTH = URIRef(XSD + "gYearMonth")


def iri(local: str) -> URIRef:
    return URIRef(PDI + local)


def test_b3_passages_are_verbatim_and_numbered_in_text_order():
    assert_passages_verbatim_in_text_order("section-b3")


def test_near_membership_since_september_1996_as_driving_force():
    """"Provinsi ini bertindak selaku penggerak organisasi pemerintahan regional yang tergabung dalam
    North East Asia Regional Governments Association (NEAR), sejak September 1996" """
    rows = select("""SELECT ?start ?roleLabel WHERE {
        ?m a pd:NetworkMembership ; org:member pdi:gyeongsangbuk-do ; org:organization pdi:near ;
           pd:startDate ?start ; pd:membershipRole ?role ; prov:wasDerivedFrom pdi:passage-b3-05 .
        ?role rdfs:label ?roleLabel . FILTER(LANG(?roleLabel) = "id") }""")
    assert rows == [(Literal("1996-09", datatype=G_YEAR_MONTH), Literal("penggerak", lang="id"))]


def test_near_seat_in_pohang_since_2005():
    """"... dan menjadi kantor pusat NEAR di Pohang, Gyeongsangbuk-Do sejak tahun 2005." """
    rows = select("""SELECT ?city ?start WHERE { ?s a pd:Seat ; pd:seatOf pdi:near ; pd:seatLocation ?city ;
                                                   pd:startDate ?start }""")
    assert rows == [(iri("pohang"), Literal("2005", datatype=G_YEAR))]
    assert ask("ASK { pdi:pohang pd:partOf pdi:gyeongsangbuk-do }")


def test_near_includes_provinces_of_six_countries():
    """"Asosiasi ini meliputi provinsi-provinsi dari 6 negara yakni Korea Selatan, China, Korea Utara,
    Jepang, Mongolia dan Russia." """
    countries = {local(c) for (c,) in select("SELECT ?c WHERE { pdi:near pd:memberCountry ?c }")}
    assert countries == {"south-korea", "china", "north-korea", "japan", "mongolia", "russia"}
    (value,) = select("""SELECT ?v WHERE { ?c a pd:MemberCount ; pd:countOf pdi:near ; pd:value ?v ;
                                            prov:wasDerivedFrom pdi:passage-b3-06 }""")[0]
    assert value.toPython() == 6 == len(countries)


def test_mongolia_joined_near_with_22_provinces_and_metrocity():
    """"... Mongolia yang bergabung kemudian dengan membawa 22 provinsi dan metrocity-nya." """
    rows = select("""SELECT ?v WHERE { ?c a pd:MemberCount ; pd:countOf pdi:near ;
                                        pd:countsCountry pdi:mongolia ; pd:value ?v }""")
    assert [r[0].toPython() for r in rows] == [22]
    # South Korea's share is given in words only ("hampir ... seluruh provinsi"): no number invented
    assert not ask("""ASK { ?c pd:countOf pdi:near ; pd:countsCountry pdi:south-korea }""")
    assert ask("""ASK { ?x a pd:SourceConflict ; pd:concerns pdi:near ;
                          pd:conflictingStatement pdi:passage-b3-08 }""")


def test_meetings_on_entry_of_mongolia_and_north_korea_initiated_by_the_province():
    """"... termasuk beberapa pertemuan penting yang membahas masuknya Mongolia dan Korea Utara ke
    dalam NEAR." """
    rows = select("""SELECT ?e WHERE { ?e a pd:Event ; pd:performedBy pdi:gyeongsangbuk-do ;
                                         pd:affects pdi:near , pdi:mongolia , pdi:north-korea }""")
    assert len(rows) == 1


def test_priority_fields_of_cooperation():
    """"Prioritas bidang kerjasama Gyeongsangbuk-Do dengan pihak asing adalah kerjasama ekonomi,
    investasi, pendidikan, kebudayaan dan kesehatan serta lingkungan hidup." """
    domains = {local(d) for (d,) in select("""SELECT ?d WHERE {
        ?p prov:wasAttributedTo pdi:gyeongsangbuk-do ; pd:policyDomain ?d ;
           prov:wasDerivedFrom pdi:passage-b3-10 }""")}
    assert domains == {"economy", "investment", "education", "culture", "health", "environment"}


def test_honorary_advisors_by_continent_add_up_to_99():
    """"Jumlah 'Gyeongbuk Honorary Advisors' mencapai 99 orang yang tersebar di 48 negara, yakni di
    negara-negara Asia 25 orang, Eropa 24 orang, Amerika Utara 29 orang, Amerika Selatan 4 orang,
    Oceania 9 orang, dan Afrika 8 orang advisors" """
    rows = select("""SELECT ?continent ?v WHERE {
        ?part a pd:AdvisorCount ; pd:partOfTotal pdi:count-gyeongbuk-honorary-advisors ;
              pd:onContinent ?continent ; pd:value ?v }""")
    by_continent = {local(c): v.toPython() for c, v in rows}
    assert by_continent == {"asia": 25, "europe": 24, "north-america": 29, "south-america": 4,
                            "oceania": 9, "africa": 8}
    # the breakdown check passes here: the parts add up to the stated total, and nothing flags it
    (total, parts) = select("""SELECT ?total (SUM(?v) AS ?sum) WHERE {
        pdi:count-gyeongbuk-honorary-advisors pd:value ?total .
        ?part pd:partOfTotal pdi:count-gyeongbuk-honorary-advisors ; pd:value ?v } GROUP BY ?total""")[0]
    assert total.toPython() == 99 == parts.toPython()
    assert not ask("ASK { ?c a pd:SourceConflict ; pd:concerns pdi:count-gyeongbuk-honorary-advisors }")
    (countries,) = select("""SELECT ?v WHERE { pdi:count-gyeongbuk-honorary-advisor-countries pd:value ?v ;
                                                  pd:countOf pdi:gyeongsangbuk-do }""")[0]
    assert countries.toPython() == 48


def test_trade_envoy_in_henan_is_on_top_of_the_99():
    """"... plus utusan dagang khusus ditempatkan di Provinsi Henan, China." """
    rows = select("""SELECT ?post ?state WHERE { ?post a pd:TradeEnvoy ; org:postIn pdi:gyeongsangbuk-do ;
                                                   pd:postLocation pdi:henan . pdi:henan pd:inState ?state }""")
    assert [local(s) for _, s in rows] == ["china"]
    assert not ask("ASK { ?envoy a pd:TradeEnvoy ; pd:partOfTotal ?t }")


def test_local_sister_governments_in_9_countries_without_invented_partners():
    """"Berikut ini adalah peta sebaran jalinan kerjasama ... dalam bentuk 'Local Sister Governments'
    di 9 negara;" (the map is missing from our copy) -- 9 countries, not 9 agreements (review I20)"""
    rows = select("""SELECT ?v WHERE { ?c a pd:Count ; pd:countOf pdi:gyeongsangbuk-do ; pd:value ?v ;
                                         prov:wasDerivedFrom pdi:passage-b3-22 }""")
    assert [r[0].toPython() for r in rows] == [9]
    assert not ask("ASK { ?c a pd:AgreementCount ; pd:countOf pdi:gyeongsangbuk-do }")
    # the only agreement of the province in the data is the one with DI Yogyakarta
    agreements = {local(a) for (a,) in select("SELECT ?a WHERE { ?a pd:party pdi:gyeongsangbuk-do }")}
    assert agreements == {"agreement-diy-gyeongsangbuk-do-2005"}


def test_cooperation_with_diy_started_2_february_2005_in_b3_and_signed_24_february_in_b5():
    """B.3: "... menjalin kerjasama dengan Provinsi Daerah Istimewa Yogyakarta sejak 2 Februari 2005."
    B.5: "(4) Kerjasama dengan Provinsi Geongsangbuk-Do, Korea Selatan, yang ditandatangani pada
    24 Februari 2005;" -- B.3 says "since", not "signed": the start of the one agreement, its signing
    in B.5 (review I19), and the two dates flagged."""
    from rdflib.namespace import PROV, RDF
    prov = _named_graphs()["provenance"]
    a = URIRef("https://w3id.org/paradiplomacy/id/agreement-diy-gyeongsangbuk-do-2005")
    start = URIRef("https://w3id.org/paradiplomacy/ontology#startDate")
    starts = {(str(prov.value(st, RDF.object)), local(src)) for st in prov.subjects(RDF.subject, a)
              if prov.value(st, RDF.predicate) == start for src in prov.objects(st, PROV.wasDerivedFrom)}
    assert starts == {("2005-02-02", "passage-b3-16")}
    rows = select("""SELECT ?date ?section WHERE {
        ?s a pd:Signing ; pd:ofAgreement pdi:agreement-diy-gyeongsangbuk-do-2005 ; pd:date ?date ;
           prov:wasDerivedFrom ?p . ?p dcterms:isPartOf ?section }""")
    assert {(str(d), local(s)) for d, s in rows} == {("2005-02-24", "section-b5")}
    assert ask("""ASK { ?c a pd:SourceConflict ; pd:conflictKind pdv:conflict-two-values ;
                          pd:concerns pdi:agreement-diy-gyeongsangbuk-do-2005 ;
                          pd:conflictingStatement pdi:passage-b3-16 , pdi:passage-b5-09 }""")


def test_cooperation_with_diy_covers_six_fields():
    """"Kerjasama ini meliputi bidang ekonomi, pertanian, kesehatan, pendidikan, investasi, serta ilmu
    pengetahuan dan teknologi." """
    domains = {local(d) for (d,) in select(
        "SELECT ?d WHERE { pdi:agreement-diy-gyeongsangbuk-do-2005 pd:coversDomain ?d }")}
    assert domains == {"economy", "agriculture", "health", "education", "investment", "science-technology"}


def test_follow_up_of_the_diy_cooperation():
    """"Kedua Gubernur telah saling mengadakan kunjungan ... Provinsi DIY mengirimkan delegasi untuk
    mengikuti kursus tentang 'spririt of Saemaul Undong' ..., demikian pula pengiriman PNS untuk belajar
    Bahasa Korea, serta pengiriman dokter untuk magang ... Provinsi Gyeongsangbuk-Do juga membantu
    pembangunan sebuah Pusat Pelatihan Saemaul di Desa Kampung, Kecamatan Playen, Gunungkidul ...
    -- and "Sementara itu investasi ... juga meningkat" is set beside the follow-up ("meanwhile"), not
    made part of it (review I21)."""
    rows = select("""SELECT ?a ?kind WHERE { ?a a pd:FollowUpActivity ;
                        pd:ofAgreement pdi:agreement-diy-gyeongsangbuk-do-2005 ; pd:activityKind ?kind }""")
    kinds = sorted(local(k) for _, k in rows)
    assert kinds == ["activity-construction-aid", "activity-training",
                     "activity-training", "activity-training", "activity-visit"]
    assert ask("""ASK { pdi:activity-gyeongsangbuk-do-investment-in-diy a pd:Event ;
                        prov:wasDerivedFrom pdi:passage-b3-21 }""")
    assert not ask("ASK { pdi:activity-gyeongsangbuk-do-investment-in-diy pd:ofAgreement ?a }")
    # the source dates none of them
    assert not ask("""ASK { ?a pd:ofAgreement pdi:agreement-diy-gyeongsangbuk-do-2005 ;
                             a pd:FollowUpActivity . { ?a pd:date ?d } UNION { ?a pd:startDate ?d } }""")
    # the training centre's address as the sentence gives it: village < district < Gunungkidul; the
    # article does not say in which province Gunungkidul lies, so it is placed nowhere
    assert ask("""ASK { ?a pd:activityKind pdv:activity-construction-aid ; pd:location ?v .
                        ?v a pd:Village ; pd:partOf ?k . ?k a pd:District ; pd:partOf pdi:gunungkidul }""")
    assert not ask("ASK { pdi:gunungkidul pd:partOf ?any }")


def test_unitary_state_with_free_provinces_is_not_derived_cooperative_and_no_law_is_invented():
    """"Meskipun Korea Selatan memiliki bentuk negara kesatuan, namun provinsi-provinsi diberi kebebasan
    untuk menjalin hubungan dan kerjasama luar negeri secara bilateral maupun multilateral." -- a freedom
    in foreign relations, not a power to conclude agreements in the province's own name (review I11);
    and B.5: "secara substantive batal karena ada kebijakan dari Peerintah Pusat Korea Selatan yang tidak
    memandang tepat jika ada penandatanganan Sister Province lebih dari 1 provinsi/Negara Bagian di
    Korea" is evidence of the same relation. The author characterises it nowhere: it stays underived."""
    # "provinsi-provinsi": the freedom is South Korea's provinces', a group; the sentence does not name
    # Gyeongsangbuk-Do (audit single-full-asia)
    assert ask("""ASK { pdi:relation-gyeongsangbuk-do-south-korea pd:hasEvidence ?c .
                        ?c a pd:Competence ; pd:holder ?g ; pd:policyDomain pdv:foreign-policy ;
                           prov:wasDerivedFrom pdi:passage-b3-03 .
                        ?g a pd:ActorGroup ; pd:inState pdi:south-korea }""")
    assert not ask("ASK { ?c a pd:TreatyMakingPower ; pd:holder ?h . ?h pd:inState pdi:south-korea }", inferred=True)
    assert not ask("ASK { ?c a pd:TreatyMakingPower ; pd:holder pdi:gyeongsangbuk-do }", inferred=True)
    assert ask("""ASK { pdi:relation-gyeongsangbuk-do-south-korea pd:hasEvidence ?e .
                        ?e a pd:CentralPolicy ; pd:performedBy pdi:south-korea-central-government ;
                           prov:wasDerivedFrom pdi:passage-b5-18 }""")
    assert not ask("ASK { pdi:relation-gyeongsangbuk-do-south-korea a pd:CooperativeRelation }", inferred=True)
    assert not ask("ASK { pdi:relation-gyeongsangbuk-do-south-korea a pd:ConflictualRelation }", inferred=True)
    # the source names no Korean law
    assert not ask("""ASK { ?law a pd:Law ; prov:wasDerivedFrom ?p . ?p dcterms:isPartOf pdi:section-b3 }""")


def test_author_attended_the_saemaul_undong_academy_in_may_june_2008():
    """Footnote 13: "Penulis jurnal ini adalah alumnus dari Akademi Saemaul Undong , yang bertempat di
    Kyungwooon University, Gyeongsangbuk-Do, Korea Selatan, pada Bulan Mei-Juni 2008." """
    rows = select("""SELECT ?start ?end WHERE { ?e pd:participant pdi:seed-article-author ;
                        pd:location pdi:saemaul-undong-academy ; pd:startDate ?start ; pd:endDate ?end ;
                        prov:wasDerivedFrom pdi:footnote-13 }""")
    assert rows == [(Literal("2008-05", datatype=G_YEAR_MONTH), Literal("2008-06", datatype=G_YEAR_MONTH))]
    assert ask("""ASK { ?s pd:seatOf pdi:saemaul-undong-academy ; pd:seatLocation ?u .
                        ?u skos:altLabel "Kyungwooon University"@id }""")
