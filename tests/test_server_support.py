"""Helpers for the server tests (no tests here): the fixture dataset and a live uvicorn server.

The server runs for real: uvicorn bound to 127.0.0.1 on a free port in a thread, with its query
worker processes; tests talk to it over HTTP with httpx (or Chromium).
"""
from __future__ import annotations

import os
import socket
import threading
import time
from pathlib import Path

import uvicorn
from rdflib import Dataset, Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF

from kg.serve.app import ServerConfig, create_app

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures"
DATASET_TRIG = FIXTURES / "server" / "dataset.trig"
BASE = "https://w3id.org/paradiplomacy/"
VOID = Namespace("http://rdfs.org/ns/void#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_dist(folder: Path, trig: Path = DATASET_TRIG) -> Path:
    """A small dist/ made from a TriG fixture: the N-Quads, the ontology and a VoID file."""
    folder.mkdir(parents=True, exist_ok=True)
    ds = Dataset()
    ds.parse(trig, format="trig")
    nq = sorted(line for line in ds.serialize(format="nquads").splitlines() if line.strip())
    (folder / "paradiplomacy.nq").write_text("\n".join(nq) + "\n", encoding="utf-8")
    onto = Graph()
    for t in ds.graph(URIRef(BASE + "graph/ontology")):
        onto.add(t)
    onto.serialize(folder / "ontology.ttl", format="turtle")
    void = Graph()
    d = URIRef(BASE + "dataset")
    void.add((d, RDF.type, VOID.Dataset))
    void.add((d, RDF.type, DCAT.Dataset))
    void.add((d, VOID.sparqlEndpoint, URIRef(BASE + "sparql")))
    # download URLs laid out as kg build writes them (dataset/VERSION/FILE)
    for name in ("paradiplomacy.nq", "ontology.ttl"):
        dist = URIRef(BASE + "dataset/0.1.0/" + name)
        void.add((d, VOID.dataDump, dist))
        void.add((d, DCAT.distribution, URIRef(BASE + "dataset/0.1.0/" + name + "#distribution")))
        void.add((URIRef(BASE + "dataset/0.1.0/" + name + "#distribution"), DCAT.downloadURL, dist))
    void.add((d, DCTERMS.title, __import__("rdflib").Literal("fixture", lang="en")))
    void.serialize(folder / "void.ttl", format="turtle")
    return folder


def shared_dir() -> Path:
    """The shared/ folder beside the checkout (or $KG_SHARED); its absence is an error, not a skip."""
    env = os.environ.get("KG_SHARED")
    path = Path(env) if env else HERE.parent.parent / "shared"
    if not path.is_dir():
        raise RuntimeError(f"shared/ not found at {path}: set KG_SHARED to the folder holding w3c/ "
                           "(CI copies it beside the checkout)")
    return path


class LiveServer:
    """`create_app(config)` served by uvicorn on 127.0.0.1:<free port> in a thread."""

    def __init__(self, config: ServerConfig):
        self.config = config
        self.app = create_app(config)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(self.app, host="127.0.0.1", port=self.port,
                                                    log_level="warning", lifespan="on"))
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
    def kg(self):
        return self.app.state.kg
