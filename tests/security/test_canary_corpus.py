"""Red-team defects 1 and 8: no query or update may make the server open a connection, whatever its
text. The corpus (tests/security/canary.py: 60 forms, 49 of them really sent by a bare pyoxigraph
store) goes through a running `kg serve` on GET, POST form, POST direct and, for updates, the
authenticated update endpoint; a loopback canary listens where the forms point and must hear
nothing. The server under test runs its workers *with* the network (isolate_network=False), so the
guard alone is tested here; test_worker_network_wall.py tests the second wall alone.

The control runs each live form on a bare pyoxigraph store, without the guard: the canary hears it,
so a silent canary behind the server means the server stopped the form."""
from __future__ import annotations

import time

import httpx
import pyoxigraph as ox
import pytest

from tests.security.canary import FORMS, LIVE, Canary, render
from tests.server_support import LiveServer, config_for

TOKEN = "canary-corpus-token"
QUERIES = sorted(n for n, (kind, _) in FORMS.items() if kind == "query")
UPDATES = sorted(n for n, (kind, _) in FORMS.items() if kind == "update")


def test_the_corpus_is_large_and_mostly_live():
    assert len(FORMS) >= 40 and len(LIVE) >= 40 and LIVE <= set(FORMS)


@pytest.fixture(scope="module")
def canary():
    with Canary() as c:
        yield c


@pytest.fixture(scope="module")
def server(real_dist):
    config = config_for(real_dist, allow_updates=True, token=TOKEN, isolate_network=False, timeout_s=5)
    with LiveServer(config) as s:
        yield s


def _quiet(canary) -> None:
    time.sleep(0.05)
    assert canary.heard == [], canary.heard[:1]


@pytest.mark.parametrize("name", QUERIES)
def test_query_form_reaches_no_canary_on_get_and_post(server, canary, name):
    text = render(FORMS[name][1], canary.port)
    with httpx.Client(base_url=server.url, timeout=30) as c:
        answers = [
            c.get("/sparql", params={"query": text}),
            c.post("/sparql", data={"query": text}),
            c.post("/sparql", content=text.encode(), headers={"Content-Type": "application/sparql-query"}),
        ]
    for r in answers:
        assert r.status_code in (400, 403), (r.status_code, r.text[:200])
    _quiet(canary)


@pytest.mark.parametrize("name", UPDATES + ["select", "silent", "lateral-variable-endpoint", "escaped-local-name"])
def test_update_form_reaches_no_canary(server, canary, name):
    """Updates, with the token: the guard reads them as updates (LOAD and SERVICE both refused)."""
    text = render(FORMS[name][1], canary.port)
    if FORMS[name][0] == "query":  # the same SERVICE inside an update's WHERE
        text = "INSERT { ?s ?p ?o } WHERE { " + text.split("WHERE {", 1)[1].rsplit("}", 1)[0] + " }" \
            if "WHERE {" in text else text
    auth = {"Authorization": f"Bearer {TOKEN}"}
    with httpx.Client(base_url=server.url, timeout=30) as c:
        answers = [
            c.post("/update", content=text.encode(), headers={**auth, "Content-Type": "application/sparql-update"}),
            c.post("/sparql", data={"update": text}, headers=auth),
        ]
    for r in answers:
        assert r.status_code in (400, 403), (r.status_code, r.text[:200])
    _quiet(canary)


def test_harmless_words_in_comments_and_strings_pass(server):
    with httpx.Client(base_url=server.url, timeout=30) as c:
        for text in ['SELECT * WHERE { ?s ?p "public service" } LIMIT 1 # no service, no load, from nowhere\n',
                     "PREFIX sd: <http://www.w3.org/ns/sparql-service-description#> ASK { ?s a sd:Service }"]:
            assert c.get("/sparql", params={"query": text}).status_code == 200


@pytest.mark.parametrize("name", sorted(LIVE))
def test_control_the_canary_hears_pyoxigraph_without_the_guard(name):
    kind, text = FORMS[name]
    with Canary() as c:
        store = ox.Store()
        try:
            if kind == "query":
                res = store.query(render(text, c.port))
                if not isinstance(res, ox.QueryBoolean):
                    list(res)
            else:
                store.update(render(text, c.port))
        except (OSError, RuntimeError, SyntaxError):
            pass
        deadline = time.monotonic() + 2
        while not c.heard and time.monotonic() < deadline:
            time.sleep(0.02)
        assert c.heard, f"{name}: the canary heard nothing even without the guard"
