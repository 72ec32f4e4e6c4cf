"""`kg template --example CASE`: the codebook filled with a case already in data/, so a researcher sees
what a filled workbook looks like, and so that importing it back must give the same facts (the round
trip is a test). One row per node and passage graph, exactly as data/*.trig keeps them."""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import RDF

from kg.casebook import codebook as cb
from kg.casebook.codebook import SHEETS, Sheet
from kg.casebook.vocab import Vocabulary, local
from kg.errors import InputError
from kg.namespaces import PD, PDI

__all__ = ["Example", "example_rows", "case_file", "covered"]


@dataclass
class Example:
    rows: dict[str, list[list[str]]]       # sheet -> rows of cells in column order
    covered: list[tuple]                   # the case's quads the rows carry
    uncovered: Counter                     # predicate -> how many of the case's triples no column carries
    source: str = ""                       # the file of data/ the rows come from


def case_file(root: Path, case: str) -> Path:
    """data/<case>.trig, by file name (yogyakarta), path, or the name of the case's actor (DI
    Yogyakarta): the file that says most about the node so named."""
    p = Path(case)
    if p.suffix == ".trig" and p.exists():
        return p
    cand = Path(root) / "data" / f"{case}.trig"
    if cand.exists():
        return cand
    from rdflib.namespace import RDFS, SKOS

    from kg.build.sources import parse_trig

    wanted = case.strip().lower()
    best: tuple[int, Path] | None = None
    for f in sorted((Path(root) / "data").glob("*.trig")):
        quads = parse_trig(f, root=Path(root))
        named = {q[0] for q in quads if q[1] in (RDFS.label, SKOS.altLabel, SKOS.prefLabel)
                 and str(q[2]).strip().lower() == wanted}
        if named:
            n = sum(1 for q in quads if q[0] in named or q[2] in named)
            if best is None or n > best[0]:
                best = (n, f)
    if best is not None:
        return best[1]
    cases = sorted(f.stem for f in (Path(root) / "data").glob("*.trig"))
    raise InputError(f"no case '{case}': give a file of data/ ({', '.join(cases)}) or the name of its actor")


def _name(t) -> str:
    s = str(t)
    if s.startswith(str(PDI)):
        return s[len(str(PDI)):]
    return "pd:" + local(t) if s.startswith(str(PD)) else local(t)


def _sheet_for(types: set, vocab: Vocabulary) -> Sheet | None:
    for sheet in SHEETS:
        if sheet.name == "works":
            continue                       # sections and works live in data/sources.trig
        under = set(vocab.classes_under(sheet.root))
        if types & under:
            return sheet
    return None


def covered(quads: list[tuple], vocab: Vocabulary) -> tuple[list[tuple], Counter]:
    ex = example_from_quads(quads, vocab)
    return ex.covered, ex.uncovered


def example_from_quads(quads: list[tuple], vocab: Vocabulary) -> Example:
    types: dict[URIRef, set] = defaultdict(set)
    for s, p, o, g in quads:
        if p == RDF.type:
            types[s].add(o)
    by_sg: dict[tuple, list[tuple]] = defaultdict(list)
    for q in quads:
        by_sg[(q[0], q[3])].append(q)
    rows: dict[str, list[list[str]]] = defaultdict(list)
    carried: list[tuple] = []
    uncovered: Counter = Counter()
    seen_subject: set = set()
    order = {s.name: i for i, s in enumerate(SHEETS)}
    keyed = []
    for (s, g), qs in by_sg.items():
        sheet = _sheet_for(types.get(s, set()), vocab)
        keyed.append((order[sheet.name] if sheet else 99, str(s), str(g), s, g, qs, sheet))
    keyed.sort(key=lambda k: k[:3])
    # the row that creates a node: its first passage graph, or for an agreement the first that names
    # two parties (a summary such as b5-13 names only DI Yogyakarta, and a new agreement needs both)
    creator: dict = {}
    for _, _, _, s, g, qs, sheet in keyed:
        if sheet is None or (sheet.name != "passages" and not str(g).startswith(str(PDI) + "passage-")):
            continue
        two = sum(1 for q in qs if q[1] == PD.party) >= 2
        if s not in creator or (two and not creator[s][1] and sheet.name == "agreements"):
            creator[s] = (g, two)
    for _, _, _, s, g, qs, sheet in keyed:
        if sheet is None or (sheet.name != "passages" and not str(g).startswith(str(PDI) + "passage-")):
            for q in qs:
                uncovered[_name(q[1])] += 1
            continue
        cells = {c.key: [] for c in sheet.columns}
        cells["id"] = [_name(s)]
        cells["new"] = ["yes" if creator[s][0] == g else "no"]
        if sheet.name != "passages":
            cells["passage"] = [_name(g)]
        under = set(vocab.classes_under(sheet.root))
        language = ""
        for q in sorted(qs, key=lambda q: (str(q[1]), q[2].n3())):
            _, p, o, _ = q
            if p == RDF.type:
                if "kind" not in cells and o == sheet.root:
                    carried.append(q)                  # passages: the type is implied by the sheet
                elif "kind" in cells and o in under and not cells["kind"]:
                    cells["kind"] = [local(o)]
                    carried.append(q)
                else:
                    uncovered["rdf:type"] += 1
                continue
            col = _column_for(sheet, p, o)
            if col is None:
                uncovered[_name(p)] += 1
                continue
            if col.key == "passage":
                if o == g:
                    carried.append(q)
                else:
                    uncovered[_name(p)] += 1
                continue
            if col.value == cb.SECTION:
                cells[col.key].append(_name(o))
            elif col.value in (cb.CONCEPT, cb.CONCEPTS):
                cells[col.key].append(local(o))
            elif col.value in (cb.NAME, cb.NAMES):
                if cells[col.key] and not col.multi:
                    uncovered[_name(p)] += 1
                    continue
                cells[col.key].append(_name(o))
            elif col.key == "alt_labels":
                cells[col.key].append(f"{o}@{o.language}")
            elif col.value in (cb.TEXT, cb.TEXTS):
                if cells[col.key] and not col.multi:
                    uncovered[_name(p)] += 1
                    continue
                if col.lang is None:
                    if language and o.language != language:
                        uncovered[_name(p)] += 1
                        continue
                    language = o.language
                cells[col.key].append(str(o))
            else:
                if cells[col.key]:
                    uncovered[_name(p)] += 1
                    continue
                cells[col.key].append(str(o))
            carried.append(q)
        if "language" in cells and language:
            cells["language"] = [language]
        sep = {c.key: (cb.TEXT_SEPARATOR if c.value == cb.TEXTS else cb.LIST_SEPARATOR + " ") for c in sheet.columns}
        rows[sheet.name].append([sep[c.key].join(cells[c.key]) for c in sheet.columns])
    return Example(dict(rows), carried, uncovered)


def _column_for(sheet: Sheet, p: URIRef, o) -> cb.Column | None:
    for col in sheet.columns:
        if col.predicate != p:
            continue
        if col.value in (cb.TEXT, cb.TEXTS) and col.lang and (not isinstance(o, Literal) or o.language != col.lang):
            continue
        if col.key == "alt_labels" and not (isinstance(o, Literal) and o.language):
            continue
        return col
    return None


def example_rows(root: Path, case: str, vocab: Vocabulary) -> Example:
    from kg.build.sources import parse_trig

    f = case_file(root, case)
    ex = example_from_quads(parse_trig(f, root=Path(root)), vocab)
    ex.source = f"data/{f.name}"
    return ex
