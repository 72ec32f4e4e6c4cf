"""OWL 2 RL on pyoxigraph: the rules the ontology uses, compiled to SPARQL updates and run to a
fixed point, semi-naively (each round joins only with what the round before derived).

The schema (TBox) is small and fixed for a build, so its closure is computed here in Python (the
`scm-*` rules: subclass and subproperty hierarchies, equivalences, domains and ranges, the
restriction-to-restriction rules), and each instance rule becomes one SPARQL update whose schema
side is a VALUES table: `?x a ?c` ⇒ `?x a ?d` for every (c, d) with d a superclass of c, and so on
for domains, ranges, subproperties, inverses, symmetric and transitive properties, property
chains, intersections, someValuesFrom, hasValue and allValuesFrom. Every update reads the triples
the previous round added (a named graph of its own) and writes the ones not yet known into the
next round's graph, so the work is proportional to what is derived, not to the rounds times the
data. Disjoint classes and owl:Nothing are checked once at the end, with owlrl's wording.

owlrl's full closure is the reference (tests/test_reasoning_rules.py compares the whole inferred
sets on the seed and on a generated tree ten times its size). Any construct this compiler does not
know (sameAs, functional or inverse-functional properties, keys, cardinalities, complements,
negative assertions, property disjointness, ...) raises `Unsupported`, and `kg.build.reason`
falls back to owlrl rather than guess.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal
from rdflib.namespace import OWL, RDF, RDFS

from kg.terms import from_oxigraph, to_oxigraph

__all__ = ["Unsupported", "TBox", "tbox", "rl_closure", "run_rules", "RuleRun", "SKOLEM"]

_SKOLEM = SKOLEM = "urn:x-kg-bnode:"  # a blank node stands in the store as an IRI (SPARQL text cannot name one)
_DELTA = ox.NamedNode("urn:x-kg-rules:delta")
_NEW = ox.NamedNode("urn:x-kg-rules:new")
# what the rules derive stays in the graphs of the rounds that derived it: `<_ROUND>0` the schema
# triples the TBox closure adds, `<_ROUND>k` round k's (each the next round's delta)
_ROUND = "urn:x-kg-rules:round-"

# the schema vocabulary this compiler understands (as predicates of TBox triples)
_SCHEMA_PREDICATES = {
    RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range, OWL.equivalentClass,
    OWL.equivalentProperty, OWL.inverseOf, OWL.propertyChainAxiom, OWL.onProperty,
    OWL.someValuesFrom, OWL.allValuesFrom, OWL.hasValue, OWL.intersectionOf, OWL.unionOf,
    OWL.disjointWith, RDF.first, RDF.rest,
}
# ... and the ones it does not: the equality rules (sameAs, functional properties, keys,
# cardinalities) and the rarer consistency rules
_UNSUPPORTED_PREDICATES = {
    OWL.sameAs, OWL.differentFrom, OWL.hasKey, OWL.maxCardinality, OWL.maxQualifiedCardinality,
    OWL.onClass, OWL.complementOf, OWL.oneOf, OWL.members, OWL.distinctMembers,
    OWL.propertyDisjointWith, OWL.sourceIndividual, OWL.assertionProperty, OWL.targetIndividual,
    OWL.targetValue,
}
_UNSUPPORTED_TYPES = {
    OWL.FunctionalProperty, OWL.InverseFunctionalProperty, OWL.IrreflexiveProperty,
    OWL.AsymmetricProperty, OWL.AllDisjointClasses, OWL.AllDisjointProperties, OWL.AllDifferent,
    OWL.NegativePropertyAssertion, OWL.Nothing,
}
_SCHEMA_TYPES = {OWL.SymmetricProperty, OWL.TransitiveProperty}


class Unsupported(Exception):
    """The ontology or data uses OWL RL that these compiled rules do not cover."""


@dataclass
class TBox:
    """The schema, closed under the scm-* rules. Classes and properties are rdflib terms."""

    sup: dict = field(default_factory=dict)      # class -> its proper superclasses (transitive)
    psup: dict = field(default_factory=dict)     # property -> its proper superproperties
    dom: dict = field(default_factory=dict)      # property -> every class its domain implies
    rng: dict = field(default_factory=dict)      # property -> every class its range implies
    inverse: set = field(default_factory=set)    # (p, q): x p y ⇒ y q x
    transitive: set = field(default_factory=set)
    chains: list = field(default_factory=list)   # (p, [p1, ..., pn])
    inter: list = field(default_factory=list)    # (class, [c1, ..., cn])
    svf: list = field(default_factory=list)      # (restriction, p, class or owl:Thing)
    hv: list = field(default_factory=list)       # (restriction, p, value)
    avf: list = field(default_factory=list)      # (restriction, p, class)
    disjoint: set = field(default_factory=set)   # (c1, c2) as asserted
    derived: set = field(default_factory=set)    # schema triples the closure adds


def _list(g: Graph, head) -> list:
    out, seen = [], set()
    while head != RDF.nil:
        if head in seen:
            raise Unsupported(f"a cyclic RDF list at {head}")
        seen.add(head)
        first = g.value(head, RDF.first)
        if first is None:
            raise Unsupported(f"a malformed RDF list at {head}")
        out.append(first)
        head = g.value(head, RDF.rest)
        if head is None:
            raise Unsupported("a malformed RDF list")
    return out


def _closure(edges: dict) -> dict:
    """Reflexive-transitive successors of each node (iterative DFS; the graphs are small)."""
    out = {}
    for start in list(edges):
        seen, stack = {start}, [start]
        while stack:
            n = stack.pop()
            for m in edges.get(n, ()):
                if m not in seen:
                    seen.add(m)
                    stack.append(m)
        out[start] = seen
    return out


def _check_data(data) -> None:
    """`Unsupported` if the data (pyoxigraph triples or quads) uses what is not compiled or holds
    a schema triple: looked at by the distinct predicates and classes, so the loop over the data
    does only set look-ups."""
    from itertools import compress
    from operator import attrgetter

    # the distinct predicates, then the objects of the rdf:type triples, gathered by `map` and
    # `set` over the data: no Python code runs per triple
    data = data if isinstance(data, list) else list(data)
    rdf_type = ox.NamedNode(str(RDF.type))
    predicates = set(map(attrgetter("predicate"), data))
    objects = set()
    if rdf_type in predicates:
        objects = set(map(attrgetter("object"), compress(data, map(rdf_type.__eq__, map(attrgetter("predicate"), data)))))
    predicates = {p.value for p in predicates}
    classes = {o.value for o in objects if type(o) is ox.NamedNode}
    for p in sorted(predicates):
        if p in _UNSUPPORTED_STR:
            raise Unsupported(f"{p} is not compiled")
    for c in sorted(classes):
        if c in _UNSUPPORTED_TYPES_STR:
            raise Unsupported(f"rdf:type {c} is not compiled")
    for p in sorted(predicates):
        if p in _SCHEMA_STR:
            raise Unsupported(f"schema triple in the data: a {p} triple")
    for c in sorted(classes):
        if c in _SCHEMA_TYPES_STR:
            raise Unsupported(f"schema triple in the data: rdf:type {c}")


_UNSUPPORTED_STR = {str(x) for x in _UNSUPPORTED_PREDICATES}
_UNSUPPORTED_TYPES_STR = {str(x) for x in _UNSUPPORTED_TYPES}
_SCHEMA_STR = {str(x) for x in _SCHEMA_PREDICATES}
_SCHEMA_TYPES_STR = {str(x) for x in _SCHEMA_TYPES}


def _ox_triples(g: Graph):
    """An rdflib graph's triples as pyoxigraph triples."""
    for s, p, o in g:
        if not isinstance(s, Literal):
            yield ox.Triple(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o))


