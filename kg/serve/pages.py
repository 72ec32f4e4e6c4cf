"""The HTML pages of `kg serve`: what each page shows, read from the dataset, and its template.

Each `*_page` function gathers a page's data into a template context (plain dicts and lists of
strings) and renders `kg/serve/templates/NAME.html` with Jinja2, autoescaped: every string from the
data is escaped by the template engine, none is written into HTML here. Pages are built from the
dataset itself (labels in English and Indonesian, definitions, quoted sources), so the
documentation never drifts from the data.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from starlette.responses import HTMLResponse

from kg.namespaces import (BASE, DCTERMS, FOAF, GRAPH_DATA, GRAPH_ONTOLOGY, GRAPH_PROVENANCE, ONTOLOGY_IRI, OWL, PD,
                           PROV, RDF, RDFS, SKOS)
from kg.query.catalogue import CannedQuery
from kg.serve.conneg import media_type_for
from kg.serve.i18n import translator
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
    context.setdefault("lang", "en")
    context.setdefault("t", translator(context["lang"]))
    context.setdefault("path", "/")
    return _templates.get_template(name).render(**context)


def chrome(request, lang: str) -> dict:
    """What every page's header needs: its language, the translator, its own path (for the switch)."""
    return {"lang": lang, "t": translator(lang), "path": request.url.path}


def html(text: str, status_code: int = 200, headers: dict[str, str] | None = None) -> HTMLResponse:
    return HTMLResponse(text, status_code=status_code, headers=headers)


def local_href(iri: str) -> str:
    """The server path of a dataset IRI (so links stay on this server); other http(s) IRIs
    unchanged; any other scheme (`javascript:`, `data:`, `file:` in a data file) is no link at all
    (red-team defect 15: a data file must not be able to put script behind a link)."""
    if iri.startswith(BASE):
        return "/" + iri[len(BASE):]
    if iri.lower().startswith(("http://", "https://")):
        return iri
    return "#"


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


def label(res: "Resources", iri: str, lang: str = "en") -> str:
    """The label in `lang`, else one without language, else the other language, else the short IRI."""
    ls = labels(res, iri)
    for want in (lang, "", "en", "id"):
        if want in ls:
            return ls[want]
    if ls:
        return next(iter(ls.values()))
    return short(iri, brackets=False)


# --- terms as the templates show them ----------------------------------------------------------

def term(res: "Resources", t, lang: str = "en") -> dict:
    """A term for the `term` macro: an IRI as a link with its label, a literal with its language
    or datatype, a blank node by its id."""
    if isinstance(t, ox.NamedNode):
        return {"kind": "iri", "iri": t.value, "href": local_href(t.value), "text": label(res, t.value, lang)}
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

# properties the entity page shows elsewhere (the heading, the names box, the sources), not as statements
SHOWN_ELSEWHERE = {RDF_TYPE, str(RDFS.label), str(SKOS.prefLabel), str(SKOS.altLabel), str(PROV.wasDerivedFrom),
                   str(SKOS.definition)}
STATEMENT_PROPS = {str(RDF.subject), str(RDF.predicate), str(RDF.object)}


def _graph_of(res: "Resources", s, p, o) -> str:
    """asserted (graph/data), ontology (graph/ontology) or inferred (only in graph/inferred)."""
    graphs = {q.graph_name.value for q in res.store.quads_for_pattern(s, p, o, None)
              if isinstance(q.graph_name, ox.NamedNode)}
    if str(GRAPH_DATA) in graphs:
        return "asserted"
    if str(GRAPH_ONTOLOGY) in graphs:
        return "ontology"
    return "inferred"


def passage_view(res: "Resources", passage: str) -> dict:
    """A source passage as the `source` macro shows it: quote, English rendering, section, footnote, work."""
    first = lambda s, p: next(iter(res.objects(s, str(p))), None)  # noqa: E731
    quote, translation = first(passage, PD.quote), first(passage, PD.translation)
    section = first(passage, DCTERMS.isPartOf)
    number = first(section.value, PD.sectionNumber) if isinstance(section, ox.NamedNode) else None
    note = first(passage, PD.footnote)
    fn = first(note.value, PD.footnoteNumber) if isinstance(note, ox.NamedNode) else None
    work = first(note.value, PD.citesWork) if isinstance(note, ox.NamedNode) else None
    pages = first(note.value, PD.pages) if isinstance(note, ox.NamedNode) else None
    return {"passage": short(passage, brackets=False), "href": local_href(passage),
            "quote": quote.value if quote is not None else None,
            "quote_lang": getattr(quote, "language", None), "translation": getattr(translation, "value", None),
            "section": number.value if number is not None else None,
            "footnote": fn.value if fn is not None else None,
            "cited_work": short(work.value, brackets=False) if work is not None else None,
            "cited_work_label": label(res, work.value) if work is not None else None,
            "cited_work_href": local_href(work.value) if work is not None else "",
            "pages": pages.value if pages is not None else None}


