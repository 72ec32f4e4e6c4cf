"""Validation against the SHACL shapes (pySHACL). The `queries/*-violation.rq` checks are `kg.build.checks`.

`validate_shapes(...)` never changes its input graphs and returns a `ShaclResult` whose findings a
person can act on (focus node, shape, path, message). `sh:Violation` findings make the data
non-conforming (the build stops, exit 1); `sh:Warning` and `sh:Info` findings are reported and kept.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal as TypingLiteral

from rdflib import Graph, Literal
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from kg.errors import InputError
from kg.namespaces import PD, PREFIXES
from kg.terms import short

__all__ = ["Finding", "ShaclResult", "validate_shapes", "Inference"]

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

    def __str__(self) -> str:
        where = f"{self.focus}" + (f" {self.path}" if self.path else "")
        val = f" (value {self.value})" if self.value else ""
        # a disagreement of the source itself that the data already records needs no fix: say so
        known = f" [the source's own conflict, recorded as {self.flagged_by}]" if self.flagged_by else ""
        return f"[{self.severity}] {where}{val}: {self.message}  — shape {self.shape}{known}"


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
                    inference: Inference = "none") -> ShaclResult:
    """Validate ontology ∪ data against the shapes; the inputs are not modified.

    The ontology is part of the data graph because SHACL's `sh:targetClass` follows
    `rdfs:subClassOf` triples found in the data graph: an instance of a subclass is then checked
    by the superclass's shapes without any inference.
    """
    import pyshacl

    data_graph = Graph()
    for src in (ontology, data):
        for t in src:
            data_graph.add(t)
    _conforms, report, _text = pyshacl.validate(
        data_graph, shacl_graph=shapes, ont_graph=None, inference=inference,
        abort_on_first=False, allow_warnings=True, meta_shacl=False, advanced=True,
        inplace=True,  # on our private copy: saves pySHACL another copy of the data
    )
    if not isinstance(report, Graph):
        # pySHACL hands back a ValidationFailure (not a report) when a shape itself is unusable
        raise InputError(f"shapes/: pySHACL cannot use the shapes: {_text or report}\n"
                           "  fix the shape (see https://www.w3.org/TR/shacl/ for what is allowed)")
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
