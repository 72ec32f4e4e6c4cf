"""The query guard: our own reading of a SPARQL text, linear in its length and bounded, that refuses
anything which could make the engine open a connection (`SERVICE`, `LOAD`) or name a graph outside
the dataset (`FROM`), and any nesting deeper than the engine's parser survives.

It does not rest on another parser agreeing with the engine. It reads the text the way SPARQL's
own terminals are defined (SPARQL 1.1 section 19.8, with the 1.2 additions: `<<`, `{|`, `~`,
`--ltr`), one regular-expression token at a time from left to right, and decides on these rules:

- the text is read twice, as it is and with its codepoint escapes (`\\u0053`) decoded, since the
  SPARQL grammar decodes them before parsing (section 19.2); a danger in either reading refuses;
- a danger word is looked for as a *substring* of every token that is code (everything but
  comments, string literals and IRIs), case-insensitively and with Unicode case folding, starting
  at a word's left edge: pyoxigraph's parser matches keywords without a right word boundary
  (`SERVICE?x`, `SERVICEe:x`, `?o.SERVICE`), so a token's extent is not trusted;
- an IRI written right after an operand (`?a<...>`) may be the `<` operator to the engine, which
  then reads its inside as code: such an IRI must hold no danger word and no `'`, and a `#` in it
  may not be followed by a long string on the same line (the `#` would start a comment for the
  engine, and the two readings could disagree on where a string starts);
- a text the guard cannot read (a character outside SPARQL's terminals, an unterminated string, a
  stray backslash) is refused if it holds a danger word anywhere, even in a comment; otherwise it
  goes to the engine, whose parser then answers with its own syntax error;
- brackets of any kind (`{ ( [ <<`) nested deeper than `max_depth` refuse the query before the
  engine sees it (`QueryTooComplexError`): pyoxigraph's parser dies of a stack overflow at a few
  thousand, taking the worker process with it;
- more than `max_chain` operators and pattern joins in all (`|| && = < + * / | . ;`, UNION,
  OPTIONAL, MINUS, BIND, FILTER, sibling groups) refuse the query too: each makes the engine's
  expression or algebra tree one level deeper, and pyoxigraph dies of a stack overflow somewhere
  between 3,000 and 10,000 of them in one chain (`FILTER(?o = 0 || ?o = 1 || ...)`);
- a text longer than `max_chars` is refused without being read (`QueryTooComplexError`).

`inspect` is cached (by the SHA-256 of the text, so the cache is bounded in bytes whatever the
texts' size): the canned queries come back again and again with the same text.
"""
from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Iterable, Iterator

from kg.errors import QueryTooComplexError, UnsafeQueryError

__all__ = ["QueryTooComplexError", "GuardToken", "read", "inspect", "check", "MAX_DEPTH", "MAX_CHARS"]

MAX_DEPTH = 128          # brackets of any kind; pyoxigraph's parser overflows its stack at a few thousand
MAX_CHARS = 1 << 20      # characters read at most (the server's request limit is smaller)
MAX_CHAIN = 2000         # operators and joins in all; pyoxigraph survives 3,000 in one chain, not 10,000
_CHAIN_PUNCT = frozenset(("||", "&&", "=", "!=", "<", ">", "<=", ">=", "+", "-", "*", "/", "|", ".", ";", "{"))
_CHAIN_WORDS = frozenset(("UNION", "OPTIONAL", "MINUS", "BIND", "FILTER"))


class UnreadableQuery(Exception):
    """The guard's reader found something outside SPARQL's terminals (`pos` is where)."""

    def __init__(self, pos: int, what: str):
        super().__init__(what)
        self.pos = pos


_PN_CHARS = r"[\w\-\u00B7]"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_PN_PREFIX = r"[^\W\d_](?:[\w\-\u00B7.]*[\w\-\u00B7])?"
_PN_LOCAL = rf"(?:[\w:]|{_PLX})(?:(?:[\w\-\u00B7.:]|{_PLX})*(?:[\w\-\u00B7:]|{_PLX}))?"
_TOKEN = re.compile(rf'''
    (?P<ws>[\x20\t\r\n]+)
  | (?P<comment>\#[^\r\n]*)
  | (?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""|'\'\'(?:[^'\\]|\\.|'(?!''))*'\'\'
               |"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*')
  | (?P<iri><[^<>"{{}}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][\w\u00B7]+)
  | (?P<langtag>@[A-Za-z]+(?:-[A-Za-z0-9]+)*(?:--[A-Za-z]+)?)
  | (?P<bnode>_:[\w](?:[\w\-\u00B7.]*[\w\-\u00B7])?)
  | (?P<pname>(?:{_PN_PREFIX})?:(?:{_PN_LOCAL})?)
  | (?P<number>(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)
  | (?P<word>[^\W\d][\w]*)
  | (?P<punct>\^\^|<<\(|\)>>|<<|>>|\{{\||\|\}}|&&|\|\||!=|<=|>=|[{{}}()\[\].,;*=!<>&|+\-/^?~])
''', re.X | re.S)