def _statement_sources(res: "Resources", iri: str) -> dict[tuple, list[str]]:
    """(predicate, object) of the entity's asserted triples -> the passages that support each
    (graph/provenance: one statement per asserted triple, found by its rdf:subject, docs/PROVENANCE.md)."""
    out: dict[tuple, list[str]] = {}
    prov = ox.NamedNode(str(GRAPH_PROVENANCE))
    for q in res.store.quads_for_pattern(None, ox.NamedNode(str(RDF.subject)), ox.NamedNode(iri), prov):
        st = q.subject
        p = next(iter(res.store.quads_for_pattern(st, ox.NamedNode(str(RDF.predicate)), None, prov)), None)
        o = next(iter(res.store.quads_for_pattern(st, ox.NamedNode(str(RDF.object)), None, prov)), None)
        if p is None or o is None:
            continue
        passages = sorted(x.object.value for x in res.store.quads_for_pattern(
            st, ox.NamedNode(str(PROV.wasDerivedFrom)), None, prov))
        out.setdefault((p.object.value, _key(o.object)), []).extend(passages)
    return out


# the start page's views of an entity: (its class, the question, its parameter, the views offered)
ENTITY_VIEWS = [
    (PD.SubStateActor, "agreements-of-actor", "actor", ("map", "timeline", "network", "table")),
    (PD.CentreRegionRelation, "relation-evidence", "relation", ("timeline", "network", "table")),
    (PD.Agreement, "agreement-follow-ups", "agreement", ("timeline", "table")),
]


def entity_views(iri: str, type_iris: set[str], t) -> list[dict]:
    """Links to the start page's question about this entity, one per view (a shareable link each)."""
    out = []
    ident = short(iri, brackets=False)
    for cls, question, param, views in ENTITY_VIEWS:
        if str(cls) in type_iris:
            for view in views:
                out.append({"view": view, "text": t(view),
                            "href": f"/?question={question}&{param}={ident}" + (f"&view={view}" if view != "table" else "")})
    return out


def entity_glance(res: "Resources", iri: str, type_iris: set[str]) -> dict | None:
    """A sub-state actor that is a party to agreements: the question its page draws small (its
    partners' countries on a map, its dated agreements on a timeline, kg/serve/web/entity.js)."""
    if str(PD.SubStateActor) not in type_iris:
        return None
    party = ox.NamedNode(str(PD.party))
    for q in res.store.quads_for_pattern(None, party, ox.NamedNode(iri), None):
        if any(True for _ in res.store.quads_for_pattern(q.subject, ox.NamedNode(RDF_TYPE), ox.NamedNode(str(PD.Agreement)), None)):
            return {"question": "agreements-of-actor", "param": "actor", "value": short(iri, brackets=False)}
    return None


def _key(t) -> str:
    return str(t)


def _property_order(res: "Resources", p: str, lang: str) -> tuple:
    # the project's own properties first, then the standard ones; each by its name
    return (0 if p.startswith(str(PD)) else 1, label(res, p, lang).casefold())


