"""Statement-level provenance (docs/PROVENANCE.md): data/*.trig holds one GRAPH per supporting
passage, the build writes graph/provenance with one statement per asserted triple, and
`statement-sources` answers "which sentence says this?" with sentences a reader can check."""
from __future__ import annotations

import pytest
from rdflib.namespace import RDF

from cq.kgdata import ROOT, engines
from datagraph import _named_graphs, article_body, normalise
from kg.build.provenance import statement_iri
from kg.build.sources import parse_trig
from kg.terms import to_oxigraph
from kg.errors import InputError
from kg.namespaces import PD, PDI, PROV, SKOS
from kg.query.catalogue import load_catalogue

CATALOGUE = load_catalogue(ROOT)
pytestmark = pytest.mark.usefixtures("real_dist")


def sources(real_dist, s, p, o=None, query="statement-sources"):
    """`query` (statement-sources by default) with s, p, o bound, on pyoxigraph; rdflib, the reference
    engine, must name the same sources. The tests of the citation audits (test_audit_single_*) use it."""
    q = CATALOGUE[query]
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
    # a statement is found by its rdf:subject (no rdf:type rdf:Statement is written: RDF Schema's
    # `rdf:subject rdfs:domain rdf:Statement` entails it, docs/PROVENANCE.md)
    statements = set(prov.subjects(RDF.subject, None))
    assert len(statements) == len(data)
    assert (None, RDF.type, None) not in prov
    for s, p, o in data:
        st = statement_iri(s, p, o)
        assert st in statements and (st, RDF.subject, s) in prov and (st, RDF.predicate, p) in prov \
            and (st, RDF.object, o) in prov
        assert set(prov.objects(st, PROV.wasDerivedFrom)), (s, p, o)
    # each statement holds those four properties and nothing else
    assert set(prov.predicates()) == {RDF.subject, RDF.predicate, RDF.object, PROV.wasDerivedFrom}
    assert len(prov) == 3 * len(statements) + len(list(prov.triples((None, PROV.wasDerivedFrom, None))))


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
    assert set(prov) == {(st, RDF.subject, PDI.x), (st, RDF.predicate, PDI.y), (st, RDF.object, PDI.z),
                         (st, PROV.wasDerivedFrom, PDI["passage-1"]), (st, PROV.wasDerivedFrom, PDI["passage-2"])}
    assert str(st).startswith("https://w3id.org/paradiplomacy/statement/")


def test_the_statement_writers_give_the_same_statements(tmp_path):
    """The rdflib graph (`provenance_graph`), the pyoxigraph quads (`provenance_quads`) and the
    N-Quads lines (`provenance_lines`, `data_and_provenance_chunks`: what the build writes) hold the
    same statements, with no rdf:type among them."""
    import pyoxigraph as ox

    from kg.build.provenance import (data_and_provenance_chunks, provenance_graph, provenance_lines,
                                     provenance_quads)
    from kg.namespaces import GRAPH_PROVENANCE

    f = tmp_path / "three.trig"
    f.write_text('@prefix pdi: <https://w3id.org/paradiplomacy/id/> .\n'
                 'GRAPH pdi:passage-1 { pdi:x pdi:y pdi:z . pdi:x pdi:label "x"@en . }\n'
                 'GRAPH pdi:passage-2 { pdi:x pdi:y pdi:z . pdi:w pdi:y "2"^^<http://www.w3.org/2001/XMLSchema#integer> . }\n',
                 encoding="utf-8")
    quads = list(ox.parse(f.read_bytes(), format=ox.RdfFormat.TRIG))
    reference = provenance_quads(quads)
    g = ox.NamedNode(str(GRAPH_PROVENANCE))
    assert len(reference) == 3 * 3 + 4 and all(q.graph_name == g for q in reference)
    assert not any(q.predicate.value == str(RDF.type) for q in reference)
    as_text = sorted(line.decode("utf-8") for line in ox.serialize(reference, format=ox.RdfFormat.N_QUADS).splitlines())
    assert provenance_lines(quads) == as_text
    _data, chunks = data_and_provenance_chunks(quads, 4)
    assert b"".join(chunks.chunks).decode("utf-8").splitlines() == as_text and chunks.count == len(as_text)
    triples = {(str(to_oxigraph(s)), str(to_oxigraph(p)), str(to_oxigraph(o)))
               for s, p, o in provenance_graph(parse_trig(f))}
    assert triples == {(str(q.subject), str(q.predicate), str(q.object)) for q in reference}


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


