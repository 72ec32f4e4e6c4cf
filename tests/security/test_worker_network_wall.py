"""The second wall (issue 21, item 1): a query worker runs in a network namespace of its own where
the platform allows it, so that SERVICE or LOAD would find no network even if the guard let one
through. Tested alone: a process that puts up the wall with `isolate_network` and then sends a
SERVICE query straight to pyoxigraph (no guard) must not reach the canary; `/health` says which
walls are up."""
from __future__ import annotations

import subprocess
import sys
import time

import httpx
import pytest

from tests.security.canary import Canary
from tests.server_support import LiveServer, config_for

PROBE = """
import sys, socket
import pyoxigraph as ox
from kg.serve.worker import isolate_network
state = isolate_network()
print(state)
if state != "isolated":
    sys.exit(0)
try:
    list(ox.Store().query("SELECT * WHERE { SERVICE <http://127.0.0.1:%s/sparql> { ?s ?p ?o } }"))
except Exception as exc:
    print("query failed:", type(exc).__name__)
try:
    socket.create_connection(("127.0.0.1", %s), timeout=2)
    print("connected")
except OSError as exc:
    print("no connection:", exc.errno)
"""


def _wall_state() -> str:
    out = subprocess.run([sys.executable, "-c", "from kg.serve.worker import isolate_network; print(isolate_network())"],
                         capture_output=True, text=True, timeout=60)
    return out.stdout.strip()


def test_isolated_worker_cannot_reach_the_canary():
    state = _wall_state()
    if sys.platform.startswith("linux") and state != "isolated":
        pytest.fail(f"network namespaces are refused on this Linux machine ({state}); the README says "
                    "the server then runs with the guard alone")
    with Canary() as c:
        out = subprocess.run([sys.executable, "-c", PROBE % (c.port, c.port)], capture_output=True, text=True,
                             timeout=60)
        time.sleep(0.1)
        assert out.returncode == 0, out.stderr
        assert out.stdout.startswith("isolated") and "connected\n" not in out.stdout, out.stdout
        assert c.heard == []


def test_the_control_an_unisolated_process_does_reach_the_canary():
    with Canary() as c:
        probe = PROBE.replace("state = isolate_network()", "state = 'isolated'")
        subprocess.run([sys.executable, "-c", probe % (c.port, c.port)], capture_output=True, text=True, timeout=60)
        time.sleep(0.1)
        assert c.heard


def test_health_says_which_walls_are_up(real_dist):
    with LiveServer(config_for(real_dist)) as s, httpx.Client(base_url=s.url) as c:
        h = c.get("/health").json()
    from kg.serve.config import default_workers

    assert h["status"] == "ok" and h["alive"] == h["workers"] == default_workers()
    assert h["walls"]["network"] == _wall_state()
    assert h["walls"]["memory"].startswith("limited to")
    assert len(h["dataset"]["generation"]) == 16 and h["dataset"]["quads"] > 0
