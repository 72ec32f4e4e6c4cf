"""The project's real data for the data tests: the named graphs of the real build
(`dist/paradiplomacy.nq` of the `real_dist` session fixture, tests/conftest.py) read once per session,
and the source article's body text for quote checks.

`graph()` is what the sources assert (the ontology and data graphs), `inferred_graph()` adds the
build's `inferred` graph (OWL 2 RL and the `construct-*.rq` queries). Shared by tests/test_data_*.py,
each of which asks for the build with `pytestmark = pytest.mark.usefixtures("real_dist")`. The graphs
are cached: tests must not modify them. The article is found by `conftest.article_path()`
($KG_ARTICLE, $KG_SHARED or ../shared beside the checkout); a test that needs it and does not find it
is skipped with the reason.
"""
from __future__ import annotations

import re
from functools import lru_cache

from rdflib import Graph, URIRef
from rdflib.query import Result

from conftest import real_nquads, require_article

GRAPH_BASE = "https://w3id.org/paradiplomacy/graph/"

PREFIXES = """
PREFIX pd: <https://w3id.org/paradiplomacy/ontology#>
PREFIX pdv: <https://w3id.org/paradiplomacy/vocab/>
PREFIX pdi: <https://w3id.org/paradiplomacy/id/>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX wd: <http://www.wikidata.org/entity/>
"""


@lru_cache(maxsize=1)
def _named_graphs() -> dict[str, Graph]:
    """The built dataset's named graphs ('ontology', 'data', 'inferred', 'provenance') as rdflib graphs."""
    import pyoxigraph as ox

    from kg.terms import from_oxigraph

    graphs = {name: Graph() for name in ("ontology", "data", "inferred", "provenance")}
    for q in ox.parse(path=real_nquads(), format=ox.RdfFormat.N_QUADS):
        name = q.graph_name.value[len(GRAPH_BASE):]
        graphs[name].add((from_oxigraph(q.subject), from_oxigraph(q.predicate), from_oxigraph(q.object)))
    assert all(len(g) for g in graphs.values()), {n: len(g) for n, g in graphs.items()}
    return graphs


def ontology_graph() -> Graph:
    """The built ontology graph (ontology/*.ttl and the version the build stamps)."""
    return _named_graphs()["ontology"]


def data_graph() -> Graph:
    """The built data graph (data/*.trig, every passage graph merged)."""
    return _named_graphs()["data"]


@lru_cache(maxsize=1)
def graph() -> Graph:
    """ontology ∪ data, as asserted."""
    g = Graph()
    for src in (ontology_graph(), data_graph()):
        for t in src:
            g.add(t)
    return g


@lru_cache(maxsize=1)
def inferred_graph() -> Graph:
    """ontology ∪ data ∪ the build's inferred graph (OWL 2 RL, targeted, and the construct-*.rq results)."""
    g = Graph()
    for src in (graph(), _named_graphs()["inferred"]):
        for t in src:
            g.add(t)
    return g


def select(query: str, *, inferred: bool = False, **bindings) -> list[tuple]:
    """Run a SELECT over the data (with the shared PREFIXes); bindings go through initBindings."""
    g = inferred_graph() if inferred else graph()
    res: Result = g.query(PREFIXES + query, initBindings=bindings or None)
    return [tuple(row) for row in res]


@lru_cache(maxsize=1)
def _article_sources() -> frozenset:
    """The passages, footnotes and graphs of the seed article (what isPartOf+ pdi:seed-article, and the
    article itself): the sources the data tests hold against the article's text. Other sources (web
    pages coded through `kg import`) say more about the same nodes; these tests do not count that."""
    rows = graph().query(PREFIXES + """SELECT DISTINCT ?src WHERE {
        { ?src dcterms:isPartOf+ pdi:seed-article } UNION { ?src a pd:Footnote } UNION
        { BIND(pdi:seed-article AS ?src) } }""")
    return frozenset(r[0] for r in rows)


def article_says(subject: URIRef, predicate: URIRef) -> set:
    """The objects of (subject, predicate) that a passage of the seed article states (graph/provenance)."""
    from rdflib.namespace import RDF, PROV

    prov = _named_graphs()["provenance"]
    sources = _article_sources()
    out = set()
    for st in prov.subjects(RDF.subject, subject):
        if (st, RDF.predicate, predicate) not in prov:
            continue
        if any(src in sources for src in prov.objects(st, PROV.wasDerivedFrom)):
            out.update(prov.objects(st, RDF.object))
    return out


