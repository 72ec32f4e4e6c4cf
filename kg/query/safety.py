"""Refuse queries that would make the program reach the network or the disk on its own.

`SERVICE` (federation), `FROM`/`FROM NAMED` with a graph that is not one of the dataset's own
(rdflib would fetch it), and any update (`LOAD`, `INSERT`, ... belong to the update endpoint,
which is off unless the operator opts in). The check parses the query, so a keyword inside a
string literal or a comment is not mistaken for the operation.
"""
from __future__ import annotations

import re
from typing import Iterable

from kg.errors import UnsafeQueryError
from kg.namespaces import DATASET_GRAPHS
from kg.query.lexer import UPDATE_KEYWORDS, significant

_SUSPICIOUS = re.compile(r"\b(SERVICE|FROM|LOAD)\b", re.IGNORECASE)
_SERVICE = re.compile(r"\bSERVICE\b", re.IGNORECASE)
# SPARQL's codepoint escapes may stand for any character of the query (SPARQL 1.1, 19.2)
_CODEPOINT = re.compile(r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}")


def _unescaped(text: str) -> str:
    return _CODEPOINT.sub(lambda m: chr(min(int(m.group(0)[2:], 16), 0x10FFFF)), text)



def _walk(node, results_type):
    """Every node of rdflib's parse tree; `results_type` is pyparsing's ParseResults (imported by the
    caller on first use, so the query workers start without pyparsing)."""
    yield node
    if isinstance(node, results_type):
        for v in node:
            yield from _walk(v, results_type)
        for v in node.values() if hasattr(node, "values") else []:
            yield from _walk(v, results_type)
    elif isinstance(node, dict):  # rdflib's CompValue (SelectQuery, GroupGraphPatternSub, ...) is a dict
        for v in node.values():
            yield from _walk(v, results_type)
    elif isinstance(node, (list, tuple)):
        for v in node:
            yield from _walk(v, results_type)


def check_query(text: str, allowed_graphs: Iterable[str] | None = None) -> None:
    """Raise `UnsafeQueryError` if the query uses SERVICE or a FROM graph outside the dataset.

    The guard fails closed: a query that mentions SERVICE, FROM or LOAD (anywhere, even in a
    comment or a string) is accepted only if rdflib's parser reads all of it and finds no SERVICE
    and no outside graph, and, where SERVICE is written, the project's lexer also reads it as
    something other than a keyword. A query the guard cannot read (SPARQL 1.2 syntax rdflib does
    not know, escapes in names, codepoint escapes, nesting deeper than the parser goes) is refused
    with the reason. A query that mentions none of the three words cannot name a remote endpoint
    and goes to the engine unchecked.
    """
    plain = _unescaped(text)
    if not _SUSPICIOUS.search(text) and not _SUSPICIOUS.search(plain):
        return
    if plain != text:
        raise UnsafeQueryError(
            "refused: codepoint escapes (\\u..., \\U...) in a query that mentions SERVICE, FROM or "
            "LOAD; the safety check does not read through them. Write the characters themselves.")
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parser import parseQuery

    allowed = {str(g) for g in (allowed_graphs if allowed_graphs is not None else DATASET_GRAPHS)}
    try:
        tree = parseQuery(text)
    except Exception as exc:  # RecursionError (deep nesting) included: what is not read is refused
        if any(t.keyword in UPDATE_KEYWORDS for t in significant(text) if t.depth == 0):
            raise UnsafeQueryError("SPARQL updates are not accepted here: this is a read-only query interface")
        reason = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        raise UnsafeQueryError(
            "refused: the query mentions SERVICE, FROM or LOAD and the safety check cannot read all "
            f"of it ({reason}). Fix its syntax (SPARQL 1.1), or write it without those words, in "
            "comments and strings too.") from None
    for node in _walk(tree, ParseResults):
        name = getattr(node, "name", None)
        if name == "ServiceGraphPattern":
            raise UnsafeQueryError(
                "SERVICE is refused: federated queries would make this server reach the network. "
                "Query the remote endpoint directly instead.")
        if name == "DatasetClause":
            # rdflib's CompValue.get returns the key's own name when the key is missing
            iri = node["default"] if "default" in node else node["named"] if "named" in node else None
            if str(iri) not in allowed:
                raise UnsafeQueryError(
                    f"FROM <{iri}> is refused: only the dataset's own graphs may be named "
                    f"({', '.join(sorted(allowed))}); nothing is fetched from the network or the disk.")
    if _SERVICE.search(text) and ("\\" in text or any(t.keyword == "SERVICE" for t in significant(text))):
        raise UnsafeQueryError(
            "refused: SERVICE is written where the safety check cannot tell that it is not the "
            "keyword (a backslash escape in the query, or the two readers of the query disagree). "
            "Remove the word SERVICE, or the backslash escapes.")