def resource_page(res: "Resources", iri: str, lang: str = "en", chrome: dict | None = None) -> str:
    """An entity page in the manner of Wikidata's: names in both languages, statements grouped by
    property (asserted or inferred), each value's supporting passages one click away."""
    chrome = chrome or {"lang": lang, "t": translator(lang), "path": local_href(iri)}
    ls = labels(res, iri)
    node = ox.NamedNode(iri)
    alt = {"en": [], "id": []}
    for o in res.objects(iri, str(SKOS.altLabel)):
        if isinstance(o, ox.Literal) and (o.language or "en") in alt:
            alt[o.language or "en"].append(o.value)
    names = [{"lang": code, "name": name, "label": ls.get(code), "aliases": sorted(alt[code])}
             for code, name in (("en", "English"), ("id", "Indonesian")) if ls.get(code) or alt[code]]
    supports = _statement_sources(res, iri)
    passages: dict[str, dict] = {}
    groups: dict[str, dict] = {}
    for p, o in res.outgoing(node):
        if p.value in SHOWN_ELSEWHERE:
            continue
        if isinstance(o, ox.Literal) and o.language and o.language != lang and \
                any(isinstance(x, ox.Literal) and x.language == lang for x in res.objects(iri, p.value)):
            continue  # a text in both languages: the page's language
        g = groups.setdefault(p.value, {"property": term(res, p, lang), "vals": []})
        refs = []
        for passage in supports.get((p.value, _key(o)), []):
            if passage not in passages:
                passages[passage] = passage_view(res, passage)
            refs.append(passages[passage])
        g["vals"].append({"term": term(res, o, lang), "status": _graph_of(res, node, p, o), "sources": refs})
    statements = [groups[p] for p in sorted(groups, key=lambda p: _property_order(res, p, lang))]
    sources = [passage_view(res, o.value) for o in res.objects(iri, str(PROV.wasDerivedFrom))
               if isinstance(o, ox.NamedNode)]
    types = [term(res, t, lang) for t in sorted(res.objects(iri, RDF_TYPE), key=str)]
    type_iris = {t.value for t in res.objects(iri, RDF_TYPE)}
    explain = None
    if str(PD.CentreRegionRelation) in type_iris:
        explain = "/explain/" + iri.rsplit("/", 1)[-1]
    elif any(q.subject for q in res.store.quads_for_pattern(None, ox.NamedNode(str(PD.subStateActor)), node, None)):
        explain = "/explain/" + iri.rsplit("/", 1)[-1]
    incoming: dict[str, dict] = {}
    for s, p in res.incoming(iri):
        if p.value in STATEMENT_PROPS:  # the provenance graph's statements about this entity
            continue
        incoming.setdefault(p.value, {"property": term(res, p, lang), "subjects": []})["subjects"].append(term(res, s, lang))
    incoming_groups = [incoming[p] for p in sorted(incoming, key=lambda p: _property_order(res, p, lang))]
    for g in incoming_groups:
        g["more"] = max(0, len(g["subjects"]) - INCOMING_SHOWN)
        g["subjects"] = g["subjects"][:INCOMING_SHOWN]
    return render(
        "resource.html", title=label(res, iri, lang), iri=iri, formats=RESOURCE_FORMATS,
        subtitle=ls.get("id" if lang == "en" else "en"), names=names, types=types,
        definitions=[text(d) for d in res.objects(iri, str(SKOS.definition))
                     if getattr(d, "language", None) in (lang, None, "")] or
                    [text(d) for d in res.objects(iri, str(SKOS.definition))],
        statements=statements, sources=sources, explain=explain, incoming=incoming_groups,
        views=entity_views(iri, type_iris, chrome["t"]),
        glance=entity_glance(res, iri, type_iris),
        **{**chrome, "path": local_href(iri)})


def not_found_page(iri: str, suggestions: list[dict] | None = None, chrome: dict | None = None,
                   reason: str | None = None) -> str:
    t = (chrome or {}).get("t", translator("en"))
    return render("not_found.html", title=t("Not found"), iri=iri, suggestions=suggestions or [], reason=reason,
                  **(chrome or {}))


_ONTOLOGY_GRAPHS: dict[int, object] = {}
CHARACTERISTICS = [OWL.FunctionalProperty, OWL.InverseFunctionalProperty, OWL.TransitiveProperty,
                   OWL.SymmetricProperty, OWL.AsymmetricProperty, OWL.IrreflexiveProperty]
EXAMPLES_SHOWN = 6


def _ontology_graph(res: "Resources"):
    """graph/ontology as an rdflib Graph (for kg.explain.render_class), made once per store."""
    key = id(res.store)
    if key not in _ONTOLOGY_GRAPHS:
        from kg.terms import graph_from_oxigraph

        _ONTOLOGY_GRAPHS.clear()
        _ONTOLOGY_GRAPHS[key] = graph_from_oxigraph(res.graph(str(GRAPH_ONTOLOGY)))
    return _ONTOLOGY_GRAPHS[key]


def _link(res: "Resources", iri: str, lang: str) -> dict:
    return term(res, ox.NamedNode(iri), lang)


