"""The canned queries recognised in the texts a SPARQL endpoint receives.

`kg query NAME --endpoint URL` (and `bench/load_test.py`) send a canned query with its parameters
bound by VALUES blocks (`kg.query.binding.bind_with_values`): the only way to bind them on any
endpoint. The embedded engine binds them otherwise: pyoxigraph substitutes the projected ones, and
the others (the label language, used only in FILTERs) are written in as constants
(`inline_terms`), which pyoxigraph plans better than a VALUES block in a group (it evaluates the
group whole before the join). At 10x, pyoxigraph's CPU for the 22 canned queries with parameters,
each with its defaults (`bench/bench_bound.py`): 169 ms as the VALUES text, 82 ms so
(network-memberships 17.8 against 0.5 ms, relation-evidence 7.9 against 0.3 ms; two are slower so,
agreement-fates and agreements-of-actor, 0.8 against 1.2-1.6 ms: their actor substituted).

`CannedTexts.match` takes a text for canned query Q with bindings B only if the text, its comments
and runs of white space made one space, is exactly the text `bind_with_values(Q.text, B)` gives
once made the same way: the text is made again from B and compared, so the question is the one the
text asks, and `kg serve` answers it as `kg query NAME` does. The two forms give the same answers:
`tests/test_queries.py` asks each canned query with a label language both ways on pyoxigraph,
`tests/test_stores.py` every canned query as VALUES text on the Oxigraph server and Virtuoso beside
the embedded engine, `tests/test_recognise.py` each through a real `kg serve` beside pyoxigraph
answering the text as sent, and `bench/bench_bound.py` writes both answers' bytes. Anything
else (another query, a text edited) is not recognised, and runs as sent. The matches are kept (by text, a bounded number), so that a text
sent again costs a dictionary look-up; so are the misses.
"""
from __future__ import annotations

import re
import threading
from collections import OrderedDict
from typing import Mapping

from rdflib.term import Node
from rdflib.util import from_n3

from kg.query.binding import bind_with_values
from kg.query.lexer import tokens

__all__ = ["CannedTexts", "compact"]

# one VALUES block of one row, as `bind_with_values` writes it (once compacted): its row holds no
# parenthesis outside a string, so a block of several rows (a canned query's own) is not one
_BLOCK = re.compile(r' ?VALUES \(((?: ?\?[A-Za-z_][A-Za-z0-9_]*)+)\) \{ \(((?:[^()"]|"(?:[^"\\]|\\.)*")*)\) \} ?')
# the terms of a row: an IRI, or a literal with its language tag or datatype IRI
_TERM = re.compile(r'<[^<>"{}|^`\\\s]*>|"(?:[^"\\]|\\.)*"(?:@[A-Za-z]+(?:-[A-Za-z0-9]+)*|\^\^<[^<>"{}|^`\\\s]*>)?')
_SPACE = re.compile(r"\s+")


def compact(text: str) -> str:
    """The query's text with each comment and run of white space made one space (outside strings
    and IRIs, which the lexer keeps whole), stripped."""
    out: list[str] = []
    for t in tokens(text):
        if t.kind not in ("ws", "comment"):
            out.append(t.text)
        elif out and out[-1] != " ":
            out.append(" ")
    return "".join(out).strip()


def _key(text: str) -> str:
    """A look-up key of a compacted text: without its white space (lossy, so a match found by it is
    checked by making the text again)."""
    return _SPACE.sub("", text)


class CannedTexts:
    """The canned queries of a catalogue (name -> `kg.query.catalogue.CannedQuery`), recognised in
    texts sent with their parameters bound by VALUES blocks. Thread-safe."""

    def __init__(self, catalogue: Mapping[str, object], size: int = 256):
        self._queries = [q for q in catalogue.values() if getattr(q, "params", None)]
        # a longer text cannot be one of them bound (its terms are short): not read at all, so that
        # a client sending large texts costs the server's event loop no lexer pass over each
        # (nor kept: the texts kept are at most this long, 256 of them a few megabytes)
        self._longest = 2 * max((len(q.text) for q in self._queries), default=0) + 4096
        self._by_key: dict[str, object] | None = None  # made on the first look-up
        self._seen: OrderedDict[str, tuple | None] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def seen(self, text: str) -> "tuple[bool, tuple[object, dict[str, Node]] | None]":
        """(True, what `match` gave) if `text` was matched before and is still kept, else (False,
        None): a dictionary look-up, where `match` may read the text (the server then runs it in a
        thread, off its event loop: up to ~10 ms for the longest texts it reads)."""
        with self._lock:
            if text in self._seen:
                self._seen.move_to_end(text)
                return True, self._seen[text]
        return False, None

    def match(self, text: str) -> "tuple[object, dict[str, Node]] | None":
        """(canned query, bindings) if `text` is that query with those bindings bound by VALUES
        blocks (`bind_with_values`), else None."""
        if len(text) > self._longest or "VALUES" not in text:
            return None  # (not kept: a look at the text is as quick as one in the dictionary)
        known, found = self.seen(text)
        if known:
            return found
        try:
            found = self._match(text)
        except Exception:  # a text the recogniser cannot read is simply not recognised
            found = None
        with self._lock:
            self._seen[text] = found
            while len(self._seen) > self._size:
                self._seen.popitem(last=False)
        return found

    def _match(self, text: str) -> "tuple[object, dict[str, Node]] | None":
        if self._by_key is None:
            self._by_key = {_key(compact(q.text)): q for q in self._queries}
        sent = compact(text)
        terms: dict[str, str] = {}
        clash = False

        def lift(m: re.Match) -> str:
            nonlocal clash
            names = m.group(1).split()
            row = _TERM.findall(m.group(2))
            if len(row) != len(names) or " ".join(row) != m.group(2):
                return m.group(0)  # not a row of IRIs and literals: the query's own (prefixed names)
            for name, term in zip(names, row):
                if terms.setdefault(name[1:], term) != term:
                    clash = True
            return " "

        rest = _BLOCK.sub(lift, sent)
        if clash or not terms:
            return None
        query = self._by_key.get(_key(rest))
        if query is None or not all(query.has_param(name) for name in terms):
            return None
        bindings = {name: from_n3(term) for name, term in terms.items()}
        if compact(bind_with_values(query.text, bindings)) != sent:
            return None
        return query, bindings
