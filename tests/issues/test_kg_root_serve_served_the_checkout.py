"""Regression: `kg --root X serve` served the checkout's dataset instead of X's.

The bug: `serve` registered its own `--root` option (default None) on its subparser, and argparse let
that default overwrite the global `--root X`; the server then built and served `project_root()` --
$KG_ROOT or the checkout -- whatever X was. Fixed in 537901d ("Layout that shows the pipeline: ...":
`add_common` gives the command's `--root` an argparse.SUPPRESS default, and every command finds its
dataset through `kg.cli.dataset()`).

The test runs the real command, `python -m kg --root X serve --port P`, as a process on 127.0.0.1,
with X the built miniature tree (tests/fixtures/build) and $KG_ROOT pointing at the project's real
build (`real_dist`), which stands for "the checkout" (the place the bug served from) without
building anything in the working tree. It asks /sparql for a triple only X's data has.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from conftest import REPO
from stores import free_port

# only the miniature tree has it (its vocabulary is ex:, which the project's data never uses)
ONLY_IN_X = ('PREFIX ex: <http://example.org/test#>\n'
             'SELECT ?r WHERE { <https://w3id.org/paradiplomacy/id/flanders> ex:relationWithCentre ?r }')
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
START_TIMEOUT_S = 60.0


@contextmanager
def kg_serve(argv: list[str], checkout: Path):
    """`python -m kg <argv>` (with --port added) as a process of its own session, $KG_ROOT=checkout;
    yields the /sparql URL once it answers, then stops the server and its workers."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["KG_ROOT"] = str(checkout)
    proc = subprocess.Popen([sys.executable, "-m", "kg", *argv, "--port", str(port), "--workers", "1"],
                            cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True)
    url = f"http://127.0.0.1:{port}/sparql"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            if proc.poll() is not None:
                pytest.fail(f"kg {' '.join(argv)} exited {proc.returncode}:\n{proc.stdout.read().decode()}")
            try:
                if httpx.get(url, params={"query": "ASK {}"}, timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"kg {' '.join(argv)} did not answer on {url} within {START_TIMEOUT_S:g} s")
            time.sleep(0.1)
        yield url
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)  # the server and the workers it started
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=5)
        proc.stdout.close()


def select(url: str, query: str) -> list[dict]:
    r = httpx.get(url, params={"query": query}, headers={"Accept": "application/sparql-results+json"}, timeout=30)
    r.raise_for_status()
    return [{k: v["value"] for k, v in b.items()} for b in r.json()["results"]["bindings"]]


def quads(root: Path) -> int:
    return sum(1 for line in (root / "dist" / "paradiplomacy.nq").read_text(encoding="utf-8").splitlines() if line)


def test_kg_root_x_serve_serves_x_not_the_checkout(built_fixture, real_dist):
    assert quads(built_fixture) != quads(real_dist.parent)  # the two trees can be told apart
    with kg_serve(["--root", str(built_fixture), "serve"], checkout=real_dist.parent) as url:
        assert select(url, ONLY_IN_X) == [{"r": "cooperative"}]
        assert select(url, COUNT) == [{"n": str(quads(built_fixture))}]


def test_root_before_and_after_serve_agree(built_fixture, real_dist):
    """`kg --root X serve` and `kg serve --root X` serve the same dataset."""
    answers = []
    for argv in (["--root", str(built_fixture), "serve"], ["serve", "--root", str(built_fixture)]):
        with kg_serve(argv, checkout=real_dist.parent) as url:
            answers.append((select(url, ONLY_IN_X), select(url, COUNT)))
    assert answers[0] == answers[1] == ([{"r": "cooperative"}], [{"n": str(quads(built_fixture))}])
