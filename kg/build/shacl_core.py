"""SHACL core constraint components compiled to SPARQL, run once per constraint over the whole
data graph on pyoxigraph, with the results pySHACL 0.40 would give (`kg.build.shacl` decides
which shapes come here and writes the results into the report).

One query per constraint of a shape: the shape's focus nodes are selected by its targets inside
the same query (`{ SELECT DISTINCT ?this WHERE { target UNION target ... } }`), joined with its
path, and the constraint is a FILTER or a GROUP BY ... HAVING; so each constraint costs one pass
over the triples it reads, whatever the number of focus nodes (pySHACL evaluates every constraint
focus node by focus node in Python, and every SPARQL-based one as a query per focus node).

What is compiled, with pySHACL's own semantics where they differ from the SHACL text:
- targets: sh:targetNode (IRIs and literals), sh:targetClass (rdf:type/rdfs:subClassOf*),
  sh:targetSubjectsOf, sh:targetObjectsOf;
- paths: an IRI, sh:inversePath, a sequence, sh:alternativePath of these;
- sh:minCount, sh:maxCount (distinct value nodes), sh:class, sh:nodeKind, sh:in (the same
  term, not the same value), sh:hasValue, sh:languageIn (the whole tag or its first part,
  lower-cased, not langMatches), sh:uniqueLang (one result per repeated tag, no value);
- sh:datatype as pySHACL checks it: the literal's datatype, and for datatypes other than
  xsd:string and rdf:langString, the lexical form as rdflib reads it (an ill-typed literal, or an
  xsd:integer/decimal/float/boolean/date/time/dateTime whose value rdflib cannot make, fails):
  those literals are read once in Python, the ones that fail listed in the query;
- sh:minInclusive, sh:maxInclusive, sh:minExclusive, sh:maxExclusive: compared in Python as
  pySHACL compares them, once per distinct value node (an IRI or blank node always fails);
- sh:or, sh:and, sh:not, sh:xone of shapes, and sh:qualifiedValueShape with
  sh:qualifiedMinCount / sh:qualifiedMaxCount, where the nested shapes compile to a SPARQL
  expression saying whether a node conforms (their value constraints, counts of 0 or 1, nested
  logic; a nested shape of severity sh:Warning or sh:Info always conforms, as it does in pySHACL
  with allow_warnings, which the build uses).

Anything else (sh:node, sh:property, sh:closed, sh:pattern, sh:minLength, property pairs, SPARQL
targets, implicit class targets, blank target nodes, shapes without a message, several
severities, a shape referenced by another that is left to pySHACL, recursion, counts above one in a
nested shape, SHACL rules or functions in the shapes graph) raises `Unsupported` for that shape,
which then stays with pySHACL whole. tests/test_scale_equivalence.py compares the findings and the
report with pySHACL's on the seed, at ten times its size, and on data that breaks every shape.
"""
from __future__ import annotations

import datetime
import decimal
from dataclasses import dataclass, field
from typing import Callable

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH, XSD

__all__ = ["Unsupported", "CoreCheck", "compile_shapes", "run_checks"]

SCO = "<http://www.w3.org/2000/01/rdf-schema#subClassOf>"
TARGETS = (SH.targetNode, SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf)

# shape predicates that are not constraints (pySHACL reads sh:message, sh:severity, sh:path,
# sh:deactivated and the targets; the others are annotations)
ANNOTATIONS = {RDF.type, RDFS.label, RDFS.comment, RDFS.seeAlso, RDFS.isDefinedBy, SH.message, SH.severity,
               SH.path, SH.name, SH.description, SH.order, SH.group, SH.defaultValue, *TARGETS,
               URIRef("http://www.w3.org/2004/02/skos/core#definition"),
               URIRef("http://www.w3.org/2004/02/skos/core#note")}
VALUE_PARAMS = {SH.datatype, SH["class"], SH.nodeKind, SH["in"], SH.languageIn, SH["or"], SH["and"],
                SH["not"], SH.xone}
RANGE_PARAMS = {SH.minInclusive: SH.MinInclusiveConstraintComponent,
                SH.maxInclusive: SH.MaxInclusiveConstraintComponent,
                SH.minExclusive: SH.MinExclusiveConstraintComponent,
                SH.maxExclusive: SH.MaxExclusiveConstraintComponent}
