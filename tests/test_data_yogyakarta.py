"""B.5 DI Yogyakarta's foreign agreements: data/yogyakarta.ttl checked against the article.

"Khusus di Provinsi DIY, Kerjasama Luar Negeri yang telah dilakukan sejak tahun 2003 sampai dengan 2012
berjumlah 11 kerjasama, namun yang secara riil ada tindak lanjut kegiatannya hanya 6 kerjasama saja, ...
Beberapa kerjasama DIY ... yang stagnan ... ada 5 (lima) kerjasama" -- every expected value below is in
that paragraph (items quoted in the table).
"""
from __future__ import annotations

import datetime

import pytest
from rdflib import URIRef

from tests.datagraph import local, article_body, article_says, ask, normalise, select

pytestmark = pytest.mark.usefixtures("real_dist")  # tests/datagraph.py reads that build

PDI = "https://w3id.org/paradiplomacy/id/"

# agreement: (partner, kinds, signing dates, statuses, listed in the 6 or the 5)
AGREEMENTS = {
    # "(1) Kyoto Perfecture sebagai kelanjutan kerjasama yang dibuat pada 16 Juli tahun 1985 ..."
    "agreement-diy-kyoto-prefecture-1985": (
        "kyoto-prefecture", {"CooperationAgreement"}, {"1985-07-16"}, {"status-followed-up"}, 6),
    # "(2) Kerjasama dengan Suruga Miyagawa Company yang dibuat pada 2 Juli 2003;"
    "agreement-diy-suruga-miyagawa-company-2003": (
        "suruga-miyagawa-company", {"CooperationAgreement"}, {"2003-07-02"}, {"status-followed-up"}, 6),
    # "(3) Kerjasama dengan Universitas Karlsruhe yang ditandatangani pada 29 Oktober 2003"
    "agreement-diy-university-of-karlsruhe-2003": (
        "university-of-karlsruhe", {"CooperationAgreement"}, {"2003-10-29"}, {"status-followed-up"}, 6),
    # B.5 "(4) ... Geongsangbuk-Do ... ditandatangani pada 24 Februari 2005" (B.3's "sejak 2 Februari
    # 2005" is its start, not a signing: test_data_gyeongsangbuk_do)
    "agreement-diy-gyeongsangbuk-do-2005": (
        "gyeongsangbuk-do", {"CooperationAgreement"}, {"2005-02-24"}, {"status-followed-up"}, 6),
    # "(5) Kerjasama dengan Provinsi Chiang Mai, Thailand pada 4 September 2007" -- "baru sebatas
    # pemenuhan etika diplomatic"
    "agreement-diy-chiang-mai-province-2007": (
        "chiang-mai-province", {"CooperationAgreement"}, {"2007-09-04"}, {"status-courtesy-only"}, 6),
    # "(6) Kerjasama khusus bidang kesehatan dengan Medical Peace Foundation (MPF), Korea Selatan yang
    # dibuat tahun 2007."
    "agreement-diy-medical-peace-foundation-2007": (
        "medical-peace-foundation", {"CooperationAgreement"}, {"2007"}, {"status-followed-up"}, 6),
    # "(1) Kerjasama dengan Provinsi Ismalia, Republik Arab Mesir yang dibuat pada 24 Desember 1991 (habis
    # masa berlakunya tahun 2001)"
    "agreement-diy-ismailia-governorate-1991": (
        "ismailia-governorate", {"CooperationAgreement"}, {"1991-12-24"}, {"status-stagnant", "status-expired"}, 5),
    # "(2) Kerjasama dengan California State, Amerika Serikat, yang MoU-nya ditandatangani pada 25 Agustus
    # 1997 (habis masa berlakunya tahun 2002)"
    "agreement-diy-california-1997": (
        "california", {"MemorandumOfUnderstanding"}, {"1997-08-25"}, {"status-stagnant", "status-expired"}, 5),
    # "(3) Kerjasama dengan Konsursium Logistik Bernhard, Malaysia tahun 2003 ... tidak ada realisasinya"
    "agreement-diy-bernhard-logistics-consortium-2003": (
        "bernhard-logistics-consortium", {"CooperationAgreement"}, {"2003"},
        {"status-stagnant", "status-never-realised"}, 5),
    # "(4) Kerjasama dengan Provinsi Tyrol, Republik Austria, yang dibuat pada 30 November 1999, hanya ada
    # 1 (satu) realisasi"
    "agreement-diy-tyrol-1999": (
        "tyrol", {"CooperationAgreement"}, {"1999-11-30"}, {"status-stagnant"}, 5),
    # "(5) Kerjasama dengan Provinsi Chugcheongnam-Do ... ditandatangani pada 13 September 2004 secara
    # substantive batal ... MoU ... Sister Province ... sampai sekarang belumoptimal realisasinya."
    "agreement-diy-chungcheongnam-do-2004": (
        "chungcheongnam-do", {"SisterProvinceAgreement", "MemorandumOfUnderstanding"}, {"2004-09-13"},
        {"status-stagnant", "status-cancelled", "status-not-optimal"}, 5),
}
COUNT_OF = {6: "count-diy-agreements-followed-up", 5: "count-diy-agreements-stagnant"}