# The last copied blocks, split passage by passage: each triple below now cites the one sentence that
# says it (it used to cite every passage of its node).

def test_soldatos_coined_paradiplomacy_says_a_02_only(real_dist):
    """A: "Istilah 'paradiplomacy' pertama kali diluncurkan dalam perdebatan akademik oleh ilmuwan asal
    Basque, Panayotis Soldatos tahun 1980-an ..." (a-02); a-01, the definition, names no one."""
    rows = sources(real_dist, "pdi:concept-paradiplomacy", "pd:coinedBy", "pdi:panayotis-soldatos")
    assert [r["source"] for r in rows] == [PDI["passage-a-02"]]
    quote = normalise(str(rows[0]["quote"]))
    assert "pertama kali diluncurkan dalam perdebatan akademik oleh ilmuwan asal Basque, Panayotis Soldatos" in quote
    assert quote in article_body()


def test_micro_diplomacy_as_another_term_says_a_03_only(real_dist):
    """A: "Istilah lain yang pernah dilontarkan oleh Ivo Duchacek (New York, tahun 1990) untuk konsep ini
    adalah 'micro-diplomacy'." (a-03)"""
    rows = sources(real_dist, "pdi:concept-paradiplomacy", "skos:related", "pdi:concept-micro-diplomacy")
    assert [r["source"] for r in rows] == [PDI["passage-a-03"]]
    quote = normalise(str(rows[0]["quote"]))
    assert "Istilah lain yang pernah dilontarkan oleh Ivo Duchacek" in quote and quote in article_body()


def test_the_secretariat_is_catalonia_s_in_b2_11_only(real_dist):
    """B.2: "... Catalan Generalitat tidak memiliki personal yang banyak di Sekretariat Kerjasama
    Externalnya ..." (b2-11); b2-12 and b2-13 say only "Sekretariat External"."""
    rows = sources(real_dist, "pdi:catalonia-external-cooperation-secretariat",
                   "http://www.w3.org/ns/org#subOrganizationOf", "pdi:catalonia")
    assert [r["source"] for r in rows] == [PDI["passage-b2-11"]]
    quote = normalise(str(rows[0]["quote"]))
    assert "Catalan Generalitat tidak memiliki personal yang banyak di Sekretariat Kerjasama Externalnya" in quote
    assert quote in article_body()


def test_who_holds_the_catalan_presidency_says_b2_18_and_b2_19_not_b2_02(real_dist):
    """B.2: b2-02 describes the post ("'Minister President' yang memiliki susunan cabinet parlementer")
    and names no one; b2-18 ("... 'Minister President of Catalan', Arthur Mas ...") and b2-19 ("The
    Catalan president, Artur Mas ...") name him."""
    held = sources(real_dist, "pdi:post-catalonia-minister-president",
                   "http://www.w3.org/ns/org#heldBy", "pdi:artur-mas")
    assert sorted(str(r["source"]) for r in held) == [str(PDI["passage-b2-18"]), str(PDI["passage-b2-19"])]
    for r in held:
        assert "Mas" in str(r["quote"]) and normalise(str(r["quote"])) in article_body()
    post = sources(real_dist, "pdi:post-catalonia-minister-president",
                   "http://www.w3.org/ns/org#postIn", "pdi:catalonia")
    assert [r["source"] for r in post] == [PDI["passage-b2-02"]]
    assert "yang memiliki susunan cabinet parlementer" in normalise(str(post[0]["quote"]))


