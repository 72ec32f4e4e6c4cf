"""Choosing an engine by name: the embedded ones of `kg.query.embedded`, or the embedded pyoxigraph
engine in a killable child process (`kg.query.child`). A module of its own so that `embedded` need
not import `child`, which imports `embedded` (no import circle)."""
from __future__ import annotations

from pathlib import Path

from kg.query.embedded import Engine, OxigraphEngine, RdflibEngine

__all__ = ["load_engine"]


def load_engine(name: str, nquads: Path, *, stoppable: bool = False) -> Engine:
    """An engine by name ('oxigraph' or 'rdflib') over the built dataset file. `stoppable`: the
    oxigraph engine in a child process killed at each query's time limit (`kg.query.child`; in
    this process the limit is checked only between rows, so a query returning no row runs on)."""
    if name == "oxigraph":
        if stoppable:
            from kg.query.child import ChildOxigraphEngine

            return ChildOxigraphEngine(nquads)
        return OxigraphEngine.from_nquads(nquads)
    if name == "rdflib":
        return RdflibEngine.from_nquads(nquads)
    raise ValueError(f"unknown engine {name!r}: choose 'oxigraph' or 'rdflib' (or --endpoint URL)")
