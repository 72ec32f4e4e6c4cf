"""Statement-level provenance (docs/PROVENANCE.md): data/*.trig holds one GRAPH per supporting
passage, the build writes graph/provenance with one rdf:Statement per asserted triple, and
`statement-sources` answers "which sentence says this?" with sentences a reader can check."""
from __future__ import annotations

import pytest
from rdflib.namespace import RDF

from cq.kgdata import ROOT, engines
from datagraph import _named_graphs, article_body, normalise
from kg.build.provenance import statement_iri
from kg.build.sources import parse_trig
from kg.errors import InputError
from kg.namespaces import PD, PDI, PROV, SKOS
from kg.query.catalogue import load_catalogue

CATALOGUE = load_catalogue(ROOT)
pytestmark = pytest.mark.usefixtures("real_dist")


def sources(real_dist, s, p, o=None):
    q = CATALOGUE["statement-sources"]
    params = {"s": s, "p": p, "o": o or ""}
    oxi, ref = engines(real_dist)
    rows = oxi.query(q.text, q.bind(params)).rows
    assert sorted(map(str, (r["source"] for r in rows))) == \
        sorted(map(str, (r["source"] for r in ref.query(q.text, q.bind(params)).rows)))
    return rows


def test_madrid_as_seat_of_the_spanish_centre_is_said_by_b2_16(real_dist):
    # B.2: "Hubungan Catalonia dengan pemerintah pusat Madrid-Spanyol, mengalami eskalasi ..."
    rows = sources(real_dist, "pdi:spain-central-government", "pd:seatedIn", "pdi:madrid")
    assert [r["source"] for r in rows] == [PDI["passage-b2-16"]]
    quote = normalise(str(rows[0]["quote"]))
    assert "pemerintah pusat Madrid-Spanyol" in quote and quote in article_body()
    assert str(rows[0]["sectionNumber"]) == "B.2" and rows[0]["translation"] is not None


def test_brussels_as_seat_of_the_belgian_centre_is_said_by_b1_15(real_dist):
    # B.1: "Hubungan Flanders dengan pemerintah federal pusat (Brussel) ..."
    rows = sources(real_dist, "pdi:belgium-central-government", "pd:seatedIn", "pdi:brussels")
    assert [r["source"] for r in rows] == [PDI["passage-b1-15"]]
    quote = normalise(str(rows[0]["quote"]))
    assert "pemerintah federal pusat (Brussel)" in quote and quote in article_body()


def test_a_wikidata_link_comes_from_the_reference_list_not_from_a_passage(real_dist):
    rows = sources(real_dist, "pdi:catalonia", "skos:exactMatch")
    assert {r["source"] for r in rows} == {PDI["reference-wikidata-ids"]}
    assert all(r["referenceWork"] == PDI["reference-wikidata-ids"] and r["quote"] is None for r in rows)


def test_a_footnote_citation_gives_the_footnote_and_its_work(real_dist):
    # footnote 1: "Wolff, Stefan, 'Paradiplomacy: Scope, Opportunities and Challenges', hal. 1-2 ..."
    rows = sources(real_dist, "pdi:footnote-1", "pd:citesWork", "pdi:work-wolff-2009")
    assert [(r["source"], str(r["footnoteNumber"]), r["citedWork"]) for r in rows] == \
        [(PDI["footnote-1"], "1", PDI["work-wolff-2009"])]


def test_scotland_is_in_no_state_the_article_does_not_name_one(real_dist):
    # A: "interaksi luar negeri yang dilaksanakan oleh Scotland dan Catalonia" names no state
    data = _named_graphs()["data"]
    assert (PDI["scotland"], PD.inState, None) not in data
    assert "Scotland dan Catalonia" in article_body()


def test_every_asserted_triple_has_a_statement_with_a_source(real_dist):
    g = _named_graphs()
    data, prov = g["data"], g["provenance"]
    statements = set(prov.subjects(RDF.type, RDF.Statement))
    assert len(statements) == len(data)
    for s, p, o in data:
        st = statement_iri(s, p, o)
        assert st in statements and (st, RDF.subject, s) in prov and (st, RDF.object, o) in prov
        assert set(prov.objects(st, PROV.wasDerivedFrom)), (s, p, o)


