"""Validation against the SHACL shapes. The `queries/*-violation.rq` checks are `kg.build.checks`.

`validate_shapes(...)` never changes its input graphs and returns a `ShaclResult` whose findings a
person can act on (focus node, shape, path, message). `sh:Violation` findings make the data
non-conforming (the build stops, exit 1); `sh:Warning` and `sh:Info` findings are reported and kept.

How it runs: ontology ∪ data go into one pyoxigraph store, and every constraint runs once over
the whole graph, its focus nodes selected by the shape's targets inside the same query:
- the SPARQL-based constraints (`sh:sparql`) with their focus nodes as a VALUES block (below);
- the core constraint components the shapes use (sh:minCount, sh:maxCount, sh:datatype,
  sh:class, sh:in, sh:languageIn, sh:uniqueLang, sh:minInclusive, sh:or, sh:qualifiedValueShape,
  and sh:nodeKind, sh:hasValue, sh:and, sh:not, sh:xone...) compiled to SPARQL by
  `kg.build.shacl_core`, with pySHACL's own readings where they differ from the SHACL text.
Their results are written into the report as pySHACL writes them (same fields, messages, copied
blank nodes). A shape outside what is compiled stays with pySHACL whole (only then is pySHACL
imported and the data copied into one rdflib graph), and so does everything with RDFS inference
on, or when the shapes hold SHACL rules or functions. tests/test_scale_equivalence.py compares
the findings and the report with pySHACL's alone: on the seed, at ten times its size, on every
invalid fixture of tests/fixtures/shapes/ (data that breaks every shape) and on made-up shapes
and data that reach the corners of each compiled component.

Why this and not a native validator. pySHACL alone evaluates every constraint focus node by focus
node in Python and parses and runs every SPARQL constraint once per focus node: 18-22 s CPU on
the seed, 284 s at 10x (same machine, same run as 1.27 s here), about 300 s at 1M for what was left
to it before. The maintained native validators seen: Jena's `shacl` (Debian libapache-jena-java;
a JVM, and Debian's jars need a classpath repair to start, see ../shared/reference/triplestores.md)
gave the same findings at 1M in 43 s CPU and 4 GB (issue 22's anchor): twice this and over the
memory budget. pyrudof 0.3.35 (Rust, PyPI), tried in a scratch environment on the same shapes
and ontology ∪ data as N-Triples, gave as many results as pySHACL on the seed (7) and at 10x (70)
in 0.4 and 3.1 s CPU with parsing (this module: 0.2 and 1.3 s with the store), but as entries of
its own (no report graph in pySHACL's form, which the build publishes as
dist/validation-report.ttl and the tests compare byte for byte), with a 0.x API, and it was not
compared on data that breaks the shapes. The compiled queries run where the data already is
(pyoxigraph), need no other runtime, and are linear: each constraint is one pass over the
triples it reads. The store itself (about 1 µs per triple to copy, 4 µs to index)
is the floor; the build passes the data's pyoxigraph quads (`data_quads`) so that only the
ontology is converted from rdflib.
"""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal as TypingLiteral

from rdflib import Graph, Literal
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from kg.errors import InputError
from kg.namespaces import PD, PREFIXES
from kg.terms import short

__all__ = ["Finding", "ShaclResult", "validate_shapes", "Inference"]

RDFS_SUBCLASSOF = "http://www.w3.org/2000/01/rdf-schema#subClassOf"

Inference = TypingLiteral["none", "rdfs"]




@dataclass(frozen=True)
class Finding:
    severity: str          # "Violation", "Warning" or "Info"
    focus: str
    shape: str
    path: str
    message: str
    value: str = ""
    constraint: str = ""
    flagged_by: str = ""   # the pd:SourceConflict(s) that already record this finding, if any
    location: str = ""     # file:line where the focus node is described first (locate_findings)

    def __str__(self) -> str:
        where = f"{self.focus}" + (f" {self.path}" if self.path else "")
        val = f" (value {self.value})" if self.value else ""
        # a disagreement of the source itself that the data already records needs no fix: say so
        known = f" [the source's own conflict, recorded as {self.flagged_by}]" if self.flagged_by else ""
        at = f"{self.location}: " if self.location else ""
        return f"{at}[{self.severity}] {where}{val}: {self.message}  — shape {self.shape}{known}"


