"""The canned comparative answers against the article (issue 20; reviews fidelity.md and
fidelity-2026-12-06.md). Each test runs the canned query on both engines (pyoxigraph and rdflib) over
the real build and quotes the sentence of the article that gives the expected answer, so a reader can
check it there.
"""
from __future__ import annotations

import pytest

from conftest import require_article
from cq.kgdata import engines
from kg.namespaces import PREFIXES
from kg.query.catalogue import load_catalogue
from cq.kgdata import ROOT
from tests.datagraph import normalise

CATALOGUE = load_catalogue(ROOT)
PDI = PREFIXES["pdi"]
DIY = "pdi:special-region-of-yogyakarta"


def run(dist, name: str, **params) -> list[list[dict]]:
    """The rows of canned query NAME on each engine (pyoxigraph, rdflib), as {column: str}."""
    q = CATALOGUE[name]
    out = []
    for engine in engines(dist):
        res = engine.query(q.text, q.bind(params))
        out.append([{k: str(v) for k, v in row.items() if v is not None} for row in res.rows])
    return out


def quoted(words: str) -> None:
    """The quoted words are the article's (whitespace-normalised)."""
    article = normalise(require_article().read_text(encoding="utf-8"))
    assert normalise(words) in article, words


# --- DI Yogyakarta: 11 agreements in every canned query (review N1, I34) ------------------------
DIY_ELEVEN = ("Khusus di Provinsi DIY, Kerjasama Luar Negeri yang telah dilakukan sejak tahun 2003 "
              "sampai dengan 2012 berjumlah 11 kerjasama")


def test_diy_has_the_articles_eleven_agreements_in_agreements_of_actor(real_dist):
    quoted(DIY_ELEVEN)
    for rows in run(real_dist, "agreements-of-actor", actor=DIY):
        assert len({r["agreement"] for r in rows}) == 11
        assert PDI + "batan" not in {r["partner"] for r in rows}


@pytest.mark.parametrize("query", ["agreements-by-partner-kind", "agreements-by-partner-country"])
def test_diy_partner_tallies_add_up_to_eleven(real_dist, query):
    """Each of DIY's 11 agreements has one partner with one kind and one country, so the tallies add
    up to the article's 11 (no partner at home is filtered out by hand any more)."""
    quoted(DIY_ELEVEN)
    for rows in run(real_dist, query, actor=DIY):
        assert sum(int(r["agreements"]) for r in rows) == 11, rows


def test_no_canned_query_filters_a_partner_out_by_hand():
    assert "BATAN" not in CATALOGUE["agreements-by-partner-country"].text


def test_diy_agreements_in_force_before_2003_are_the_articles(real_dist):
    """On 1 January 2002: Kyoto ("dibuat pada 16 Juli tahun 1985"), California ("ditandatangani pada
    25 Agustus 1997 (habis masa berlakunya tahun 2002)") and Tyrol ("pada 30 November 1999"); Ismailia
    expired in 2001; the BATAN cooperation of 1999 is not a DIY agreement."""
    quoted("ditandatangani pada 25 Agustus 1997 (habis masa berlakunya tahun 2002)")
    quoted("(habis masa berlakunya tahun 2001)")
    for rows in run(real_dist, "agreements-in-force", date="2002-01-01"):
        assert {r["agreement"][len(PDI):] for r in rows if "/agreement-diy-" in r["agreement"]} == {
            "agreement-diy-kyoto-prefecture-1985", "agreement-diy-california-1997", "agreement-diy-tyrol-1999"}


def test_agreements_in_force_name_the_status_in_the_language_asked(real_dist):
    """The status column follows `lang`, as in every query with that parameter: California's fate,
    "(habis masa berlakunya tahun 2002)", is "expired" in English and "habis masa berlaku" in
    Indonesian (the status's labels, ontology/vocabularies.ttl). Both engines."""
    quoted("ditandatangani pada 25 Agustus 1997 (habis masa berlakunya tahun 2002)")
    for lang, label in (("en", "expired"), ("id", "habis masa berlaku")):
        for rows in run(real_dist, "agreements-in-force", date="2002-01-01", lang=lang):
            assert [r.get("status") for r in rows if r["agreement"].endswith("/agreement-diy-california-1997")] \
                == [label]