def test_every_wikidata_link_sits_in_the_reference_graph_only(real_dist):
    g = _named_graphs()
    links = [(s, o) for s, o in g["data"].subject_objects(SKOS.exactMatch) if str(o).startswith("http://www.wikidata.org/")]
    assert len(links) == 57
    for s, o in links:
        srcs = set(g["provenance"].objects(statement_iri(s, SKOS.exactMatch, o), PROV.wasDerivedFrom))
        assert srcs == {PDI["reference-wikidata-ids"]}


def test_a_triple_outside_every_graph_block_is_refused_with_file_and_line(tmp_path):
    f = tmp_path / "bad.trig"
    f.write_text('@prefix pdi: <https://w3id.org/paradiplomacy/id/> .\n'
                 'GRAPH pdi:passage-a-01 { pdi:x pdi:y "a . } {" . }\n\n'
                 'pdi:x pdi:z pdi:w .\n', encoding="utf-8")
    with pytest.raises(InputError) as exc:
        parse_trig(f, root=tmp_path)
    assert str(exc.value).startswith("bad.trig:4: a triple outside every GRAPH block")
    assert "GRAPH pdi:passage-" in str(exc.value)


def test_a_triple_in_two_passage_graphs_has_one_statement_with_both(tmp_path):
    from kg.build.provenance import provenance_graph

    f = tmp_path / "two.trig"
    f.write_text('@prefix pdi: <https://w3id.org/paradiplomacy/id/> .\n'
                 'GRAPH pdi:passage-1 { pdi:x pdi:y pdi:z . }\nGRAPH pdi:passage-2 { pdi:x pdi:y pdi:z . }\n',
                 encoding="utf-8")
    prov = provenance_graph(parse_trig(f))
    st = statement_iri(PDI.x, PDI.y, PDI.z)
    assert set(prov.subjects(RDF.type, RDF.Statement)) == {st}
    assert set(prov.objects(st, PROV.wasDerivedFrom)) == {PDI["passage-1"], PDI["passage-2"]}
    assert str(st).startswith("https://w3id.org/paradiplomacy/statement/")


# --- issue 20: a triple cites only the passages whose words say it ------------------------------
def test_flanders_in_belgium_is_said_by_b_10_and_b_12_only(real_dist):
    """The audit's example: seven passages were cited for `flanders pd:inState belgium` and none names
    Belgium. b-10: "... antara lain Flanders-Belgia, Catalonia-Spanyol ..."; b-12: "... yakni
    Flander-Belgia, Catalonia, Spanyol ...". """
    rows = sources(real_dist, "pdi:flanders", "pd:inState", "pdi:belgium")
    assert sorted(str(r["source"]) for r in rows) == [str(PDI["passage-b-10"]), str(PDI["passage-b-12"])]
    for r in rows:
        quote = normalise(str(r["quote"]))
        assert "Belgia" in quote and quote in article_body()


def test_the_catalan_relation_s_evidence_is_not_cited_to_criekemans(real_dist):
    """a-08 is Criekemans's 2008 sentence ("... interaksi luar negeri yang dilaksanakan oleh Scotland dan
    Catalonia cenderung konfliktual"); the 2014 veto is told in b2-20 ("keputusan itu di-veto oleh
    Mahakamah Agung Spannyol ... pada bulan Oktober 2014"), which is now its only source."""
    rows = sources(real_dist, "pdi:relation-catalonia-spain", "pd:hasEvidence", "pdi:event-spanish-supreme-court-veto-2014")
    assert [r["source"] for r in rows] == [PDI["passage-b2-20"]]
    assert "di-veto oleh Mahakamah Agung Spannyol" in normalise(str(rows[0]["quote"]))


def test_a_status_cites_the_sentence_that_gives_it(real_dist):
    """Kyoto's "cukup produktif" is in b5-12 ("kerjasama dengan Kyoto Perfecture yang cukup produktif"),
    not in the item b5-06 that dates the agreement (it used to cite both)."""
    rows = sources(real_dist, "pdi:agreement-diy-kyoto-prefecture-1985", "pd:status", "pdv:status-followed-up")
    assert [r["source"] for r in rows] == [PDI["passage-b5-12"]]
    assert "Kyoto Perfecture yang cukup produktif" in normalise(str(rows[0]["quote"]))
