"""Regression: `kg --root X push` pushed the checkout's dataset instead of X's.

The bug: without `--dataset`, `kg push` loaded `project_root()`'s build -- $KG_ROOT or the checkout --
and never looked at `--root`. Fixed in 537901d ("Layout that shows the pipeline: ...": every command
finds its dataset through `kg.cli.dataset()`, which reads `--root`).

The test runs the real command, `python -m kg --root X push`, as a process, into the real Oxigraph
server the store tests start (tests/conftest_stores.py), with X the built miniature tree
(tests/fixtures/build) and $KG_ROOT pointing at the project's real build (`real_dist`), which stands
for "the checkout". It pushes into a graph of its own (`--graph`), so the graphs the other store tests
read stay as they are, and checks that the store holds X's triples, counted and by a triple only X has.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from conftest import REPO
from kg.query.remote import RemoteEngine

pytestmark = pytest.mark.stores

TARGET = "https://w3id.org/paradiplomacy/test-graph/issue-kg-root-push"
ONLY_IN_X = ('PREFIX ex: <http://example.org/test#>\n'
             'SELECT ?r WHERE { <https://w3id.org/paradiplomacy/id/flanders> ex:relationWithCentre ?r }')


def quads(root: Path) -> int:
    return sum(1 for line in (root / "dist" / "paradiplomacy.nq").read_text(encoding="utf-8").splitlines() if line)


@pytest.mark.parametrize("store", ["oxigraph-server"], indirect=True)
def test_kg_root_x_push_pushes_x_not_the_checkout(store, built_fixture, real_dist):
    x, checkout = built_fixture, real_dist.parent
    assert quads(x) != quads(checkout)  # the two trees can be told apart
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["KG_ROOT"] = str(checkout)
    try:
        p = subprocess.run([sys.executable, "-m", "kg", "--root", str(x), "push", "--graph", TARGET,
                            *store.push_args()], cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
        assert p.returncode == 0, p.stderr
        # the fixture's three graphs share no triple, so one graph holds as many as X's file has quads
        assert f"pushed {quads(x):,} triples" in p.stdout, p.stdout
        remote = RemoteEngine(store.query_url, default_graphs=[TARGET])
        (row,) = remote.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows
        assert int(row["n"]) == quads(x)
        assert [str(r["r"]) for r in remote.query(ONLY_IN_X).rows] == ["cooperative"]
    finally:
        httpx.delete(store.store_url, params={"graph": TARGET}, timeout=30)
