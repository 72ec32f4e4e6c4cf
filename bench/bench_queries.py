"""Benchmark: every canned query on pyoxigraph and on rdflib, and three ways to reason.

    .venv/bin/python bench/bench_queries.py [--runs 5] [--skip-rdflib-over SECONDS]

Prints, for every queries/*.rq (defaults bound), the median latency over --runs runs on the
embedded engine (pyoxigraph) and on rdflib side by side, and the number of rows.

Then the reasoning time of
  1. owlrl's full OWL-RL closure over ontology + data (`kg.build.reason.closure(method="full")`, what
     `kg build` does by default);
  2. owlrl over the data and only the ontology triples RL rules read (`method="targeted"`);
  3. only the classification axioms of ontology/relations.ttl, compiled from the ontology into
     SPARQL CONSTRUCT queries and run to a fixpoint on pyoxigraph (no owlrl at all);
with a check that all three derive the same classifications (which relations are cooperative or
conflictual, which pieces of evidence are conflict or cooperation indicators). The script exits 1
if they differ. It is a measurement, not a timed test: figures depend on the machine.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset, Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.query.embedded import OxigraphEngine, RdflibEngine  # noqa: E402
from kg.terms import to_oxigraph  # noqa: E402
from kg.build.sources import load_tree  # noqa: E402
from kg.namespaces import GRAPH_DATA, GRAPH_INFERRED, GRAPH_ONTOLOGY, PD  # noqa: E402
from kg.query.catalogue import load_catalogue  # noqa: E402
from kg.build.reason import closure, infer  # noqa: E402

CLASSIFICATION_TARGETS = (PD.ConflictIndicator, PD.CooperationIndicator,
                          PD.ConflictualRelation, PD.CooperativeRelation)


def median_ms(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


# --- compiling the classification axioms to SPARQL --------------------------------------------

def _pattern(g: Graph, cls, var: str, counter: list[int]) -> str:
    """A SPARQL group pattern true of ?var when it belongs to the OWL class expression `cls`."""
    if isinstance(cls, URIRef):
        if cls == OWL.Thing:
            return ""
        return f"?{var} a/<{RDFS.subClassOf}>* <{cls}> ."
    inter = g.value(cls, OWL.intersectionOf)
    if inter is not None:
        return " ".join(_pattern(g, m, var, counter) for m in Collection(g, inter))
    prop = g.value(cls, OWL.onProperty)
    if prop is not None:
        value = g.value(cls, OWL.hasValue)
        if value is not None:
            return f"?{var} <{prop}> <{value}> ."
        some = g.value(cls, OWL.someValuesFrom)
        if some is not None:
            counter[0] += 1
            inner = f"v{counter[0]}"
            return f"?{var} <{prop}> ?{inner} . " + _pattern(g, some, inner, counter)
    raise ValueError(f"cannot compile the class expression {cls} to SPARQL")


def compile_classification_axioms(ontology: Graph) -> list[tuple[str, str]]:
    """(axiom, CONSTRUCT) for every `X ⊑ T` with T a classification target, read from the ontology."""
    from kg.explain import render_class

    out = []
    for target in CLASSIFICATION_TARGETS:
        for sub in sorted(ontology.subjects(RDFS.subClassOf, target), key=str):
            where = _pattern(ontology, sub, "x", [0])
            out.append((f"{render_class(ontology, sub)} ⊑ {render_class(ontology, target)}",
                        f"CONSTRUCT {{ ?x a <{target}> }} WHERE {{ {where} }}"))
    return out


def sparql_classification(ontology: Graph, data: Graph) -> tuple[set, int]:
    """The classifications derived by the compiled axioms, run to a fixpoint; and the rounds it took."""
    store = ox.Store()
    store.extend([ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), ox.DefaultGraph())
                  for src in (ontology, data) for s, p, o in src])
    rules = compile_classification_axioms(ontology)
    rounds = 0
    while True:
        rounds += 1
        new = []
        for _, q in rules:
            for t in store.query(q):
                quad = ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph())
                if quad not in store:
                    new.append(quad)
        if not new:
            break
        store.extend(new)
    found = set()
    for target in CLASSIFICATION_TARGETS:
        for sol in store.query(f"SELECT ?x WHERE {{ ?x a <{target}> }}"):
            x = sol["x"]
            if isinstance(x, ox.NamedNode):
                found.add((URIRef(x.value), target))
    return found, rounds


def owlrl_classification(g: Graph) -> set:
    return {(s, t) for t in CLASSIFICATION_TARGETS for s in g.subjects(RDF.type, t) if isinstance(s, URIRef)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5, help="runs per query and engine (median reported)")
    args = ap.parse_args(argv)

    tree = load_tree(ROOT)
    print(f"dataset: {len(tree.ontology)} ontology + {len(tree.data)} data triples")

    # --- reasoning ---------------------------------------------------------------------------
    print("\nreasoning (one run each)")
    t0 = time.perf_counter()
    full, errors = closure(tree.ontology, tree.data, method="full")
    t_full = time.perf_counter() - t0
    t0 = time.perf_counter()
    targeted, _ = closure(tree.ontology, tree.data, method="targeted")
    t_targeted = time.perf_counter() - t0
    t0 = time.perf_counter()
    by_sparql, rounds = sparql_classification(tree.ontology, tree.data)
    t_sparql = time.perf_counter() - t0
    a, b = owlrl_classification(full), owlrl_classification(targeted)
    print(f"  owlrl, full closure                 {t_full * 1000:9.0f} ms  {len(full):7d} triples  "
          f"{len(a)} classifications")
    print(f"  owlrl, axioms the rules read only   {t_targeted * 1000:9.0f} ms  {len(targeted):7d} triples  "
          f"{len(b)} classifications")
    print(f"  classification axioms as SPARQL    {t_sparql * 1000:9.0f} ms  {rounds} rounds to fixpoint  "
          f"{len(by_sparql)} classifications")
    for axiom, _ in compile_classification_axioms(tree.ontology):
        print(f"      {axiom}")
    same = a == b == by_sparql
    print(f"  same classifications from all three: {'yes' if same else 'NO'}")
    if not same:
        for name, other in (("targeted owlrl", b), ("SPARQL", by_sparql)):
            if other != a:
                print(f"    {name} misses {sorted(a - other)[:10]} and adds {sorted(other - a)[:10]}")

    # --- queries -----------------------------------------------------------------------------
    rr = infer(tree.ontology, tree.data,
               construct_queries=[(q.name, q.text) for q in load_catalogue(ROOT).values() if q.role == "construct"])
    ds = Dataset(default_union=True)
    for name, g in ((GRAPH_ONTOLOGY, tree.ontology), (GRAPH_DATA, tree.data), (GRAPH_INFERRED, rr.inferred)):
        target = ds.graph(name)
        for t in g:
            target.add(t)
    oxi, ref = OxigraphEngine.from_dataset(ds), RdflibEngine(ds)
    print(f"\nqueries: median of {args.runs} runs, defaults bound (ms)")
    print(f"  {'query':<38} {'rows':>5} {'pyoxigraph':>11} {'rdflib':>10} {'ratio':>7}")
    total_o = total_r = 0.0
    for name, q in load_catalogue(ROOT).items():
        bindings = q.bind({})
        res = oxi.query(q.text, bindings)
        m_o = median_ms(lambda: oxi.query(q.text, bindings), args.runs)
        m_r = median_ms(lambda: ref.query(q.text, bindings), args.runs)
        total_o, total_r = total_o + m_o, total_r + m_r
        print(f"  {name:<38} {len(res):>5} {m_o:>11.2f} {m_r:>10.1f} {m_r / m_o if m_o else 0:>6.0f}x")
    print(f"  {'total':<38} {'':>5} {total_o:>11.1f} {total_r:>10.1f} {total_r / total_o if total_o else 0:>6.0f}x")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
