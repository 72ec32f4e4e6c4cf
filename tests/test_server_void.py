"""What clients read about the dataset (red-team review, item 8 of issue 21): the VoID description
names the SPARQL endpoint and counts as entities exactly the resources in its own void:uriSpace (it
said 4658 while 533 subjects matched); the validation report says sh:conforms false as soon as it
lists any result (SHACL 3.1.1; pySHACL said true beside warnings)."""
from __future__ import annotations

import httpx
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SH, VOID

from tests.server_support import LiveServer, config_for


@pytest.fixture(scope="module")
def void(real_dist) -> Graph:
    with LiveServer(config_for(real_dist)) as s, httpx.Client(base_url=s.url) as c:
        r = c.get("/void", headers={"Accept": "text/turtle"})
    assert r.status_code == 200
    return Graph().parse(data=r.text, format="turtle")


def test_void_names_the_sparql_endpoint(void):
    ds = next(void.subjects(VOID.uriSpace, None))
    assert void.value(ds, VOID.sparqlEndpoint) == URIRef("https://w3id.org/paradiplomacy/sparql")


def test_void_entities_are_the_subjects_in_its_uri_space(void, real_dist):
    ds = next(void.subjects(VOID.uriSpace, None))
    space = str(void.value(ds, VOID.uriSpace))
    subjects = set()
    with open(real_dist / "paradiplomacy.nq", encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("<" + space):
                subjects.add(line.split(">", 1)[0][1:])
    assert void.value(ds, VOID.entities) == Literal(len(subjects)) and len(subjects) > 0


def test_validation_report_does_not_conform_when_it_lists_results(real_dist):
    report = Graph().parse(real_dist / "validation-report.ttl", format="turtle")
    results = list(report.subjects(RDF.type, SH.ValidationResult))
    node = next(report.subjects(RDF.type, SH.ValidationReport))
    assert report.value(node, SH.conforms) == Literal(not results)