def _examples(res: "Resources", cls: str, lang: str) -> tuple[list[dict], int]:
    """Instances of a class in the data (asserted or inferred), the first few by name, and how many."""
    data_graphs = (ox.NamedNode(str(GRAPH_DATA)), ox.NamedNode(BASE + "graph/inferred"))
    found = sorted({q.subject.value for g in data_graphs for q in res.store.quads_for_pattern(
        None, ox.NamedNode(RDF_TYPE), ox.NamedNode(cls), g) if isinstance(q.subject, ox.NamedNode)})
    named = sorted(found, key=lambda i: label(res, i, lang).casefold())
    return [_link(res, i, lang) for i in named[:EXAMPLES_SHOWN]], len(found)


def _term_doc(res: "Resources", g, iri: str, kind: str, lang: str, index: dict) -> dict:
    from rdflib import BNode, URIRef
    from rdflib.collection import Collection
    from rdflib.namespace import OWL as R_OWL, RDFS as R_RDFS

    from kg.explain import render_class

    ls = labels(res, iri)
    local = iri[len(str(PD)):]
    node = URIRef(iri)
    doc = {"local": local, "kind": kind, "label": ls.get(lang) or ls.get("en") or local,
           "other": ls.get("id" if lang == "en" else "en"),
           "definitions": [text(d) for p in TERM_DEFINITIONS for d in res.objects(iri, str(p))
                           if isinstance(d, ox.Literal) and d.language in (lang, "en", "")][:2],
           "rows": [], "axioms": [], "used_in": [], "characteristics": [], "examples": [], "count": 0,
           "triples": []}
    rows = doc["rows"]
    t = translator(lang)

    def named(values) -> list[dict]:
        return [_link(res, str(v), lang) for v in sorted(values, key=str) if isinstance(v, URIRef)]

    if kind == "class":
        axioms = [f"{render_class(g, x)} ⊑ {local}" for x in g.subjects(R_RDFS.subClassOf, node) if isinstance(x, BNode)]
        axioms += [f"{local} ≡ {render_class(g, x)}" for x in g.objects(node, R_OWL.equivalentClass)]
        doc["axioms"] = sorted(axioms)
        doc["used_in"] = sorted({f"{left} ⊑ {right}" for left, words, right, sup in index["gci_text"]
                                 if local in words and sup != node})
        for name, values in ((t("Superclasses"), named(g.objects(node, R_RDFS.subClassOf))),
                             (t("Subclasses"), named(x for x in g.subjects(R_RDFS.subClassOf, node))),
                             (t("In the domain of"), named(index["domain"].get(iri, []))),
                             (t("In the range of"), named(index["range"].get(iri, [])))):
            if values:
                rows.append((name, values))
        doc["examples"], doc["count"] = _examples(res, iri, lang)
    else:
        for name, pred in ((t("Domain"), R_RDFS.domain), (t("Range"), R_RDFS.range),
                           (t("Subproperty of"), R_RDFS.subPropertyOf), (t("Inverse of"), R_OWL.inverseOf)):
            values = named(g.objects(node, pred))
            if values:
                rows.append((name, values))
        subs = named(g.subjects(R_RDFS.subPropertyOf, node))
        if subs:
            rows.append((t("Subproperties"), subs))
        doc["characteristics"] = [c.rsplit("#", 1)[-1].replace("Property", "") for c in CHARACTERISTICS
                                  if (node, URIRef(str(RDF.type)), URIRef(str(c))) in g]
        doc["axioms"] = [" ∘ ".join(str(m).rsplit("#", 1)[-1] for m in Collection(g, chain)) + f" ⊑ {local}"
                         for chain in g.objects(node, R_OWL.propertyChainAxiom)]
        doc["used_in"] = []
        examples = []
        for q in res.store.quads_for_pattern(None, ox.NamedNode(iri), None, ox.NamedNode(str(GRAPH_DATA))):
            if isinstance(q.subject, ox.NamedNode):
                examples.append((_link(res, q.subject.value, lang), term(res, q.object, lang)))
            if len(examples) >= 3:
                break
        doc["triples"] = examples
    for name, p in (("skos:closeMatch", SKOS.closeMatch), ("skos:exactMatch", SKOS.exactMatch)):
        values = [term(res, o, lang) for o in res.objects(iri, str(p)) if isinstance(o, ox.NamedNode)]
        if values:
            rows.append((name, values))
    return doc


_ONTOLOGY_PAGES: dict[tuple, str] = {}


