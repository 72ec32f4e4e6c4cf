"""The HTML pages of `kg serve`: what each page shows, read from the dataset, and its template.

Each `*_page` function gathers a page's data into a template context (plain dicts and lists of
strings) and renders `kg/serve/templates/NAME.html` with Jinja2, autoescaped: every string from the
data is escaped by the template engine, none is written into HTML here. Pages are built from the
dataset itself (labels in English and Indonesian, definitions, quoted sources), so the
documentation never drifts from the data.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from starlette.responses import HTMLResponse

from kg.namespaces import BASE, DCTERMS, FOAF, GRAPH_ONTOLOGY, ONTOLOGY_IRI, OWL, PD, PROV, RDF, RDFS, SKOS
from kg.query.catalogue import CannedQuery
from kg.serve.conneg import media_type_for
from kg.terms import XSD_STRING, short

if TYPE_CHECKING:
    from kg.serve.linked_data import Resources

LABEL_PROPS = [str(RDFS.label), str(SKOS.prefLabel), str(DCTERMS.title), str(FOAF.name)]
RDF_TYPE = str(RDF.type)
INCOMING_SHOWN = 500  # links shown on a page; the description has them all
ONTOLOGY_META = [OWL.versionInfo, OWL.versionIRI, DCTERMS.license, DCTERMS.creator, DCTERMS.description]
ONTOLOGY_SECTIONS = [("Classes", OWL.Class), ("Object properties", OWL.ObjectProperty),
                     ("Datatype properties", OWL.DatatypeProperty),
                     ("Annotation properties", OWL.AnnotationProperty)]
TERM_DEFINITIONS = [SKOS.definition, RDFS.comment]
TERM_RELATIONS = [RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range, OWL.inverseOf,
                  SKOS.closeMatch, SKOS.exactMatch]
RESOURCE_FORMATS = [("ttl", "Turtle"), ("nt", "N-Triples"), ("jsonld", "JSON-LD"), ("rdf", "RDF/XML")]
ONTOLOGY_FORMATS = RESOURCE_FORMATS[:3]

_templates = Environment(loader=FileSystemLoader(Path(__file__).resolve().parent / "templates"),
                         autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def render(name: str, **context) -> str:
    return _templates.get_template(name).render(**context)


def html(text: str, status_code: int = 200, headers: dict[str, str] | None = None) -> HTMLResponse:
    return HTMLResponse(text, status_code=status_code, headers=headers)


def local_href(iri: str) -> str:
    """The server path of a dataset IRI (so links stay on this server); other IRIs unchanged."""
    if iri.startswith(BASE):
        return "/" + iri[len(BASE):]
    return iri


# --- reading labels --------------------------------------------------------------------------

def labels(res: "Resources", iri: str) -> dict[str, str]:
    """Labels by language ('' for none), from the first label property that has any."""
    out: dict[str, str] = {}
    for p in LABEL_PROPS:
        for o in res.objects(iri, p):
            if isinstance(o, ox.Literal):
                out.setdefault(o.language or "", o.value)
        if out:
            break
    return out


def label(res: "Resources", iri: str) -> str:
    """The English label, else one without language, else the Indonesian, else the short IRI."""
    ls = labels(res, iri)
    for lang in ("en", "", "id"):
        if lang in ls:
            return ls[lang]
    if ls:
        return next(iter(ls.values()))
    return short(iri, brackets=False)


# --- terms as the templates show them ----------------------------------------------------------

def term(res: "Resources", t) -> dict:
    """A term for the `term` macro: an IRI as a link with its label, a literal with its language
    or datatype, a blank node by its id."""
    if isinstance(t, ox.NamedNode):
        return {"kind": "iri", "iri": t.value, "href": local_href(t.value), "text": label(res, t.value)}
    if isinstance(t, ox.BlankNode):
        return {"kind": "bnode", "value": t.value}
    if isinstance(t, ox.Literal):
        datatype = None
        if not t.language and t.datatype.value != XSD_STRING:
            datatype = short(t.datatype.value, brackets=False)
        return {"kind": "literal", "value": t.value, "lang": t.language or "", "datatype": datatype}
    return {"kind": "text", "text": str(t)}


def text(t) -> dict:
    """A literal (or other term) as text with its language: definitions, quotes."""
    return {"lang": getattr(t, "language", None) or "", "text": getattr(t, "value", str(t))}


# --- the pages -------------------------------------------------------------------------------

def resource_page(res: "Resources", iri: str) -> str:
    ls = labels(res, iri)
    incoming = res.incoming(iri)
    sources = []
    for src in res.objects(iri, str(PROV.wasDerivedFrom)):
        quotes = res.objects(src.value, str(PD.quote)) if isinstance(src, ox.NamedNode) else []
        sources.append({"term": term(res, src), "quotes": [text(q) for q in quotes if isinstance(q, ox.Literal)]})
    return render(
        "resource.html",
        title=label(res, iri), iri=iri, path=local_href(iri), formats=RESOURCE_FORMATS,
        labels=[(lang, name, ls[lang]) for lang, name in (("en", "English"), ("id", "Bahasa Indonesia"))
                if lang in ls],
        types=[term(res, t) for t in sorted(res.objects(iri, RDF_TYPE), key=str)],
        definitions=[text(d) for d in res.objects(iri, str(SKOS.definition))],
        properties=[(term(res, p), term(res, o)) for p, o in res.outgoing(ox.NamedNode(iri))
                    if p.value != RDF_TYPE],
        sources=sources,
        incoming=[(term(res, s), term(res, p)) for s, p in incoming[:INCOMING_SHOWN]],
        more_incoming=max(0, len(incoming) - INCOMING_SHOWN))


def not_found_page(iri: str) -> str:
    return render("not_found.html", title="Not found", iri=iri)


def _term_doc(res: "Resources", iri: str) -> dict:
    ls = labels(res, iri)
    local = iri[len(str(PD)):]
    relations = []
    for p in TERM_RELATIONS:
        values = [o for o in res.objects(iri, str(p)) if not isinstance(o, ox.BlankNode)]
        if values:
            relations.append((short(str(p), brackets=False), [term(res, v) for v in values]))
    return {"local": local, "label_en": ls.get("en", local), "label_id": ls.get("id"),
            "definitions": [text(d) for p in TERM_DEFINITIONS for d in res.objects(iri, str(p))
                            if isinstance(d, ox.Literal)],
            "relations": relations}


def ontology_page(res: "Resources") -> str:
    onto = str(ONTOLOGY_IRI)
    ls = labels(res, onto)
    sections = []
    for title, cls in ONTOLOGY_SECTIONS:
        iris = [t for t in res.subjects_of_type(str(cls), str(GRAPH_ONTOLOGY)) if t.startswith(str(PD))]
        if iris:
            sections.append({"title": title, "terms": [_term_doc(res, t) for t in iris]})
    return render(
        "ontology.html", title="Ontology", iri=onto, formats=ONTOLOGY_FORMATS,
        heading=ls.get("en", "Paradiplomacy ontology"), subtitle=ls.get("id"),
        meta=[(term(res, ox.NamedNode(str(p))), term(res, o)) for p in ONTOLOGY_META
              for o in res.objects(onto, str(p))],
        sections=sections)


def queries_page(catalogue: dict[str, CannedQuery]) -> str:
    return render("queries.html", title="Questions", queries=[
        {"name": q.name, "question": q.question_en or q.summary, "question_id": q.question_id,
         "params": [{"name": p.name, "type": p.type, "description": p.description, "default": p.default}
                    for p in q.params]}
        for q in catalogue.values()])


def dumps_page(files: dict[str, Path]) -> str:
    return render("dumps.html", title="Downloads", files=[
        {"name": n, "bytes": p.stat().st_size, "media_type": media_type_for(n)} for n, p in files.items()])