def test_diy_agreements_of_actor_one_row_per_agreement(real_dist):
    """Chungcheongnam-do's MoU "secara substantive batal ... dan sampai sekarang belumoptimal
    realisasinya": two statuses in one row, so the rows count the agreements."""
    quoted("secara substantive batal")
    quoted("sampai sekarang belumoptimal realisasinya")
    for rows in run(real_dist, "agreements-of-actor", actor=DIY):
        assert len(rows) == 11
        (chung,) = [r for r in rows if r["partner"].endswith("/chungcheongnam-do")]
        assert "; " in chung["status"]


def test_suruga_miyagawa_and_kyoto_prefecture_are_counted_with_no_country(real_dist):
    """"(2) Kerjasama dengan Suruga Miyagawa Company yang dibuat pada 2 Juli 2003;" and "(1) Kyoto
    Perfecture sebagai kelanjutan kerjasama ..." -- no country for either (audit-single-full-ind)."""
    quoted("(2) Kerjasama dengan Suruga Miyagawa Company yang dibuat pada 2 Juli 2003;")
    quoted("(1) Kyoto Perfecture sebagai kelanjutan kerjasama yang dibuat pada 16 Juli tahun 1985")
    for rows in run(real_dist, "agreements-by-partner-country", actor=DIY):
        assert [r["agreements"] for r in rows if "partnerCountry" not in r] == ["2"]


@pytest.mark.parametrize("actor", ["pdi:shaanxi", DIY])
def test_continent_tallies_count_each_partner_once(real_dist, actor):
    """One row per partner country, whatever continents the data give it (review N7: Kaluga Oblast,
    "Kalluga State-Rusia", was counted in Europe and in Asia): the tallies add up to the agreements."""
    for by_country, of_actor in zip(run(real_dist, "agreements-by-partner-country", actor=actor),
                                    run(real_dist, "agreements-of-actor", actor=actor)):
        assert len({r.get("partnerCountry") for r in by_country}) == len(by_country)
        assert sum(int(r["agreements"]) for r in by_country) == len({r["agreement"] for r in of_actor})


# --- competences side by side: the SKOS roll-up, one tagging for treaty-making (review N2, I11) --
def _side_by_side(dist, b: str) -> list[dict[str, dict]]:
    return [{r["domain"].rsplit("/", 1)[1]: r for r in rows}
            for rows in run(dist, "competences-side-by-side", actor_a="pdi:flanders", actor_b=b)]


def test_health_is_shared_by_flanders_and_catalonia(real_dist):
    """B.1: Flanders "berwewenang untuk urusan ekonomi, perdagangan internasional, kesehatan masyarakat,
    ..."; B.2: Catalonia's competences "meliputi urusan kebudayaan, pendidikan, kesehatan, ..." --
    public health is part of health, so both hold health."""
    quoted("kesehatan masyarakat")
    quoted("meliputi urusan kebudayaan, pendidikan, kesehatan")
    for by_domain in _side_by_side(real_dist, "pdi:catalonia"):
        assert by_domain["health"]["shared"] == "yes"
        assert by_domain["health"]["viaA"] == "public health"
        assert "viaB" not in by_domain["health"]


@pytest.mark.parametrize("other", ["pdi:catalonia", "pdi:south-korean-provinces"])
def test_flanders_direct_treaty_making_is_foreign_policy(real_dist, other):
    """B.1: "Dengan kewenangan ini, Flanders membuat perjanjian internasionalnya secara langsung dengan
    pihak asing" -- Flanders holds foreign policy (through treaty-making), as do Catalonia ("kewenangan
    di bidang urusan luar negeri") and South Korea's provinces ("provinsi-provinsi diberi kebebasan untuk
    menjalin hubungan dan kerjasama luar negeri": the set, which does not name Gyeongsangbuk-Do; audit
    single-full-asia)."""
    quoted("Flanders membuat perjanjian internasionalnya secara langsung dengan pihak asing")
    for by_domain in _side_by_side(real_dist, other):
        assert by_domain["foreign-policy"]["heldByA"] == "yes"
        assert by_domain["foreign-policy"]["heldByB"] == "yes"
        assert by_domain["foreign-policy"]["viaA"] == "treaty making"