def tbox(ontology: Graph, data) -> TBox:
    """The closed schema of `ontology`; `Unsupported` if the ontology or the data uses what is not
    compiled (the data must hold no schema triples: its predicates and types are checked). `data`
    is an rdflib Graph or pyoxigraph triples or quads."""
    _check_data(_ox_triples(data) if isinstance(data, Graph) else data)
    schema = Graph()
    for s, p, o in ontology:
        if p in _UNSUPPORTED_PREDICATES:
            raise Unsupported(f"{p} is not compiled")
        if p == RDF.type and (o in _UNSUPPORTED_TYPES):
            raise Unsupported(f"rdf:type {o} is not compiled")
        if p in _SCHEMA_PREDICATES or (p == RDF.type and o in _SCHEMA_TYPES):
            schema.add((s, p, o))
    tb = TBox()
    sub = defaultdict(set)        # class -> direct superclasses
    psub = defaultdict(set)
    for s, o in schema.subject_objects(RDFS.subClassOf):
        sub[s].add(o)
    for s, o in schema.subject_objects(OWL.equivalentClass):
        sub[s].add(o)
        sub[o].add(s)
    for s, o in schema.subject_objects(RDFS.subPropertyOf):
        psub[s].add(o)
    for s, o in schema.subject_objects(OWL.equivalentProperty):
        psub[s].add(o)
        psub[o].add(s)
    for c, lst in schema.subject_objects(OWL.intersectionOf):
        members = _list(schema, lst)
        if OWL.Thing in members:
            raise Unsupported("owl:Thing in an intersection")
        tb.inter.append((c, members))
        for m in members:
            sub[c].add(m)  # scm-int
    for c, lst in schema.subject_objects(OWL.unionOf):
        for m in _list(schema, lst):
            sub[m].add(c)  # scm-uni
    for r, p in schema.subject_objects(OWL.onProperty):
        for c in schema.objects(r, OWL.someValuesFrom):
            tb.svf.append((r, p, c))
        for v in schema.objects(r, OWL.hasValue):
            tb.hv.append((r, p, v))
        for c in schema.objects(r, OWL.allValuesFrom):
            if c == OWL.Thing:
                continue
            tb.avf.append((r, p, c))
    pup = _closure(psub)
    # the restriction rules of the schema (scm-hv, scm-svf1/2, scm-avf1/2) add subclass edges that
    # depend on the hierarchies, which they extend: repeat until nothing changes
    while True:
        up = _closure(sub)
        added = False

        def edge(a, b) -> None:
            nonlocal added
            if b not in up.get(a, {a}):
                sub[a].add(b)
                added = True

        def psuper(p1, p2) -> bool:
            return p2 in pup.get(p1, {p1})

        def csuper(c1, c2) -> bool:
            return c2 in up.get(c1, {c1})

        for r1, p1, v1 in tb.hv:
            for r2, p2, v2 in tb.hv:
                if r1 != r2 and v1 == v2 and psuper(p1, p2):
                    edge(r1, r2)
        for r1, p1, c1 in tb.svf:
            for r2, p2, c2 in tb.svf:
                if r1 != r2 and ((p1 == p2 and csuper(c1, c2)) or (c1 == c2 and psuper(p1, p2))):
                    edge(r1, r2)
        for r1, p1, c1 in tb.avf:
            for r2, p2, c2 in tb.avf:
                if r1 != r2 and p1 == p2 and csuper(c1, c2):
                    edge(r1, r2)
                if r1 != r2 and c1 == c2 and psuper(p1, p2):
                    edge(r2, r1)
        if not added:
            break
    tb.sup = {c: ups - {c, OWL.Thing} for c, ups in up.items() if ups - {c, OWL.Thing}}
    tb.psup = {p: ups - {p} for p, ups in pup.items() if ups - {p}}
    dom, rng = defaultdict(set), defaultdict(set)
    for p, c in schema.subject_objects(RDFS.domain):
        dom[p].add(c)
    for p, c in schema.subject_objects(RDFS.range):
        rng[p].add(c)
    props = set(dom) | set(rng) | set(pup)
    for target, direct in ((tb.dom, dom), (tb.rng, rng)):
        for p in props:
            classes = set()
            for q in pup.get(p, {p}):            # scm-dom2 / scm-rng2
                for c in direct.get(q, ()):
                    classes |= up.get(c, {c})    # scm-dom1 / scm-rng1
            classes.discard(OWL.Thing)
            if classes:
                target[p] = classes
    for p, q in schema.subject_objects(OWL.inverseOf):
        tb.inverse.add((p, q))
        tb.inverse.add((q, p))
    for p in schema.subjects(RDF.type, OWL.SymmetricProperty):
        tb.inverse.add((p, p))
    tb.transitive = set(schema.subjects(RDF.type, OWL.TransitiveProperty))
    for p, lst in schema.subject_objects(OWL.propertyChainAxiom):
        tb.chains.append((p, _list(schema, lst)))
    for c1, c2 in schema.subject_objects(OWL.disjointWith):
        tb.disjoint.add((c1, c2))
    # the schema triples the closure implies (those with a blank node are left to the caller's
    # drop rules, as owlrl's are)
    d = tb.derived
    for c, ups in up.items():
        for u in ups:
            d.add((c, RDFS.subClassOf, u))
            if c in up.get(u, ()):
                d.add((c, OWL.equivalentClass, u))
    for p, ups in pup.items():
        for u in ups:
            d.add((p, RDFS.subPropertyOf, u))
            if p in pup.get(u, ()):
                d.add((p, OWL.equivalentProperty, u))
    for p in props:
        for q in pup.get(p, {p}):
            for c in dom.get(q, ()):
                for u in up.get(c, {c}):
                    d.add((p, RDFS.domain, u))
            for c in rng.get(q, ()):
                for u in up.get(c, {c}):
                    d.add((p, RDFS.range, u))
    return tb


