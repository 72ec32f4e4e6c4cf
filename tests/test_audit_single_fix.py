"""The lead's decisions on the open questions of the full audits of single-passage citations
(docs/audits/audit-single-full-{asia,web,ind,other}.md): each triple sits in the graph of the source
whose words state it -- a passage, a footnote (for what only the footnote's text says), the article,
or a reference work -- and `statement-sources` answers with that source's own words."""
from __future__ import annotations

import pytest

from cq.kgdata import ROOT, engines
from datagraph import _named_graphs, article_body, article_full, normalise
from kg.namespaces import PD, PDI, PROV
from kg.query.catalogue import load_catalogue
from test_provenance import sources

CATALOGUE = load_catalogue(ROOT)
pytestmark = pytest.mark.usefixtures("real_dist")

# Footnote 13, verbatim (the article's own note about its writer; the space before the comma is the
# article's): "Penulis jurnal ini adalah alumnus dari Akademi Saemaul Undong , yang bertempat di
# Kyungwooon University, Gyeongsangbuk-Do, Korea Selatan, pada Bulan Mei-Juni 2008."
FOOTNOTE_13 = ("Penulis jurnal ini adalah alumnus dari Akademi Saemaul Undong , yang bertempat di "
               "Kyungwooon University, Gyeongsangbuk-Do, Korea Selatan, pada Bulan Mei-Juni 2008.")
# b3-11, verbatim
B3_11 = ("Gyeongsangbuk-Do juga merupakan pusat gerakan ‘Saemaul Undong’ seluruh dunia yakni gerakan "
         "pembaharuan pedesaan dengan berdirinya Akademi Saemaul Undong di sana, dan menjadi tempat "
         "pelatihan gerakan ini bagi pada delegasi dari berbagai belahan dunia.")




def only_footnote_13(rows) -> None:
    """The rows name footnote 13 as the one source, with its text as the quote."""
    assert [(r["source"], str(r["footnoteNumber"])) for r in rows] == [(PDI["footnote-13"], "13")] * len(rows)
    assert rows and all(str(r["quote"]) == FOOTNOTE_13 for r in rows)
    assert str(rows[0]["sectionNumber"]) == "B.3"


def test_the_article_carries_footnote_13_and_b3_11_as_quoted_here():
    assert normalise(FOOTNOTE_13) in article_full()
    assert normalise(B3_11) in article_body()
    assert "Kyungwooon" not in article_body()       # only the footnote names the university


# --------------------------------------------------------------------------------------------------
# 1. Footnote 13's facts sit in footnote 13's graph, not b3-11's
# --------------------------------------------------------------------------------------------------
def test_the_author_s_course_of_2008_is_footnote_13_s(real_dist):
    # "Penulis jurnal ini adalah alumnus dari Akademi Saemaul Undong ... pada Bulan Mei-Juni 2008"
    course = "pdi:event-author-saemaul-undong-course-2008"
    for p, o in (("pd:participant", "pdi:seed-article-author"), ("pd:location", "pdi:saemaul-undong-academy"),
                 ("pd:startDate", None), ("pd:endDate", None), ("pd:description", None)):
        rows = sources(real_dist, course, p, o)
        only_footnote_13(rows)
    dates = {str(r["o"]) for p in ("pd:startDate", "pd:endDate") for r in sources(real_dist, course, p)}
    assert dates == {"2008-05", "2008-06"}                              # "Mei-Juni 2008"
    (desc,) = [str(r["o"]) for r in sources(real_dist, course, "pd:description")]
    assert not desc.startswith("Footnote")                               # no remark on the source


def test_kyungwoon_university_and_the_academy_s_seat_are_footnote_13_s(real_dist):
    # "... Akademi Saemaul Undong , yang bertempat di Kyungwooon University, Gyeongsangbuk-Do, Korea Selatan"
    for s, p, o in (("pdi:seat-saemaul-undong-academy", "pd:seatLocation", "pdi:kyungwoon-university"),
                    ("pdi:seat-saemaul-undong-academy", "pd:seatOf", "pdi:saemaul-undong-academy"),
                    ("pdi:kyungwoon-university", "pd:inState", "pdi:south-korea"),
                    ("pdi:saemaul-undong-academy", "pd:inState", "pdi:south-korea"),
                    ("pdi:kyungwoon-university", "pd:description", None)):
        only_footnote_13(sources(real_dist, s, p, o))
    data = _named_graphs()["data"]
    for node in ("kyungwoon-university", "seat-saemaul-undong-academy", "event-author-saemaul-undong-course-2008"):
        assert set(data.objects(PDI[node], PROV.wasDerivedFrom)) == {PDI["footnote-13"]}, node


