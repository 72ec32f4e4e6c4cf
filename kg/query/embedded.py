"""One small interface over the SPARQL engines, so a canned query runs unchanged on each.

- `OxigraphEngine`: the embedded default (pyoxigraph), fast on aggregates.
- `RdflibEngine`: the reference implementation.
- `kg.query.remote.RemoteEngine`: any SPARQL 1.1 endpoint, through SPARQLWrapper.

Every engine answers `query(text, bindings)` with a `SelectResult`, a `bool` (ASK) or an
`rdflib.Graph` (CONSTRUCT/DESCRIBE), with values as rdflib terms, so results from different
engines compare directly. The default graph of every engine is the union of the dataset's
graphs (ontology, asserted data, inferred).

Parameters are bound by the engine (pyoxigraph substitutions, rdflib initBindings), never
spliced into the query text.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Protocol, Union

import pyoxigraph as ox
from rdflib import Dataset, Graph
from rdflib.term import Node

from kg.errors import QueryError, QueryLimitError
from kg.query.safety import UnsafeQueryError, check_query
from kg.terms import from_oxigraph, normalise_term, oxigraph_quads, to_oxigraph

__all__ = [
    "SelectResult", "QueryResult", "Engine", "OxigraphEngine", "RdflibEngine",
    "QueryError", "QueryLimitError", "UnsafeQueryError", "DEFAULT_ROW_LIMIT", "DEFAULT_TIMEOUT_S",
    "load_engine", "comparable",
]

DEFAULT_ROW_LIMIT = 100_000
DEFAULT_TIMEOUT_S = 30.0




@dataclass
class SelectResult:
    variables: list[str]
    rows: list[dict[str, Node | None]] = field(default_factory=list)

    def as_set(self) -> set[tuple]:
        """Rows as a set of tuples (in `variables` order): what engines must agree on."""
        return {tuple(r.get(v) for v in self.variables) for r in self.rows}

    def __len__(self) -> int:
        return len(self.rows)


QueryResult = Union[SelectResult, bool, Graph]


class Engine(Protocol):
    name: str

    def query(self, sparql: str, bindings: Mapping[str, Node] | None = None, *,
              timeout_s: float = DEFAULT_TIMEOUT_S, row_limit: int = DEFAULT_ROW_LIMIT) -> QueryResult:
        ...


# --- the embedded default --------------------------------------------------------------------

class OxigraphEngine:
    """The embedded engine: a pyoxigraph in-memory store holding the dataset's named graphs."""

    name = "oxigraph"

    def __init__(self, store: ox.Store | None = None):
        self.store = store if store is not None else ox.Store()

    @classmethod
    def from_nquads(cls, path: Path) -> "OxigraphEngine":
        store = ox.Store()
        with open(path, "rb") as fh:
            store.bulk_load(fh, ox.RdfFormat.N_QUADS)
        return cls(store)

    @classmethod
    def from_graphs(cls, graphs) -> "OxigraphEngine":
        """A store holding rdflib graphs: (graph name, Graph) pairs, None for the default graph."""
        store = ox.Store()
        store.extend(list(oxigraph_quads(graphs)))
        return cls(store)

    @classmethod
    def from_dataset(cls, ds: Dataset) -> "OxigraphEngine":
        """A store holding the graphs of an rdflib Dataset (its default graph as the default graph)."""
        return cls.from_graphs((None if str(g.identifier).startswith("urn:x-rdflib:default") else g.identifier, g)
                               for g in ds.graphs())

    def query(self, sparql: str, bindings: Mapping[str, Node] | None = None, *,
              timeout_s: float = DEFAULT_TIMEOUT_S, row_limit: int = DEFAULT_ROW_LIMIT) -> QueryResult:
        check_query(sparql)
        subs = {ox.Variable(k): to_oxigraph(v) for k, v in (bindings or {}).items() if v is not None}
        started = time.monotonic()
        try:
            res = self.store.query(sparql, use_default_graph_as_union=True, substitutions=subs or None)
        except SyntaxError as exc:
            raise QueryError(f"SPARQL syntax error: {exc}") from exc
        except OSError as exc:
            raise QueryError(f"query failed: {exc}") from exc
        if isinstance(res, ox.QueryBoolean):
            return bool(res)
        if isinstance(res, ox.QuerySolutions):
            variables = [v.value for v in res.variables]
            rows: list[dict[str, Node | None]] = []
            for sol in res:
                if len(rows) >= row_limit:
                    raise QueryLimitError(f"the query returned more than {row_limit} rows (the result-size limit)")
                if time.monotonic() - started > timeout_s:
                    raise QueryLimitError(f"the query ran past its time limit of {timeout_s:g} s")
                rows.append({v: from_oxigraph(sol[v]) for v in variables})
            return SelectResult(variables, rows)
        g = Graph()
        for i, t in enumerate(res):
            if i >= row_limit:
                raise QueryLimitError(f"the query returned more than {row_limit} triples (the result-size limit)")
            g.add((from_oxigraph(t.subject), from_oxigraph(t.predicate), from_oxigraph(t.object)))
        return g


# --- the reference engine --------------------------------------------------------------------

class RdflibEngine:
    """rdflib's SPARQL engine over the same dataset (default graph = union of the named graphs)."""

    name = "rdflib"

    def __init__(self, dataset: Dataset):
        self.dataset = dataset
        self.dataset.default_union = True

    @classmethod
    def from_nquads(cls, path: Path) -> "RdflibEngine":
        ds = Dataset(default_union=True)
        ds.parse(path, format="nquads")
        return cls(ds)

    def query(self, sparql: str, bindings: Mapping[str, Node] | None = None, *,
              timeout_s: float = DEFAULT_TIMEOUT_S, row_limit: int = DEFAULT_ROW_LIMIT) -> QueryResult:
        import rdflib.plugins.sparql as rsparql

        check_query(sparql)
        rsparql.SPARQL_LOAD_GRAPHS = False  # never fetch FROM <url> over the network
        init = {k: v for k, v in (bindings or {}).items() if v is not None}
        try:
            res = self.dataset.query(sparql, initBindings=init)
        except Exception as exc:  # rdflib raises pyparsing errors and others
            raise QueryError(f"SPARQL error: {exc}") from exc
        if res.type == "ASK":
            return bool(res.askAnswer)
        if res.type == "SELECT":
            variables = [str(v) for v in res.vars]
            rows = []
            for row in res:
                if len(rows) >= row_limit:
                    raise QueryLimitError(f"the query returned more than {row_limit} rows (the result-size limit)")
                rows.append({v: normalise_term(row[i]) for i, v in enumerate(variables)})
            return SelectResult(variables, rows)
        g = Graph()
        for t in res.graph if res.graph is not None else []:
            g.add(t)
        return g


def load_engine(name: str, nquads: Path) -> Engine:
    """An engine by name ('oxigraph' or 'rdflib') over the built dataset file."""
    if name == "oxigraph":
        return OxigraphEngine.from_nquads(nquads)
    if name == "rdflib":
        return RdflibEngine.from_nquads(nquads)
    raise ValueError(f"unknown engine {name!r}: choose 'oxigraph' or 'rdflib' (or --endpoint URL)")


def comparable(result: QueryResult):
    """A value two engines' answers can be compared with (`==`)."""
    if isinstance(result, SelectResult):
        return {tuple(normalise_term(v) for v in row) for row in result.as_set()}
    if isinstance(result, Graph):
        from rdflib.compare import to_isomorphic
        return to_isomorphic(result)
    return result

