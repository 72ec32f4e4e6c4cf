"""RDF terms, one way each: shorten an IRI, read one a person typed, check one, convert between
rdflib, pyoxigraph and the query worker's wire form, and normalise literals across engines.

rdflib terms are the library's currency (results, bindings, graphs); pyoxigraph terms live inside
the embedded engine and the server's worker processes; the wire form is a plain tuple
`(kind, value, lang_or_datatype)` that pickles without importing rdflib on the other side.
"""
from __future__ import annotations

import re
from typing import Iterator, Mapping

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from kg.errors import InputError
from kg.namespaces import PDI, PREFIXES

__all__ = ["short", "expand", "is_absolute_iri", "check_iri", "IRI_FORBIDDEN", "to_oxigraph", "from_oxigraph",
           "to_wire", "wire_to_oxigraph", "normalise_term", "oxigraph_quads", "XSD_STRING"]

XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = XSD + "string"
XSD_BOOLEAN = XSD + "boolean"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

# --- IRIs -------------------------------------------------------------------------------------

# characters an IRI may not hold (RFC 3987 / the SPARQL IRIREF production): the one IRI rule
IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_LOCAL_NAME = re.compile(r"[\w.-]+")


def is_absolute_iri(text: str) -> bool:
    """An absolute IRI: a scheme, a colon, and no character an IRI may not hold."""
    return bool(_SCHEME.match(text)) and not IRI_FORBIDDEN.search(text)


def check_iri(text: str, what: str = "IRI") -> str:
    """`text` if it is an absolute IRI, else an `InputError` naming `what`."""
    if not is_absolute_iri(text):
        raise InputError(f"{what} {text!r} is not an absolute IRI (e.g. https://example.org/graph/x); "
                         "spaces, quotes, <, >, {, }, |, ^, ` and \\ are not allowed in an IRI")
    return text


def short(term: Node | str | None, prefixes: Mapping[str, str] | None = None, *, brackets: bool = True) -> str:
    """A term as a person reads it: `pdi:flanders` rather than the full IRI.

    The longest namespace that leaves a valid local name wins; an IRI no prefix fits is written
    `<iri>` (or bare with `brackets=False`); literals and blank nodes in N-Triples syntax.
    """
    if term is None:
        return ""
    if isinstance(term, (URIRef, str)) and not isinstance(term, (Literal, BNode)):
        iri = str(term)
        best = None
        for prefix, ns in (prefixes or PREFIXES).items():
            if iri.startswith(ns) and (best is None or len(ns) > len(best[1])):
                best = (prefix, ns)
        if best is not None:
            local = iri[len(best[1]):]
            if local and _LOCAL_NAME.fullmatch(local):
                return f"{best[0]}:{local}"
        return f"<{iri}>" if brackets else iri
    return term.n3() if hasattr(term, "n3") else str(term)


def expand(text: str, prefixes: Mapping[str, str] | None = None, *, what: str = "value") -> URIRef:
    """The IRI a person meant: `<iri>`, a full IRI, a prefixed name (`pdi:catalonia`) or a bare id
    (`catalonia`, an instance). Raises `InputError` with the fix for anything else."""
    prefixes = prefixes or PREFIXES
    raw = text.strip()
    if raw.startswith("<") and raw.endswith(">"):
        iri = raw[1:-1]
    elif re.match(r"^[a-z][a-z0-9+.-]*://", raw, re.I):
        iri = raw
    elif ":" in raw:
        prefix, local = raw.split(":", 1)
        ns = prefixes.get(prefix)
        if ns is None:
            raise InputError(f"{what}: unknown prefix {prefix!r} in {raw!r}; give a full IRI, a bare id "
                             f"like 'catalonia', or one of the prefixes {', '.join(sorted(prefixes))}")
        iri = ns + local
    else:
        iri = str(PDI) + raw  # a bare local name is an instance id, the common case on the command line
    if not iri or IRI_FORBIDDEN.search(iri):
        raise InputError(f"{what}: {raw!r} is not a valid IRI or id (no spaces, quotes or <> in it)")
    return URIRef(iri)


# --- rdflib <-> pyoxigraph ----------------------------------------------------------------------

def to_oxigraph(term: Node):
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"cannot convert {term!r} to a pyoxigraph term")


def from_oxigraph(term) -> Node | None:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        dt = term.datatype.value
        if dt == XSD_STRING:
            return Literal(term.value)
        # keep the lexical form exactly as the engine gave it
        return Literal(term.value, datatype=URIRef(dt), normalize=False)
    raise TypeError(f"unexpected pyoxigraph term {term!r}")


def graph_from_oxigraph(triples) -> "Graph":
    """An rdflib Graph of pyoxigraph triples (or quads: their graph name is dropped)."""
    from rdflib import Graph

    g = Graph()
    for t in triples:
        g.add((from_oxigraph(t.subject), from_oxigraph(t.predicate), from_oxigraph(t.object)))
    return g


# --- the worker's wire form -----------------------------------------------------------------------

def to_wire(term: Node) -> tuple:
    """An rdflib term as `(kind, value, extra)`: extra is `@lang`, a datatype IRI or None."""
    if isinstance(term, URIRef):
        return ("iri", str(term), None)
    if isinstance(term, BNode):
        return ("bnode", str(term), None)
    if isinstance(term, Literal):
        if term.language:
            return ("literal", str(term), "@" + term.language)
        return ("literal", str(term), str(term.datatype) if term.datatype else None)
    raise TypeError(f"cannot send {term!r} to the query worker")


def wire_to_oxigraph(t: tuple):
    kind, value, extra = t
    if kind == "iri":
        return ox.NamedNode(value)
    if kind == "bnode":
        return ox.BlankNode(value)
    if extra and extra.startswith("@"):
        return ox.Literal(value, language=extra[1:])
    if extra:
        return ox.Literal(value, datatype=ox.NamedNode(extra))
    return ox.Literal(value)


# --- literals across engines ----------------------------------------------------------------------

def normalise_term(term: Node | None) -> Node | None:
    """The form the embedded engines give, so answers of different engines compare equal: plain
    literals for xsd:string (rdflib and stores differ), and canonical booleans (Virtuoso stores
    booleans as integers and answers "1"/"0")."""
    if not isinstance(term, Literal) or term.datatype is None:
        return term
    dt = str(term.datatype)
    if dt == XSD_STRING or dt == RDF_LANGSTRING and not term.language:
        return Literal(str(term))
    if dt == XSD_BOOLEAN and str(term) in ("1", "0"):
        return Literal("true" if str(term) == "1" else "false", datatype=term.datatype, normalize=False)
    return term


# --- rdflib graphs -> pyoxigraph quads --------------------------------------------------------------

def oxigraph_quads(graphs) -> Iterator:
    """pyoxigraph quads of rdflib graphs: `graphs` is an iterable of (graph name, rdflib Graph)
    pairs; a name of None puts the triples in the default graph. The one way the program moves
    rdflib graphs into a pyoxigraph store or dataset."""
    for name, g in graphs:
        gn = ox.DefaultGraph() if name is None else ox.NamedNode(str(name))
        for s, p, o in g:
            yield ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), gn)
