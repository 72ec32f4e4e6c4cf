"""`kg import`: a filled codebook (an .xlsx or a folder of CSV files) becomes a TriG data file with one
GRAPH per source passage, the form of every file in data/ (docs/PROVENANCE.md).

Every row is checked before anything is written; every problem names the sheet, the row, the
column, the value, what was expected and how to fix it, and all of them are reported at once
(`WorkbookInvalid`, exit 1). Names are resolved against the workbook's own new rows first, then
against the graph (`kg.names.NameIndex`: ids, prefixed names, labels, alternative labels); a new node
is made only where a row says `new = yes`. Facts the workbook's passages give that differ from what
other passages say (another signing or start date, another status, another state for the same partner) become
`pd:SourceConflict` nodes; facts they repeat are corroborated (one triple, two passages).

The output is deterministic: the same workbook gives the same bytes (`to_trig`), written atomically.
"""
from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Protocol

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, XSD

from kg.casebook import codebook as cb
from kg.casebook.codebook import SHEETS, Column, Sheet, sheet_named
from kg.casebook.vocab import Vocabulary, local
from kg.casebook.workbook import Row, Table, read_workbook
from kg.errors import InputError, WorkbookInvalid
from kg.namespaces import DCTERMS, PD, PDI, PDV, PREFIXES, PROV, RDFS, SKOS

__all__ = ["Problem", "WorkbookInvalid", "ImportResult", "Conflict", "Corroboration", "CopiedBlock", "import_tables",
           "import_workbook", "to_trig", "slug"]


# -------------------------------------------------------------------------------------------------
# Problems
# -------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Problem:
    sheet: str
    row: int
    column: str
    value: str
    expected: str
    fix: str
    letter: str = ""

    def __str__(self) -> str:
        where = f"{self.sheet}!{self.letter}{self.row}" if self.row else self.sheet
        shown = self.value if len(self.value) <= 80 else self.value[:77] + "..."
        return (f"{where} [{self.column}] {shown!r}: expected {self.expected}\n"
                f"      fix: {self.fix}")


class Names(Protocol):
    """What the importer needs of `kg.names.NameIndex`."""

    def resolve(self, text: str, expect: URIRef | None = None) -> URIRef: ...


# -------------------------------------------------------------------------------------------------
# Results
# -------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Conflict:
    iri: URIRef
    concerns: URIRef
    what: str
    values: tuple[tuple[str, URIRef], ...]     # (value, passage)


@dataclass(frozen=True)
class Corroboration:
    concerns: URIRef
    what: str
    value: str
    passages: tuple[URIRef, ...]


@dataclass(frozen=True)
class CopiedBlock:
    """Two passages that give one node the same whole description (two or more statements beyond
    housekeeping): at least one of them is cited for what it does not say. The build's
    statement-copied-block-violation check fails on it; the importer says so first, with the rows."""
    node: URIRef
    passages: tuple[URIRef, URIRef]
    statements: tuple[str, ...]                 # "pd:party jakarta", ...
    rows: tuple[str, ...]                       # the workbook rows that describe the node

    def __str__(self) -> str:
        return (f"{local(self.node)}: {local(self.passages[0])} and {local(self.passages[1])} state the same "
                f"{len(self.statements)} facts ({'; '.join(self.statements)}) [{', '.join(self.rows)}]\n"
                "      fix: keep in each row only what its own quote says (docs/PROVENANCE.md, "
                "'What states means'); the build's statement-copied-block-violation check fails on it")


@dataclass
class ImportResult:
    quads: list[tuple]                          # (s, p, o, g), sorted
    origins: dict[URIRef, list[str]]            # node -> ["agreements!7", ...]
    conflicts: list[Conflict] = field(default_factory=list)
    corroborations: list[Corroboration] = field(default_factory=list)
    copies: list[CopiedBlock] = field(default_factory=list)
    source: str = ""

    def trig(self) -> str:
        return to_trig(self.quads, self.origins, self.source)


# -------------------------------------------------------------------------------------------------
# Values
# -------------------------------------------------------------------------------------------------
_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_YES = {"yes", "y", "ya", "true", "1", "x"}
_NO = {"no", "n", "tidak", "false", "0", ""}


def slug(text: str) -> str:
    """A bare id from a name: lower case ASCII, words joined by '-' (Gyeongsangbuk-Do -> gyeongsangbuk-do)."""
    t = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    t = re.sub(r"[^A-Za-z0-9]+", "-", t).strip("-").lower()
    return t


