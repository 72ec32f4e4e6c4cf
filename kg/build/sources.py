"""Reading the source tree (ontology/, shapes/, data/) into rdflib graphs, with errors for people.

Only Turtle is read from the source tree, and TriG in data/ (docs/PROVENANCE.md: one GRAPH per
supporting passage; a triple outside every GRAPH block is refused). Turtle has no import mechanism, so parsing a source file
can never make the program fetch anything over the network or read another file on its own (unlike
JSON-LD remote contexts or RDF/XML external entities): other RDF formats found in the tree are
refused with a message saying how to fix it, rather than silently skipped.

Two parsers are available. pyoxigraph is the default first pass: it is fast and its syntax errors
carry the file, line and column. rdflib's Turtle parser is the reference and is used when asked
(`parser="rdflib"`); its `BadSyntax` carries a line number, which we turn into the same kind of
message.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator
from typing import Literal as TypingLiteral

import pyoxigraph as ox
from rdflib import Graph

from kg.errors import InputError
from kg.namespaces import PREFIXES
from kg.terms import from_oxigraph

__all__ = ["InputError", "SourceTree", "parse_turtle", "parse_trig", "load_tree", "source_files", "RDF_SUFFIXES"]

# Formats we refuse to read from the source tree (see the module docstring for why).
RDF_SUFFIXES = {".rdf", ".owl", ".xml", ".jsonld", ".json", ".nt", ".nq", ".trig", ".n3", ".ttl"}

Parser = TypingLiteral["oxigraph", "rdflib"]



@dataclass
class SourceTree:
    """The parsed sources: the ontology, the asserted data and the SHACL shapes, kept apart.

    The data is held as pyoxigraph terms (`sourced_quads`, and `plain_triples` for a .ttl data
    file), which is what the build's stages read; `data`, the same triples as an rdflib Graph, is
    made on first use only (pySHACL and the reference engines need it; at a million triples it costs
    more than a gigabyte and half a minute, so the build's other stages never ask for it)."""

    root: Path
    ontology: Graph
    shapes: Graph
    files: dict[str, list[Path]] = field(default_factory=dict)
    # the quads of data/*.trig as pyoxigraph parsed them: the graph names the supporting passage
    sourced_quads: list = field(default_factory=list)
    # the triples of data/*.ttl (no passage graph: the miniature fixture trees use them)
    plain_triples: list = field(default_factory=list)
    _data: Graph | None = field(default=None, repr=False, compare=False)

    @property
    def data(self) -> Graph:
        """The asserted data as an rdflib Graph (made on first use, then kept)."""
        if self._data is None:
            g = Graph()
            add = g.add
            for t in self.data_triples():
                add((_term(t.subject), _term(t.predicate), _term(t.object)))
            for prefix, ns in PREFIXES.items():
                g.bind(prefix, ns, override=True)
            self._data = g
        return self._data

    def data_triples(self) -> Iterator:
        """The asserted data as pyoxigraph quads or triples (anything with `subject`, `predicate`
        and `object`): a triple held by several passages comes once per passage."""
        yield from self.sourced_quads
        yield from self.plain_triples

    @property
    def sourced(self) -> list[tuple]:
        """(s, p, o, source graph) of data/*.trig, as rdflib terms."""
        return [(_term(q.subject), _term(q.predicate), _term(q.object), _term(q.graph_name))
                for q in self.sourced_quads]


def _term(t) -> object:
    try:
        return from_oxigraph(t)
    except TypeError:
        raise InputError(f"unsupported RDF term {t!r} (RDF-star triple terms are not used in this project)") from None


def _display(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return str(path.resolve().relative_to(root.resolve()))
        except ValueError:
            pass
    return str(path)


def _line_excerpt(text: str, line: int) -> str:
    lines = text.splitlines()
    if 1 <= line <= len(lines):
        return f"\n    {line} | {lines[line - 1].rstrip()}"
    return ""


def _read_utf8(path: Path, shown: str, syntax: str) -> tuple[bytes, str]:
    """The bytes of a source file and their UTF-8 text; `InputError` with the file (and line) if
    it cannot be read or is not UTF-8."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{shown}: cannot read the file ({exc.strerror})") from exc
    try:
        return raw, raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(
            f"{shown}:{line}: the file is not UTF-8 (byte 0x{raw[exc.start]:02x}); "
            f"save it as UTF-8, which {syntax} requires") from exc


def _ox_parse(raw: bytes, text: str, shown: str, fmt, syntax: str, usual_cause: str) -> list:
    """pyoxigraph's parse of a source file; a syntax error becomes an `InputError` with
    file:line:column, the line's text and what to do."""
    try:
        # no base IRI: a relative IRI in a source file is an error to report, not to resolve;
        # renamed blank nodes: `_:b1` in two files must not become one node
        return list(ox.parse(raw, format=fmt, rename_blank_nodes=True))
    except SyntaxError as exc:
        msg = exc.args[0] if exc.args else str(exc)
        line = getattr(exc, "lineno", None) or 0
        col = getattr(exc, "offset", None) or 0
        # pyoxigraph says "Parser error between line L column C and ...: what"; keep the "what"
        what = re.sub(r"^Parser error (at|between) .*?: ", "", msg)
        where = f"{shown}:{line}:{col}" if line else shown
        raise InputError(
            f"{where}: {syntax} syntax error: {what}{_line_excerpt(text, line)}\n"
            f"  fix the {syntax} at that line ({usual_cause} is the usual cause)"
        ) from exc


def parse_turtle(path: Path, *, parser: Parser = "oxigraph", root: Path | None = None,
                 into: Graph | None = None) -> Graph:
    """Parse one Turtle file into an rdflib Graph (or add it to `into`).

    Raises `InputError` naming the file, the line (and column, with pyoxigraph), the offending
    line's text and what to do, for any syntax or encoding error.
    """
    shown = _display(path, root)
    raw, text = _read_utf8(path, shown, "Turtle")
    graph = into if into is not None else Graph()
    base = f"file:///{path.name}"  # rdflib needs one; it never dereferences it
    if parser == "oxigraph":
        triples = _ox_parse(raw, text, shown, ox.RdfFormat.TURTLE, "Turtle",
                            "a missing ' .', ';' or closing quote")
        for t in triples:
            graph.add((_term(t.subject), _term(t.predicate), _term(t.object)))
        return graph
    if parser == "rdflib":
        from rdflib.plugins.parsers.notation3 import BadSyntax

        tmp = Graph()
        try:
            tmp.parse(data=text, format="turtle", publicID=base)
        except BadSyntax as exc:
            line = int(getattr(exc, "lines", 0)) + 1  # BadSyntax counts newlines before the error
            why = getattr(exc, "_why", str(exc))
            raise InputError(
                f"{shown}:{line}: Turtle syntax error: {why}{_line_excerpt(text, line)}\n"
                "  fix the Turtle at that line (a missing ' .', ';' or closing quote is the usual cause)"
            ) from exc
        except Exception as exc:  # rdflib raises plain exceptions for some errors (bad IRIs, prefixes)
            raise InputError(f"{shown}: Turtle error: {exc}") from exc
        for t in tmp:
            graph.add(t)
        return graph
    raise ValueError(f"unknown parser {parser!r}: use 'oxigraph' or 'rdflib'")


def _default_graph_line(text: str) -> int:
    """The line of the first statement outside every GRAPH block of a TriG text (0 if not found):
    a small scanner that skips IRIs, strings and comments and tracks the braces."""
    depth, i, n, line = 0, 0, len(text), 1
    start, directive = 0, False
    while i < n:
        c = text[i]
        if c == "\n":
            line += 1
        elif c == "#":
            while i < n and text[i] != "\n":
                i += 1
            continue
        elif c == "<" and re.match(r"<[^<>\"{}|^`\\\s]*>", text[i:i + 2000]):
            i = text.index(">", i) + 1
            continue
        elif c in "\"'":
            q = c * 3 if text.startswith(c * 3, i) else c
            j = i + len(q)
            while True:
                j = text.find(q, j)
                if j < 0 or text[j - 1] != "\\":
                    break
                j += 1
            j = n if j < 0 else j + len(q)
            line += text.count("\n", i, j)
            i = j
            continue
        elif c == "{":
            depth, start = depth + 1, 0
        elif c == "}":
            depth = max(0, depth - 1)
        elif depth == 0 and not c.isspace():
            if not start:
                start = line
                directive = bool(re.match(r"(@prefix|@base|PREFIX|BASE|GRAPH)\b", text[i:i + 8], re.I))
            if c == "." and (i + 1 >= n or text[i + 1].isspace()):
                if not directive:
                    return start
                start = 0
        i += 1
    return 0


def parse_trig(path: Path, *, root: Path | None = None) -> list[tuple]:
    """The quads (s, p, o, graph name) of one TriG data file, as rdflib terms.

    Every triple must sit in a GRAPH block naming its source (docs/PROVENANCE.md); a triple in the
    default graph is an `InputError` with the file and line.
    """
    return [(_term(q.subject), _term(q.predicate), _term(q.object), _term(q.graph_name))
            for q in _trig_quads(path, root)]


def _trig_quads(path: Path, root: Path | None) -> list:
    """The pyoxigraph quads of one TriG data file, every one in a named graph (see `parse_trig`)."""
    shown = _display(path, root)
    raw, text = _read_utf8(path, shown, "TriG")
    quads = _ox_parse(raw, text, shown, ox.RdfFormat.TRIG, "TriG",
                      "a missing ' .', ';', '}' or closing quote")
    for q in quads:
        if isinstance(q.graph_name, ox.DefaultGraph):
            line = _default_graph_line(text)
            where = f"{shown}:{line}" if line else shown
            raise InputError(
                f"{where}: a triple outside every GRAPH block ({q.subject} {q.predicate} {q.object})"
                f"{_line_excerpt(text, line)}\n"
                "  put it inside `GRAPH pdi:passage-... { ... }` of the passage (or reference work) "
                "that says it; see docs/PROVENANCE.md")
    return quads


def source_files(root: Path, folder: str) -> list[Path]:
    """The Turtle files of one source folder (and TriG in data/), sorted; other RDF formats are
    refused."""
    d = root / folder
    if not d.is_dir():
        return []
    out = []
    inside = root.resolve()
    for p in sorted(d.iterdir()):
        if p.is_symlink() and inside not in p.resolve().parents:
            # refused without a look at the target: its first line would land in an error message
            raise InputError(f"{folder}/{p.name}: a link to a file outside the source tree; copy the file "
                             f"into {folder}/ instead (a link could make the build read and print any file)")
        if p.name.startswith(".") or not p.is_file():
            continue
        if p.suffix == ".ttl" or (p.suffix == ".trig" and folder == "data"):
            out.append(p)
        elif p.suffix.lower() in RDF_SUFFIXES:
            raise InputError(
                f"{folder}/{p.name}: only Turtle (.ttl) is read from {folder}/. Other formats can make "
                f"a parser fetch remote contexts or expand entities; convert it to Turtle, e.g. "
                f"`rdfpipe -o turtle {p.name} > {p.stem}.ttl`, and remove the original")
    return out


def _parse_all(paths: Iterable[Path], parser: Parser, root: Path) -> Graph:
    g = Graph()
    for p in paths:
        parse_turtle(p, parser=parser, root=root, into=g)
    return g


def _parse_data(paths: Iterable[Path], parser: Parser, root: Path) -> tuple[list, list]:
    """The data files as pyoxigraph terms: (the TriG quads, the triples of .ttl files)."""
    from kg.terms import to_oxigraph

    sourced: list = []
    plain: list = []
    for p in paths:
        if p.suffix == ".trig":
            sourced.extend(_trig_quads(p, root))
        else:
            plain.extend(ox.Triple(to_oxigraph(s), to_oxigraph(pr), to_oxigraph(o))
                         for s, pr, o in parse_turtle(p, parser=parser, root=root))
    return sourced, plain


def load_tree(root: Path, *, parser: Parser = "oxigraph") -> SourceTree:
    """Parse ontology/, data/ and shapes/ of a source tree into three separate graphs (the data as
    pyoxigraph terms, and as an rdflib Graph on demand: `SourceTree.data`)."""
    root = Path(root)
    files = {f: source_files(root, f) for f in ("ontology", "data", "shapes")}
    if not files["ontology"]:
        raise InputError(f"{root / 'ontology'}: no ontology (*.ttl) found; is KG_ROOT or --root the project folder?")
    sourced, plain = _parse_data(files["data"], parser, root)
    tree = SourceTree(
        root=root,
        ontology=_parse_all(files["ontology"], parser, root),
        shapes=_parse_all(files["shapes"], parser, root),
        files=files,
        sourced_quads=sourced,
        plain_triples=plain,
    )
    _check_literals(tree, root)
    for g in (tree.ontology, tree.shapes):
        for prefix, ns in PREFIXES.items():
            g.bind(prefix, ns, override=True)
    return tree


def _check_literals(tree: SourceTree, root: Path) -> None:
    """A literal whose lexical form is wrong for its XSD datatype ("abc"^^xsd:date, "many"^^xsd:integer)
    is an error naming the file and line where the form is written (the first line holding it in
    quotes), on any property, shaped or not."""
    import logging

    from rdflib import Literal
    from rdflib.namespace import XSD

    bad = []
    quiet = logging.getLogger("rdflib.term")
    level, quiet.level = quiet.level, logging.CRITICAL  # rdflib logs a traceback for each one
    try:
        for _s, _p, o in tree.ontology:
            if isinstance(o, Literal) and o.datatype is not None and str(o.datatype).startswith(str(XSD)) \
                    and o.ill_typed:
                bad.append(o)
        # the data's literals as pyoxigraph terms: each distinct typed form is checked once (the
        # same dates and numbers recur across the data)
        xsd, xsd_string, seen = str(XSD), str(XSD.string), set()
        for t in tree.data_triples():
            o = t.object
            if type(o) is ox.Literal:
                dt = o.datatype.value
                if dt.startswith(xsd) and dt != xsd_string and o not in seen:
                    seen.add(o)
                    lit = _term(o)
                    if lit.ill_typed:
                        bad.append(lit)
    finally:
        quiet.level = level
    if not bad:
        return
    files = [p for f in ("ontology", "data") for p in tree.files.get(f, [])]
    texts = {p: p.read_text(encoding="utf-8").splitlines() for p in files}
    lines = []
    for o in sorted(set(bad), key=str)[:10]:
        where = "(not found in the files)"
        needle = '"' + str(o) + '"'
        for p, ls in texts.items():
            hit = next((i for i, line in enumerate(ls, 1) if needle in line), None)
            if hit:
                where = f"{_display(p, root)}:{hit}"
                break
        lines.append(f"  {where}: \"{o}\" is not a valid {short_xsd(o.datatype)}")
    more = f"\n  ... and {len(set(bad)) - 10} more" if len(set(bad)) > 10 else ""
    raise InputError("literals whose form is wrong for their datatype:\n" + "\n".join(lines) + more
                     + "\n  fix the value (e.g. a date as 2015-03-31) or its datatype")


def check_terms_defined(tree: SourceTree, root: Path) -> None:
    """An error for each term of the project's own vocabulary (pd:) that the data uses as a property
    or a class and the ontology does not define: most often a typo (pd:popuation), and a term with
    no definition means nothing to a reader, to SHACL or to the reasoner. (Terms of other
    vocabularies are not checked: the project does not own them.)"""
    from rdflib import URIRef
    from rdflib.namespace import RDF

    from kg.namespaces import PD

    defined = {str(s) for s in tree.ontology.subjects()}
    ns = str(PD)
    rdf_type = str(RDF.type)
    # the distinct predicates and classes first (a few hundred), then the check on their IRIs
    predicates, classes = set(), set()
    for t in tree.data_triples():
        p = t.predicate.value
        predicates.add(p)
        if p == rdf_type and type(t.object) is ox.NamedNode:
            classes.add(t.object.value)
    unknown = {URIRef(x) for x in predicates | classes if x.startswith(ns) and x not in defined}
    if not unknown:
        return
    texts = {p: p.read_text(encoding="utf-8").splitlines() for p in tree.files.get("data", [])}
    lines = []
    for term in sorted(unknown, key=str)[:10]:
        local = str(term)[len(ns):]
        where = "(not found in the files)"
        for p, ls in texts.items():
            hit = next((i for i, line in enumerate(ls, 1)
                        if re.search(rf"pd:{re.escape(local)}(?![\w-])", line) or f"<{term}>" in line), None)
            if hit:
                where = f"{_display(p, root)}:{hit}"
                break
        lines.append(f"  {where}: pd:{local} is not defined in ontology/")
    more = f"\n  ... and {len(unknown) - 10} more" if len(unknown) > 10 else ""
    raise InputError("terms of the project's vocabulary that the ontology does not define:\n" + "\n".join(lines)
                     + more + "\n  fix the spelling, or define the term in ontology/ (label, definition, domain, range)")


def short_xsd(iri) -> str:
    return "xsd:" + str(iri).rsplit("#", 1)[-1]
