"""kg.query.remote without a triple store: endpoints that are down, slow or answer oddly (tiny real HTTP
servers on loopback, real sockets), parameter binding, URL guessing and `kg push` usage errors."""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from rdflib import BNode, Dataset, Literal, URIRef

from conftest_stores import FIXTURES, run_kg
from stores import free_port
from kg.query.embedded import RdflibEngine, comparable
from kg.query.catalogue import parse_header
from kg.errors import QueryError, RemoteEndpointError, RemoteLimitError
from kg.query.binding import bind_with_values, sparql_term
from kg.query.lexer import query_form
from kg.query.remote import RemoteEngine
from kg.store.push import resolve_store_urls

ASK_TRUE = json.dumps({"head": {}, "boolean": True}).encode()
SELECT_ONE = json.dumps({"head": {"vars": ["x"]},
                         "results": {"bindings": [{"x": {"type": "uri", "value": "http://e/a"}}]}}).encode()


class Endpoint:
    """A tiny HTTP server on 127.0.0.1 answering every request with one canned response."""

    def __init__(self, status=200, ctype="application/sparql-results+json", body=SELECT_ONE,
                 headers=None, delay_s=0.0):
        outer = self
        self.requests: list[tuple[str, str, bytes]] = []

        class Handler(BaseHTTPRequestHandler):
            def _answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                outer.requests.append((self.command, self.path, self.rfile.read(length)))
                if delay_s:
                    time.sleep(delay_s)
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            do_GET = do_POST = do_PUT = _answer

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sparql"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


# --- odd answers ------------------------------------------------------------------------------

def test_partial_results_http_206_are_refused():
    # Virtuoso's "anytime query" answers 206 with whatever it found before its time limit
    with Endpoint(status=206) as ep:
        with pytest.raises(RemoteLimitError, match="HTTP 206.*partial"):
            RemoteEngine(ep.url).query("SELECT ?x WHERE { ?x ?p ?o }")


def test_virtuoso_row_cap_header_is_refused():
    with Endpoint(headers={"X-SPARQL-MaxRows": "10000"}) as ep:
        with pytest.raises(RemoteLimitError, match="cut the result at 10000 rows"):
            RemoteEngine(ep.url).query("SELECT ?x WHERE { ?x ?p ?o }")


def test_html_instead_of_results_is_refused():
    with Endpoint(ctype="text/html", body=b"<html>login</html>") as ep:
        with pytest.raises(RemoteEndpointError, match="content type 'text/html'.*SPARQL endpoint"):
            RemoteEngine(ep.url).query("SELECT ?x WHERE { ?x ?p ?o }")


def test_construct_in_an_unexpected_format_is_refused():
    with Endpoint(ctype="application/ld+json", body=b"{}") as ep:
        with pytest.raises(RemoteEndpointError, match="CONSTRUCT/DESCRIBE with content type"):
            RemoteEngine(ep.url).query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")


def test_malformed_json_is_refused():
    with Endpoint(body=b'{"head": ') as ep:
        with pytest.raises(RemoteEndpointError, match="malformed JSON"):
            RemoteEngine(ep.url).query("SELECT ?x WHERE { ?x ?p ?o }")


def test_slow_endpoint_hits_the_time_limit():
    with Endpoint(delay_s=3) as ep:
        started = time.monotonic()
        with pytest.raises(RemoteLimitError, match="did not answer within 1 s"):
            RemoteEngine(ep.url, timeout_s=1).query("SELECT ?x WHERE { ?x ?p ?o }")
        assert time.monotonic() - started < 2.5


def test_oversized_answer_hits_the_size_limit():
    with Endpoint(body=SELECT_ONE + b" " * 5000) as ep:
        with pytest.raises(RemoteLimitError, match="more than 1,000 bytes"):
            RemoteEngine(ep.url, max_response_bytes=1000).query("SELECT ?x WHERE { ?x ?p ?o }")


