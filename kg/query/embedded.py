"""One small interface over the SPARQL engines, so a canned query runs unchanged on each.

- `OxigraphEngine`: the embedded default (pyoxigraph), fast on aggregates.
- `RdflibEngine`: the reference implementation.
- `kg.query.remote.RemoteEngine`: any SPARQL 1.1 endpoint, through SPARQLWrapper.

Every engine answers `query(text, bindings)` with a `SelectResult`, a `bool` (ASK) or an
`rdflib.Graph` (CONSTRUCT/DESCRIBE), with values as rdflib terms, so results from different
engines compare directly. The default graph of every engine is the union of the dataset's
graphs (ontology, asserted data, inferred).

Parameters are bound by the engine (pyoxigraph substitutions, rdflib initBindings), not spliced
into the query text as written, but for the ones a SELECT does not project on pyoxigraph, which
does not substitute those: they are written in as escaped constants (`kg.query.binding.inline_terms`)
or, where no constant can stand, bound by VALUES blocks. So are predeclared prefixes (`prefixes=`: pyoxigraph's `prefixes`,
rdflib's `initNs`), so that a syntax error's line and column are those of the text as written.
A syntax error is a `QuerySyntaxError` whose message is `kg.query.diagnose`'s (position, token
found, what was expected, a hint) and whose `diagnosis` attribute holds the parts.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Mapping, Protocol, Union

import pyoxigraph as ox
from rdflib import Dataset, Graph
from rdflib.term import Node

from kg.errors import QueryError, QueryLimitError, QuerySyntaxError, QueryTimeoutError
from kg.query.diagnose import diagnose
from kg.query.lexer import projected_variables
from kg.query.safety import UnsafeQueryError, check_query
from kg.terms import from_oxigraph, graph_from_oxigraph, normalise_term, oxigraph_quads, to_oxigraph

__all__ = [
    "SelectResult", "QueryResult", "OxigraphRows", "Engine", "OxigraphEngine", "RdflibEngine",
    "QueryError", "QueryLimitError", "UnsafeQueryError", "DEFAULT_ROW_LIMIT", "DEFAULT_TIMEOUT_S",
    "comparable",
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


@dataclass
class OxigraphRows:
    """A SELECT answer as pyoxigraph terms: one list a row, in `variables` order, None if unbound."""
    variables: list[str]
    rows: list[list]


class Engine(Protocol):
    name: str

    def query(self, sparql: str, bindings: Mapping[str, Node] | None = None, *,
              timeout_s: float = DEFAULT_TIMEOUT_S, row_limit: int = DEFAULT_ROW_LIMIT,
              prefixes: Mapping[str, str] | None = None) -> QueryResult:
        ...


def syntax_error(text: str, error: BaseException, prefixes: Mapping[str, str] | None) -> QuerySyntaxError:
    """The engine's refusal of `text` as a `QuerySyntaxError` people can act on."""
    found = diagnose(text, error, prefixes)
    exc = QuerySyntaxError(found.message())
    exc.diagnosis = found
    return exc


# --- the embedded default --------------------------------------------------------------------

@lru_cache(maxsize=512)
def _projected(sparql: str) -> frozenset | None:
    """`projected_variables`, read once for each text (the lexer's pass over a canned query costs
    about as much as pyoxigraph answers many of them: 1-3 ms at 10x)."""
    projected = projected_variables(sparql)
    return None if projected is None else frozenset(projected)