_OPEN = {"{": 1, "(": 1, "[": 1, "<<": 1, "<<(": 1, "{|": 1}
_CLOSE = {"}": 1, ")": 1, "]": 1, ">>": 1, ")>>": 1, "|}": 1}
# SPARQL's codepoint escapes may stand for any character of the query (SPARQL 1.1, 19.2)
_CODEPOINT = re.compile(r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}")
# a danger word starting at a word's left edge; re.IGNORECASE also folds 'ſ' to 's' and 'K' to 'k'
# (inside a name, after a letter, a digit, '_', '-', '·', '%' or ':', the engine reads on: no keyword)
_DANGER = {
    "query": re.compile(r"(?<![\w:\-\u00B7%])(SERVICE|LOAD)", re.IGNORECASE),
    "update": re.compile(r"(?<![\w:\-\u00B7%])(SERVICE|LOAD)", re.IGNORECASE),
}
_MENTIONS = re.compile(r"SERVICE|LOAD|FROM", re.IGNORECASE)
UPDATE_KEYWORDS = frozenset(("INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"))


@dataclass(frozen=True)
class GuardToken:
    kind: str    # comment, string, iri, var, langtag, bnode, pname, number, word, punct
    text: str
    start: int
    depth: int   # brackets open before this token


def read(text: str) -> Iterator[GuardToken]:
    """The tokens of `text` (no white space), or `UnreadableQuery` where it leaves SPARQL's terminals."""
    pos, n, depth = 0, len(text), 0
    match = _TOKEN.match
    while pos < n:
        m = match(text, pos)
        if m is None:
            ch = text[pos]
            what = ("an unterminated string" if ch in "\"'" else
                    "a backslash outside a string or a name" if ch == "\\" else f"the character {ch!r}")
            raise UnreadableQuery(pos, what)
        kind, tok = m.lastgroup, m.group()
        if kind != "ws":
            if kind == "punct" and tok in _CLOSE:
                depth = max(0, depth - 1)
            yield GuardToken(kind, tok, pos, depth)
            if kind == "punct" and tok in _OPEN:
                depth += 1
        pos = m.end()


def _decoded(text: str) -> str:
    def one(m: re.Match) -> str:
        cp = int(m.group(0)[2:], 16)
        return chr(cp) if cp <= 0x10FFFF else "\ufffd"
    return _CODEPOINT.sub(one, text)


def _is_operand(tok: GuardToken | None) -> bool:
    if tok is None:
        return False
    if tok.kind in ("var", "string", "number", "pname", "iri", "langtag", "bnode"):
        return True
    if tok.kind == "word":
        return tok.text.lower() in ("true", "false")
    return tok.kind == "punct" and tok.text in (")", "]", ")>>", ">>")


def _line_end(text: str, pos: int) -> int:
    ends = [i for i in (text.find("\n", pos), text.find("\r", pos)) if i >= 0]
    return min(ends) if ends else len(text)


def _refusal(word: str) -> UnsafeQueryError:
    if word.upper() == "SERVICE":
        return UnsafeQueryError(
            "SERVICE is refused: federated queries would make this server reach the network. Query the "
            "remote endpoint directly instead. (The guard reads 'service' at the start of any name or "
            "variable as the keyword; rename such a variable or prefix.)")
    return UnsafeQueryError(
        "LOAD is refused: it would make this program fetch data from the network or the disk. (The guard "
        "reads 'load' at the start of any name or variable as the keyword; rename such a variable.)")


def _check_reading(text: str, mode: str, allowed: frozenset[str] | None, max_depth: int,
                   max_chain: int = MAX_CHAIN) -> None:
    danger = _DANGER[mode]
    toks = list(read(text))
    prefixes: dict[str, str] = {}
    prev: GuardToken | None = None
    long_string_after_hash_until = -1   # a `#` inside an ambiguous IRI: no long string before here
    for i, t in enumerate(toks):
        if t.depth >= max_depth:
            raise QueryTooComplexError(
                f"the query nests brackets more than {max_depth} deep (at character {t.start}); this "
                "server refuses such queries before running them. Flatten the query.")
        if t.kind == "comment":
            continue
        if t.kind == "string":
            if t.start < long_string_after_hash_until and t.text[:3] in ('"""', "'''"):
                raise UnsafeQueryError(
                    "refused: a '#' inside an IRI written right after a value, then a long string on "
                    "the same line; the guard cannot tell where the engine's comment ends. Put a space "
                    "after the value or the string on its own line.")
            prev = t
            continue
        if t.kind == "iri":
            declared = i >= 2 and toks[i - 2].kind == "word" and toks[i - 2].text.upper() == "PREFIX"
            if _is_operand(prev) and not declared:  # the engine may read this `<` as less-than and the inside as code
                inner = t.text[1:-1]
                m = danger.search(inner)
                if m:
                    raise _refusal(m.group(1))
                if "'" in inner:
                    raise UnsafeQueryError(
                        "refused: an IRI holding a quote (') written right after a value; the engine "
                        "may read its '<' as less-than. Put a space after '<' or escape the quote as %27.")
                if "#" in inner:
                    long_string_after_hash_until = _line_end(text, t.start)
            prev = t
            continue
        m = danger.search(t.text)
        if m:
            raise _refusal(m.group(1))
        kw = t.text.upper() if t.kind == "word" else None
        if mode == "query" and kw in UPDATE_KEYWORDS and t.depth == 0:
            raise UnsafeQueryError("SPARQL updates are not accepted here: this is a read-only query interface")
        if kw == "PREFIX" and i + 2 < len(toks) and toks[i + 1].kind == "pname" and toks[i + 2].kind == "iri":
            prefixes[toks[i + 1].text[:-1]] = toks[i + 2].text[1:-1]
        if kw == "FROM" and mode == "query" and allowed is not None:
            _check_from(toks, i, prefixes, allowed)
        prev = t
    chain = sum(1 for t in toks if (t.kind == "punct" and t.text in _CHAIN_PUNCT)
                or (t.kind == "word" and t.text.upper() in _CHAIN_WORDS))
    if chain > max_chain:
        raise QueryTooComplexError(
            f"the query has {chain} operators and pattern joins; this server refuses more than {max_chain} "
            "before running it (the engine's parser would overflow its stack). Use VALUES or IN (...) "
            "for long lists of alternatives.")