_SUBJECT_START = r"(<[^>\s]+>|[A-Za-z][\w.-]*:[^\s;,.]+(?:\.[^\s;,.]+)*)(?=\s|$)"
_NOT_SUBJECTS = ("GRAPH", "@PREFIX", "PREFIX", "@BASE", "BASE")
# the line breaks of str.splitlines besides "\n" (a file read as text has no "\r" left): a file
# holding one is read line by line, as splitlines counts its lines
_OTHER_BREAKS = ("\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")


def subject_lines(root: Path, wanted: set[str] | None = None) -> dict[str, str]:
    """Where each subject is first described in the source tree's data files, as `file:line`, by
    the term as the files write it at the start of a line (`pdi:x` or `<iri>`). One pass over the
    files; the data files are written one subject a block, its term first on its line. `wanted`:
    only these terms (the rest are not looked up; at a million triples every line's entry cost
    3-4 s of CPU, for the few hundred focus nodes of the findings).

    Each file's text is matched whole (one regular expression over it, in C: no Python work for a
    line that starts no wanted subject), its lines counted by their "\n"; a file with another
    line break of `str.splitlines` is read line by line as before."""
    from kg.build.sources import source_files

    out: dict[str, str] = {}
    start = re.compile(r"^\s*" + _SUBJECT_START)
    whole = re.compile(r"^[^\S\n]*" + _SUBJECT_START, re.MULTILINE)
    for path in source_files(root, "data"):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue  # the parser has already refused an unreadable file with its own message
        name = path.name
        if any(c in text for c in _OTHER_BREAKS):
            for n, line in enumerate(text.splitlines(), 1):
                m = start.match(line)
                if m:
                    key = m.group(1)
                    if key in out or (wanted is not None and key not in wanted):
                        continue
                    if not line.lstrip().upper().startswith(_NOT_SUBJECTS):
                        out[key] = f"data/{name}:{n}"
            continue
        line, at = 1, 0
        for m in whole.finditer(text):
            key = m.group(1)
            if key in out or (wanted is not None and key not in wanted):
                continue
            # the line, stripped, starts with the term: the term says whether it is a keyword's
            if key.upper().startswith(_NOT_SUBJECTS):
                continue
            pos = m.start(1)
            line += text.count("\n", at, pos)
            at = pos
            out[key] = f"data/{name}:{line}"
    return out


def locate_findings(findings: list[Finding], root: Path) -> list[Finding]:
    """The findings with the file and line of their focus node (where one can be found: a blank
    node, or a node only the ontology describes, has none)."""
    if not findings:
        return findings
    fulls = [f"<{expand_short(f.focus)}>" if f.focus and not f.focus.startswith("_:") else "" for f in findings]
    lines = subject_lines(root, {f.focus for f in findings} | set(fulls))
    out = []
    for f, full in zip(findings, fulls):
        where = lines.get(f.focus) or lines.get(full, "")
        out.append(dataclasses.replace(f, location=where) if where else f)
    return out


def expand_short(term: str) -> str:
    """`pdi:x` → its IRI (`<iri>` → iri); the text itself when it is neither."""
    if term.startswith("<") and term.endswith(">"):
        return term[1:-1]
    prefix, _, local = term.partition(":")
    return PREFIXES[prefix] + local if prefix in PREFIXES and local else term


@dataclass
class ShaclResult:
    conforms: bool                      # no sh:Violation (warnings do not count)
    findings: list[Finding] = field(default_factory=list)
    report: Graph = field(default_factory=Graph)

    @property
    def violations(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "Violation"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity != "Violation"]