def test_server_error_is_reported_with_its_message():
    with Endpoint(status=500, ctype="text/plain", body=b"Virtuoso 42000 Error SR186: out of memory") as ep:
        with pytest.raises(RemoteEndpointError, match="HTTP 500.*SR186"):
            RemoteEngine(ep.url).query("SELECT ?x WHERE { ?x ?p ?o }")


def test_endpoint_down_is_a_clear_error():
    url = f"http://127.0.0.1:{free_port()}/sparql"
    with pytest.raises(RemoteEndpointError, match="connection refused. Is the store running"):
        RemoteEngine(url).query("ASK {}")


def test_request_is_scoped_to_the_dataset_graphs_and_answers_parse():
    with Endpoint(body=ASK_TRUE) as ep:
        assert RemoteEngine(ep.url).query("ASK { ?s ?p ?o }") is True
        method, _path, body = ep.requests[0]
    assert method == "POST"
    from urllib.parse import parse_qs

    form = parse_qs(body.decode())
    graphs = {"https://w3id.org/paradiplomacy/graph/" + n for n in ("ontology", "data", "inferred", "provenance")}
    assert set(form["default-graph-uri"]) == graphs
    assert set(form["named-graph-uri"]) == graphs
    assert "format" not in form and "output" not in form


def test_unsafe_query_is_refused_before_sending():
    with Endpoint() as ep:
        with pytest.raises(Exception, match="SERVICE"):
            RemoteEngine(ep.url).query("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
        assert ep.requests == []


def test_not_an_http_url_is_refused():
    with pytest.raises(RemoteEndpointError, match="not an http"):
        RemoteEngine("file:///etc/passwd")


# --- kg push usage and failures --------------------------------------------------------------

@pytest.fixture(scope="module")
def fixture_nq(tmp_path_factory) -> Path:
    import pyoxigraph as ox

    nq = tmp_path_factory.mktemp("push") / "fixture.nq"
    with open(FIXTURES / "dataset.trig", "rb") as fh:
        nq.write_bytes(ox.serialize(ox.parse(fh, ox.RdfFormat.TRIG), format=ox.RdfFormat.N_QUADS))
    return nq


def test_push_to_a_store_that_is_down_exits_2(fixture_nq):
    url = f"http://127.0.0.1:{free_port()}/query"
    code, out, err = run_kg(["push", "--dataset", str(fixture_nq), "--endpoint", url])
    assert code == 2
    assert "connection refused" in err and "Traceback" not in err
    assert out == ""


def test_push_refuses_a_graph_that_is_not_an_iri(fixture_nq):
    code, _out, err = run_kg(["push", "--dataset", str(fixture_nq), "--endpoint", "http://127.0.0.1:1/query",
                              "--graph", "my graph"])
    assert code == 2 and "not an absolute IRI" in err


def test_push_without_a_guessable_store_url_exits_2(fixture_nq):
    code, _out, err = run_kg(["push", "--dataset", str(fixture_nq), "--endpoint", "http://127.0.0.1:1/endpoint"])
    assert code == 2 and "--store URL" in err


def test_push_of_a_missing_file_exits_2(tmp_path):
    code, _out, err = run_kg(["push", "--dataset", str(tmp_path / "none.nq"), "--endpoint", "http://127.0.0.1:1/query"])
    assert code == 2 and "no such file" in err


def test_push_of_bad_nquads_names_the_file(tmp_path):
    bad = tmp_path / "bad.nq"
    bad.write_text("<http://e/a> <http://e/b> .\n")
    code, _out, err = run_kg(["push", "--dataset", str(bad), "--endpoint", "http://127.0.0.1:1/query"])
    assert code == 2 and str(bad) in err and "not valid N-Quads" in err


def test_push_refused_by_the_store_exits_2(fixture_nq):
    with Endpoint(status=403, ctype="text/plain", body=b"read-only") as ep:
        code, _out, err = run_kg(["push", "--dataset", str(fixture_nq), "--endpoint", ep.url.replace("/sparql", "/query")])
    assert code == 2 and "HTTP 403" in err and "read-only" in err


@pytest.mark.parametrize(("endpoint", "store", "auth", "want"), [
    ("http://h:8890/sparql", None, True, ("http://h:8890/sparql", "http://h:8890/sparql-graph-crud-auth")),
    ("http://h:8890/sparql", None, False, ("http://h:8890/sparql", "http://h:8890/sparql-graph-crud")),
    ("http://h:7878/query", None, False, ("http://h:7878/query", "http://h:7878/store")),
    ("http://h:3030/ds/query", None, False, ("http://h:3030/ds/query", "http://h:3030/ds/data")),
    (None, "http://h:7878/store", False, ("http://h:7878/query", "http://h:7878/store")),
    (None, "http://h:8890/sparql-graph-crud-auth", True, ("http://h:8890/sparql", "http://h:8890/sparql-graph-crud-auth")),
    ("http://h/q", "http://h/s", False, ("http://h/q", "http://h/s")),
])
def test_store_urls_are_guessed_by_convention(endpoint, store, auth, want):
    urls = resolve_store_urls(endpoint, store, with_auth=auth)
    assert (urls.query, urls.store) == want


# --- binding parameters ---------------------------------------------------------------------

def test_query_form_ignores_keywords_in_comments_and_strings():
    q = ('# ask "who" first\n# then select\nPREFIX ask: <http://e/select#>\n'
         'CONSTRUCT { ?s ask:p "SELECT" } WHERE { ?s ?p ?o }')
    assert query_form(q) == "CONSTRUCT"
    assert query_form("INSERT DATA { <a:b> <a:c> <a:d> }") == "UPDATE"


def test_values_go_into_every_group_that_mentions_the_variable_but_not_templates_data_blocks_or_subselect_wrappers():
    q = ("CONSTRUCT { ?s ?p ?x } WHERE { ?s ?p ?o OPTIONAL { ?o ?q ?x } OPTIONAL { ?o ?q ?r } "
         "{ SELECT ?s WHERE { ?s ?p ?x } } VALUES ?o { <http://e/o> } }")
    out = bind_with_values(q, {"x": URIRef("http://e/x")})
    block = "VALUES (?x) { (<http://e/x>) }"
    assert out.count(block) == 3  # WHERE, the first OPTIONAL, the sub-SELECT's WHERE
    assert "OPTIONAL { ?o ?q ?r }" in out  # it never mentions ?x: a block there is a cross product
    assert out.startswith("CONSTRUCT { ?s ?p ?x } WHERE { " + block)
    assert "{ SELECT" in out and "VALUES ?o { <http://e/o> }" in out
    from rdflib.plugins.sparql.parser import parseQuery

    parseQuery(out)  # still valid SPARQL


def test_values_go_into_every_branch_of_a_union_when_one_branch_mentions_the_variable():
    """The branches of a UNION count as one group: Virtuoso 7.2 drops the rows of a branch without
    the block when its sibling has it (the fixture query labels-and-notes on tests/test_stores.py)."""
    q = "SELECT ?lang ?t WHERE { { ?t <http://e/p> ?x FILTER(LANG(?x) = ?lang) } UNION { ?t <http://e/q> ?x } }"
    out = bind_with_values(q, {"lang": Literal("id")})
    assert out.count('VALUES (?lang) { ("id") }') == 3  # WHERE and both branches


def test_values_fall_back_to_a_trailing_block_without_a_group():
    out = bind_with_values("DESCRIBE ?x", {"x": URIRef("http://e/x")})
    assert out.rstrip().endswith("VALUES (?x) { (<http://e/x>) }")


@pytest.mark.parametrize("bad", [URIRef("http://e/a b"), URIRef('http://e/"x'), BNode("b1"),
                                 Literal("x", datatype=URIRef("http://e/bad type"))])
def test_terms_that_cannot_be_sent_are_refused(bad):
    with pytest.raises(QueryError):
        sparql_term(bad)


def test_literal_escaping_round_trips():
    tricky = Literal('a "quoted" \\ back\nslash } ?x . {')
    from rdflib.plugins.sparql import prepareQuery

    q = prepareQuery(f"SELECT ?v WHERE {{ BIND({sparql_term(tricky)} AS ?v) }}")
    ds = Dataset()
    (row,) = list(ds.query(q))
    assert row[0] == tricky


FIXTURE_QUERIES = [parse_header(p, p.read_text(encoding="utf-8")) for p in sorted(FIXTURES.glob("*.rq"))]


@pytest.mark.parametrize("query", [q for q in FIXTURE_QUERIES if q.params], ids=lambda q: q.name)
def test_values_binding_gives_what_the_engine_binding_gives(query, fixture_nq):
    """On the reference engine, the text bound by kg.query.remote answers like rdflib's own initBindings."""
    engine = RdflibEngine.from_nquads(fixture_nq)
    bindings = query.bind()
    native = engine.query(query.text, bindings)
    spliced = engine.query(bind_with_values(query.text, bindings))
    assert comparable(spliced) == comparable(native)
    assert len(native) > 0  # the defaults select something: the comparison is not vacuous


def test_push_warns_about_blank_nodes_shared_between_graphs(tmp_path):
    from kg.store.push import read_graphs

    nq = tmp_path / "shared.nq"
    nq.write_text('_:b <http://e/p> "x" <http://e/g1> .\n_:b <http://e/q> "y" <http://e/g2> .\n'
                  '_:c <http://e/p> "z" <http://e/g1> .\n')
    bodies, counts, shared = read_graphs(nq)
    assert shared == 1 and counts == {"http://e/g1": 2, "http://e/g2": 1}
    _bodies, counts, shared = read_graphs(nq, into="http://e/all")
    assert shared == 0 and counts == {"http://e/all": 3}  # one graph keeps the node one node


def test_inline_terms_writes_a_constant_only_where_one_can_stand():
    from kg.query.binding import inline_terms

    lang = Literal("id")
    q = 'SELECT ?x WHERE { ?x <http://e/p> ?l OPTIONAL { ?x <http://e/q> ?m FILTER(LANG(?m) = ?lang) } }'
    out, rest = inline_terms(q, {"lang": lang})
    assert not rest and 'FILTER(LANG(?m) =  "id" )' in out
    for unsafe in ['SELECT ?x WHERE { ?x <http://e/p> ?l BIND(STR(?l) AS ?lang) }',
                   'SELECT ?x WHERE { ?x <http://e/p> ?l FILTER(BOUND(?lang)) }',
                   'SELECT ?x WHERE { { SELECT ?x ?lang WHERE { ?x <http://e/p> ?lang } } }',
                   'SELECT ?x WHERE { ?x <http://e/p> ?l VALUES (?l ?lang) { ("a" "b") } }',
                   'SELECT ?x WHERE { ?x <http://e/p> ?lang } GROUP BY ?x ?lang',
                   'SELECT ?x WHERE { ?x <http://e/p> ?l } ORDER BY ?lang',
                   'SELECT ?x WHERE { ?x <http://e/p> ?l MINUS { ?x <http://e/q> ?lang } }']:
        out, rest = inline_terms(unsafe, {"lang": lang})
        assert out == unsafe and rest == {"lang": lang}, unsafe
    out, rest = inline_terms('SELECT ?x WHERE { ?x <http://e/p> ?l } ORDER BY DESC(?lang = ?l)', {"lang": lang})
    assert not rest and "?lang" not in out
    from rdflib.plugins.sparql.parser import parseQuery

    parseQuery(out)
