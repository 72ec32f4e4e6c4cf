"""The fixes of the audit of every single-passage citation of data/yogyakarta.trig, data/indonesia.trig
and data/closing.trig (docs/audits/audit-single-full-ind.md): each NOT row, with the article's words
that decide it and `statement-sources` (or the data graph) showing where the triple sits now."""
from __future__ import annotations

import pytest
from rdflib import Literal

from datagraph import _named_graphs, article_body, normalise
from kg.namespaces import PD, PDI, RDFS
from test_provenance import sources

pytestmark = pytest.mark.usefixtures("real_dist")


def data():
    return _named_graphs()["data"]


def descriptions(node: str) -> set[str]:
    return {str(o) for o in data().objects(PDI[node], PD.description)}


def test_the_laws_enable_the_regional_governments_not_diy_by_name(real_dist):
    # b5-01: "... memberikan kewenangan kepada Pemerintah Daerah, baik provinsi maupun kabupaten/kota
    # untuk melakukan hubungan dan kerjasama dengan pihak asing." DI Yogyakarta is not named.
    quote = ("memberikan kewenangan kepada Pemerintah Daerah, baik provinsi maupun kabupaten/kota untuk "
             "melakukan hubungan dan kerjasama dengan pihak asing")
    assert quote in article_body()
    for law in ("law-indonesia-24-2000", "law-indonesia-32-2004"):
        rows = sources(real_dist, f"pdi:{law}", "pd:enablesParadiplomacyOf", "pdi:indonesian-local-governments")
        assert [r["source"] for r in rows] == [PDI["passage-b5-01"]]
        assert quote in normalise(str(rows[0]["quote"]))
        assert (PDI[law], PD.enablesParadiplomacyOf, PDI["special-region-of-yogyakarta"]) not in data()
    assert "Yogyakarta" not in normalise(str(rows[0]["quote"]))


def test_kyoto_prefecture_is_placed_in_no_state(real_dist):
    # b5-06: "(1) Kyoto Perfecture sebagai kelanjutan kerjasama yang dibuat pada 16 Juli tahun 1985 ..."
    # names no country; B.4's "Nara dan Kyoto-Jepang" is Shaanxi's partner, the city of Kyoto.
    body = article_body()
    assert "(1) Kyoto Perfecture sebagai kelanjutan kerjasama yang dibuat pada 16 Juli tahun 1985" in body
    assert "Kyoto Perfecture, Jepang" not in body and "Kyoto Perfecture-Jepang" not in body
    assert (PDI["kyoto-prefecture"], PD.inState, None) not in data()
    assert (PDI["kyoto"], PD.inState, PDI["japan"]) in data()
    rows = sources(real_dist, "pdi:kyoto", "pd:inState", "pdi:japan")
    assert "Nara dan Kyoto-Jepang" in normalise(str(rows[0]["quote"]))


@pytest.mark.parametrize("node, remark", [
    ("activity-diy-chiang-mai-mutual-visits", "No dates given."),
    ("activity-diy-chiang-mai-cooperation-plan", "No dates given."),
    ("event-south-korea-policy-one-sister-province", "No date given."),
])
def test_a_remark_that_no_date_is_given_is_a_comment_not_a_description(real_dist, node, remark):
    # b5-12 "saling mengunjungi antar kedua pihak dan penyusunan rencana kerjasama saja" and b5-18
    # "ada kebijakan dari Peerintah Pusat Korea Selatan ..." give no date: saying so is the curators' remark.
    assert not any(remark in d for d in descriptions(node))
    assert any(str(c).endswith(remark) for c in data().objects(PDI[node], RDFS.comment))


