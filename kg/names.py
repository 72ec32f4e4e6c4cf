"""Names: what a person types → the IRI it names, and IRIs → the names a person reads.

One resolver for every face of the program (command arguments, `--param` values of IRI
parameters, `kg explain`, the endpoint's forms, the Python API, the spreadsheet import). It
accepts

- an IRI (`<https://…>` or bare `https://…`), a prefixed name (`pdi:catalonia`),
- a bare id (`catalonia`, `special-region-of-yogyakarta`),
- any `rdfs:label`, `skos:prefLabel` or `skos:altLabel`, in English or Indonesian,

ignoring case, accents, spaces and punctuation (`Katalonia`, `DI Yogyakarta`, `gyeongsangbuk do`).
One match is the answer; several raise `AmbiguousName` listing each with its kind; none raises
`UnknownName` with the closest names ("did you mean …"). Both are input errors (exit 2), so an
unknown name never yields a silently empty answer.

The index holds the labels of `graph/data` and `graph/ontology` as a set (a label stated in two
passage graphs is one label), read once through the engine interface, so it works on the
embedded engines and on a remote endpoint alike. Building it is linear in the number of labels.

The same index is the label service (as in the Wikidata Query Service): `label(iri, lang)` gives
the name in the wanted language, falling back to the other one, and `with_labels` adds a
`<var>Label` column beside every IRI column of a result.
"""
from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Mapping

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS
from rdflib.term import Node

from kg.errors import AmbiguousName, InputError, UnknownName
from kg.namespaces import GRAPH_DATA, GRAPH_INFERRED, GRAPH_ONTOLOGY, PD, PREFIXES

__all__ = ["NameIndex", "Match", "AmbiguousName", "UnknownName", "normalise", "LANGUAGES", "with_labels",
           "check_lang"]

LANGUAGES = ("en", "id")

# the label properties, in the order a display name is chosen from
_LABEL_PROPS = (RDFS.label, SKOS.prefLabel, SKOS.altLabel)
_RANK = {p: i for i, p in enumerate(_LABEL_PROPS)}


def check_lang(lang: str | None) -> str:
    """`lang` if it is a language the labels are in (en, id); an input error otherwise."""
    lang = (lang or "en").strip().lower()
    if lang not in LANGUAGES:
        raise InputError(f"language {lang!r} unknown: the labels are in {' and '.join(LANGUAGES)} "
                         "(en English, id Indonesian)")
    return lang


