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
from dataclasses import dataclass, field
from typing import Iterable
from typing import Literal as TypingLiteral

import owlrl
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from kg.errors import InconsistentError, InputError

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
    inferred: Graph
    closure_size: int
    dropped: dict[str, int] = field(default_factory=dict)   # rule -> triples dropped
    from_construct: dict[str, int] = field(default_factory=dict)  # query name -> triples added


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


def closure(ontology: Graph, data: Graph, *, method: Method = "full") -> tuple[Graph, list[str]]:
    """The OWL-RL closure (axiomatic and datatype axiom triples off) and owlrl's error messages."""
    g = _reasoning_input(ontology, data, method)
    for s, p, o in g.triples((None, OWL.differentFrom, None)):
        if s == o:  # asserted, so store_triple never sees it
            return g, [f"'sameAs' and 'differentFrom' cannot be used on the same subject-object pair: ({s}, {o})"]
    if method == "targeted":
        reasoner = _TargetedRL(g, False, False)
        with _fast_owlrl_namespaces():
            reasoner.closure()
    else:
        reasoner = owlrl.OWLRL_Semantics(g, False, False)
        reasoner.closure()
    errors = list(reasoner.error_messages)
    # owlrl also writes its errors into the graph as blank nodes; the list above is what we use
    return g, errors


def _closure_candidates(ontology: Graph, data: Graph, method: Method):
    """(triples of the closure that may be new, closure size or -1, errors)."""
    if method == "rules":
        from kg.build.rules import Unsupported, rl_closure

        try:
            added, errors = rl_closure(ontology, data)
            return added, -1, errors
        except Unsupported:
            method = "targeted"  # the compiled rules do not cover this ontology: owlrl instead
    g, errors = closure(ontology, data, method=method)
    return g, len(g), errors


def infer(ontology: Graph, data: Graph, *, method: Method = "full",
          construct_queries: Iterable[tuple[str, str]] = ()) -> ReasoningResult:
    """The inferred graph: closure minus asserted minus uninformative, plus construct-query output.

    `construct_queries` are (name, SPARQL text) pairs, run once on ontology ∪ data ∪ inferred with
    the embedded engine. Raises `InconsistentError` if the reasoner finds a contradiction.
    """
    g, size, errors = _closure_candidates(ontology, data, method)
    if errors:
        raise InconsistentError(sorted(errors))
    inferred = Graph()
    dropped: dict[str, int] = {}
    for t in g:
        if t in ontology or t in data:
            continue
        why = drop_reason(t)
        if why:
            dropped[why] = dropped.get(why, 0) + 1
            continue
        inferred.add(t)
    result = ReasoningResult(inferred=inferred, closure_size=size if size >= 0 else
                             len(ontology) + len(data) + len(inferred) + sum(dropped.values()), dropped=dropped)
    queries = list(construct_queries)
    if queries:
        from kg.query.embedded import OxigraphEngine, QueryError

        engine = OxigraphEngine.from_graphs((None, src) for src in (ontology, data, inferred))
        for name, text in queries:
            try:
                res = engine.query(text)
            except QueryError as exc:
                raise InputError(f"queries/{name}.rq: {exc}") from exc
            if not isinstance(res, Graph):
                raise InputError(f"queries/{name}.rq: a construct-*.rq query must be a CONSTRUCT query")
            added = 0
            for t in res:
                if t in ontology or t in data or t in inferred or drop_reason(t):
                    continue
                inferred.add(t)
                added += 1
            result.from_construct[name] = added
    return result
