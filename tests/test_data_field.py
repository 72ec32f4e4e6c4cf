"""data/field.ttl: the term and its history, Criekemans's two tendencies, Lecours's three kinds and
the author's placement of Indonesian paradiplomacy (sections A and the introduction of B).

Each test quotes the sentence its expected answer comes from; the expectations are what a reader
finds there, checked against the article text where a name can be found in it.
"""
from __future__ import annotations

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from tests.datagraph import local, section_quotes, section_text, article_body, ask, select

pytestmark = pytest.mark.usefixtures("real_dist")  # tests/datagraph.py reads that build


def test_every_sentence_of_section_a_is_quoted_once_in_order():
    """Section A's passages, joined in order, are exactly the text of section A."""
    text = section_text("A. Pendahuluan", "B. Pembahasan")
    assert " ".join(section_quotes("section-a")).replace(" ", "") == text.replace(" ", "")


def test_every_sentence_of_the_introduction_of_b_is_quoted_once_in_order():
    text = section_text("Beberapa Pengalaman Paradiplomasi di Negara Maju", "B.1. Flanders, Belgia")
    assert " ".join(section_quotes("section-b")).replace(" ", "") == text.replace(" ", "")


def test_paradiplomacy_coined_by_soldatos_from_parallel_diplomacy_in_the_1980s():
    """"Istilah ‘paradiplomacy’ pertama kali diluncurkan dalam perdebatan akademik oleh ilmuwan asal
    Basque, Panayotis Soldatos tahun 1980-an sebagai penggabungan istilah ‘parallel diplomacy’
    menjadi ‘paradiplomacy’ ..." """
    rows = select("""SELECT ?name ?fromLabel ?note WHERE { pdi:concept-paradiplomacy pd:coinedBy ?who ;
                     pd:derivedFromTerm ?from ; skos:historyNote ?note . ?who rdfs:label ?name .
                     ?from skos:prefLabel ?fromLabel
                     FILTER(lang(?name) = "en" && lang(?fromLabel) = "en" && lang(?note) = "en") }""")
    assert len(rows) == 1
    name, from_label, note = rows[0]
    assert str(name) == "Panayotis Soldatos" and str(name) in article_body()
    assert str(from_label) == "parallel diplomacy"
    assert "1980s" in str(note)


def test_meaning_given_by_aldecoa_keating_and_boyer():
    """"... yang mengacu pada makna ‘the foreign policy of non-central governments’, menurut Aldecoa,
    Keating dan Boyer." Surnames only, as the article gives them."""
    rows = select("""SELECT ?name ?meaning WHERE { ?m dcterms:subject pdi:concept-paradiplomacy ;
                     pd:description ?meaning ; prov:wasAttributedTo ?who . ?who rdfs:label ?name
                     FILTER(lang(?name) = "en") }""")
    assert sorted(str(n) for n, _ in rows) == ["Aldecoa", "Boyer", "Keating"]
    assert {str(m) for _, m in rows} == {"the foreign policy of non-central governments"}
    assert "‘the foreign policy of non-central governments’, menurut Aldecoa, Keating dan Boyer" in article_body()


def test_micro_diplomacy_by_duchacek_new_york_1990():
    """"Istilah lain yang pernah dilontarkan oleh Ivo Duchacek (New York, tahun 1990) untuk konsep ini
    adalah ‘micro-diplomacy’." -- "(New York, tahun 1990)" reads as a place and year of publication, not
    the term's coinage: kept in the history note, no dcterms:created (review I2)."""
    rows = select("""SELECT ?name ?note WHERE { ?c skos:prefLabel "micro-diplomacy"@en ; pd:coinedBy ?who ;
                     skos:historyNote ?note . ?who rdfs:label ?name FILTER(lang(?name) = "en") }""")
    assert {str(n) for n, _ in rows} == {"Ivo Duchacek"} and all("1990" in str(h) for _, h in rows)
    assert not ask("""ASK { ?c skos:prefLabel "micro-diplomacy"@en ; dcterms:created ?y }""")