def test_the_academy_s_description_is_split_between_b3_11_and_footnote_13(real_dist):
    rows = sources(real_dist, "pdi:saemaul-undong-academy", "pd:description")
    by_source = {}
    for r in rows:
        by_source.setdefault(r["source"], set()).add(str(r["o"]))
    assert set(by_source) == {PDI["passage-b3-11"], PDI["footnote-13"]}
    # b3-11: "... dengan berdirinya Akademi Saemaul Undong di sana" -- no university, no state
    assert not any("Kyungwooon" in d or "South Korea" in d for d in by_source[PDI["passage-b3-11"]])
    assert "with the Saemaul Undong Academy established there" in " ".join(by_source[PDI["passage-b3-11"]])
    # footnote 13: "yang bertempat di Kyungwooon University, Gyeongsangbuk-Do, Korea Selatan"
    assert by_source[PDI["footnote-13"]] == {"Located at 'Kyungwooon University', Gyeongsangbuk-Do, South Korea."}
    b311 = [r for r in rows if r["source"] == PDI["passage-b3-11"]]
    assert normalise(str(b311[0]["quote"])) == normalise(B3_11)


def test_b3_11_holds_nothing_only_footnote_13_says(real_dist):
    # b3-11's graph, read from the build's provenance: no triple of the university, the seat or the
    # course, and not the Academy's state
    oxi, _ = engines(real_dist)
    rows = oxi.query("""
        PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        PREFIX prov: <http://www.w3.org/ns/prov#>
        SELECT ?s ?p ?o WHERE { GRAPH <https://w3id.org/paradiplomacy/graph/provenance> {
          ?st rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;
              prov:wasDerivedFrom <https://w3id.org/paradiplomacy/id/passage-b3-11> } }""").rows
    triples = {(r["s"], r["p"], r["o"]) for r in rows}
    assert triples                                                       # b3-11 keeps its own
    subjects = {s for s, _, _ in triples}
    for node in ("kyungwoon-university", "seat-saemaul-undong-academy", "event-author-saemaul-undong-course-2008"):
        assert PDI[node] not in subjects, node
    assert (PDI["saemaul-undong-academy"], PD.inState, PDI["south-korea"]) not in triples


def test_the_seed_article_s_author_is_footnote_13_s_not_b2_20_s(real_dist):
    # b2-20: "saat jurnal ini ditulis pada akhir Januari 2015" names no writer; footnote 13 does:
    # "Penulis jurnal ini ..."
    for p, o in (("rdf:type", "pd:Person"), ("rdfs:label", None), ("prov:wasDerivedFrom", "pdi:footnote-13")):
        only_footnote_13(sources(real_dist, "pdi:seed-article-author", p, o))
    only_footnote_13(sources(real_dist, "pdi:seed-article", "dcterms:creator", "pdi:seed-article-author"))
    assert not sources(real_dist, "pdi:seed-article-author", "prov:wasDerivedFrom", "pdi:passage-b2-20")


def test_provenance_of_gives_the_footnote_s_text_for_a_node_only_the_footnote_states(real_dist):
    q = CATALOGUE["provenance-of"]
    oxi, ref = engines(real_dist)
    for engine in (oxi, ref):
        rows = engine.query(q.text, q.bind({"resource": "pdi:kyungwoon-university"})).rows
        assert [(r["passage"], str(r["quote"]), str(r["footnoteNumber"])) for r in rows] == \
            [(PDI["footnote-13"], FOOTNOTE_13, "13")]


def test_kg_explain_s_sources_take_a_footnote_as_a_source(real_dist):
    from kg.explain import _sources

    oxi, _ = engines(real_dist)
    (src,) = _sources(oxi, PDI["event-author-saemaul-undong-course-2008"])
    assert (src.passage, src.quote, src.footnote, src.section) == ("pdi:footnote-13", FOOTNOTE_13, 13, "B.3")


