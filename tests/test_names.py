"""The name resolver and label service (kg.names): a researcher names things as the article does,
in English or Indonesian, and reads answers as names.

The names asked for are the article's own: "Daerah Istimewa Yogyakarta" and "DIY" (section C),
"Catalonia" and "Flanders" (section B), and the Indonesian labels the data gives them.
"""
from __future__ import annotations

import pytest
from rdflib import Literal, URIRef

from kg.errors import InputError
from kg.namespaces import PD, PDI
from kg.names import AmbiguousName, NameIndex, UnknownName, normalise, with_labels
from kg.query import load_engine
from kg.query.embedded import SelectResult


@pytest.fixture(scope="module")
def names(real_dist):
    return NameIndex.from_engine(load_engine("oxigraph", real_dist / "paradiplomacy.nq"))


def test_normalise_ignores_case_accents_spaces_and_punctuation():
    assert normalise("Daerah Istimewa Yogyakarta") == normalise("daerah-istimewa-YOGYAKARTA")
    assert normalise("Gyeongsangbuk-do") == normalise("gyeongsangbuk do")
    assert normalise("Länder") == normalise("lander")
    assert normalise("D.I. Yogyakarta") == normalise("DI Yogyakarta")


@pytest.mark.parametrize("text, iri", [
    ("Catalonia", "catalonia"),                    # English label, as the article writes it
    ("catalonia", "catalonia"),                    # bare id
    ("CATALONIA", "catalonia"),                    # case
    ("Katalonia", "catalonia"),                    # Indonesian label
    ("pdi:catalonia", "catalonia"),                # prefixed name
    ("<https://w3id.org/paradiplomacy/id/catalonia>", "catalonia"),
    ("https://w3id.org/paradiplomacy/id/catalonia", "catalonia"),
    ("Daerah Istimewa Yogyakarta", "special-region-of-yogyakarta"),   # the article's name
    ("DIY", "special-region-of-yogyakarta"),                          # the article's abbreviation
    ("D.I. Yogyakarta", "special-region-of-yogyakarta"),              # alternative label
    ("special region of yogyakarta", "special-region-of-yogyakarta"),  # the id with spaces
    ("Gyeongsangbuk do", "gyeongsangbuk-do"),      # punctuation ignored
    ("Flanders", "flanders"),
])
def test_a_name_resolves_to_the_one_thing_it_names(names, text, iri):
    assert names.resolve(text) == PDI[iri]


def test_a_misspelt_name_is_refused_with_the_closest_names(names):
    with pytest.raises(UnknownName) as exc:
        names.resolve("Flandres")
    assert exc.value.exit_code == 2
    assert exc.value.suggestions[0].iri == PDI.flanders
    assert "did you mean" in str(exc.value) and "Flanders" in str(exc.value)


def test_an_unknown_id_is_refused_not_bound_to_nothing(names):
    with pytest.raises(UnknownName):
        names.resolve("pdi:no-such-region")


def test_an_unknown_prefix_is_named(names):
    with pytest.raises(UnknownName, match="unknown prefix 'zz'"):
        names.resolve("zz:spain")


def test_a_name_of_several_things_lists_them_with_their_kinds(real_dist):
    # two made-up things sharing one label: the resolver must not pick one
    from rdflib import Graph
    from rdflib.namespace import RDF, RDFS

    g = Graph()
    for local, cls in (("x-province", PD.Province), ("x-city", PD.City)):
        g.add((PDI[local], RDF.type, cls))
        g.add((PDI[local], RDFS.label, Literal("Xanadu", lang="en")))
    g.add((PD.Province, RDFS.label, Literal("province", lang="en")))
    idx = NameIndex.from_graph(g)
    with pytest.raises(AmbiguousName) as exc:
        idx.resolve("xanadu")
    assert exc.value.exit_code == 2
    assert {m.iri for m in exc.value.matches} == {PDI["x-province"], PDI["x-city"]}
    assert "(province)" in str(exc.value) and "pdi:x-city" in str(exc.value)


def test_an_actor_given_for_a_relation_is_taken_to_its_relation(names):
    # section B.2 is about Catalonia's relation with Madrid
    assert names.resolve("Catalonia", expect=PD.CentreRegionRelation) == PDI["relation-catalonia-spain"]
    assert names.resolve("relation-catalonia-spain", expect=PD.CentreRegionRelation) == PDI["relation-catalonia-spain"]


def test_labels_in_each_language_with_fallback(names):
    assert names.labels(PDI.catalonia) == {"en": "Catalonia", "id": "Katalonia"}
    assert names.label(PDI.catalonia, "id") == "Katalonia"
    assert names.label(PDI["special-region-of-yogyakarta"], "id") == "Daerah Istimewa Yogyakarta"


def test_search_finds_by_part_of_a_name(names):
    found = [m.iri for m in names.search("Yogya")]
    assert PDI["special-region-of-yogyakarta"] in found[:3]
    assert [m.iri for m in names.search("Katalonia")][0] == PDI.catalonia


def test_with_labels_adds_a_label_column_beside_each_iri_column(names):
    res = SelectResult(["actor", "n"], [{"actor": PDI.catalonia, "n": Literal(1)}])
    out = with_labels(res, names, "id")
    assert out.variables == ["actor", "actorLabel", "n"]
    assert out.rows[0]["actorLabel"] == Literal("Katalonia", lang="id")


def test_with_labels_fills_a_label_the_query_found_in_no_language(names):
    res = SelectResult(["actor", "actorLabel"], [{"actor": PDI.catalonia, "actorLabel": None}])
    assert with_labels(res, names, "en").rows[0]["actorLabel"] == Literal("Catalonia", lang="en")


def test_input_errors_are_input_errors():
    assert issubclass(UnknownName, InputError) and issubclass(AmbiguousName, InputError)