def test_wolff_argues_the_westphalian_system_must_share_sovereignty():
    """"Sistem Westphalia yang meletakkan kedaulatan secara penuh pada pemerintah pusat, harus rela
    ‘share’ dengan pemerintah daerah dalam aktifitas internasionalnya." (footnote 3: Wolff, hal. 13)"""
    rows = select("""SELECT ?fn WHERE { ?a a pd:Argument ; prov:wasAttributedTo pdi:stefan-wolff ;
                     prov:wasDerivedFrom ?p . ?p pd:quote ?q ; pd:footnote ?f . ?f pd:footnoteNumber ?fn
                     FILTER(CONTAINS(STR(?q), "Westphalia")) }""")
    assert rows == [(Literal(3),)]


def test_criekemans_two_tendencies():
    """"Paradiplomasi yang dipraktekkan oleh Flanders, Wallonia, dan Bavaria cenderung kooperatif dengan
    pemerintah pusat, meski masih ada kesan kompetitif, sedangkan interaksi luar negeri yang
    dilaksanakan oleh Scotland dan Catalonia cenderung konfliktual." """
    rows = select("""SELECT ?actor ?character WHERE { ?c a pd:Classification ; pd:classifiedBy pdi:david-criekemans ;
                     pd:classifies ?r ; pd:character ?character . ?r pd:subStateActor ?actor }""")
    by_character: dict[str, set[str]] = {}
    for actor, character in rows:
        by_character.setdefault(local(character), set()).add(local(actor))
    assert by_character == {"cooperative": {"flanders", "wallonia", "bavaria"},
                            "conflictual": {"scotland", "catalonia"}}
    # the lingering competitiveness is kept in the source's words on the cooperative ones
    tendencies = select("""SELECT ?t WHERE { ?c pd:classifiedBy pdi:david-criekemans ; pd:character pdv:cooperative ;
                           pd:tendency ?t FILTER(lang(?t) = "id") }""")
    assert len(tendencies) == 3
    assert all("meski masih ada kesan kompetitif" in str(t) for (t,) in tendencies)


def test_each_relation_pairs_an_actor_with_the_government_of_its_own_state():
    rows = select("""SELECT ?r WHERE { ?r a pd:CentreRegionRelation ; pd:subStateActor ?a ; pd:centralGovernment ?g .
                     ?a pd:inState ?state .
                     FILTER NOT EXISTS { ?a pd:inState ?s . ?g pd:governs ?s } }""")
    assert rows == []
    # A: "interaksi luar negeri yang dilaksanakan oleh Scotland dan Catalonia ..." and the bare names
    # "Flanders, Wallonia, dan Bavaria cenderung kooperatif ..." give those three no state, so the data gives them none
    stateless = select("""SELECT ?a WHERE { ?r a pd:CentreRegionRelation ; pd:subStateActor ?a .
                          FILTER NOT EXISTS { ?a pd:inState ?s } }""")
    assert {local(a) for (a,) in stateless} == {"scotland", "wallonia", "bavaria"}
    assert len(select("SELECT ?r WHERE { ?r pd:subStateActor ?a ; pd:centralGovernment ?g }")) >= 5


def _placements(kind: str) -> set[str]:
    rows = select("""SELECT ?a WHERE { ?p a pd:KindPlacement ; pd:placedBy pdi:andre-lecours ;
                     pd:paradiplomacyKind ?k ; pd:placedActor ?a }""",
                  k=URIRef("https://w3id.org/paradiplomacy/vocab/" + kind))
    return {local(a) for (a,) in rows}


def test_lecours_first_kind_economic():
    """"Interaksi transnasional jenis ini biasa dipraktekkan oleh negara-negara bagian di Amerika
    Serikat dan Australia." """
    assert _placements("economic-paradiplomacy") == {"us-states", "australian-states"}
    states = select("""SELECT ?s WHERE { VALUES ?g { pdi:us-states pdi:australian-states } ?g a pd:ActorGroup ; pd:inState ?s }""")
    assert {local(s) for (s,) in states} == {"united-states", "australia"}


