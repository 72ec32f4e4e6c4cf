"""Reading the terms of N-Quads lines as text (the build's canonical lines, `kg.build.canonical`),
for the writers that work on the lines themselves rather than on parsed terms (the JSON-LD dump,
the framed views' input). A line is `subject predicate object graph .`, its terms separated by one
space: a subject, a predicate and a graph name hold no space, and an object's text runs to the
graph name (the last ` <`)."""
from __future__ import annotations

import re

__all__ = ["unescape", "iri_text", "literal_parts"]

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