COMPONENT = {SH.datatype: SH.DatatypeConstraintComponent, SH["class"]: SH.ClassConstraintComponent,
             SH.nodeKind: SH.NodeKindConstraintComponent, SH["in"]: SH.InConstraintComponent,
             SH.languageIn: SH.LanguageInConstraintComponent, SH["or"]: SH.OrConstraintComponent,
             SH["and"]: SH.AndConstraintComponent, SH["not"]: SH.NotConstraintComponent,
             SH.xone: SH.XoneConstraintComponent}
QUALIFIED = {SH.qualifiedValueShape, SH.qualifiedMinCount, SH.qualifiedMaxCount}
OTHER_PARAMS = {SH.minCount, SH.maxCount, SH.hasValue, SH.uniqueLang, *QUALIFIED, *RANGE_PARAMS}
# datatypes pySHACL accepts on the datatype alone (the value of such a literal is always a str)
STRING_TYPES = {XSD.string, RDF.langString}
# shapes-graph features that change the data before validation (SHACL-AF rules) or add functions:
# with any of them, nothing is compiled
ADVANCED = (SH.rule, SH.SPARQLRule, SH.TripleRule, SH.SPARQLFunction, SH.JSFunction, SH.JSRule,
            SH.ConstraintComponent)


class Unsupported(Exception):
    """A shape (or part of one) this module does not compile: pySHACL checks it."""


def _term(t) -> str:
    """A term of the shapes graph in SPARQL syntax (IRIs and literals only)."""
    import pyoxigraph  # noqa: F401  (kg.terms needs it)

    from kg.terms import to_oxigraph

    if isinstance(t, BNode):
        raise Unsupported(f"blank node {t} as a constant")
    return str(to_oxigraph(t))


def _items(g: Graph, head) -> list:
    out, seen = [], set()
    while head != RDF.nil:
        if head in seen or head is None:
            raise Unsupported("not a well-formed list")
        seen.add(head)
        first = list(g.objects(head, RDF.first))
        rest = list(g.objects(head, RDF.rest))
        if len(first) != 1 or len(rest) != 1:
            raise Unsupported("not a well-formed list")
        out.append(first[0])
        head = rest[0]
    return out


def path_sparql(g: Graph, path) -> str:
    """A SHACL path as a SPARQL property path (the forms pySHACL and SPARQL read alike)."""
    if isinstance(path, URIRef):
        return _term(path)
    if not isinstance(path, BNode):
        raise Unsupported("a path that is neither an IRI nor a blank node")
    preds = set(g.predicates(path))
    if preds == {SH.inversePath}:
        return "^" + path_sparql(g, g.value(path, SH.inversePath))
    if preds == {SH.alternativePath}:
        alts = _items(g, g.value(path, SH.alternativePath))
        if len(alts) < 1:
            raise Unsupported("an empty alternative path")
        return "(" + "|".join(path_sparql(g, a) for a in alts) + ")"
    if RDF.first in preds:
        steps = _items(g, path)
        if len(steps) < 2:
            raise Unsupported("a sequence path of fewer than two steps")
        return "(" + "/".join(path_sparql(g, s) for s in steps) + ")"
    raise Unsupported(f"path {preds}")


def _one(g: Graph, node, p):
    vals = list(g.objects(node, p))
    if len(vals) != 1:
        raise Unsupported(f"{len(vals)} values of {p}")
    return vals[0]


def _int(g: Graph, node, p) -> int:
    v = _one(g, node, p)
    if not (isinstance(v, Literal) and v.datatype == XSD.integer and isinstance(v.value, int)) or v.value < 0:
        raise Unsupported(f"{p} is not a non-negative xsd:integer")
    return int(v.value)


def _lang_expr(var: str, langs: list) -> str:
    """pySHACL's sh:languageIn: a language tag, lower-cased, in the list, or its part before '-'."""
    if "*" in langs:
        return f'(isLiteral({var}) && LANG({var}) != "")'
    lst = ", ".join('"' + t.replace("\\", "\\\\").replace('"', '\\"') + '"' for t in langs)
    return (f'(isLiteral({var}) && LANG({var}) != "" && (LCASE(LANG({var})) IN ({lst}) || '
            f'LCASE(STRBEFORE(CONCAT(LANG({var}), "-"), "-")) IN ({lst})))')


