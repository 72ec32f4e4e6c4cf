"""SPARQL requests taken to their handler before Starlette's middleware and routing (`KGApp` in
kg.serve.app) are answered exactly as through the routes: the same status, headers and body for
every form of request and every error, on a real server whose direct path is turned off and on."""
from __future__ import annotations

import re

import httpx
import pytest

from tests.server_support import LiveServer, config_for

ASK = "ASK { <https://w3id.org/paradiplomacy/id/flanders> ?p ?o }"
SELECT = "SELECT ?s ?p WHERE { ?s ?p ?o } ORDER BY ?s ?p LIMIT 5"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}

REQUESTS = [
    ("GET", "/sparql", {"query": ASK}, None, {"Accept": "application/sparql-results+json"}),
    ("GET", "/sparql/", {"query": ASK}, None, {}),
    ("GET", "/sparql", {"query": SELECT, "format": "csv"}, None, {}),
    ("GET", "/sparql", {"query": SELECT, "download": "my answer"}, None, {"Accept": "text/tab-separated-values"}),
    ("GET", "/sparql", {"query": "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 3"}, None, {"Accept": "application/n-triples"}),
    ("GET", "/sparql", {}, None, {"Accept": "text/turtle"}),  # the service description
    ("GET", "/sparql", {}, None, {"Accept": "text/html"}),  # 303 to the web page
    ("GET", "/sparql", {"query": "SELEC * WHERE { ?s ?p ?o }"}, None, {}),
    ("GET", "/sparql", [("query", ASK), ("query", ASK)], None, {}),
    ("GET", "/sparql", {"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"}, None, {}),
    ("GET", "/sparql", {"query": ASK, "default-graph-uri": "not an iri"}, None, {}),
    ("GET", "/sparql", {"query": ASK, "format": "nonsense"}, None, {}),
    ("GET", "/sparql", {"update": "CLEAR ALL"}, None, {}),
    ("GET", "/sparql?query=%FF", None, None, {}),
    ("GET", "/sparql", {"query": "   "}, None, {}),
    ("POST", "/sparql", None, f"query={ASK}", FORM),
    ("POST", "/sparql", None, "update=CLEAR%20ALL", FORM),
    ("POST", "/sparql", None, "nothing=1", FORM),
    ("POST", "/sparql", None, ASK, {"Content-Type": "application/sparql-query"}),
    ("POST", "/sparql", None, ASK, {"Content-Type": "application/sparql-query; charset=latin-1"}),
    ("POST", "/sparql", None, "CLEAR ALL", {"Content-Type": "application/sparql-update"}),
    ("POST", "/sparql", None, ASK, {"Content-Type": "text/plain"}),
    ("POST", "/sparql", None, ASK, {}),
    ("POST", "/sparql", None, b"\xff\xfe", {"Content-Type": "application/sparql-query"}),
]


def _answer(client: httpx.Client, method, path, params, body, headers) -> tuple:
    r = client.request(method, path, params=params, content=body, headers=headers)
    assert int(r.headers["content-length"]) == len(r.content)
    # blank node labels differ in length from one service description to the next
    kept = sorted((k, v) for k, v in r.headers.multi_items() if k not in ("date", "content-length"))
    # blank nodes of the service description are new on every answer
    return r.status_code, kept, re.sub(rb"_:[0-9a-zA-Z]+", b"_:b", r.content)


@pytest.fixture(scope="module")
def server(real_dist):
    with LiveServer(config_for(real_dist, cache_entries=0)) as s:
        yield s


@pytest.mark.parametrize("method,path,params,body,headers", REQUESTS)
def test_the_direct_path_answers_as_the_routes_do(server, method, path, params, body, headers):
    direct = server.app.direct
    assert direct is not None
    with httpx.Client(base_url=server.url, timeout=60, follow_redirects=False) as client:
        taken = _answer(client, method, path, params, body, headers)
        server.app.direct = None
        try:
            routed = _answer(client, method, path, params, body, headers)
        finally:
            server.app.direct = direct
    assert taken == routed


def test_only_sparql_requests_without_origin_take_the_direct_path(server):
    """With Starlette's stack replaced by one that answers 418, what still gets 200 went direct."""
    stack = server.app.middleware_stack

    async def teapot(scope, receive, send):
        await send({"type": "http.response.start", "status": 418, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    server.app.middleware_stack = teapot
    try:
        with httpx.Client(base_url=server.url, timeout=60) as client:
            assert client.get("/sparql", params={"query": ASK}).status_code == 200
            assert client.post("/sparql", content=ASK,
                               headers={"Content-Type": "application/sparql-query"}).status_code == 200
            assert client.get("/sparql", params={"query": ASK},
                              headers={"Origin": "https://example.org"}).status_code == 418
            assert client.head("/sparql", params={"query": ASK}).status_code == 418
            assert client.get("/health").status_code == 418
            assert client.get("/update").status_code == 418
    finally:
        server.app.middleware_stack = stack


def test_a_web_page_still_gets_the_cors_headers(server):
    r = httpx.get(server.url + "/sparql", params={"query": ASK}, headers={"Origin": "https://example.org"})
    assert r.status_code == 200 and r.headers["access-control-allow-origin"] == "*"
    plain = httpx.get(server.url + "/sparql", params={"query": ASK})
    assert "access-control-allow-origin" not in plain.headers and plain.headers["vary"] == "Accept, Origin"
