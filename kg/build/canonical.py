"""The canonical dataset: the three named graphs (ontology, asserted data, inferred) with blank
nodes relabelled by RDFC-1.0 (pyoxigraph), as sorted N-Quads lines and the same quads as rdflib and
pyoxigraph terms. Everything the build writes and checks is read from it, so the bytes depend only
on the content."""
from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import Graph, URIRef

from kg.namespaces import GRAPH_DATA, GRAPH_INFERRED, GRAPH_ONTOLOGY, GRAPH_PROVENANCE, PREFIXES
from kg.terms import from_oxigraph, oxigraph_quads

__all__ = ["CanonicalDataset", "canonical_dataset", "bind_prefixes"]


@dataclass
class CanonicalDataset:
    """The dataset after RDFC-1.0: sorted N-Quads lines and the same quads as rdflib terms."""

    nquads_lines: list[str]
    quads: list[tuple]  # (s, p, o, graph IRI) rdflib terms, in the order of `nquads_lines`
    ox_quads: list = field(default_factory=list)  # the same as pyoxigraph quads

    def triples(self) -> list[tuple]:
        """The union of the graphs: distinct (s, p, o), in sorted N-Quads order."""
        seen, out = set(), []
        for s, p, o, _g in self.quads:
            if (s, p, o) not in seen:
                seen.add((s, p, o))
                out.append((s, p, o))
        return out

    def graph(self, name: URIRef | None = None) -> Graph:
        """One named graph, or the union of all three (name None), as an rdflib Graph.

        A fresh graph each call: callers may bind prefixes or add to it.
        """
        g = Graph()
        bind_prefixes(g)
        for s, p, o, gn in self.quads:
            if name is None or gn == name:
                g.add((s, p, o))
        return g

    def count(self, name: URIRef) -> int:
        return sum(1 for q in self.quads if q[3] == name)


def bind_prefixes(g: Graph) -> None:
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns, override=True, replace=True)


def canonical_dataset(ontology: Graph, data: Graph, inferred: Graph, provenance: Graph) -> CanonicalDataset:
    """Canonicalise the four graphs together (blank nodes relabelled by RDFC-1.0)."""
    ds = ox.Dataset(oxigraph_quads(((GRAPH_ONTOLOGY, ontology), (GRAPH_DATA, data), (GRAPH_INFERRED, inferred),
                                    (GRAPH_PROVENANCE, provenance))))
    ds.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    quads = list(ds)
    lines = ox.serialize(quads, format=ox.RdfFormat.N_QUADS).decode("utf-8").splitlines()
    order = sorted(range(len(quads)), key=lambda i: lines[i])
    return CanonicalDataset(
        [lines[i] for i in order],
        [(from_oxigraph(quads[i].subject), from_oxigraph(quads[i].predicate), from_oxigraph(quads[i].object),
          URIRef(quads[i].graph_name.value)) for i in order],
        [quads[i] for i in order])
