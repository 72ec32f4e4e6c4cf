"""The representations `kg serve` offers and how a request picks one.

Each kind of answer has its offers, `(media type, format key)` in the server's order of preference:
SPARQL results (`TABULAR_OFFERS`), graphs (`GRAPH_OFFERS`), resources (`PAGE_OFFERS`: a page first).
A request picks by its Accept header (`negotiate`: q-value, then the most specific media range, then
the server's order), or by `format=` (`FORMAT_PARAM`), or, for a resource, by an extension
(`EXTENSIONS`). `write_graph` writes a graph in the picked format; the query workers and the
linked-data pages both use it.

Imports only pyoxigraph: the query worker imports this module.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable, Mapping

import pyoxigraph as ox

# (media type, format key) in the server's order of preference
TABULAR_OFFERS = [
    ("application/sparql-results+json", "json"), ("application/json", "json"),
    ("application/sparql-results+xml", "xml"), ("application/xml", "xml"), ("text/xml", "xml"),
    ("text/csv", "csv"), ("text/tab-separated-values", "tsv"),
]
GRAPH_OFFERS = [
    ("text/turtle", "turtle"), ("application/x-turtle", "turtle"),
    ("application/n-triples", "ntriples"), ("text/plain", "ntriples"),
    ("application/ld+json", "jsonld"), ("application/json", "jsonld"),
    ("application/rdf+xml", "rdfxml"), ("application/xml", "rdfxml"),
]
PAGE_OFFERS = [("text/html", "html"), ("application/xhtml+xml", "html")] + GRAPH_OFFERS

# format=KEY: the (results format, graph format) it asks for
FORMAT_PARAM = {
    "json": ("json", "jsonld"), "srj": ("json", "jsonld"), "xml": ("xml", "rdfxml"),
    "srx": ("xml", "rdfxml"), "csv": ("csv", "turtle"), "tsv": ("tsv", "turtle"),
    "ttl": ("json", "turtle"), "turtle": ("json", "turtle"), "nt": ("json", "ntriples"),
    "ntriples": ("json", "ntriples"), "jsonld": ("json", "jsonld"), "rdf": ("xml", "rdfxml"),
    "rdfxml": ("xml", "rdfxml"),
}
# the same by SPARQLWrapper's, Fuseki's and Virtuoso's names, and by media type (SPARQLWrapper
# sends format=, output= and results=, some twice, the second time with a media type)
FORMAT_PARAM.update({
    "n3": ("json", "turtle"), "rdf+xml": ("xml", "rdfxml"), "json-ld": ("json", "jsonld"),
    "text": ("tsv", "ntriples"), "sparql-results+json": ("json", "jsonld"),
    "sparql-results+xml": ("xml", "rdfxml"),
})
FORMAT_PARAMETERS = ("format", "output", "results")


def format_from_params(values: Iterable[str]) -> tuple[str, str] | None:
    """(results format, graph format) asked for by the first value of format=/output=/results= this
    server knows (a name or a media type); None when none is known or none is given."""
    for value in values:
        v = value.strip().lower()
        if not v:
            continue
        if v in FORMAT_PARAM:
            return FORMAT_PARAM[v]
        media = v.split(";")[0].strip()
        tab = next((k for m, k in TABULAR_OFFERS if m == media), None)
        graph = next((k for m, k in GRAPH_OFFERS if m == media), None)
        if media in ("text/n3", "text/rdf+n3", "application/n3", "application/turtle"):
            graph = "turtle"
        if tab or graph:
            return tab or "json", graph or ("rdfxml" if tab == "xml" else "turtle")
    return None


# a resource's path + extension: its description in that format
EXTENSIONS = {".ttl": "turtle", ".nt": "ntriples", ".jsonld": "jsonld", ".rdf": "rdfxml", ".html": "html"}

# graph format key: (pyoxigraph format, media type of the answer)
GRAPH_FORMATS = {
    "turtle": (ox.RdfFormat.TURTLE, "text/turtle; charset=utf-8"),
    "ntriples": (ox.RdfFormat.N_TRIPLES, "application/n-triples"),
    "jsonld": (ox.RdfFormat.JSON_LD, "application/ld+json"),
    "rdfxml": (ox.RdfFormat.RDF_XML, "application/rdf+xml"),
}
# file extension of an answer saved with download=NAME
DOWNLOAD_EXTENSIONS = {"json": "json", "xml": "xml", "csv": "csv", "tsv": "tsv",
                       "turtle": "ttl", "ntriples": "nt", "jsonld": "jsonld", "rdfxml": "rdf"}

# media types of the files of dist/, by extension
FILE_MEDIA_TYPES = {
    ".nq": "application/n-quads", ".nt": "application/n-triples", ".ttl": "text/turtle; charset=utf-8",
    ".trig": "application/trig", ".jsonld": "application/ld+json", ".rdf": "application/rdf+xml",
    ".json": "application/json", ".csv": "text/csv; charset=utf-8", ".html": "text/html; charset=utf-8",
    ".txt": "text/plain; charset=utf-8", ".gz": "application/gzip",
}


def media_type_for(name: str) -> str:
    return FILE_MEDIA_TYPES.get(Path(name).suffix.lower(), "application/octet-stream")


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """The media ranges of an Accept header with their q-values, in the header's order."""
    out = []
    for part in (header or "").split(","):
        bits = [b.strip() for b in part.split(";")]
        if not bits[0]:
            continue
        q = 1.0
        for b in bits[1:]:
            if b.lower().startswith("q="):
                try:
                    q = float(b[2:])
                except ValueError:
                    q = 0.0
        out.append((bits[0].lower(), q))
    return out


def negotiate(accept: str | None, offers: list[tuple[str, str]], default: str) -> str:
    """The offer the client prefers (by q, then specificity, then the server's order); `default`
    when the header is absent or accepts none of the offers."""
    ranges = parse_accept(accept)
    if not ranges:
        return default
    best: tuple | None = None
    for order, (media, key) in enumerate(offers):
        mtype = media.split("/")[0]
        for rng, q in ranges:
            if rng == media:
                spec = 2
            elif rng == f"{mtype}/*":
                spec = 1
            elif rng == "*/*":
                spec = 0
            else:
                continue
            if q <= 0:
                continue
            score = (q, spec, -order)
            if best is None or score > best[0]:
                best = (score, key)
    return best[1] if best else default


def wants_html(accept: str | None) -> bool:
    """Only a client that names text/html gets a page (browsers do; curl's */* gets RDF)."""
    return "html" in (accept or "") and negotiate(accept, PAGE_OFFERS, "turtle") == "html"


def write_graph(triples: Iterable[ox.Triple], fmt: str,
                prefixes: Mapping[str, str] | None = None) -> tuple[bytes, str]:
    """The triples in graph format `fmt` (a GRAPH_FORMATS key) and the media type of the answer.
    `prefixes` shorten the Turtle; an empty graph in JSON-LD is `[]`."""
    rdf_format, media_type = GRAPH_FORMATS[fmt]
    triples = list(triples)
    if not triples and rdf_format == ox.RdfFormat.JSON_LD:
        return b"[]", media_type
    body = ox.serialize(triples, format=rdf_format,
                        prefixes=dict(prefixes) if prefixes and rdf_format == ox.RdfFormat.TURTLE else None)
    return body or b"", media_type