def _letter(sheet: Sheet | None, key: str, header: list[str]) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(header.index(key) + 1) if key in header else ""


def parse_date(text: str) -> Literal | None:
    """YYYY, YYYY-MM or YYYY-MM-DD as xsd:gYear, xsd:gYearMonth, xsd:date; None if it is not a real date."""
    t = text.strip()
    if re.fullmatch(r"\d{4}", t):
        return Literal(t, datatype=XSD.gYear)
    m = re.fullmatch(r"(\d{4})-(\d{2})", t)
    if m:
        return Literal(t, datatype=XSD.gYearMonth) if 1 <= int(m.group(2)) <= 12 else None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", t):
        try:
            dt.date.fromisoformat(t)
        except ValueError:
            return None
        return Literal(t, datatype=XSD.date)
    return None


def _iri_of_id(text: str) -> URIRef | None:
    t = text.strip()
    if t.startswith("pdi:"):
        t = t[4:]
    elif t.startswith(str(PDI)):
        t = t[len(str(PDI)):]
    return PDI[t] if _ID_RE.match(t) else None


# -------------------------------------------------------------------------------------------------
# The import
# -------------------------------------------------------------------------------------------------
@dataclass
class _Local:
    iri: URIRef
    kind: URIRef | None
    where: str
    labels: list[str]


