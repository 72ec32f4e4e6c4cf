"""The W3C SPARQL 1.1 Protocol test suite (34 tests) against a live `kg serve`.

The manifest (shared/w3c/sparql11-protocol/manifest.ttl) is read with rdflib; each test's HTTP
requests are sent, in order, to a real uvicorn server on 127.0.0.1. Query tests run against the
default, read-only server; update tests against a second instance started with updates enabled and
a token, which every request to it carries. The graphs the manifest names (`ut:graphData`) are
loaded into the served dataset under their labels. The suite lives in shared/ beside the checkout
(or $KG_SHARED); without it the tests skip saying so (CI, with KG_FAIL_ON_SKIP=1, fails them).
"""
from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree

import httpx
import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS

from conftest import POINT_AT_SHARED, shared_dir
from kg.serve.config import ServerConfig
from tests.server_support import LiveServer

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
HTS = "http://www.w3.org/2011/http-statusCodes#StatusCode"
TOKEN = "w3c-suite-token"

SUITE = shared_dir() / "w3c" / "sparql11-protocol"
MANIFEST = SUITE / "manifest.ttl"


def require_suite() -> None:
    if not MANIFEST.is_file():
        pytest.skip(f"the W3C SPARQL 1.1 Protocol suite is not at {SUITE}: {POINT_AT_SHARED}")


def load_manifest() -> list[dict]:
    g = Graph()
    g.parse(MANIFEST, format="turtle", publicID=MANIFEST.as_uri())
    manifest = next(g.subjects(RDF.type, MF.Manifest))
    tests = []
    for entry in Collection(g, g.value(manifest, MF.entries)):
        action = g.value(entry, MF.action)
        requests = []
        for req in Collection(g, g.value(action, HT.requests)):
            headers = {}
            hlist = g.value(req, HT.headers)
            for h in (Collection(g, hlist) if hlist is not None else []):
                headers[str(g.value(h, HT.fieldName))] = str(g.value(h, HT.fieldValue))
            body = g.value(req, HT.body)
            resp = g.value(req, HT.resp)
            requests.append({
                "method": str(g.value(req, HT.methodName)),
                "path": str(g.value(req, HT.absolutePath)),
                "headers": headers,
                "body": None if body is None else str(g.value(body, CNT.chars)),
                "encoding": None if body is None else str(g.value(body, CNT.characterEncoding)),
                "status": sorted(str(s)[len(HTS):] for s in g.objects(resp, MF.expectedStatus)),
                "format": str(g.value(resp, MF.expectedFormat) or "") or None,
                "boolean": None if g.value(resp, MF.expectedBoolean) is None
                else g.value(resp, MF.expectedBoolean).toPython(),
            })
        graph_data = [(URIRef(g.value(gd, UT.graph)), str(g.value(gd, RDFS.label)))
                      for gd in g.objects(entry, UT.graphData)]
        tests.append({"id": str(entry).split("#")[-1], "name": str(g.value(entry, MF.name)),
                      "requests": requests, "graph_data": graph_data})
    return tests


TESTS = load_manifest() if MANIFEST.is_file() else []


def test_manifest_has_the_34_protocol_tests():
    require_suite()
    assert len(TESTS) == 34
    assert sum(1 for t in TESTS if "update" in t["id"]) == 14


def _dataset(tmp: Path) -> Path:
    """Every graph the manifest names, in its named graph: the dataset the suite expects."""
    lines = []
    for t in TESTS:
        for graph_file, label in t["graph_data"]:
            path = SUITE / Path(str(graph_file)).name
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    assert line.rstrip().endswith(" ."), f"{path}: expected N-Triples lines"
                    lines.append(line.rstrip()[:-1].rstrip() + f" <{label}> .")
    out = tmp / "w3c.nq"
    out.write_text("\n".join(sorted(set(lines))) + "\n", encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def servers(tmp_path_factory, real_dist):
    require_suite()
    data = _dataset(tmp_path_factory.mktemp("w3c"))
    root = real_dist.parent  # the canned queries of the committed sources (the suite sends none)
    ro = LiveServer(ServerConfig(nquads=data, root=root, timeout_s=10))
    rw = LiveServer(ServerConfig(nquads=data, root=root, timeout_s=10, allow_updates=True, token=TOKEN))
    with ro, rw:
        yield {"read-only": ro, "updates": rw}


def _check_format(resp: httpx.Response, fmt: str, expected_bool) -> None:
    ctype = resp.headers.get("content-type", "").split(";")[0].strip()
    if fmt == "boolean":
        if ctype in ("application/sparql-results+json", "application/json"):
            value = json.loads(resp.content)["boolean"]
        elif ctype in ("application/sparql-results+xml", "application/xml"):
            node = ElementTree.fromstring(resp.content).find("{http://www.w3.org/2005/sparql-results#}boolean")
            value = node.text.strip() == "true"
        else:
            pytest.fail(f"a boolean answer came as {ctype}")
        if expected_bool is not None:
            assert value is expected_bool
    elif fmt == "tabular":
        assert ctype in ("application/sparql-results+json", "application/sparql-results+xml",
                         "text/csv", "text/tab-separated-values"), ctype
        if ctype == "application/sparql-results+json":
            assert json.loads(resp.content)["head"]["vars"] == ["value"]
    elif fmt == "RDF":
        fmts = {"text/turtle": "turtle", "application/n-triples": "nt", "application/rdf+xml": "xml",
                "application/ld+json": "json-ld"}
        assert ctype in fmts, ctype
        Graph().parse(data=resp.content, format=fmts[ctype])


# without the suite, one placeholder that skips (through `servers`) with the reason
@pytest.mark.parametrize("test", TESTS or [None], ids=[t["id"] for t in TESTS] or ["suite-missing"])
def test_w3c_protocol(test, servers):
    is_update = "update" in test["id"]
    server = servers["updates" if is_update else "read-only"]
    with httpx.Client(base_url=server.url, timeout=30) as client:
        for i, req in enumerate(test["requests"]):
            assert req["path"].startswith("/sparql/")
            path = "/sparql" + req["path"][len("/sparql/"):]  # "/sparql/?query=..." -> "/sparql?query=..."
            headers = dict(req["headers"])
            if is_update:
                headers["Authorization"] = f"Bearer {TOKEN}"
            body = None
            if req["body"] is not None:
                body = req["body"].encode("utf-16" if req["encoding"].upper() == "UTF-16" else "utf-8")
            resp = client.request(req["method"], path, content=body, headers=headers)
            classes = {f"{resp.status_code // 100}xx"}
            assert classes & set(req["status"]), (
                f"{test['id']} request {i + 1}: status {resp.status_code}, expected {req['status']}: {resp.text[:300]}")
            if req["format"] and resp.status_code < 300:
                _check_format(resp, req["format"], req["boolean"])
