"""The fixes of the full audit of single-passage triples, group D (the web-page sources, sources.trig,
references.trig; docs/audits/audit-single-full-web.md): each triple now sits in the graph of the
passage (or the article, or the footnote) whose words say it, and `statement-sources` answers so."""
from __future__ import annotations

import pytest

from datagraph import article_body, article_full, normalise, select
from kg.namespaces import PDI
from test_provenance import sources

pytestmark = pytest.mark.usefixtures("real_dist")




# --------------------------------------------------------------------------------------------------
# The seed article's front matter: out of b2-20, which only dates the writing
# --------------------------------------------------------------------------------------------------
def test_the_writing_date_stays_with_b2_20(real_dist):
    # B.2: "Sejauh ini, saat jurnal ini ditulis pada akhir Januari 2015, ..."
    for p in ("dcterms:created", "dcterms:date"):
        rows = sources(real_dist, "pdi:seed-article", p)
        assert [r["source"] for r in rows] == [PDI["passage-b2-20"]], p
        quote = normalise(str(rows[0]["quote"]))
        assert "saat jurnal ini ditulis pada akhir Januari 2015" in quote and quote in article_body()


def test_the_abstract_keywords_and_language_are_the_article_s_own_not_b2_20s(real_dist):
    # the article opens: "Abstract / Paradiplomacy as a new phenomenon in international studies ...
    # Keywords:  Paradiplomacy, Local government, Sub- state, Transnational"; b2-20 says none of it
    full = article_full()
    for p in ("dcterms:abstract", "dcterms:subject", "dcterms:language"):
        rows = sources(real_dist, "pdi:seed-article", p)
        assert rows and {r["source"] for r in rows} == {PDI["seed-article"]}, p
    abstract = [str(r["o"]) for r in sources(real_dist, "pdi:seed-article", "dcterms:abstract")]
    assert len(abstract) == 1 and normalise(abstract[0]) in full
    keywords = sorted(str(r["o"]) for r in sources(real_dist, "pdi:seed-article", "dcterms:subject"))
    assert keywords == ["Local government", "Paradiplomacy", "Sub-state", "Transnational"]
    assert "Keywords: Paradiplomacy, Local government, Sub-state, Transnational" in full


def test_the_author_of_the_article_is_named_by_footnote_13(real_dist):
    # footnote 13: "Penulis jurnal ini adalah alumnus dari Akademi Saemaul Undong , ..."
    rows = sources(real_dist, "pdi:seed-article", "dcterms:creator", "pdi:seed-article-author")
    assert [(r["source"], str(r["footnoteNumber"])) for r in rows] == [(PDI["footnote-13"], "13")]
    text = select("SELECT ?t WHERE { pdi:footnote-13 pd:footnoteText ?t }")
    assert len(text) == 1 and str(text[0][0]).startswith("Penulis jurnal ini")
    assert normalise(str(text[0][0])) in article_full()


# --------------------------------------------------------------------------------------------------
# Tempo, 26 October 2008: the Baalbek signing's day is in the Mayor's sentence, not in the lede
# --------------------------------------------------------------------------------------------------
def test_the_baalbek_signing_date_is_said_by_the_mayor_s_sentence(real_dist):
    # "... dengan ditandatanganinya LoI ...," kata Wali Kota Yogyakarta Herry Zudianto, Sabtu (25/10).
    rows = sources(real_dist, "pdi:signing-yogyakarta-city-baalbek-2008", "pd:date")
    assert [(r["source"], str(r["o"])) for r in rows] == \
        [(PDI["passage-tempo-2008-yogyakarta-baalbek-03"], "2008-10-25")]
    quote = str(rows[0]["quote"])
    assert "ditandatanganinya LoI" in quote and quote.endswith("Sabtu (25/10).")
    # the lede ("Pemerintah Kota Yogyakarta menandatangani kerjasama ... dengan Baalbek") gives no date,
    # and keeps the signing's parties and agreement
    lede = select("SELECT ?q WHERE { pdi:passage-tempo-2008-yogyakarta-baalbek-01 pd:quote ?q }")
    assert "25" not in str(lede[0][0]) and "menandatangani" in str(lede[0][0])
    for p, o in (("pd:participant", "pdi:baalbek"), ("pd:participant", "pdi:yogyakarta-city"),
                 ("pd:ofAgreement", "pdi:agreement-yogyakarta-city-baalbek")):
        assert [r["source"] for r in sources(real_dist, "pdi:signing-yogyakarta-city-baalbek-2008", p, o)] == \
            [PDI["passage-tempo-2008-yogyakarta-baalbek-01"]]


def test_the_tempo_passages_keep_the_page_s_order():
    # lede, the Mayor's sentence, "Penandatanganan tersebut merupakan tahap awal ..."
    rows = select("""SELECT ?p ?o WHERE { ?p dcterms:isPartOf pdi:web-tempo-2008-yogyakarta-baalbek-section-whole-page ;
                                           pd:order ?o }""")
    assert [str(p).rsplit("-", 1)[1] for p, _ in sorted(rows, key=lambda r: int(r[1]))] == ["01", "03", "02"]


# --------------------------------------------------------------------------------------------------
# Beritajakarta.id: the Berlin tie's label names Berlin
# --------------------------------------------------------------------------------------------------
def test_the_jakarta_berlin_tie_is_labelled_with_berlin():
    # "... terdiri dari Jeddah, ..., Arkansas, Berlin, New South Wales, ..."
    labels = {str(label) for (label,) in select("SELECT ?l WHERE { pdi:agreement-jakarta-berlin rdfs:label ?l }")}
    assert labels == {"DKI Jakarta–Berlin sister-city cooperation", "Kerja sama sister city DKI Jakarta–Berlin"}


# --------------------------------------------------------------------------------------------------
# jabarprov.go.id: what the count of five counts, in the page's words and no more
# --------------------------------------------------------------------------------------------------
def test_the_five_sister_provinces_count_renders_its_passage_and_no_more(real_dist):
    # "Of the 11 states, five of them have been formed by Sister Province cooperation with ..."
    rows = sources(real_dist, "pdi:count-west-java-sister-provinces-2017", "pd:countedThing")
    assert [(str(r["o"]), r["source"]) for r in rows] == \
        [("of the 11 states, those with which Sister Province cooperation has been formed",
          PDI["passage-jabarprov-cooperation-11-countries-02"])]
    assert str(rows[0]["quote"]).startswith("Of the 11 states, five of them have been formed by Sister Province cooperation")
    # the curators' remark that the page names no other six is a comment, not what is counted
    comments = [str(c) for (c,) in select("SELECT ?c WHERE { pdi:count-west-java-sister-provinces-2017 rdfs:comment ?c }")]
    assert len(comments) == 1 and comments[0].startswith(
        "The page does not say what the other six of the 11 states are; no breakdown is recorded.")