class _Importer:
    def __init__(self, tables: dict[str, Table], vocab: Vocabulary, names: Names | None,
                 existing: list[tuple], replaced_subjects: set[URIRef], source: str):
        self.tables, self.vocab, self.names, self.source = tables, vocab, names, source
        self.existing = existing
        self.existing_subjects = {q[0] for q in existing if q[1] == RDF.type}
        self.replaced = replaced_subjects
        self.problems: list[Problem] = []
        self.local: dict[URIRef, _Local] = {}
        self.by_label: dict[str, set[URIRef]] = defaultdict(set)
        self.quads: set[tuple] = set()
        self.origins: dict[URIRef, list[str]] = defaultdict(list)
        self.subject_of: dict[tuple[str, int], URIRef] = {}

    # -- problems ---------------------------------------------------------------------------------
    def problem(self, row: Row | None, column: str, value: str, expected: str, fix: str, sheet: str = "") -> None:
        table = self.tables.get(row.sheet if row else sheet)
        letter = _letter(None, column, table.header) if table else ""
        self.problems.append(Problem(row.sheet if row else sheet, row.number if row else 0, column, value,
                                     expected, fix, letter))

    # -- the shape of the workbook ----------------------------------------------------------------
    def check_layout(self) -> None:
        known = [s.name for s in SHEETS]
        for name, table in self.tables.items():
            sheet = sheet_named(name)
            if sheet is None:
                close = difflib.get_close_matches(name, known, n=1)
                self.problem(None, "(sheet)", name, f"one of the sheets {', '.join(known)}",
                             f"rename it to '{close[0]}'" if close else
                             "remove the sheet, or move its rows to the sheet for their kind of record", sheet=name)
                continue
            for key in table.header:
                if key and sheet.column(key) is None:
                    close = difflib.get_close_matches(key, sheet.keys, n=1)
                    self.problems.append(Problem(name, 1, key, key, f"a column of the '{name}' sheet: {', '.join(sheet.keys)}",
                                                 f"rename the column to '{close[0]}'" if close else
                                                 "remove the column (`kg template` writes the right header)",
                                                 _letter(None, key, table.header)))
            for col in sheet.columns:
                if (col.required or col.required_new) and col.key not in table.header and table.rows \
                        and not (col.unless and col.unless in table.header):
                    self.problems.append(Problem(name, 1, col.key, "", f"a column '{col.key}'",
                                                 f"add the column '{col.key}' (`kg template` writes the right header)"))

    # -- pass 1: the nodes each row is about ------------------------------------------------------
    def is_new(self, row: Row) -> bool | None:
        v = row.get("new").strip().lower()
        if v in _YES:
            return True
        if v in _NO:
            return False
        self.problem(row, "new", row.get("new"), "yes or no (blank = no)",
                     "write yes when this row creates the node, no when it adds to one that exists")
        return None

    def kind_of(self, sheet: Sheet, row: Row) -> URIRef | None:
        text = row.get("kind")
        if not text:
            return None
        allowed = self.vocab.classes_under(sheet.root)
        by_name = {local(c).lower(): c for c in allowed}
        for c in allowed:
            for lang in ("en", "id"):
                by_name.setdefault(self.vocab.label(c, lang).lower(), c)
        found = by_name.get(text.strip().removeprefix("pd:").lower())
        if found is None:
            choices = [local(c) for c in allowed]
            close = difflib.get_close_matches(text.strip(), choices, n=3)
            self.problem(row, "kind", text, f"a kind of {self.vocab.label(sheet.root, 'en')}: one of {', '.join(choices)}",
                         (f"did you mean {' or '.join(close)}? " if close else "")
                         + "choose from the drop-down (sheet 'lists')")
        return found

    def derived_id(self, sheet: Sheet, row: Row, kind: URIRef | None) -> str:
        if sheet.name == "passages":
            work, order = row.get("work"), row.get("order")
            if work and order.isdigit():
                w = _iri_of_id(work)
                base = local(w) if w else slug(work)
                return f"passage-{base.removeprefix('web-').removeprefix('work-')}-{int(order):02d}"
            return ""
        name = row.get("label_en") or row.get("title")
        if not name:
            return ""
        prefix = sheet.id_prefix
        if sheet.name == "works":
            prefix = {PD.WebPage: "web-", PD.NewspaperReport: "news-"}.get(kind, "work-")
        if sheet.name == "events" and kind is not None:
            prefix = slug(local(kind)) + "-"
        s = slug(name)
        return s if s.startswith(prefix) else prefix + s

    def first_pass(self) -> None:
        for sheet in SHEETS:
            table = self.tables.get(sheet.name)
            if not table:
                continue
            for row in table.rows:
                new = self.is_new(row)
                kind = self.kind_of(sheet, row)
                text = row.get("id")
                iri = None
                if text:
                    iri = _iri_of_id(text)
                    if iri is None:
                        if new:
                            self.problem(row, "id", text, "a bare id: letters, digits, '-', '_' or '.', no spaces",
                                         f"write {slug(text) or 'an id such as seoul'}")
                            continue
                        iri = self.resolve(row, "id", text, sheet.root)
                elif new:
                    derived = self.derived_id(sheet, row, kind)
                    if not derived:
                        self.problem(row, "id", "", "an id, or the columns it is derived from",
                                     "write an id (e.g. " + (cb.sheet_named(sheet.name).columns[0].example or "my-id")
                                     + "), or fill label_en" + (" / work and order" if sheet.name == "passages" else ""))
                        continue
                    iri = PDI[derived]
                else:
                    label = row.get("label_en") or row.get("label_id")
                    if not label:
                        self.problem(row, "id", "", "the id (or label) of the node this row adds to",
                                     "write its id, or new = yes if the row creates it")
                        continue
                    iri = self.resolve(row, "label_en" if row.get("label_en") else "label_id", label, sheet.root)
                if iri is None:
                    continue
                self.subject_of[(row.sheet, row.number)] = iri
                if new:
                    if iri in self.local and self.local[iri].where != f"{row.sheet}!{row.number}":
                        self.problem(row, "id", local(iri), "an id no other new row uses",
                                     f"{self.local[iri].where} creates it already: write new = no here, or another id")
                        continue
                    if iri in self.existing_subjects and iri not in self.replaced:
                        self.problem(row, "id", local(iri), "an id not yet in the graph",
                                     "it exists already: write new = no to add this passage's facts to it, "
                                     "or choose another id")
                    labels = [row.get(k) for k in ("label_en", "label_id", "title") if row.get(k)]
                    labels += [a.rsplit("@", 1)[0] for a in row.get("alt_labels").split(cb.TEXT_SEPARATOR) if a.strip()]
                    self.local[iri] = _Local(iri, kind, f"{row.sheet}!{row.number}", labels)
                    self.by_label[local(iri).lower()].add(iri)
                    for lab in labels:
                        self.by_label[lab.strip().lower()].add(iri)

    # -- names ------------------------------------------------------------------------------------
    def resolve(self, row: Row, column: str, text: str, expect: URIRef | None) -> URIRef | None:
        t = text.strip()
        if t.startswith("pd:") and (PD[t[3:]], None, None) in self.vocab.graph:
            return PD[t[3:]]                                   # a term of the ontology, e.g. pd:FriendshipAgreement
        iri = _iri_of_id(t)
        if iri is not None and iri in self.local:
            return iri
        hits = sorted(self.by_label.get(t.lower(), set()))
        if expect is not None and len(hits) > 1:
            ok = [h for h in hits if self.local[h].kind is None or self.local[h].kind in self.vocab.classes_under(expect)]
            hits = ok or hits
        if len(hits) == 1:
            return hits[0]
        if len(hits) > 1:
            self.problem(row, column, text, "a name that picks out one node",
                         "write one of the ids: " + ", ".join(f"{local(h)} ({self.local[h].where})" for h in hits))
            return None
        if self.names is None:
            if iri is not None and iri in self.existing_subjects:
                return iri
            self.problem(row, column, text, "a node of the workbook or the graph",
                         "check the spelling, or add a row for it with new = yes")
            return None
        try:
            from kg.names import AmbiguousName, UnknownName
        except ImportError:                                     # the resolver is not installed here
            AmbiguousName = UnknownName = InputError            # noqa: N806
        try:
            return self.names.resolve(t, expect=expect)
        except AmbiguousName as exc:
            matches = getattr(exc, "matches", [])
            listed = "; ".join(m.describe() if hasattr(m, "describe") else local(m.iri) for m in matches[:8])
            self.problem(row, column, text, "a name that picks out one node",
                         f"write one of the ids: {listed}" if listed else str(exc))
        except UnknownName as exc:
            sugg = getattr(exc, "suggestions", [])
            shown = ", ".join(local(getattr(s, "iri", s)) for s in sugg[:5])
            self.problem(row, column, text, f"a name the workbook or the graph knows ({self.vocab.label(expect, 'en') if expect else 'any kind'})",
                         (f"did you mean {shown}? " if shown else "")
                         + "check the spelling, or add a row for it with new = yes")
        except InputError as exc:
            self.problem(row, column, text, "a known name", str(exc))
        return None

    def concept(self, row: Row, col: Column, text: str) -> URIRef | None:
        members = self.vocab.concepts(col.expect)
        hit = self.vocab.concept_index.get(text.strip().removeprefix("pdv:").lower())
        if hit in members:
            return hit
        choices = [local(c) for c in members]
        close = difflib.get_close_matches(text.strip(), choices, n=3)
        self.problem(row, col.key, text, f"one of {', '.join(choices)}",
                     (f"did you mean {' or '.join(close)}? " if close else "") + "choose from the drop-down (sheet 'lists')")
        return None

    # -- pass 2: the triples of each row ----------------------------------------------------------
    def second_pass(self) -> None:
        for sheet in SHEETS:
            table = self.tables.get(sheet.name)
            if not table:
                continue
            for row in table.rows:
                s = self.subject_of.get((row.sheet, row.number))
                if s is None:
                    continue
                self.row_triples(sheet, row, s)

    def row_triples(self, sheet: Sheet, row: Row, s: URIRef) -> None:
        new = row.get("new").strip().lower() in _YES
        for col in sheet.columns:
            if col.required and not row.get(col.key):
                self.problem(row, col.key, "", f"a value ({self.vocab.meaning(col, 'en')})",
                             "fill it in: every row needs it")
            elif new and col.required_new and not row.get(col.key) and not (col.unless and row.get(col.unless)):
                self.problem(row, col.key, "", f"a value ({self.vocab.meaning(col, 'en')})",
                             "fill it in: a row that creates a node needs it" if not col.unless else
                             f"fill it in, or '{col.unless}': a row that creates a node needs one of them")
        language = row.get("language").strip().lower()
        if "language" in sheet.keys and row.get("language") and language not in ("id", "en"):
            self.problem(row, "language", row.get("language"), "id or en",
                         "write id for Indonesian, en for English")
            language = ""
        if sheet.name in ("works", "passages"):
            graph = s
            if sheet.name == "passages" and row.get("quote") and language != "en" and not row.get("translation_en"):
                self.problem(row, "translation_en", "", "an English rendering of a quote that is not in English",
                             "add a faithful English translation of the quote")
        else:
            graph = self.resolve(row, "passage", row.get("passage"), PD.SourcePassage) if row.get("passage") else None
            if graph is None:
                return
        out: list[tuple] = []
        before = len(self.problems)
        kind = self.kind_of(sheet, row) if row.get("kind") else None
        if kind is not None:
            out.append((s, RDF.type, kind))
        elif sheet.column("kind") is None:
            out.append((s, RDF.type, sheet.root))       # a passage row needs no kind column
        for col in sheet.columns:
            text = row.get(col.key)
            if not text or col.predicate is None:
                continue
            if col.value == cb.SECTION:
                sec = self.section(row, s, text, language)
                if sec is not None:
                    out.append((s, col.predicate, sec))
                continue
            parts = ([p.strip() for p in text.split(cb.TEXT_SEPARATOR if col.value == cb.TEXTS else cb.LIST_SEPARATOR)]
                     if col.multi else [text.strip()])
            for part in (p for p in parts if p):
                o = self.value(row, col, part, language)
                if o is not None:
                    out.append((s, col.predicate, o))
        if sheet.name == "agreements" and new and kind != PD.Cooperation:
            # an agreement has two sides; a plain pd:Cooperation may have only the party its source names
            parties = [o for (_, p, o) in out if p == PD.party]
            if len(parties) < 2 and row.get("parties") and len(self.problems) == before:
                self.problem(row, "parties", row.get("parties"), "at least two parties, separated by ';'",
                             "name both sides, e.g. 'DKI Jakarta; Seoul'")
        for t in out:
            self.quads.add((*t, graph))
        self.origins[s].append(f"{row.sheet}!{row.number}")

    def value(self, row: Row, col: Column, text: str, language: str):
        v = col.value
        if v in (cb.NAME, cb.NAMES):
            return self.resolve(row, col.key, text, col.expect)
        if v in (cb.CONCEPT, cb.CONCEPTS):
            return self.concept(row, col, text)
        if v in (cb.TEXT, cb.TEXTS):
            lang = col.lang
            if col.key == "alt_labels":
                m = re.fullmatch(r"(.*)@(id|en)", text, re.S)
                if not m:
                    self.problem(row, col.key, text, "a name ending in @id or @en", f"write {text}@id or {text}@en")
                    return None
                return Literal(m.group(1).strip(), lang=m.group(2))
            if lang is None:
                lang = language
                if not lang:
                    self.problem(row, "language", "", "the language of this row's text: id or en",
                                 "fill the language column")
                    return None
            return Literal(text, lang=lang)
        if v == cb.PLAIN:
            return Literal(text)
        if v == cb.LANG:
            return Literal(text.lower()) if text.lower() in ("id", "en") else None
        if v == cb.DATE:
            lit = parse_date(text)
            if lit is None:
                self.problem(row, col.key, text, "a real date written YYYY, YYYY-MM or YYYY-MM-DD",
                             "write it as the source gives it, e.g. 2005-02-24, 2005-02 or 2005 "
                             "(no day invented; check the day exists in that month)")
            return lit
        if v == cb.INTEGER:
            if re.fullmatch(r"-?\d+", text):
                return Literal(int(text))
            self.problem(row, col.key, text, "a whole number", "write digits only, e.g. 21")
            return None
        if v == cb.URL:
            if re.fullmatch(r"https?://[^\s<>\"{}|\\^`]+", text):
                return Literal(text, datatype=XSD.anyURI)
            self.problem(row, col.key, text, "an http:// or https:// address without spaces",
                         "copy the address from the browser's address bar")
            return None
        return None

    def section(self, row: Row, passage: URIRef, text: str, language: str) -> URIRef | None:
        """An existing section by name, or a heading of the row's work (a new pd:ArticleSection)."""
        iri = _iri_of_id(text)
        if iri is not None and (iri in self.existing_subjects or iri in self.local):
            return iri
        work_text = row.get("work")
        if not work_text:
            found = self.resolve(row, "section", text, PD.ArticleSection)
            if found is None:
                return None
            return found
        work = self.resolve(row, "work", work_text, PD.SourceWork)
        if work is None:
            return None
        sec = PDI[f"{local(work)}-section-{slug(text) or 'text'}"]
        lang = language or "id"
        for t in ((sec, RDF.type, PD.ArticleSection), (sec, DCTERMS.isPartOf, work),
                  (sec, DCTERMS.title, Literal(text, lang=lang)),
                  # the label names the work too: "whole page" alone would name every web page's section
                  (sec, RDFS.label, Literal(f"{text} ({local(work)})", lang=lang))):
            self.quads.add((*t, work))
        if f"{row.sheet}!{row.number}" not in self.origins[sec]:
            self.origins[sec].append(f"{row.sheet}!{row.number}")
        return sec

    # -- copied blocks ----------------------------------------------------------------------------
    def copied_blocks(self) -> list[CopiedBlock]:
        """The rule of queries/statement-copied-block-violation.rq, for the nodes the workbook
        describes: two passage graphs (one of them the workbook's) giving a node the same whole
        description of two or more statements beyond housekeeping."""
        new_graphs = {q[3] for q in self.quads}
        touched = {q[0] for q in self.quads}
        allq = list(self.quads) + [q for q in self.existing if q[3] not in new_graphs or q[0] not in self.replaced]
        conflicts = {s for s, p, o, g in allq if p == RDF.type and o == PD.SourceConflict}
        desc: dict[URIRef, dict[URIRef, set]] = defaultdict(lambda: defaultdict(set))
        for s, p, o, g in allq:
            if s in touched and s not in conflicts and p not in _HOUSEKEEPING \
                    and str(g).startswith(str(PDI["passage-"])):
                desc[s][g].add((p, o))
        out = []
        for s in sorted(desc, key=str):
            by_g = desc[s]
            gs = sorted(by_g, key=str)
            for i, g1 in enumerate(gs):
                for g2 in gs[i + 1:]:
                    if (g1 in new_graphs or g2 in new_graphs) and len(by_g[g1]) >= 2 and by_g[g1] == by_g[g2]:
                        said = tuple(sorted(f"{_short(p)} {local(o) if isinstance(o, URIRef) else o}"
                                            for p, o in by_g[g1]))
                        out.append(CopiedBlock(s, (g1, g2), said, tuple(self.origins.get(s, []))))
        return out

    # -- comparing sources ------------------------------------------------------------------------
    def compare(self) -> tuple[list[Conflict], list[Corroboration]]:
        """Dates (of signing, or of the start: "since 2005"), statuses and partners' states of every
        agreement the workbook touches, as each passage gives them; values that cannot both be true
        make a pd:SourceConflict."""
        new_graphs = {q[3] for q in self.quads}
        allq = list(self.quads) + [q for q in self.existing if q[3] not in new_graphs or q[0] not in self.replaced]
        types = defaultdict(set)
        for s, p, o, g in allq:
            if p == RDF.type:
                types[s].add(o)
        signing = self.vocab.classes_under(PD.Signing)
        # the kinds a passage gives an agreement (sister province, sister city, MoU ...); pd:Cooperation
        # and pd:Agreement say only that it is one, and conflict with no kind
        kinds_all = set(self.vocab.classes_under(PD.Cooperation))
        kinds = kinds_all - {PD.Cooperation, PD.Agreement}
        facts: dict[tuple[URIRef, str], dict[str, set]] = defaultdict(lambda: defaultdict(set))
        events_of: dict[URIRef, set[URIRef]] = defaultdict(set)
        dates: dict[URIRef, dict[URIRef, set[str]]] = defaultdict(lambda: defaultdict(set))
        parties: dict[URIRef, set[URIRef]] = defaultdict(set)
        starts: dict[URIRef, dict[URIRef, set[str]]] = defaultdict(lambda: defaultdict(set))
        for s, p, o, g in allq:
            if p == PD.ofAgreement and types[s] & set(signing):
                events_of[o].add(s)
            elif p == PD.date:
                dates[s][g].add(str(o))
            elif p == PD.startDate:
                starts[s][g].add(str(o))
            elif p == PD.status:
                facts[(s, "status")][local(o)].add(g)
            elif p == PD.party:
                parties[s].add(o)
            elif p == PD.inState:
                facts[(s, "state")][local(o)].add(g)
            elif p == RDF.type and o in kinds:
                facts[(s, "kind")][local(o)].add(g)
        for a, evs in events_of.items():
            for e in evs:
                for g, vals in dates[e].items():
                    for v in vals:
                        facts[(a, "date")][v].add(g)
        # an agreement's start ("sejak 2 Februari 2005") is held against its signings: a source that
        # says it began on another day than another says it was signed disagrees with it (review I19)
        for a, by_graph in starts.items():
            if types[a] & kinds_all:
                for g, vals in by_graph.items():
                    for v in vals:
                        facts[(a, "date")][v].add(g)
        touched = {q[0] for q in self.quads}
        agreements = {a for a in touched if PD.party in {q[1] for q in self.quads if q[0] == a}} | \
                     {o for (s, p, o, g) in self.quads if p == PD.ofAgreement}
        checked = set(agreements)
        for a in agreements:
            checked |= parties.get(a, set())
        existing_conflicts = defaultdict(set)
        for s, p, o, g in self.existing:
            if p == PD.conflictingStatement:
                existing_conflicts[s].add(o)
        concerned = defaultdict(set)
        for s, p, o, g in self.existing:
            if p == PD.concerns:
                concerned[o].add(s)
        conflicts, corroborations = [], []
        for (node, what), by_value in sorted(facts.items(), key=lambda kv: (str(kv[0][0]), kv[0][1])):
            if node not in checked or (what == "state" and node in agreements) \
                    or (what == "kind" and node not in agreements):
                continue
            involved = {g for gs in by_value.values() for g in gs}
            if not involved & new_graphs:
                continue
            per_graph: dict[URIRef, set[str]] = defaultdict(set)
            for v, gs in by_value.items():
                for g in gs:
                    per_graph[g].add(v)
            # two passages conflict when nothing one says can be what the other says (a passage may
            # give several statuses at once: stagnant and expired)
            clash = [(g1, g2) for g1 in per_graph for g2 in per_graph
                     if str(g1) < str(g2) and (g1 in new_graphs or g2 in new_graphs)
                     and not any(_compatible(a, b, what) for a in per_graph[g1] for b in per_graph[g2])]
            if clash:
                involved = {g for pair in clash for g in pair}
                if any(involved <= existing_conflicts[c] for c in concerned[node]):
                    continue
                c_iri = PDI[f"conflict-{local(node)}-{slug(what)}"]
                pairs = tuple((v, g) for g in sorted(involved, key=str) for v in sorted(per_graph[g]))
                conflicts.append(Conflict(c_iri, node, what, pairs))
                self.add_conflict(c_iri, node, what, pairs, new_graphs,
                                  events=sorted(e for e in events_of.get(node, ()) if what == "date"))
            for v in sorted(by_value):
                gs = by_value[v]
                agreeing = {g for g in per_graph if any(_compatible(v, w, what) for w in per_graph[g])}
                if len(agreeing) > 1 and agreeing & new_graphs and gs & new_graphs:
                    corroborations.append(Corroboration(node, what, v, tuple(sorted(agreeing, key=str))))
        return conflicts, corroborations

    def add_conflict(self, c: URIRef, node: URIRef, what: str, pairs, new_graphs, events) -> None:
        said = "; ".join(f"{local(g)} says {v}" for v, g in pairs)
        name = local(node)
        for g in sorted({g for _, g in pairs} & new_graphs):
            for t in ((c, RDF.type, PD.SourceConflict), (c, PD.concerns, node),
                      (c, PD.conflictKind, PDV["conflict-two-values"]), (c, PROV.wasDerivedFrom, g),
                      (c, RDFS.comment, Literal(f"Found by kg import: the sources give more than one {what} "
                                                f"for {name}: {said}. Every value is kept with its passage.", lang="en")),
                      (c, RDFS.label, Literal(f"Sources disagree on the {what} of {name}", lang="en")),
                      (c, RDFS.label, Literal(f"Sumber berbeda tentang {_ID_WHAT[what]} {name}", lang="id"))):
                self.quads.add((*t, g))
            for _, g2 in pairs:
                self.quads.add((c, PD.conflictingStatement, g2, g))
            for e in events:
                self.quads.add((c, PD.conflictingStatement, e, g))
        self.origins[c].append("found by comparing the sources")