def _check_from(toks: list[GuardToken], i: int, prefixes: dict[str, str], allowed: frozenset[str]) -> None:
    j = i + 1
    while j < len(toks) and toks[j].kind == "comment":
        j += 1
    if j < len(toks) and toks[j].kind == "word" and toks[j].text.upper() == "NAMED":
        j += 1
        while j < len(toks) and toks[j].kind == "comment":
            j += 1
    target = toks[j] if j < len(toks) else None
    iri = None
    if target is not None and target.kind == "iri":
        iri = target.text[1:-1]
    elif target is not None and target.kind == "pname" and "\\" not in target.text and "%" not in target.text:
        prefix, _, local = target.text.partition(":")
        if prefix in prefixes:
            iri = prefixes[prefix] + local
    if iri is None or iri not in allowed:
        shown = iri if iri is not None else (target.text if target else "nothing")
        raise UnsafeQueryError(
            f"FROM <{shown}> is refused: only the dataset's own graphs may be named, by their full IRI "
            f"({', '.join(sorted(allowed))}); nothing is fetched from the network or the disk.")


def _inspect(text: str, mode: str, allowed: frozenset[str] | None, max_depth: int) -> None:
    readings = [text]
    plain = _decoded(text)
    if plain != text:
        readings.append(plain)
    for reading in readings:
        try:
            _check_reading(reading, mode, allowed, max_depth)
        except UnreadableQuery as exc:
            m = _MENTIONS.search(reading)
            if m:
                raise UnsafeQueryError(
                    f"refused: the query mentions {m.group(0).upper()} (at character {m.start()}, perhaps in "
                    f"a comment or a string) and the safety check cannot read all of it: {exc} at character "
                    f"{exc.pos}. Fix the syntax, or write the query without that word.") from None
            # it cannot name a service or a graph: the engine's parser will say what is wrong


class _VerdictCache:
    """Verdicts by the SHA-256 of the text: bounded in entries, hence in bytes (a key is 32 bytes)."""

    def __init__(self, size: int = 4096):
        self.size = size
        self._items: OrderedDict[tuple, BaseException | None] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple) -> tuple[bool, BaseException | None]:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return True, self._items[key]
        return False, None

    def put(self, key: tuple, verdict: BaseException | None) -> None:
        with self._lock:
            self._items[key] = verdict
            while len(self._items) > self.size:
                self._items.popitem(last=False)


_CACHE = _VerdictCache()


def inspect(text: str, *, mode: str = "query", allowed_graphs: Iterable[str] | None = None,
            max_depth: int = MAX_DEPTH, max_chars: int = MAX_CHARS) -> None:
    """Raise `UnsafeQueryError` (or `QueryTooComplexError`) if the query or update (`mode`) is refused.

    `allowed_graphs`: the graphs FROM may name (None: FROM is not checked). Fails closed: an error in
    the guard itself refuses the query.
    """
    if mode not in _DANGER:
        raise ValueError(f"mode must be 'query' or 'update', not {mode!r}")
    if len(text) > max_chars:
        raise QueryTooComplexError(f"the query is {len(text)} characters long; the safety check reads at "
                                   f"most {max_chars}")
    allowed = frozenset(allowed_graphs) if allowed_graphs is not None else None
    key = (hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest(), mode,
           hash(allowed), max_depth)
    hit, verdict = _CACHE.get(key)
    if not hit:
        try:
            _inspect(text, mode, allowed, max_depth)
            verdict = None
        except UnsafeQueryError as exc:
            verdict = exc
        except Exception as exc:  # a bug in the guard must not let a query through
            verdict = UnsafeQueryError(f"refused: the safety check failed on this query ({type(exc).__name__})")
        _CACHE.put(key, verdict)
    if verdict is not None:
        raise type(verdict)(str(verdict))


def check(text: str, allowed_graphs: Iterable[str] | None = None) -> None:
    """The query guard with the defaults (a read-only query)."""
    inspect(text, mode="query", allowed_graphs=allowed_graphs)
