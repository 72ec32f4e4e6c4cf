"""The fixes of the full audit of single-passage citations in data/gyeongsangbuk-do.trig,
data/shaanxi.trig and data/states.trig (docs/audits/audit-single-full-asia.md): each triple sits in the
graph of the passage that states it, and a passage's description renders its words and no more."""
from __future__ import annotations

import pytest

from datagraph import _named_graphs, article_body, normalise
from kg.namespaces import PD, PDI, RDFS
from test_provenance import sources

pytestmark = pytest.mark.usefixtures("real_dist")




def quoted(row) -> str:
    quote = normalise(str(row["quote"]))
    assert quote in article_body()
    return quote


def test_shaanxi_in_china_is_said_by_b_12_not_by_salah_satunya(real_dist):
    """b4-05 "Salah satunya adalah Provinsi Shaanxi." names Shaanxi, not China (b4-04's "Dari 23
    provinsi tersebut" does not either); b-12 "... Geongsangbuk-Do, Korea Selatan, dan Shaanxi, China"
    names both."""
    rows = sources(real_dist, "pdi:shaanxi", "pd:inState", "pdi:china")
    assert [r["source"] for r in rows] == [PDI["passage-b-12"]]
    assert "dan Shaanxi, China" in quoted(rows[0])


def test_the_six_in_near_are_of_those_23_china_is_named_by_b4_03(real_dist):
    """b4-04: "Dari 23 provinsi tersebut, 6 diantara tergabung dalam keanggotaan aktif di 'NEAR'" does
    not name China; b4-03: "China ... memberikan kewenangan kepada pemerintah provinsi mereka yang
    berjumlah 23 provinsi itu" does."""
    data = _named_graphs()["data"]
    six = PDI["count-chinese-provinces-in-near"]
    assert (six, PD.countsCountry, None) not in data
    assert not any("Chinese" in str(t) for t in data.objects(six, PD.countedThing))
    rows = sources(real_dist, "pdi:count-chinese-provinces-in-near", "pd:subsetOf", "pdi:count-china-provinces")
    assert [r["source"] for r in rows] == [PDI["passage-b4-04"]]
    assert quoted(rows[0]).startswith("Dari 23 provinsi tersebut, 6 diantara")
    rows = sources(real_dist, "pdi:count-china-provinces", "pd:countOf", "pdi:china")
    assert [r["source"] for r in rows] == [PDI["passage-b4-03"]]
    assert "pemerintah provinsi mereka yang berjumlah 23 provinsi itu" in quoted(rows[0])


def test_the_korean_freedom_is_the_provinces_not_gyeongsangbuk_do_s(real_dist):
    """b3-03: "Meskipun Korea Selatan memiliki bentuk negara kesatuan, namun provinsi-provinsi diberi
    kebebasan untuk menjalin hubungan dan kerjasama luar negeri ..." -- a set, which names none of its
    members: the holder is South Korea's provinces, as b4-03's authority is China's provinces'."""
    data = _named_graphs()["data"]
    competence = PDI["competence-south-korean-provinces-foreign-cooperation"]
    assert list(data.objects(competence, PD.holder)) == [PDI["south-korean-provinces"]]
    assert (None, PD.holder, PDI["gyeongsangbuk-do"]) not in data
    rows = sources(real_dist, "pdi:south-korean-provinces", "pd:inState", "pdi:south-korea")
    assert [r["source"] for r in rows] == [PDI["passage-b3-03"]]
    assert "namun provinsi-provinsi diberi kebebasan" in quoted(rows[0])


def test_gyeongsangbuk_do_s_place_in_the_korean_relation_is_cited_to_b3_02_not_b3_03(real_dist):
    """b3-03 speaks of "provinsi-provinsi" only; b3-02 "Provinsi yang berada di pantai Timur Korea Selatan
    ... ini, menikmati pertumbuhan ekonomi yang pesat setelah diberlakukannya Otonomi Daerah" is this
    province (the anaphora rule), as b5-05 carries DIY's place in its relation."""
    rows = sources(real_dist, "pdi:relation-gyeongsangbuk-do-south-korea", "pd:subStateActor", "pdi:gyeongsangbuk-do")
    assert [r["source"] for r in rows] == [PDI["passage-b3-02"]]
    assert "setelah diberlakukannya Otonomi Daerah" in quoted(rows[0])
    rows = sources(real_dist, "pdi:relation-gyeongsangbuk-do-south-korea", "pd:centralGovernment",
                   "pdi:south-korea-central-government")
    assert [r["source"] for r in rows] == [PDI["passage-b3-03"]]


