"""paradiplomacy-kg: a knowledge graph of paradiplomacy.

The package follows the pipeline, one subpackage a stage, and the command line is a thin layer
over it (`kg.cli`):

    sources (ontology/, shapes/, data/, queries/)
      └─ kg.build     parse → SHACL → OWL 2 RL → canonical N-Quads and every format in dist/
           └─ kg.dataset   where the built dataset is (the one place that decides it)
                └─ kg.query     engines: pyoxigraph (default), rdflib, any SPARQL endpoint
                     ├─ kg.explain    why a relation is cooperative or conflictual, with sources
                     ├─ kg.serve      the SPARQL endpoint, linked-data pages, the web page
                     └─ kg.store      loading the dataset into a triple store

Shared by all: `kg.errors` (one hierarchy, `KgError` at its root), `kg.terms` (RDF terms, IRIs),
`kg.namespaces` (the IRIs of the project).

For notebooks (names, not IRIs; answers with label columns; `kg.api`):

    import kg
    ds = kg.open()                                # the checkout or $KG_ROOT, built only if stale
    ds.query("agreements-of-actor", actor="DI Yogyakarta").to_pandas()
    ds.explain("Catalonia"); ds.entity("Tyrol"); ds.sparql("SELECT ...")

The common calls underneath:

    from kg.build import build                    # the build (its stages: kg.build.*)
    from kg.query import load_engine
    from kg.explain import explain

    report = build("path/to/tree")                # builds into path/to/tree/dist
    engine = load_engine("oxigraph", report.dist / "paradiplomacy.nq")
    print(explain(engine, "catalonia").to_json())

`kg.load_engine`, `kg.DatasetLocation` and `kg.KgError` are importable from here too (`kg.build`
and `kg.explain` name the subpackage and the module, so the functions are imported from them).
"""
from __future__ import annotations

from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as _dist_version

try:
    __version__ = _dist_version("paradiplomacy-kg")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"

__all__ = ["__version__", "open", "load_engine", "DatasetLocation", "KgError"]


_LAZY = {"load_engine": ("kg.query.engines", "load_engine"), "DatasetLocation": ("kg.dataset", "DatasetLocation"),
         "KgError": ("kg.errors", "KgError"), "open": ("kg.api", "open_dataset")}


def __getattr__(name: str):
    # resolved on first use, so importing this package stays cheap
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        return getattr(importlib.import_module(module), attr)
    raise AttributeError(f"module 'kg' has no attribute {name!r}")