def ontology_page(res: "Resources", chrome: dict | None = None) -> str:
    """The ontology page, kept once made for a store and language (it reads only the dataset, which
    changes only through an update, and an update changes the store's size or is of the data only)."""
    chrome = chrome or {"lang": "en", "t": translator("en"), "path": "/ontology"}
    key = (id(res.store), len(res.store), chrome["lang"])
    if key not in _ONTOLOGY_PAGES:
        if len(_ONTOLOGY_PAGES) > 4:
            _ONTOLOGY_PAGES.clear()
        _ONTOLOGY_PAGES[key] = _ontology_page(res, chrome)
    return _ONTOLOGY_PAGES[key]


def _ontology_page(res: "Resources", chrome: dict) -> str:
    """The ontology's documentation (pyLODE's content): a table of contents, the classification axioms
    first, each class with its axioms, super- and subclasses, where it is a domain or range and
    examples from the data; each property with its domain, range and chains; the SKOS schemes as trees."""
    from rdflib import BNode, URIRef
    from rdflib.namespace import RDFS as R_RDFS

    from kg.explain import render_class

    lang = chrome["lang"]
    t = chrome["t"]
    g = _ontology_graph(res)
    onto = str(ONTOLOGY_IRI)
    ls = labels(res, onto)
    index = {"domain": {}, "range": {}, "gci": []}
    for p, o in g.subject_objects(R_RDFS.domain):
        index["domain"].setdefault(str(o), []).append(p)
    for p, o in g.subject_objects(R_RDFS.range):
        index["range"].setdefault(str(o), []).append(p)
    index["gci"] = [(x, sup) for x, sup in g.subject_objects(R_RDFS.subClassOf) if isinstance(x, BNode)]
    index["gci_text"] = [(left, set(re.split(r"[^\w-]+", left)), render_class(g, sup), sup)
                         for x, sup in index["gci"] for left in [render_class(g, x)]]
    classification = sorted(({"axiom": f"{render_class(g, x)} ⊑ {render_class(g, sup)}",
                              "target": str(sup)[len(str(PD)):] if isinstance(sup, URIRef) else ""}
                             for x, sup in index["gci"]), key=lambda a: (a["target"], a["axiom"]))
    sections = []
    for title, cls in ONTOLOGY_SECTIONS:
        iris = [i for i in res.subjects_of_type(str(cls), str(GRAPH_ONTOLOGY)) if i.startswith(str(PD))]
        if iris:
            kind = "class" if cls == OWL.Class else "property"
            terms = [_term_doc(res, g, i, kind, lang, index) for i in iris]
            sections.append({"id": title.lower().replace(" ", "-"), "title": t(title),
                             "terms": sorted(terms, key=lambda d: d["label"].casefold())})
    return render(
        "ontology.html", title=t("ontology"), iri=onto, formats=ONTOLOGY_FORMATS,
        heading=ls.get(lang, ls.get("en", "Paradiplomacy ontology")), subtitle=ls.get("id" if lang == "en" else "en"),
        meta=[(term(res, ox.NamedNode(str(p)), lang), term(res, o, lang)) for p in ONTOLOGY_META
              for o in res.objects(onto, str(p))],
        classification=classification, sections=sections, schemes=concept_trees(res, lang),
        **{**chrome, "path": "/ontology"})


def queries_page(catalogue: dict[str, CannedQuery], chrome: dict | None = None) -> str:
    """The canned questions, each in the page's language first (the other below it when it has both)."""
    chrome = chrome or {"lang": "en", "t": translator("en"), "path": "/queries"}
    lang = chrome["lang"]

    def texts(q: CannedQuery) -> list[tuple[str, str]]:
        en, id_ = (q.question_en or q.summary, "en"), (q.question_id, "id")
        ordered = [id_, en] if lang == "id" else [en, id_]
        return [(text, code) for text, code in ordered if text]

    return render("queries.html", title=chrome["t"]("Questions"), queries=[
        {"name": q.name, "role": q.role, "texts": texts(q),
         "params": [{"name": p.name, "type": p.type, "description": p.description, "default": p.default}
                    for p in q.params]}
        for q in catalogue.values()], **{**chrome, "path": "/queries"})


def dumps_page(files: dict[str, Path], chrome: dict | None = None) -> str:
    chrome = chrome or {"lang": "en", "t": translator("en"), "path": "/dumps"}
    return render("dumps.html", title=chrome["t"]("Downloads"), files=[
        {"name": n, "bytes": p.stat().st_size, "media_type": media_type_for(n)} for n, p in files.items()],
        **{**chrome, "path": "/dumps"})


# --- explain, search and index pages (kg.serve.workbench) --------------------------------------