# --- the instance rules as SPARQL updates ----------------------------------------------------

def _n(term, skolem: dict) -> str:
    """A term as SPARQL text (a blank node of the schema as its stand-in IRI)."""
    if isinstance(term, BNode):
        return f"<{skolem.setdefault(term, _SKOLEM + 's' + str(len(skolem)))}>"
    return str(to_oxigraph(term))


class _Values(str):
    """A VALUES clause (its SPARQL text), with the terms each of its variables takes (`bound`)."""

    bound: dict


def _values(names: str, rows, skolem: dict) -> _Values:
    rows = sorted(rows, key=str)
    body = " ".join("(" + " ".join(_n(t, skolem) for t in row) + ")" for row in rows)
    out = _Values(f"VALUES ({names}) {{ {body} }}")
    out.bound = {name: {_n(row[i], skolem) for row in rows} for i, name in enumerate(names.split())}
    return out


_RDF_TYPE_TEXT = f"<{RDF.type}>"


def _atom_keys(atom: str, bound: dict) -> frozenset:
    """What a triple must be for the atom `s p o` (SPARQL text) to match it: (predicate, None) for
    any triple with that predicate, (rdf:type, class) for a type triple of that class; a variable
    predicate or class takes the terms its VALUES table gives it (anything, if none)."""
    _s, p, o = atom.split(" ", 2)
    preds = bound.get(p) if p.startswith("?") else {p}
    if preds is None:
        return frozenset({None})
    if preds == {_RDF_TYPE_TEXT}:
        classes = bound.get(o) if o.startswith("?") else {o}
        if classes is None:
            return frozenset({(_RDF_TYPE_TEXT, None)})
        return frozenset((_RDF_TYPE_TEXT, c) for c in classes)
    return frozenset((q, None) for q in preds)