def test_diy_in_indonesia_says_b3_16_only(real_dist):
    """B.3: "Di Indonesia, Provinsi Gyeongsangbuk-Do menjalin kerjasama dengan Provinsi Daerah Istimewa
    Yogyakarta sejak 2 Februari 2005." b5-04 and b5-05 name DIY but not Indonesia."""
    rows = sources(real_dist, "pdi:special-region-of-yogyakarta", "pd:inState", "pdi:indonesia")
    assert [r["source"] for r in rows] == [PDI["passage-b3-16"]]
    quote = normalise(str(rows[0]["quote"]))
    assert quote.startswith("Di Indonesia, Provinsi Gyeongsangbuk-Do menjalin kerjasama dengan Provinsi Daerah Istimewa Yogyakarta")
    assert quote in article_body()


def test_the_courtesy_only_status_inside_the_six_says_b5_12_only(real_dist):
    """B.5: b5-05 counts "hanya 6 kerjasama saja" with real follow-up; b5-12 then says "... sedangkan
    kerjasama dengan Chiang Mai baru sebatas pemenuhan etika diplomatic ...": only b5-12 puts the
    courtesy-only status inside the six."""
    rows = sources(real_dist, "pdi:count-diy-agreements-followed-up", "pd:countsStatus", "pdv:status-courtesy-only")
    assert [r["source"] for r in rows] == [PDI["passage-b5-12"]]
    assert "Chiang Mai baru sebatas pemenuhan etika diplomatic" in normalise(str(rows[0]["quote"]))
    value = sources(real_dist, "pdi:count-diy-agreements-followed-up", "pd:partOfTotal",
                    "pdi:count-diy-agreements-2003-2012")
    assert [r["source"] for r in value] == [PDI["passage-b5-05"]]
    assert "berjumlah 11 kerjasama, namun yang secara riil ada tindak lanjut kegiatannya hanya 6 kerjasama saja" \
        in normalise(str(value[0]["quote"]))


def test_catalonia_s_foreign_affairs_competence_is_not_cited_to_its_list_of_agreements(real_dist):
    """B.2: b2-05 ("... memberikan tawaran kepada pemerintah regional untuk melakukan kewenangan melakukan
    hubungan luar negeri ...") and b2-07 ("... memiliki kewenangan di bidang urusan luar negeri yang
    paling luas ...") state the competence; b2-08 lists Catalonia's agreements and does not."""
    rows = sources(real_dist, "pdi:competence-catalonia-foreign-policy", "pd:holder", "pdi:catalonia")
    assert sorted(str(r["source"]) for r in rows) == [str(PDI["passage-b2-05"]), str(PDI["passage-b2-07"])]
    for r in rows:
        assert "kewenangan" in str(r["quote"]) and normalise(str(r["quote"])) in article_body()


def test_criekemans_s_sentence_names_no_central_government_the_reference_list_does(real_dist):
    """Review N4. A: "Paradiplomasi yang dipraktekkan oleh Flanders, Wallonia, dan Bavaria cenderung
    kooperatif dengan pemerintah pusat, ... sedangkan interaksi luar negeri yang dilaksanakan oleh
    Scotland dan Catalonia cenderung konfliktual." names "pemerintah pusat" and no state. Which central
    government each of the three bare names has comes from the reference list's notes ("Belgian
    region", "German state", "UK country"), never from a-08."""
    notes = {row["entity"]: row["note"] for row in _reference_rows()}
    assert notes["Walloon Region (Wallonia)"] == "Belgian region"
    assert notes["Bavaria"] == "German state"
    assert notes["Scotland"] == "UK country"
    for relation, centre in (("relation-wallonia-belgium", "belgium-central-government"),
                             ("relation-bavaria-germany", "germany-central-government"),
                             ("relation-scotland-united-kingdom", "united-kingdom-central-government")):
        rows = sources(real_dist, f"pdi:{relation}", "pd:centralGovernment", f"pdi:{centre}")
        assert [r["source"] for r in rows] == [PDI["reference-wikidata-ids"]], relation
    # Flanders's centre is named by B.1 ("pemerintah federal pusat (Brussel)"), not by a-08
    rows = sources(real_dist, "pdi:relation-flanders-belgium", "pd:centralGovernment", "pdi:belgium-central-government")
    assert [r["source"] for r in rows] == [PDI["passage-b1-15"]]
    assert "pemerintah federal pusat (Brussel)" in normalise(str(rows[0]["quote"]))
    # a-08 holds no pd:centralGovernment at all
    quads = [q for f in sorted((ROOT / "data").glob("*.trig")) for q in parse_trig(f)]
    assert not [q for q in quads if q[1] == PD.centralGovernment and q[3] == PDI["passage-a-08"]]
    assert [q for q in quads if q[1] == PD.centralGovernment]  # the check reads the right predicate