def ask(query: str, *, inferred: bool = False, **bindings) -> bool:
    g = inferred_graph() if inferred else graph()
    return bool(g.query(PREFIXES + query, initBindings=bindings or None).askAnswer)


# --------------------------------------------------------------------------------------------------
# The article's text, for checking that quotes are verbatim
# --------------------------------------------------------------------------------------------------
# A footnote block sits where a page ended: it starts after a blank line with the footnote's number
# ("12 http://...") and runs until the body resumes with a line indented by a space. Body lines that
# begin with a number ("37 kerjasama...") follow a non-blank line, so they are never taken for one.
_FOOTNOTE_START = re.compile(r"^\d{1,2}\s+\S")
# footnote markers glued to the text after a full stop or closing quote: "Negara.3Lebih"
_GLUED_MARKER = re.compile(r"(?<=[.’”])\d{1,2}(?=[A-Z\s]|$)")
# ... or set off by a space at the end of a line: "cenderung konfliktual. 4"
_SPACED_MARKER = re.compile(r"(?<=[.’”])[ \t]+\d{1,2}[ \t]*$", re.M)


def normalise(text: str) -> str:
    """Whitespace collapsed to single spaces; a line break after '-' or '/' joins the two parts
    ("micro-\\ndiplomacy" = "micro-diplomacy"), in the article and in a quote alike."""
    text = re.sub(r"([-/])\s+", r"\1", text)
    return re.sub(r"\s+", " ", text).strip()


@lru_cache(maxsize=1)
def article_body() -> str:
    """The article without its footnote blocks and footnote markers, normalised."""
    lines = require_article().read_text(encoding="utf-8").splitlines()
    body: list[str] = []
    in_footnote = False
    previous_blank = True
    for line in lines:
        blank = not line.strip()
        if in_footnote:
            if not blank and line.startswith(" "):
                in_footnote = False
            else:
                previous_blank = blank
                continue
        elif previous_blank and _FOOTNOTE_START.match(line):
            in_footnote = True
            previous_blank = blank
            continue
        body.append(line)
        previous_blank = blank
    text = _SPACED_MARKER.sub("", "\n".join(body))
    return normalise(_GLUED_MARKER.sub(" ", text))


@lru_cache(maxsize=1)
def article_full() -> str:
    """The whole article (footnotes included), normalised: for checking footnote texts."""
    return normalise(require_article().read_text(encoding="utf-8"))


# --------------------------------------------------------------------------------------------------
# Helpers the case tests share
# --------------------------------------------------------------------------------------------------
def local(term) -> str:
    """The local name of an IRI: `pdi:passage-b3-04` → 'passage-b3-04', `pd:Signing` → 'Signing'."""
    return str(term).rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def section_text(start: str, end: str) -> str:
    """The article's body between two headings (exclusive), normalised."""
    body = article_body()
    i = body.index(start)
    return body[i + len(start):body.index(end, i)].strip()


def section_quotes(section: str) -> list[str]:
    """The quotes of a section's passages (`section` is a local id like 'section-b2'), in pd:order."""
    rows = select("SELECT ?o ?q WHERE { ?p dcterms:isPartOf ?s ; pd:order ?o ; pd:quote ?q }",
                  s=URIRef("https://w3id.org/paradiplomacy/id/" + section))
    return [normalise(str(q)) for _, q in sorted(rows, key=lambda r: int(r[0]))]


def assert_passages_verbatim_in_text_order(section: str) -> None:
    """A section's passages occur verbatim in the article, are numbered 1..n by pd:order (matching
    the number in their id), and follow the article's text order."""
    rows = select("""SELECT ?p ?q ?o WHERE { ?p a pd:SourcePassage ; pd:quote ?q ; pd:order ?o ;
                                               dcterms:isPartOf ?s }""",
                  s=URIRef("https://w3id.org/paradiplomacy/id/" + section))
    assert rows, f"no passages for {section}"
    body = article_body()
    for passage, quote, _ in rows:
        assert normalise(str(quote)) in body, f"{local(passage)} is not verbatim: {quote}"
    assert sorted(o.toPython() for _, _, o in rows) == list(range(1, len(rows) + 1))
    assert all(int(local(p).rsplit("-", 1)[1]) == o.toPython() for p, _, o in rows)
    positions = [body.index(normalise(str(q))) for _, q, _ in sorted(rows, key=lambda r: r[2].toPython())]
    assert positions == sorted(positions)