@dataclass
class Context:
    """What compiling needs besides the shapes: the literals rdflib reads as ill-typed (per
    datatype), fresh variable names, and the nested shapes being compiled (against recursion)."""
    shapes: Graph
    bad_literals: Callable[[URIRef, str, str], list]  # (datatype, variable, pattern binding it) ->
    #                                          the literals of that datatype there that fail
    subclasses: Callable[[object], list]     # class -> it and its subclasses in the data graph
    counter: list = field(default_factory=lambda: [0])
    stack: list = field(default_factory=list)
    position: dict = field(default_factory=dict)  # variable -> a pattern that binds it (top level)

    def var(self) -> str:
        self.counter[0] += 1
        return f"?_w{self.counter[0]}"


def _value_ok(ctx: Context, param, obj, var: str) -> str:
    """A SPARQL expression true when the node in `var` passes the value constraint `param obj`."""
    g = ctx.shapes
    if param == SH.datatype:
        if not isinstance(obj, URIRef):
            raise Unsupported("sh:datatype is not an IRI")
        if obj == RDFS.Literal:
            return f"isLiteral({var})"
        if obj == RDF.langString:
            return f'(isLiteral({var}) && LANG({var}) != "")'
        if obj == RDFS.Datatype:
            raise Unsupported("sh:datatype rdfs:Datatype (rdflib tells plain from xsd:string literals)")
        ok = f"(isLiteral({var}) && DATATYPE({var}) = {_term(obj)})"
        if obj in STRING_TYPES:
            return ok
        bad = ctx.bad_literals(obj, var, ctx.position.get(var, ""))
        if len(bad) > 200:
            raise Unsupported("too many ill-typed literals to list")
        if bad:
            ok = f"({ok} && !(" + " || ".join(f"sameTerm({var}, {_term(b)})" for b in bad) + "))"
        return ok
    if param == SH["class"]:
        # the class and its subclasses are read first, so that the check is one lookup of the
        # node's types (pyoxigraph evaluates `?v a/rdfs:subClassOf* C` inside EXISTS from C's
        # end, all of C's instances for every row: quadratic)
        classes = ctx.subclasses(obj)
        if any(isinstance(c, BNode) for c in classes):
            return f"(!isLiteral({var}) && EXISTS {{ {var} a/{SCO}* {_term(obj)} }})"
        t = ctx.var()
        return (f"(!isLiteral({var}) && EXISTS {{ {var} a {t} FILTER({t} IN ("
                + ", ".join(_term(c) for c in classes) + ")) })")
    if param == SH.nodeKind:
        kinds = {SH.IRI: f"isIRI({var})", SH.BlankNode: f"isBlank({var})", SH.Literal: f"isLiteral({var})",
                 SH.BlankNodeOrIRI: f"(isIRI({var}) || isBlank({var}))",
                 SH.BlankNodeOrLiteral: f"(isBlank({var}) || isLiteral({var}))",
                 SH.IRIOrLiteral: f"(isIRI({var}) || isLiteral({var}))"}
        if obj not in kinds:
            raise Unsupported(f"sh:nodeKind {obj}")
        return kinds[obj]
    if param == SH["in"]:
        members = _items(g, obj)
        if not members:
            return "false"
        return "(" + " || ".join(f"sameTerm({var}, {_term(m)})" for m in members) + ")"
    if param == SH.languageIn:
        langs = []
        for t in _items(g, obj):
            if not isinstance(t, Literal) or not isinstance(t.value, str):
                raise Unsupported("sh:languageIn with a member that is not a string")
            langs.append(str(t.value).lower())
        return _lang_expr(var, langs)
    if param in (SH["or"], SH["and"], SH.xone):
        members = _items(g, obj)
        if not members:
            raise Unsupported(f"an empty {param} list")  # pySHACL raises on an empty list
        oks = [conforms(ctx, m, var) for m in members]
        if param == SH["or"]:
            return "(" + " || ".join(oks) + ")"
        if param == SH["and"]:
            return "(" + " && ".join(oks) + ")"
        return "((" + " + ".join(f"IF({o}, 1, 0)" for o in oks) + ") = 1)"
    if param == SH["not"]:
        return f"(!{conforms(ctx, obj, var)})"
    raise Unsupported(f"value constraint {param}")


