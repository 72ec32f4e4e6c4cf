"""OWL 2 RL reasoning with owlrl, keeping only the inferred triples that carry information.

`infer(ontology, data)` returns the inferred graph: the OWL-RL closure of ontology ∪ data minus
what was asserted, minus the triples listed in `drop_reason` (what is dropped and why is written
there, one rule a case), plus the triples of every `queries/construct-*.rq` run on the result.

Three ways to compute the closure, which must derive the same triples (tests check it on the
project's sources, on a generated tree ten times their size and on fixtures):

- `method="rules"` (the build's default): the OWL 2 RL rules the ontology uses, compiled to SPARQL
  updates and run on pyoxigraph (`kg.build.rules`); linear in the data. If the ontology uses a
  construct the compiler does not cover, it says so and owlrl's targeted closure runs instead.
- `method="full"`: owlrl over every triple of ontology ∪ data. The reference.
- `method="targeted"`: owlrl over the data plus only the ontology triples that RL rules can use,
  leaving out annotations (labels, definitions, comments in two languages: most of the ontology's
  triples) and data triples whose literal value no rule can touch. owlrl's rule loop visits every
  triple in every round, so a smaller input is proportionally faster.
"""
from __future__ import annotations

import contextlib
import threading
from operator import attrgetter
from dataclasses import dataclass, field
from typing import Iterable
from typing import Literal as TypingLiteral

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from kg.errors import InconsistentError, InputError
from kg.terms import to_oxigraph

__all__ = ["InconsistentError", "infer", "closure", "drop_reason", "ReasoningResult", "Method"]

Method = TypingLiteral["rules", "full", "targeted"]

_BUILTIN_NS = (str(RDF), str(RDFS), str(OWL), "http://www.w3.org/2001/XMLSchema#")
_REFLEXIVE_TAUTOLOGIES = {OWL.sameAs, RDFS.subClassOf, OWL.equivalentClass, RDFS.subPropertyOf,
                          OWL.equivalentProperty}
_TOP_CLASSES = {OWL.Thing, RDFS.Resource}
# predicates of ontology triples that RL rules read (schema axioms); everything else in the ontology
# graph is an annotation as far as the closure is concerned
_AXIOM_PREDICATES = {
    RDF.type, RDF.first, RDF.rest, RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range,
    OWL.equivalentClass, OWL.equivalentProperty, OWL.inverseOf, OWL.disjointWith,
    OWL.propertyDisjointWith, OWL.propertyChainAxiom, OWL.onProperty, OWL.someValuesFrom,
    OWL.allValuesFrom, OWL.hasValue, OWL.maxCardinality, OWL.maxQualifiedCardinality,
    OWL.onClass, OWL.intersectionOf, OWL.unionOf, OWL.complementOf, OWL.oneOf, OWL.hasKey,
    OWL.sameAs, OWL.differentFrom, OWL.members, OWL.distinctMembers, OWL.AllDisjointClasses,
    OWL.AllDifferent, OWL.sourceIndividual, OWL.assertionProperty, OWL.targetIndividual,
    OWL.targetValue,
}



@dataclass
class ReasoningResult:
    inferred_triples: list                                   # pyoxigraph triples, what the build reads
    closure_size: int
    dropped: dict[str, int] = field(default_factory=dict)   # rule -> triples dropped
    from_construct: dict[str, int] = field(default_factory=dict)  # query name -> triples added

    @property
    def inferred(self) -> Graph:
        """The inferred triples as an rdflib Graph (made on each use)."""
        from kg.terms import graph_from_oxigraph

        return graph_from_oxigraph(self.inferred_triples)


def drop_reason(t: tuple) -> str | None:
    """Why an inferred triple carries no information (and is left out), or None to keep it.

    - `literal-subject`: owlrl's generalised RDF puts literals in subject position
      (`"Flanders"@en owl:sameAs "Flanders"@en`); such triples are not RDF at all.
    - `blank-node`: statements about anonymous class expressions of the ontology (restrictions,
      unions, lists), e.g. `pdi:x a [owl:Restriction ...]`. They restate an axiom, cannot be asked
      for by name, and would tie the named graphs together through shared blank nodes. The useful
      consequence (membership of a named class) is kept as its own triple.
    - `reflexive`: `x owl:sameAs x`, `C rdfs:subClassOf C`, `C owl:equivalentClass C`, and the same
      for properties: true of every term by definition.
    - `top`: `x a owl:Thing`, `C rdfs:subClassOf owl:Thing`, `p rdfs:domain owl:Thing`, ...: true of
      everything; also `rdfs:Resource` for the same reason.
    - `builtin-vocabulary`: statements whose subject is a term of RDF, RDFS, OWL or XSD
      (`xsd:int a rdfs:Datatype`, `rdfs:label a owl:AnnotationProperty`): owlrl's own knowledge of
      the standard vocabularies, not facts of this domain.
    """
    s, p, o = t
    if isinstance(s, Literal):
        return "literal-subject"
    if isinstance(s, BNode) or isinstance(o, BNode):
        return "blank-node"
    if s == o and p in _REFLEXIVE_TAUTOLOGIES:
        return "reflexive"
    if o in _TOP_CLASSES and p in (RDF.type, RDFS.subClassOf, RDFS.domain, RDFS.range):
        return "top"
    if s == OWL.Nothing and p == RDFS.subClassOf:
        return "top"
    if isinstance(s, URIRef) and str(s).startswith(_BUILTIN_NS):
        return "builtin-vocabulary"
    return None


