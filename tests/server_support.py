"""Helpers for the server tests (no tests here): a live uvicorn server over a dataset.

The server runs for real: uvicorn bound to 127.0.0.1 on a free port in a thread, with its query
worker processes; tests talk to it over HTTP with httpx (or Chromium). The dataset is the real
build (`real_dist`, tests/conftest.py). Where a test needs something the article does not hold (an
update, a probe for HTML escaping), it adds quads of its own in the ex: namespace, never new pd: terms.
"""
from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import uvicorn

from kg.serve.app import create_app
from kg.serve.config import ServerConfig
from kg.serve.connections import uvicorn_config

BASE = "https://w3id.org/paradiplomacy/"
EX = "http://example.org/"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def config_for(dist: Path, **limits) -> ServerConfig:
    """The configuration of `kg serve` over a built dist/ (its parent is the source tree, for queries/)."""
    return ServerConfig(nquads=dist / "paradiplomacy.nq", root=dist.parent, dist=dist, **limits)


def nquads_with(dist: Path, extra: str, dest: Path) -> Path:
    """The real dataset plus `extra` N-Quads lines, written to `dest` (dist/ itself is left alone)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_bytes((dist / "paradiplomacy.nq").read_bytes() + extra.strip().encode("utf-8") + b"\n")
    return dest


class LiveServer:
    """`create_app(config)` served by uvicorn on 127.0.0.1:<free port> in a thread."""

    def __init__(self, config: ServerConfig, **uvicorn_overrides):
        self.config = config
        self.app = create_app(config)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn_config(self.app, "127.0.0.1", self.port, config.forwarded_allow_ips,
                                                    **uvicorn_overrides))
        self.thread = threading.Thread(target=self.server.run, daemon=True, name="uvicorn-test")

    def __enter__(self) -> "LiveServer":
        self.thread.start()
        deadline = time.monotonic() + 60
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the test server did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(30)

    @property
    def endpoint(self):
        """The SPARQL endpoint (kg.serve.protocol.SparqlEndpoint): its `pool` and `cache`."""
        return self.app.state.endpoint

    @property
    def store(self):
        """The pyoxigraph store the pages read."""
        return self.app.state.resources.store