def values(query: str, **bindings) -> set[str]:
    return {local(row[0]) if not hasattr(row[0], "datatype") else str(row[0])
            for row in select(query, **bindings)}


def test_diy_passages_are_verbatim_and_carry_footnote_16():
    rows = select("""SELECT ?p ?q ?o WHERE { ?p a pd:SourcePassage ; pd:quote ?q ; pd:order ?o ;
                        dcterms:isPartOf pdi:section-b5 ; pd:footnote pdi:footnote-16 }""")
    assert sorted(o.toPython() for _, _, o in rows) == list(range(5, 19))
    body = article_body()
    for passage, quote, _ in rows:
        assert normalise(str(quote)) in body, f"{local(passage)} is not verbatim: {quote}"


def test_eleven_agreements_six_followed_up_five_stagnant():
    totals = {local(c): v.toPython() for c, v in select(
        "SELECT ?c ?v WHERE { ?c pd:countOf pdi:special-region-of-yogyakarta ; pd:value ?v }")}
    assert totals == {"count-diy-agreements-2003-2012": 11, "count-diy-agreements-followed-up": 6,
                      "count-diy-agreements-stagnant": 5}
    (total, parts) = select("""SELECT ?t (SUM(?v) AS ?s) WHERE { pdi:count-diy-agreements-2003-2012 pd:value ?t .
                                 ?c pd:partOfTotal pdi:count-diy-agreements-2003-2012 ; pd:value ?v } GROUP BY ?t""")[0]
    assert total.toPython() == parts.toPython() == 11
    # the data list as many agreements under each count as the count says
    for count, value in totals.items():
        (n,) = select("SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a pd:listedIn ?c }",
                      c=URIRef(PDI + count))[0]
        assert n.toPython() == value, count


@pytest.mark.parametrize("agreement", sorted(AGREEMENTS))
def test_each_agreement_partner_kind_date_status(agreement):
    partner, kinds, dates, statuses, group = AGREEMENTS[agreement]
    a = URIRef(PDI + agreement)
    assert values("SELECT ?p WHERE { ?a pd:party ?p }", a=a) == {"special-region-of-yogyakarta", partner}
    # the kinds and dates the article gives (other sources, e.g. the DIY government's page calling the
    # Kyoto agreement a sister province, are kept beside them: tests/test_import_sources.py)
    from rdflib.namespace import RDF
    assert {local(k) for k in article_says(a, RDF.type)} & {
        "CooperationAgreement", "MemorandumOfUnderstanding", "SisterProvinceAgreement",
        "FriendshipAgreement", "SisterCityAgreement", "SisterRelation"} == kinds
    signings = {row[0] for row in select("SELECT ?s WHERE { ?s a pd:Signing ; pd:ofAgreement ?a }", a=a)}
    assert {str(d) for s in signings for d in article_says(s, URIRef("https://w3id.org/paradiplomacy/ontology#date"))} == dates
    assert values("SELECT ?s WHERE { ?a pd:status ?s }", a=a) == statuses
    listed = values("SELECT ?c WHERE { ?a pd:listedIn ?c }", a=a)
    assert listed == {"count-diy-agreements-2003-2012", COUNT_OF[group]}
    # every status is one the count it is listed in allows
    allowed = values("SELECT ?s WHERE { ?c pd:countsStatus ?s }",
                     c=URIRef(PDI + COUNT_OF[group]))
    assert statuses & allowed