def _reasoning_input(ontology: Graph, data: Graph, method: Method) -> Graph:
    # SimpleMemory: owlrl needs no named-graph bookkeeping, and the context-aware default store
    # spends a third of the closure time on it
    g = Graph(store="SimpleMemory") if method == "targeted" else Graph()
    if method == "full":
        for t in ontology:
            g.add(t)
        for t in data:
            g.add(t)
        return g
    if method != "targeted":
        raise ValueError(f"unknown reasoning method {method!r}: use 'full' or 'targeted'")
    # Properties the ontology says something about: a literal-valued triple with any other
    # predicate (labels, definitions, notes) can only feed eq-ref's `"x" owl:sameAs "x"`.
    mentioned = set()
    for s, p, o in ontology:
        if p in _AXIOM_PREDICATES:
            g.add((s, p, o))
            mentioned.add(s)
            mentioned.add(o)
    for s, p, o in data:
        if isinstance(o, Literal) and p not in mentioned:
            continue
        g.add((s, p, o))
    return g


class _CachedNamespace:
    """A namespace whose terms are looked up once. owlrl's rules name `OWL.sameAs`, `RDF.type`, ...
    for every triple in every round, and each lookup on rdflib's DefinedNamespace runs checks: on
    a few thousand triples that is a fifth of the closure time."""

    def __init__(self, ns):
        object.__setattr__(self, "_ns", ns)

    def __getattr__(self, name):
        value = getattr(self._ns, name)
        object.__setattr__(self, name, value)
        return value

    def __getitem__(self, key):
        return self._ns[key]


_PATCH_LOCK = threading.Lock()
_patch_users = 0
_saved_namespaces: list = []


@contextlib.contextmanager
def _fast_owlrl_namespaces():
    """owlrl's module-level namespaces replaced by cached ones while a targeted closure runs. The
    patch is process-wide, so it is counted: the first user installs it and the last one restores
    owlrl's own namespaces, however many threads build at once."""
    import owlrl.Closure
    import owlrl.OWLRL

    global _patch_users
    with _PATCH_LOCK:
        if _patch_users == 0:
            patched = [(owlrl.OWLRL, "OWL"), (owlrl.OWLRL, "RDF"), (owlrl.OWLRL, "RDFS"), (owlrl.Closure, "RDF")]
            _saved_namespaces[:] = [(mod, name, getattr(mod, name)) for mod, name in patched]
            for mod, name, ns in _saved_namespaces:
                setattr(mod, name, _CachedNamespace(ns))
        _patch_users += 1
    try:
        yield
    finally:
        with _PATCH_LOCK:
            _patch_users -= 1
            if _patch_users == 0:
                for mod, name, ns in _saved_namespaces:
                    setattr(mod, name, ns)
                _saved_namespaces.clear()


def _targeted_rl():
    """`_TargetedRL`, made on first use: owlrl is imported only by the methods that run it (the
    build's default, the compiled rules, does not; its import is ~15 ms of every `kg` start)."""
    global _TARGETED_RL
    if _TARGETED_RL is None:
        import owlrl

        class _TargetedRL(owlrl.OWLRL_Semantics):
            """owlrl's OWL 2 RL rules, minus the triples that feed only themselves.

            eq-ref makes `x owl:sameAs x` for every term (literals included); in the next round each of
            those fires eq-sym, eq-trans and eq-rep-s/p/o only to re-derive triples already there, and
            they are dropped at the end anyway (`reflexive`, `literal-subject`). Not storing them, nor any
            triple with a literal subject (which only feeds rules giving literal subjects again), roughly
            halves the closure. The one consequence eq-ref has, eq-diff1's `x owl:differentFrom x`
            inconsistency, is checked directly.
            """

            def store_triple(self, t):
                s, p, o = t
                if isinstance(s, Literal) or (s == o and p == OWL.sameAs):
                    return
                if p == OWL.differentFrom and s == o:
                    self.add_error(f"'sameAs' and 'differentFrom' cannot be used on the same subject-object pair: ({s}, {o})")
                super().store_triple(t)

        _TARGETED_RL = _TargetedRL
    return _TARGETED_RL