def test_treaty_making_power_only_where_the_article_says_the_region_concludes_agreements(real_dist):
    """Only Flanders's "otoritas untuk membuat perjanjian dengan pihak luar negeri" (b1-06) is a power
    to conclude agreements; each competence is tagged with the narrowest domain its quote names, and
    a pd:TreatyMakingPower with pdv:treaty-making alone (review I11, N2)."""
    quoted("memiliki otoritas untuk membuat perjanjian dengan pihak luar negeri untuk setiap urusan domestiknya")
    q = """PREFIX pd: <https://w3id.org/paradiplomacy/ontology#>
           SELECT ?c ?d WHERE { ?c a pd:TreatyMakingPower ; pd:policyDomain ?d }"""
    for engine in engines(real_dist):
        got = {(str(r["c"]).rsplit("/", 1)[1], str(r["d"]).rsplit("/", 1)[1]) for r in engine.query(q).rows}
        assert got == {("competence-flanders-treaty-making", "treaty-making")}


# --- the Catalan relation on the article's terms (review I1, I12, N6) ----------------------------
def test_the_demonstration_has_no_aim_the_quoted_goal_is_mas_s(real_dist):
    """b2-19: "after yesterday, we are even closer to achieving our desire and goal of full national
    freedom" -- the speaker's goal, in his statement, not an aim of the demonstration (review I12); the
    demonstration is then no conflict indicator by itself."""
    quoted("we are even closer to achieving our desire and goal of full national freedom")
    q = """PREFIX pd: <https://w3id.org/paradiplomacy/ontology#>
           PREFIX pdi: <https://w3id.org/paradiplomacy/id/>
           ASK { { pdi:event-barcelona-demonstration-2012 pd:aim ?a }
                 UNION { pdi:event-barcelona-demonstration-2012 a pd:ConflictIndicator } }"""
    for engine in engines(real_dist):
        assert engine.query(q) is False


def test_the_catalan_relation_has_no_start_date_the_escalation_has_2010(real_dist):
    """b2-16: "Hubungan Catalonia dengan pemerintah pusat Madrid-Spanyol, mengalami eskalasi yang
    memanas sejak tahun 2010" -- the escalation, not the relation, dates from 2010 (review I1)."""
    quoted("mengalami eskalasi yang memanas sejak tahun 2010")
    for rows in run(real_dist, "centre-region-relations"):
        (cat,) = {r.get("start") for r in rows if r["relation"].endswith("/relation-catalonia-spain")}
        assert cat is None


def test_six_followed_up_yet_chiang_mai_only_courtesy_is_flagged(real_dist):
    """U1: "yang secara riil ada tindak lanjut kegiatannya hanya 6 kerjasama saja" (b5-05) and "kerjasama
    dengan Chiang Mai baru sebatas pemenuhan etika diplomatic" (b5-12)."""
    quoted("yang secara riil ada tindak lanjut kegiatannya hanya 6 kerjasama saja")
    quoted("kerjasama dengan Chiang Mai baru sebatas pemenuhan etika diplomatic")
    q = """PREFIX pd: <https://w3id.org/paradiplomacy/ontology#>
           PREFIX pdi: <https://w3id.org/paradiplomacy/id/>
           ASK { ?c a pd:SourceConflict ; pd:concerns pdi:count-diy-agreements-followed-up ,
                     pdi:agreement-diy-chiang-mai-province-2007 ;
                   pd:conflictingStatement pdi:passage-b5-05 , pdi:passage-b5-12 }"""
    for engine in engines(real_dist):
        assert engine.query(q) is True