# what every passage that names a node may carry (docs/PROVENANCE.md, "What 'states' means"); the same
# list as queries/statement-copied-block-violation.rq
_HOUSEKEEPING = {RDF.type, RDFS.label, SKOS.altLabel, SKOS.prefLabel, PROV.wasDerivedFrom,
                 PD.hasCentralGovernment, PD.governs}


def _short(p: URIRef) -> str:
    for prefix, ns in (("pd", str(PD)), ("dcterms", str(DCTERMS)), ("rdfs", str(RDFS)), ("skos", str(SKOS))):
        if str(p).startswith(ns):
            return f"{prefix}:{str(p)[len(ns):]}"
    return str(p)


_ID_WHAT = {"date": "tanggal penandatanganan atau mulai", "status": "status", "state": "negara", "kind": "jenis"}

# An MoU is a form an agreement of any kind may take ("MoU Sister Province", Republika 2023); a sister
# relation is what a sister-city or a sister-province agreement makes. Any other two kinds differ:
# a sister province is not a cooperation agreement, a sister city not a sister province.
_KIND_OF_ANY = {"MemorandumOfUnderstanding"}
_SISTER_KINDS = {"SisterCityAgreement", "SisterProvinceAgreement"}


def _compatible(a: str, b: str, what: str) -> bool:
    """Two values can both be true: equal, or for dates one is the other at a coarser precision
    (1985 and 1985-07-16), or for kinds one is a form the other may take."""
    if what == "date":
        return a.startswith(b) or b.startswith(a)
    if what == "kind":
        return (a == b or bool({a, b} & _KIND_OF_ANY)
                or ("SisterRelation" in (a, b) and bool({a, b} & _SISTER_KINDS)))
    return a == b