# parameters pySHACL takes once per shape (it refuses a shape with two)
SINGLE = {SH.datatype, SH.nodeKind, SH["in"], SH.languageIn, SH.uniqueLang, SH.minCount, SH.maxCount,
          SH.qualifiedMinCount, SH.qualifiedMaxCount, SH.qualifiedValueShape}


def _params(g: Graph, shape) -> dict:
    """The shape's constraint parameters → their values; Unsupported for anything unknown."""
    out: dict = {}
    for p, o in g.predicate_objects(shape):
        if p in ANNOTATIONS or p == SH.deactivated:
            continue
        if p not in VALUE_PARAMS and p not in OTHER_PARAMS:
            raise Unsupported(f"parameter {p}")
        out.setdefault(p, []).append(o)
    for p in SINGLE:
        if len(out.get(p, [])) > 1:
            raise Unsupported(f"several values of {p}")
    return out


def _deactivated(g: Graph, shape) -> bool:
    vals = list(g.objects(shape, SH.deactivated))
    if not vals:
        return False
    if len(vals) > 1 or not isinstance(vals[0], Literal):
        raise Unsupported("sh:deactivated")
    return bool(vals[0].value)


def conforms(ctx: Context, shape, var: str) -> str:
    """A SPARQL expression true when the node in `var` conforms to the (nested) shape, as
    pySHACL's Shape.validate(focus=node) decides it (with allow_warnings)."""
    g = ctx.shapes
    if shape in ctx.stack:
        raise Unsupported("recursive shapes")
    if _deactivated(g, shape):
        return "true"
    severities = list(g.objects(shape, SH.severity))
    if len(severities) > 1:
        raise Unsupported("several severities")
    if severities and severities[0] in (SH.Warning, SH.Info):
        return "true"  # pySHACL with allow_warnings: such a shape always conforms
    params = _params(g, shape)
    paths = list(g.objects(shape, SH.path))
    if len(paths) > 1:
        raise Unsupported("several paths")
    ctx.stack.append(shape)
    try:
        parts = []
        if not paths:
            for p, objs in params.items():
                if p not in VALUE_PARAMS and p != SH.hasValue:
                    raise Unsupported(f"{p} on a node shape")
                for o in objs:
                    parts.append(f"sameTerm({var}, {_term(o)})" if p == SH.hasValue else _value_ok(ctx, p, o, var))
        else:
            path = path_sparql(g, paths[0])
            for p, objs in params.items():
                if p in QUALIFIED:
                    continue
                for o in objs:
                    if p in VALUE_PARAMS:
                        w = ctx.var()
                        parts.append(f"NOT EXISTS {{ {var} {path} {w} FILTER(!{_value_ok(ctx, p, o, w)}) }}")
                    elif p == SH.minCount:
                        n = _int(g, shape, p)
                        if n > 1:
                            raise Unsupported("sh:minCount above one in a nested shape")
                        if n == 1:
                            parts.append(f"EXISTS {{ {var} {path} {ctx.var()} }}")
                    elif p == SH.maxCount:
                        n = _int(g, shape, p)
                        w1, w2 = ctx.var(), ctx.var()
                        if n == 0:
                            parts.append(f"NOT EXISTS {{ {var} {path} {w1} }}")
                        elif n == 1:
                            parts.append(f"NOT EXISTS {{ {var} {path} {w1} . {var} {path} {w2} "
                                         f"FILTER(!sameTerm({w1}, {w2})) }}")
                        else:
                            raise Unsupported("sh:maxCount above one in a nested shape")
                    elif p == SH.hasValue:
                        parts.append(f"EXISTS {{ {var} {path} {_term(o)} }}")
                    elif p == SH.uniqueLang:
                        if not (isinstance(o, Literal) and isinstance(o.value, bool)):
                            raise Unsupported("sh:uniqueLang")
                        if o.value:
                            w1, w2 = ctx.var(), ctx.var()
                            parts.append(f"NOT EXISTS {{ {var} {path} {w1} . {var} {path} {w2} FILTER("
                                         f"isLiteral({w1}) && isLiteral({w2}) && LANG({w1}) != \"\" && "
                                         f"!sameTerm({w1}, {w2}) && LCASE(LANG({w1})) = LCASE(LANG({w2}))) }}")
                    else:
                        raise Unsupported(f"{p} in a nested shape")
            if SH.qualifiedValueShape in params:
                qshape, qmin, qmax, _disjoint = _qualified(g, shape, params)
                w = ctx.var()
                ok = conforms(ctx, qshape, w)
                for n, exists in ((qmin, True), (qmax, False)):
                    if n is None or (exists and n == 0):
                        continue
                    if (exists and n != 1) or (not exists and n != 0):
                        raise Unsupported("a qualified count other than min 1 or max 0 in a nested shape")
                    parts.append(("EXISTS" if exists else "NOT EXISTS") + f" {{ {var} {path} {w} FILTER({ok}) }}")
        return "(" + " && ".join(parts) + ")" if parts else "true"
    finally:
        ctx.stack.pop()


