"""The ontology as rdflib's longturtle writes it (one statement a line, nested restrictions and
lists), byte for byte, several times faster: rdflib's own serialiser runs unchanged over a small
read-only index of the triples instead of an rdflib Graph (whose store lookups, and the making of
the graph itself, were most of the time), and each IRI's prefixed name is worked out once
(rdflib's namespace manager, with the bindings of an empty Graph the caller gives).

Only what that serialiser asks of its store is given (`triples`, `subjects`, `value`,
`predicate_objects`, `compute_qname`), in the order an rdflib Graph filled in the same order gives
them (its memory store keeps insertion order); where rdflib would do something the index does not
(bind a new prefix `ns1` for a predicate, pick one of two `rdf:first` of a list node),
`longturtle` writes through the Graph instead, so the bytes are always rdflib's.
"""
from __future__ import annotations

import io

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF

__all__ = ["TripleIndex", "longturtle"]

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


class _Unsupported(Exception):
    """The index cannot answer as rdflib's Graph would: write through a Graph. (rdflib's serialiser
    catches any exception of `compute_qname` and of `value` in a list, so the index also notes it in
    `unsupported`, which `longturtle` reads after writing.)"""


class TripleIndex:
    """Triples of rdflib terms, indexed by subject (and by predicate and object for `subjects`),
    with the few read methods of an rdflib Graph that longturtle and `json_ld_context` use."""

    def __init__(self, triples, namespaces: Graph):
        self._all = list(dict.fromkeys(triples))  # distinct, in the order given
        by_s: dict = {}
        for t in self._all:
            by_s.setdefault(t[0], []).append(t)
        self._by_s = by_s
        self._by_po: dict | None = None
        self._ns_graph = namespaces
        self.namespace_manager = namespaces.namespace_manager
        self.store = namespaces.store  # longturtle's get_pname asks `store.store.prefix(uri)`
        self.base = None
        self._qnames: dict = {}
        self.unsupported: str | None = None

    def _unsupported(self, why: str) -> _Unsupported:
        self.unsupported = self.unsupported or why
        return _Unsupported(why)

    @classmethod
    def from_ox(cls, triples, namespaces: Graph) -> "TripleIndex":
        """From pyoxigraph triples or quads (the graph name is dropped), terms made once each."""
        terms: dict = {}

        def term(t):
            r = terms.get(t)
            if r is None:
                if isinstance(t, ox.NamedNode):
                    r = URIRef(t.value)
                elif isinstance(t, ox.BlankNode):
                    r = BNode(t.value)
                elif t.language:
                    r = Literal(t.value, lang=t.language)
                elif t.datatype.value == _XSD_STRING:
                    r = Literal(t.value)
                else:  # the lexical form kept as it is (as kg.terms.from_oxigraph)
                    r = Literal(t.value, datatype=URIRef(t.datatype.value), normalize=False)
                terms[t] = r
            return r

        return cls(((term(q.subject), term(q.predicate), term(q.object)) for q in triples), namespaces)

    def __len__(self) -> int:
        return len(self._all)

    def __iter__(self):
        return iter(self._all)

    def __contains__(self, triple) -> bool:
        return any(t == tuple(triple) for t in self._by_s.get(triple[0], ()))

    def triples(self, pattern):
        s, p, o = pattern
        source = self._all if s is None else self._by_s.get(s, ())
        for t in source:
            if (p is None or t[1] == p) and (o is None or t[2] == o):
                yield t

    def subjects(self, predicate=None, object=None, unique: bool = False):
        if predicate is not None and object is not None:
            if self._by_po is None:
                by_po: dict = {}
                for t in self._all:
                    by_po.setdefault((t[1], t[2]), []).append(t[0])
                self._by_po = by_po
            yield from self._by_po.get((predicate, object), ())
            return
        seen = set()
        for t in self.triples((None, predicate, object)):
            if not unique or t[0] not in seen:
                seen.add(t[0])
                yield t[0]

    def objects(self, subject=None, predicate=None, unique: bool = False):
        seen = set()
        for t in self.triples((subject, predicate, None)):
            if not unique or t[2] not in seen:
                seen.add(t[2])
                yield t[2]

    def predicate_objects(self, subject=None, unique: bool = False):
        for t in self.triples((subject, None, None)):
            yield t[1], t[2]

    def value(self, subject=None, predicate=RDF.value, object=None, default=None, any=True):
        if subject is None or predicate is None or object is not None:
            raise self._unsupported("value() is asked only for an object here")
        found = [t[2] for t in self._by_s.get(subject, ()) if t[1] == predicate]
        if len(found) > 1:  # rdflib would give the first in its store's order
            raise self._unsupported(f"{subject} has {len(found)} values of {predicate}")
        return found[0] if found else default

    def compute_qname(self, uri, generate: bool = True):
        key = (uri, generate)
        out = self._qnames.get(key)
        if out is None:
            try:
                out = self.namespace_manager.compute_qname(uri, generate=False)
            except Exception as exc:  # noqa: BLE001 - rdflib's own errors, handed on as it raises them
                if generate:  # rdflib would bind a new prefix (ns1) in the graph
                    raise self._unsupported(f"no prefix for {uri}") from exc
                out = exc
            self._qnames[key] = out
        if isinstance(out, Exception):
            raise out
        return out


def _serializer_class():
    from rdflib.plugins.serializers.longturtle import LongTurtleSerializer

    class _Serializer(LongTurtleSerializer):
        """rdflib's longturtle with `get_pname` worked out once per IRI: a second call gives the same
        name (the prefixes it declares are never rebound once set, so the one it adds is there)."""

        def reset(self):
            super().reset()
            self._pnames: dict = {}

        def get_pname(self, uri, gen_prefix=True):
            if not isinstance(uri, URIRef):
                return None
            key = (uri, gen_prefix)
            try:
                return self._pnames[key]
            except KeyError:
                pass
            out = super().get_pname(uri, gen_prefix)
            self._pnames[key] = out
            return out

    return _Serializer


def longturtle(index: TripleIndex) -> bytes:
    """`index`'s triples in rdflib's longturtle, as `Graph.serialize(format="longturtle")` of a
    graph holding them, with the namespace bindings of `index`'s namespace graph, gives them."""
    try:
        stream = io.BytesIO()
        _serializer_class()(index).serialize(stream)  # type: ignore[arg-type]
        if index.unsupported is None:
            return stream.getvalue()
    except _Unsupported:
        pass
    g = index._ns_graph  # empty, with the bindings: filled and written by rdflib
    for t in index:
        g.add(t)
    return g.serialize(format="longturtle").encode("utf-8")
