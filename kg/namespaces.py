"""The IRIs of paradiplomacy-kg: one base, the ontology and the instances in separate paths."""
from __future__ import annotations

from pathlib import Path

from rdflib import Namespace, URIRef

BASE = "https://w3id.org/paradiplomacy/"

PD = Namespace(BASE + "ontology#")          # classes and properties
PDV = Namespace(BASE + "vocab/")            # SKOS concept schemes (policy domains, Lecours's kinds, ...)
PDI = Namespace(BASE + "id/")               # instances: actors, agreements, events, sources, passages
PDS = Namespace(BASE + "shapes#")           # SHACL shapes

ONTOLOGY_IRI = URIRef(BASE + "ontology")


def version_iri(version: str) -> URIRef:
    return URIRef(f"{BASE}ontology/{version}")


# Named graphs of the built dataset
GRAPH_ONTOLOGY = URIRef(BASE + "graph/ontology")
GRAPH_DATA = URIRef(BASE + "graph/data")
GRAPH_INFERRED = URIRef(BASE + "graph/inferred")
# one statement per asserted triple (rdf:subject, rdf:predicate, rdf:object; no rdf:type), with
# the passages that support it (docs/PROVENANCE.md)
GRAPH_PROVENANCE = URIRef(BASE + "graph/provenance")
STATEMENT = Namespace(BASE + "statement/")
DATASET_GRAPHS = (GRAPH_ONTOLOGY, GRAPH_DATA, GRAPH_INFERRED, GRAPH_PROVENANCE)

# External vocabularies
ORG = Namespace("http://www.w3.org/ns/org#")
PROV = Namespace("http://www.w3.org/ns/prov#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
TIME = Namespace("http://www.w3.org/2006/time#")
WD = Namespace("http://www.wikidata.org/entity/")
VOID = Namespace("http://rdfs.org/ns/void#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
RDF = Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
RDFS = Namespace("http://www.w3.org/2000/01/rdf-schema#")
OWL = Namespace("http://www.w3.org/2002/07/owl#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")  # the endpoint's service description
FORMATS = Namespace("http://www.w3.org/ns/formats/")                 # media formats named by W3C IRIs

PREFIXES = {
    "pd": str(PD), "pdv": str(PDV), "pdi": str(PDI), "pds": str(PDS),
    "org": str(ORG), "prov": str(PROV), "skos": str(SKOS), "dcterms": str(DCTERMS),
    "time": str(TIME), "wd": str(WD), "void": str(VOID), "dcat": str(DCAT), "foaf": str(FOAF),
    "owl": "http://www.w3.org/2002/07/owl#", "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#", "xsd": "http://www.w3.org/2001/XMLSchema#",
    "sh": "http://www.w3.org/ns/shacl#",
}


def project_root() -> Path:
    """The source tree holding ontology/, data/, queries/ (the checkout, or $KG_ROOT)."""
    import os

    env = os.environ.get("KG_ROOT")
    if env:
        return Path(env).resolve()
    here = Path(__file__).resolve().parent.parent
    return here
