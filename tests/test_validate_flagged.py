"""A data-quality warning on a node that a pd:SourceConflict already records says so.

The article itself gives Flanders 95 staff abroad but a breakdown that sums to 92 (B.1: "Pegawai
yang menempati pos perwakilan diplomatik Flanders di luar negeri ada 95 orang, 44 personil ...").
The warning must stay (it is the data-quality report), and name the recorded conflict when there
is one, so that nobody "fixes" what the source says.
"""
from __future__ import annotations

from pathlib import Path

from rdflib import Graph

from kg.build.shacl import validate_shapes

ROOT = Path(__file__).resolve().parent.parent

DATA = """
@prefix pd: <https://w3id.org/paradiplomacy/ontology#> .
@prefix pdv: <https://w3id.org/paradiplomacy/vocab/> .
@prefix pdi: <https://w3id.org/paradiplomacy/id/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
pdi:s a pd:ArticleSection . 
pdi:p a pd:SourcePassage ; pd:quote "Pegawai ... ada 95 orang"@id ; pd:translation "95 staff"@en ; dcterms:isPartOf pdi:s .
pdi:fl a pd:Region ; rdfs:label "Flanders"@en , "Flanders"@id ; prov:wasDerivedFrom pdi:p .
pdi:total a pd:StaffCount ; pd:countOf pdi:fl ; pd:value 95 ; prov:wasDerivedFrom pdi:p .
pdi:a a pd:StaffCount ; pd:countOf pdi:fl ; pd:value 44 ; pd:partOfTotal pdi:total ; prov:wasDerivedFrom pdi:p .
pdi:b a pd:StaffCount ; pd:countOf pdi:fl ; pd:value 48 ; pd:partOfTotal pdi:total ; prov:wasDerivedFrom pdi:p .
"""
CONFLICT = """
@prefix pd: <https://w3id.org/paradiplomacy/ontology#> .
@prefix pdv: <https://w3id.org/paradiplomacy/vocab/> .
@prefix pdi: <https://w3id.org/paradiplomacy/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
pdi:conflict-sum a pd:SourceConflict ; pd:conflictKind pdv:conflict-sum-mismatch ; pd:concerns pdi:total ;
    pd:conflictingStatement pdi:p ; rdfs:comment "92 against 95"@en .
"""


def _graphs(extra: str = ""):
    onto, shapes = Graph(), Graph()
    for f in sorted((ROOT / "ontology").glob("*.ttl")):
        onto.parse(f)
    for f in sorted((ROOT / "shapes").glob("*.ttl")):
        shapes.parse(f)
    data = Graph().parse(data=DATA + extra, format="turtle")
    return onto, data, shapes


def _sum_warnings(result):
    return [f for f in result.warnings if f.shape == "pds:BreakdownSumShape"]


def test_unrecorded_sum_mismatch_is_a_plain_warning():
    result = validate_shapes(*_graphs())
    [w] = _sum_warnings(result)
    assert w.focus == "pdi:total" and w.flagged_by == ""
    assert "recorded as" not in str(w)


def test_recorded_sum_mismatch_names_its_conflict():
    result = validate_shapes(*_graphs(CONFLICT))
    [w] = _sum_warnings(result)
    assert w.flagged_by == "pdi:conflict-sum"
    assert "recorded as pdi:conflict-sum" in str(w)