def _qualified(g: Graph, shape, params: dict):
    if len(params.get(SH.qualifiedValueShape, [])) != 1:
        raise Unsupported("not one sh:qualifiedValueShape")
    if SH.qualifiedValueShapesDisjoint in set(g.predicates(shape)):
        raise Unsupported("sh:qualifiedValueShapesDisjoint")
    qmin = _int(g, shape, SH.qualifiedMinCount) if SH.qualifiedMinCount in params else None
    qmax = _int(g, shape, SH.qualifiedMaxCount) if SH.qualifiedMaxCount in params else None
    if qmin is None and qmax is None:
        raise Unsupported("sh:qualifiedValueShape without a count")
    return params[SH.qualifiedValueShape][0], qmin, qmax, False


# --- top-level shapes ---------------------------------------------------------------------------

@dataclass
class Query:
    component: URIRef
    text: str                      # SELECT ?this [?value]: one row per result
    with_value: bool               # the row's ?value is the result's sh:value
    node_value: bool = False       # the result's sh:value is the focus node (a node shape)
    python_bad: Callable | None = None   # set: rows are candidate values; Python picks the failing
    pairs: str = ""                # then: the (focus, value) query, VALUES_HERE for the failing values


@dataclass
class CoreCheck:
    shape: object
    severity: object
    messages: list
    path: object                   # the sh:path node (None for a node shape)
    queries: list


def _focus(g: Graph, shape) -> str:
    branches = []
    for p in TARGETS:
        for o in g.objects(shape, p):
            if p == SH.targetNode:
                branches.append(f"VALUES ?this {{ {_term(o)} }}")
            elif p == SH.targetClass:
                branches.append(f"?this a/{SCO}* {_term(o)} .")
            elif p == SH.targetSubjectsOf:
                branches.append(f"?this {_term(o)} ?_o .")
            else:
                branches.append(f"?_s {_term(o)} ?this .")
    if not branches:
        raise Unsupported("no target")
    return "{ SELECT DISTINCT ?this WHERE { " + " UNION ".join("{ " + b + " }" for b in branches) + " } }"


