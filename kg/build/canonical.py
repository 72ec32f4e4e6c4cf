"""The canonical dataset: the four named graphs (ontology, asserted data, inferred, provenance) with
blank nodes relabelled by RDFC-1.0 (pyoxigraph), as sorted N-Quads lines and the same quads as
pyoxigraph terms (rdflib terms on demand). Everything the build writes and checks is read from it,
so the bytes depend only on the content.

Only the quads that hold a blank node go through RDFC-1.0: the algorithm's hashes are made from the
quads that mention each blank node and from nothing else, so the labels it gives are the same as
over the whole dataset, and the work is proportional to the (few, ontology) blank-node quads
rather than to the data."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import pyoxigraph as ox
from rdflib import Graph, URIRef

from kg.namespaces import GRAPH_DATA, GRAPH_INFERRED, GRAPH_ONTOLOGY, GRAPH_PROVENANCE, PREFIXES
from kg.terms import from_oxigraph, oxigraph_quads

__all__ = ["CanonicalDataset", "canonical_dataset", "bind_prefixes"]


@dataclass
class CanonicalDataset:
    """The dataset after RDFC-1.0: its quads as pyoxigraph terms, in the order of their N-Quads
    lines (only the quads are kept: the lines cost as much memory again, and pyoxigraph writes
    them back from the quads in a moment, `nquads`)."""

    ox_quads: list = field(default_factory=list)  # pyoxigraph quads, sorted by their N-Quads line

    def nquads(self) -> bytes:
        """The N-Quads file: one line a quad, sorted, each ending with a newline."""
        return ox.serialize(self.ox_quads, format=ox.RdfFormat.N_QUADS) if self.ox_quads else b""

    @property
    def nquads_lines(self) -> list[str]:
        """The sorted N-Quads lines, without their newline (made on each use)."""
        return self.nquads().decode("utf-8").splitlines()

    @cached_property
    def quads(self) -> list[tuple]:
        """(s, p, o, graph IRI) as rdflib terms, in the order of `ox_quads` (made on first use)."""
        return [(from_oxigraph(q.subject), from_oxigraph(q.predicate), from_oxigraph(q.object),
                 URIRef(q.graph_name.value)) for q in self.ox_quads]

    def triples(self) -> list[tuple]:
        """The union of the graphs: distinct (s, p, o), in sorted N-Quads order."""
        seen, out = set(), []
        for s, p, o, _g in self.quads:
            if (s, p, o) not in seen:
                seen.add((s, p, o))
                out.append((s, p, o))
        return out

    def graph(self, name: URIRef | None = None) -> Graph:
        """One named graph, or the union of all (name None), as an rdflib Graph.

        A fresh graph each call: callers may bind prefixes or add to it.
        """
        g = Graph()
        bind_prefixes(g)
        wanted = None if name is None else str(name)
        for q in self.ox_quads:
            if wanted is None or q.graph_name.value == wanted:
                g.add((from_oxigraph(q.subject), from_oxigraph(q.predicate), from_oxigraph(q.object)))
        return g

    def count(self, name: URIRef) -> int:
        wanted = str(name)
        return sum(1 for q in self.ox_quads if q.graph_name.value == wanted)


def bind_prefixes(g: Graph) -> None:
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns, override=True, replace=True)


def _has_blank(q) -> bool:
    return isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode)


def _in_graph(name: URIRef, triples):
    """Quads in the graph `name` from an rdflib Graph or from pyoxigraph triples or quads."""
    if isinstance(triples, Graph):
        yield from oxigraph_quads([(name, triples)])
        return
    g = ox.NamedNode(str(name))
    for t in triples:
        yield ox.Quad(t.subject, t.predicate, t.object, g)


def canonical_dataset(ontology: Graph, data, inferred, provenance) -> CanonicalDataset:
    """Canonicalise the four graphs together (blank nodes relabelled by RDFC-1.0). `data` and
    `inferred` are rdflib Graphs or pyoxigraph triples or quads (a triple given twice is one);
    `provenance` an rdflib Graph or the pyoxigraph quads of
    `kg.build.provenance.provenance_quads`."""
    if isinstance(provenance, Graph):
        provenance = list(oxigraph_quads([(GRAPH_PROVENANCE, provenance)]))
    plain, blank = [], []
    for q in (*oxigraph_quads([(GRAPH_ONTOLOGY, ontology)]), *_in_graph(GRAPH_DATA, data),
              *_in_graph(GRAPH_INFERRED, inferred), *provenance):
        (blank if _has_blank(q) else plain).append(q)
    if blank:
        ds = ox.Dataset(blank)
        ds.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
        plain.extend(ds)
    text = ox.serialize(plain, format=ox.RdfFormat.N_QUADS).decode("utf-8")
    lines = text.splitlines()
    del text
    order = sorted(range(len(plain)), key=lines.__getitem__)
    # a quad given twice (a triple in one passage's graph in two files) is one quad
    order = [i for k, i in enumerate(order) if k == 0 or lines[i] != lines[order[k - 1]]]
    del lines
    return CanonicalDataset([plain[i] for i in order])
