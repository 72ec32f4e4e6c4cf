"""Writing the built dataset: every format from one canonical set of quads, byte for byte the same
for the same input.

Determinism, step by step: the quads are canonicalised with RDFC-1.0 (pyoxigraph), so blank nodes
get labels that depend only on the graph's content; every format is then written from the quads
in sorted order (pyoxigraph for N-Quads, N-Triples, TriG, Turtle and RDF/XML, with its prefix
declarations sorted; our own writer for the JSON-LD; rdflib's longturtle, which sorts, for the
ontology). Nothing in any file depends on the clock, the machine or the hash seed: a test builds
twice with different hash seeds and compares the bytes.
"""
from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from kg.build.canonical import CanonicalDataset, bind_prefixes
from kg.build.framed import write_framed
from kg.namespaces import (BASE, DCAT, DCTERMS, GRAPH_DATA, GRAPH_INFERRED, GRAPH_ONTOLOGY, GRAPH_PROVENANCE, PD,
                           PREFIXES, VOID)
from kg.terms import from_oxigraph, oxigraph_quads, to_oxigraph

__all__ = ["DATASET_FILE", "FORMATS", "write_all",
           "json_ld_context", "LICENSE", "DATASET_IRI"]

DATASET_FILE = "paradiplomacy"
LICENSE = URIRef("https://creativecommons.org/licenses/by/4.0/")
DATASET_IRI = URIRef(BASE + "dataset")

# format name -> (file name in dist/, media type, holds named graphs?)
FORMATS: dict[str, tuple[str, str, bool]] = {
    "nq": (f"{DATASET_FILE}.nq", "application/n-quads", True),
    "trig": (f"{DATASET_FILE}.trig", "application/trig", True),
    "ttl": (f"{DATASET_FILE}.ttl", "text/turtle", False),
    "nt": (f"{DATASET_FILE}.nt", "application/n-triples", False),
    "jsonld": (f"{DATASET_FILE}.jsonld", "application/ld+json", True),
    "rdf": (f"{DATASET_FILE}.rdf", "application/rdf+xml", False),
}
OTHER_FILES = {
    "ontology.ttl": "text/turtle",
    "context.jsonld": "application/ld+json",
    "validation-report.ttl": "text/turtle",
}

_GRAPHS = ((GRAPH_ONTOLOGY, "ontology"), (GRAPH_DATA, "data"), (GRAPH_INFERRED, "inferred"),
           (GRAPH_PROVENANCE, "provenance"))


# --- JSON-LD ------------------------------------------------------------------------------

def json_ld_context(ontology: Graph) -> dict:
    """A `@context` with readable keys: prefixes, and each `pd:` term by its local name.

    Object properties are typed `@id` so their values read as IRIs (`"isPartOf": "pdi:belgium"`);
    datatype properties with a single XSD range carry that type. Terms whose local name would clash
    with another are left to their prefixed form.
    """
    ctx: dict[str, object] = {p: ns for p, ns in sorted(PREFIXES.items())}
    terms: dict[str, object] = {}
    seen: dict[str, int] = {}
    candidates = set()
    for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDFS.Class,
                 RDF.Property):
        for s in ontology.subjects(RDF.type, kind):
            if isinstance(s, URIRef) and str(s).startswith(str(PD)):
                candidates.add((s, kind))
    for s, _kind in candidates:
        local = str(s)[len(str(PD)):]
        seen[local] = seen.get(local, 0) + 1
    for s, kind in sorted(candidates):
        local = str(s)[len(str(PD)):]
        if seen[local] > 1 or local in ctx or not local or not local.replace("-", "").replace("_", "").isalnum():
            continue
        iri = f"pd:{local}"
        if kind == OWL.ObjectProperty:
            terms[local] = {"@id": iri, "@type": "@id"}
        elif kind == OWL.DatatypeProperty:
            ranges = [r for r in ontology.objects(s, RDFS.range) if isinstance(r, URIRef)]
            if len(ranges) == 1 and str(ranges[0]).startswith(str(XSD)) and ranges[0] != XSD.string:
                terms[local] = {"@id": iri, "@type": f"xsd:{str(ranges[0])[len(str(XSD)):]}"}
            else:
                terms[local] = {"@id": iri}
        else:
            terms[local] = iri
    ctx.update(dict(sorted(terms.items())))
    return {"@context": ctx}


