"""Figures about the built dataset: triples per named graph, instances per class, top properties."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from kg.namespaces import BASE, DATASET_GRAPHS, PD
from kg.query.embedded import OxigraphEngine, SelectResult
from kg.terms import short

__all__ = ["Stats", "compute_stats", "format_stats"]


@dataclass
class Stats:
    graphs: dict[str, int] = field(default_factory=dict)           # graph short name -> triples
    classes: list[tuple[str, int, int]] = field(default_factory=list)  # class, asserted, with inferred
    properties: list[tuple[str, int]] = field(default_factory=list)    # pd: property -> triples
    total: int = 0


_GRAPH_COUNTS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
# instances per class of the ontology, asserted (data graph) and with the inferred graph added
_CLASS_COUNTS = f"""
SELECT ?class (COUNT(DISTINCT ?a) AS ?asserted) (COUNT(DISTINCT ?x) AS ?all) WHERE {{
  {{ GRAPH <{BASE}graph/data> {{ ?a a ?class }} }}
  UNION
  {{ ?x a ?class }}
  FILTER(STRSTARTS(STR(?class), "{PD}"))
}} GROUP BY ?class ORDER BY DESC(?all) ?class
"""
_PROPERTY_COUNTS = f"""
SELECT ?p (COUNT(*) AS ?n) WHERE {{ ?s ?p ?o FILTER(STRSTARTS(STR(?p), "{PD}")) }}
GROUP BY ?p ORDER BY DESC(?n) ?p
"""


def compute_stats(nquads: Path) -> Stats:
    """Counts over `dist/paradiplomacy.nq`."""
    engine = OxigraphEngine.from_nquads(nquads)
    st = Stats()
    res = engine.query(_GRAPH_COUNTS)
    assert isinstance(res, SelectResult)
    by_graph = {str(r["g"]): int(r["n"]) for r in res.rows}
    for g in DATASET_GRAPHS:
        st.graphs[str(g).rsplit("/", 1)[-1]] = by_graph.get(str(g), 0)
    st.total = sum(st.graphs.values())
    res = engine.query(_CLASS_COUNTS)
    assert isinstance(res, SelectResult)
    st.classes = [(short(r["class"]), int(r["asserted"]), int(r["all"])) for r in res.rows]
    res = engine.query(_PROPERTY_COUNTS)
    assert isinstance(res, SelectResult)
    st.properties = [(short(r["p"]), int(r["n"])) for r in res.rows]
    return st


def format_stats(st: Stats, *, top: int = 15) -> str:
    lines = ["Triples per named graph:"]
    width = max([len("total"), *(len(g) for g in st.graphs)])
    for g, n in st.graphs.items():
        lines.append(f"  {g:<{width}}  {n:>7}")
    lines.append(f"  {'total':<{width}}  {st.total:>7}  (quads; a triple in two graphs counts twice)")
    if st.classes:
        lines.append("")
        lines.append("Instances per class (asserted / with inferences):")
        w = max(len(c) for c, _, _ in st.classes[:top])
        for c, a, n in st.classes[:top]:
            lines.append(f"  {c:<{w}}  {a:>5} / {n:>5}")
        if len(st.classes) > top:
            lines.append(f"  ... and {len(st.classes) - top} more classes")
    if st.properties:
        lines.append("")
        lines.append("Most used ontology properties:")
        w = max(len(p) for p, _ in st.properties[:top])
        for p, n in st.properties[:top]:
            lines.append(f"  {p:<{w}}  {n:>5}")
    return "\n".join(lines)
