"""Validation against the SHACL shapes (pySHACL). The `queries/*-violation.rq` checks are `kg.build.checks`.

`validate_shapes(...)` never changes its input graphs and returns a `ShaclResult` whose findings a
person can act on (focus node, shape, path, message). `sh:Violation` findings make the data
non-conforming (the build stops, exit 1); `sh:Warning` and `sh:Info` findings are reported and kept.

SPARQL-based constraints (`sh:sparql`) are not left to pySHACL, which parses and runs the query once
per focus node on rdflib (superlinear: 1.0 s on the seed, 29 s at ten times its size). Each runs
once, on pyoxigraph, over the whole data graph with its focus nodes as a VALUES block, and its rows
become the same results pySHACL would write (same fields, same message substitution, the same
cloned source constraint); pySHACL checks the rest of the shapes. A constraint outside what this
covers (a property shape's, one using $PATH, $currentShape, $shapesGraph, sh:prefixes, a
nested shape's, a shape targeted otherwise than by sh:targetNode, sh:targetClass,
sh:targetSubjectsOf or sh:targetObjectsOf, or with RDFS inference on) stays with pySHACL.
tests/test_scale_equivalence.py compares the findings and the report with pySHACL's alone, on the
seed and at ten times its size.
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


def subject_lines(root: Path) -> dict[str, str]:
    """Where each subject is first described in the source tree's data files, as `file:line`, by
    the term as the files write it at the start of a line (`pdi:x` or `<iri>`). One pass over the
    files; the data files are written one subject a block, its term first on its line."""
    from kg.build.sources import source_files

    out: dict[str, str] = {}
    start = re.compile(r"^\s*(<[^>\s]+>|[A-Za-z][\w.-]*:[^\s;,.]+(?:\.[^\s;,.]+)*)(?=\s|$)")
    for path in source_files(root, "data"):
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            continue  # the parser has already refused an unreadable file with its own message
        for n, line in enumerate(lines, 1):
            m = start.match(line)
            if m and not line.lstrip().upper().startswith(("GRAPH", "@PREFIX", "PREFIX", "@BASE", "BASE")):
                out.setdefault(m.group(1), f"data/{path.name}:{n}")
    return out


def locate_findings(findings: list[Finding], root: Path) -> list[Finding]:
    """The findings with the file and line of their focus node (where one can be found: a blank
    node, or a node only the ontology describes, has none)."""
    if not findings:
        return findings
    lines = subject_lines(root)
    out = []
    for f in findings:
        full = f"<{expand_short(f.focus)}>" if f.focus and not f.focus.startswith("_:") else ""
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


def validate_shapes(ontology: Graph, data: Graph, shapes: Graph, *,
                    inference: Inference = "none", native_sparql: bool = True) -> ShaclResult:
    """Validate ontology ∪ data against the shapes; the inputs are not modified.

    The ontology is part of the data graph because SHACL's `sh:targetClass` follows
    `rdfs:subClassOf` triples found in the data graph: an instance of a subclass is then checked
    by the superclass's shapes without any inference. `native_sparql=False` leaves the SPARQL-based
    constraints to pySHACL too (the reference the tests compare with).
    """
    import pyshacl

    checks: list[_SparqlCheck] = []
    if inference == "none" and native_sparql:
        shapes, checks = _take_sparql_constraints(shapes)
    data_graph = Graph()
    for src in (ontology, data):
        for t in src:
            data_graph.add(t)
    sparql_results = _run_sparql_checks(checks, data_graph) if checks else []
    _conforms, report, _text = pyshacl.validate(
        data_graph, shacl_graph=shapes, ont_graph=None, inference=inference,
        abort_on_first=False, allow_warnings=True, meta_shacl=False, advanced=True,
        inplace=True,  # on our private copy: saves pySHACL another copy of the data
    )
    if not isinstance(report, Graph):
        # pySHACL hands back a ValidationFailure (not a report) when a shape itself is unusable
        raise InputError(f"shapes/: pySHACL cannot use the shapes: {_text or report}\n"
                           "  fix the shape (see https://www.w3.org/TR/shacl/ for what is allowed)")
    if sparql_results:
        _add_results(report, sparql_results, shapes, data_graph)
    conflicts: dict[Node, list[Node]] = {}
    for c in data.subjects(RDF.type, PD.SourceConflict):
        for concerned in data.objects(c, PD.concerns):
            conflicts.setdefault(concerned, []).append(c)
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
    findings.sort(key=lambda f: ({"Violation": 0, "Warning": 1}.get(f.severity, 2), f.focus, f.shape,
                                 f.path, f.message, f.value))
    # SHACL 3.1.1: sh:conforms is false if the report has any result; pySHACL says true when
    # allow_warnings is on. The build's own verdict (`conforms` below) still ignores warnings.
    for node in list(report.subjects(RDF.type, SH.ValidationReport)):
        report.set((node, SH.conforms, Literal(not findings)))
    for prefix, ns in PREFIXES.items():
        report.bind(prefix, ns, override=True)
    return ShaclResult(conforms=not any(f.severity == "Violation" for f in findings),
                       findings=findings, report=report)


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


def _run_sparql_checks(checks: list[_SparqlCheck], data_graph: Graph) -> list[tuple]:
    """(check, focus node, row as {variable: rdflib term}) for every row of every check."""
    import pyoxigraph as ox

    from kg.terms import from_oxigraph, oxigraph_quads, to_oxigraph

    store = ox.Store()
    store.extend(list(oxigraph_quads([(None, data_graph)])))
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


def _add_results(report: Graph, results: list[tuple], shapes: Graph, data_graph: Graph) -> None:
    """The results of the SPARQL constraints, written into pySHACL's report as pySHACL writes them
    (pyshacl.constraints.sparql.sparql_based_constraints and ConstraintComponent.make_v_result)."""
    from rdflib import BNode
    from rdflib import Literal as RdfLiteral
    from pyshacl.rdfutil.clone import clone_blank_node

    vr = report.value(predicate=RDF.type, object=SH.ValidationReport)
    cloned: dict = {}

    def copy(graph: Graph, node):
        if isinstance(node, BNode):
            key = (id(graph), str(node))
            if key not in cloned:
                cloned[key] = clone_blank_node(graph, node, report, keepid=True)
            return cloned[key]
        return node

    violation = False
    for check, f, bound in results:
        r = BNode()
        report.add((vr, SH.result, r))
        report.add((r, RDF.type, SH.ValidationResult))
        report.add((r, SH.sourceConstraintComponent, SH.SPARQLConstraintComponent))
        report.add((r, SH.sourceShape, check.shape))
        report.add((r, SH.resultSeverity, check.severity))
        violation = violation or check.severity == SH.Violation
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
    if violation:
        report.set((vr, SH.conforms, RdfLiteral(False)))
