"""A loopback canary (a listener that records every connection) and the corpus of forms that try to
make the server reach it: SERVICE and LOAD written every way the SPARQL grammar allows, and ways
it does not that pyoxigraph may still accept. Used by test_canary_corpus.py (no tests here).

Each form is (kind, text) with kind "query" or "update"; `{url}` stands for the canary's URL and
`{host}` for its host:port. The forms marked live in LIVE are the ones a bare pyoxigraph store (no
guard) really sends to the canary: the control test checks that they still do, so a silent canary
behind the server means the server stopped them, not that the form was harmless.
"""
from __future__ import annotations

import socket
import threading

S = "{url}"


def _q(body: str, prologue: str = "") -> str:
    return f"{prologue}SELECT * WHERE {{ {body} }}"


SVC = "SERVICE <{url}> { ?s ?p ?o }"

FORMS: dict[str, tuple[str, str]] = {
    # the four query forms
    "select": ("query", _q(SVC)),
    "ask": ("query", "ASK { SERVICE <{url}> { ?s ?p ?o } }"),
    "construct": ("query", "CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <{url}> { ?s ?p ?o } }"),
    "construct-where": ("query", "CONSTRUCT WHERE { SERVICE <{url}> { ?s ?p ?o } }"),
    "describe": ("query", "DESCRIBE ?s WHERE { SERVICE <{url}> { ?s ?p ?o } }"),
    "subquery": ("query", "SELECT * WHERE { { SELECT ?s WHERE { SERVICE <{url}> { ?s ?p ?o } } } }"),
    "optional": ("query", _q("OPTIONAL { SERVICE <{url}> { ?s ?p ?o } }")),
    "union": ("query", _q("{ BIND(1 AS ?x) } UNION { SERVICE <{url}> { ?s ?p ?o } }")),
    "minus": ("query", _q("BIND(1 AS ?x) MINUS { SERVICE <{url}> { ?s ?p ?o } }")),
    "exists": ("query", _q("BIND(1 AS ?x) FILTER EXISTS { SERVICE <{url}> { ?s ?p ?o } }")),
    "not-exists": ("query", _q("BIND(1 AS ?x) FILTER NOT EXISTS { SERVICE <{url}> { ?s ?p ?o } }")),
    "graph": ("query", _q("GRAPH ?g { SERVICE <{url}> { ?s ?p ?o } }")),
    # spelling of the keyword
    "lower-case": ("query", _q("service <{url}> { ?s ?p ?o }")),
    "mixed-case": ("query", _q("SeRvIcE <{url}> { ?s ?p ?o }")),
    "no-space-iri": ("query", _q("SERVICE<{url}>{?s ?p ?o}")),
    "after-dot": ("query", _q("BIND(1 AS ?x).SERVICE <{url}> { ?s ?p ?o }")),
    "after-brace": ("query", "SELECT * WHERE {{}SERVICE <{url}> { ?s ?p ?o }}"),
    "tab-newline": ("query", _q("\tSERVICE\n<{url}>\r\n{ ?s ?p ?o }")),
    "silent": ("query", _q("SERVICE SILENT <{url}> { ?s ?p ?o }")),
    "silent-lower": ("query", _q("service silent <{url}> { ?s ?p ?o }")),
    "comment-between": ("query", _q("SERVICE # a comment\n <{url}> # another\n { ?s ?p ?o }")),
    # the endpoint
    "variable-endpoint": ("query", _q("BIND(<{url}> AS ?e) SERVICE ?e { ?s ?p ?o }")),
    "variable-endpoint-values": ("query", "SELECT * WHERE { VALUES ?e { <{url}> } SERVICE ?e { ?s ?p ?o } }"),
    "variable-dollar": ("query", _q("BIND(<{url}> AS $e) SERVICE $e { ?s ?p ?o }")),
    "variable-no-space": ("query", _q("BIND(<{url}> AS ?e) SERVICE?e{ ?s ?p ?o }")),
    "prefixed-endpoint": ("query", "PREFIX r: <http://{host}/> SELECT * WHERE { SERVICE r:sparql { ?s ?p ?o } }"),
    "empty-prefix-endpoint": ("query", "PREFIX : <http://{host}/> SELECT * WHERE { SERVICE :sparql { ?s ?p ?o } }"),
    "prefixed-no-space": ("query", "PREFIX r: <http://{host}/> SELECT * WHERE { SERVICE r:sparql{ ?s ?p ?o } }"),
    "base-endpoint": ("query", "BASE <http://{host}/> SELECT * WHERE { SERVICE <sparql> { ?s ?p ?o } }"),
    "base-empty-iri": ("query", "BASE <{url}> SELECT * WHERE { SERVICE <> { ?s ?p ?o } }"),
    "prefix-percent-local": ("query", "PREFIX r: <http://{host}/> SELECT * WHERE { SERVICE r:sp%61rql { ?s ?p ?o } }"),
    # escapes
    "codepoint-keyword": ("query", _q("\\u0053ERVICE <{url}> { ?s ?p ?o }")),
    "codepoint-long": ("query", _q("\\U00000053\\U00000045RVICE <{url}> { ?s ?p ?o }")),
    "codepoint-in-iri": ("query", _q("SERVICE <http://127.0.0.1\\u003a{port}/sparql> { ?s ?p ?o }")),
    "escaped-local-name": ("query", "PREFIX e: <http://e/> SELECT * WHERE { OPTIONAL { ?z e:p\\#x ?w } " + SVC + " }"),
    "escaped-quote-name": ("query", "PREFIX e: <http://e/> SELECT * WHERE { OPTIONAL { ?z e:p\\'x ?w } " + SVC + " #'\n}"),
    "string-escape-quote": ("query", _q('BIND("a\\"#" AS ?x) ' + SVC)),
    # keywords hidden in comments and strings, and the reverse
    "comment-then-service": ("query", _q("# SERVICE is not here\n" + SVC)),
    "string-with-service": ("query", _q('BIND("SERVICE <x>" AS ?x) ' + SVC)),
    "long-string-lines": ("query", _q('BIND("""a\n# not a comment\n""" AS ?x) ' + SVC)),
    "single-quotes": ("query", _q("BIND('it''s' AS ?x) " + SVC)),
    "less-than-comment": ("query", "SELECT * WHERE { BIND(1 AS ?a) BIND(2 AS ?b) FILTER(?a<?b#>\"\"\"\n) "
                                   + SVC + " #\"\"\"\n}"),
    # nesting
    "nested-groups": ("query", "SELECT * WHERE " + "{" * 40 + " " + SVC + " " + "}" * 40),
    "deep-nesting": ("query", "SELECT * WHERE " + "{" * 3000 + " " + SVC + " " + "}" * 3000),
    "deep-parentheses": ("query", _q("FILTER(" + "(" * 3000 + "1" + ")" * 3000 + ") " + SVC)),
    # SPARQL 1.2 syntax
    "version-1.2": ("query", 'VERSION "1.2" SELECT * WHERE { ' + SVC + " }"),
    "lateral": ("query", _q("BIND(1 AS ?a) LATERAL { " + SVC + " }")),
    "lateral-variable-endpoint": ("query", 'VERSION "1.2" SELECT * WHERE { BIND(<{url}> AS ?e) '
                                           "LATERAL { SERVICE ?e { ?s ?p ?o } } }"),
    "lateral-variable-no-space": ("query", "SELECT * WHERE { BIND(<{url}> AS ?e) LATERAL{SERVICE?e{?s ?p ?o}} }"),
    "triple-term": ("query", _q("BIND(<<( <http://a> <http://b> <http://c> )>> AS ?t) " + SVC)),
    "directional-lang": ("query", _q('BIND("a"@en--ltr AS ?l) ' + SVC)),
    "reifier": ("query", _q("OPTIONAL { <http://a> <http://b> <http://c> ~ <http://r> } " + SVC)),
    # updates
    "load": ("update", "LOAD <{url}>"),
    "load-silent": ("update", "LOAD SILENT <{url}> INTO GRAPH <http://example.org/g>"),
    "load-after-insert": ("update", "INSERT DATA { <http://e/s> <http://e/p> <http://e/o> } ; LOAD <{url}>"),
    "load-after-escaped-name": ("update", "PREFIX e: <http://e/>\nINSERT DATA { e:s e:p e:o\\# } ; LOAD <{url}>"),
    "load-codepoint": ("update", "INSERT DATA { <http://e/s> <http://e/p> <http://e/o> } ; \\u004cOAD <{url}>"),
    "load-lower-no-space": ("update", "load<{url}>"),
    "update-service": ("update", "INSERT { ?s ?p ?o } WHERE { SERVICE <{url}> { ?s ?p ?o } }"),
    "update-service-variable": ("update", "INSERT { ?s ?p ?o } WHERE { BIND(<{url}> AS ?e) SERVICE ?e { ?s ?p ?o } }"),
    "delete-where-service": ("update", "DELETE { ?s ?p ?o } WHERE { SERVICE SILENT <{url}> { ?s ?p ?o } }"),
}