def import_tables(tables: dict[str, Table], vocab: Vocabulary, *, names: Names | None = None,
                  existing: Iterable[tuple] = (), replaced_subjects: set[URIRef] | None = None,
                  source: str = "workbook") -> ImportResult:
    """Check every row and turn the rows into quads; raise `WorkbookInvalid` with every problem."""
    imp = _Importer(tables, vocab, names, list(existing), replaced_subjects or set(), source)
    imp.check_layout()
    if not imp.problems:
        imp.first_pass()
        imp.second_pass()
    if imp.problems:
        raise WorkbookInvalid(source, imp.problems)
    conflicts, corroborations = imp.compare()
    copies = imp.copied_blocks()
    quads = sorted(imp.quads, key=lambda q: (str(q[3]), str(q[0]), _pkey(q[1]), q[2].n3()))
    return ImportResult(quads, dict(imp.origins), conflicts, corroborations, source=source, copies=copies)


def _pkey(p: URIRef) -> tuple:
    return (0 if p == RDF.type else 1, str(p))


def import_workbook(path: Path, root: Path, *, names: Names | None = None, replaces: Path | None = None) -> ImportResult:
    """Read a workbook (or CSV folder) and import it against the source tree at `root`."""
    from kg.build.sources import parse_trig
    from kg.casebook.vocab import load_vocabulary

    vocab = load_vocabulary(root)
    tables = read_workbook(Path(path), vocab)
    existing: list[tuple] = []
    replaced: set[URIRef] = set()
    replaces = Path(replaces).resolve() if replaces else None
    for f in sorted((Path(root) / "data").glob("*.trig")):
        quads = parse_trig(f, root=Path(root))
        if replaces is not None and f.resolve() == replaces:
            replaced = {q[0] for q in quads if q[1] == RDF.type}
            continue
        existing.extend(quads)
    return import_tables(tables, vocab, names=names, existing=existing, replaced_subjects=replaced,
                         source=Path(path).name)