def test_kyoto_extension_on_monday_18_july_2005():
    """"... dengan perpanjangan kerjasama pada Senin, 18 Juli 2005;" -- and that date was a Monday."""
    (d,) = [r[1] for r in select("""SELECT ?e ?d WHERE { ?e a pd:Extension ;
                                         pd:ofAgreement pdi:agreement-diy-kyoto-prefecture-1985 ; pd:date ?d }""")
            if r[1] in article_says(r[0], URIRef("https://w3id.org/paradiplomacy/ontology#date"))]
    assert str(d) == "2005-07-18"
    assert d.toPython().weekday() == datetime.date(2005, 7, 18).weekday() == 0  # Senin = Monday
    assert not ask("ASK { ?c a pd:SourceConflict ; pd:concerns pdi:extension-diy-kyoto-prefecture-2005 }")


def test_karlsruhe_continues_the_batan_cooperation_of_12_august_1999():
    """"... yang sebenarnya merupakan kelanjutan kerjasama dengan pihak BATAN dalam pemanfaatan IPTEK nuklir
    untuk kesejahteraan rakyat pada 12 Agustus 1999;" -- a cooperation with BATAN in the nuclear field,
    dated; the article names no other party to it, says nothing was signed, and does not count it among
    DIY's "11 kerjasama" (review I34, N1): a pd:Cooperation, not an agreement of DIY."""
    rows = select("""SELECT ?earlier ?d WHERE { pdi:agreement-diy-university-of-karlsruhe-2003 pd:continues ?earlier .
                        ?earlier pd:party pdi:batan ; pd:coversDomain pdv:nuclear-science ; pd:startDate ?d }""")
    assert [(local(e), str(d)) for e, d in rows] == [("cooperation-with-batan-1999", "1999-08-12")]
    assert not ask("ASK { pdi:cooperation-with-batan-1999 a pd:Agreement }", inferred=True)
    assert not ask("ASK { pdi:cooperation-with-batan-1999 pd:party pdi:special-region-of-yogyakarta }")
    assert not ask("ASK { ?s a pd:Signing ; pd:ofAgreement pdi:cooperation-with-batan-1999 }")
    # the nuclear field is the BATAN cooperation's; the article names no field for Karlsruhe's itself
    assert not ask("ASK { pdi:agreement-diy-university-of-karlsruhe-2003 pd:coversDomain ?d }")


def test_batan_is_placed_nowhere_the_article_does_not_place_it():
    """The article gives only "pihak BATAN" (review I33): no country."""
    assert not ask("ASK { pdi:batan pd:inState ?c }")


def test_tyrol_is_a_province_as_the_article_calls_it():
    """"(4) Kerjasama dengan Provinsi Tyrol, Republik Austria ..." (review I36)."""
    assert "Provinsi Tyrol, Republik Austria" in normalise(article_body())
    assert ask("ASK { pdi:tyrol a pd:Province ; pd:inState pdi:austria }")
    assert not ask("ASK { pdi:tyrol a pd:FederatedState }", inferred=True)


def test_expiries_of_the_ismailia_and_california_agreements():
    """"(habis masa berlakunya tahun 2001)" and "(habis masa berlakunya tahun 2002)" """
    rows = select("SELECT ?a ?d WHERE { ?e a pd:Expiry ; pd:ofAgreement ?a ; pd:date ?d }")
    assert {local(a): str(d) for a, d in rows} == {"agreement-diy-ismailia-governorate-1991": "2001",
                                                   "agreement-diy-california-1997": "2002"}


def test_tyrol_realisation_and_visits():
    """"... mengirimkan seorang dokter PTT bernama dr. Andreasta Meliala dari Gunung Kidul untuk mengikuti
    kursus selama 1 tahun di Austria tahun 2000, selain kunjungan ke-2 Gubernur DIY ke Tyrol, Austria pada
    1-3 Desember 2003, dan kunjungan balasan delegasi Tyrol ke DIY pada 28-29 Desember 2005." """
    rows = select("""SELECT ?kind ?where ?start ?end WHERE {
        ?a a pd:FollowUpActivity ; pd:ofAgreement pdi:agreement-diy-tyrol-1999 ; pd:activityKind ?kind ;
           pd:location ?where .
        OPTIONAL { ?a pd:date ?start } OPTIONAL { ?a pd:startDate ?start } OPTIONAL { ?a pd:endDate ?end } }""")
    got = {(local(k), local(w), str(s), str(e) if e is not None else None) for k, w, s, e in rows}
    assert got == {("activity-training", "austria", "2000", None),
                   ("activity-visit", "tyrol", "2003-12-01", "2003-12-03"),
                   ("activity-return-visit", "special-region-of-yogyakarta", "2005-12-28", "2005-12-29")}
    assert ask("""ASK { ?a pd:ofAgreement pdi:agreement-diy-tyrol-1999 ; pd:participant pdi:andreasta-meliala ;
                        pd:activityKind pdv:activity-training }""")