def _json_ld(cds: "CanonicalDataset", context: dict) -> bytes:
    """Compacted JSON-LD of the dataset, written directly from the sorted quads: one graph object
    a named graph (`{"@id": <graph>, "@graph": [...]}`), as the TriG and N-Quads keep them.

    The shape is simple (one flat node object per subject and graph, no nesting), so compaction against our
    own context is a few rules: a property uses its term when the term's type coercion fits the
    value, else its prefixed name; `rdf:type` becomes `@type`. Five times faster than rdflib's
    general JSON-LD serialiser, and the output is sorted, so it is reproducible. The export tests
    parse it back with pyoxigraph's JSON-LD parser and compare it with the N-Quads.
    """
    ctx = context["@context"]
    prefixes = sorted(((ns, p) for p, ns in ctx.items() if isinstance(ns, str) and ns.startswith("http")),
                      key=lambda x: -len(x[0]))
    terms_by_iri: dict[str, tuple[str, object]] = {}
    for term, d in ctx.items():
        iri = d["@id"] if isinstance(d, dict) else d
        if isinstance(iri, str) and not iri.startswith("http"):
            terms_by_iri[_expand(iri, ctx)] = (term, d.get("@type") if isinstance(d, dict) else None)

    compacted: dict[tuple[str, bool], str] = {}

    def compact(iri: str, vocab: bool = False) -> str:
        key = (iri, vocab)
        out = compacted.get(key)
        if out is None:
            out = compacted[key] = _compact(iri, vocab)
        return out

    def _compact(iri: str, vocab: bool) -> str:
        if vocab and iri in terms_by_iri and terms_by_iri[iri][1] is None:
            return terms_by_iri[iri][0]
        for ns, p in prefixes:
            if iri.startswith(ns) and len(iri) > len(ns):
                return f"{p}:{iri[len(ns):]}"
        return iri

    def node_ref(t) -> str:
        return f"_:{t.value}" if isinstance(t, ox.BlankNode) else compact(t.value)

    rdf_type, xsd_string = str(RDF.type), str(XSD.string)
    graphs: dict[str, dict[str, dict[str, list]]] = {}
    for q in cds.ox_quads:  # pyoxigraph terms: no rdflib term is made for the whole dataset
        s, p, o = q.subject, q.predicate, q.object
        node = graphs.setdefault(q.graph_name.value, {}).setdefault(node_ref(s), {})
        is_literal = isinstance(o, ox.Literal)
        if p.value == rdf_type and not is_literal:
            node.setdefault("@type", []).append(
                compact(o.value, vocab=True) if not isinstance(o, ox.BlankNode) else f"_:{o.value}")
            continue
        term = terms_by_iri.get(p.value)
        if is_literal:
            if o.language:
                key, value = compact(p.value), {"@value": o.value, "@language": o.language}
                if term and term[1] is None:
                    key = term[0]
            elif o.datatype.value == xsd_string:
                key, value = (term[0], o.value) if term and term[1] is None else (compact(p.value), o.value)
            else:
                dt = o.datatype.value
                if term and term[1] is not None and term[1] != "@id" and _expand(term[1], ctx) == dt:
                    key, value = term[0], o.value
                else:
                    key = term[0] if term and term[1] is None else compact(p.value)
                    value = {"@value": o.value, "@type": compact(dt)}
        else:
            ref = node_ref(o)
            if term and term[1] == "@id":
                key, value = term[0], ref
            else:
                key = term[0] if term and term[1] is None else compact(p.value)
                value = {"@id": ref}
        node.setdefault(key, []).append(value)
    named = []
    for gname, _local in _GRAPHS:  # each named graph as a graph object, in the TriG's order
        nodes = graphs.get(str(gname), {})
        graph = []
        for node_id in sorted(nodes):
            obj: dict[str, object] = {"@id": node_id}
            for key in sorted(nodes[node_id]):
                vals = nodes[node_id][key]
                if len(vals) > 1:
                    vals = sorted(vals, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
                obj[key] = vals[0] if len(vals) == 1 else vals
            graph.append(obj)
        named.append({"@id": compact(str(gname)), "@graph": graph})
    doc = {"@context": ctx, "@graph": named}
    return (dumps_indented(doc) + "\n").encode("utf-8")


def dumps_indented(value) -> str:
    """`json.dumps(value, indent=2, ensure_ascii=False)`, the same characters, for the JSON this
    module writes (dicts with string keys, lists, strings, numbers, booleans, null). The standard
    library drops to its pure-Python encoder whenever `indent` is given (CPython 3.11); this one
    builds the text in a list with the C string encoder, several times faster on the dataset."""
    from json.encoder import encode_basestring

    out: list[str] = []
    put = out.append

    def enc(v, level: int) -> None:
        if isinstance(v, str):
            put(encode_basestring(v))
        elif isinstance(v, dict):
            if not v:
                put("{}")
                return
            inner = "\n" + "  " * (level + 1)
            put("{")
            first = True
            for k, item in v.items():
                put(inner if first else "," + inner)
                first = False
                put(encode_basestring(k))
                put(": ")
                enc(item, level + 1)
            put("\n" + "  " * level + "}")
        elif isinstance(v, list):
            if not v:
                put("[]")
                return
            inner = "\n" + "  " * (level + 1)
            put("[")
            for i, item in enumerate(v):
                put(inner if i == 0 else "," + inner)
                enc(item, level + 1)
            put("\n" + "  " * level + "]")
        else:  # numbers, booleans, null: as the standard library writes them
            put(json.dumps(v))

    enc(value, 0)
    return "".join(out)


def _expand(compact_iri: str, ctx: dict) -> str:
    if ":" in compact_iri:
        p, local = compact_iri.split(":", 1)
        ns = ctx.get(p)
        if isinstance(ns, str):
            return ns + local
    return compact_iri


# --- VoID / DCAT ---------------------------------------------------------------------------

def void_graph(cds: CanonicalDataset, version: str, sizes: dict[str, int]) -> Graph:
    """VoID + DCAT description: the dataset, one distribution a file, triples per graph, partitions.

    Partitions get hash IRIs under the dataset IRI (not blank nodes), so each has a stable name.
    """
    g = Graph()
    bind_prefixes(g)
    ds = DATASET_IRI
    g.add((ds, RDF.type, VOID.Dataset))
    g.add((ds, RDF.type, DCAT.Dataset))
    g.add((ds, DCTERMS.title, Literal("Paradiplomacy knowledge graph", lang="en")))
    g.add((ds, DCTERMS.title, Literal("Graf pengetahuan paradiplomasi", lang="id")))
    g.add((ds, DCTERMS.description, Literal(
        "How sub-state governments conduct foreign relations and how their central governments "
        "respond: an OWL ontology, instance data with provenance, and OWL 2 RL inferences.", lang="en")))
    g.add((ds, DCTERMS.license, LICENSE))
    g.add((ds, OWL.versionInfo, Literal(version)))
    g.add((ds, DCAT.version, Literal(version)))
    g.add((ds, VOID.vocabulary, URIRef(str(PD))))
    g.add((ds, VOID.uriSpace, Literal(PREFIXES["pdi"])))
    g.add((ds, DCTERMS.conformsTo, URIRef(BASE + "ontology")))
    # counted on pyoxigraph terms in one pass over the sorted quads, where a triple held in several
    # graphs comes in a run (no rdflib term is made for the whole dataset)
    rdf_type = ox.NamedNode(str(RDF.type))
    n_triples, last = 0, None
    subjects: set = set()
    classes: dict = {}
    props: dict = {}
    per_graph: dict[str, int] = {}
    for q in cds.ox_quads:
        per_graph[q.graph_name.value] = per_graph.get(q.graph_name.value, 0) + 1
        t = (q.subject, q.predicate, q.object)
        if t == last:
            continue
        last = t
        n_triples += 1
        subjects.add(q.subject)
        props[q.predicate] = props.get(q.predicate, 0) + 1
        if q.predicate == rdf_type and isinstance(q.object, ox.NamedNode):
            classes.setdefault(q.object, set()).add(q.subject)
    g.add((ds, VOID.triples, Literal(n_triples)))
    # VoID's entities are the resources whose IRI starts with void:uriSpace (VoID 4.6)
    g.add((ds, VOID.entities, Literal(len({s for s in subjects if isinstance(s, ox.NamedNode)
                                           and s.value.startswith(PREFIXES["pdi"])}))))
    g.add((ds, VOID.sparqlEndpoint, URIRef(BASE + "sparql")))
    g.add((ds, VOID.distinctSubjects, Literal(len(subjects))))
    g.add((ds, VOID.properties, Literal(len(props))))
    for gname, local in _GRAPHS:
        part = URIRef(f"{ds}#graph-{local}")
        g.add((ds, VOID.subset, part))
        g.add((part, RDF.type, VOID.Dataset))
        g.add((part, DCTERMS.title, Literal(f"{local} graph", lang="en")))
        g.add((part, URIRef("http://www.w3.org/ns/sparql-service-description#name"), gname))
        g.add((part, VOID.triples, Literal(per_graph.get(str(gname), 0))))
    for cls in sorted(classes, key=lambda c: c.value):
        iri = URIRef(cls.value)
        part = URIRef(f"{ds}#class-{_slug(iri)}")
        g.add((ds, VOID.classPartition, part))
        g.add((part, VOID["class"], iri))
        g.add((part, VOID.entities, Literal(len(classes[cls]))))
    for p in sorted(props, key=lambda x: x.value):
        iri = URIRef(p.value)
        part = URIRef(f"{ds}#property-{_slug(iri)}")
        g.add((ds, VOID.propertyPartition, part))
        g.add((part, VOID.property, iri))
        g.add((part, VOID.triples, Literal(props[p])))
    for fname in sorted(sizes):
        dist = URIRef(f"{ds}/{version}/{fname}")
        media = next((m for (f, m, _n) in FORMATS.values() if f == fname), OTHER_FILES.get(fname))
        g.add((ds, DCAT.distribution, dist))
        g.add((dist, RDF.type, DCAT.Distribution))
        g.add((dist, DCAT.downloadURL, URIRef(f"{ds}/{version}/{fname}")))
        if media:
            g.add((dist, DCAT.mediaType, URIRef(f"https://www.iana.org/assignments/media-types/{media}")))
        g.add((dist, DCAT.byteSize, Literal(sizes[fname], datatype=XSD.nonNegativeInteger)))
        g.add((dist, DCTERMS.license, LICENSE))
        g.add((dist, DCTERMS.title, Literal(fname)))
        if fname == FORMATS["nq"][0]:
            g.add((ds, VOID.dataDump, dist))
    return g


def _slug(iri: URIRef) -> str:
    from kg.terms import short

    s = short(iri)
    if s.startswith("<"):
        import hashlib

        return "iri-" + hashlib.sha256(str(iri).encode()).hexdigest()[:16]
    return s.replace(":", "-")


# --- writing ---------------------------------------------------------------------------

def _turtle(g: Graph) -> bytes:
    bind_prefixes(g)
    return g.serialize(format="longturtle").encode("utf-8")


def write_all(out: Path, cds: CanonicalDataset, ontology_graph: Graph, report: Graph, version: str) -> dict[str, int]:
    """Write every file of `dist/` into the (empty, temporary) folder `out`; return byte sizes."""
    sizes: dict[str, int] = {}

    def put(name: str, content: bytes) -> None:
        (out / name).write_bytes(content)
        sizes[name] = len(content)

    put(FORMATS["nq"][0], ("\n".join(cds.nquads_lines) + "\n").encode("utf-8") if cds.nquads_lines else b"")
    # N-Triples: the N-Quads lines without their graph name (an IRI, the last term), deduplicated
    nt_lines = sorted({line.rsplit(" ", 2)[0] + " ." for line in cds.nquads_lines})
    put(FORMATS["nt"][0], ("\n".join(nt_lines) + "\n").encode("utf-8") if nt_lines else b"")
    put(FORMATS["trig"][0], _trig(cds))
    # the whole dataset by pyoxigraph (fast on thousands of triples); the ontology, which people
    # read, by rdflib's longturtle (one statement a line, nested restrictions)
    triples = _ox_triples(cds)
    put(FORMATS["ttl"][0], _ox_turtle_triples(triples))
    context = json_ld_context(ontology_graph)
    put("context.jsonld", (json.dumps(context, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
    put(FORMATS["jsonld"][0], _json_ld(cds, context))
    write_framed(out, cds.ox_quads)  # framed/<view>.json: plain-JSON views (kg.build.framed), not dumps in VoID
    # pyoxigraph writes the triples in the order given (sorted), so the file is reproducible;
    # rdflib's RDF/XML writers follow hash order and are not
    put(FORMATS["rdf"][0], _sorted_xmlns(ox.serialize(triples, format=ox.RdfFormat.RDF_XML,
                                                      prefixes=_used_prefixes(cds))))
    put("ontology.ttl", _turtle(ontology_graph))
    put("validation-report.ttl", _canonical_turtle(report))
    void = void_graph(cds, version, dict(sizes))
    put("void.ttl", _ox_turtle(void))
    return sizes


def _ox_triples(cds: CanonicalDataset) -> list:
    """Distinct triples of the union, sorted by subject, predicate, object: the quads are sorted
    by their N-Quads line, which starts with the triple, so a triple held in several graphs comes
    in a run and the runs come in the triples' order."""
    out, last = [], None
    for q in cds.ox_quads:
        t = (q.subject, q.predicate, q.object)
        if t != last:
            out.append(q.triple)
            last = t
    return out


def _sorted_xmlns(xml: bytes) -> bytes:
    """Sort the namespace declarations of the root element (pyoxigraph's own order, as above)."""
    import re

    m = re.search(rb"<rdf:RDF((?:\s+xmlns:[\w-]+=\"[^\"]*\")+)\s*>", xml)
    if not m:
        return xml
    decls = sorted(re.findall(rb'xmlns:[\w-]+="[^"]*"', m.group(1)))
    return xml[:m.start(1)] + b" " + b" ".join(decls) + xml[m.end(1):]


def _used_prefixes(cds: CanonicalDataset) -> dict[str, str]:
    text = "\n".join(cds.nquads_lines)
    return {p: ns for p, ns in sorted(PREFIXES.items()) if f"<{ns}" in text}


def _trig(cds: CanonicalDataset) -> bytes:
    """TriG written by pyoxigraph from the sorted quads, graph by graph in a fixed order.

    pyoxigraph groups consecutive triples of one subject, so sorted input gives a compact, stable
    file. (rdflib's TriG writer visits the graphs in hash order: its output changes run to run.)
    """
    order = {str(g): i for i, (g, _l) in enumerate(_GRAPHS)}
    quads = list(cds.ox_quads)
    # the quads are in N-Quads line order, i.e. by subject, predicate, object within a graph; the
    # sort is stable, so ordering by graph alone keeps that order inside each graph
    quads.sort(key=lambda q: order[q.graph_name.value])
    return _sorted_prefix_lines(ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=_used_prefixes(cds)))


def _ox_turtle(g: Graph) -> bytes:
    """Turtle by pyoxigraph from sorted triples: fast and stable (blank nodes must be canonical)."""
    triples = sorted((ox.Triple(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o)) for s, p, o in g),
                     key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    return _ox_turtle_triples(triples)


def _ox_turtle_triples(triples: list) -> bytes:
    text = "\n".join(str(t) for t in triples)
    used = {p: ns for p, ns in sorted(PREFIXES.items()) if f"<{ns}" in text}
    return _sorted_prefix_lines(ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=used))


def _sorted_prefix_lines(text: bytes) -> bytes:
    """pyoxigraph writes the @prefix lines in an order of its own; sort them so that the bytes
    depend only on the prefixes, and leave a blank line before the data."""
    lines = text.split(b"\n")
    n = 0
    while n < len(lines) and lines[n].startswith(b"@prefix "):
        n += 1
    return b"\n".join(sorted(lines[:n]) + ([b""] if n else []) + lines[n:])


def _canonical_turtle(g: Graph) -> bytes:
    """Turtle for a graph with blank nodes (the SHACL report), relabelled by RDFC-1.0 first."""
    ds = ox.Dataset(oxigraph_quads([(None, g)]))
    ds.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    out = Graph()
    for q in ds:
        out.add((from_oxigraph(q.subject), from_oxigraph(q.predicate), from_oxigraph(q.object)))
    return _ox_turtle(out)