_TARGETED_RL = None


def closure(ontology: Graph, data: Graph, *, method: Method = "full") -> tuple[Graph, list[str]]:
    """The OWL-RL closure (axiomatic and datatype axiom triples off) and owlrl's error messages."""
    g = _reasoning_input(ontology, data, method)
    for s, p, o in g.triples((None, OWL.differentFrom, None)):
        if s == o:  # asserted, so store_triple never sees it
            return g, [f"'sameAs' and 'differentFrom' cannot be used on the same subject-object pair: ({s}, {o})"]
    if method == "targeted":
        reasoner = _targeted_rl()(g, False, False)
        with _fast_owlrl_namespaces():
            reasoner.closure()
    else:
        import owlrl

        reasoner = owlrl.OWLRL_Semantics(g, False, False)
        reasoner.closure()
    errors = list(reasoner.error_messages)
    # owlrl also writes its errors into the graph as blank nodes; the list above is what we use
    return g, errors


_BUILTIN_STR = _BUILTIN_NS
_REFLEXIVE_STR = {str(x) for x in _REFLEXIVE_TAUTOLOGIES}
_TOP_STR = {str(x) for x in _TOP_CLASSES}
_TOP_PREDICATES_STR = {str(x) for x in (RDF.type, RDFS.subClassOf, RDFS.domain, RDFS.range)}
_NOTHING, _SUBCLASS = str(OWL.Nothing), str(RDFS.subClassOf)


def drop_reason_ox(s, p, o, skolem_prefix: str = "") -> str | None:
    """`drop_reason` of a triple of pyoxigraph terms, a term starting with `skolem_prefix` (a schema
    blank node's stand-in IRI in `kg.build.rules`) counting as a blank node."""
    if type(s) is ox.Literal:
        return "literal-subject"
    sv = s.value
    if type(s) is ox.BlankNode or type(o) is ox.BlankNode or (
            skolem_prefix and (sv.startswith(skolem_prefix)
                               or (type(o) is ox.NamedNode and o.value.startswith(skolem_prefix)))):
        return "blank-node"
    pv = p.value
    if pv in _REFLEXIVE_STR and s == o:
        return "reflexive"
    if type(o) is ox.NamedNode and o.value in _TOP_STR and pv in _TOP_PREDICATES_STR:
        return "top"
    if sv == _NOTHING and pv == _SUBCLASS:
        return "top"
    if sv.startswith(_BUILTIN_STR):
        return "builtin-vocabulary"
    return None


def _closure_candidates(ontology: Graph, data: Graph, method: Method):
    """(triples of the closure that may be new, closure size or -1, errors)."""
    g, errors = closure(ontology, data, method=method)
    return g, len(g), errors


def _as_graph(data) -> Graph:
    if isinstance(data, Graph):
        return data
    from kg.terms import graph_from_oxigraph

    return graph_from_oxigraph(data)


def infer(ontology: Graph, data, *, method: Method = "full",
          construct_queries: Iterable[tuple[str, str]] = (), store=None) -> ReasoningResult:
    """The inferred graph: closure minus asserted minus uninformative, plus construct-query output.

    `data` is an rdflib Graph or pyoxigraph triples or quads (what the build holds). With
    `method="rules"` the closure and the construct queries run on one pyoxigraph store and the
    data never becomes rdflib terms. `construct_queries` are (name, SPARQL text) pairs, run once
    on ontology ∪ data ∪ inferred with the embedded engine. Raises `InconsistentError` if the
    reasoner finds a contradiction. `store` (with `method="rules"`): a pyoxigraph store whose
    default graph holds the data's triples and nothing else, which the rules then run in (and
    change) instead of copying the data into a store of their own (`kg.build.rules.run_rules`).
    """
    if method == "rules":
        from kg.build.rules import Unsupported

        try:
            return _infer_rules(ontology, data, construct_queries, store)
        except Unsupported:
            method = "targeted"  # the compiled rules do not cover this ontology: owlrl instead
    data = _as_graph(data)
    g, size, errors = _closure_candidates(ontology, data, method)
    if errors:
        raise InconsistentError(sorted(errors))
    inferred = []
    dropped: dict[str, int] = {}
    for t in g:
        if t in ontology or t in data:
            continue
        why = drop_reason(t)
        if why:
            dropped[why] = dropped.get(why, 0) + 1
            continue
        inferred.append(ox.Triple(to_oxigraph(t[0]), to_oxigraph(t[1]), to_oxigraph(t[2])))
    result = ReasoningResult(inferred_triples=inferred, closure_size=size, dropped=dropped)
    queries = list(construct_queries)
    if queries:
        from kg.query.embedded import OxigraphEngine

        engine = OxigraphEngine.from_graphs((None, src) for src in (ontology, data))
        engine.store.extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in inferred)
        _run_constructs(engine, queries, result, "")
    return result


