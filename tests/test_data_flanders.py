"""data/flanders.ttl (section B.1 Flanders, Belgia).

Each test quotes the sentence its expected answer comes from; numbers are also looked up in that
sentence's passage, so a wrong value in the data and a wrong passage both fail.
"""
from __future__ import annotations

import pytest
from rdflib import Literal
from rdflib.namespace import XSD

from tests.datagraph import local, section_quotes, section_text, article_body, ask, select

pytestmark = pytest.mark.usefixtures("real_dist")  # tests/datagraph.py reads that build


def test_every_sentence_of_b1_is_quoted_once_in_order():
    text = section_text("B.1. Flanders, Belgia", "B.2. Catalonia, Spanyol")
    assert " ".join(section_quotes("section-b1")).replace(" ", "") == text.replace(" ", "")


def test_flanders_combines_the_flemish_region_and_community():
    """"Pemerintah regional Flanders merupakan gabungan dari ‘The Flemish Region’ dengan ‘the Flemish
    Community’." """
    rows = select("SELECT ?part ?cls WHERE { pdi:flanders org:hasSubOrganization ?part . ?part a ?cls }")
    assert {(local(p), str(c).split("#")[-1]) for p, c in rows} == {
        ("flemish-region", "Region"), ("flemish-community", "Community")}


def test_flanders_has_maximum_autonomy():
    """"Flanders memiliki otonomi maksimum untuk berbagai kewenangan." """
    rows = select("SELECT ?a WHERE { pdi:flanders pd:autonomyLevel ?a FILTER(lang(?a) = 'id') }")
    assert [str(a) for (a,) in rows] == ["otonomi maksimum untuk berbagai kewenangan"]


def test_flanders_competences_one_per_domain():
    """"Pemerintah Regional Flanders berwewenang untuk urusan ekonomi, perdagangan internasional,
    kesehatan masyarakat, distribusi enegi, perumahan, pertanian dan hortikultura, lingkungan hidup,
    transport dan pekerjaan umum, kebijakan tenaga kerja, kebudayaan, pendidikan, iptek dan innovasi
    di wilayahnya." """
    rows = select("""SELECT ?c ?d WHERE { ?c a pd:Competence ; pd:holder pdi:flanders ; pd:policyDomain ?d ;
                     prov:wasDerivedFrom pdi:passage-b1-05 }""")
    domains = [local(d) for _, d in rows]
    assert len(domains) == len(set(domains)) == len({c for c, _ in rows})  # one node per domain
    assert set(domains) == {
        "economy", "international-trade", "public-health", "energy-distribution", "housing", "agriculture",
        "horticulture", "environment", "transport", "public-works", "employment", "culture", "education",
        "science-technology", "innovation"}


def test_treaty_making_power_since_1993():
    """"Pemerintah Regional Flanders sejak berdirinya tahun 1993, memiliki otoritas untuk membuat
    perjanjian dengan pihak luar negeri untuk setiap urusan domestiknya." """
    rows = select("""SELECT ?start ?q WHERE { ?c a pd:TreatyMakingPower ; pd:holder pdi:flanders ;
                     pd:startDate ?start ; prov:wasDerivedFrom ?p . ?p pd:quote ?q }""")
    assert {s for s, _ in rows} == {Literal("1993", datatype=XSD.gYear)}
    assert any("sejak berdirinya tahun 1993" in str(q) for _, q in rows)


def test_more_than_100_representations_for_entrepreneurship_agriculture_tourism():
    """"Flanders memiliki sekitar 100 lebih perwakilan di seluruh dunia khususnya untuk urusan
    kewirausahaan internasional, pertanian dan pariwisata ..." """
    rows = select("""SELECT ?v ?qual ?d WHERE { ?c a pd:RepresentationCount ; pd:countOf pdi:flanders ;
                     pd:value ?v ; pd:qualifier ?qual ; pd:policyDomain ?d }""")
    assert {(int(v), local(q)) for v, q, _ in rows} == {(100, "more-than")}
    assert {local(d) for _, _, d in rows} == {"entrepreneurship", "agriculture", "tourism"}
    assert "sekitar 100 lebih perwakilan" in article_body()


def test_staff_at_headquarters_and_abroad():
    """"... yang jumlahnya mencapai 94 orang yang menempati pos di kantor pusat pemerintahan Flanders."
    "Pegawai yang menempati pos perwakilan diplomatik Flanders di luar negeri ada 95 orang ..." """
    rows = select("""SELECT ?where ?v WHERE { ?c a pd:StaffCount ; pd:countOf pdi:flanders ; pd:value ?v ;
                     pd:workplace ?where FILTER NOT EXISTS { ?c pd:staffFunction ?f } }""")
    assert sorted((local(w), int(v)) for w, v in rows) == [("abroad", 95), ("headquarters", 94)]
    body = article_body()
    assert "mencapai 94 orang" in body and "di luar negeri ada 95 orang" in body


