"""HTML pages and RDF descriptions for `kg serve`: linked data, ontology documentation, listings.

Every string from the data goes through `esc` (html.escape) before it reaches a page. Pages are
built from the store itself (labels in English and Indonesian, definitions, provenance), so the
documentation never drifts from the data.
"""
from __future__ import annotations

import html
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from starlette.responses import Response

from kg.namespaces import BASE, PREFIXES
from kg.query.catalogue import CannedQuery
from kg.serve.worker import GRAPH_FORMATS

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
PD = BASE + "ontology#"
LABEL_PROPS = [RDFS + "label", SKOS + "prefLabel", DCTERMS + "title", "http://xmlns.com/foaf/0.1/name"]
DEFINITION_PROPS = [SKOS + "definition", RDFS + "comment", DCTERMS + "description"]
QUOTE = PD + "quote"
DERIVED = PROV + "wasDerivedFrom"
TURTLE_PREFIXES = {k: v for k, v in PREFIXES.items()}

MEDIA_TYPES = {
    ".nq": "application/n-quads", ".nt": "application/n-triples", ".ttl": "text/turtle; charset=utf-8",
    ".trig": "application/trig", ".jsonld": "application/ld+json", ".rdf": "application/rdf+xml",
    ".json": "application/json", ".csv": "text/csv; charset=utf-8", ".html": "text/html; charset=utf-8",
    ".txt": "text/plain; charset=utf-8", ".gz": "application/gzip",
}


def esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def media_type_for(name: str) -> str:
    return MEDIA_TYPES.get(Path(name).suffix.lower(), "application/octet-stream")


def local_href(iri: str) -> str:
    """The server path of a dataset IRI (so links stay on this server); other IRIs unchanged."""
    if iri.startswith(BASE):
        return "/" + iri[len(BASE):]
    return iri


def rdflib_to_tuple(term) -> tuple:
    if isinstance(term, URIRef):
        return ("iri", str(term), None)
    if isinstance(term, BNode):
        return ("bnode", str(term), None)
    if isinstance(term, Literal):
        if term.language:
            return ("literal", str(term), "@" + term.language)
        return ("literal", str(term), str(term.datatype) if term.datatype else None)
    raise TypeError(f"cannot send {term!r} to the query worker")


def rdf_response(turtle: str, fmt: str, headers: dict[str, str] | None = None) -> Response:
    """Turtle text re-serialised in `fmt` (turtle, ntriples, jsonld, rdfxml)."""
    if fmt not in GRAPH_FORMATS:
        fmt = "turtle"
    rdf_format, ctype = GRAPH_FORMATS[fmt]
    if fmt == "turtle":
        return Response(turtle.encode("utf-8"), media_type=ctype, headers=headers)
    triples = list(ox.parse(turtle.encode("utf-8"), format=ox.RdfFormat.TURTLE))
    body = ox.serialize(triples, format=rdf_format) if triples else (b"[]" if fmt == "jsonld" else b"")
    return Response(body or b"", media_type=ctype, headers=headers)


def query_json(q: CannedQuery) -> dict:
    return {
        "name": q.name, "summary": q.summary, "question_en": q.question_en, "question_id": q.question_id,
        "params": [{"name": p.name, "type": p.type, "default": p.default, "description": p.description}
                   for p in q.params],
        "tags": q.tags, "role": q.role, "text": q.text, "url": f"/queries/{q.name}",
    }


def service_description(endpoint: str, graphs: list[str], updates: bool) -> str:
    """The SPARQL 1.1 Service Description of the endpoint, in Turtle."""
    sd = "http://www.w3.org/ns/sparql-service-description#"
    lines = [
        f"@prefix sd: <{sd}> .",
        "@prefix void: <http://rdfs.org/ns/void#> .",
        "",
        f"<{endpoint}> a sd:Service ;",
        f"    sd:endpoint <{endpoint}> ;",
        "    sd:supportedLanguage sd:SPARQL11Query" + (" , sd:SPARQL11Update" if updates else "") + " ;",
        "    sd:feature sd:UnionDefaultGraph ;",
        "    sd:resultFormat <http://www.w3.org/ns/formats/SPARQL_Results_JSON> ,",
        "        <http://www.w3.org/ns/formats/SPARQL_Results_XML> , <http://www.w3.org/ns/formats/SPARQL_Results_CSV> ,",
        "        <http://www.w3.org/ns/formats/SPARQL_Results_TSV> , <http://www.w3.org/ns/formats/Turtle> ,",
        "        <http://www.w3.org/ns/formats/N-Triples> , <http://www.w3.org/ns/formats/JSON-LD> ,",
        "        <http://www.w3.org/ns/formats/RDF_XML> ;",
        "    sd:defaultDataset [",
        "        a sd:Dataset ;",
        f"        void:sparqlEndpoint <{endpoint}> ;",
        "        sd:defaultGraph [ a sd:Graph ; void:comment \"the union of the named graphs\" ]" +
        (" ;" if graphs else ""),
    ]
    named = [f"        sd:namedGraph [ a sd:NamedGraph ; sd:name <{g}> ]" for g in graphs]
    lines.append(" ;\n".join(named))
    lines += ["    ] ."]
    return "\n".join(line for line in lines if line) + "\n"


