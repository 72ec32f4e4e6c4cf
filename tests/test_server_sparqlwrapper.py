"""Real clients as they come (red-team review, item 8 of issue 21): SPARQLWrapper with its default
settings sends `format=`, `output=` and `results=` (some twice, the second time a media type) and
`kg serve` used to answer 400 for TSV, RDF/XML, JSON-LD and N3. Every format, on a live server.

The answer checked is Flanders' Wikidata link, Q234 (reference/wikidata-ids.csv), and its label
"Flanders" (section B.1: "Pemerintah Regional Flanders")."""
from __future__ import annotations

import warnings

import pytest
from rdflib import Graph, URIRef
from SPARQLWrapper import CSV, JSON, JSONLD, N3, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

from tests.server_support import LiveServer, config_for

FLANDERS = "https://w3id.org/paradiplomacy/id/flanders"
SKOS_MATCH = "http://www.w3.org/2004/02/skos/core#exactMatch"
Q234 = "http://www.wikidata.org/entity/Q234"
SELECT = f"SELECT ?m WHERE {{ <{FLANDERS}> <{SKOS_MATCH}> ?m }}"
CONSTRUCT = f"CONSTRUCT {{ <{FLANDERS}> <{SKOS_MATCH}> ?m }} WHERE {{ <{FLANDERS}> <{SKOS_MATCH}> ?m }}"


@pytest.fixture(scope="module")
def url(real_dist):
    with LiveServer(config_for(real_dist)) as s:
        yield s.url + "/sparql"


def _run(url: str, query: str, fmt: str, method: str = "GET"):
    w = SPARQLWrapper(url)  # its defaults: GET, format=/output=/results= and its Accept header
    w.setQuery(query)
    w.setReturnFormat(fmt)
    w.setMethod(method)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # SPARQLWrapper warns about formats it guesses
        return w.query().convert()


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("fmt", [JSON, XML, CSV, TSV])
def test_sparqlwrapper_select_in_every_results_format(url, fmt, method):
    res = _run(url, SELECT, fmt, method)
    if fmt == JSON:
        assert [b["m"]["value"] for b in res["results"]["bindings"]] == [Q234]
    elif fmt == XML:
        assert [u.firstChild.data for u in res.getElementsByTagName("uri")] == [Q234]
    else:
        text = res.decode("utf-8")
        assert Q234 in text and text.splitlines()[0].strip() in ("m", "?m")


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("fmt", [TURTLE, N3, RDFXML, XML, JSONLD, JSON])
def test_sparqlwrapper_construct_in_every_graph_format(url, fmt, method):
    res = _run(url, CONSTRUCT, fmt, method)
    if isinstance(res, Graph):
        g = res
    else:
        data = res.decode("utf-8") if isinstance(res, bytes) else res
        g = Graph().parse(data=data, format={TURTLE: "turtle", N3: "turtle", JSONLD: "json-ld",
                                             JSON: "json-ld"}.get(fmt, "xml"))
    assert (URIRef(FLANDERS), URIRef(SKOS_MATCH), URIRef(Q234)) in g
