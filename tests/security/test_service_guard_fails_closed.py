"""Red-team defect 1 (../shared/reviews/redteam.md): the SERVICE refusal let through any query that
rdflib could not parse, and pyoxigraph really sends SERVICE requests. Defect 9: `FROM NAMED` with
the dataset's own graph was refused (rdflib's CompValue.get returns the key's name when missing).

Each query goes to a real pyoxigraph store through the embedded engine's public `query`, with a
loopback canary listening where the query points: the guard must refuse it and the canary must
see no connection. A control query without the guard shows the canary does hear pyoxigraph.
With the old guard (9ef4deb) five of these fail: 1.2 syntax, the escaped name, the codepoint
escape and LATERAL reach the canary, FROM NAMED is refused; the deep nesting crashes the process."""
from __future__ import annotations

import socket
import threading

import pyoxigraph as ox
import pytest

from kg.query.embedded import OxigraphEngine
from kg.query.safety import UnsafeQueryError, check_query


@pytest.fixture
def canary():
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(16)
    srv.settimeout(0.2)
    heard: list[bytes] = []
    stop = threading.Event()

    def listen():
        while not stop.is_set():
            try:
                conn, _ = srv.accept()
            except OSError:
                continue
            conn.settimeout(1)
            try:
                heard.append(conn.recv(1024))
                conn.sendall(b"HTTP/1.1 500 no\r\nContent-Length: 0\r\n\r\n")
            except OSError:
                heard.append(b"?")
            conn.close()

    t = threading.Thread(target=listen, daemon=True)
    t.start()
    yield srv.getsockname()[1], heard
    stop.set()
    t.join(2)
    srv.close()


def _forms(port: int) -> dict[str, str]:
    url = f"http://127.0.0.1:{port}/sparql"
    body = f"SERVICE <{url}> {{ ?s ?p ?o }}"
    return {
        "sparql-1.2-version": f'VERSION "1.2" SELECT * WHERE {{ {body} }}',
        "escaped-local-name": f"PREFIX e: <http://e/> SELECT * WHERE {{ OPTIONAL {{ ?z e:p\\#x ?w }} {body} }}",
        "deep-nesting": "SELECT * WHERE " + "{" * 3000 + f" {body} " + "}" * 3000,
        "codepoint-escape": f"SELECT * WHERE {{ \\u0053ERVICE <{url}> {{ ?s ?p ?o }} }}",
        "lateral": f"SELECT * WHERE {{ ?a ?b ?c LATERAL {{ {body} }} }}",
        "service-silent": f"SELECT * WHERE {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}",
        "prefixed-endpoint": f"PREFIX r: <http://127.0.0.1:{port}/> SELECT * WHERE {{ SERVICE r:sparql {{ ?s ?p ?o }} }}",
        "base-endpoint": f"BASE <http://127.0.0.1:{port}/> SELECT * WHERE {{ SERVICE <sparql> {{ ?s ?p ?o }} }}",
    }


@pytest.mark.parametrize("form", sorted(_forms(1)))
def test_service_bypass_refused_and_canary_hears_nothing(canary, form):
    port, heard = canary
    engine = OxigraphEngine(ox.Store())
    with pytest.raises(UnsafeQueryError):
        engine.query(_forms(port)[form], timeout_s=3)
    assert heard == []


def test_the_canary_does_hear_pyoxigraph_when_the_guard_is_skipped(canary):
    """Without this, an empty canary could mean a deaf canary."""
    port, heard = canary
    store = ox.Store()
    try:
        store.query(f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}")
    except Exception:
        pass
    assert heard and (heard[0].startswith(b"GET") or heard[0].startswith(b"POST"))


def test_from_named_with_the_dataset_own_graph_is_accepted():
    check_query("SELECT * FROM NAMED <https://w3id.org/paradiplomacy/graph/data> "
                "WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 1")


@pytest.mark.parametrize("text", [
    'SELECT * WHERE { ?s ?p ?o } # taken from the article; no service here\n',
    'SELECT * WHERE { ?s ?p "civil service" }',
])
def test_the_words_in_comments_and_strings_of_a_readable_query_pass(text):
    check_query(text)