def _rule(head: str, atoms: list[str], values: str = "", filters: str = "") -> list[tuple[bool, str, frozenset]]:
    """The updates of one rule, each marked whether it runs in the first round: that one reads
    every atom from everything known (the first round's delta is everything); the later ones, one
    per atom, read that atom from the last round's triples (semi-naive) and the others from
    everything known. `head` is the derived triple pattern. Each later update comes with the keys
    of its delta atom (`_atom_keys`): a round whose delta holds none of them skips it, as it
    could derive nothing."""
    def update(body: str) -> str:
        # into the round's graph and into everything known at once (no copy between graphs)
        return (f"INSERT {{ GRAPH <{_NEW.value}> {{ {head} }} {head} }} WHERE {{ {values} {body} {filters} "
                f"FILTER NOT EXISTS {{ {head} }} }}")

    bound = getattr(values, "bound", {})
    out = [(True, update(" . ".join(atoms)), frozenset())]
    for i in range(len(atoms)):
        out.append((False, update(" . ".join(f"GRAPH <{_DELTA.value}> {{ {a} }}" if j == i else a
                                           for j, a in enumerate(atoms))), _atom_keys(atoms[i], bound)))
    return out


def compile_rules(tb: TBox, skolem: dict) -> list[tuple[bool, str, frozenset]]:
    """The instance rules as SPARQL updates, each marked whether it is the first round's, with the
    keys of its delta atom (`_rule`)."""
    rdf_type = f"<{RDF.type}>"
    rules: list[tuple[bool, str, frozenset]] = []
    pairs = [(c, d) for c, ds in tb.sup.items() for d in ds]
    if pairs:
        rules += _rule(f"?x {rdf_type} ?d", [f"?x {rdf_type} ?c"], _values("?c ?d", pairs, skolem))
    pairs = [(p, q) for p, qs in tb.psup.items() for q in qs]
    if pairs:
        rules += _rule("?x ?q ?y", ["?x ?p ?y"], _values("?p ?q", pairs, skolem))
    for table, who in ((tb.dom, "?x"), (tb.rng, "?y")):
        pairs = [(p, c) for p, cs in table.items() for c in cs]
        if pairs:
            rules += _rule(f"{who} {rdf_type} ?c", ["?x ?p ?y"], _values("?p ?c", pairs, skolem),
                           "FILTER (!isLiteral(?y))" if who == "?y" else "")
    if tb.inverse:
        rules += _rule("?y ?q ?x", ["?x ?p ?y"], _values("?p ?q", tb.inverse, skolem), "FILTER (!isLiteral(?y))")
    for p in sorted(tb.transitive, key=str):
        pn = _n(p, skolem)
        rules += _rule(f"?x {pn} ?z", [f"?x {pn} ?y", f"?y {pn} ?z"])
    for p, chain in tb.chains:
        atoms = [f"?v{i} {_n(q, skolem)} ?v{i + 1}" for i, q in enumerate(chain)]
        rules += _rule(f"?v0 {_n(p, skolem)} ?v{len(chain)}", atoms)
    for c, members in tb.inter:
        rules += _rule(f"?x {rdf_type} {_n(c, skolem)}", [f"?x {rdf_type} {_n(m, skolem)}" for m in members])
    for r, p, c in tb.svf:
        if c == OWL.Thing:
            rules += _rule(f"?x {rdf_type} {_n(r, skolem)}", [f"?x {_n(p, skolem)} ?y"])
        else:
            rules += _rule(f"?x {rdf_type} {_n(r, skolem)}", [f"?x {_n(p, skolem)} ?y", f"?y {rdf_type} {_n(c, skolem)}"])
    for r, p, v in tb.hv:
        rules += _rule(f"?x {_n(p, skolem)} {_n(v, skolem)}", [f"?x {rdf_type} {_n(r, skolem)}"])
        rules += _rule(f"?x {rdf_type} {_n(r, skolem)}", [f"?x {_n(p, skolem)} {_n(v, skolem)}"])
    for r, p, c in tb.avf:
        rules += _rule(f"?y {rdf_type} {_n(c, skolem)}", [f"?x {rdf_type} {_n(r, skolem)}", f"?x {_n(p, skolem)} ?y"],
                       filters="FILTER (!isLiteral(?y))")
    return rules


