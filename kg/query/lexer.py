"""The one SPARQL lexer: just enough of SPARQL's tokens to find keywords, braces and PREFIX
declarations outside comments, strings and IRIs.

Used wherever the program must read a query's text without running it: binding parameters with
VALUES for remote endpoints (`kg.query.binding`), the query form (SELECT/ASK/... or an update),
the refusal of updates by the query guard (`kg.query.safety`), the rewriting of updates with the
protocol's `using-graph-uri` (`kg.serve`), and the prefixes a query declares (`kg query --sparql`,
`CannedQuery.prefixes`). An IRI may hold no space, which is how `?a < ?b` is told apart from `<iri>`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

__all__ = ["Token", "tokens", "significant", "query_form", "prefix_declarations",
           "UPDATE_KEYWORDS", "FORMS"]

_TOKEN = re.compile(r'''
    (?P<ws>\s+)
  | (?P<comment>\#[^\n]*)
  | (?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""|'\'\'(?:[^'\\]|\\.|'(?!''))*'\'\'
               |"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$]\w+)
  | (?P<word>[\w:.\-%\\]+)
  | (?P<punct>.)
''', re.X | re.S)

FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
UPDATE_KEYWORDS = ("INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH")


@dataclass(frozen=True)
class Token:
    kind: str     # ws, comment, string, iri, var, word, punct
    text: str
    start: int
    end: int
    depth: int    # braces open before this token (a `{` counts from itself on, a `}` before itself)

    @property
    def keyword(self) -> str | None:
        """The upper-cased word if this token can be a keyword (a word with no colon)."""
        if self.kind == "word" and ":" not in self.text:
            return self.text.upper()
        return None


def tokens(text: str) -> Iterator[Token]:
    """Every token of `text`, comments and white space included, with its brace depth."""
    depth = 0
    for m in _TOKEN.finditer(text):
        kind, tok = m.lastgroup or "punct", m.group()
        if kind == "punct" and tok == "{":
            depth += 1
            yield Token(kind, tok, m.start(), m.end(), depth)
            continue
        if kind == "punct" and tok == "}":
            depth = max(0, depth - 1)
        yield Token(kind, tok, m.start(), m.end(), depth)


def significant(text: str) -> list[Token]:
    """The tokens that carry meaning: no white space, no comments."""
    return [t for t in tokens(text) if t.kind not in ("ws", "comment")]


def query_form(text: str) -> str | None:
    """SELECT, ASK, CONSTRUCT, DESCRIBE, UPDATE or None: the first keyword outside comments,
    strings and IRIs (SPARQLWrapper's own guess misreads a keyword in every other comment line)."""
    for t in significant(text):
        kw = t.keyword
        if kw in FORMS:
            return kw
        if kw in UPDATE_KEYWORDS:
            return "UPDATE"
    return None


def prefix_declarations(text: str) -> dict[str, str]:
    """The `PREFIX p: <ns>` declarations of a query, in order ({"": ns} for the empty prefix)."""
    out: dict[str, str] = {}
    toks = significant(text)
    for i, t in enumerate(toks[:-2]):
        if t.keyword == "PREFIX" and toks[i + 1].kind == "word" and toks[i + 1].text.endswith(":") \
                and toks[i + 2].kind == "iri":
            out[toks[i + 1].text[:-1]] = toks[i + 2].text[1:-1]
    return out



def projected_variables(text: str) -> set[str] | None:
    """The variables the outermost SELECT projects (`?x` and `(expr AS ?x)`); None for `SELECT *`
    and for other query forms, whose answer holds every variable in scope."""
    toks = significant(text)
    for i, t in enumerate(toks):
        if t.keyword == "SELECT" and t.depth == 0:
            out: set[str] = set()
            for u in toks[i + 1:]:
                if u.keyword in ("WHERE", "FROM") or (u.kind == "punct" and u.text == "{"):
                    return out
                if u.kind == "punct" and u.text == "*":
                    return None
                if u.kind == "var":
                    out.add(u.text[1:])
            return out
        if t.keyword in ("CONSTRUCT", "ASK", "DESCRIBE"):
            return None
    return None
