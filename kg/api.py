"""The Python API for notebooks and scripts: the dataset by name, answers as names.

    import kg
    ds = kg.open()                                   # the checkout (or $KG_ROOT); built only if stale
    ans = ds.query("agreements-of-actor", actor="DI Yogyakarta")
    ans.to_pandas()                                  # label columns, numbers as numbers, dates as dates
    ds.sparql("SELECT ?r WHERE { ?r a pd:ConflictualRelation }")
    ds.explain("Catalonia")                          # why its relation is conflictual, with sources
    ds.entity("Tyrol")                               # names, kinds and statements with their passages
    ds.sources("Spain's central government", "pd:seatedIn", "Madrid")   # the passages of a triple

Every argument that names a thing takes what a person knows: a label in English or Indonesian,
an alternative label, an id or an IRI (`kg.names`). The command line is a thin layer over these
calls (`kg.cli`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from kg.dataset import DatasetLocation
from kg.errors import InputError
from kg.namespaces import GRAPH_DATA, GRAPH_INFERRED, PREFIXES
from kg.explain import Source
from kg.names import NameIndex, check_lang, with_labels

__all__ = ["open_dataset", "KnowledgeGraph", "Answer", "Entity", "Statement"]

_NUMBERS = {str(XSD.integer), str(XSD.int), str(XSD.long), str(XSD.nonNegativeInteger),
            str(XSD.positiveInteger), str(XSD.short)}
_FLOATS = {str(XSD.decimal), str(XSD.double), str(XSD.float)}


def python_value(term: Node | None) -> Any:
    """A term as a plain Python value: IRIs as strings, numbers as int/float, dates as
    `datetime.date`, booleans as bool, other literals as their text."""
    if term is None:
        return None
    if isinstance(term, Literal):
        dt = str(term.datatype) if term.datatype else None
        if dt in _NUMBERS:
            return int(term)
        if dt in _FLOATS:
            return float(term)
        if dt in (str(XSD.date), str(XSD.dateTime), str(XSD.boolean)):
            value = term.toPython()
            return value if not isinstance(value, Literal) else str(term)
        return str(term)
    return str(term)


@dataclass
class Answer:
    """A query's answer: `variables` and `rows` (rdflib terms) for SELECT, `boolean` for ASK,
    `graph` for CONSTRUCT/DESCRIBE. Iterating gives each row as a dict of Python values."""

    variables: list[str] = field(default_factory=list)
    rows: list[dict[str, Node | None]] = field(default_factory=list)
    boolean: bool | None = None
    graph: Any = None

    @classmethod
    def of(cls, result) -> "Answer":
        from rdflib import Graph

        if isinstance(result, bool):
            return cls(boolean=result)
        if isinstance(result, Graph):
            return cls(graph=result)
        return cls(variables=list(result.variables), rows=list(result.rows))

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for r in self.rows:
            yield {v: python_value(r.get(v)) for v in self.variables}

    def records(self) -> list[dict[str, Any]]:
        return list(self)

    def column(self, name: str) -> list[Any]:
        return [python_value(r.get(name)) for r in self.rows]

    def to_pandas(self):
        """A pandas DataFrame (pandas is an optional extra: `pip install paradiplomacy-kg[pandas]`):
        one column a variable, label columns included; numbers as numbers, full dates as datetime64."""
        try:
            import pandas as pd
        except ImportError:  # pragma: no cover - depends on the environment
            raise InputError("to_pandas needs pandas: pip install 'paradiplomacy-kg[pandas]' (or pip install pandas)")
        if self.boolean is not None:
            return pd.DataFrame({"boolean": [self.boolean]})
        frame = pd.DataFrame.from_records(self.records(), columns=self.variables)
        for v in self.variables:
            kinds = {type(x).__name__ for x in frame[v] if x is not None}
            if kinds == {"date"} or kinds == {"datetime"}:
                frame[v] = pd.to_datetime(frame[v])
            elif kinds == {"int"}:
                frame[v] = frame[v].astype("Int64")
        return frame


@dataclass
class Statement:
    property: str
    property_label: str | None
    value: Any
    value_label: str | None
    inferred: bool
    sources: list[Source] = field(default_factory=list)


@dataclass
class Entity:
    iri: str
    labels: dict[str, str]
    kind: str | None
    kind_label: str | None
    statements: list[Statement] = field(default_factory=list)

    @property
    def label(self) -> str | None:
        return self.labels.get("en") or next(iter(self.labels.values()), None)


class KnowledgeGraph:
    """The dataset of a source tree (or an N-Quads file, or a SPARQL endpoint), asked by name."""

    def __init__(self, location: DatasetLocation | None = None, *, engine=None, lang: str = "en"):
        self.location = location
        self.lang = check_lang(lang)
        self._engine = engine
        self._names: NameIndex | None = None
        self._catalogue = None

    # -- the parts, made on first use --

    @property
    def engine(self):
        if self._engine is None:
            from kg.query import load_engine

            assert self.location is not None
            self._engine = load_engine("oxigraph", self.location.ensure_built())
        return self._engine

    @property
    def names(self) -> NameIndex:
        if self._names is None:
            self._names = NameIndex.from_engine(self.engine)
        return self._names

    @property
    def catalogue(self) -> dict:
        if self._catalogue is None:
            from kg.query.catalogue import load_catalogue

            self._catalogue = load_catalogue(self.location.root if self.location else None)
        return self._catalogue

    # -- names --

    def resolve(self, name: str, expect: str | URIRef | None = None) -> URIRef:
        """The IRI a name, label or id stands for (see `kg.names`)."""
        if expect is not None and not isinstance(expect, URIRef):
            from kg.terms import expand

            expect = expand(str(expect), PREFIXES, what="class")
        return self.names.resolve(name, expect=expect)

    def search(self, text: str, limit: int = 20):
        return self.names.search(text, limit=limit, lang=self.lang)

    def label(self, iri: str | URIRef, lang: str | None = None) -> str | None:
        return self.names.label(URIRef(str(iri)), check_lang(lang or self.lang))

    # -- questions --

    def canned(self, name: str):
        from kg.query.catalogue import resolve

        return resolve(name, self.location.root if self.location else None)

    def query(self, name: str, *, lang: str | None = None, labels: bool = True,
              timeout: float | None = None, **params: str) -> Answer:
        """A canned question by name (`kg query --list`), its parameters by keyword; IRI parameters
        take names (`actor="DI Yogyakarta"`)."""
        return Answer.of(self.run_canned(self.canned(name), params, lang=lang, labels=labels, timeout=timeout))

    def run_canned(self, q, params: dict, *, lang: str | None = None, labels: bool = True,
                   timeout: float | None = None):
        """A `CannedQuery` run with its parameters (names resolved), as the engine's result."""
        lang = check_lang(lang or self.lang)
        values = {k: str(v) for k, v in params.items() if v is not None}
        if q.has_param("lang") and "lang" not in values:
            values["lang"] = lang
        bindings = q.bind(values, names=self._resolver_for(q, values))
        return self._run(q.text, bindings, lang, labels, timeout)

    def _resolver_for(self, q, values: dict) -> NameIndex:
        """The whole name index where a parameter is given by name; where every thing is given by
        IRI or id-with-prefix, the index of those things only (cheap on a large graph). A name of
        nothing is looked up again in the whole index, for the closest names."""
        if self._names is not None:
            return self._names
        prefixes = q.prefixes()
        given = [values.get(p.name, p.default) for p in q.params if p.type == "iri"]
        iris = [NameIndex._as_iri(v.strip(), prefixes) for v in given if v and v.strip()]
        if any(i is None for i in iris):
            return self.names
        return _FallbackResolver(NameIndex.from_engine(self.engine, iris=iris), lambda: self.names)

    def sparql(self, text: str, *, lang: str | None = None, labels: bool = True,
               timeout: float | None = None) -> Answer:
        """Your own SPARQL; the project's prefixes (pd:, pdi:, pdv:, ...) need no PREFIX lines."""
        return Answer.of(self.run_sparql(text, lang=lang, labels=labels, timeout=timeout))

    def run_sparql(self, text: str, *, lang: str | None = None, labels: bool = True, timeout: float | None = None):
        # the engine is told the prefixes (not the text), so an error's line and column are the user's
        return self._run(text, {}, check_lang(lang or self.lang), labels, timeout, prefixes=PREFIXES)

    def _run(self, text, bindings, lang, labels, timeout, prefixes=None):
        kwargs: dict = {"timeout_s": timeout} if timeout is not None else {}
        if prefixes:
            kwargs["prefixes"] = prefixes
        result = self.engine.query(text, bindings, **kwargs)
        if labels:
            result = with_labels(result, self._labels_for(result), lang)
        return result

    def _labels_for(self, result) -> NameIndex:
        """The names of the things in an answer: from the whole index when it is built, else read
        for those things only (linear in the answer, not in the dataset)."""
        if self._names is not None or not hasattr(result, "rows"):
            return self.names if self._names is not None else NameIndex({})
        return NameIndex.from_engine(self.engine, iris={t for r in result.rows for t in r.values()
                                                        if isinstance(t, URIRef)})

    def explain(self, name: str | None = None):
        """Why a centre–region relation (or every relation of an actor) is cooperative or
        conflictual, with the rule, the evidence and the sentences (`kg.explain`)."""
        from kg.explain import explain, explain_all

        if name is None:
            return explain_all(self.engine, lang=self.lang)
        from kg.namespaces import PD

        iri = self.names.resolve(name, what="actor or relation")
        if not self.names.has_type(iri, PD.CentreRegionRelation) and not self.names.has_type(iri, PD.SubStateActor):
            iri = self.names.resolve(name, expect=PD.CentreRegionRelation, what="actor or relation")
        return explain(self.engine, iri, lang=self.lang)

    def sources(self, s: str, p: str | None = None, o: str | None = None) -> Answer:
        """The passages that state the triple (s, p, o): p and o may be left out."""
        params = {"s": s, "p": p or "", "o": o or ""}  # left out: every predicate, every object
        return self.query("statement-sources", labels=False, **params)

    def entity(self, name: str, lang: str | None = None) -> Entity:
        """A thing by name: its names in both languages, its kind, and every statement about it
        (asserted or inferred), each with the passages that state it."""
        lang = check_lang(lang or self.lang)
        iri = self.resolve(name)
        from kg.query.binding import sparql_term

        rows = self.engine.query(
            f"SELECT DISTINCT ?p ?o ?g WHERE {{ VALUES ?g {{ <{GRAPH_DATA}> <{GRAPH_INFERRED}> }} "
            f"GRAPH ?g {{ {sparql_term(iri)} ?p ?o }} }} ORDER BY ?p ?o ?g").rows
        asserted = {(r["p"], r["o"]) for r in rows if r["g"] == GRAPH_DATA}
        srcs: dict[tuple, list[Source]] = {}
        for r in self.sources(str(iri)).rows:
            quote = r.get("quote")
            srcs.setdefault((r["p"], r["o"]), []).append(Source(
                passage=str(r["source"]), quote=_s(quote), quote_lang=getattr(quote, "language", None),
                translation=_s(r.get("translation")), section=_s(r.get("sectionNumber")),
                footnote=int(r["footnoteNumber"]) if r.get("footnoteNumber") is not None else None,
                cited_work=_s(r.get("citedWork")), reference_work=_s(r.get("referenceWork"))))
        statements = []
        seen = set()
        for r in rows:
            key = (r["p"], r["o"])
            inferred = key not in asserted
            if (key, inferred) in seen or (not inferred and r["g"] != GRAPH_DATA):
                continue
            seen.add((key, inferred))
            o = r["o"]
            statements.append(Statement(
                property=str(r["p"]), property_label=self.names.label(r["p"], lang),
                value=python_value(o), value_label=self.names.label(o, lang) if isinstance(o, URIRef) else None,
                inferred=inferred, sources=srcs.get(key, [])))
        kind = self.names.kind(iri)
        return Entity(iri=str(iri), labels=self.names.labels(iri), kind=str(kind) if kind else None,
                      kind_label=self.names.label(kind, lang) if kind else None, statements=statements)


class _FallbackResolver:
    """A partial index that, for a name of nothing, asks the whole index (whose error lists the
    closest names) before giving up."""

    def __init__(self, partial: NameIndex, whole):
        self._partial, self._whole = partial, whole

    def resolve(self, text: str, **kwargs) -> URIRef:
        from kg.errors import UnknownName

        try:
            return self._partial.resolve(text, **kwargs)
        except UnknownName:
            return self._whole().resolve(text, **kwargs)


def _s(term) -> str | None:
    return None if term is None else str(term)


def open_dataset(root: str | Path | None = None, *, nquads: str | Path | None = None,
                 endpoint: str | None = None, lang: str = "en") -> KnowledgeGraph:
    """The knowledge graph of a source tree (default: $KG_ROOT or the checkout the package was
    installed from), built first only if a source changed; or of a built N-Quads file; or of a
    SPARQL endpoint (`endpoint=URL`)."""
    if endpoint:
        from kg.query.remote import RemoteEngine

        return KnowledgeGraph(DatasetLocation.of(root) if root else None, engine=RemoteEngine(endpoint), lang=lang)
    return KnowledgeGraph(DatasetLocation.of(root, nquads=nquads), lang=lang)