def test_kedua_gubernur_names_neither_province(real_dist):
    """b3-18: "Kedua Gubernur telah saling mengadakan kunjungan untuk menindaklanjuti bentuk-bentuk
    kerjasama ekonomi secara kongkrit." -- the two Governors, as Jakarta Post's "the two cities", name no
    party; the visits are tied to the cooperation, whose parties b3-16 names."""
    data = _named_graphs()["data"]
    visits = PDI["activity-diy-gyeongsangbuk-do-governor-visits"]
    assert (visits, PD.participant, None) not in data
    rows = sources(real_dist, "pdi:activity-diy-gyeongsangbuk-do-governor-visits", "pd:ofAgreement",
                   "pdi:agreement-diy-gyeongsangbuk-do-2005")
    assert [r["source"] for r in rows] == [PDI["passage-b3-18"]]
    assert quoted(rows[0]).startswith("Kedua Gubernur telah saling mengadakan kunjungan")


REMARKS = ("no dates", "no law", "names no law", "no explicit characterisation", "kept as stated",
           "review i21", "no concept of their own", "the source spells", "no figures")


@pytest.mark.parametrize("node", [
    "event-south-korea-regional-autonomy-1988", "competence-south-korean-provinces-foreign-cooperation",
    "relation-gyeongsangbuk-do-south-korea", "event-near-founding-meetings",
    "event-near-meetings-mongolia-north-korea-entry", "near", "event-saemaul-undong-spirit-ties",
    "activity-diy-gyeongsangbuk-do-governor-visits", "activity-diy-delegation-saemaul-undong-course",
    "activity-diy-civil-servants-korean-language", "activity-diy-doctors-public-health-internship",
    "activity-saemaul-training-centre-kampung", "activity-gyeongsangbuk-do-investment-in-diy",
    "competence-chinese-provinces-foreign-cooperation"])
def test_a_description_renders_its_passage_and_the_curators_remarks_are_comments(real_dist, node):
    """A pd:description renders the passage "and no more" (PROVENANCE.md; audit-single A59): "no dates
    given", "no law is named", "(the source's comparison, kept as stated)" are the curators' remarks,
    which no passage makes, e.g. b3-07 "Secara aktif, Gyeongsangbuk-Do menginisiasi beberapa kali
    pertemuan internasional ..." says nothing of dates. They are kept as rdfs:comment."""
    data = _named_graphs()["data"]
    descriptions = [str(d).lower() for d in data.objects(PDI[node], PD.description)]
    assert all(not any(r in d for r in REMARKS) for d in descriptions), descriptions
    comments = [str(c).lower() for c in data.objects(PDI[node], RDFS.comment)]
    assert any(any(r in c for r in REMARKS) for c in comments), comments


def test_the_worldwide_centre_is_gyeongsangbuk_do_not_the_academy(real_dist):
    """b3-11: "Gyeongsangbuk-Do juga merupakan pusat gerakan 'Saemaul Undong' seluruh dunia yakni gerakan
    pembaharuan pedesaan dengan berdirinya Akademi Saemaul Undong di sana" -- the province is the centre,
    the Academy stands there."""
    rows = sources(real_dist, "pdi:saemaul-undong-academy", "pd:description")
    texts = {str(r["o"]) for r in rows if str(r["source"]) == str(PDI["passage-b3-11"])}
    assert "Berdiri di Gyeongsangbuk-Do, pusat gerakan 'Saemaul Undong' seluruh dunia yakni gerakan pembaharuan pedesaan." in texts
    assert "Pusat gerakan 'Saemaul Undong' seluruh dunia yakni gerakan pembaharuan pedesaan." not in texts
    assert "Akademi Saemaul Undong di sana" in quoted(rows[0])
