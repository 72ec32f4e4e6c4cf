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

    A query the parser cannot read passes through: the engine reports the syntax error itself.
    """
    if not _SUSPICIOUS.search(text):
        return
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parser import parseQuery

    allowed = {str(g) for g in (allowed_graphs if allowed_graphs is not None else DATASET_GRAPHS)}
    try:
        tree = parseQuery(text)
    except Exception:
        if any(t.keyword in UPDATE_KEYWORDS for t in significant(text) if t.depth == 0):
            raise UnsafeQueryError("SPARQL updates are not accepted here: this is a read-only query interface")
        return
    for node in _walk(tree, ParseResults):
        name = getattr(node, "name", None)
        if name == "ServiceGraphPattern":
            raise UnsafeQueryError(
                "SERVICE is refused: federated queries would make this server reach the network. "
                "Query the remote endpoint directly instead.")
        if name == "DatasetClause":
            iri = node.get("default") or node.get("named")
            if str(iri) not in allowed:
                raise UnsafeQueryError(
                    f"FROM <{iri}> is refused: only the dataset's own graphs may be named "
                    f"({', '.join(sorted(allowed))}); nothing is fetched from the network or the disk.")

