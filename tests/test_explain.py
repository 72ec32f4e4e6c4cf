"""`kg explain` (kg/explain.py): the derivation chain of a relation's character, with its sources.

Expected content from the article: Catalonia's relation (B.2) is conflictual because of the
veto "di-veto oleh Mahakamah Agung Spannyol ... pada bulan Oktober 2014" among others; Flanders's
(B.1) is cooperative, with the treaty-making power "sejak berdirinya tahun 1993".

The explanations are read from the real build (`real_dist`, tests/conftest.py), on both embedded
engines and, with the stores, from a real triple store loaded with that same file.
"""
from __future__ import annotations

import json

import pytest
from cq.kgdata import dataset, engines

from kg.errors import InputError
from kg.explain import ExplainError, explain, format_text
from kg.namespaces import PDI
from kg.terms import expand


def test_bare_ids_prefixed_names_and_iris_resolve_alike():
    assert expand("catalonia") == expand("pdi:catalonia") == \
        expand("https://w3id.org/paradiplomacy/id/catalonia") == PDI.catalonia
    with pytest.raises(InputError, match="unknown prefix"):
        expand("nope:catalonia")


def test_actor_explains_its_relations_with_the_conflict_axiom_and_the_veto_sub_rule(real_dist):
    oxi, _ = engines(real_dist)
    exp = explain(oxi, "catalonia")
    rel = next(r for r in exp.relations if r.relation == "pdi:relation-catalonia-spain")
    d = next(d for d in rel.derivations if d.derived_class == "pd:ConflictualRelation")
    assert d.axiom == "CentreRegionRelation ⊓ ∃hasEvidence.ConflictIndicator ⊑ ConflictualRelation"
    rules = {s.rule for s in d.evidence}
    assert "CourtRuling ⊓ ∃vetoes.Referendum ⊑ ConflictIndicator" in rules
    assert "StatusReduction ⊑ ConflictIndicator" in rules
    veto = next(s for s in d.evidence if s.rule.startswith("CourtRuling"))
    assert veto.date and veto.date.startswith("2014-10")
    assert any(p == "pd:vetoes" for _, p, _ in veto.triples)
    quotes = " ".join(src.quote or "" for src in veto.sources)
    assert "di-veto oleh Mahakamah Agung Spannyol" in quotes
    assert all(src.translation for src in veto.sources if src.quote_lang == "id")
    assert any(a.classified_by == "pdi:david-criekemans" and a.character == "conflictual" for a in rel.assertions)


def test_relation_iri_gives_the_same_explanation_on_both_engines(real_dist):
    oxi, ref = engines(real_dist)
    a = explain(oxi, "pdi:relation-flanders-belgium")
    b = explain(ref, "https://w3id.org/paradiplomacy/id/relation-flanders-belgium")
    assert a.to_json() == b.to_json()
    rel = a.relations[0]
    assert [d.derived_class for d in rel.derivations] == ["pd:CooperativeRelation"]
    assert any(s.rule == "TreatyMakingPower ⊑ CooperationIndicator" and s.date == "1993"
               for s in rel.derivations[0].evidence)
    assert len(rel.frictions) >= 2


def test_text_output_shows_axiom_evidence_and_quotes(real_dist):
    text = format_text(explain(dataset(real_dist), "catalonia"))
    assert "the rule  CentreRegionRelation ⊓ ∃hasEvidence.ConflictIndicator ⊑ ConflictualRelation" in text
    assert "source pdi:passage-" in text
    assert '"@id' in text      # the Indonesian quote, language-tagged
    assert '"@en' in text      # and its English rendering


def test_unknown_or_unexplainable_resources_get_a_clear_error(real_dist):
    oxi, _ = engines(real_dist)
    with pytest.raises(ExplainError, match="not in the dataset"):
        explain(oxi, "no-such-thing-anywhere")
    with pytest.raises(ExplainError, match="neither a centre–region relation"):
        explain(oxi, "pdi:work-criekemans-2008")


def test_cli_explain_prints_the_chain_and_fails_cleanly(real_dist, capsys):
    from kg.cli import main

    root, built = str(real_dist.parent), (real_dist / "paradiplomacy.nq").stat().st_mtime_ns
    assert main(["--root", root, "explain", "catalonia", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["relations"][0]["derivations"][0]["derived_class"] == "pd:ConflictualRelation"
    assert main(["--root", root, "explain", "no-such-thing-anywhere"]) == 2
    err = capsys.readouterr().err
    assert "nothing in the dataset has this name" in err and "Traceback" not in err
    assert (real_dist / "paradiplomacy.nq").stat().st_mtime_ns == built, "the fresh build was made again"


@pytest.mark.stores
@pytest.mark.parametrize("target", ["catalonia", "flanders"])
def test_explain_from_a_real_triple_store_matches_the_embedded_engine(store, target):
    """The explanation is read through the engine interface only, so a SPARQL endpoint (Virtuoso,
    Oxigraph server, started by the test session) gives the same chain as the embedded store."""
    from kg.query.embedded import OxigraphEngine
    from kg.query.remote import RemoteEngine

    ds = store.datasets["real"]
    remote = RemoteEngine(store.query_url, default_graphs=ds.graphs)
    local = OxigraphEngine.from_nquads(ds.nquads)
    got, expected = explain(remote, target), explain(local, target)
    assert got.relations and got.relations[0].derivations
    assert got.to_json() == expected.to_json()


def test_explain_says_whose_words_each_classification_is(real_dist):
    """The author's own verdict on Flanders ("the article says") beside Criekemans's, which the
    article reports ("a scholar says, as the article reports"); the derived character is "derived
    by rule from evidence"."""
    text = format_text(explain(dataset(real_dist), "flanders"))
    assert "derived by rule from evidence: pd:CooperativeRelation" in text
    assert "the article says: cooperative (classified by pdi:seed-article-author)" in text
    assert "a scholar says, as the article reports: cooperative (classified by pdi:david-criekemans)" in text
