"""The built dataset for the query, competency-question, reasoning and explain tests.

`dataset(dist)` and `engines(dist)` read `paradiplomacy.nq` of a built folder -- in the tests the
`real_dist` session fixture (tests/conftest.py): the project's sources as committed, built once by
`kg.build.build` with its defaults, the artefact `kg build` ships. They load it with the engines'
own loaders (`from_nquads`, as `kg query` does): the embedded engine (pyoxigraph) and the reference
(rdflib) over the same quads. Cached per folder; tests must not modify them.

`closure_dataset(ontology, data)` is the build's reasoning (owlrl, then the `construct-*.rq`
queries) without the rest of the build, for the small fixtures that are not the project's data
(the axioms on invented inputs in tests/test_reasoning.py): those reason over themselves.
`ontology_graph()` is the ontology of the working tree, which the fixtures of tests/fixtures/ are
written against (the same tree their queries and shapes are read from).
"""
from __future__ import annotations

import functools
import re
from pathlib import Path

from rdflib import Dataset, Graph

from kg.dataset import NQUADS
from kg.namespaces import GRAPH_DATA, GRAPH_INFERRED, GRAPH_ONTOLOGY, project_root
from kg.query.embedded import OxigraphEngine, RdflibEngine

ROOT = project_root()


def normalise_ws(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@functools.lru_cache(maxsize=None)
def engines(dist: Path) -> tuple[OxigraphEngine, RdflibEngine]:
    """pyoxigraph and rdflib over `<dist>/paradiplomacy.nq`."""
    nq = Path(dist) / NQUADS
    return OxigraphEngine.from_nquads(nq), RdflibEngine.from_nquads(nq)


def dataset(dist: Path) -> Dataset:
    """The built dataset as an rdflib Dataset: the named graphs ontology, data and inferred; the
    default graph is their union (`(s, p, o) in ds` looks in all three)."""
    return engines(dist)[1].dataset


def closure_dataset(ontology: Graph, data: Graph, construct: bool = True, method: str = "targeted") -> Dataset:
    """ontology, data and the build's inferred graph (owlrl + construct queries) as a Dataset, for a
    fixture; `method` as `kg.build.reason.infer` (the build's default: targeted)."""
    from kg.build.reason import infer
    from kg.query.catalogue import load_catalogue

    constructs = [(q.name, q.text) for q in load_catalogue(ROOT).values() if q.role == "construct"] \
        if construct else []
    rr = infer(ontology, data, construct_queries=constructs, method=method)  # type: ignore[arg-type]
    ds = Dataset(default_union=True)
    for name, g in ((GRAPH_ONTOLOGY, ontology), (GRAPH_DATA, data), (GRAPH_INFERRED, rr.inferred)):
        target = ds.graph(name)
        for t in g:
            target.add(t)
    return ds


@functools.lru_cache(maxsize=1)
def ontology_graph() -> Graph:
    from kg.build.sources import load_tree

    return load_tree(ROOT).ontology