# --------------------------------------------------------------------------------------------------
# 2. Jabarprov 02's count of five: a subset of the 11, not West Java's by its own words
# --------------------------------------------------------------------------------------------------
def test_the_five_are_a_subset_of_the_eleven_and_name_no_owner(real_dist):
    # 02: "Of the 11 states, five of them have been formed by Sister Province cooperation with ..."
    five = "pdi:count-west-java-sister-provinces-2017"
    assert not sources(real_dist, five, "pd:countOf")
    rows = sources(real_dist, five, "pd:subsetOf", "pdi:count-west-java-partner-states-2017")
    assert [r["source"] for r in rows] == [PDI["passage-jabarprov-cooperation-11-countries-02"]]
    assert str(rows[0]["quote"]).startswith("Of the 11 states, five of them")
    # 01: "... West Java Provincial Government recorded has established cooperation in various fields
    # with 11 states from 8 countries ..." names the owner of the 11
    rows = sources(real_dist, "pdi:count-west-java-partner-states-2017", "pd:countOf", "pdi:west-java")
    assert [r["source"] for r in rows] == [PDI["passage-jabarprov-cooperation-11-countries-01"]]
    assert "West Java Provincial Government" in str(rows[0]["quote"]) and "with 11 states" in str(rows[0]["quote"])


# --------------------------------------------------------------------------------------------------
# 3. b3-11's training of delegations: Gyeongsangbuk-Do is the place; no trainer is named
# --------------------------------------------------------------------------------------------------
def test_the_training_of_delegations_has_its_place_and_no_trainer(real_dist):
    # "Gyeongsangbuk-Do ... dan menjadi tempat pelatihan gerakan ini bagi pada delegasi"
    training = "pdi:event-saemaul-undong-training-of-delegations"
    assert not sources(real_dist, training, "pd:performedBy")
    rows = sources(real_dist, training, "pd:location", "pdi:gyeongsangbuk-do")
    assert [r["source"] for r in rows] == [PDI["passage-b3-11"]]
    assert "menjadi tempat pelatihan gerakan ini" in normalise(str(rows[0]["quote"]))


# --------------------------------------------------------------------------------------------------
# 4. b3-12's spirit of Saemaul Undong: naming the movement does not state a policy domain
# --------------------------------------------------------------------------------------------------
def test_the_spirit_of_saemaul_undong_ties_have_no_policy_domain(real_dist):
    # b3-12: "Kerjasama dengan menyebarkan 'spirit of Saemaul Undong' ini telah merekatkan hubungan ..."
    ties = "pdi:event-saemaul-undong-spirit-ties"
    assert not sources(real_dist, ties, "pd:policyDomain")
    rows = sources(real_dist, ties, "pd:participant", "pdi:indonesia")
    assert [r["source"] for r in rows] == [PDI["passage-b3-12"]]
    assert "spirit of Saemaul Undong" in str(rows[0]["quote"]) and "termasuk Indonesia" in str(rows[0]["quote"])


# --------------------------------------------------------------------------------------------------
# 6. The triples no passage cites (docs/audits/audit-single-full-other.md): a later "Op.Cit." names
#    the work and its author, not the title, date and institution the first full reference gives
# --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("work, full, later, author", [
    # footnote 1: "Wolff, Stefan, 'Paradiplomacy: Scope, Opportunities and Challenges', hal. 1-2,
    # University of Nottingham, 2009"; 3: "Op.Cit., Wolff, hal. 13"; 9: "Op.Cit., Wolff, hal 9"
    ("work-wolff-2009", 1, (3, 9), "stefan-wolff"),
    # footnote 2: "Criekemans, David, 'Are The Boundaries between Paradiplomacy and Diplomacy Watering
    # Down?', hal. 34, ..., July 2008"; 4, 7, 10: "Op.Cit., Criekemans, hal. ..."
    ("work-criekemans-2008", 2, (4, 7, 10), "david-criekemans"),
])
def test_a_work_s_title_and_date_are_the_full_reference_s_not_op_cit_s(real_dist, work, full, later, author):
    for p in ("dcterms:title", "dcterms:issued", "dcterms:bibliographicCitation"):
        rows = sources(real_dist, f"pdi:{work}", p)
        assert [(r["source"], str(r["footnoteNumber"])) for r in rows] == [(PDI[f"footnote-{full}"], str(full))], p
        assert normalise(str(rows[0]["quote"])) in article_full()
        if p == "dcterms:title":
            assert str(rows[0]["o"]) in str(rows[0]["quote"])
    rows = sources(real_dist, f"pdi:{work}", "dcterms:creator", f"pdi:{author}")
    assert sorted(int(str(r["footnoteNumber"])) for r in rows) == sorted((full, *later))
    surname = author.split("-")[-1].capitalize()
    for r in rows:
        text = str(r["quote"])
        assert surname in text and normalise(text) in article_full()
        if int(str(r["footnoteNumber"])) in later:
            assert text.startswith("Op.Cit.,")