def normalise(text: str) -> str:
    """The key a name is matched by: letters and digits only, accents dropped, case folded.

    `Daerah Istimewa Yogyakarta`, `daerah-istimewa-yogyakarta` and `DAERAH ISTIMEWA  YOGYAKARTA`
    share one key; so do `Gyeongsangbuk-do` and `gyeongsangbuk do`.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if c.isalnum() and not unicodedata.combining(c)).casefold()


@dataclass(frozen=True)
class Match:
    """One thing a name may mean: its IRI, the label that matched (or its display name), the
    label's language, and its kind (the class the data asserts) with that kind's name."""

    iri: URIRef
    label: str                   # its name in the language asked for (falling back to the other)
    lang: str | None = None      # the language of the name that matched, if a name matched
    kind: URIRef | None = None
    kind_label: str | None = None
    score: float = 1.0
    matched: str | None = None   # the name or id that matched the text searched for

    def describe(self, prefixes: Mapping[str, str] | None = None) -> str:
        from kg.terms import short

        kind = f" ({self.kind_label})" if self.kind_label else ""
        return f"{self.label}{kind}  {short(self.iri, prefixes)}"


@dataclass
class _Entry:
    labels: dict[tuple[str | None, URIRef], set[str]] = field(default_factory=dict)  # (lang, prop) -> texts
    kinds: set[URIRef] = field(default_factory=set)     # asserted rdf:type in graph/data or ontology
    types: set[URIRef] = field(default_factory=set)     # every type, inferred included


_CHUNK = 400  # IRIs per VALUES block when the index is of some things only

_LABELS_QUERY = """
SELECT DISTINCT ?s ?p ?l WHERE {
  VALUES ?g { <%(data)s> <%(ontology)s> }
  VALUES ?p { <%(label)s> <%(pref)s> <%(alt)s> }
  GRAPH ?g { ?s ?p ?l }
  FILTER(isIRI(?s) && isLiteral(?l))
}""" % {"data": GRAPH_DATA, "ontology": GRAPH_ONTOLOGY, "label": RDFS.label, "pref": SKOS.prefLabel,
        "alt": SKOS.altLabel}

_TYPES_QUERY = """
SELECT DISTINCT ?s ?t ?asserted WHERE {
  VALUES (?g ?asserted) { (<%(data)s> true) (<%(ontology)s> true) (<%(inferred)s> false) }
  GRAPH ?g { ?s a ?t }
  FILTER(isIRI(?s) && isIRI(?t))
}""" % {"data": GRAPH_DATA, "ontology": GRAPH_ONTOLOGY, "inferred": GRAPH_INFERRED}

# the types that say what kind of term a thing is rather than what it is in the domain
_META_TYPES = {URIRef("http://www.w3.org/2002/07/owl#NamedIndividual")}


class NameIndex:
    """Labels and kinds of everything in the dataset, for resolving names and printing them."""

    def __init__(self, entries: dict[URIRef, _Entry], exists=None, linked=None):
        self._entries = entries
        self._exists = exists            # callable(URIRef) -> bool for IRIs without a label
        self._linked = linked            # callable(thing, class) -> instances of class linking to it in graph/data
        self._by_key: dict[str, set[URIRef]] = {}
        for iri, e in entries.items():
            for texts in e.labels.values():
                for t in texts:
                    self._by_key.setdefault(normalise(t), set()).add(iri)
            local = _local_id(iri)
            if local:
                self._by_key.setdefault(normalise(local), set()).add(iri)
        self._keys = sorted(self._by_key)

    # -- building --

    @classmethod
    def from_engine(cls, engine, iris=None) -> "NameIndex":
        """The index of the dataset an engine queries (embedded or remote); with `iris`, of those
        things only (the label service of one answer: linear in the answer, not in the dataset)."""
        from kg.query.binding import sparql_term  # an IRI written as checked SPARQL text

        def rows(query: str):
            if iris is None:
                yield from engine.query(query).rows
                return
            todo = sorted({i for i in iris if isinstance(i, URIRef)})
            for at in range(0, len(todo), _CHUNK):
                chunk = " ".join(sparql_term(i) for i in todo[at:at + _CHUNK])
                yield from engine.query(query.replace("WHERE {", "WHERE { VALUES ?s { " + chunk + " }", 1)).rows

        entries: dict[URIRef, _Entry] = {}
        for r in rows(_LABELS_QUERY):
            s, p, lit = r["s"], r["p"], r["l"]
            e = entries.setdefault(s, _Entry())
            e.labels.setdefault((lit.language, p), set()).add(str(lit))
        for r in rows(_TYPES_QUERY):
            s, t = r["s"], r["t"]
            if t in _META_TYPES:
                continue
            e = entries.setdefault(s, _Entry())
            e.types.add(t)
            if r["asserted"] is not None and r["asserted"].toPython() is True:
                e.kinds.add(t)

        def exists(iri: URIRef) -> bool:
            t = sparql_term(iri)
            return bool(engine.query(f"ASK {{ {{ {t} ?p ?o }} UNION {{ ?s ?p {t} }} }}"))

        def linked(iri: URIRef, cls_: URIRef) -> list[URIRef]:
            q = (f"SELECT DISTINCT ?x WHERE {{ GRAPH <{GRAPH_DATA}> {{ ?x ?p {sparql_term(iri)} }} "
                 f"?x a {sparql_term(cls_)} FILTER(isIRI(?x)) }}")
            return [r["x"] for r in engine.query(q).rows]

        return cls(entries, exists, linked)

    @classmethod
    def from_graph(cls, graph) -> "NameIndex":
        """The index of an rdflib graph (all its labels and types count as asserted)."""
        entries: dict[URIRef, _Entry] = {}
        for p in _LABEL_PROPS:
            for s, lit in graph.subject_objects(p):
                if isinstance(s, URIRef) and isinstance(lit, Literal):
                    entries.setdefault(s, _Entry()).labels.setdefault((lit.language, p), set()).add(str(lit))
        for s, t in graph.subject_objects(RDF.type):
            if isinstance(s, URIRef) and isinstance(t, URIRef) and t not in _META_TYPES:
                e = entries.setdefault(s, _Entry())
                e.types.add(t)
                e.kinds.add(t)
        return cls(entries, lambda iri: (iri, None, None) in graph or (None, None, iri) in graph,
                   lambda iri, c: sorted({s for s in graph.subjects(None, iri)
                                          if isinstance(s, URIRef) and (s, RDF.type, c) in graph}))

    # -- names of things --

    def __contains__(self, iri: object) -> bool:
        return iri in self._entries

    def labels(self, iri: Node) -> dict[str, str]:
        """The display name in each language that has one."""
        out = {}
        for lang in LANGUAGES:
            got = self._pick(iri, lang, fallback=False)
            if got:
                out[lang] = got
        return out

    def label(self, iri: Node, lang: str = "en") -> str | None:
        """The name of `iri` in `lang`, else in the other language, else any label it has."""
        return self._pick(iri, lang, fallback=True)

    def _pick(self, iri: Node, lang: str, *, fallback: bool) -> str | None:
        e = self._entries.get(iri)  # type: ignore[arg-type]
        if e is None or not e.labels:
            return None
        langs = [lang] + ([x for x in LANGUAGES if x != lang] + [None] if fallback else [])
        for want in langs:
            # rdfs:label first, then skos:prefLabel, then skos:altLabel; the first in text order
            found = sorted((_RANK[p], t) for (lg, p), texts in e.labels.items() if lg == want for t in texts)
            if found:
                return found[0][1]
        if fallback:  # a label in a third language
            found = sorted((_RANK[p], lg or "", t) for (lg, p), texts in e.labels.items() for t in texts)
            return found[0][2] if found else None
        return None

    def kind(self, iri: URIRef) -> URIRef | None:
        """The class the data asserts for `iri` (the most specific one, by name when several)."""
        e = self._entries.get(iri)
        if e is None or not e.kinds:
            return None
        kinds = e.kinds
        # drop a kind that another asserted kind specialises (known from the inferred types)
        specific = [k for k in kinds if not any(k != o and k in self._entries.get(o, _Entry()).types
                                                 for o in kinds)] or list(kinds)
        project = [k for k in specific if str(k).startswith(str(PD))]
        return sorted(project or specific)[0]

    def has_type(self, iri: URIRef, cls: URIRef) -> bool:
        e = self._entries.get(iri)
        return e is not None and cls in e.types

    def match(self, iri: URIRef, lang: str = "en", matched: str | None = None,
              matched_lang: str | None = None, score: float = 1.0) -> Match:
        kind = self.kind(iri)
        return Match(iri=iri, label=self.label(iri, lang) or _local_id(iri) or str(iri),
                     lang=matched_lang, kind=kind, kind_label=self.label(kind, lang) if kind else None,
                     score=score, matched=matched)

    # -- resolving --

    def candidates(self, text: str) -> list[URIRef]:
        """Every IRI the text may name (exact key match on labels and ids), in IRI order."""
        return sorted(self._by_key.get(normalise(text), ()))

    def resolve(self, text: str, *, expect: URIRef | None = None, what: str = "name",
                prefixes: Mapping[str, str] | None = None) -> URIRef:
        """The one IRI `text` names. `expect`: the class the caller wants; a thing of another
        class is taken to the one instance of `expect` that links to it (`catalonia` →
        the relation of Catalonia with Spain, when a relation is expected)."""
        raw = text.strip()
        if not raw:
            raise InputError(f"{what}: empty; give a name (e.g. Catalonia) or an id (e.g. pdi:catalonia)")
        iri = self._as_iri(raw, prefixes or PREFIXES)
        if iri is not None:
            if iri in self._entries or (self._exists is not None and self._exists(iri)):
                return self._expecting([iri], raw, expect, what)
            raise UnknownName(raw, self.suggest(_local_id(iri) or raw), what)
        found = self.candidates(raw)
        if not found:
            m = re.fullmatch(r"([A-Za-z][\w.-]*):([^\s/][^\s]*)", raw)
            if m:  # written as a prefixed name, but with a prefix nobody declared
                known = ", ".join(f"{p}:" for p in sorted(prefixes or PREFIXES))
                raise UnknownName(raw, self.suggest(m.group(2)), what,
                                  f"unknown prefix {m.group(1)!r} (the prefixes are {known})")
            raise UnknownName(raw, self.suggest(raw), what)
        return self._expecting(found, raw, expect, what)

    def _expecting(self, found: list[URIRef], raw: str, expect: URIRef | None, what: str) -> URIRef:
        if expect is not None:
            of_class = [i for i in found if self.has_type(i, expect)]
            if not of_class:
                linked = sorted({x for i in found for x in self._linked_instances(i, expect)})
                if linked:
                    of_class = linked
                else:
                    names = "; ".join(self.match(i).describe() for i in found)
                    cls = self.label(expect) or str(expect)
                    raise InputError(f"{what} {raw!r} names {names}, which is not a {cls} and has no {cls} "
                                     f"of its own; give a {cls} (e.g. one from `kg query --list`'s defaults)")
            found = of_class
        if len(found) == 1:
            return found[0]
        raise AmbiguousName(raw, [self.match(i) for i in found], what)

    def _linked_instances(self, iri: URIRef, cls: URIRef) -> list[URIRef]:
        """Instances of `cls` that link to `iri` in the asserted data (a relation to its actor)."""
        if self._linked is None:
            return []
        return sorted(self._linked(iri, cls))

    @staticmethod
    def _as_iri(raw: str, prefixes: Mapping[str, str]) -> URIRef | None:
        if raw.startswith("<") and raw.endswith(">"):
            from kg.terms import check_iri

            return URIRef(check_iri(raw[1:-1]))
        m = re.fullmatch(r"([A-Za-z][\w.-]*)?:(\S*)", raw)
        if m and (m.group(1) or "") in prefixes:
            return URIRef(prefixes[m.group(1) or ""] + m.group(2))
        if re.match(r"(?i)(https?|urn|file):", raw):
            from kg.terms import check_iri

            return URIRef(check_iri(raw))
        return None

    def suggest(self, text: str, limit: int = 5) -> list[Match]:
        """The closest names to `text`: near spellings first, then names containing it."""
        key = normalise(text)
        if not key:
            return []
        keys = difflib.get_close_matches(key, self._keys, n=limit * 3, cutoff=0.7)
        # then the names that contain the text, shortest (closest to what was typed) first
        keys += sorted((k for k in self._keys if key in k and k not in keys), key=lambda k: (len(k), k))[: limit * 3]
        out: list[Match] = []
        seen: set[URIRef] = set()
        for k in keys:
            for iri in sorted(self._by_key[k]):
                if iri not in seen:
                    seen.add(iri)
                    out.append(self.match(iri))
        return out[:limit]

    def search(self, text: str, limit: int = 20, lang: str = "en") -> list[Match]:
        """Things whose name or id starts with, or contains, `text` (for search pages and
        autocompletion): exact matches first, then prefixes, then substrings, then near spellings."""
        key = normalise(text)
        if not key:
            return []
        scored: dict[URIRef, tuple[float, str, str | None]] = {}
        for iri, e in self._entries.items():
            names = [(t, lg) for (lg, _p), texts in e.labels.items() for t in texts]
            local = _local_id(iri)
            if local:
                names.append((local, None))
            for t, lg in names:
                k = normalise(t)
                score = 1.0 if k == key else 0.8 if k.startswith(key) else 0.6 if key in k else 0.0
                if score and (iri not in scored or score > scored[iri][0]):
                    scored[iri] = (score, t, lg)
        if not scored:
            return self.suggest(text, limit)
        ranked = sorted(scored.items(), key=lambda kv: (-kv[1][0], len(kv[1][1]), kv[1][1], str(kv[0])))
        return [self.match(iri, lang, matched=t, matched_lang=lg, score=s) for iri, (s, t, lg) in ranked[:limit]]


def _local_id(iri: Node | None) -> str | None:
    """The id part of a project IRI (`pdi:catalonia` → `catalonia`); None for other IRIs."""
    if iri is None:
        return None
    s = str(iri)
    for ns in (PREFIXES.get("pdi"), PREFIXES.get("pd"), PREFIXES.get("pdv")):
        if ns and s.startswith(ns) and len(s) > len(ns):
            return s[len(ns):]
    return None


def with_labels(result, index: NameIndex, lang: str = "en"):
    """The SELECT result with a `<var>Label` column after every column holding IRIs (filled from
    the index in `lang`, falling back to the other language), and the query's own label columns
    filled where the query found no label in that language. Other results are returned as they are."""
    from kg.query.embedded import SelectResult

    if not isinstance(result, SelectResult):
        return result
    variables = list(result.variables)
    iri_vars = [v for v in variables if any(isinstance(r.get(v), URIRef) for r in result.rows)]
    out_vars: list[str] = []
    for v in variables:
        if v.endswith("Label") and v[: -len("Label")] in iri_vars:
            continue  # placed right after its IRI column below
        out_vars.append(v)
        if v in iri_vars:
            out_vars.append(v + "Label")
    rows = []
    for r in result.rows:
        row = dict(r)
        for v in iri_vars:
            lv = v + "Label"
            if row.get(lv) is None and isinstance(row.get(v), URIRef):
                name = index.label(row[v], lang)
                lg = _label_lang(index, row[v], name, lang)
                row[lv] = Literal(name, lang=lg) if name is not None else None
        rows.append(row)
    return SelectResult(variables=out_vars, rows=rows)


def _label_lang(index: NameIndex, iri: URIRef, name: str | None, lang: str) -> str | None:
    if name is None:
        return None
    for lg in (lang, *[x for x in LANGUAGES if x != lang]):
        if index.labels(iri).get(lg) == name:
            return lg
    return None