def test_lecours_second_kind_multipurpose_with_rhone_alpes_partners():
    """"Beberapa provinsi di Jerman atau ‘lander’, mempraktekkan hubungan model ini, demikian pula
    pemerintah regional Rhone-Alpes, Perancis, menjalin hubungan dengan beberapa negara bagian di
    Afrika seperti Mali, Senegal dan Tunisia, serta provinsi di Vietnam dan Polandia." """
    assert _placements("multipurpose-paradiplomacy") == {"german-lander", "rhone-alpes"}
    partners = select("""SELECT ?partner ?state WHERE { pdi:placement-lecours-rhone-alpes pd:examplePartner ?partner .
                         { ?partner a pd:SovereignState BIND(?partner AS ?state) }
                         UNION { ?partner a pd:ActorGroup ; pd:inState ?state } }""")
    assert {(local(p), local(s)) for p, s in partners} == {
        ("mali", "mali"), ("senegal", "senegal"), ("tunisia", "tunisia"),
        ("vietnamese-provinces", "vietnam"), ("polish-provinces", "poland")}
    # the article calls the three African states "negara bagian": kept and flagged
    assert ask("""ASK { ?c a pd:SourceConflict ; pd:conflictKind pdv:conflict-world ;
                  pd:concerns pdi:mali , pdi:senegal , pdi:tunisia ; pd:conflictingStatement pdi:passage-b-07 }""")


def test_lecours_third_kind_identity():
    """"Yang mempraktekkan model ini antara lain Flanders-Belgia, Catalonia-Spanyol, Quebec-Canada dan
    Basque Country." """
    assert _placements("identity-paradiplomacy") == {"flanders", "catalonia", "quebec", "basque-country"}
    rows = select("""SELECT ?a ?s WHERE { VALUES ?a { pdi:flanders pdi:catalonia pdi:quebec } ?a pd:inState ?s }""")
    assert {(local(a), local(s)) for a, s in rows} == {
        ("flanders", "belgium"), ("catalonia", "spain"), ("quebec", "canada")}


def test_author_places_indonesian_paradiplomacy_in_the_second_kind():
    """"... paradiplomasi di Indonesia, baik provinsi atau kabupaten/kota, dapat dikelompokkan ke dalam
    kategori ke-2, di mana pemda ... hampir selalu menggunakan ‘memorandum of understanding’ yang
    mencakup ... kerjasama ekonomi, pendidikan, kebudayaan/kesenian, pertanian, kesehatan, alih
    teknologi, bantuan tenaga ahli, bantuan teknis, dan sebagainya." """
    rows = select("""SELECT ?kind ?state WHERE { ?p a pd:KindPlacement ; pd:placedBy pdi:seed-article-author ;
                     pd:placedActor pdi:indonesian-local-governments ; pd:paradiplomacyKind ?kind .
                     pdi:indonesian-local-governments a pd:ActorGroup ; pd:inState ?state }""")
    assert [(local(k), local(s)) for k, s in rows] == [("multipurpose-paradiplomacy", "indonesia")]
    domains = select("""SELECT ?label WHERE { ?p pd:placedBy pdi:seed-article-author ;
                        pd:placedActor pdi:indonesian-local-governments ; pd:policyDomain ?d .
                        ?d skos:prefLabel ?label FILTER(lang(?label) = "id") }""")
    labels = {str(label) for (label,) in domains}
    assert labels == {"ekonomi", "pendidikan", "kebudayaan", "kesenian", "pertanian", "kesehatan",
                      "alih teknologi", "bantuan tenaga ahli", "bantuan teknis"}
    quote = select("SELECT ?q WHERE { pdi:passage-b-11 pd:quote ?q }")[0][0]
    assert all(label in str(quote) for label in labels)
