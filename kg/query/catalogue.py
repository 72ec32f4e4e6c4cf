"""The catalogue of canned queries: one `.rq` file a question in `queries/`.

Each file is runnable on its own (its own PREFIX lines) and starts with a header of comments:

    #+ summary: Agreements of a sub-state actor, with partner, kind, dates and status.
    #+ question-en: Which agreements has this actor signed, with whom, and what became of them?
    #+ question-id: Perjanjian apa saja yang telah dibuat aktor ini, dengan siapa, dan bagaimana nasibnya?
    #+ param: actor | iri | pdi:special-region-of-yogyakarta | the sub-state actor
    #+ tags: agreements, indonesia

`param` lines: name | type (iri, date, year, string, integer, decimal, lang) | default (empty:
unbound) | description. An IRI parameter may name the class it wants, `iri(pd:CentreRegionRelation)`:
given a name, the resolver (`kg.names`) then takes a thing of another class to the one instance of
that class linked to it (`relation=catalonia` → Catalonia's relation with Spain). `lang` is the
language of names and texts (en or id). Parameters are bound by the engine (`kg.query.embedded`), never pasted as raw text into
the text.

Roles, by name: `*-violation.rq` must return no rows on the real data or the build fails;
`construct-*.rq` derive triples; every other query is a report.

`#+ reads-provenance: no` says that the query's answer is the same without `graph/provenance` (the
statements of docs/PROVENANCE.md); the build's check then loads the dataset without that graph
(`kg.build.statement_checks.plan_check`). A query that names the graph, or `rdf:subject`,
`rdf:predicate` or `rdf:object`, cannot say so; `tests/test_statement_checks.py` asks each query
that says so with and without the graph.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Literal
from rdflib.namespace import XSD
from rdflib.term import Node

from kg.errors import QueryCatalogueError
from kg.namespaces import PREFIXES, project_root
from kg.query.lexer import prefix_declarations
from kg.terms import expand

PARAM_TYPES = {"iri", "date", "string", "integer", "decimal", "year", "lang"}
_IRI_OF_CLASS = re.compile(r"iri\(\s*([^()\s]+)\s*\)")


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    default: str | None
    description: str
    cls: str | None = None   # for type iri: the class wanted, as written (pd:CentreRegionRelation)


@dataclass
class CannedQuery:
    name: str
    path: Path
    text: str
    summary: str = ""
    question_en: str = ""
    question_id: str = ""
    params: list[Param] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    # `#+ reads-provenance: no`: the answer is the same without graph/provenance (the build's check
    # then loads the dataset without it: `kg.build.statement_checks.plan_check`)
    reads_provenance: bool = True
    _prefixes: tuple[str, dict[str, str]] | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def role(self) -> str:
        if self.name.endswith("-violation"):
            return "violation"
        if self.name.startswith("construct-"):
            return "construct"
        return "report"

    def prefixes(self) -> dict[str, str]:
        """The project's prefixes, overridden by the ones the query declares itself (read once:
        the server binds the same canned query again and again)."""
        if self._prefixes is None or self._prefixes[0] != self.text:
            self._prefixes = (self.text, {**PREFIXES, **prefix_declarations(self.text)})
        return dict(self._prefixes[1])

    def has_param(self, name: str) -> bool:
        return any(p.name == name for p in self.params)

    def bind(self, values: dict[str, str] | None = None, names=None) -> dict[str, Node]:
        """Typed RDF terms for the parameters: given values over defaults; unknown names refused.

        `names` (a `kg.names.NameIndex`): IRI parameters then take names, labels and ids too, and
        a value that names nothing in the dataset is refused with the closest names, never bound
        to an IRI that matches nothing."""
        values = dict(values or {})
        known = {p.name for p in self.params}
        unknown = set(values) - known
        if unknown:
            raise QueryCatalogueError(
                f"query {self.name!r} has no parameter {', '.join(sorted(unknown))}; "
                f"its parameters are: {', '.join(sorted(known)) or '(none)'}")
        out: dict[str, Node] = {}
        for p in self.params:
            raw = values.get(p.name, p.default)
            if raw is None or raw == "":
                continue
            out[p.name] = self._term(p, raw, names)
        return out

    def _term(self, p: Param, raw: str, names=None) -> Node:
        raw = raw.strip()
        if p.type == "iri":
            if names is not None:
                expect = expand(p.cls, self.prefixes(), what=f"class of parameter {p.name}") if p.cls else None
                return names.resolve(raw, expect=expect, what=f"parameter {p.name}", prefixes=self.prefixes())
            return expand(raw, self.prefixes(), what=f"parameter {p.name}")
        if p.type == "lang":
            from kg.names import check_lang

            return Literal(check_lang(raw))
        if p.type == "date":
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
                raise QueryCatalogueError(f"parameter {p.name}: {raw!r} is not a date; write YYYY-MM-DD")
            return Literal(raw, datatype=XSD.date)
        if p.type == "year":
            if not re.fullmatch(r"\d{4}", raw):
                raise QueryCatalogueError(f"parameter {p.name}: {raw!r} is not a year; write YYYY")
            return Literal(raw, datatype=XSD.gYear)
        if p.type == "integer":
            if not re.fullmatch(r"[+-]?\d+", raw):
                raise QueryCatalogueError(f"parameter {p.name}: {raw!r} is not an integer")
            return Literal(raw, datatype=XSD.integer)
        if p.type == "decimal":
            if not re.fullmatch(r"[+-]?\d+(\.\d+)?", raw):
                raise QueryCatalogueError(f"parameter {p.name}: {raw!r} is not a decimal number")
            return Literal(raw, datatype=XSD.decimal)
        return Literal(raw)


def parse_header(path: Path, text: str) -> CannedQuery:
    q = CannedQuery(name=path.stem, path=path, text=text)
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.startswith("#+"):
            continue
        m = re.match(r"#\+\s*([\w-]+)\s*:\s*(.*)$", line)
        if not m:
            raise QueryCatalogueError(f"{path}:{lineno}: header line not of the form '#+ key: value'")
        key, value = m.group(1).lower(), m.group(2).strip()
        if key == "summary":
            q.summary = value
        elif key == "question-en":
            q.question_en = value
        elif key == "question-id":
            q.question_id = value
        elif key == "tags":
            q.tags = [t.strip() for t in value.split(",") if t.strip()]
        elif key == "reads-provenance":
            if value not in ("yes", "no"):
                raise QueryCatalogueError(f"{path}:{lineno}: reads-provenance is 'yes' or 'no', not {value!r}")
            q.reads_provenance = value == "yes"
            if not q.reads_provenance:
                named = _PROVENANCE_TERMS.search(_code_of(text))
                if named:
                    raise QueryCatalogueError(
                        f"{path}:{lineno}: the query says it does not read graph/provenance but names "
                        f"{named.group(0)!r}, which is read there; remove the line '#+ reads-provenance: no'")
        elif key == "param":
            parts = [s.strip() for s in value.split("|")]
            if len(parts) != 4:
                raise QueryCatalogueError(
                    f"{path}:{lineno}: a param line has four fields: name | type | default | description")
            name, typ, default, desc = parts
            cls = None
            m_cls = _IRI_OF_CLASS.fullmatch(typ)
            if m_cls:
                typ, cls = "iri", m_cls.group(1)
            if typ not in PARAM_TYPES:
                raise QueryCatalogueError(
                    f"{path}:{lineno}: parameter type {typ!r} unknown; use one of {', '.join(sorted(PARAM_TYPES))}")
            q.params.append(Param(name, typ, default or None, desc, cls))
        else:
            raise QueryCatalogueError(
                f"{path}:{lineno}: unknown header key {key!r}; use summary, question-en, question-id, param, tags, "
                "reads-provenance")
    if not q.summary:
        raise QueryCatalogueError(f"{path}: the header has no '#+ summary:' line")
    return q


# what a query that reads graph/provenance names: the graph, or a statement's own predicates
_PROVENANCE_TERMS = re.compile(r"graph/provenance|\brdf:(?:subject|predicate|object)\b|"
                               r"22-rdf-syntax-ns#(?:subject|predicate|object)>")


def _code_of(text: str) -> str:
    """The query's text without its comments."""
    from kg.query.lexer import tokens

    return "".join(t.text for t in tokens(text) if t.kind != "comment")