def _reference_rows():
    import csv
    from conftest import require_shared  # skips, naming the missing file, without ../shared
    with open(require_shared("reference/wikidata-ids.csv"), newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_given_only_a_subject_statement_sources_gives_all_its_triples(real_dist):
    """`--param s=…` alone once kept the header's example predicate and object (pd:seatedIn,
    pdi:madrid) and answered nothing for any other subject; p and o now default to every one."""
    q = CATALOGUE["statement-sources"]
    rows = engines(real_dist)[0].query(q.text, q.bind({"s": "pdi:belgium-central-government"})).rows
    # B.1: "Hubungan Flanders dengan pemerintah federal pusat (Brussel) ..."
    assert (PD["seatedIn"], PDI["brussels"], PDI["passage-b1-15"]) in {(r["p"], r["o"], r["source"]) for r in rows}


def test_quebec_s_country_is_b_10_s_its_kind_the_reference_list_s(real_dist):
    """B: "... antara lain Flanders-Belgia, Catalonia-Spanyol, Quebec-Canada dan Basque Country."
    (b-10) places Quebec in Canada and gives no kind; the reference list's note ("Quebec,Q176,Canadian
    province") gives pd:Province (review I4)."""
    rows = sources(real_dist, "pdi:quebec", "pd:inState", "pdi:canada")
    assert [r["source"] for r in rows] == [PDI["passage-b-10"]]
    assert "Quebec-Canada" in normalise(str(rows[0]["quote"]))
    notes = {row["entity"]: row["note"] for row in _reference_rows()}
    assert notes["Quebec"] == "Canadian province"
    kind = sources(real_dist, "pdi:quebec", "rdf:type", "pd:Province")
    assert [r["source"] for r in kind] == [PDI["reference-wikidata-ids"]]


# Issue 20, the audit of triples cited to two or more passages: each now cites only the passages
# whose words say it.

def test_a_partner_of_a_stagnant_agreement_is_named_by_its_item_not_by_the_list_s_opening(real_dist):
    """B.5: b5-13 opens the list ("Beberapa kerjasama DIY dengan pihak luar negeri yang stagnan ... ada
    5 (lima) kerjasama,") and names no partner; its item (4), b5-17, names Tyrol ("Kerjasama dengan
    Provinsi Tyrol, Republik Austria, yang dibuat pada 30 November 1999")."""
    rows = sources(real_dist, "pdi:agreement-diy-tyrol-1999", "pd:party", "pdi:tyrol")
    assert [r["source"] for r in rows] == [PDI["passage-b5-17"]]
    quote = normalise(str(rows[0]["quote"]))
    assert "Kerjasama dengan Provinsi Tyrol, Republik Austria" in quote and quote in article_body()
    opening = sources(real_dist, "pdi:agreement-diy-tyrol-1999", "pd:listedIn", "pdi:count-diy-agreements-stagnant")
    assert PDI["passage-b5-13"] in {r["source"] for r in opening}
    assert "Tyrol" not in normalise(str(next(r["quote"] for r in opening if r["source"] == PDI["passage-b5-13"])))


def test_lecours_s_identity_kind_is_said_by_the_category_not_by_model_ini(real_dist):
    """B: b-08 names the kind ("Kategori ketiga adalah, paradiplomasi kompleks yang melibatkan
    motive-motive politik dan identitas nasionalis"); b-10 names the actors of "model ini"
    ("Flanders-Belgia, Catalonia-Spanyol, Quebec-Canada dan Basque Country"), not the kind."""
    rows = sources(real_dist, "pdi:placement-lecours-flanders", "pd:paradiplomacyKind", "pdv:identity-paradiplomacy")
    assert [r["source"] for r in rows] == [PDI["passage-b-08"]]
    quote = normalise(str(rows[0]["quote"]))
    assert "paradiplomasi kompleks yang melibatkan motive-motive politik dan identitas nasionalis" in quote
    assert quote in article_body()
    actor = sources(real_dist, "pdi:placement-lecours-flanders", "pd:placedActor", "pdi:flanders")
    assert [r["source"] for r in actor] == [PDI["passage-b-10"]]
    assert "Yang mempraktekkan model ini antara lain Flanders-Belgia" in normalise(str(actor[0]["quote"]))


def test_flanders_s_territorial_friction_is_named_by_b1_16_not_by_isu_isu_tertentu(real_dist):
    """B.1: b1-15 says only "kecuali terhadap gesekan pada isu-isu tertentu"; b1-16 names the issue:
    "Flanders sangat sensitif terhadap isu territorial dan isu identitas minoritas ..."."""
    rows = sources(real_dist, "pdi:relation-flanders-belgium", "pd:hasFriction", "pdi:event-flanders-friction-territorial")
    assert [r["source"] for r in rows] == [PDI["passage-b1-16"]]
    quote = normalise(str(rows[0]["quote"]))
    assert "Flanders sangat sensitif terhadap isu territorial" in quote and quote in article_body()


def test_each_passage_of_flanders_s_treaty_making_power_has_its_own_description(real_dist):
    """B.1: b1-06 "... sejak berdirinya tahun 1993, memiliki otoritas untuk membuat perjanjian dengan
    pihak luar negeri untuk setiap urusan domestiknya"; b1-07 "Dengan kewenangan ini, Flanders membuat
    perjanjian internasionalnya secara langsung ... dan mengirimkan perwakilan diplomatiknya sendiri".
    Neither passage is cited for what the other says."""
    rows = sources(real_dist, "pdi:competence-flanders-treaty-making", "pd:description")
    by_source = {r["source"]: str(r["o"]) for r in rows}
    assert set(by_source) == {PDI["passage-b1-06"], PDI["passage-b1-07"]}
    assert "1993" in by_source[PDI["passage-b1-06"]] and "representatives" not in by_source[PDI["passage-b1-06"]]
    assert "representatives abroad" in by_source[PDI["passage-b1-07"]] and "1993" not in by_source[PDI["passage-b1-07"]]
    quotes = {r["source"]: normalise(str(r["quote"])) for r in rows}
    assert "sejak berdirinya tahun 1993" in quotes[PDI["passage-b1-06"]]
    assert "mengirimkan perwakilan diplomatiknya sendiri" in quotes[PDI["passage-b1-07"]]


def test_the_belgian_federal_government_is_cited_to_the_passage_that_names_it(real_dist):
    """B.1: b1-15 "Hubungan Flanders dengan pemerintah federal pusat (Brussel) ..." names Belgium's
    government; b-10 and b-12 name the state (the link is housekeeping there), and only b1-15 gives
    the government's own words."""
    rows = sources(real_dist, "pdi:belgium-central-government", "pd:governs", "pdi:belgium")
    assert PDI["passage-b1-15"] in {r["source"] for r in rows}
    spelling = sources(real_dist, "pdi:belgium-central-government", "skos:altLabel")
    assert [r["source"] for r in spelling] == [PDI["passage-b1-15"]]
    assert "pemerintah federal pusat (Brussel)" in normalise(str(spelling[0]["quote"]))


def test_both_sides_of_flanders_s_frictions_are_named_with_the_issues_in_b1_16(real_dist):
    """B.1: b1-15 "... kecuali terhadap gesekan pada isu-isu tertentu" names no issue; b1-16 "Flanders
    sangat sensitif terhadap isu territorial dan isu identitas minoritas di wilayah yang termasuk dalam
    'Flanders Belt'" names them, as the items of b1-15's frictions with the federal centre: each side
    of each friction cites b1-16 only."""
    for friction in ("territorial", "minority-identity"):
        for side in ("pdi:flanders", "pdi:belgium-central-government"):
            rows = sources(real_dist, f"pdi:event-flanders-friction-{friction}", "pd:participant", side)
            assert [r["source"] for r in rows] == [PDI["passage-b1-16"]], (friction, side)
    quote = normalise(str(rows[0]["quote"]))
    assert "isu identitas minoritas" in quote and quote in article_body()