def validate_shapes(ontology: Graph, data, shapes: Graph, *,
                    inference: Inference = "none", native_sparql: bool = True,
                    data_quads=None, store=None) -> ShaclResult:
    """Validate ontology ∪ data against the shapes; the inputs are not modified.

    The ontology is part of the data graph because SHACL's `sh:targetClass` follows
    `rdfs:subClassOf` triples found in the data graph: an instance of a subclass is then checked
    by the superclass's shapes without any inference. `native_sparql=False` leaves every shape to
    pySHACL (the reference the tests compare with).

    `data` is an rdflib Graph, or a function that makes one (the build's `lambda: tree.data`),
    called only if pySHACL runs or a blank node of the data is copied into the report.
    `data_quads`, the data as pyoxigraph quads or triples (the build's `tree.data_triples()`: the
    same triples, a triple held by several passages once per passage), spares making and converting
    rdflib terms: they must be the data's triples, all of them.

    `store`, with `data_quads`, is a pyoxigraph store whose default graph holds the data's triples
    and nothing else (the build's, which the reasoning then reads): the ontology is added to it for
    the validation and taken out again, so that it is handed back as it was given.
    """
    data_fn = data if callable(data) else (lambda: data)
    borrowed: list = []  # the ontology's quads added to `store`
    try:
        return _validate(ontology, data_fn, shapes, inference, native_sparql, data_quads, store, borrowed)
    finally:
        for q in borrowed:
            store.remove(q)


def _validate(ontology: Graph, data_fn, shapes: Graph, inference: Inference, native_sparql: bool,
              data_quads, given, borrowed: list) -> ShaclResult:
    checks: list[_SparqlCheck] = []
    core_checks: list = []
    rest = shapes
    store = None
    if inference == "none" and native_sparql and not _has_advanced_features(shapes):
        from kg.build.shacl_core import compile_shapes

        if given is not None and data_quads is not None:
            store = given
            borrowed += _add_new(store, ontology)
        else:
            store = _store(ontology, data_fn, data_quads)
        rest, checks = _take_sparql_constraints(shapes)
        core_checks, _left = compile_shapes(rest, store, _targeted_shapes(rest))
        if core_checks:
            rest = _without_targets(rest, [c.shape for c in core_checks])
    merged: list[Graph] = []

    def data_graph() -> Graph:
        """ontology ∪ data as one rdflib graph, made only when something needs it (pySHACL, or a
        blank node to copy into the report)."""
        if not merged:
            g = Graph()
            for src in (ontology, data_fn()):
                for t in src:
                    g.add(t)
            merged.append(g)
        return merged[0]

    sparql_results = _run_sparql_checks(checks, store) if checks else []
    core_results = []
    if core_checks:
        from kg.build.shacl_core import run_checks

        core_results = run_checks(core_checks, store)
    if store is None or _needs_pyshacl(rest):
        import pyshacl

        _conforms, report, _text = pyshacl.validate(
            data_graph(), shacl_graph=rest, ont_graph=None, inference=inference,
            abort_on_first=False, allow_warnings=True, meta_shacl=False, advanced=True,
            inplace=True,  # on our private copy: saves pySHACL another copy of the data
        )
        if not isinstance(report, Graph):
            # pySHACL hands back a ValidationFailure (not a report) when a shape itself is unusable
            raise InputError(f"shapes/: pySHACL cannot use the shapes: {_text or report}\n"
                               "  fix the shape (see https://www.w3.org/TR/shacl/ for what is allowed)")
    else:
        report = _empty_report(rest)
    if sparql_results or core_results:
        _add_results(report, sparql_results, core_results, shapes, data_graph)
    conflicts = _conflicts(data_fn, store if data_quads is not None else None)
    findings = []
    for r in report.subjects(RDF.type, SH.ValidationResult):
        sev = report.value(r, SH.resultSeverity)
        focus = report.value(r, SH.focusNode)
        findings.append(Finding(
            severity=str(sev).rsplit("#", 1)[-1] if sev else "Violation",
            focus=short(focus),
            shape=short(report.value(r, SH.sourceShape)),
            path=short(report.value(r, SH.resultPath)),
            message=" ".join(str(m) for m in sorted(report.objects(r, SH.resultMessage))),
            value=short(report.value(r, SH.value)),
            constraint=short(report.value(r, SH.sourceConstraintComponent)),
            flagged_by=", ".join(sorted(short(c) for c in conflicts.get(focus, []))),
        ))
    # every field in the key: two results that differ only in their component (a plain literal
    # failing sh:datatype and sh:languageIn) come in the same order whatever order the report gives
    findings.sort(key=lambda f: ({"Violation": 0, "Warning": 1}.get(f.severity, 2), f.focus, f.shape,
                                 f.path, f.message, f.value, f.constraint, f.flagged_by))
    # SHACL 3.1.1: sh:conforms is false if the report has any result; pySHACL says true when
    # allow_warnings is on. The build's own verdict (`conforms` below) still ignores warnings.
    for node in list(report.subjects(RDF.type, SH.ValidationReport)):
        report.set((node, SH.conforms, Literal(not findings)))
    for prefix, ns in PREFIXES.items():
        report.bind(prefix, ns, override=True)
    return ShaclResult(conforms=not any(f.severity == "Violation" for f in findings),
                       findings=findings, report=report)


