"""Issue 20, item 1: the full audit of the triples cited to one passage of data/field.trig,
data/flanders.trig and data/catalonia.trig (docs/audits/audit-single-full-eur.md). Each fix of a
NOT verdict is checked here against the words of the passage that now carries the node: what the
passage says is still cited to it, and what it does not say is gone."""
from __future__ import annotations

import pytest

from datagraph import article_body, ask, normalise, select
from kg.namespaces import PDI
from test_provenance import sources

pytestmark = pytest.mark.usefixtures("real_dist")




def only_quote(rows, passage):
    """The one source is `passage`; its quote, normalised, is in the article."""
    assert [r["source"] for r in rows] == [PDI[passage]]
    quote = normalise(str(rows[0]["quote"]))
    assert quote in article_body()
    return quote


def test_brussels_is_the_belgian_centre_s_seat_and_placed_in_no_state(real_dist):
    """B.1: "Hubungan Flanders dengan pemerintah federal pusat (Brussel) ..." (b1-15) gives the seat
    of the federal centre; no passage says which state Brussels is in (Belgium is not named in b1-15)."""
    quote = only_quote(sources(real_dist, "pdi:belgium-central-government", "pd:seatedIn", "pdi:brussels"),
                       "passage-b1-15")
    assert "pemerintah federal pusat (Brussel)" in quote and "Belgia" not in quote
    assert not ask("ASK { pdi:brussels pd:inState ?state }")


def test_barcelona_is_in_catalonia_and_placed_in_no_state(real_dist):
    """B.2: "... maka Catalonia yang mencakup daerah-daerah kaya ini, termasuk Barcelona, menyuarakan
    pilihan untuk mengadakan referendum." (b2-17) names Madrid, not Spain; b2-18 says only "di Barcelona"."""
    quote = only_quote(sources(real_dist, "pdi:barcelona", "pd:partOf", "pdi:catalonia"), "passage-b2-17")
    assert "Catalonia yang mencakup daerah-daerah kaya ini, termasuk Barcelona" in quote
    assert "Spanyol" not in quote
    assert not ask("ASK { pdi:barcelona pd:inState ?state }")


def test_the_national_assembly_of_quebec_is_only_a_named_partner(real_dist):
    """B.2: "... antara lain denganScotland, California, Kyonggi Province (Korea), ..., dan the National
    Assembly of Quebec." (b2-08) names the Assembly among Catalonia's partners and says nothing more:
    no state (b-10's "Quebec-Canada" places Quebec, not the Assembly) and no description."""
    quote = only_quote(sources(real_dist, "pdi:agreement-catalonia-national-assembly-of-quebec", "pd:party",
                               "pdi:national-assembly-of-quebec"), "passage-b2-08")
    assert "the National Assembly of Quebec" in quote and "Canada" not in quote
    assert not ask("ASK { pdi:national-assembly-of-quebec pd:inState ?state }")
    assert not ask("ASK { pdi:national-assembly-of-quebec pd:description ?d }")


def test_the_secretariat_s_seven_support_staff_have_no_workplace(real_dist):
    """B.2: "Fungsi koordinatif inilah yang di perankan oleh Sekretariat External sehingga pegawainya
    hanya sedikit, dan didukung oleh 7 staf pembantu." (b2-13) says neither where the 7 work nor how
    many the Secretariat's own staff are."""
    quote = only_quote(sources(real_dist, "pdi:count-catalonia-secretariat-support-staff", "pd:value", None),
                       "passage-b2-13")
    assert "didukung oleh 7 staf pembantu" in quote
    rows = select("SELECT ?t WHERE { pdi:count-catalonia-secretariat-support-staff pd:countedThing ?t }")
    assert [str(t) for (t,) in rows] == ["support staff of the External Secretariat"]
    assert not ask("ASK { pdi:count-catalonia-secretariat-support-staff pd:workplace ?w }")


def test_the_fiscal_negotiation_s_description_renders_b2_17_and_no_more(real_dist):
    """B.2: "Pada saat yang bersamaan, negosiasi pembagian 'in come' Negara dari pajak tidak dapat
    disetujui oleh Madrid, ..." (b2-17): the description says that; the remark that the article gives
    the negotiation no date of its own is a comment, not the passage's words."""
    rows = sources(real_dist, "pdi:event-catalonia-fiscal-negotiation", "pd:description", None)
    quote = only_quote(rows, "passage-b2-17")
    assert "negosiasi pembagian ‘in come’ Negara dari pajak tidak dapat disetujui oleh Madrid" in quote
    descriptions = [str(d) for (d,) in select(
        "SELECT ?d WHERE { pdi:event-catalonia-fiscal-negotiation pd:description ?d }")]
    assert descriptions == ["At the same time, the negotiation on sharing the state's 'income' from taxes "
                            "could not be agreed by Madrid."]
    assert ask("""ASK { pdi:event-catalonia-fiscal-negotiation rdfs:comment ?c
                        FILTER(CONTAINS(?c, "no date of its own")) }""")


@pytest.mark.parametrize("event, passage, words", [
    # B.2: "Statuta Catalonia sebagai daerah otonomi yang luas diperoleh pada 18 Juni 2006 melalui referéndum"
    ("event-catalan-statute-referendum-2006", "passage-b2-01", "diperoleh pada 18 Juni 2006 melalui referéndum"),
    # B.2: "... dilaksanakannya referendum untuk penentuan masa depan Catalonia pada 19 November 2014"
    ("event-catalonia-referendum-2014", "passage-b2-20",
     "dilaksanakannya referendum untuk penentuan masa depan Catalonia pada 19 November 2014"),
])
def test_the_catalan_referendums_have_a_date_and_no_place(real_dist, event, passage, words):
    """Neither passage says where its referendum was (to be) held: b2-01 says the statute was obtained
    through it, b2-20 what it was about (pd:affects catalonia)."""
    quote = only_quote(sources(real_dist, f"pdi:{event}", "pd:date", None), passage)
    assert words in quote
    assert not ask(f"ASK {{ pdi:{event} pd:location ?where }}")
