"""Refuse queries that would make the program reach the network or the disk on its own.

`SERVICE` (federation), `FROM`/`FROM NAMED` with a graph that is not one of the dataset's own
(rdflib would fetch it), `LOAD`, and any update (`INSERT`, ... belong to the update endpoint, which
is off unless the operator opts in). The reading itself is `kg.query.guard`: our own, linear in the
query's length, bounded in depth and size, failing closed on what it cannot read. It does not ask
another parser (rdflib's) what the engine will do.
"""
from __future__ import annotations

from typing import Iterable

from kg.errors import UnsafeQueryError
from kg.namespaces import DATASET_GRAPHS
from kg.query.guard import QueryTooComplexError, inspect

__all__ = ["UnsafeQueryError", "QueryTooComplexError", "check_query", "check_update"]


def check_query(text: str, allowed_graphs: Iterable[str] | None = None) -> None:
    """Raise `UnsafeQueryError` if the query uses SERVICE, LOAD, an update, or a FROM graph outside
    `allowed_graphs` (default: the dataset's graphs); `QueryTooComplexError` if it nests brackets too
    deeply for the engine's parser."""
    allowed = {str(g) for g in (allowed_graphs if allowed_graphs is not None else DATASET_GRAPHS)}
    inspect(text, mode="query", allowed_graphs=allowed)


def check_update(text: str) -> None:
    """Raise `UnsafeQueryError` if the update uses LOAD or SERVICE (or cannot be read and mentions them)."""
    inspect(text, mode="update")