# --- what runs where -------------------------------------------------------------------------------

_ADVANCED = ("rule", "SPARQLRule", "TripleRule", "SPARQLFunction", "JSFunction", "JSRule", "JSConstraint",
             "ConstraintComponent", "js", "expression")


def _has_advanced_features(shapes: Graph) -> bool:
    """SHACL rules change the data before pySHACL validates it, and custom functions or constraint
    components change what a query means: with any of them, every shape is left to pySHACL."""
    for name in _ADVANCED:
        term = SH[name]
        if (None, term, None) in shapes or (None, RDF.type, term) in shapes:
            return True
    return False


def _targeted_shapes(shapes: Graph) -> list:
    """The shapes with a target of their own, in a stable order."""
    found = {s for p in (*_TARGETS, SH.target) for s in shapes.subjects(p, None)}
    return sorted(found, key=lambda n: (isinstance(n, Literal), str(n)))


def _without_targets(shapes: Graph, done: list) -> Graph:
    """The shapes graph without the targets of the shapes checked here: pySHACL finds no focus node
    for them, and can still use them as nested shapes."""
    out = Graph()
    for prefix, ns in shapes.namespaces():
        out.bind(prefix, ns, override=True)
    drop = set(done)
    for t in shapes:
        if t[0] in drop and (t[1] in _TARGETS or t[1] == SH.target):
            continue
        out.add(t)
    return out


def _needs_pyshacl(shapes: Graph) -> bool:
    """Whether any shape is left with a focus node to find: an explicit target, or an implicit
    class target (a shape that is also a class)."""
    from rdflib.namespace import OWL, RDFS

    if any((None, p, None) in shapes for p in (*_TARGETS, SH.target)):
        return True
    for cls in (RDFS.Class, OWL.Class):
        for s in shapes.subjects(RDF.type, cls):
            if any(str(p).startswith(str(SH)) for p in shapes.predicates(s)) \
                    or (s, RDF.type, SH.NodeShape) in shapes or (s, RDF.type, SH.PropertyShape) in shapes:
                return True
    return False


def _store(ontology: Graph, data_fn, data_quads=None):
    """ontology ∪ data in a pyoxigraph store (the default graph)."""
    import pyoxigraph as ox

    from kg.terms import oxigraph_quads

    store = ox.Store()
    if data_quads is not None:
        # a generator, not a list: at a million quads a list of them is half a gigabyte more
        store.extend(ox.Quad(q.subject, q.predicate, q.object) for q in data_quads)
        store.extend(oxigraph_quads([(None, ontology)]))
    else:
        store.extend(oxigraph_quads([(None, ontology), (None, data_fn())]))
    return store