def _to_store_term(t, skolem: dict):
    if isinstance(t, BNode):
        return ox.NamedNode(skolem.setdefault(t, _SKOLEM + "s" + str(len(skolem))))
    return to_oxigraph(t)


@dataclass
class RuleRun:
    """A closure computed on pyoxigraph: the store holds ontology ∪ data ∪ what the rules derived
    in its default graph (schema blank nodes as their stand-in IRIs, `skolem`), and what they
    derived alone in the named graphs `graphs` (one a round, none of them sharing a triple)."""

    store: ox.Store
    skolem: dict
    errors: list
    graphs: list = field(default_factory=list)

    def back(self) -> dict:
        """Stand-in IRI -> the schema's blank node."""
        return {v: k for k, v in self.skolem.items()}

    def inferred_quads(self):
        for g in self.graphs:
            yield from self.store.quads_for_pattern(None, None, None, g)


def run_rules(ontology: Graph, data, store=None) -> RuleRun:
    """Run the compiled rules on ontology ∪ data to their fixed point. `data` is an rdflib Graph or
    pyoxigraph triples or quads (what the build holds: no rdflib term is made for the data).
    `store`, if given, is a pyoxigraph store whose default graph holds the data's triples and
    nothing else (the build's, which SHACL has read): the rules run in it rather than in a copy.
    `Unsupported` if the ontology or data uses what is not compiled (the store is then untouched)."""
    if isinstance(data, Graph):
        data = list(_ox_triples(data))
    tb = tbox(ontology, data)
    skolem: dict = {}
    rules = compile_rules(tb, skolem)
    given = store is not None
    if not given:
        store = ox.Store()
    dg = ox.DefaultGraph()
    quads = []
    for s, p, o in ontology:
        if isinstance(s, Literal):
            continue
        quads.append(ox.Quad(_to_store_term(s, skolem), _to_store_term(p, skolem), _to_store_term(o, skolem), dg))
    store.extend(quads)
    # the data once, in the default graph: the first round reads everything from there, so the data
    # is not copied into the delta graph (a million triples cost seconds and half a gigabyte each)
    if not given:
        store.extend(ox.Quad(t.subject, t.predicate, t.object, dg) for t in data)
    del quads
    schema_new = []
    graphs = [ox.NamedNode(_ROUND + "0")]
    for s, p, o in tb.derived:
        t = (_to_store_term(s, skolem), _to_store_term(p, skolem), _to_store_term(o, skolem))
        if ox.Quad(*t, dg) not in store:
            schema_new += [ox.Quad(*t, g) for g in (dg, graphs[0])]
    store.extend(schema_new)
    # each round writes into a graph of its own, which is the next round's delta and is then
    # kept as it is: what the rules derived is those graphs together, so no round copies its
    # triples into a graph of everything derived, nor drops its delta (at a million triples the
    # copy and the drops were ~1.5 s of CPU, a third of the copying between graphs). The rules
    # name their graphs `_DELTA` and `_NEW`: each round's are put in their place.
    first, k = True, 0
    while True:
        delta, new = graphs[-1], ox.NamedNode(f"{_ROUND}{k + 1}")
        present = None if first else _delta_keys(store, delta)
        for is_first, u, keys in rules:
            if is_first == first and (first or None in keys or not keys.isdisjoint(present)):
                store.update(u.replace(_DELTA.value, delta.value).replace(_NEW.value, new.value))
        first, k = False, k + 1
        if next(iter(store.quads_for_pattern(None, None, None, new)), None) is None:
            break
        graphs.append(new)
    errors = []
    rdf_type = f"<{RDF.type}>"
    for c1, c2 in sorted(tb.disjoint, key=str):
        q = (f"SELECT ?x WHERE {{ ?x {rdf_type} {_n(c1, skolem)} . ?x {rdf_type} {_n(c2, skolem)} }}")
        for row in store.query(q):
            errors.append(f"Disjoint classes {c1} and {c2} have a common individual {_back(row[0], skolem)}")
    for row in store.query(f"SELECT ?x WHERE {{ ?x {rdf_type} <{OWL.Nothing}> }}"):
        errors.append(f"{_back(row[0], skolem)} is defined of type 'Nothing'")
    return RuleRun(store, skolem, errors, graphs)