def queries_dir(root: Path | None = None) -> Path:
    return Path(root or project_root()) / "queries"


def load_catalogue(root: Path | None = None) -> dict[str, CannedQuery]:
    """Every canned query, by name, in name order."""
    out: dict[str, CannedQuery] = {}
    for path in sorted(queries_dir(root).glob("*.rq")):
        out[path.stem] = parse_header(path, path.read_text(encoding="utf-8"))
    return out


def resolve(name_or_file: str, root: Path | None = None) -> CannedQuery:
    """A canned query by name, or any `.rq` file by path."""
    p = Path(name_or_file)
    if p.suffix == ".rq" and p.exists():
        text = p.read_text(encoding="utf-8")
        if "#+ summary:" in text:
            return parse_header(p, text)
        return CannedQuery(name=p.stem, path=p, text=text, summary="(ad-hoc query file)")
    cat = load_catalogue(root)
    if name_or_file in cat:
        return cat[name_or_file]
    import difflib

    wanted = name_or_file.lower()
    close = difflib.get_close_matches(wanted, list(cat), n=3, cutoff=0.75)
    close += [n for n in cat if wanted in n and n not in close]
    hint = f" Did you mean: {', '.join(close[:5])}?" if close else " `kg query --list` shows them all."
    raise QueryCatalogueError(f"no canned query named {name_or_file!r} and no such .rq file.{hint}")
