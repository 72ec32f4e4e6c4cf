"""Reading the terms of N-Quads lines as text (the build's canonical lines, `kg.build.canonical`),
for the writers that work on the lines themselves rather than on parsed terms (the JSON-LD dump,
the framed views' input). A line is `subject predicate object graph .`, its terms separated by one
space: a subject, a predicate and a graph name hold no space, and an object's text runs to the
graph name (the last ` <`)."""
from __future__ import annotations

import re
from operator import methodcaller

__all__ = ["unescape", "iri_text", "literal_parts", "subject_line_runs"]

_ECHAR = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}
_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))")


def _one(m: re.Match) -> str:
    return chr(int(m.group(1) or m.group(2), 16)) if m.group(3) is None else _ECHAR[m.group(3)]


def unescape(text: str) -> str:
    """An N-Quads string's escapes (ECHAR, UCHAR) read: the characters they stand for."""
    return _ESCAPE.sub(_one, text) if "\\" in text else text


# An IRI's characters, from its text between the angle brackets (any UCHAR read): the same reading
iri_text = unescape


def literal_parts(o: str) -> tuple[str, str, str]:
    """A literal's text (`"lex"`, `"lex"@lang` or `"lex"^^<dt>`) as (lexical form, language tag or
    "", datatype IRI or "" for a plain string or a language-tagged one)."""
    end = o.rindex('"')  # a language tag or a datatype IRI holds no quote
    lex, rest = unescape(o[1:end]), o[end + 1:]
    if not rest:
        return lex, "", ""
    if rest[0] == "@":
        return lex, rest[1:], ""
    return lex, "", iri_text(rest[3:-1])


def subject_line_runs(chunks, graphs: "tuple[bytes, ...] | None" = None):
    """The lines (without their newline) of `chunks` (bytes of whole sorted lines, each with its
    newline), in lists cut where a subject's lines end (the lines are sorted, so a subject's lines
    are one run: they share its term and the space after it); each chunk split into lines once, and
    no bytes copied: the last subject's lines of a list are held back for the next chunk's (a list
    holds one subject's lines at least).

    `graphs`: the line ends (`b" <graph> ."`) of the graphs to keep: the other graphs' lines are
    left out in C (`filter`), and a chunk holding no line of them is skipped whole without being
    split (the framed views read three graphs of four: the provenance's statements, most of the
    text, come in chunks of their own)."""
    if graphs is not None:
        tails = [end + b"\n" for end in graphs]
        wanted = methodcaller("endswith", tuple(graphs))
    held: list = []
    for chunk in chunks:
        if not chunk:
            continue
        if graphs is None:
            lines = chunk.split(b"\n")
            lines.pop()  # after the last newline
        else:
            if not any(tail in chunk for tail in tails):
                continue
            lines = list(filter(wanted, chunk.split(b"\n")))  # (what follows the last newline is b"")
            if not lines:
                continue
        if held:
            lines[:0] = held
        last = lines[-1]
        subject = last[:last.index(b" ") + 1]
        k = len(lines) - 1
        while k and lines[k - 1].startswith(subject):
            k -= 1
        held = lines[k:]  # the last subject's lines: they may go on in the next chunk
        del lines[k:]
        if lines:
            yield lines
    if held:
        yield held