# --- dates that compare across precisions (review N5, item 5) ----------------------------------
BOUNDS = """PREFIX pd: <https://w3id.org/paradiplomacy/ontology#>
PREFIX pdi: <https://w3id.org/paradiplomacy/id/>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""


def test_each_date_keeps_its_literal_and_gets_its_bounds(real_dist):
    """"pada bulan Oktober 2014" stays "2014-10" (xsd:gYearMonth), bounded by 1 and 31 October;
    "Konsursium Logistik Bernhard, Malaysia tahun 2003" stays "2003", bounded by 1 January and 31
    December; a leap February ends on the 29th (checked on the rule itself below)."""
    quoted("pada bulan Oktober 2014")
    quoted("Konsursium Logistik Bernhard, Malaysia tahun 2003")
    q = BOUNDS + """SELECT ?e ?d ?a ?b WHERE { VALUES ?e { pdi:event-spanish-supreme-court-veto-2014
                                                            pdi:signing-diy-bernhard-logistics-consortium-2003 }
                                         ?e pd:date ?d ; pd:earliestDate ?a ; pd:latestDate ?b }"""
    for engine in engines(real_dist):
        got = {str(r["e"]).rsplit("/", 1)[1]: (str(r["d"]), str(r["a"]), str(r["b"])) for r in engine.query(q).rows}
        assert got == {"event-spanish-supreme-court-veto-2014": ("2014-10", "2014-10-01", "2014-10-31"),
                       "signing-diy-bernhard-logistics-consortium-2003": ("2003", "2003-01-01", "2003-12-31")}


def test_signed_between_two_years_is_the_same_on_both_engines(real_dist):
    """The audit's case: a typed filter over the literal drops the year-only signings (Bernhard "tahun
    2003", MPF "dibuat tahun 2007"), and YEAR() over mixed literals differs between the engines. Over
    the bounds both engines give the same signings, year-only ones included, and the canned
    agreements-by-period agrees."""
    quoted("Konsursium Logistik Bernhard, Malaysia tahun 2003")
    quoted("Medical Peace Foundation (MPF), Korea Selatan yang dibuat tahun 2007")
    typed = BOUNDS + """SELECT ?s WHERE { ?s a pd:Signing ; pd:earliestDate ?a ; pd:latestDate ?b
                          FILTER(?a >= "2003-01-01"^^xsd:date && ?b <= "2012-12-31"^^xsd:date) }"""
    by_year = BOUNDS + """SELECT ?s WHERE { ?s a pd:Signing ; pd:earliestDate ?a ; pd:latestDate ?b
                            FILTER(YEAR(?a) >= 2003 && YEAR(?b) <= 2012) }"""
    answers = []
    for engine in engines(real_dist):
        for q in (typed, by_year):
            answers.append({str(r["s"]).rsplit("/", 1)[1] for r in engine.query(q).rows})
    assert all(a == answers[0] for a in answers)
    assert {"signing-diy-bernhard-logistics-consortium-2003", "signing-diy-medical-peace-foundation-2007"} <= answers[0]
    canned = run(real_dist, "agreements-by-period", **{"from": "2003", "to": "2012"})
    assert canned[0] == canned[1]
    assert {"agreement-diy-bernhard-logistics-consortium-2003", "agreement-diy-medical-peace-foundation-2007"} <= \
        {r["agreement"].rsplit("/", 1)[1] for r in canned[0]}


@pytest.mark.parametrize("day, in_force", [("2002-12-31", True), ("2003-01-01", False)])
def test_an_expiry_in_a_year_ends_the_agreement_after_that_year(real_dist, day, in_force):
    """California: "(habis masa berlakunya tahun 2002)" -- on any day of 2002 it may still be in force;
    from 1 January 2003 it has expired. Both engines agree."""
    quoted("(habis masa berlakunya tahun 2002)")
    for rows in run(real_dist, "agreements-in-force", date=day):
        assert any(r["agreement"].endswith("/agreement-diy-california-1997") for r in rows) is in_force


def test_the_bounds_rule_knows_leap_years():
    """The rule on invented dates (not the article's): February of 2000 and 2004 has 29 days, of 1900
    and 2003 28; December and a day are as they are."""
    from rdflib import Dataset, Literal, URIRef
    from rdflib.namespace import XSD
    from kg.query.embedded import OxigraphEngine, RdflibEngine
    pd = "https://w3id.org/paradiplomacy/ontology#"
    ds = Dataset(default_union=True)
    g = ds.graph(URIRef("https://w3id.org/paradiplomacy/graph/data"))
    cases = {"2000-02": "2000-02-29", "2004-02": "2004-02-29", "1900-02": "1900-02-28", "2003-02": "2003-02-28",
             "1999-12": "1999-12-31", "2005-07-18": "2005-07-18"}
    for i, d in enumerate(cases):
        dt = XSD.date if len(d) == 10 else XSD.gYearMonth
        g.add((URIRef(f"http://example.org/e{i}"), URIRef(pd + "date"), Literal(d, datatype=dt)))
    rule = CATALOGUE["construct-date-bounds"].text
    for engine in (OxigraphEngine.from_dataset(ds), RdflibEngine(ds)):
        out = engine.query(rule)
        latest = {str(o) for _, p, o in out if str(p) == pd + "latestDate"}
        assert latest == set(cases.values()), engine.name


# --- uncited world facts and readings (review I6, I13, I14, I27, I28, I35) -----------------------
def _ask(dist, q: str) -> list[bool]:
    return [engine.query(BOUNDS + "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
                         "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n" + q) for engine in engines(dist)]


@pytest.mark.parametrize("node, words", [("iasi", "Lasi City-Rumania"), ("kaluga", "Kalluga State-Rusia")])
def test_a_reading_that_changes_the_place_is_flagged_with_its_source(real_dist, node, words):
    """b4-06 lists "... Lasi City-Rumania, ... Kalluga State-Rusia ..."; the names Iași and Kaluga come
    from the reference list of Wikidata ids, so the reading is a pd:SourceConflict with that list as
    its pd:correctionSource."""
    quoted(words)
    assert _ask(real_dist, f"""ASK {{ ?c a pd:SourceConflict ; pd:concerns pdi:{node} ;
                                    pd:correctionSource pdi:reference-wikidata-ids ;
                                    pd:conflictingStatement pdi:passage-b4-06 }}""") == [True, True]


@pytest.mark.parametrize("claim", ["Constitutional Court", "Université de Montréal", " 9 November",
                                   "widely known as a city", "sovereign states", "first-level divisions",
                                   "the usual one", "it is a regency"])
def test_no_uncited_world_fact_in_a_comment_on_the_article_s_data(real_dist, claim):
    """The comments on the article's nodes say what the article says and that it conflicts, without
    an uncited outside fact (review I6, I7, I13, I14, I23, I35; pd:correctionSource is the way in)."""
    q = f"""ASK {{ ?s rdfs:comment ?c . ?s prov:wasDerivedFrom ?p .
                 FILTER(STRSTARTS(STR(?p), "https://w3id.org/paradiplomacy/id/passage-")
                        && !STRSTARTS(STR(?p), "https://w3id.org/paradiplomacy/id/passage-beritajakarta")
                        && CONTAINS(STR(?c), "{claim}")) }}"""
    assert _ask(real_dist, "PREFIX prov: <http://www.w3.org/ns/prov#>\n" + q) == [False, False]


def test_aebr_has_only_the_acronym_the_article_gives(real_dist):
    """b2-10: "... seperti AEBR, CPM, dan CTP Working Group Pyrenees" -- no expansion (review I14)."""
    quoted("AEBR, CPM, dan CTP")
    assert _ask(real_dist, "ASK { pdi:aebr skos:altLabel ?l }") == [False, False]


def test_ismailia_is_a_province_as_the_article_calls_it(real_dist):
    """b5-14: "(1) Kerjasama dengan Provinsi Ismalia, Republik Arab Mesir ..." (review I35)."""
    quoted("Provinsi Ismalia, Republik Arab Mesir")
    assert _ask(real_dist, "ASK { pdi:ismailia-governorate a pd:Province ; skos:altLabel 'Provinsi Ismalia'@id }") == [True, True]


@pytest.mark.parametrize("node, words", [("flanders", ["Flansers sebagai front terdepan", "Flander-Belgia"]),
                                         ("spain", ["Mahakamah Agung Spannyol", "pemerintah pusat Madrid-Spanyol"])])
def test_one_entity_spelt_two_ways_by_the_article_is_flagged(real_dist, node, words):
    """Spelling policy rule 2 (docs/FIDELITY.md, review U12)."""
    for w in words:
        quoted(w)
    assert _ask(real_dist, f"""ASK {{ ?c a pd:SourceConflict ; pd:concerns pdi:{node} ;
                                    pd:conflictKind <https://w3id.org/paradiplomacy/vocab/conflict-spelling> }}""") == [True, True]


# --- derived classifications record their rule and evidence (review P9, item 3) -----------------
def test_each_derived_class_records_its_rule_and_evidence(real_dist):
    """Every relation derived cooperative or conflictual has one pd:Derivation naming the class, the
    rule (the indicator class) and each piece of evidence of that kind; a relation whose evidence
    holds no indicator (Gyeongsangbuk-do, Shaanxi: "provinsi-provinsi diberi kebebasan ...") has none."""
    quoted("provinsi-provinsi diberi kebebasan untuk menjalin hubungan dan kerjasama luar negeri")
    q = BOUNDS + """SELECT ?r ?c ?d ?rule ?e WHERE {
        ?r a ?c . VALUES ?c { pd:CooperativeRelation pd:ConflictualRelation }
        OPTIONAL { ?d pd:derivationOf ?r ; pd:derivedClass ?c ; pd:byRule ?rule ; pd:usedEvidence ?e .
                   ?r pd:hasEvidence ?e . ?e a ?rule } }"""
    for engine in engines(real_dist):
        rows = engine.query(q).rows
        assert rows and all(r.get("d") is not None for r in rows), rows
        derived = {str(r["r"]).rsplit("/", 1)[1] for r in rows}
        assert "relation-gyeongsangbuk-do-south-korea" not in derived and "relation-shaanxi-china" not in derived
        assert "relation-catalonia-spain" in derived


# --- continents: the data against a stored copy of the UN M49 regions (issue 20) ---------------
M49_EXCERPT = ROOT / "tests" / "fixtures" / "reference" / "un-m49-excerpt.csv"
M49_COPY_COMMIT = "77401fdca90647bd99832c3bafdbc64ea025e3d9"
# the dataset's states and their name in M49's "Country or Area" column
M49_NAME = {
    "australia": "Australia", "austria": "Austria", "belgium": "Belgium", "brazil": "Brazil",
    "canada": "Canada", "china": "China", "egypt": "Egypt", "france": "France", "germany": "Germany",
    "greece": "Greece", "indonesia": "Indonesia", "iran": "Iran (Islamic Republic of)", "italy": "Italy",
    "japan": "Japan", "malaysia": "Malaysia", "mali": "Mali", "mongolia": "Mongolia",
    "netherlands": "Netherlands", "north-korea": "Democratic People's Republic of Korea",
    "pakistan": "Pakistan", "poland": "Poland", "romania": "Romania", "russia": "Russian Federation",
    "senegal": "Senegal", "south-korea": "Republic of Korea", "spain": "Spain", "thailand": "Thailand",
    "tunisia": "Tunisia", "united-kingdom": "United Kingdom of Great Britain and Northern Ireland",
    "united-states": "United States of America", "vietnam": "Viet Nam",
}


def _m49_rows() -> dict[str, dict[str, str]]:
    import csv
    text = M49_EXCERPT.read_text(encoding="utf-8")
    header = [line for line in text.splitlines() if line.startswith("#")]
    assert any("https://unstats.un.org/unsd/methodology/m49/overview" in line for line in header)
    assert any(M49_COPY_COMMIT in line for line in header)
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    return {r["Country or Area"]: r for r in rows}


def _m49_continent(row: dict[str, str]) -> str:
    """The dataset's continent for an M49 row: the region, except that the Americas are split into
    the sub-region Northern America and the intermediate region South America."""
    if row["Region Name"] != "Americas":
        return row["Region Name"].lower()
    if row["Sub-region Name"] == "Northern America":
        return "north-america"
    if row["Intermediate Region Name"] == "South America":
        return "south-america"
    raise AssertionError(f"no continent of the dataset for {row['Country or Area']}")


def test_every_state_s_continent_is_its_m49_region_in_the_stored_copy(real_dist):
    """Each continent of a state is the region the UN M49 list gives it (the stored copy's rows are
    in tests/fixtures/reference/un-m49-excerpt.csv): one a state, Russia in Europe ("Eastern
    Europe,,,Russian Federation"); and the article's own "negara bagian di Afrika seperti Mali,
    Senegal dan Tunisia" (b-07) agrees with it."""
    quoted("negara bagian di Afrika seperti Mali, Senegal dan Tunisia")
    m49 = _m49_rows()
    expected = {state: _m49_continent(m49[name]) for state, name in M49_NAME.items()}
    assert expected["russia"] == "europe" and expected["mali"] == "africa"
    for engine in engines(real_dist):
        rows = engine.query("""PREFIX pd: <https://w3id.org/paradiplomacy/ontology#>
            SELECT ?state ?continent WHERE { ?state a pd:SovereignState ; pd:onContinent ?continent }""").rows
        got: dict[str, set[str]] = {}
        for r in rows:
            got.setdefault(str(r["state"]).removeprefix(PDI), set()).add(str(r["continent"]).rsplit("/", 1)[1])
        assert got == {state: {continent} for state, continent in expected.items()}, engine.name


def test_the_m49_reference_work_cites_the_stored_copy(real_dist):
    for engine in engines(real_dist):
        rows = engine.query("""PREFIX pd: <https://w3id.org/paradiplomacy/ontology#>
            PREFIX dcterms: <http://purl.org/dc/terms/>
            SELECT ?url ?citation WHERE { <https://w3id.org/paradiplomacy/id/reference-un-m49>
              a pd:SourceWork ; pd:url ?url ; dcterms:bibliographicCitation ?citation }""").rows
        assert [str(r["url"]) for r in rows] == ["https://unstats.un.org/unsd/methodology/m49/overview"]
        citation = str(rows[0]["citation"])
        assert "odsti/datasets" in citation and "un_countries/un_countries.csv" in citation
        assert M49_COPY_COMMIT in citation