def _add_new(store, ontology: Graph) -> list:
    """Add the ontology's triples to the default graph of `store`; those that were not there (the
    ones to take out again: a triple the data also asserts stays)."""
    from kg.terms import oxigraph_quads

    added = [q for q in oxigraph_quads([(None, ontology)]) if q not in store]
    store.extend(added)
    return added


def _conflicts(data_fn, store) -> dict:
    """Each node the data's pd:SourceConflict nodes concern → those conflicts (rdflib terms). From
    the store when it holds the data (the ontology, also there, declares no conflict), else from
    the data graph."""
    conflicts: dict[Node, list[Node]] = {}
    if store is not None:
        from kg.terms import from_oxigraph

        q = (f"SELECT DISTINCT ?c ?x WHERE {{ ?c a <{PD.SourceConflict}> ; <{PD.concerns}> ?x }}")
        for row in store.query(q):
            conflicts.setdefault(from_oxigraph(row[1]), []).append(from_oxigraph(row[0]))
        return conflicts
    data = data_fn()
    for c in data.subjects(RDF.type, PD.SourceConflict):
        for concerned in data.objects(c, PD.concerns):
            conflicts.setdefault(concerned, []).append(c)
    return conflicts


def _empty_report(shapes: Graph) -> Graph:
    """The report pySHACL starts from (validator.create_validation_report), for when no shape is
    left to it."""
    from rdflib import BNode

    report = Graph(bind_namespaces="core")
    for prefix, ns in shapes.namespace_manager.namespaces():
        report.namespace_manager.bind(prefix, ns)
    vr = BNode()
    report.add((vr, RDF.type, SH.ValidationReport))
    report.add((vr, SH.conforms, Literal(True)))
    return report


# --- SPARQL-based constraints, once over the whole graph ---------------------------------------

_THIS = re.compile(r"([\s{}()])[$?]this\b")
_UNSUPPORTED_VARS = re.compile(r"([\s{}()])[$?](PATH|currentShape|shapesGraph)\b")
_MINUS = re.compile(r"\bMINUS\b", re.I)
_TARGETS = (SH.targetNode, SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf)


@dataclass
class _SparqlCheck:
    shape: Node
    constraint: Node
    query: str          # the constraint's SELECT, $this as ?this, VALUES ?this { ... } to be inserted
    insert_at: int      # where the VALUES block goes (just inside the outermost WHERE's brace)
    severity: Node
    shape_messages: list
    constraint_messages: list
    targets: list       # (target predicate, object)


def _take_sparql_constraints(shapes: Graph) -> tuple[Graph, list[_SparqlCheck]]:
    """The shapes without the SPARQL constraints this module runs itself, and those constraints."""
    from rdflib import Literal as RdfLiteral
    from rdflib.namespace import OWL, RDFS

    checks, taken = [], []
    for shape, constraint in sorted(shapes.subject_objects(SH.sparql)):
        if (None, None, shape) in shapes or (shape, SH.path, None) in shapes:
            continue  # nested in another shape, or a property shape: pySHACL's
        if shapes.value(shape, SH.deactivated) is not None or shapes.value(constraint, SH.deactivated) is not None:
            continue
        if (shape, RDF.type, RDFS.Class) in shapes or (shape, RDF.type, OWL.Class) in shapes \
                or (shape, SH.target, None) in shapes:
            continue  # implicit class targets and SPARQL targets: pySHACL's
        if (constraint, SH.prefixes, None) in shapes:
            continue
        selects = list(shapes.objects(constraint, SH.select))
        if len(selects) != 1 or not isinstance(selects[0], RdfLiteral):
            continue
        text = str(selects[0])
        if _UNSUPPORTED_VARS.search(text) or _MINUS.search(text) or not _THIS.search(text):
            continue
        text = _THIS.sub(r"\1?this", text)
        m = re.search(r"\bSELECT\s+(DISTINCT\s+|REDUCED\s+)?(.*?)\bWHERE\s*\{", text, re.I | re.S)
        if not m or not re.search(r"(^|\s)\?this(\s|$)", m.group(2)):
            continue  # the outermost SELECT must project ?this as it is
        if not list(shapes.objects(shape, SH.message)) and not list(shapes.objects(constraint, SH.message)):
            continue  # pySHACL makes up a message then: its own
        targets = [(p, o) for p in _TARGETS for o in shapes.objects(shape, p)]
        severity = shapes.value(shape, SH.severity) or SH.Violation
        checks.append(_SparqlCheck(shape, constraint, text, m.end(), severity,
                                   list(shapes.objects(shape, SH.message)),
                                   list(shapes.objects(constraint, SH.message)), targets))
        taken.append((shape, SH.sparql, constraint))
    if not taken:
        return shapes, []
    rest = Graph()
    for t in shapes:
        rest.add(t)
    for prefix, ns in shapes.namespaces():
        rest.bind(prefix, ns, override=True)
    for t in taken:
        rest.remove(t)
    return rest, checks