# the forms a bare pyoxigraph store (0.5, no guard) sends to the canary (measured: see the control test)
LIVE = frozenset(("select ask construct describe subquery optional union minus exists not-exists graph lower-case "
        "mixed-case no-space-iri after-dot after-brace tab-newline silent silent-lower comment-between "
        "prefixed-endpoint empty-prefix-endpoint prefixed-no-space base-endpoint base-empty-iri "
        "prefix-percent-local codepoint-in-iri escaped-local-name escaped-quote-name string-escape-quote "
        "comment-then-service string-with-service long-string-lines less-than-comment nested-groups "
        "deep-parentheses version-1.2 lateral lateral-variable-endpoint lateral-variable-no-space triple-term "
        "directional-lang reifier load load-silent load-after-insert load-after-escaped-name "
        "load-lower-no-space update-service delete-where-service").split())


def render(text: str, port: int) -> str:
    url = f"http://127.0.0.1:{port}/sparql"
    return (text.replace("{url}", url).replace("{host}", f"127.0.0.1:{port}").replace("{port}", str(port)))


class Canary:
    """A TCP listener on 127.0.0.1 that records the first bytes of every connection it gets."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.heard: list[bytes] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._listen, daemon=True, name="canary")

    def _listen(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            conn.settimeout(1)
            try:
                self.heard.append(conn.recv(1024) or b"(connected)")
                conn.sendall(b"HTTP/1.1 500 no\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            except OSError:
                self.heard.append(b"(connected)")
            conn.close()

    def __enter__(self) -> "Canary":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(2)
        self.sock.close()