def _delta_keys(store: ox.Store, delta: ox.NamedNode) -> set:
    """The keys (`_atom_keys`) the triples of the graph `delta` match: (predicate, None) for each
    predicate, and (rdf:type, class) for each class they give a type."""
    keys: set = {(str(row[0]), None) for row in store.query(
        f"SELECT DISTINCT ?p WHERE {{ GRAPH <{delta.value}> {{ ?s ?p ?o }} }}")}
    if (_RDF_TYPE_TEXT, None) in keys:
        keys.update((_RDF_TYPE_TEXT, str(row[0])) for row in store.query(
            f"SELECT DISTINCT ?c WHERE {{ GRAPH <{delta.value}> {{ ?s {_RDF_TYPE_TEXT} ?c }} }}"))
    return keys


def rl_closure(ontology: Graph, data) -> tuple[set, list[str]]:
    """The triples OWL 2 RL adds to ontology ∪ data (rdflib terms; those with a blank node have
    it back), and the inconsistencies found (owlrl's wording). `Unsupported` if the ontology uses
    what is not compiled."""
    run = run_rules(ontology, data)
    back = run.back()
    inferred = set()
    for q in run.inferred_quads():
        inferred.add(tuple(_back(x, run.skolem, back) for x in (q.subject, q.predicate, q.object)))
    return inferred, run.errors


def _back(term, skolem: dict, back: dict | None = None):
    if isinstance(term, ox.NamedNode) and term.value.startswith(_SKOLEM):
        back = back if back is not None else {v: k for k, v in skolem.items()}
        return back[term.value]
    return from_oxigraph(term)