def test_staff_abroad_breakdown_and_the_diplomats_subset():
    """"... 44 personil dari jumlah itu mengurusi domain ‘foreign policy’, dimana 15 orang dari 44
    pegawai tersebut memiliki status sebagai ‘diplomat’. Urusan pariwisata asing ditangani oleh 26
    pegawai, perdagangan internasional oleh 19 pegawai, urusan administrasi kerjasama pembangunan oleh 3
    pegawai, dan tidak ada yang menempati pos urusan kerjasama kebudayaan." """
    parts = select("""SELECT ?f ?v WHERE { ?c pd:partOfTotal pdi:count-flanders-staff-abroad ;
                      pd:staffFunction ?f ; pd:value ?v }""")
    assert sorted((local(f), int(v)) for f, v in parts) == sorted([
        ("foreign-policy", 44), ("tourism", 26), ("international-trade", 19),
        ("development-cooperation", 3), ("cultural-cooperation", 0)])
    diplomats = select("""SELECT ?v ?status ?of WHERE { ?c pd:subsetOf ?sup ; pd:value ?v ; pd:staffStatus ?status .
                          ?sup pd:value ?of ; pd:partOfTotal pdi:count-flanders-staff-abroad
                          FILTER NOT EXISTS { ?c pd:partOfTotal ?t } }""")
    assert [(int(v), str(s), int(o)) for v, s, o in diplomats] == [(15, "diplomat", 44)]


def test_breakdown_of_92_against_95_is_flagged():
    """44 + 26 + 19 + 3 + 0 = 92, not the 95 the article gives: both kept, the mismatch flagged."""
    (total,) = select("SELECT ?v WHERE { pdi:count-flanders-staff-abroad pd:value ?v }")[0]
    (parts,) = select("""SELECT (SUM(?v) AS ?s) WHERE { ?c pd:partOfTotal pdi:count-flanders-staff-abroad ;
                         pd:value ?v }""")[0]
    assert int(parts) != int(total)
    assert ask("""ASK { ?x a pd:SourceConflict ; pd:conflictKind pdv:conflict-sum-mismatch ;
                  pd:concerns pdi:count-flanders-staff-abroad ; pd:conflictingStatement ?p ; rdfs:comment ?c }""")


def test_relation_with_brussels_harmonious_with_two_frictions():
    """"Hubungan Flanders dengan pemerintah federal pusat (Brussel) ... secara umum menunjukkan
    keharmonisan, kecuali terhadap gesekan pada isu-isu tertentu. Flanders sangat sensitif terhadap isu
    territorial dan isu identitas minoritas di wilayah yang termasuk dalam ‘Flanders Belt’." """
    rows = select("""SELECT ?character WHERE { ?c a pd:Classification ; pd:classifiedBy pdi:seed-article-author ;
                     pd:classifies pdi:relation-flanders-belgium ; pd:character ?character }""")
    assert [local(c) for (c,) in rows] == ["cooperative"]
    frictions = select("""SELECT ?issue WHERE { pdi:relation-flanders-belgium pd:hasFriction ?f .
                          ?f a pd:Friction ; pd:issue ?issue FILTER(lang(?issue) = "id") }""")
    issues = sorted(str(i) for (i,) in frictions)
    assert len(issues) == 2
    assert any("territorial" in i for i in issues) and any("Flanders Belt" in i for i in issues)
    assert ask("ASK { pdi:belgium-central-government pd:seatedIn pdi:brussels . pdi:brussels rdfs:label 'Brussel'@id }")


def test_relation_derived_cooperative_from_the_treaty_making_power():
    """The treaty-making power is evidence of cooperation: OWL RL derives the relation cooperative, and
    the frictions (pd:hasFriction, not evidence) do not make it conflictual."""
    assert ask("ASK { pdi:relation-flanders-belgium pd:hasEvidence ?e . ?e a pd:TreatyMakingPower }")
    assert ask("ASK { pdi:relation-flanders-belgium a pd:CooperativeRelation }", inferred=True)
    assert not ask("ASK { pdi:relation-flanders-belgium a pd:ConflictualRelation }", inferred=True)


def test_eu_activity_vertical_and_horizontal():
    """"Flanders sangat aktif dalam kerjasama Uni Eropa sehingga memiliki jaringan yang kuat, baik secara
    vertikal maupun horizontal atau sesama pemerintahan regional di Eropa." """
    rows = select("SELECT ?x WHERE { pdi:flanders pd:cooperatesWith ?x }")
    assert {local(x) for (x,) in rows} >= {"european-union", "european-regional-governments"}