@pytest.mark.parametrize("node", ["activity-diy-chiang-mai-mutual-visits", "activity-diy-chiang-mai-cooperation-plan"])
def test_the_chiang_mai_activities_have_the_party_b5_12_names(real_dist, node):
    # b5-12: "... sedangkan kerjasama dengan Chiang Mai baru sebatas pemenuhan etika diplomatic dengan saling
    # mengunjungi antar kedua pihak dan penyusunan rencana kerjasama saja": 'kedua pihak' names Chiang Mai
    # alone; DI Yogyakarta is the agreement's other party by b5-10's list item, not by b5-12's words.
    quote = ("kerjasama dengan Chiang Mai baru sebatas pemenuhan etika diplomatic dengan saling mengunjungi "
             "antar kedua pihak dan penyusunan rencana kerjasama saja")
    assert quote in article_body()
    rows = sources(real_dist, f"pdi:{node}", "pd:participant", "pdi:chiang-mai-province")
    assert [r["source"] for r in rows] == [PDI["passage-b5-12"]]
    assert quote in normalise(str(rows[0]["quote"]))
    assert "DIY" not in normalise(str(rows[0]["quote"])) and "Yogyakarta" not in normalise(str(rows[0]["quote"]))
    assert (PDI[node], PD.participant, PDI["special-region-of-yogyakarta"]) not in data()
    assert (PDI[node], PD.ofAgreement, PDI["agreement-diy-chiang-mai-province-2007"]) in data()


def test_the_policy_description_renders_b5_18(real_dist):
    quote = ("yang tidak memandang tepat jika ada penandatanganan Sister Province lebih dari 1 "
             "provinsi/Negara Bagian di Korea")
    assert quote in article_body()
    rows = sources(real_dist, "pdi:event-south-korea-policy-one-sister-province", "pd:description")
    assert [r["source"] for r in rows] == [PDI["passage-b5-18"]]
    assert quote in normalise(str(rows[0]["quote"]))
    assert descriptions("event-south-korea-policy-one-sister-province") == {
        "The Central Government of South Korea did not consider it proper for there to be Sister Province "
        "signings with more than 1 province/state in Korea ('lebih dari 1 provinsi/Negara Bagian di Korea')."}


def test_the_governor_s_visit_is_described_by_b5_17_s_words(real_dist):
    # b5-17: "... selain kunjungan ke-2 Gubernur DIY ke Tyrol, Austria pada 1-3 Desember 2003 ..."
    quote = "kunjungan ke-2 Gubernur DIY ke Tyrol, Austria pada 1-3 Desember 2003"
    assert quote in article_body()
    rows = sources(real_dist, "pdi:activity-diy-governor-visit-tyrol-2003", "pd:description")
    assert [r["source"] for r in rows] == [PDI["passage-b5-17"]]
    assert quote in normalise(str(rows[0]["quote"]))
    (text,) = descriptions("activity-diy-governor-visit-tyrol-2003")
    assert "kunjungan ke-2" in text and "Tyrol, Austria" in text and "1-3 December 2003" in text
    assert "not described" not in text and "The source" not in text


def test_the_ptt_doctor_has_no_gloss_the_article_does_not_give(real_dist):
    # b5-17: "mengirimkan seorang dokter PTT bernama dr. Andreasta Meliala dari Gunung Kidul": PTT unexplained
    assert "seorang dokter PTT bernama dr. Andreasta Meliala dari Gunung Kidul" in article_body()
    assert "kontrak" not in article_body() and "Pegawai Tidak Tetap" not in article_body()
    (text,) = descriptions("andreasta-meliala")
    assert "dokter PTT" in text and "Gunung Kidul" in text and "contract" not in text


def test_the_closing_proposal_and_its_context_say_only_b5_19(real_dist):
    # b5-19: "Dalam kontekskerjasama ASEAN, dan berlakunya ASEAN Economic Community mulai tahun 2015 ini,
    # sangat penting bagi Pemerintah Indonesia untuk segera meng-inisiasi upaya terbentuknya sebuah
    # organisasi jalinan pemerintah daerah ..."
    assert "berlakunya ASEAN Economic Community mulai tahun 2015 ini" in article_body()
    (aec,) = descriptions("event-asean-economic-community-2015")
    assert aec.startswith("'berlakunya ASEAN Economic Community mulai tahun 2015 ini'") and "abstract" not in aec
    en = {d for d in descriptions("proposal-asean-regional-governments-organisation")
          if d.startswith("The Government of Indonesia")}
    assert len(en) == 1 and "no such organisation" not in en.pop()
    assert (PDI["proposal-asean-regional-governments-organisation"], RDFS.comment,
            Literal("A proposal: no such organisation exists in the source.", lang="en")) in data()
