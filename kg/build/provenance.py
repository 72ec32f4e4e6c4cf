"""The provenance graph: one statement per asserted triple of data/ (its `rdf:subject`,
`rdf:predicate` and `rdf:object`), with the passages (or reference works) whose GRAPH blocks hold
it (`prov:wasDerivedFrom`, docs/PROVENANCE.md). No `rdf:type rdf:Statement` is written: RDF
Schema's `rdf:subject rdfs:domain rdf:Statement` entails it, and no question reads it (a
statement is found by `?st rdf:subject []`).

A statement's IRI is `<BASE>statement/` + the SHA-1 of the triple's N-Triples line, so it is the
same in every build and can be computed by anyone holding the triple. (A blank node is hashed as
`_:b`: the data has none, and its label is not stable between builds.)
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import BNode, Graph
from rdflib.namespace import RDF

from kg.build.statement_checks import copied_candidates
from kg.namespaces import GRAPH_DATA, GRAPH_PROVENANCE, PROV, STATEMENT
from kg.terms import to_oxigraph

__all__ = ["statement_iri", "provenance_graph", "provenance_quads", "provenance_lines", "data_and_provenance_lines",
           "nquads_lines", "SortedChunks", "data_and_provenance_chunks"]


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
            g.add((st, RDF.subject, s))
            g.add((st, RDF.predicate, p))
            g.add((st, RDF.object, o))
        g.add((st, PROV.wasDerivedFrom, src))
    return g


def provenance_quads(sourced) -> list:
    """The same statements as `provenance_graph`, as pyoxigraph quads in `graph/provenance`, made
    from the pyoxigraph quads of the data files (what the build does: no rdflib term is made)."""
    g = ox.NamedNode(str(GRAPH_PROVENANCE))
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
            out += [ox.Quad(st, subj, s, g), ox.Quad(st, pred, p, g), ox.Quad(st, obj, o, g)]
        out.append(ox.Quad(st, derived, q.graph_name, g))
    return out


def nquads_lines(items, graph: str | None = None, batch: int = 100_000, *, raw: bool = False):
    """N-Quads lines (str, without newline; UTF-8 bytes with `raw`) of pyoxigraph quads or
    triples, written by pyoxigraph a batch at a time, so that only one batch of term objects lives
    at once; `graph` (an IRI) puts every one in that graph."""
    g = ox.NamedNode(graph) if graph is not None else None
    buf: list = []
    for t in items:
        buf.append(ox.Quad(t.subject, t.predicate, t.object, g) if g is not None else t)
        if len(buf) >= batch:
            yield from lines_of(ox.serialize(buf, format=ox.RdfFormat.N_QUADS), raw)
            buf = []
    if buf:
        yield from lines_of(ox.serialize(buf, format=ox.RdfFormat.N_QUADS), raw)


def lines_of(text: bytes, raw: bool = True) -> list:
    """The lines of pyoxigraph's N-Quads or N-Triples `text` (bytes; str lines unless `raw`), split
    at "\n" only: a literal may hold U+2028, U+0085 or a form feed unescaped, where str.splitlines
    would cut it."""
    lines = text.split(b"\n")
    if lines and not lines[-1]:
        lines.pop()
    return lines if raw else [line.decode("utf-8") for line in lines]


def provenance_lines(sourced) -> list[str]:
    """The statements of `provenance_quads` as sorted N-Quads lines (`data_and_provenance_lines`)."""
    return data_and_provenance_lines(sourced, with_data=False)[1]


@dataclass
class SortedChunks:
    """N-Quads lines, sorted and distinct, as chunks of UTF-8 bytes holding whole lines (each line
    ending with a newline); `first` and `last` are the first and the last line, without it."""

    chunks: list
    count: int
    first: bytes
    last: bytes
    # statement-copied-block-violation's rows before its last filter (`kg.build.statement_checks`)
    copied: list = field(default_factory=list)


def data_and_provenance_lines(sourced, *, with_data: bool = True) -> tuple[list[str], list[str]]:
    """From one N-Quads text of the data files' quads (pyoxigraph's): the lines of `graph/data`
    (one a quad: a triple held by several passages comes once per passage, for the canonical
    dataset to make one) and the statements of `provenance_quads` as N-Quads lines, distinct and
    sorted. No term object is made per statement (at a million asserted triples the quads cost
    three gigabytes, the lines a third of that), and the lines are not sorted as strings: a
    statement's lines share its subject, whose IRIs all have the same length, so they are put in
    order by the SHA-1 alone and, within a statement, by predicate (rdf:object, rdf:predicate,
    rdf:subject, prov:wasDerivedFrom, in the order of their IRIs) and source.
    (`data_and_provenance_chunks` is the same as UTF-8 text, what the build uses.)"""
    g = f"<{GRAPH_PROVENANCE}>"
    data_g = f"<{GRAPH_DATA}> ."
    subj, pred, obj = (f"<{x}>" for x in (RDF.subject, RDF.predicate, RDF.object))
    derived = f"<{PROV.wasDerivedFrom}>"
    assert obj < pred < subj < derived  # the order the lines are written in
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
                          f"{st} {subj} {body[:i]} {g} .", f"{st} {derived} {source} {g} ."))
        return data, sorted(lines)
    rows.sort()
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
            last_hex, last_source = hexd, None
        if source != last_source:
            add(f"{st} {derived} {source} {g} .")
            last_source = source
    return data, out


def data_and_provenance_chunks(sourced, chunk_lines: int, *, bodies: bool = False
                               ) -> tuple[list[bytes], SortedChunks] | None:
    """`data_and_provenance_lines` as UTF-8 text, what the build uses: the data's lines as bytes,
    and the statements as `SortedChunks` of about `chunk_lines` lines a chunk, made piece by piece
    into the chunk's bytes (at a million triples the 3.6 million lines never live as objects of
    their own, and no text is encoded). None if a blank node is in a triple or names a graph: then
    `data_and_provenance_lines`' plain sorting is needed. With `bodies`, the data's lines are given
    without their graph name and dot (` <graph/data> .`: the caller joins them with it), the very
    bytes objects the statements are made from (at a million triples, 160 MB fewer; sorted, they
    are in the order of the lines: a body ends with its object's whole term, so one that is
    another's prefix sorts first either way, a space being below every character that can follow a
    term)."""
    from binascii import hexlify

    g = f" <{GRAPH_PROVENANCE}> .\n".encode()
    data_g = f" <{GRAPH_DATA}> .".encode()
    subj, pred, obj = (f" <{x}> ".encode() for x in (RDF.subject, RDF.predicate, RDF.object))
    derived = f" <{PROV.wasDerivedFrom}> ".encode()
    assert obj < pred < subj < derived  # the order the lines are written in
    base = f"<{STATEMENT}".encode()
    sha1 = hashlib.sha1
    data: list[bytes] = []
    rows: list[tuple] = []
    add_data, add_row = data.append, rows.append
    sources: dict[bytes, bytes] = {}  # one bytes object a passage, not one a line
    source_of = sources.setdefault
    quads = sourced if isinstance(sourced, list) else list(sourced)
    for k in range(0, len(quads), _BATCH):
        # pyoxigraph writes a batch as N-Quads text, split in C; a blank node anywhere in it is
        # looked for once (`_BLANK_QUAD`), not on each line
        text = ox.serialize(quads[k:k + _BATCH], format=ox.RdfFormat.N_QUADS)
        if b"_:" in text and _BLANK_QUAD.search(text):
            return None
        lines = text.split(b"\n")
        lines.pop()  # after the last newline
        del text
        for line in lines:
            body, source, _dot = line.rsplit(b" ", 2)  # the graph name is an IRI: no space in it
            source = source_of(source, source)
            add_data(body if bodies else body + data_g)
            i = body.index(b" ")
            # the statement's N-Triples line is the quad's without its graph name
            add_row((hexlify(sha1(body + b" .").digest()), source, body, i, body.index(b" ", i + 1)))
        del lines
    copied = copied_candidates(rows)
    rows.sort()
    chunks: list[bytes] = []
    part: list[bytes] = []
    add, more = part.append, part.extend
    n = count = 0
    last_hex = last_source = st = None
    for k, (hexd, source, body, i, j) in enumerate(rows):
        rows[k] = None  # type: ignore[call-overload]  # let each row go once written
        if hexd != last_hex:
            if n >= chunk_lines:  # a chunk ends between two statements
                chunks.append(b"".join(part))
                part.clear()
                count += n
                n = 0
            st = base + hexd + b">"
            more((st, obj, body[j + 1:], g, st, pred, body[i + 1:j], g, st, subj, body[:i], g))
            n += 3
            last_hex, last_source = hexd, None
        if source != last_source:
            more((st, derived, source, g))
            n += 1
            last_source = source
    if part:
        chunks.append(b"".join(part))
        count += n
    if not chunks:
        return data, SortedChunks([], 0, b"", b"", copied)
    head, tail = chunks[0], chunks[-1]
    return data, SortedChunks(chunks, count, head[:head.index(b"\n")], tail[tail.rfind(b"\n", 0, len(tail) - 1) + 1:-1],
                              copied)


_BATCH = 100_000
# an N-Quads line whose subject, object or graph name is a blank node (a subject and a predicate
# hold no space; an object's text runs to the graph name, the line's last ` _:` or ` <`)
_BLANK_QUAD = re.compile(rb"^(?:_:|[^ \n]+ [^ \n]+ _:|.* _:[^ \n]* \.$)", re.MULTILINE)
