"""The Graph Store Protocol of `kg serve` (/store): the W3C manifest (shared/w3c/sparql11-graph-store/
manifest.ttl, 18 tests) run in order against a live server with updates on, and the protocol's
access rules on a read-only one.

The manifest describes each request and response as text (Markdown in rdfs:comment): this harness
reads the request line, headers and body, substitutes $GRAPHSTORE$, $HOST$ and $NEWPATH$, sends it,
and compares the status and, for a GET with a body, the graph (isomorphism, with Turtle's blank
nodes). `test_w3c_graph_store_suite` reports the passes and fails only on a regression below
what this commit measured (EXPECTED_PASSES); each test's verdict is its own parametrised test too.
"""
from __future__ import annotations

import re
import textwrap

import httpx
import pytest
from rdflib import Graph, Namespace
from rdflib.collection import Collection
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, RDFS

from conftest import POINT_AT_SHARED, shared_dir
from tests.server_support import LiveServer, config_for

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
SUITE = shared_dir() / "w3c" / "sparql11-graph-store"
MANIFEST = SUITE / "manifest.ttl"
TOKEN = "gsp-suite-token"
# measured with this commit, each for a fault of the (deprecated) manifest itself, not the server:
# the POSTs' Turtle lacks its final '.' (Turtle requires it; pyoxigraph answers 400), so they and
# the GETs that check them fail; DELETE of person/2.ttl expects a graph no test of the manifest
# creates (404)
EXPECTED_FAILS = {"post__existing_graph", "get_of_post__existing_graph", "post__multipart_formdata",
                  "get_of_post__multipart_formdata", "delete__existing_graph"}


def load_tests() -> list[dict]:
    if not MANIFEST.is_file():
        return []
    g = Graph().parse(MANIFEST, format="turtle")
    manifest = next(g.subjects(RDF.type, MF.Manifest))
    out = []
    for entry in Collection(g, g.value(manifest, MF.entries)):
        comment = next(str(c) for c in g.objects(entry, RDFS.comment) if "#### Request" in str(c))
        request, response = comment.split("#### Response")
        request = textwrap.dedent(request.split("#### Request", 1)[1].strip("\n")).strip("\n")
        response = textwrap.dedent(response.strip("\n")).strip()
        head, _, body = request.partition("\n\n")
        lines = head.splitlines()
        method, target, _ = lines[0].split()
        headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
        rhead, _, rbody = response.partition("\n\n")
        rlines = rhead.splitlines()
        status = int(rlines[0].split()[0])
        rheaders = dict(line.split(": ", 1) for line in rlines[1:] if ": " in line)
        out.append({"name": str(entry).rsplit("#", 1)[-1], "method": method, "target": target, "headers": headers,
                    "body": body, "status": status, "rheaders": rheaders, "rbody": rbody.strip()})
    return out


TESTS = load_tests()


def fill(text: str, host: str, newpath: str | None) -> str:
    text = text.replace("$HOST$/$GRAPHSTORE$", f"{host}/store").replace("$GRAPHSTORE$", "/store")
    text = text.replace("$HOST$", host)
    if newpath:
        text = text.replace("$NEWPATH$", newpath)
    return text


@pytest.fixture(scope="module")
def verdicts(real_dist):
    """Every test of the manifest, in order, against one live server: name -> (passed, why)."""
    if not TESTS:
        pytest.skip(f"the W3C Graph Store Protocol suite is not at {SUITE}: {POINT_AT_SHARED}")
    out: dict[str, tuple[bool, str]] = {}
    with LiveServer(config_for(real_dist, allow_updates=True, token=TOKEN)) as s, \
            httpx.Client(base_url=s.url, timeout=30) as c:
        host = f"127.0.0.1:{s.port}"
        newpath = None
        for t in TESTS:
            headers = {k: fill(v, host, newpath) for k, v in t["headers"].items() if k.lower() != "host"}
            headers["Authorization"] = f"Bearer {TOKEN}"
            body = fill(t["body"], host, newpath).replace("\n", "\r\n") if "multipart" in \
                headers.get("Content-Type", "") else fill(t["body"], host, newpath)
            r = c.request(t["method"], fill(t["target"], host, newpath), headers=headers,
                          content=body.encode("utf-8") if body else None)
            if "Location" in t["rheaders"] and r.headers.get("location"):
                newpath = r.headers["location"]
            why = f"status {r.status_code}, expected {t['status']}: {r.text[:200]}"
            ok = r.status_code == t["status"]
            if ok and t["method"] == "GET" and t["rbody"] and not t["rbody"].startswith("Content"):
                want = Graph().parse(data=fill(t["rbody"], host, newpath), format="turtle")
                got = Graph().parse(data=r.text, format="turtle")
                ok = isomorphic(want, got)
                why = f"graph differs: got {len(got)} triples, expected {len(want)}"
            out[t["name"]] = (ok, "" if ok else why)
    return out


def test_w3c_graph_store_suite(verdicts):
    passed = sorted(n for n, (ok, _) in verdicts.items() if ok)
    print(f"\nW3C Graph Store Protocol: {len(passed)} of {len(verdicts)} pass")
    assert len(verdicts) == 18
    assert set(verdicts) - set(passed) <= EXPECTED_FAILS, {n: w for n, (ok, w) in verdicts.items() if not ok}


@pytest.mark.parametrize("name", [t["name"] for t in TESTS] or ["(suite missing)"])
def test_w3c_graph_store_case(verdicts, name):
    ok, why = verdicts[name]
    if name in EXPECTED_FAILS and not ok:
        pytest.xfail(f"known: {why}")
    assert ok, why


def test_graph_store_reads_are_open_and_writes_need_updates_and_the_token(real_dist):
    data = "https://w3id.org/paradiplomacy/graph/data"
    with LiveServer(config_for(real_dist)) as s, httpx.Client(base_url=s.url, timeout=30) as c:
        r = c.get("/store", params={"graph": data}, headers={"Accept": "application/n-triples"})
        assert r.status_code == 200 and "<https://w3id.org/paradiplomacy/id/flanders>" in r.text
        assert c.head("/store", params={"graph": data}).status_code == 200
        assert c.get("/store", params={"graph": "http://example.org/none"}).status_code == 404
        for method in ("PUT", "POST", "DELETE"):
            r = c.request(method, "/store", params={"graph": data}, content=b"<a:b> <a:c> <a:d> .",
                          headers={"Content-Type": "application/n-triples", "Authorization": "Bearer x"})
            assert r.status_code == 403, method
        assert len(c.get("/store", params={"graph": data}, headers={"Accept": "application/n-triples"})
                   .text.splitlines()) > 3000
