"""`kg explain`: why a centre–region relation was derived cooperative or conflictual.

For a relation (or every relation of an actor) the explanation gives, for each derived class:

1. the OWL RL axiom that derived it, rendered from the ontology itself
   (`CentreRegionRelation ⊓ ∃hasEvidence.ConflictIndicator ⊑ ConflictualRelation`);
2. each piece of evidence of the indicating kind, with the axiom that made it an indicator
   (`CourtRuling ⊓ ∃vetoes.Referendum ⊑ ConflictIndicator`) and the triples that satisfy it;
3. where each piece of evidence comes from: the quoted sentence (`pd:quote`, with the curators'
   English rendering), the article section, the footnote and the work it cites.

The asserted classifications (a scholar's or the author's `pd:Classification`) are shown beside the
derived one, and frictions (`pd:hasFriction`) are listed as what they are: tensions that do not
decide the character.

Everything is read through the engine interface (`engine.query`), so the same code explains from
the embedded store, rdflib, or a remote endpoint. The axioms are fetched once with a CONSTRUCT and
rendered locally, because they are anonymous class expressions (blank nodes) that cannot be asked
for by name.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS
from rdflib.term import Node

from kg.errors import ExplainError
from kg.namespaces import PD, PREFIXES
from kg.terms import expand, short

__all__ = ["explain", "explain_all", "Explanation", "RelationExplanation", "Derivation", "EvidenceStep", "Source",
           "ExplainError", "render_class", "format_text"]

CHARACTER_CLASSES = (PD.CooperativeRelation, PD.ConflictualRelation)



@dataclass
class Source:
    passage: str
    quote: str | None = None
    quote_lang: str | None = None
    translation: str | None = None
    section: str | None = None
    footnote: int | None = None
    cited_work: str | None = None
    cited_work_label: str | None = None
    pages: str | None = None
    reference_work: str | None = None   # a source that is a reference work (no quote), not a passage


@dataclass
class EvidenceStep:
    item: str
    label: str | None
    date: str | None
    indicator: str                      # the indicator class the item belongs to
    rule: str                           # the axiom that put the item in that class
    triples: list[tuple[str, str, str]] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)


@dataclass
class Derivation:
    derived_class: str
    axiom: str
    evidence: list[EvidenceStep] = field(default_factory=list)


@dataclass
class Assertion:
    classification: str
    character: str | None
    classified_by: str | None
    tendency: str | None
    sources: list[Source] = field(default_factory=list)
    # whose words: "the article says" (the classifier wrote the work the passage belongs to) or
    # "a scholar says, as the article reports" (the article reports another's classification)
    voice: str = "a scholar says, as the article reports"


@dataclass
class Friction:
    item: str
    label: str | None
    issue: str | None


@dataclass
class RelationExplanation:
    relation: str
    label: str | None
    sub_state_actor: str | None
    derivations: list[Derivation] = field(default_factory=list)
    assertions: list[Assertion] = field(default_factory=list)
    frictions: list[Friction] = field(default_factory=list)


@dataclass
class Explanation:
    subject: str
    relations: list[RelationExplanation] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2)


# --- names ------------------------------------------------------------------------------------

def _short(term: Node | str) -> str:
    return short(term, brackets=False)



def _local(term: Node) -> str:
    s = str(term)
    for sep in ("#", "/"):
        if sep in s:
            s = s.rsplit(sep, 1)[1]
    return s


# --- rendering the axioms ---------------------------------------------------------------------

def render_class(g: Graph, node: Node) -> str:
    """An OWL class expression in DL notation (∃, ⊓, ⊔, {…}), from the ontology graph."""
    if isinstance(node, URIRef):
        return _local(node)
    inter = g.value(node, OWL.intersectionOf)
    if inter is not None:
        return " ⊓ ".join(render_class(g, m) for m in Collection(g, inter))
    union = g.value(node, OWL.unionOf)
    if union is not None:
        return "(" + " ⊔ ".join(render_class(g, m) for m in Collection(g, union)) + ")"
    prop = g.value(node, OWL.onProperty)
    if prop is not None:
        p = _local(prop)
        some = g.value(node, OWL.someValuesFrom)
        if some is not None:
            return f"∃{p}.{render_class(g, some)}"
        value = g.value(node, OWL.hasValue)
        if value is not None:
            return f"∃{p}.{{{_local(value)}}}"
        every = g.value(node, OWL.allValuesFrom)
        if every is not None:
            return f"∀{p}.{render_class(g, every)}"
    return "(anonymous class)"


def _members(g: Graph, node: Node) -> list[Node]:
    inter = g.value(node, OWL.intersectionOf)
    return list(Collection(g, inter)) if inter is not None else [node]


class _Item:
    """What the store knows about one resource: its types and outgoing values (with their types)."""

    def __init__(self, types: set[Node], values: dict[Node, set[Node]], value_types: dict[Node, set[Node]]):
        self.types, self.values, self.value_types = types, values, value_types


def _satisfies(g: Graph, item: _Item, iri: Node, cls: Node) -> list[tuple[Node, Node, Node]] | None:
    """The triples showing the item belongs to the class expression, or None if it does not."""
    shown: list[tuple[Node, Node, Node]] = []
    for member in _members(g, cls):
        if isinstance(member, URIRef):
            if member not in item.types:
                return None
            shown.append((iri, RDF.type, member))
            continue
        prop = g.value(member, OWL.onProperty)
        if prop is None:
            return None
        values = item.values.get(prop, set())
        some, has = g.value(member, OWL.someValuesFrom), g.value(member, OWL.hasValue)
        if has is not None:
            if has not in values:
                return None
            shown.append((iri, prop, has))
        elif some is not None:
            ok = [v for v in sorted(values, key=str) if isinstance(some, URIRef)
                  and (some in item.value_types.get(v, set()) or some == OWL.Thing)]
            if not ok:
                return None
            shown.append((iri, prop, ok[0]))
            shown.append((ok[0], RDF.type, some))
        else:
            return None
    return shown


# --- reading through the engine ---------------------------------------------------------------

_PREFIX = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())


def _as_engine(source: Any):
    if hasattr(source, "query") and not isinstance(source, (Graph, Dataset)):
        return source
    from kg.query.embedded import RdflibEngine

    if isinstance(source, Dataset):
        return RdflibEngine(source)
    if isinstance(source, Graph):
        ds = Dataset(default_union=True)
        g = ds.graph(URIRef("urn:x-kg:explain"))
        for t in source:
            g.add(t)
        return RdflibEngine(ds)
    raise TypeError("explain() takes an engine (kg.query.embedded), an rdflib Dataset or an rdflib Graph")


def _select(engine, text: str, **bindings: Node) -> list[dict[str, Node | None]]:
    return engine.query(_PREFIX + text, bindings).rows


def _axioms(engine) -> Graph:
    # the class expressions are blank nodes: fetch their triples and every subclass axiom at once
    return engine.query(_PREFIX + """
        CONSTRUCT { ?s ?p ?o } WHERE {
          { ?s ?p ?o . FILTER(isBlank(?s)) }
          UNION
          { ?s rdfs:subClassOf ?o . BIND(rdfs:subClassOf AS ?p) }
        }""")


def _label(engine, iri: Node, lang: str = "en") -> str | None:
    """The label in `lang`, else in the other language of the data (en, id)."""
    rows = _select(engine, """SELECT ?x ?l WHERE { ?x rdfs:label ?l . FILTER(LANG(?l) IN ("en", "id")) }""", x=iri)
    by_lang = {}
    for r in sorted(rows, key=lambda r: str(r["l"])):
        by_lang.setdefault(r["l"].language, str(r["l"]))
    return by_lang.get(lang) or next((by_lang[x] for x in ("en", "id") if x in by_lang), None)


def _item(engine, iri: Node) -> _Item:
    types = {r["t"] for r in _select(engine, "SELECT DISTINCT ?x ?t WHERE { ?x a ?t }", x=iri)}
    values: dict[Node, set[Node]] = {}
    value_types: dict[Node, set[Node]] = {}
    for r in _select(engine, "SELECT ?x ?p ?o ?ot WHERE { ?x ?p ?o . OPTIONAL { ?o a ?ot } }", x=iri):
        values.setdefault(r["p"], set()).add(r["o"])
        if r.get("ot") is not None:
            value_types.setdefault(r["o"], set()).add(r["ot"])
    return _Item(types, values, value_types)


def _sources(engine, iri: Node) -> list[Source]:
    rows = _select(engine, """
        SELECT ?x ?passage ?quote ?translation ?sectionNumber ?footnoteNumber ?work ?workLabel ?pages ?order
        WHERE {
          ?x prov:wasDerivedFrom ?passage .
          { ?passage a pd:SourcePassage . } UNION { ?passage a pd:Footnote . }
          OPTIONAL { { ?passage pd:quote ?quote . } UNION { ?passage a pd:Footnote ; pd:footnoteText ?quote . } }
          OPTIONAL { ?passage pd:translation ?translation . }
          OPTIONAL { ?passage pd:order ?order . }
          OPTIONAL { ?passage dcterms:isPartOf ?section . OPTIONAL { ?section pd:sectionNumber ?sectionNumber . } }
          OPTIONAL { { ?passage pd:footnote ?fn . } UNION { ?passage a pd:Footnote . BIND(?passage AS ?fn) }
                     OPTIONAL { ?fn pd:footnoteNumber ?footnoteNumber . }
                     OPTIONAL { ?fn pd:pages ?pages . }
                     OPTIONAL { ?fn pd:citesWork ?work .
                                OPTIONAL { ?work rdfs:label ?workLabel . FILTER(LANG(?workLabel) = "en" || LANG(?workLabel) = "") } } }
        }""", x=iri)
    out: dict[str, Source] = {}
    for r in sorted(rows, key=lambda r: (str(r.get("sectionNumber") or ""), int(r["order"]) if r.get("order") is not None else 0, str(r["passage"]))):
        key = str(r["passage"])
        if key in out:
            continue
        q = r.get("quote")
        out[key] = Source(
            passage=_short(r["passage"]), quote=str(q) if q is not None else None,
            quote_lang=q.language if isinstance(q, Literal) else None,
            translation=str(r["translation"]) if r.get("translation") is not None else None,
            section=str(r["sectionNumber"]) if r.get("sectionNumber") is not None else None,
            footnote=int(r["footnoteNumber"]) if r.get("footnoteNumber") is not None else None,
            cited_work=_short(r["work"]) if r.get("work") is not None else None,
            cited_work_label=str(r["workLabel"]) if r.get("workLabel") is not None else None,
            pages=str(r["pages"]) if r.get("pages") is not None else None)
    return list(out.values())


def _explain_relation(engine, axioms: Graph, rel: URIRef, lang: str = "en") -> RelationExplanation:
    actor_rows = _select(engine, "SELECT ?r ?a WHERE { ?r pd:subStateActor ?a }", r=rel)
    out = RelationExplanation(relation=_short(rel), label=_label(engine, rel, lang),
                              sub_state_actor=_short(actor_rows[0]["a"]) if actor_rows else None)
    rel_types = {r["t"] for r in _select(engine, "SELECT DISTINCT ?r ?t WHERE { ?r a ?t }", r=rel)}
    evidence = sorted({r["e"] for r in _select(engine, "SELECT ?r ?e WHERE { ?r pd:hasEvidence ?e }", r=rel)}, key=str)
    items = {e: _item(engine, e) for e in evidence}
    rel_item = _Item(rel_types, {PD.hasEvidence: set(evidence)},
                     {e: items[e].types for e in evidence})
    for derived in CHARACTER_CLASSES:
        if derived not in rel_types:
            continue
        # the axiom(s) with this class on the right that the relation satisfies
        for sub in sorted(axioms.subjects(RDFS.subClassOf, derived), key=str):
            if not isinstance(sub, BNode) or _satisfies(axioms, rel_item, rel, sub) is None:
                continue
            d = Derivation(derived_class=_short(derived), axiom=f"{render_class(axioms, sub)} ⊑ {_local(derived)}")
            indicators = [m for member in _members(axioms, sub) if isinstance(member, BNode)
                          for m in [axioms.value(member, OWL.someValuesFrom)] if isinstance(m, URIRef)]
            for e in evidence:
                for ind in indicators:
                    if ind not in items[e].types:
                        continue
                    d.evidence.append(_evidence_step(engine, axioms, e, items[e], ind, lang))
            out.derivations.append(d)
    for r in _english_first(_select(engine, """
            SELECT ?r ?c ?character ?by ?tendency WHERE {
              ?c pd:classifies ?r .
              OPTIONAL { ?c pd:character ?ch . ?ch skos:prefLabel ?character . FILTER(LANG(?character) = "en") }
              OPTIONAL { ?c pd:classifiedBy ?by . }
              OPTIONAL { ?c pd:tendency ?tendency . }
            } ORDER BY ?c ?character""", r=rel), "c", "character", prefer="tendency"):
        out.assertions.append(Assertion(
            classification=_short(r["c"]), character=str(r["character"]) if r.get("character") else None,
            classified_by=_short(r["by"]) if r.get("by") else None,
            tendency=str(r["tendency"]) if r.get("tendency") else None, sources=_sources(engine, r["c"]),
            voice=ARTICLE_SAYS if r.get("by") is not None and _wrote_the_source(engine, r["c"], r["by"])
            else SCHOLAR_SAYS))
    for r in _english_first(_select(engine, """
            SELECT ?r ?f ?issue WHERE { ?r pd:hasFriction ?f . OPTIONAL { ?f pd:issue ?issue } } ORDER BY ?f""", r=rel),
            "f", prefer="issue"):
        out.frictions.append(Friction(item=_short(r["f"]), label=_label(engine, r["f"], lang),
                                      issue=str(r["issue"]) if r.get("issue") else None))
    return out


ARTICLE_SAYS = "the article says"
SCHOLAR_SAYS = "a scholar says, as the article reports"


def _wrote_the_source(engine, classification: Node, by: Node) -> bool:
    """Whether `by` wrote the work a passage of the classification belongs to (the article's own
    author speaking), rather than being reported by it."""
    return bool(_select(engine, """
        SELECT ?c ?by WHERE { ?c prov:wasDerivedFrom ?passage . ?passage dcterms:isPartOf+ ?work .
                              ?work dcterms:creator ?by } LIMIT 1""", c=classification, by=by))


def _english_first(rows: list[dict], *keys: str, prefer: str) -> list[dict]:
    """One row per key, keeping the one whose `prefer` literal is English (texts come in en and id)."""
    chosen: dict[tuple, dict] = {}
    for r in rows:
        k = tuple(str(r.get(x)) for x in keys)
        v = r.get(prefer)
        rank = 0 if isinstance(v, Literal) and v.language == "en" else 1 if v is not None else 2
        if k not in chosen or rank < chosen[k][0]:
            chosen[k] = (rank, r)
    return [r for _, r in chosen.values()]


def _evidence_step(engine, axioms: Graph, e: Node, item: _Item, indicator: URIRef,
                   lang: str = "en") -> EvidenceStep:
    rule, triples = None, None
    # prefer a complex axiom (it says more) over a plain subclass one
    candidates = sorted(axioms.subjects(RDFS.subClassOf, indicator), key=lambda s: (isinstance(s, URIRef), str(s)))
    for sub in candidates:
        shown = _satisfies(axioms, item, e, sub)
        if shown is not None:
            rule, triples = f"{render_class(axioms, sub)} ⊑ {_local(indicator)}", shown
            break
    if rule is None:  # asserted directly in the data
        rule, triples = f"asserted: {_local(indicator)}", [(e, RDF.type, indicator)]
    dates = [str(v) for p in (PD.date, PD.startDate, PD.inForceFrom) for v in item.values.get(p, ())]
    return EvidenceStep(item=_short(e), label=_label(engine, e, lang), date=min(dates) if dates else None,
                        indicator=_short(indicator), rule=rule,
                        triples=[(_short(s), _short(p), _short(o) if not isinstance(o, Literal) else str(o))
                                 for s, p, o in triples],
                        sources=_sources(engine, e))


def explain(engine_or_dataset: Any, iri: str | URIRef, lang: str = "en") -> Explanation:
    """Why each centre–region relation of `iri` (a relation, or an actor) has the character it has;
    names in `lang` (en or id), falling back to the other."""
    engine = _as_engine(engine_or_dataset)
    subject = iri if isinstance(iri, URIRef) else expand(iri, what="the resource to explain")
    # SELECT with the bound variable projected rather than ASK: pyoxigraph binds only projected variables
    if not _select(engine, "SELECT ?x WHERE { { ?x ?p ?o } UNION { ?s ?p ?x } } LIMIT 1", x=subject):
        raise ExplainError(f"{_short(subject)} is not in the dataset; give a relation (e.g. "
                           f"pdi:relation-catalonia-spain), an actor (pdi:catalonia) or a bare id (catalonia)")
    if _select(engine, "SELECT ?x WHERE { ?x a pd:CentreRegionRelation } LIMIT 1", x=subject):
        relations = [subject]
    else:
        relations = sorted({r["r"] for r in _select(engine, """
            SELECT ?x ?r WHERE { ?r a pd:CentreRegionRelation ; pd:subStateActor ?x }""", x=subject)}, key=str)
        if not relations:
            raise ExplainError(f"{_short(subject)} is neither a centre–region relation nor the sub-state actor "
                               f"of one; `kg query centre-region-relations` lists those that exist")
    axioms = _axioms(engine)
    return Explanation(subject=_short(subject),
                       relations=[_explain_relation(engine, axioms, r, lang) for r in relations])


def explain_all(engine_or_dataset: Any, lang: str = "en") -> Explanation:
    """Every centre–region relation of the dataset, each with its character and the rule behind it."""
    engine = _as_engine(engine_or_dataset)
    relations = sorted({r["r"] for r in _select(engine, "SELECT DISTINCT ?r WHERE { ?r a pd:CentreRegionRelation }")},
                       key=str)
    axioms = _axioms(engine)
    return Explanation(subject="every centre–region relation",
                       relations=[_explain_relation(engine, axioms, r, lang) for r in relations])


# --- text output ------------------------------------------------------------------------------

def _source_lines(sources: list[Source], indent: str) -> list[str]:
    lines = []
    for s in sources:
        where = ", ".join(x for x in (f"section {s.section}" if s.section else None,
                                      f"footnote {s.footnote}" if s.footnote is not None else None) if x)
        lines.append(f"{indent}source {s.passage}" + (f" ({where})" if where else ""))
        if s.quote:
            lines.append(f'{indent}  "{s.quote}"@{s.quote_lang or ""}')
        if s.translation:
            lines.append(f'{indent}  = "{s.translation}"@en')
        if s.cited_work:
            work = s.cited_work_label or s.cited_work
            lines.append(f"{indent}  cites {work}" + (f", {s.pages}" if s.pages else "") +
                         (f" [{s.cited_work}]" if s.cited_work_label else ""))
    return lines


def format_text(exp: Explanation) -> str:
    out: list[str] = []
    for rel in exp.relations:
        out.append(f"{rel.relation}" + (f" — {rel.label}" if rel.label else ""))
        if not rel.derivations:
            out.append("  derived: nothing (no evidence of a conflict- or cooperation-indicating kind)")
        for d in rel.derivations:
            out.append(f"  derived by rule from evidence: {d.derived_class}")
            out.append(f"    the rule  {d.axiom}")
            for i, step in enumerate(sorted(d.evidence, key=lambda s: (s.date or "9999", s.item)), 1):
                out.append(f"    evidence {i}: {step.item}" + (f" — {step.label}" if step.label else "")
                           + (f" ({step.date})" if step.date else ""))
                out.append(f"      is a {step.indicator} by  {step.rule}")
                for s, p, o in step.triples:
                    out.append(f"        {s} {p} {o} .")
                out.extend(_source_lines(step.sources, "      "))
        for a in rel.assertions:
            who = a.classified_by or "(unattributed)"
            out.append(f"  {a.voice}: {a.character or '?'} (classified by {who})"
                       + (f" ('{a.tendency}')" if a.tendency else "") + f" [{a.classification}]")
            out.extend(_source_lines(a.sources, "    "))
        for f in rel.frictions:
            out.append(f"  friction (does not decide the character): {f.item}"
                       + (f" — {f.label}" if f.label else "") + (f": {f.issue}" if f.issue else ""))
        out.append("")
    return "\n".join(out).rstrip() + "\n"
