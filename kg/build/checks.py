"""The `queries/*-violation.rq` checks: queries that must return no rows (or ASK false) on the
built dataset, or the build fails. They run on the canonical dataset, inferences included, after
SHACL and reasoning (`kg.build.pipeline`)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from kg.terms import short

__all__ = ["ViolationQueryFailure", "run_violation_queries"]


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