def compile_shape(ctx: Context, shape) -> CoreCheck:
    g = ctx.shapes
    if (shape, SH.target, None) in g:
        raise Unsupported("SPARQL-based targets")
    types = set(g.objects(shape, RDF.type))
    if types & {RDFS.Class, OWL.Class} or any((t, RDFS.subClassOf, RDFS.Class) in g for t in types):
        raise Unsupported("implicit class target")
    if _deactivated(g, shape):
        raise Unsupported("deactivated")  # pySHACL finds nothing; cheap there
    severities = list(g.objects(shape, SH.severity))
    if len(severities) > 1:
        raise Unsupported("several severities")
    messages = list(g.objects(shape, SH.message))
    params = _params(g, shape)
    if params and not messages:
        raise Unsupported("no sh:message (pySHACL writes its own)")
    paths = list(g.objects(shape, SH.path))
    if len(paths) > 1:
        raise Unsupported("several paths")
    focus = _focus(g, shape)
    queries = []
    ctx.position = {"?this": focus}
    if not paths:
        for p, objs in params.items():
            if p not in VALUE_PARAMS and p != SH.hasValue:
                raise Unsupported(f"{p} on a node shape")
            for o in objs:
                if p == SH.hasValue:
                    queries.append(Query(SH.HasValueConstraintComponent,
                                         f"SELECT ?this WHERE {{ {focus} FILTER(!sameTerm(?this, {_term(o)})) }}",
                                         with_value=False))
                    continue
                ok = _value_ok(ctx, p, o, "?this")
                queries.append(Query(COMPONENT[p], f"SELECT ?this WHERE {{ {focus} FILTER(!{ok}) }}",
                                     with_value=False, node_value=True))
        return CoreCheck(shape, severities[0] if severities else SH.Violation, messages, None, queries)
    path = path_sparql(g, paths[0])
    values = f"{focus} ?this {path} ?value ."
    ctx.position = {"?value": values}
    for p, objs in params.items():
        if p in QUALIFIED:
            continue
        for o in objs:
            if p in VALUE_PARAMS:
                ok = _value_ok(ctx, p, o, "?value")
                queries.append(Query(COMPONENT[p], f"SELECT DISTINCT ?this ?value WHERE {{ {values} FILTER(!{ok}) }}",
                                     with_value=True))
            elif p in RANGE_PARAMS:
                if not isinstance(o, Literal):
                    raise Unsupported(f"{p} is not a literal")
                # an IRI or a blank node never passes; literals are compared in Python
                queries.append(Query(RANGE_PARAMS[p],
                                     f"SELECT DISTINCT ?this ?value WHERE {{ {values} FILTER(!isLiteral(?value)) }}",
                                     with_value=True))
                queries.append(Query(RANGE_PARAMS[p],
                                     f"SELECT DISTINCT ?value WHERE {{ {values} FILTER(isLiteral(?value)) }}",
                                     with_value=True, python_bad=_range_check(p, o),
                                     pairs=f"SELECT DISTINCT ?this ?value WHERE {{ VALUES_HERE {values} }}"))
            elif p == SH.minCount:
                n = _int(g, shape, p)
                if n == 0:
                    continue
                text = (f"SELECT ?this WHERE {{ {focus} FILTER NOT EXISTS {{ ?this {path} ?value }} }}" if n == 1 else
                        f"SELECT ?this WHERE {{ {focus} OPTIONAL {{ ?this {path} ?value }} }} "
                        f"GROUP BY ?this HAVING (COUNT(DISTINCT ?value) < {n})")
                queries.append(Query(SH.MinCountConstraintComponent, text, with_value=False))
            elif p == SH.maxCount:
                n = _int(g, shape, p)
                queries.append(Query(SH.MaxCountConstraintComponent,
                                     f"SELECT ?this WHERE {{ {values} }} GROUP BY ?this "
                                     f"HAVING (COUNT(DISTINCT ?value) > {n})", with_value=False))
            elif p == SH.hasValue:
                queries.append(Query(SH.HasValueConstraintComponent,
                                     f"SELECT ?this WHERE {{ {focus} FILTER NOT EXISTS {{ ?this {path} {_term(o)} }} }}",
                                     with_value=False))
            elif p == SH.uniqueLang:
                if not (isinstance(o, Literal) and isinstance(o.value, bool)) or len(objs) != 1:
                    raise Unsupported("sh:uniqueLang")
                if o.value:
                    queries.append(Query(SH.UniqueLangConstraintComponent,
                                         f"SELECT ?this WHERE {{ {values} FILTER(isLiteral(?value) && LANG(?value) != \"\") }} "
                                         f"GROUP BY ?this (LCASE(LANG(?value))) HAVING (COUNT(DISTINCT ?value) > 1)",
                                         with_value=False))
            else:
                raise Unsupported(f"{p}")
    if SH.qualifiedValueShape in params:
        qshape, qmin, qmax, _disjoint = _qualified(g, shape, params)
        ok = conforms(ctx, qshape, "?value")
        for n, comp, op in ((qmin, SH.QualifiedMinCountConstraintComponent, "<"),
                            (qmax, SH.QualifiedMaxCountConstraintComponent, ">")):
            if n is None or (op == "<" and n == 0):
                continue
            if op == "<" and n == 1:
                text = f"SELECT ?this WHERE {{ {focus} FILTER NOT EXISTS {{ ?this {path} ?value FILTER({ok}) }} }}"
            else:
                text = (f"SELECT ?this WHERE {{ {focus} OPTIONAL {{ ?this {path} ?value FILTER({ok}) }} }} "
                        f"GROUP BY ?this HAVING (COUNT(DISTINCT ?value) {op} {n})")
            queries.append(Query(comp, text, with_value=False))
    return CoreCheck(shape, severities[0] if severities else SH.Violation, messages, paths[0], queries)


