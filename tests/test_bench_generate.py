"""bench/generate.py: the scaled graphs the benchmarks build are deterministic replicas of the seed."""
from __future__ import annotations

import pyoxigraph as ox

from bench.generate import generate, seed_nquads
from kg.namespaces import PREFIXES
from tests.conftest import REPO

PDI = PREFIXES["pdi"]


def _quads(path):
    return list(ox.parse(path.read_bytes(), format=ox.RdfFormat.TRIG))


def test_same_seed_same_bytes_and_each_replica_is_the_seed_renamed(tmp_path):
    repo_root = REPO
    generate(repo_root, tmp_path / "a", factor=2)
    generate(repo_root, tmp_path / "b", factor=2)
    for name in ("replica-0000.trig", "replica-0001.trig"):
        assert (tmp_path / "a/data" / name).read_bytes() == (tmp_path / "b/data" / name).read_bytes()
    seed = seed_nquads(repo_root)
    zero, one = _quads(tmp_path / "a/data/replica-0000.trig"), _quads(tmp_path / "a/data/replica-0001.trig")
    assert len(zero) == len(seed)
    # replica 1 drops only the Wikidata links (a Wikidata item names one real thing)
    exact = sum(1 for line in seed if "skos/core#exactMatch" in line)
    assert exact > 0 and len(one) == len(seed) - exact
    # no instance and no passage graph is shared between the replicas
    def instances(quads):
        return {str(t.value) for q in quads for t in (q.subject, q.object, q.graph_name)
                if isinstance(t, ox.NamedNode) and t.value.startswith(PDI)}
    assert instances(zero) and not instances(zero) & instances(one)
    assert all(isinstance(q.graph_name, ox.NamedNode) for q in one)
