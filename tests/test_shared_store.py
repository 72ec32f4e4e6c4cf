"""The build copies the data into one pyoxigraph store that SHACL reads and the OWL RL rules then run
in (`kg.build.pipeline._data_store`): the findings, the report and the inferred triples are those
of each stage with a store of its own, and SHACL hands the store back as it was given."""
from __future__ import annotations

from cq.kgdata import ROOT
from kg.build.export import _canonical_turtle
from kg.build.pipeline import _data_store
from kg.build.reason import infer
from kg.build.shacl import validate_shapes
from kg.build.sources import load_tree
from kg.query.catalogue import load_catalogue


def test_shacl_and_the_rules_in_one_store_find_what_each_finds_in_its_own():
    tree = load_tree(ROOT)
    constructs = [(q.name, q.text) for q in load_catalogue(ROOT).values() if q.role == "construct"]
    store = _data_store(tree)
    given = set(store)
    assert len(given) == len({(q.subject, q.predicate, q.object) for q in tree.data_triples()})

    shared = validate_shapes(tree.ontology, lambda: tree.data, tree.shapes, data_quads=tree.data_triples(),
                             store=store)
    own = validate_shapes(tree.ontology, lambda: tree.data, tree.shapes, data_quads=tree.data_triples())
    assert (shared.conforms, shared.findings) == (own.conforms, own.findings)
    assert own.findings  # the seed's warnings: there is something to compare
    assert _canonical_turtle(shared.report) == _canonical_turtle(own.report)  # as dist/ writes it
    assert set(store) == given  # the ontology taken out again

    data = list(tree.data_triples())
    in_store = infer(tree.ontology, data, method="rules", construct_queries=constructs, store=store)
    alone = infer(tree.ontology, data, method="rules", construct_queries=constructs)
    assert sorted(map(str, in_store.inferred_triples)) == sorted(map(str, alone.inferred_triples))
    assert alone.inferred_triples
    assert (in_store.dropped, in_store.from_construct, in_store.closure_size) == \
        (alone.dropped, alone.from_construct, alone.closure_size)