def _run_sparql_checks(checks: list[_SparqlCheck], store) -> list[tuple]:
    """(check, focus node, row as {variable: rdflib term}) for every row of every check."""
    from kg.terms import from_oxigraph, to_oxigraph

    out = []
    for check in checks:
        focus: dict = {}
        for p, o in check.targets:
            if p == SH.targetNode:
                focus.setdefault(to_oxigraph(o), None)
                continue
            o_text = str(to_oxigraph(o))
            q = {SH.targetClass: f"SELECT DISTINCT ?x WHERE {{ ?x a/<{RDFS_SUBCLASSOF}>* {o_text} }}",
                 SH.targetSubjectsOf: f"SELECT DISTINCT ?x WHERE {{ ?x {o_text} ?y }}",
                 SH.targetObjectsOf: f"SELECT DISTINCT ?x WHERE {{ ?y {o_text} ?x }}"}[p]
            for row in store.query(q):
                focus.setdefault(row[0], None)
        if not focus:
            continue
        values = "VALUES ?this { " + " ".join(str(t) for t in focus) + " }\n"
        query = check.query[:check.insert_at] + values + check.query[check.insert_at:]
        res = store.query(query)
        names = [v.value for v in res.variables]
        per_focus: dict = {}
        for row in res:
            bound = {n: from_oxigraph(row[i]) for i, n in enumerate(names) if row[i] is not None}
            per_focus.setdefault(bound["this"], []).append(bound)
        for f, rows in per_focus.items():
            seen = []
            for bound in rows:
                if "failure" in bound:
                    key = True
                else:
                    rest = {k: v for k, v in bound.items() if k not in ("this", "path", "value")}
                    key = (bound.get("this"), bound.get("path"), bound.get("value"), rest)
                if key in seen:
                    continue  # pySHACL drops a row repeated for one focus node
                seen.append(key)
                out.append((check, f, bound))
    return out


def _format(msg: str, variables: dict) -> str:
    for var, val in variables.items():
        msg = re.sub("{{[?$]{}}}".format(var), str(val), msg)
    return msg


