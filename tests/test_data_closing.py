"""The closing argument (last paragraph of B.5, and C. Penutup): data/closing.ttl against the article.

Each test quotes the sentence of the article it checks; the expected values can be read there.
"""
from __future__ import annotations

import pytest
from rdflib import URIRef

from tests.datagraph import local, article_body, ask, normalise, select

pytestmark = pytest.mark.usefixtures("real_dist")  # tests/datagraph.py reads that build

PDI = "https://w3id.org/paradiplomacy/id/"
CLOSING_PASSAGES = {f"passage-b5-{n:02d}" for n in range(19, 24)} | {f"passage-c-{n:02d}" for n in range(1, 6)}


def test_closing_passages_are_verbatim():
    rows = select("SELECT ?p ?q WHERE { ?p a pd:SourcePassage ; pd:quote ?q }")
    found = {local(p): str(q) for p, q in rows if local(p) in CLOSING_PASSAGES}
    assert set(found) == CLOSING_PASSAGES
    body = article_body()
    for passage, quote in found.items():
        assert normalise(quote) in body, f"{passage} is not verbatim: {quote}"
    # section C's passages are all of section C, in order, and C has no others
    c_rows = select("SELECT ?p ?o WHERE { ?p dcterms:isPartOf pdi:section-c ; pd:order ?o }")
    assert sorted(o.toPython() for _, o in c_rows) == [1, 2, 3, 4, 5]


def test_asean_economic_community_from_2015():
    """"Dalam kontekskerjasama ASEAN, dan berlakunya ASEAN Economic Community mulai tahun 2015 ini ..." """
    rows = select("SELECT ?start WHERE { ?e a pd:Event ; pd:participant pdi:asean ; pd:startDate ?start }")
    assert [str(r[0]) for r in rows] == ["2015"]
    assert ask("ASK { pdi:asean a pd:InternationalOrganisation ; skos:exactMatch wd:Q7768 }")


def test_proposal_of_an_asean_organisation_of_regional_governments_is_only_a_proposal():
    """"... sangat penting bagi Pemerintah Indonesia untuk segera meng-inisiasi upaya terbentuknya sebuah
    organisasi jalinan pemerintah daerah atau pemerintah regional/provinsi ..." """
    rows = select("""SELECT ?p WHERE { ?p a pd:Proposal ; pd:proposedBy pdi:seed-article-author ;
                                         pd:addressedTo pdi:indonesia-central-government ;
                                         prov:wasDerivedFrom pdi:passage-b5-19 }""")
    assert len(rows) == 1
    proposal = rows[0][0]
    # not an existing body, not even after reasoning
    assert not ask("""ASK { { ?p a pd:Actor } UNION { ?p a org:Organization } UNION { ?p a pd:RegionalGovernmentNetwork } }""",
                   inferred=True, p=proposal)


def test_market_integration_argument_majority_consumers_minority_market_players():
    """"Sangat berbahaya kalau sampai ini terjadi sebab masyarakat Indonesia hanya akan menjadi konsumen
    mayoritas di pasar bebas ASEAN, namun minoritas selaku 'market players'." """
    rows = select("""SELECT ?a ?q WHERE { ?a a pd:Argument ; prov:wasAttributedTo pdi:seed-article-author ;
                                           prov:wasDerivedFrom ?p . ?p pd:quote ?q }""")
    with_players = {local(a) for a, q in rows if "konsumen mayoritas" in str(q)}
    assert with_players == {"argument-market-integration-without-people"}


def test_closing_arguments_each_rest_on_section_c():
    """C. Penutup: "'inward looking' menjadi ... 'outward looking'", "transnasional, informal, inklusif dan
    kompetitif", "'multi-track diplomacy', termasuk di dalamnya 'cultural diplomacy'", and the warning
    against "merencanakan pejalan ke luar negeri bagi para pejabat daerah ... dengan menggunakan anggaran
    daerah" """
    rows = select("""SELECT ?a ?o WHERE { ?a a pd:Argument ; prov:wasAttributedTo pdi:seed-article-author ;
                                           prov:wasDerivedFrom ?p . ?p dcterms:isPartOf pdi:section-c ; pd:order ?o }""")
    by_passage = {}
    for argument, order in rows:
        by_passage.setdefault(order.toPython(), set()).add(local(argument))
    assert by_passage == {
        1: {"argument-inward-to-outward-looking"},
        2: {"argument-transnational-informal-inclusive-competitive"},
        3: {"argument-public-diplomacy-multi-track"},
        4: {"argument-officials-trips-abroad"},
        5: {"argument-officials-trips-abroad"},
    }
    assert ask("ASK { ?a pd:description ?d . FILTER(CONTAINS(?d, 'regional budget')) }",
               a=URIRef(PDI + "argument-officials-trips-abroad"))
