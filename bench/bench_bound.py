"""Benchmark: each canned query with parameters on pyoxigraph, two ways, over one built dataset.

    .venv/bin/python bench/bench_bound.py [--root /tmp/kg-10x] [--runs 10] [--given]

- as sent: the text `kg query --endpoint` sends, its parameters bound by VALUES blocks
  (`bind_with_values`), run as it is (what the Oxigraph server, and `kg serve` before it recognised
  its canned queries, run);
- as recognised: the canned query with the same bindings through `OxigraphEngine.evaluate`, as the
  embedded engine and `kg serve`'s workers run it (`kg.query.recognise`): the label language written
  in as a constant, the projected parameters substituted; its rewritten text made once and kept.

Prints the CPU milliseconds of each (pyoxigraph's query and its JSON writer; the mean of --runs runs
after one to warm up), their ratio, and whether the two answers are the same bytes; then the totals.
Exits 1 if any answer differs. Defaults bound (`--given`: `lang=id` too). A measurement, not a
timed test: read the ratios on a shared machine.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pyoxigraph as ox  # noqa: E402

from kg.query.binding import bind_with_values  # noqa: E402
from kg.query.catalogue import load_catalogue  # noqa: E402
from kg.query.embedded import OxigraphEngine  # noqa: E402
from kg.terms import to_oxigraph  # noqa: E402


def _json(res) -> bytes:
    if isinstance(res, ox.QuerySolutions):
        return res.serialize(format=ox.QueryResultsFormat.JSON)
    return repr(bool(res)).encode()


def _cpu_ms(f, runs: int) -> float:
    f()
    t0 = time.process_time()
    for _ in range(runs):
        f()
    return 1000 * (time.process_time() - t0) / runs


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", type=Path, default=ROOT, help="a built tree (its dist/paradiplomacy.nq)")
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--given", action="store_true", help="bind lang=id as well as the defaults")
    args = ap.parse_args(argv)
    nq = args.root / "dist" / "paradiplomacy.nq"
    if not nq.is_file():
        print(f"no {nq}: build it first (kg --root {args.root} build)", file=sys.stderr)
        return 2
    engine = OxigraphEngine.from_nquads(nq)
    catalogue = load_catalogue(ROOT)
    totals, differ = [0.0, 0.0], []
    print(f"{'query':42s} {'as sent':>9s} {'recognised':>11s} {'ratio':>6s}  same")
    for q in sorted(catalogue.values(), key=lambda q: q.name):
        if q.role != "report" or not q.params:
            continue
        given = {"lang": "id"} if args.given and q.has_param("lang") else {}
        bindings = {k: v for k, v in q.bind(given).items() if v is not None}
        sent = bind_with_values(q.text, bindings)
        subs = {k: to_oxigraph(v) for k, v in bindings.items()}
        a = _cpu_ms(lambda: _json(engine.evaluate(sent)), args.runs)
        b = _cpu_ms(lambda: _json(engine.evaluate(q.text, subs)), args.runs)
        same = _json(engine.evaluate(sent)) == _json(engine.evaluate(q.text, subs))
        if not same:
            differ.append(q.name)
        totals[0] += a
        totals[1] += b
        print(f"{q.name:42s} {a:8.2f}  {b:10.2f}  {a / b if b else float('inf'):5.2f}x  {same}")
    print(f"{'total':42s} {totals[0]:8.2f}  {totals[1]:10.2f}  {totals[0] / totals[1]:5.2f}x  "
          f"(CPU ms, {nq}, {len(engine.store)} quads)")
    if differ:
        print("different answers: " + ", ".join(differ), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