# --- Python checks: value ranges and well-typed literals, as pySHACL and rdflib decide them ------

def _range_check(param, bound: Literal) -> Callable:
    """pySHACL's value range comparison (constraints/core/value_range_constraints.py with
    rdfutil.compare.compare_literal) for a literal value node: True when it fails."""
    bound_is_string = isinstance(bound.value, str)
    force = (datetime.datetime, datetime.time)

    def compare(l1: Literal, l2: Literal) -> int:
        if l1.eq(l2):
            return 0
        if l1.value.__class__ in force:
            if l1.value == l2.value:
                return 0
            elif l1.value > l2.value:
                return 1
        elif l1 > l2:
            return 1
        return -1

    def fails(v: Literal) -> bool:
        v_is_string = isinstance(v.value, str)
        if bound_is_string != v_is_string:
            return True
        try:
            cmp = compare(v, bound)
        except (TypeError, NotImplementedError):
            # a value that cannot be ordered against the bound (a date against a number, an
            # ill-typed literal) fails the range constraint, as pySHACL reports it: not skipped
            return True
        if param == SH.minInclusive:
            return not cmp >= 0
        if param == SH.minExclusive:
            return not cmp > 0
        if param == SH.maxInclusive:
            return not cmp <= 0
        return not cmp < 0

    return fails


def datatype_fails(v: Literal, dt: URIRef) -> bool:
    """pySHACL's DatatypeConstraintComponent for a literal whose datatype is `dt`."""
    if getattr(v, "ill_typed", None) is True:
        return True
    value = v.value
    checks = {XSD.integer: int, XSD.float: float, XSD.decimal: decimal.Decimal, XSD.boolean: bool,
              XSD.date: datetime.date, XSD.time: datetime.time, XSD.dateTime: datetime.datetime}
    if dt in checks:
        return not isinstance(value, checks[dt])
    return False


def run_checks(checks: list[CoreCheck], store) -> list[tuple]:
    """(check, component, focus, value or None) for every result, as rdflib terms."""
    from kg.terms import from_oxigraph

    out = []
    for check in checks:
        for q in check.queries:
            if q.python_bad is None:
                for row in store.query(q.text):
                    focus = from_oxigraph(row[0])
                    value = from_oxigraph(row[1]) if q.with_value else (focus if q.node_value else None)
                    out.append((check, q.component, focus, value))
                continue
            bad = [row[0] for row in store.query(q.text) if q.python_bad(from_oxigraph(row[0]))]
            if not bad:
                continue
            block = "VALUES ?value { " + " ".join(str(b) for b in bad) + " }"
            for row in store.query(q.pairs.replace("VALUES_HERE", block)):
                out.append((check, q.component, from_oxigraph(row[0]), from_oxigraph(row[1])))
    return out


def compile_shapes(shapes: Graph, store, candidates: list) -> tuple[list[CoreCheck], list]:
    """The checks of the shapes in `candidates` this module compiles, and the shapes it does not."""
    from kg.terms import from_oxigraph

    cache: dict = {}

    def bad_literals(dt: URIRef, var: str, pattern: str) -> list:
        """The literals of datatype `dt` that pySHACL finds ill-typed: those `var` takes in
        `pattern` (the values of a top-level shape), or in the whole graph (a nested shape's)."""
        if not pattern:
            var, pattern = "?o", "?s ?p ?o ."
        key = (dt, var, pattern)
        if key not in cache:
            q = f"SELECT DISTINCT {var} WHERE {{ {pattern} FILTER(isLiteral({var}) && DATATYPE({var}) = {_term(dt)}) }}"
            cache[key] = sorted((t for t in (from_oxigraph(r[0]) for r in store.query(q)) if datatype_fails(t, dt)),
                                key=str)
        return cache[key]

    subs: dict = {}

    def subclasses(cls) -> list:
        if cls not in subs:
            q = f"SELECT DISTINCT ?c WHERE {{ ?c {SCO}* {_term(cls)} }}"
            subs[cls] = sorted({from_oxigraph(r[0]) for r in store.query(q)} | {cls}, key=str)
        return subs[cls]

    checks, left = [], []
    for shape in candidates:
        try:
            checks.append(compile_shape(Context(shapes, bad_literals, subclasses), shape))
        except Unsupported:
            left.append(shape)
    return checks, left
