"""Querying the built dataset: one engine interface over pyoxigraph, rdflib and remote endpoints.

- `embedded`   the engines in this process (pyoxigraph, the default; rdflib, the reference)
- `child`      the pyoxigraph engine in a child process, killed at a query's time limit
- `engines`    `load_engine`: an engine by name
- `catalogue`  the canned queries of `queries/` and the binding of their parameters
- `safety`     the guard that refuses queries reaching the network or the disk
- `remote`     any SPARQL 1.1 endpoint (SPARQLWrapper)
"""
from kg.query.embedded import (
                               DEFAULT_ROW_LIMIT,
                               DEFAULT_TIMEOUT_S,
                               Engine,
                               OxigraphEngine,
                               QueryResult,
                               RdflibEngine,
                               SelectResult,
)
from kg.query.engines import load_engine

__all__ = ["Engine", "SelectResult", "QueryResult", "OxigraphEngine", "RdflibEngine", "load_engine",
           "DEFAULT_ROW_LIMIT", "DEFAULT_TIMEOUT_S"]
