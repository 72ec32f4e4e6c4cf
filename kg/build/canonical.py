"""The canonical dataset: the four named graphs (ontology, asserted data, inferred, provenance) with
blank nodes relabelled by RDFC-1.0 (pyoxigraph), as sorted N-Quads lines, and the same quads as
pyoxigraph terms (rdflib terms on demand). Everything the build writes and checks is read from it,
so the bytes depend only on the content.

Only the quads that hold a blank node go through RDFC-1.0: the algorithm's hashes are made from the
quads that mention each blank node and from nothing else, so the labels it gives are the same as
over the whole dataset, and the work is proportional to the (few, ontology) blank-node quads
rather than to the data.

The dataset is kept as its sorted N-Quads text (bytes, in chunks of whole lines), not as term
objects: at a million asserted triples there are more than five million quads, which cost about
600 bytes each as pyoxigraph objects and a quarter of that as text. `ox_quads` parses the text
again on each use, a chunk at a time."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

import pyoxigraph as ox
from rdflib import Graph, URIRef

from kg.build.provenance import lines_of
from kg.build.statement_checks import StatementAnswers, unstated
from kg.namespaces import GRAPH_DATA, GRAPH_INFERRED, GRAPH_ONTOLOGY, GRAPH_PROVENANCE, PREFIXES
from kg.terms import from_oxigraph, oxigraph_quads

__all__ = ["CanonicalDataset", "canonical_dataset", "build_canonical", "bind_prefixes"]

_CHUNK_LINES = 100_000


class _Quads:
    """The quads of a `CanonicalDataset` in order, parsed from its text on each iteration."""

    def __init__(self, chunks: list[bytes], count: int):
        self._chunks, self._count = chunks, count

    def __iter__(self):
        for chunk in self._chunks:
            yield from ox.parse(chunk, format=ox.RdfFormat.N_QUADS)

    def __len__(self) -> int:
        return self._count

    def __bool__(self) -> bool:
        return self._count > 0


@dataclass
class CanonicalDataset:
    """The dataset after RDFC-1.0: its sorted N-Quads lines, as chunks of bytes each holding whole
    lines (each ending with a newline)."""

    chunks: list = field(default_factory=list)
    lines_count: int = 0
    # (start, stop, line end, n): chunks[start:stop] are n lines that all end with `line end`
    # (` <graph> .\n`: the provenance's statements, put in whole by `_dataset`); `count` skips them
    whole: tuple | None = field(default=None, repr=False, compare=False)
    # the answers of the two statement-* violation queries, known to the build that made the
    # provenance (`kg.build.statement_checks`); None where they are not
    statement_answers: object = field(default=None, repr=False, compare=False)
    _counts: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def ox_quads(self) -> _Quads:
        """The quads as pyoxigraph terms, sorted by their N-Quads line (parsed on each use)."""
        return _Quads(self.chunks, self.lines_count)

    def nquads(self) -> bytes:
        """The N-Quads file: one line a quad, sorted, each ending with a newline."""
        return b"".join(self.chunks)

    @property
    def nquads_lines(self) -> list[str]:
        """The sorted N-Quads lines, without their newline (made on each use)."""
        return lines_of(self.nquads(), raw=False)

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
        wanted = None if name is None else f" <{name}> .\n".encode("utf-8")
        for chunk in self.chunks:
            if wanted is not None:
                if wanted not in chunk:
                    continue
                chunk = b"".join(line for line in chunk.splitlines(keepends=True) if line.endswith(wanted))
            for q in ox.parse(chunk, format=ox.RdfFormat.N_QUADS):
                g.add((from_oxigraph(q.subject), from_oxigraph(q.predicate), from_oxigraph(q.object)))
        return g

    def count(self, name: URIRef) -> int:
        """The quads in the graph `name` (its lines end with the name: a newline inside a literal
        is written `\\n`, so a line's end is the quad's)."""
        wanted = f" <{name}> .\n".encode("utf-8")
        n = self._counts.get(wanted)
        if n is None:  # counted once (the build and the export both ask; the text does not change)
            chunks = self.chunks
            n = 0
            if self.whole is not None:  # lines of one graph, and how many
                start, stop, end, count = self.whole
                n = count if end == wanted else 0
                chunks = chunks[:start] + chunks[stop:]
            n = self._counts[wanted] = n + sum(chunk.count(wanted) for chunk in chunks)
        return n


def bind_prefixes(g: Graph) -> None:
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns, override=True, replace=True)


def _has_blank_line(line) -> bool:
    """Whether an N-Quads line's subject or object is a blank node (graph names here are IRIs; a
    subject and a predicate hold no space). `line` is str or UTF-8 bytes."""
    blank, space = ("_:", " ") if isinstance(line, str) else (b"_:", b" ")
    if line.startswith(blank):
        return True
    i = line.index(space)
    j = line.index(space, i + 1)
    return line.startswith(blank, j + 1)


def _graph_lines(name: URIRef, triples, raw: bool = False):
    """N-Quads lines of the graph `name` from an rdflib Graph or from pyoxigraph triples or quads
    (str, or UTF-8 bytes with `raw`)."""
    from kg.build.provenance import nquads_lines

    if isinstance(triples, Graph):
        return nquads_lines(oxigraph_quads([(name, triples)]), raw=raw)
    return nquads_lines(triples, str(name), raw=raw)


def canonical_dataset(ontology: Graph, data, inferred, provenance, *, data_lines=()) -> CanonicalDataset:
    """Canonicalise the four graphs together (blank nodes relabelled by RDFC-1.0). `data` and
    `inferred` are rdflib Graphs or pyoxigraph triples or quads (a triple given twice is one);
    `provenance` an rdflib Graph, the pyoxigraph quads of `kg.build.provenance.provenance_quads`,
    or N-Quads lines (`kg.build.provenance.data_and_provenance_lines`, with the data's own lines
    as `data_lines`)."""
    from kg.build.provenance import nquads_lines

    if isinstance(provenance, Graph):
        provenance = _graph_lines(GRAPH_PROVENANCE, provenance)
    elif provenance and not isinstance(provenance[0], str):
        provenance = nquads_lines(provenance)
    lines = _sorted_lines((_graph_lines(GRAPH_ONTOLOGY, ontology), _graph_lines(GRAPH_DATA, data),
                           data_lines, _graph_lines(GRAPH_INFERRED, inferred), provenance))
    return _dataset(lines, None)


def build_canonical(ontology: Graph, plain_triples, inferred, sourced_quads, *, made=None) -> CanonicalDataset:
    """What the build makes: `canonical_dataset` of the ontology, the data (the data files' quads
    `sourced_quads` and the triples of its .ttl files `plain_triples`), the inferred triples and
    the provenance of the quads. Everything stays UTF-8 text: the provenance's statements are made
    straight into chunks (`kg.build.provenance.data_and_provenance_chunks`) that go in whole among
    the other lines, the only ones sorted, and those are let go as their chunks are made (at a
    million triples the provenance is 3.6 million of the 4.8 million lines). The other graphs'
    lines are written by pyoxigraph as N-Triples and given their graph name by one replacement
    over the text: no Python code runs per triple. `made`: what `data_and_provenance_chunks` gives
    for `sourced_quads` (`_CHUNK_LINES` lines a chunk), if it was made already (the build makes it
    in a child while it reasons); its lists are emptied as they are read."""
    from kg.build.provenance import data_and_provenance_chunks, data_and_provenance_lines

    if made is None:
        made = data_and_provenance_chunks(sourced_quads, _CHUNK_LINES)
    if made is None:  # a blank node in the data: the statements need plain sorting
        data_lines, provenance = data_and_provenance_lines(sourced_quads)
        return canonical_dataset(ontology, plain_triples, inferred, provenance, data_lines=data_lines)
    data_lines, block = made
    del made
    plain = _graph_text(GRAPH_DATA, plain_triples)
    missing = unstated(plain, data_lines)
    sources = [_graph_lines(GRAPH_ONTOLOGY, ontology, raw=True), plain, _graph_text(GRAPH_INFERRED, inferred)]
    del plain
    # the data's lines hold no blank node (else `made` is None): they go in as they are
    lines = _sorted_lines(sources, consume=True, clean=data_lines)
    del data_lines
    cds = _dataset(lines, block)
    if missing is not None:
        cds.statement_answers = StatementAnswers(missing, block.copied)
    return cds


def _graph_text(name: URIRef, triples) -> bytes:
    """The N-Quads text (UTF-8, whole lines) of pyoxigraph triples or quads put in the graph
    `name`: written by pyoxigraph as N-Triples, each line's ` .` then given the graph's name (a
    newline in a literal is written `\\n`, so ` .\\n` is only ever a line's end)."""
    from operator import attrgetter

    triples = triples if isinstance(triples, list) else list(triples)
    kinds = set(map(type, triples))
    if ox.Quad in kinds:
        triples = map(attrgetter("triple"), triples) if len(kinds) == 1 else \
            [t.triple if type(t) is ox.Quad else t for t in triples]
    text = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    return text.replace(b" .\n", f" <{name}> .\n".encode("utf-8"))


def _sorted_lines(sources: list, *, consume: bool = False, clean: list | None = None) -> list:
    """The lines of `sources` (iterables of N-Quads lines, all str or all UTF-8 bytes, which sort
    alike: UTF-8 keeps the order of code points; or N-Quads texts, UTF-8 bytes of whole lines; with
    `consume`, a list among them is emptied once read, so that its lines live only as long as the
    result holds them), the blank-node quads relabelled by RDFC-1.0, sorted (duplicates kept).
    A text's blank-node lines are found by a regular expression and its other lines split off it
    in C, no Python code running per line. `clean`: UTF-8 lines known to hold no blank node, taken
    as they are (and emptied with `consume`)."""
    lines: list = []
    if clean:
        lines += clean
        if consume:
            clean.clear()
    blank: list = []
    raw = None
    for source in sources:
        if isinstance(source, bytes):
            raw = True
            if b"_:" in source:
                blank += [line[:-1] for line in _BLANK_NQ.findall(source)]
                source = _BLANK_NQ.sub(b"", source)
            more = source.split(b"\n")
            more.pop()  # after the last newline
            lines += more
            del more
            continue
        for line in source:
            if raw is None:
                raw = isinstance(line, bytes)
            mark = b"_:" if raw else "_:"
            if mark in line and _has_blank_line(line):
                blank.append(line)
            else:
                lines.append(line)
        if consume and isinstance(source, list):
            source.clear()
    if blank:
        nl = b"\n" if raw else "\n"
        ds = ox.Dataset(ox.parse(nl.join(blank) + nl, format=ox.RdfFormat.N_QUADS))
        ds.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
        text = ox.serialize(ds, format=ox.RdfFormat.N_QUADS)
        lines.extend(lines_of(text, raw))
    # the provenance lines (when given as lines) come sorted, and timsort merges a sorted run in
    # linear time
    lines.sort()
    return lines


# an N-Quads line (with its newline) whose subject or object is a blank node (graph names here are
# IRIs; a subject and a predicate hold no space)
_BLANK_NQ = re.compile(rb"^(?:_:|[^ \n]+ [^ \n]+ _:).*\n", re.MULTILINE)


def _dataset(lines: list, block) -> CanonicalDataset:
    """The dataset of the sorted `lines` and the sorted, distinct `SortedChunks` `block` (or None):
    the block's chunks go in whole where its lines fall among the others, when no other line falls
    within it (the provenance's statement IRIs are the only subjects in their namespace); else its
    lines are merged with the others. The lines are str or, with a block, UTF-8 bytes."""
    from bisect import bisect_left

    if block is not None and block.count:
        k = bisect_left(lines, block.first)
        if k == len(lines) or lines[k] > block.last:
            chunks, count = _chunks(lines, 0, k)
            start = len(chunks)
            chunks += block.chunks
            more, more_count = _chunks(lines, k, len(lines))
            end = block.last[block.last.rindex(b" <"):] + b"\n"  # the graph's name, the line's end
            return CanonicalDataset(chunks + more, count + block.count + more_count,
                                    whole=(start, len(chunks), end, block.count))
        for chunk in block.chunks:
            lines.extend(lines_of(chunk))
        lines.sort()
    chunks, count = _chunks(lines, 0, len(lines))
    return CanonicalDataset(chunks, count)


def _chunks(lines: list, start: int, stop: int) -> tuple[list[bytes], int]:
    """`lines[start:stop]` (sorted) as chunks of bytes of whole lines, a line repeated once (a quad
    given twice, a triple in one passage's graph in two files, is one quad); each line is let go
    as its chunk is made. A chunk's repeats are left out by `itertools.compress` over
    `map(operator.ne, ...)` of each line and the one before it: no Python code runs per line."""
    from itertools import chain, compress
    from operator import ne

    chunks: list[bytes] = []
    count, last = 0, None
    for begin in range(start, stop, _CHUNK_LINES):
        end = min(begin + _CHUNK_LINES, stop)
        piece = lines[begin:end]
        lines[begin:end] = [None] * (end - begin)
        piece = list(compress(piece, map(ne, piece, chain((last,), piece))))
        if not piece:
            continue
        last = piece[-1]
        count += len(piece)
        if isinstance(last, str):
            piece.append("")
            chunks.append("\n".join(piece).encode("utf-8"))
        else:
            piece.append(b"")
            chunks.append(b"\n".join(piece))
        del piece
    return chunks, count