# -------------------------------------------------------------------------------------------------
# TriG, deterministic
# -------------------------------------------------------------------------------------------------
def to_trig(quads: list[tuple], origins: dict[URIRef, list[str]], source: str) -> str:
    from rdflib.namespace import NamespaceManager
    from rdflib import Graph

    nm = NamespaceManager(Graph(), bind_namespaces="none")
    for p, ns in sorted(PREFIXES.items()):
        nm.bind(p, URIRef(ns), override=True, replace=True)

    def n3(t) -> str:
        if isinstance(t, Literal):
            if t.datatype == XSD.integer:
                return f'"{t}"^^xsd:integer'
            return t.n3(nm)
        return t.n3(nm)

    lines = [f"# GENERATED by `kg import {source}`: edit the workbook and import it again rather than this file.",
             "# One GRAPH per source passage (docs/PROVENANCE.md); each block says which rows it comes from.",
             ""]
    lines += [f"@prefix {p}: <{ns}> ." for p, ns in sorted(PREFIXES.items())]
    lines.append("")
    by_graph: dict[URIRef, dict[URIRef, list[tuple]]] = defaultdict(lambda: defaultdict(list))
    for s, p, o, g in quads:
        by_graph[g][s].append((p, o))
    for g in sorted(by_graph, key=str):
        for s in sorted(by_graph[g], key=str):
            where = ", ".join(origins.get(s, []))
            if where:
                lines.append(f"# {local(s)}: {where}")
            lines.append(f"GRAPH {n3(g)} {{")
            lines.append(f"  {n3(s)}")
            pos = sorted(by_graph[g][s], key=lambda po: (_pkey(po[0]), n3(po[1])))
            for i, (p, o) in enumerate(pos):
                end = " ." if i == len(pos) - 1 else " ;"
                lines.append(f"      {'a' if p == RDF.type else n3(p)} {n3(o)}{end}")
            lines.append("}")
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"
