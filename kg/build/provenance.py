"""The provenance graph: one `rdf:Statement` per asserted triple of data/, with the passages (or
reference works) whose GRAPH blocks hold it (docs/PROVENANCE.md).

A statement's IRI is `<BASE>statement/` + the SHA-1 of the triple's N-Triples line, so it is the
same in every build and can be computed by anyone holding the triple. (A blank node is hashed as
`_:b`: the data has none, and its label is not stable between builds.)
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import BNode, Graph
from rdflib.namespace import RDF

from kg.namespaces import GRAPH_DATA, GRAPH_PROVENANCE, PROV, STATEMENT
from kg.terms import to_oxigraph

__all__ = ["statement_iri", "provenance_graph", "provenance_quads", "provenance_lines", "data_and_provenance_lines",
           "nquads_lines", "SortedChunks"]


def _nt(t) -> str:
    return "_:b" if isinstance(t, BNode) else str(to_oxigraph(t))  # N-Triples form


def statement_iri(s, p, o):
    """The IRI of the statement about the triple (s, p, o) (rdflib terms)."""
    line = f"{_nt(s)} {_nt(p)} {_nt(o)} ."
    return STATEMENT[hashlib.sha1(line.encode("utf-8")).hexdigest()]


def provenance_graph(sourced) -> Graph:
    """`sourced`: (s, p, o, source graph) quads of the data files; one statement per triple."""
    g = Graph()
    made = set()
    for s, p, o, src in sourced:
        st = statement_iri(s, p, o)
        if st not in made:
            made.add(st)
            g.add((st, RDF.type, RDF.Statement))
            g.add((st, RDF.subject, s))
            g.add((st, RDF.predicate, p))
            g.add((st, RDF.object, o))
        g.add((st, PROV.wasDerivedFrom, src))
    return g


def provenance_quads(sourced) -> list:
    """The same statements as `provenance_graph`, as pyoxigraph quads in `graph/provenance`, made
    from the pyoxigraph quads of the data files (what the build does: no rdflib term is made)."""
    g = ox.NamedNode(str(GRAPH_PROVENANCE))
    a, statement = ox.NamedNode(str(RDF.type)), ox.NamedNode(str(RDF.Statement))
    subj, pred, obj = (ox.NamedNode(str(x)) for x in (RDF.subject, RDF.predicate, RDF.object))
    derived = ox.NamedNode(str(PROV.wasDerivedFrom))
    base = str(STATEMENT)
    out, made = [], {}
    for q in sourced:
        s, p, o = q.subject, q.predicate, q.object
        key = (s, p, o)
        st = made.get(key)
        if st is None:
            line = f"{'_:b' if isinstance(s, ox.BlankNode) else s} {p} {'_:b' if isinstance(o, ox.BlankNode) else o} ."
            st = made[key] = ox.NamedNode(base + hashlib.sha1(line.encode("utf-8")).hexdigest())
            out += [ox.Quad(st, a, statement, g), ox.Quad(st, subj, s, g), ox.Quad(st, pred, p, g),
                    ox.Quad(st, obj, o, g)]
        out.append(ox.Quad(st, derived, q.graph_name, g))
    return out


def nquads_lines(items, graph: str | None = None, batch: int = 100_000):
    """N-Quads lines (str, without newline) of pyoxigraph quads or triples, written by pyoxigraph a
    batch at a time, so that only one batch of term objects lives at once; `graph` (an IRI) puts
    every one in that graph."""
    g = ox.NamedNode(graph) if graph is not None else None
    buf: list = []
    for t in items:
        buf.append(ox.Quad(t.subject, t.predicate, t.object, g) if g is not None else t)
        if len(buf) >= batch:
            yield from ox.serialize(buf, format=ox.RdfFormat.N_QUADS).decode("utf-8").splitlines()
            buf = []
    if buf:
        yield from ox.serialize(buf, format=ox.RdfFormat.N_QUADS).decode("utf-8").splitlines()


def provenance_lines(sourced) -> list[str]:
    """The statements of `provenance_quads` as sorted N-Quads lines (`data_and_provenance_lines`)."""
    return data_and_provenance_lines(sourced, with_data=False)[1]


@dataclass
class SortedChunks:
    """N-Quads lines, sorted and distinct, as chunks of UTF-8 bytes holding whole lines (each line
    ending with a newline); `first` and `last` are the first and the last line, without it."""

    chunks: list
    count: int
    first: str
    last: str


def data_and_provenance_lines(sourced, *, with_data: bool = True,
                              chunk_lines: int = 0) -> tuple[list[str], list[str] | SortedChunks]:
    """From one N-Quads text of the data files' quads (pyoxigraph's): the lines of `graph/data`
    (one a quad: a triple held by several passages comes once per passage, for the canonical
    dataset to make one) and the statements of `provenance_quads` as N-Quads lines, distinct and
    sorted. No term object is made per statement (at a million asserted triples the quads cost
    three gigabytes, the lines a third of that), and the lines are not sorted as strings: a
    statement's lines share its subject, whose IRIs all have the same length, so they are put in
    order by the SHA-1 alone and, within a statement, by predicate (rdf:object, rdf:predicate,
    rdf:subject, rdf:type, prov:wasDerivedFrom, in the order of their IRIs) and source.

    With `chunk_lines` the provenance comes as `SortedChunks` of about that many lines a chunk
    (what the build uses: one string a statement rather than five, let go once encoded, so that
    the 4.4 million lines at a million triples never live as string objects), except when a
    blank node makes plain sorting necessary (then lines, as without it)."""
    g = f"<{GRAPH_PROVENANCE}>"
    data_g = f"<{GRAPH_DATA}> ."
    a = f"<{RDF.type}> <{RDF.Statement}> {g} ."
    subj, pred, obj = (f"<{x}>" for x in (RDF.subject, RDF.predicate, RDF.object))
    derived = f"<{PROV.wasDerivedFrom}>"
    assert obj < pred < subj < f"<{RDF.type}>" < derived  # the order the lines are written in
    base = str(STATEMENT)
    sha1 = hashlib.sha1
    data: list[str] = []
    rows: list[tuple] = []
    for line in nquads_lines(sourced):
        body, source, _dot = line.rsplit(" ", 2)  # the graph name is an IRI: no space in it
        if with_data:
            data.append(f"{body} {data_g}")
        i = body.index(" ")
        j = body.index(" ", i + 1)
        s, o = body[:i], body[j + 1:]
        key = f"{'_:b' if s.startswith('_:') else s} {body[i + 1:j]} {'_:b' if o.startswith('_:') else o} ."
        rows.append((sha1(key.encode("utf-8")).hexdigest(), source, body, i, j))
    if any(body.startswith("_:") or body.startswith("_:", j + 1) for _h, _s, body, _i, j in rows):
        # a blank node is hashed as `_:b`, so two triples may share a statement: plain sorting
        lines = set()
        for hexd, source, body, i, j in rows:
            st = f"<{base}{hexd}>"
            lines.update((f"{st} {obj} {body[j + 1:]} {g} .", f"{st} {pred} {body[i + 1:j]} {g} .",
                          f"{st} {subj} {body[:i]} {g} .", f"{st} {a}", f"{st} {derived} {source} {g} ."))
        return data, sorted(lines)
    rows.sort()
    if chunk_lines and not any(source.startswith("_:") for _h, source, _b, _i, _j in rows):
        return data, _provenance_chunks(rows, chunk_lines, base, g, (obj, pred, subj, a, derived))
    out: list[str] = []
    add = out.append
    last_hex = last_source = None
    for k, (hexd, source, body, i, j) in enumerate(rows):
        rows[k] = None  # type: ignore[call-overload]  # let each row go once written
        st = f"<{base}{hexd}>"
        if hexd != last_hex:
            add(f"{st} {obj} {body[j + 1:]} {g} .")
            add(f"{st} {pred} {body[i + 1:j]} {g} .")
            add(f"{st} {subj} {body[:i]} {g} .")
            add(f"{st} {a}")
            last_hex, last_source = hexd, None
        if source != last_source:
            add(f"{st} {derived} {source} {g} .")
            last_source = source
    return data, out


def _provenance_chunks(rows: list, chunk_lines: int, base: str, g: str, names: tuple) -> SortedChunks:
    """The statements of the sorted `rows` (see `data_and_provenance_lines`) as `SortedChunks`:
    the same lines in the same order, a statement's lines made as one string."""
    obj, pred, subj, a, derived = names
    chunks: list[bytes] = []
    part: list[str] = []
    add = part.append
    n = count = 0
    last_hex = last_source = st = None
    for k, (hexd, source, body, i, j) in enumerate(rows):
        rows[k] = None  # type: ignore[call-overload]  # let each row go once written
        if hexd != last_hex:
            if n >= chunk_lines:  # a chunk ends between two statements
                chunks.append("".join(part).encode("utf-8"))
                part.clear()
                count += n
                n = 0
            st = f"<{base}{hexd}>"
            add(f"{st} {obj} {body[j + 1:]} {g} .\n{st} {pred} {body[i + 1:j]} {g} .\n"
                f"{st} {subj} {body[:i]} {g} .\n{st} {a}\n")
            n += 4
            last_hex, last_source = hexd, None
        if source != last_source:
            add(f"{st} {derived} {source} {g} .\n")
            n += 1
            last_source = source
    if part:
        chunks.append("".join(part).encode("utf-8"))
        count += n
    if not chunks:
        return SortedChunks([], 0, "", "")
    head, tail = chunks[0], chunks[-1]
    first = head[:head.index(b"\n")].decode("utf-8")
    last = tail[tail.rfind(b"\n", 0, len(tail) - 1) + 1:-1].decode("utf-8")
    return SortedChunks(chunks, count, first, last)
