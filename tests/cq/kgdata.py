"""The built dataset for the query, reasoning and competency-question tests, loaded once a session.

`built_dataset()` runs the build's own stages that the queries depend on -- parse the source tree
(`kg.build.sources.load_tree`) and reason (`kg.build.reason.infer`: owlrl, then every `queries/construct-*.rq`)
-- into the three named graphs of the dataset, in memory. SHACL is left out on purpose: the shapes
have their own tests, and a shape violation in data being written must not hide what the queries
answer. The violation queries, which the build also runs, are tested here. `engines()` gives the embedded engine (pyoxigraph) and the reference
(rdflib) over the same quads. `closure_dataset(ontology, data)` is the build's reasoning without
the rest, for fixtures (violation queries, explain) that are not the project's data.
"""
from __future__ import annotations

import functools
import os
import re
from pathlib import Path

from rdflib import Dataset, Graph

from kg.query.embedded import OxigraphEngine, RdflibEngine
from kg.namespaces import GRAPH_DATA, GRAPH_INFERRED, GRAPH_ONTOLOGY, project_root

ROOT = project_root()


def article_path() -> Path:
    """The source article: `$KG_SHARED/seeds/` or `<repo>/../shared/seeds/`."""
    base = Path(os.environ["KG_SHARED"]) if os.environ.get("KG_SHARED") else ROOT.parent / "shared"
    return base / "seeds" / "paradiplomacy-article.txt"


def normalise_ws(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@functools.lru_cache(maxsize=1)
def built_dataset() -> Dataset:
    from kg.build.sources import load_tree

    tree = load_tree(ROOT)
    return closure_dataset(tree.ontology, tree.data)


@functools.lru_cache(maxsize=1)
def engines() -> tuple[OxigraphEngine, RdflibEngine]:
    ds = built_dataset()
    return OxigraphEngine.from_dataset(ds), RdflibEngine(ds)


def closure_dataset(ontology: Graph, data: Graph, construct: bool = True, method: str = "full") -> Dataset:
    """ontology, data and the build's inferred graph (owlrl + construct queries) as a Dataset."""
    from kg.query.catalogue import load_catalogue
    from kg.build.reason import infer

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
