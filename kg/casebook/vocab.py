"""What the codebook reads from the ontology: the meaning of each column (its property's labels and
definition in English and Indonesian), the classes a `kind` column allows (the subclasses of the
sheet's root class) and the concepts a drop-down offers (the members of a SKOS scheme)."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from kg.casebook.codebook import CONCEPT, CONCEPTS, KIND, Column
from kg.namespaces import PD, PDV, SKOS

__all__ = ["Vocabulary", "load_vocabulary", "local"]


def local(iri: URIRef) -> str:
    """The part of a project IRI a person types: pd:Province -> Province, pdv:health -> health."""
    s = str(iri)
    for base in (str(PD), str(PDV)):
        if s.startswith(base):
            return s[len(base):]
    return s.rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def _text(g: Graph, s: URIRef, p: URIRef, lang: str) -> str:
    vals = sorted(str(o) for o in g.objects(s, p) if isinstance(o, Literal) and o.language == lang)
    return vals[0] if vals else ""


@dataclass
class Vocabulary:
    graph: Graph
    _subclasses: dict = field(default_factory=dict)

    def label(self, iri: URIRef, lang: str) -> str:
        return _text(self.graph, iri, RDFS.label, lang) or _text(self.graph, iri, SKOS.prefLabel, lang)

    def definition(self, iri: URIRef, lang: str) -> str:
        return _text(self.graph, iri, SKOS.definition, lang)

    def classes_under(self, root: URIRef) -> list[URIRef]:
        """The root and every class below it (rdfs:subClassOf*), in a stable order."""
        if root not in self._subclasses:
            seen, todo = {root}, [root]
            while todo:
                c = todo.pop()
                for sub in self.graph.subjects(RDFS.subClassOf, c):
                    if isinstance(sub, URIRef) and sub not in seen:
                        seen.add(sub)
                        todo.append(sub)
            self._subclasses[root] = sorted(seen, key=lambda c: local(c).lower())
        return self._subclasses[root]

    def concepts(self, scheme: URIRef) -> list[URIRef]:
        return sorted((c for c in self.graph.subjects(SKOS.inScheme, scheme) if isinstance(c, URIRef)),
                      key=lambda c: local(c))

    def choices(self, column: Column) -> list[str]:
        """The values a drop-down offers for this column ([] for free columns)."""
        if column.value == KIND:
            return [local(c) for c in self.classes_under(column.expect)]
        if column.value in (CONCEPT, CONCEPTS):
            return [local(c) for c in self.concepts(column.expect)]
        return []

    def meaning(self, column: Column, lang: str) -> str:
        """What the column means, in English or Indonesian: the codebook's words where it has them,
        else the property's label and definition from the ontology."""
        own = column.en if lang == "en" else column.id
        if own:
            return own
        if column.value == KIND:
            what = self.label(column.expect, lang)
            return f"kind of {what}" if lang == "en" else f"jenis {what}"
        if column.predicate is not None:
            label, definition = self.label(column.predicate, lang), self.definition(column.predicate, lang)
            if column.lang and lang == "en":
                label = f"{label} (in {'English' if column.lang == 'en' else 'Indonesian'})"
            if column.lang and lang == "id":
                label = f"{label} (dalam bahasa {'Inggris' if column.lang == 'en' else 'Indonesia'})"
            return f"{label}: {definition}" if definition else label
        return column.key

    @cached_property
    def concept_index(self) -> dict[str, URIRef]:
        """Every concept by its id and by its labels (lower case)."""
        out: dict[str, URIRef] = {}
        for c in self.graph.subjects(RDF.type, SKOS.Concept):
            if not isinstance(c, URIRef):
                continue
            out[local(c).lower()] = c
            for p in (SKOS.prefLabel, SKOS.altLabel, RDFS.label):
                for o in self.graph.objects(c, p):
                    out.setdefault(str(o).strip().lower(), c)
        return out


def load_vocabulary(root: Path) -> Vocabulary:
    """The ontology modules of a source tree (ontology/*.ttl), parsed with rdflib."""
    g = Graph()
    files = sorted((Path(root) / "ontology").glob("*.ttl"))
    if not files:
        from kg.errors import InputError
        raise InputError(f"{root}: no ontology/*.ttl here; point --root at the checkout")
    for f in files:
        g.parse(f, format="turtle")
    return Vocabulary(g)
