"""The `queries/*-violation.rq` checks: queries that must return no rows (or ASK false) on the
built dataset, or the build fails. They run on the canonical dataset, inferences included, after
SHACL and reasoning (`kg.build.pipeline`); without its graph/provenance where the build answers the
two queries that read it (`kg.build.statement_checks.plan_check`)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from kg.terms import short

__all__ = ["ViolationQueryFailure", "run_violation_queries", "check_text"]


@dataclass
class ViolationQueryFailure:
    name: str
    variables: list[str]
    rows: list[dict]
    summary: str = ""

    def __str__(self) -> str:
        lines = [f"queries/{self.name}.rq returned {len(self.rows)} row(s); it must return none:"]
        if self.summary:
            lines.append(f"  ({self.summary}; the query's comments say how to fix the data)")
        for row in self.rows[:20]:
            lines.append("    " + "  ".join(f"{v}={short(row.get(v))}" for v in self.variables))
        if len(self.rows) > 20:
            lines.append(f"    ... and {len(self.rows) - 20} more")
        return "\n".join(lines)


def run_violation_queries(engine, queries: Iterable[tuple]) -> list[ViolationQueryFailure]:
    """Run each (name, text[, summary]) violation query on `engine`; the ones that returned rows."""
    from kg.query.embedded import SelectResult

    failures = []
    for name, text, *rest in queries:
        summary = rest[0] if rest else ""
        res = engine.query(text)
        if isinstance(res, SelectResult):
            if res.rows:
                failures.append(ViolationQueryFailure(name, res.variables, res.rows, summary))
        elif res is True:  # an ASK violation query: true means the problem exists
            failures.append(ViolationQueryFailure(name, [], [{}], summary))
    return failures


def check_text(sources: Iterable, violations: list, *, keep: list | None = None) -> list[ViolationQueryFailure]:
    """The check stage: the canonical N-Quads text (`sources`: chunks of bytes, or a binary stream)
    loaded into a fresh pyoxigraph store and the `violations` (name, text, summary) run on it; the
    failures. The store is let go on return (none is made when there is no query to run), unless
    `keep` is given: a list the store is put in, for a caller that ends without freeing it
    (`kg.build.checkrun`: freeing the store costs about a tenth of its load's CPU). A query that
    does not run raises `InputError`. Used by the build's process and by `kg.build.checkrun`."""
    import pyoxigraph as ox

    from kg.errors import InputError
    from kg.query.embedded import OxigraphEngine, QueryError

    if not violations:
        return []
    store = ox.Store()
    if keep is not None:
        keep.append(store)
    for source in sources:  # parsed by pyoxigraph from the text: no term object is made
        store.load(source, format=ox.RdfFormat.N_QUADS, lenient=True)  # pyoxigraph wrote it
    try:
        return run_violation_queries(OxigraphEngine(store), violations)
    except QueryError as exc:
        raise InputError(f"a violation query failed to run: {exc}") from exc