@lru_cache(maxsize=512)
def _with_local_terms(sparql: str, local: tuple) -> tuple[str, str]:
    """The query with its parameters that it does not project, `local` ((name, rdflib term), sorted
    by name), written in as constants where one can stand (`inline_terms`), else bound by VALUES
    blocks; and the text with all of them bound by VALUES blocks, the fallback. Made once for each
    text and bindings: `kg serve`'s workers answer the same canned queries again and again."""
    from kg.query.binding import bind_with_values, inline_terms

    bindings = dict(local)
    fallback = bind_with_values(sparql, bindings)
    text, rest = inline_terms(sparql, bindings)
    if rest:
        text = bind_with_values(text, rest)
    return text, fallback


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
              timeout_s: float = DEFAULT_TIMEOUT_S, row_limit: int = DEFAULT_ROW_LIMIT,
              prefixes: Mapping[str, str] | None = None) -> QueryResult:
        check_query(sparql)
        subs = {k: to_oxigraph(v) for k, v in (bindings or {}).items() if v is not None}
        res = self.query_native(sparql, subs, timeout_s=timeout_s, row_limit=row_limit, prefixes=prefixes)
        if isinstance(res, OxigraphRows):
            # each distinct term made once: an answer repeats its labels and classes row after row,
            # and making an rdflib Literal costs more than the engine's lookup of it
            made: dict = {None: None}

            def term(t):
                got = made.get(t)
                if got is None and t is not None:
                    got = made[t] = from_oxigraph(t)
                return got

            return SelectResult(res.variables, [{v: term(t) for v, t in zip(res.variables, row)}
                                                for row in res.rows])
        if isinstance(res, bool):
            return res
        return graph_from_oxigraph(res)

    def evaluate(self, sparql: str, substitutions: Mapping[str, object] | None = None, *,
                 default_graph: list[str] | None = None, named_graphs: list[str] | None = None,
                 base_iri: str | None = None, prefixes: Mapping[str, str] | None = None,
                 ) -> "ox.QueryBoolean | ox.QuerySolutions | ox.QueryTriples":
        """pyoxigraph's own answer, not yet read (solutions and triples are computed as they are
        read): `query_native` collects it, the query workers of `kg serve` write it out with
        pyoxigraph's writers (`kg.query.results.write_solutions`). Arguments and errors as
        `query_native`'s, but for the limits, which are the reader's."""
        kwargs: dict = {"base_iri": base_iri}
        if prefixes:
            kwargs["prefixes"] = dict(prefixes)
        if default_graph is not None or named_graphs is not None:
            kwargs["default_graph"] = [ox.NamedNode(g) for g in default_graph or []]
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs or []]
        else:
            kwargs["use_default_graph_as_union"] = True
        fallback = None
        if substitutions:
            # pyoxigraph substitutes only projected variables; the others (a label language used
            # only in a FILTER) are written into the text as constants where one can stand for the
            # variable (kg.query.binding.inline_terms: a VALUES block in an OPTIONAL has pyoxigraph
            # evaluate the OPTIONAL whole), else bound by a VALUES block in the groups that mention
            # them, as for a remote endpoint
            projected = _projected(sparql)
            if projected is not None and any(k not in projected for k in substitutions):
                local = tuple(sorted((k, from_oxigraph(v)) for k, v in substitutions.items() if k not in projected))
                substitutions = {k: v for k, v in substitutions.items() if k in projected}
                sparql, fallback = _with_local_terms(sparql, local)
            kwargs["substitutions"] = {ox.Variable(k): v for k, v in substitutions.items()}
        try:
            try:
                res = self.store.query(sparql, **kwargs)
            except SyntaxError:
                if fallback is None or fallback == sparql:
                    raise
                # a constant where the grammar takes no literal (a literal as a subject): the
                # VALUES blocks bind the variable instead
                sparql = fallback
                res = self.store.query(sparql, **kwargs)
        except SyntaxError as exc:
            raise syntax_error(sparql, exc, prefixes) from exc
        except OSError as exc:
            raise QueryError(f"query failed: {exc}") from exc
        return res

    def query_native(self, sparql: str, substitutions: Mapping[str, object] | None = None, *,
                     default_graph: list[str] | None = None, named_graphs: list[str] | None = None,
                     base_iri: str | None = None, timeout_s: float = DEFAULT_TIMEOUT_S,
                     row_limit: int = DEFAULT_ROW_LIMIT, prefixes: Mapping[str, str] | None = None,
                     ) -> "bool | OxigraphRows | list[ox.Triple]":
        """The answer as pyoxigraph values: a bool (ASK), `OxigraphRows` (SELECT) or a list of
        `ox.Triple` (CONSTRUCT, DESCRIBE), read from `evaluate`, the one execution path of this
        engine (`query` converts this answer to rdflib terms; the query workers of `kg serve` write
        it out as it is, or have pyoxigraph write `evaluate`'s answer).

        `substitutions` are pyoxigraph terms by variable name. The default graph is the union of the
        named graphs unless `default_graph`/`named_graphs` (IRIs) are given, as the SPARQL protocol's
        default-graph-uri/named-graph-uri do; they then replace it and the query's FROM clauses. The
        query guard (`check_query`) is the caller's. `prefixes` (name -> namespace) are predeclared:
        the query may use them without PREFIX lines. Raises `QuerySyntaxError`, `QueryError` (the
        engine failed), `QueryLimitError` past `row_limit` rows or triples (refused, never
        truncated), or `QueryTimeoutError` past `timeout_s` (checked between rows).
        """
        started = time.monotonic()
        res = self.evaluate(sparql, substitutions, default_graph=default_graph, named_graphs=named_graphs,
                            base_iri=base_iri, prefixes=prefixes)
        return self.collect(res, started=started, timeout_s=timeout_s, row_limit=row_limit)

    @staticmethod
    def collect(res, *, started: float, timeout_s: float = DEFAULT_TIMEOUT_S, row_limit: int = DEFAULT_ROW_LIMIT,
                ) -> "bool | OxigraphRows | list[ox.Triple]":
        """`evaluate`'s answer read into `query_native`'s, within `row_limit` and `timeout_s` after
        `started` (time.monotonic())."""
        if isinstance(res, ox.QueryBoolean):
            return bool(res)
        solutions = isinstance(res, ox.QuerySolutions)
        variables = [v.value for v in res.variables] if solutions else []
        items: list = []
        try:
            for item in res:
                if len(items) >= row_limit:
                    raise QueryLimitError(f"the query returned more than {row_limit} "
                                          f"{'rows' if solutions else 'triples'} (the result-size limit)")
                if time.monotonic() - started > timeout_s:
                    raise QueryTimeoutError(f"the query ran past its time limit of {timeout_s:g} s")
                # a solution iterates its values in `variables` order (None if unbound): half the
                # cost of looking each up by name (47,047 rows: 0.20 against 0.39 s CPU)
                items.append(list(item) if solutions else item)
        except (OSError, ValueError) as exc:  # raised by the evaluation, while the rows stream
            raise QueryError(f"query failed: {exc}") from exc
        return OxigraphRows(variables, items) if solutions else items


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
              timeout_s: float = DEFAULT_TIMEOUT_S, row_limit: int = DEFAULT_ROW_LIMIT,
              prefixes: Mapping[str, str] | None = None) -> QueryResult:
        import rdflib.plugins.sparql as rsparql
        from pyparsing import ParseBaseException

        check_query(sparql)
        rsparql.SPARQL_LOAD_GRAPHS = False  # never fetch FROM <url> over the network
        init = {k: v for k, v in (bindings or {}).items() if v is not None}
        try:
            res = self.dataset.query(sparql, initBindings=init, initNs=dict(prefixes or {}))
        except ParseBaseException as exc:
            raise syntax_error(sparql, exc, prefixes) from exc
        except Exception as exc:  # rdflib raises pyparsing errors and others
            if str(exc).startswith("Unknown namespace prefix"):
                raise syntax_error(sparql, exc, prefixes) from exc
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


def comparable(result: QueryResult):
    """A value two engines' answers can be compared with (`==`)."""
    if isinstance(result, SelectResult):
        return {tuple(normalise_term(v) for v in row) for row in result.as_set()}
    if isinstance(result, Graph):
        from rdflib.compare import to_isomorphic
        return to_isomorphic(result)
    return result