def _href_of_short(name: str | None) -> str:
    from kg.terms import expand

    if not name:
        return ""
    try:
        return local_href(str(expand(name)))
    except Exception:  # a label or something that is not a name: no link
        return ""


def _named(res: "Resources", name: str | None, lang: str) -> dict | None:
    """A short id (`pdi:x`) as {name in lang, href}."""
    if not name:
        return None
    href = _href_of_short(name)
    iri = BASE + href[1:] if href.startswith("/") else name
    return {"id": name, "href": href, "name": label(res, iri, lang) if href else name}


def _source_view(res: "Resources", s) -> dict:
    d = dict(s.__dict__)
    d["href"] = _href_of_short(s.passage)
    d["cited_work_href"] = _href_of_short(s.cited_work)
    return d


def explain_page(res: "Resources", exp, lang: str, chrome: dict) -> str:
    """The page of `kg.explain.explain`'s Explanation: the same content as `kg explain`."""
    relations = []
    for rel in exp.relations:
        me = _named(res, rel.relation, lang)
        derivations = []
        for d in rel.derivations:
            evidence = []
            for e in sorted(d.evidence, key=lambda s: (s.date or "9999", s.item)):
                item, ind = _named(res, e.item, lang), _named(res, e.indicator, lang)
                evidence.append({"href": item["href"], "name": item["name"], "date": e.date,
                                 "indicator_href": ind["href"], "indicator_name": ind["name"], "rule": e.rule,
                                 "triples": e.triples, "sources": [_source_view(res, s) for s in e.sources]})
            cls = _named(res, d.derived_class, lang)
            derivations.append({"class_href": cls["href"], "class_name": cls["name"], "axiom": d.axiom,
                                "evidence": evidence})
        relations.append({
            "id": rel.relation.split(":")[-1], "relation": rel.relation, "href": me["href"], "name": me["name"],
            "actor": _named(res, rel.sub_state_actor, lang),
            "characters": [x["class_name"] for x in derivations],
            "derivations": derivations,
            "assertions": [{"character": a.character, "by": _named(res, a.classified_by, lang), "tendency": a.tendency,
                            "sources": [_source_view(res, s) for s in a.sources]} for a in rel.assertions],
            "frictions": [{**_named(res, f.item, lang), "issue": f.issue} for f in rel.frictions]})
    title = relations[0]["name"] if len(relations) == 1 else exp.subject
    return render("explain.html", title=chrome["t"]("Why?") + " " + title, relations=relations, **chrome)


def concept_trees(res: "Resources", lang: str) -> list[dict]:
    """Each SKOS concept scheme with its concepts as a tree (skos:broader, inferred skos:narrower too)."""
    store = res.store
    other = "id" if lang == "en" else "en"
    schemes = sorted({q.subject.value for q in store.quads_for_pattern(
        None, ox.NamedNode(RDF_TYPE), ox.NamedNode(str(SKOS.ConceptScheme)), None)
        if isinstance(q.subject, ox.NamedNode)})
    out = []
    for scheme in schemes:
        members = {q.subject.value for q in store.quads_for_pattern(
            None, ox.NamedNode(str(SKOS.inScheme)), ox.NamedNode(scheme), None) if isinstance(q.subject, ox.NamedNode)}
        broader = {m: sorted(o.value for o in res.objects(m, str(SKOS.broader)) if o.value in members) for m in members}
        children: dict[str, list[str]] = {}
        for m, bs in broader.items():
            for b in bs:
                children.setdefault(b, []).append(m)

        def node(m: str, seen: frozenset) -> dict:
            ls = labels(res, m)
            kids = sorted((c for c in children.get(m, []) if c not in seen), key=lambda c: label(res, c, lang).casefold())
            return {"href": local_href(m), "name": ls.get(lang) or label(res, m, lang), "other": ls.get(other),
                    "children": [node(c, seen | {c}) for c in kids]}

        top = sorted((m for m in members if not broader[m]), key=lambda c: label(res, c, lang).casefold())
        defs = [d for d in res.objects(scheme, str(SKOS.definition)) + res.objects(scheme, str(DCTERMS.description))
                if isinstance(d, ox.Literal) and d.language in (lang, "")]
        out.append({"id": local_href(scheme).strip("/").replace("/", "-"), "href": local_href(scheme),
                    "short": short(scheme, brackets=False), "name": label(res, scheme, lang),
                    "definition": defs[0].value if defs else None, "top": [node(m, frozenset({m})) for m in top]})
    return out