def _term_key(t) -> tuple:
    return (type(t).__name__, str(t))


class PageRenderer:
    """Reads the page store (pyoxigraph) and writes escaped HTML and Turtle descriptions."""

    def __init__(self, store: ox.Store, catalogue: dict[str, CannedQuery]):
        self.store = store
        self.catalogue = catalogue

    # -- reading the store --

    def _objects(self, s: str, p: str) -> list:
        seen, out = set(), []
        for q in self.store.quads_for_pattern(ox.NamedNode(s), ox.NamedNode(p), None, None):
            k = _term_key(q.object)
            if k not in seen:
                seen.add(k)
                out.append(q.object)
        return out

    def _outgoing(self, node) -> list[tuple]:
        seen, out = set(), []
        for q in self.store.quads_for_pattern(node, None, None, None):
            k = (q.predicate.value, _term_key(q.object))
            if k not in seen:
                seen.add(k)
                out.append((q.predicate, q.object))
        return sorted(out, key=lambda po: (po[0].value, str(po[1])))

    def _incoming(self, iri: str) -> list[tuple]:
        seen, out = set(), []
        for q in self.store.quads_for_pattern(None, None, ox.NamedNode(iri), None):
            k = (_term_key(q.subject), q.predicate.value)
            if k not in seen:
                seen.add(k)
                out.append((q.subject, q.predicate))
        return sorted(out, key=lambda sp: (sp[1].value, str(sp[0])))

    def exists(self, iri: str) -> bool:
        node = ox.NamedNode(iri)
        for _ in self.store.quads_for_pattern(node, None, None, None):
            return True
        for _ in self.store.quads_for_pattern(None, None, node, None):
            return True
        return False

    def labels(self, iri: str) -> dict[str, str]:
        """Labels by language ('' for none), first label property that has any."""
        out: dict[str, str] = {}
        for p in LABEL_PROPS:
            for o in self._objects(iri, p):
                if isinstance(o, ox.Literal):
                    out.setdefault(o.language or "", o.value)
            if out:
                break
        return out

    def label(self, iri: str) -> str:
        ls = self.labels(iri)
        for lang in ("en", "", "id"):
            if lang in ls:
                return ls[lang]
        if ls:
            return next(iter(ls.values()))
        return self.short(iri)

    @staticmethod
    def short(iri: str) -> str:
        for prefix, ns in PREFIXES.items():
            if iri.startswith(ns) and len(iri) > len(ns):
                return f"{prefix}:{iri[len(ns):]}"
        return iri

    # -- RDF descriptions --

    def describe_turtle(self, iri: str) -> str:
        """Outgoing triples (with blank-node closure) and incoming triples of the resource."""
        triples, seen = [], set()
        todo = [ox.NamedNode(iri)]
        done = set()
        while todo:
            node = todo.pop()
            if _term_key(node) in done:
                continue
            done.add(_term_key(node))
            for p, o in self._outgoing(node):
                t = ox.Triple(node, p, o)
                if str(t) not in seen:
                    seen.add(str(t))
                    triples.append(t)
                if isinstance(o, ox.BlankNode):
                    todo.append(o)
        for s, p in self._incoming(iri):
            t = ox.Triple(s, p, ox.NamedNode(iri))
            if str(t) not in seen:
                seen.add(str(t))
                triples.append(t)
        return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=TURTLE_PREFIXES).decode("utf-8")

    def graph_turtle(self, graph: str) -> str:
        triples = sorted({ox.Triple(q.subject, q.predicate, q.object) for q in
                          self.store.quads_for_pattern(None, None, None, ox.NamedNode(graph))}, key=str)
        return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=TURTLE_PREFIXES).decode("utf-8")

    # -- HTML --

    def link(self, term) -> str:
        if isinstance(term, ox.NamedNode):
            iri = term.value
            text = self.label(iri) if self.labels(iri) else self.short(iri)
            return f'<a href="{esc(local_href(iri))}" title="{esc(iri)}">{esc(text)}</a>'
        if isinstance(term, ox.BlankNode):
            return f"<code>_:{esc(term.value)}</code>"
        if isinstance(term, ox.Literal):
            lang = term.language
            extra = ""
            if lang:
                extra = f' <span class="lang">@{esc(lang)}</span>'
            elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
                extra = f' <span class="dt">{esc(self.short(term.datatype.value))}</span>'
            attr = f' lang="{esc(lang)}"' if lang else ""
            return f"<span class=\"literal\"{attr}>{esc(term.value)}</span>{extra}"
        return esc(str(term))

    def page(self, title: str, body: str) -> str:
        return (
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{esc(title)} · paradiplomacy-kg</title>"
            "<link rel=\"stylesheet\" href=\"/static/style.css\"></head><body>"
            "<header><nav><a href=\"/\">paradiplomacy-kg</a> · <a href=\"/queries\">questions</a> · "
            "<a href=\"/ontology\">ontology</a> · <a href=\"/dumps\">downloads</a> · "
            "<a href=\"/sparql\">SPARQL endpoint</a></nav></header>"
            f"<main>{body}</main></body></html>\n")

    def _alternates(self, path: str) -> str:
        return ("<p class=\"alt\">Also as " + " · ".join(
            f'<a href="{esc(path)}.{ext}">{name}</a>' for ext, name in
            (("ttl", "Turtle"), ("nt", "N-Triples"), ("jsonld", "JSON-LD"), ("rdf", "RDF/XML"))) + "</p>")

    def resource_page(self, iri: str) -> str:
        ls = self.labels(iri)
        title = self.label(iri)
        node = ox.NamedNode(iri)
        parts = [f"<h1>{esc(title)}</h1>"]
        if "en" in ls or "id" in ls:
            parts.append("<dl class=\"labels\">" + "".join(
                f'<dt>{name}</dt><dd lang="{lang}">{esc(ls[lang])}</dd>'
                for lang, name in (("en", "English"), ("id", "Bahasa Indonesia")) if lang in ls) + "</dl>")
        parts.append(f'<p class="iri"><code>{esc(iri)}</code></p>')
        parts.append(self._alternates(local_href(iri)))
        types = self._objects(iri, RDF_TYPE)
        if types:
            parts.append("<h2>Types</h2><ul class=\"types\">" +
                         "".join(f"<li>{self.link(t)}</li>" for t in sorted(types, key=str)) + "</ul>")
        for p in DEFINITION_PROPS[:1]:
            for d in self._objects(iri, p):
                parts.append(f'<p class="definition" lang="{esc(getattr(d, "language", "") or "")}">'
                             f"{esc(getattr(d, 'value', d))}</p>")
        rows = [(p, o) for p, o in self._outgoing(node) if p.value != RDF_TYPE]
        if rows:
            parts.append("<h2>Properties</h2><table class=\"props\"><tbody>")
            for p, o in rows:
                parts.append(f"<tr><th>{self.link(p)}</th><td>{self.link(o)}</td></tr>")
            parts.append("</tbody></table>")
        sources = self._objects(iri, DERIVED)
        if sources:
            parts.append("<h2>Sources</h2><ul class=\"sources\">")
            for src in sources:
                quotes = self._objects(src.value, QUOTE) if isinstance(src, ox.NamedNode) else []
                qhtml = "".join(f'<blockquote lang="{esc(q.language or "")}">{esc(q.value)}</blockquote>'
                                for q in quotes if isinstance(q, ox.Literal))
                parts.append(f"<li>{self.link(src)}{qhtml}</li>")
            parts.append("</ul>")
        incoming = self._incoming(iri)
        if incoming:
            parts.append("<h2>Linked from</h2><table class=\"incoming\"><tbody>")
            for s, p in incoming[:500]:
                parts.append(f"<tr><td>{self.link(s)}</td><th>{self.link(p)}</th></tr>")
            parts.append("</tbody></table>")
            if len(incoming) > 500:
                parts.append(f"<p>… and {len(incoming) - 500} more (see the Turtle description).</p>")
        return self.page(title, "".join(parts))

    def not_found(self, iri: str) -> str:
        return self.page("Not found", f"<h1>Not in this dataset</h1><p><code>{esc(iri)}</code> names "
                                      "nothing in the dataset.</p><p><a href=\"/\">Back to the start page</a></p>")

    def ontology_page(self) -> str:
        onto = BASE + "ontology"
        graph = ox.NamedNode(BASE + "graph/ontology")
        ls = self.labels(onto)
        head = [f"<h1>{esc(ls.get('en', 'Paradiplomacy ontology'))}</h1>"]
        if "id" in ls:
            head.append(f'<p class="subtitle" lang="id">{esc(ls["id"])}</p>')
        head.append(f'<p class="iri"><code>{esc(onto)}</code></p>')
        head.append("<p class=\"alt\">Also as <a href=\"/ontology.ttl\">Turtle</a> · "
                    "<a href=\"/ontology.nt\">N-Triples</a> · <a href=\"/ontology.jsonld\">JSON-LD</a></p>")
        meta = []
        for p in (OWL + "versionInfo", OWL + "versionIRI", DCTERMS + "license", DCTERMS + "creator",
                  DCTERMS + "description"):
            for o in self._objects(onto, p):
                meta.append(f"<tr><th>{self.link(ox.NamedNode(p))}</th><td>{self.link(o)}</td></tr>")
        if meta:
            head.append("<table class=\"props\"><tbody>" + "".join(meta) + "</tbody></table>")
        sections = [("Classes", OWL + "Class"), ("Object properties", OWL + "ObjectProperty"),
                    ("Datatype properties", OWL + "DatatypeProperty"),
                    ("Annotation properties", OWL + "AnnotationProperty")]
        toc, body = [], []
        for title, cls in sections:
            terms = sorted({q.subject.value for q in self.store.quads_for_pattern(
                None, ox.NamedNode(RDF_TYPE), ox.NamedNode(cls), graph) if isinstance(q.subject, ox.NamedNode)
                and q.subject.value.startswith(PD)})
            if not terms:
                continue
            toc.append(f"<li>{esc(title)} ({len(terms)})</li>")
            body.append(f"<h2>{esc(title)}</h2>")
            for t in terms:
                body.append(self._term_doc(t))
        return self.page("Ontology", "".join(head) + "<ul class=\"toc\">" + "".join(toc) + "</ul>" + "".join(body))

    def _term_doc(self, iri: str) -> str:
        local = iri[len(PD):]
        ls = self.labels(iri)
        out = [f'<section class="term" id="{esc(local)}"><h3>{esc(ls.get("en", local))} '
               f'<code>pd:{esc(local)}</code></h3>']
        if "id" in ls:
            out.append(f'<p class="label-id" lang="id">{esc(ls["id"])}</p>')
        for p in (SKOS + "definition", RDFS + "comment"):
            for d in self._objects(iri, p):
                if isinstance(d, ox.Literal):
                    out.append(f'<p class="definition" lang="{esc(d.language or "")}">{esc(d.value)}</p>')
        rel = []
        for p in (RDFS + "subClassOf", RDFS + "subPropertyOf", RDFS + "domain", RDFS + "range",
                  OWL + "inverseOf", SKOS + "closeMatch", SKOS + "exactMatch"):
            vals = [o for o in self._objects(iri, p) if not isinstance(o, ox.BlankNode)]
            if vals:
                rel.append(f"<tr><th>{esc(self.short(p))}</th><td>" +
                           ", ".join(self.link(v) for v in vals) + "</td></tr>")
        if rel:
            out.append("<table class=\"props\"><tbody>" + "".join(rel) + "</tbody></table>")
        out.append("</section>")
        return "".join(out)

    def queries_page(self) -> str:
        items = []
        for q in self.catalogue.values():
            params = "".join(f"<li><code>{esc(p.name)}</code> ({esc(p.type)}): {esc(p.description)}"
                             + (f" — default <code>{esc(p.default)}</code>" if p.default else "") + "</li>"
                             for p in q.params)
            items.append(
                f'<li class="query"><h3><a href="/#{esc(q.name)}">{esc(q.name)}</a></h3>'
                f'<p lang="en">{esc(q.question_en or q.summary)}</p>'
                + (f'<p lang="id">{esc(q.question_id)}</p>' if q.question_id else "")
                + (f"<ul>{params}</ul>" if params else "")
                + f'<p><a href="/queries/{esc(q.name)}?format=csv&amp;download={esc(q.name)}">CSV</a> · '
                  f'<a href="/queries/{esc(q.name)}?format=json">JSON</a></p></li>')
        return self.page("Questions", "<h1>Questions / Pertanyaan</h1><ul class=\"queries\">"
                         + "".join(items) + "</ul>")

    def dumps_page(self, files: dict[str, Path]) -> str:
        rows = "".join(f'<tr><td><a href="/dumps/{esc(n)}">{esc(n)}</a></td><td>{p.stat().st_size}</td>'
                       f"<td>{esc(media_type_for(n))}</td></tr>" for n, p in files.items())
        return self.page("Downloads", "<h1>Downloads</h1><p>The built dataset, described in "
                         "<a href=\"/void\">VoID/DCAT</a>.</p><table class=\"props\"><thead><tr><th>file</th>"
                         f"<th>bytes</th><th>media type</th></tr></thead><tbody>{rows}</tbody></table>")