def _add_results(report: Graph, results: list[tuple], core_results: list[tuple], shapes: Graph,
                 data_graph) -> None:
    """The results of the SPARQL constraints and of the compiled core constraints, written into the
    report as pySHACL writes them (pyshacl.constraints.sparql.sparql_based_constraints,
    ConstraintComponent.make_v_result and Validator.create_validation_report: blank nodes of the
    shapes and of the data copied with their descriptions, keeping their ids, once per report)."""
    from rdflib import BNode
    from rdflib import Literal as RdfLiteral

    vr = report.value(predicate=RDF.type, object=SH.ValidationReport)
    cloned: dict = {}

    def copy(graph, node):
        if isinstance(node, BNode):
            key = (graph is shapes, str(node))
            if key not in cloned:
                if (node, None, None) in report:
                    cloned[key] = node  # pySHACL has already copied it into its results
                else:
                    cloned[key] = _clone_blank_node(graph if graph is shapes else graph(), node, report, keepid=True)
            return cloned[key]
        return node

    for check, f, bound in results:
        r = BNode()
        report.add((vr, SH.result, r))
        report.add((r, RDF.type, SH.ValidationResult))
        report.add((r, SH.sourceConstraintComponent, SH.SPARQLConstraintComponent))
        report.add((r, SH.sourceShape, copy(shapes, check.shape)))
        report.add((r, SH.resultSeverity, check.severity))
        if "failure" in bound:
            focus, value, path = f, f, None
            variables = {k: v for k, v in bound.items() if k != "failure"}
        else:
            focus = bound.get("this") or f
            value = bound.get("value", f)
            path = bound.get("path")
            variables = {k: v for k, v in bound.items() if k not in ("this", "path", "value")}
            if "this" in bound:
                variables["this"] = bound["this"]
            if path is not None:
                variables["path"] = path
            variables["value"] = value
        report.add((r, SH.focusNode, copy(data_graph, focus)))
        if value is not None:
            report.add((r, SH.value, copy(data_graph, value)))
        if path is not None:
            report.add((r, SH.resultPath, copy(shapes, path)))
        report.add((r, SH.sourceConstraint, copy(shapes, check.constraint)))
        for m in check.constraint_messages:
            if m in check.shape_messages:
                continue
            report.add((r, SH.resultMessage, RdfLiteral(_format(str(m), variables)) if variables is not None else m))
        for m in check.shape_messages:
            report.add((r, SH.resultMessage, RdfLiteral(_format(str(m), variables)) if variables is not None else m))
    for check, component, focus, value in core_results:
        r = BNode()
        report.add((vr, SH.result, r))
        report.add((r, RDF.type, SH.ValidationResult))
        report.add((r, SH.sourceConstraintComponent, component))
        report.add((r, SH.sourceShape, copy(shapes, check.shape)))
        report.add((r, SH.resultSeverity, check.severity))
        report.add((r, SH.focusNode, copy(data_graph, focus)))
        if value is not None:
            report.add((r, SH.value, copy(data_graph, value)))
        if check.path is not None:
            report.add((r, SH.resultPath, copy(shapes, check.path)))
        for m in check.messages:
            report.add((r, SH.resultMessage, m))


# --- pySHACL's copying of blank nodes into the report (pyshacl.rdfutil.clone), without importing
# pySHACL (a third of a second) when no shape is left to it -------------------------------------

def _clone_blank_node(graph: Graph, bnode, target: Graph, keepid: bool = False, recursion: int = 0):
    from rdflib import BNode

    cloned = BNode(str(bnode)) if keepid else BNode()
    if recursion >= 10:
        return cloned
    predicates = set(graph.predicates(bnode))
    if not predicates:
        return cloned
    if RDF.first in predicates:
        return _clone_list(graph, bnode, target, keepid=keepid, recursion=recursion)
    for p in predicates:
        cloned_p = _clone_node(graph, p, target, recursion=recursion + 1)
        for o in list(graph.objects(bnode, p)):
            target.add((cloned, cloned_p, _clone_node(graph, o, target, recursion=recursion + 1)))
    return cloned


def _clone_list(graph: Graph, lnode, target: Graph, keepid: bool = False, recursion: int = 0):
    from rdflib import BNode, URIRef
    from rdflib.collection import Collection

    if isinstance(lnode, BNode):
        cloned = BNode(str(lnode)) if keepid else BNode()
    else:
        cloned = URIRef(str(lnode))
    new_list = Collection(target, cloned)
    for item in iter(graph.items(lnode)):
        new_list.append(_clone_node(graph, item, target, recursion=recursion + 1))
    return cloned


def _clone_node(graph: Graph, node, target: Graph, recursion: int = 0):
    from rdflib import BNode, URIRef

    if isinstance(node, Literal):
        return Literal(str(node), node.language, node.datatype)
    if isinstance(node, BNode):
        return _clone_blank_node(graph, node, target, recursion=recursion + 1)
    return URIRef(str(node))
