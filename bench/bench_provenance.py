"""What statement-level provenance costs, two ways, on the seed and on replicas of it: the
reification graph the build writes (`graph/provenance`, one statement per asserted triple) and
the passage graphs kept as named graphs (queried with `GRAPH ?passage`). Prints build time, quads,
N-Quads bytes and the time of `statement-sources` for every asserted triple and for one. Not a test.

    .venv/bin/python bench/bench_provenance.py --factors 1 10
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from kg.build.provenance import provenance_lines, provenance_quads  # noqa: E402
from kg.build.sources import load_tree  # noqa: E402
from kg.namespaces import GRAPH_DATA  # noqa: E402
from kg.query.catalogue import load_catalogue  # noqa: E402

# statement-sources' question asked of the passage graphs themselves: which graphs hold the triple
NAMED_GRAPHS_QUERY = """PREFIX pd: <https://w3id.org/paradiplomacy/ontology#>
SELECT DISTINCT ?s ?p ?o ?source ?quote WHERE {
  GRAPH ?source { ?s ?p ?o }
  OPTIONAL { GRAPH <https://w3id.org/paradiplomacy/graph/data> { ?source pd:quote ?quote } }
}"""


def _median_ms(f, n: int = 5) -> float:
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        f()
        out.append((time.perf_counter() - t0) * 1000)
    return statistics.median(out)


def measure(root: Path) -> None:
    tree = load_tree(root)
    data_g = ox.NamedNode(str(GRAPH_DATA))
    data = [ox.Quad(q.subject, q.predicate, q.object, data_g) for q in tree.sourced_quads]
    t0 = time.process_time()
    lines = provenance_lines(tree.sourced_quads)  # what the build makes: N-Quads lines
    build_s = time.process_time() - t0
    text_mb = sum(len(x) + 1 for x in lines) / 1e6
    del lines
    t0 = time.process_time()
    reified = provenance_quads(tree.sourced_quads)  # the same statements as term objects
    quads_s = time.process_time() - t0
    print(f"  reification made as N-Quads lines (the build) {build_s:6.2f} s CPU ({text_mb:.1f} MB of text); "
          f"as pyoxigraph quads {quads_s:6.2f} s CPU")
    q = load_catalogue(REPO)["statement-sources"]
    one = tree.sourced_quads[0]
    for name, quads, text, made in (
            ("reification (graph/provenance)", data + reified, q.text, build_s),
            ("passage graphs, GRAPH ?passage", data + list(tree.sourced_quads), NAMED_GRAPHS_QUERY, 0.0)):
        store = ox.Store()
        store.extend(quads)
        size = len(ox.serialize(quads, format=ox.RdfFormat.N_QUADS))
        extra = len(store) - len(set(data))
        all_ms = _median_ms(lambda: list(store.query(text)), 3)
        bound = text.replace("WHERE {", f"WHERE {{ VALUES (?s ?p ?o) {{ ({one.subject} {one.predicate} {one.object}) }}", 1)
        one_ms = _median_ms(lambda: list(store.query(bound)))
        print(f"  {name:<32} {made:6.2f} s CPU to make  {extra:8d} quads beyond graph/data  "
              f"{size / 1e6:7.1f} MB N-Quads  every triple's sources {all_ms:8.1f} ms  one triple's {one_ms:6.2f} ms")


def main(argv=None) -> int:
    import gc

    gc.disable()  # as the build runs (kg.build.jsonld.gc_paused, as in kg.build.pipeline)
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--factors", type=int, nargs="*", default=[1, 10])
    args = ap.parse_args(argv)
    from bench.generate import generate

    for factor in args.factors:
        with tempfile.TemporaryDirectory(prefix="kg-prov-") as tmp:
            root = REPO if factor == 1 else Path(generate(REPO, Path(tmp) / "tree", factor=factor)["out"])
            print(f"{factor}x:")
            measure(root)
    return 0


if __name__ == "__main__":
    sys.exit(main())