def test_chungcheongnam_do_undone_by_south_korean_central_policy():
    """"... secara substantive batal karena ada kebijakan dari Peerintah Pusat Korea Selatan yang tidak
    memandang tepat jika ada penandatanganan Sister Province lebih dari 1 provinsi/Negara Bagian di Korea,
    sehingga MoU yang telah ditandatangani diusulkan oleh ChungCheongnam-Do untuk diubah menjadi Agreement
    For Friendly saja" """
    assert ask("""ASK { pdi:agreement-diy-chungcheongnam-do-2004 pd:constrainedBy ?policy ;
                        pd:proposedConversionTo pd:FriendshipAgreement .
                        ?policy a pd:CentralPolicy ; pd:performedBy pdi:south-korea-central-government }""")
    reasons = values("SELECT ?r WHERE { pdi:agreement-diy-chungcheongnam-do-2004 pd:statusReason ?r }")
    assert all(normalise(r) in article_body() for r in reasons) and len(reasons) == 2


def test_chiang_mai_only_mutual_visits_and_a_plan():
    """"... kerjasama dengan Chiang Mai baru sebatas pemenuhan etika diplomatic dengan saling mengunjungi
    antar kedua pihak dan penyusunan rencana kerjasama saja." """
    kinds = values("""SELECT ?k WHERE { ?a pd:ofAgreement pdi:agreement-diy-chiang-mai-province-2007 ;
                                          a pd:FollowUpActivity ; pd:activityKind ?k }""")
    assert kinds == {"activity-visit", "activity-planning"}
    (reason,) = select("SELECT ?r WHERE { pdi:agreement-diy-chiang-mai-province-2007 pd:statusReason ?r }")[0]
    assert normalise(str(reason)) in article_body()


def test_period_2003_2012_does_not_contain_the_listed_dates_and_is_flagged():
    """The "11 kerjasama ... sejak tahun 2003 sampai dengan 2012" include agreements made in 1985, 1991,
    1997 and 1999."""
    rows = select("""SELECT ?a ?d WHERE {
        ?a pd:listedIn pdi:count-diy-agreements-2003-2012 .
        ?s a pd:Signing ; pd:ofAgreement ?a ; pd:date ?d .
        pdi:count-diy-agreements-2003-2012 pd:periodStart ?start .
        FILTER(SUBSTR(STR(?d), 1, 4) < STR(?start)) }""")
    assert {local(a): str(d)[:4] for a, d in rows} == {
        "agreement-diy-kyoto-prefecture-1985": "1985", "agreement-diy-ismailia-governorate-1991": "1991",
        "agreement-diy-california-1997": "1997", "agreement-diy-tyrol-1999": "1999"}
    assert ask("""ASK { ?c a pd:SourceConflict ; pd:conflictKind pdv:conflict-period-mismatch ;
                          pd:concerns pdi:count-diy-agreements-2003-2012 }""")


def test_spelling_variants_are_flagged():
    """"Geongsangbuk-Do" / "Geonsangbuk-Do", "Chugcheongnam-Do" / "ChungCheongnam-Do", "Karlsruhe" /
    "Karlshure", "Gunungkidul" / "Gunung Kidul" """
    mine = {"gyeongsangbuk-do", "chungcheongnam-do", "university-of-karlsruhe", "gunungkidul"}
    flagged = values("SELECT ?x WHERE { ?c pd:conflictKind pdv:conflict-spelling ; pd:concerns ?x }")
    assert mine <= flagged
    body = article_body()
    for x in mine:
        # the article really spells it in at least two ways, and the data keep them as names of x
        names = values("SELECT ?l WHERE { ?x rdfs:label|skos:altLabel ?l }", x=URIRef(PDI + x))
        spellings = {n.removeprefix("Universitas ").removeprefix("Provinsi ") for n in names}
        assert sum(1 for name in spellings if name in body) >= 2, x