def _infer_rules(ontology: Graph, data, construct_queries, store=None) -> ReasoningResult:
    from kg.build.rules import SKOLEM, run_rules

    run = run_rules(ontology, data, store)
    if run.errors:
        raise InconsistentError(sorted(run.errors))
    store = run.store
    # the few triples that may be uninformative are found by one query (`_MAYBE_DROPPED`: a
    # superset of what `drop_reason_ox` drops), which then judges each; the others are read out of
    # the store whole (at a million asserted triples, 2,600 candidates of 320,000)
    dropped, drop = {}, []
    for graph in run.graphs:  # what the rules derived: a graph a round (`RuleRun.graphs`)
        for row in store.query(_MAYBE_DROPPED.format(graph=graph.value, skolem=SKOLEM)):
            s, p, o = row[0], row[1], row[2]
            why = drop_reason_ox(s, p, o, SKOLEM)
            if why:
                dropped[why] = dropped.get(why, 0) + 1
                drop.append(ox.Quad(s, p, o, ox.DefaultGraph()))
                store.remove(ox.Quad(s, p, o, graph))
    inferred = list(map(attrgetter("triple"), run.inferred_quads()))
    result = ReasoningResult(inferred_triples=inferred, closure_size=-1, dropped=dropped)
    queries = list(construct_queries)
    # the construct queries read ontology ∪ data ∪ the inferred triples kept: what was dropped and
    # the rules' own graph go first (the schema's blank nodes stay as their stand-in IRIs, which
    # no construct query names; a triple holding one is dropped as a blank node's)
    for q in drop:
        store.remove(q)
    store.update(" ; ".join(f"DROP SILENT GRAPH <{g.value}>" for g in run.graphs))
    if queries:
        from kg.query.embedded import OxigraphEngine

        _run_constructs(OxigraphEngine(store), queries, result, SKOLEM)
    result.closure_size = _count(store) + sum(dropped.values())
    return result


# the inferred triples `drop_reason_ox` may drop (and more): a blank node or a schema blank node's
# stand-in IRI, a subject that is its object, an object that is a top class, a subject that is
# owl:Nothing or a term of the standard vocabularies
_MAYBE_DROPPED = (
    "SELECT ?s ?p ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} FILTER (isBlank(?s) || isBlank(?o) "
    "|| sameTerm(?s, ?o) || STRSTARTS(STR(?s), \"{skolem}\") || (isIRI(?o) && STRSTARTS(STR(?o), \"{skolem}\")) "
    + " ".join(f"|| sameTerm(?o, <{t}>)" for t in sorted(_TOP_CLASSES))
    + f" || sameTerm(?s, <{OWL.Nothing}>) "
    + " ".join(f"|| STRSTARTS(STR(?s), \"{ns}\")" for ns in _BUILTIN_NS)
    + " ) }}")


def _count(store) -> int:
    return int(next(iter(store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))[0].value)


def _run_constructs(engine, queries, result: "ReasoningResult", skolem_prefix: str) -> None:
    """Each construct query once on the engine's store, as it was before the first of them; its
    new triples (not in the store, not uninformative, not given by an earlier query) join the
    inferred ones."""
    from kg.query.embedded import OxigraphRows, QueryError

    store, dg = engine.store, ox.DefaultGraph()
    added_before: set = set()
    for name, text in queries:
        try:
            res = engine.query_native(text)
        except QueryError as exc:
            raise InputError(f"queries/{name}.rq: {exc}") from exc
        if isinstance(res, (bool, OxigraphRows)):
            raise InputError(f"queries/{name}.rq: a construct-*.rq query must be a CONSTRUCT query")
        added = 0
        for t in dict.fromkeys(res):
            if t in added_before or ox.Quad(t.subject, t.predicate, t.object, dg) in store \
                    or drop_reason_ox(t.subject, t.predicate, t.object, skolem_prefix):
                continue
            added_before.add(t)
            result.inferred_triples.append(t)
            added += 1
        result.from_construct[name] = added
