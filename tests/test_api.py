"""The Python API (kg.api, `kg.open()`) on the real build, as a notebook uses it: by the article's
names, with answers as names.

Expected answers come from the article: section C lists DI Yogyakarta's agreements (Kyoto
Prefecture 1985, Ismailia 1991, California 1997, Tyrol 1999, ...); section B.2 says Catalonia's
relation with Madrid escalated ("mengalami eskalasi yang memanas sejak tahun 2010").
"""
from __future__ import annotations

import datetime
import json
import subprocess
import sys

import pytest

import kg
from kg.api import KnowledgeGraph
from kg.names import UnknownName
from kg.namespaces import PDI


@pytest.fixture(scope="module")
def ds(real_dist):
    return kg.open(nquads=real_dist / "paradiplomacy.nq")


def test_open_is_the_package_entry_point(real_dist):
    assert isinstance(kg.open(nquads=real_dist / "paradiplomacy.nq"), KnowledgeGraph)


def test_query_by_name_gives_names_and_python_values(ds):
    ans = ds.query("agreements-of-actor", actor="DI Yogyakarta")
    partners = set(ans.column("partnerLabel"))
    assert {"Kyoto Prefecture", "California", "Tyrol"} <= partners
    row = next(r for r in ans if r["partnerLabel"] == "Kyoto Prefecture")
    assert row["actor"] == str(PDI["special-region-of-yogyakarta"])
    assert row["actorLabel"] == "Special Region of Yogyakarta"


def test_query_in_indonesian(ds):
    ans = ds.query("agreements-of-actor", actor="Daerah Istimewa Yogyakarta", lang="id")
    assert "Daerah Istimewa Yogyakarta" in ans.column("actorLabel")
    assert "Prefektur Kyoto" in ans.column("partnerLabel")


def test_to_pandas_has_label_columns_and_numbers_as_numbers(ds):
    pd = pytest.importorskip("pandas", reason="pandas is the optional extra [pandas]; scripts/test.sh installs it")
    frame = ds.query("agreements-of-actor", actor="DIY").to_pandas()
    assert {"actor", "actorLabel", "partner", "partnerLabel"} <= set(frame.columns)
    assert "Tyrol" in set(frame["partnerLabel"])
    counts = ds.sparql("SELECT (COUNT(*) AS ?n) WHERE { ?a a pd:SubStateActor }").to_pandas()
    assert pd.api.types.is_integer_dtype(counts["n"])


def test_dates_are_dates(ds):
    rows = list(ds.sparql("SELECT ?d WHERE { ?s a pd:Signing ; pd:date ?d FILTER(DATATYPE(?d) = xsd:date) } LIMIT 3"))
    assert rows and all(isinstance(r["d"], datetime.date) for r in rows)


def test_a_name_of_two_things_is_an_error_listing_both(ds):
    # the article calls Spain's central government "Madrid" as well as the city (section B.2)
    from kg.names import AmbiguousName

    with pytest.raises(AmbiguousName, match="pdi:madrid"):
        ds.resolve("Madrid")


def test_an_unknown_name_is_an_error_not_an_empty_answer(ds):
    with pytest.raises(UnknownName):
        ds.query("agreements-of-actor", actor="Flandres")


def test_explain_by_name(ds):
    exp = ds.explain("Catalonia")
    assert [r.relation for r in exp.relations] == ["pdi:relation-catalonia-spain"]
    assert exp.relations[0].derivations[0].derived_class == "pd:ConflictualRelation"
    quotes = [s.quote for d in exp.relations[0].derivations for e in d.evidence for s in e.sources]
    assert any("eskalasi yang memanas sejak tahun 2010" in (q or "") for q in quotes)


def test_explain_all_lists_every_relation(ds):
    relations = ds.sparql("SELECT DISTINCT ?r WHERE { ?r a pd:CentreRegionRelation }", labels=False)
    assert len(ds.explain().relations) == len(relations) > 1


def test_entity_by_name_with_statements_and_sources(ds):
    tyrol = ds.entity("Tyrol")
    assert tyrol.iri == str(PDI.tyrol) and tyrol.labels["en"] == "Tyrol"
    assert tyrol.statements and any(s.sources for s in tyrol.statements if not s.inferred)
    assert all(not s.sources for s in tyrol.statements if s.inferred)


def test_sources_of_a_triple_by_names(ds):
    # section B.2: "pemerintah pusat Madrid-Spanyol" (passage b2-16)
    ans = ds.sources("central government of Spain", "pd:seatedIn", "pdi:madrid")
    assert any("Madrid-Spanyol" in (q or "") for q in ans.column("quote"))


def test_the_api_works_from_any_folder(real_dist, tmp_path):
    code = ("import kg, json; ds = kg.open(nquads=%r); "
            "print(json.dumps(ds.query('agreements-of-actor', actor='DIY').column('partnerLabel')))"
            % str(real_dist / "paradiplomacy.nq"))
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True)
    assert "Tyrol" in json.loads(out.stdout)


def test_ids_and_labels_need_no_whole_name_index(real_dist):
    """A question whose things are given by id reads the names of its answer only, so its cost
    follows the answer, not the dataset; a misspelt id still gets the closest names."""
    fresh = kg.open(nquads=real_dist / "paradiplomacy.nq")
    ans = fresh.query("agreements-of-actor", actor="pdi:special-region-of-yogyakarta")
    assert "Tyrol" in ans.column("partnerLabel")
    assert fresh._names is None
    with pytest.raises(UnknownName, match="special-region-of-yogyakarta"):
        fresh.query("agreements-of-actor", actor="pdi:special-region-of-yogyakart")
