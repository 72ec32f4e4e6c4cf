"""The `queries/*-violation.rq` checks: queries that must return no rows (or ASK false) on the
built dataset, or the build fails. They run on the canonical dataset, inferences included, after
SHACL and reasoning (`kg.build.pipeline`)."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from itertools import compress
from operator import itemgetter, methodcaller
from typing import Iterable

from kg.terms import short

__all__ = ["ViolationQueryFailure", "run_violation_queries", "LINEAR_CHECKS", "BUILD_LINEAR", "linear_results"]


@dataclass
class ViolationQueryFailure:
    name: str
    variables: list[str]
    rows: list[dict]
    summary: str = ""

    def __str__(self) -> str:
        lines = [f"queries/{self.name}.rq returned {len(self.rows)} row(s); it must return none:"]
        if self.summary:
            lines.append(f"  ({self.summary}; the query's comments say how to fix the data)")
        for row in self.rows[:20]:
            lines.append("    " + "  ".join(f"{v}={short(row.get(v))}" for v in self.variables))
        if len(self.rows) > 20:
            lines.append(f"    ... and {len(self.rows) - 20} more")
        return "\n".join(lines)


def run_violation_queries(engine, queries: Iterable[tuple], linear: dict | None = None) -> list[ViolationQueryFailure]:
    """Run each (name, text[, summary]) violation query on `engine`; the ones that returned rows.
    A query whose name is in `linear` (`linear_results` of the canonical dataset, or the dataset
    itself: its LINEAR_CHECKS are then evaluated) is not run: its rows are the linear ones."""
    from kg.query.embedded import SelectResult

    queries = list(queries)
    if linear is not None and not isinstance(linear, dict):
        linear = linear_results(linear, [q[0] for q in queries if q[0] in BUILD_LINEAR])
    linear = linear or {}
    failures = []
    for name, text, *rest in queries:
        summary = rest[0] if rest else ""
        if name in linear:
            if linear[name].rows:
                failures.append(ViolationQueryFailure(name, linear[name].variables, linear[name].rows, summary))
            continue
        res = engine.query(text)
        if isinstance(res, SelectResult):
            if res.rows:
                failures.append(ViolationQueryFailure(name, res.variables, res.rows, summary))
        elif res is True:  # an ASK violation query: true means the problem exists
            failures.append(ViolationQueryFailure(name, [], [{}], summary))
    return failures


# --- linear checks -------------------------------------------------------------------------------
# Two violation queries read graph/provenance whole (4.4M of the 5.6M quads at a million asserted
# triples) and cost most of the check stage on pyoxigraph. The build evaluates them instead in one
# pass over the canonical dataset's sorted N-Quads text (`CanonicalDataset.chunks`), giving the rows
# the query gives (same variables, values, order); the query files stay the canned queries for users
# and remote stores. N-Quads lines here are canonical (written by pyoxigraph: one text per term), so
# equal term texts are equal terms.

_G = "https://w3id.org/paradiplomacy/graph/"
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_PROV_SUFFIX = f" <{_G}provenance> .".encode()
_DATA_SUFFIX = f" <{_G}data> .".encode()
_SUBJECT, _PREDICATE, _OBJECT = (f"<{_RDF}{n}>".encode() for n in ("subject", "predicate", "object"))
_DERIVED = b"<http://www.w3.org/ns/prov#wasDerivedFrom>"
_STATEMENT = b"<https://w3id.org/paradiplomacy/statement/"
_ST_LEN = len(_STATEMENT) + 40 + 1  # a statement IRI the build makes: the SHA-1 of its triple, in hex
_TYPE_STATEMENT = f"<{_RDF}type> <{_RDF}Statement>".encode()

_CONFLICT = (f" <{_RDF}type> <https://w3id.org/paradiplomacy/ontology#SourceConflict> <").encode()
_PASSAGE = "https://w3id.org/paradiplomacy/id/passage-"
# the predicates statement-copied-block-violation does not count (its NOT IN lists)
_HOUSEKEEPING = frozenset(f"<{i}>".encode() for i in (
    f"{_RDF}type", "http://www.w3.org/2000/01/rdf-schema#label", "http://www.w3.org/2004/02/skos/core#altLabel",
    "http://www.w3.org/2004/02/skos/core#prefLabel", "http://www.w3.org/ns/prov#wasDerivedFrom",
    "https://w3id.org/paradiplomacy/ontology#hasCentralGovernment", "https://w3id.org/paradiplomacy/ontology#governs"))


@dataclass
class LinearResult:
    """A linear check's answer: the query's variables and rows (rdflib terms), in its order."""
    variables: list[str]
    rows: list[dict]


_key = hash
# a triple's text as a 64-bit key (Python's hash of the bytes, SipHash): two different triples
# share one with odds of about n²/2⁶⁵ in a build (4e-8 at a million statements), which could only
# hide a missing statement


def _term(text: bytes):
    """The rdflib term of an N-Triples term text."""
    import pyoxigraph as ox

    from kg.terms import from_oxigraph

    q = next(iter(ox.parse(b"<urn:x:s> <urn:x:p> " + text + b" .\n", format=ox.RdfFormat.N_TRIPLES)))
    return from_oxigraph(q.object)


def _str(text: bytes) -> str | None:
    """SPARQL's STR of a term text: an IRI's IRI, a literal's lexical form; None for a blank node."""
    if text.startswith(b"<"):
        return text[1:-1].decode("utf-8")
    if text.startswith(b'"'):
        return str(_term(text))
    return None


def _ordered(variables: list[str], rows: list[tuple]) -> list[dict]:
    """`rows` (tuples of N-Triples term texts) as the query gives them: its terms as a pyoxigraph
    store holds them (a number, a date or a boolean in its canonical form, a blank node relabelled)
    as rdflib terms, in the order of its ORDER BY over `variables` (a small store of the rows,
    queried with that ORDER BY)."""
    import pyoxigraph as ox

    from kg.terms import from_oxigraph

    if not rows:
        return []
    text = b"".join(b"<urn:x:row:%d> <urn:x:col:%d> %s .\n" % (i, j, t)
                    for i, row in enumerate(rows) for j, t in enumerate(row))
    store = ox.Store()
    store.load(text, format=ox.RdfFormat.N_TRIPLES)
    pattern = " ".join(f"?r <urn:x:col:{j}> ?{v} ." for j, v in enumerate(variables))
    order = " ".join(f"?{v}" for v in variables)
    return [{v: from_oxigraph(sol[v]) for v in variables}
            for sol in store.query(f"SELECT ?r {order} WHERE {{ {pattern} }} ORDER BY {order}")]


def _normal(bodies: list[bytes]) -> list[bytes]:
    """The triples `bodies` ("s p o" texts) with their object as a pyoxigraph store holds it (the
    store writes a typed literal of a number, a date, a boolean in its canonical form: "01" and "1"
    are one xsd:integer there), in their order. Subjects and predicates (IRIs, blank nodes) are
    kept as they are."""
    import pyoxigraph as ox

    if not bodies:
        return []
    parts = [b.split(b" ", 2) for b in bodies]
    store = ox.Store()
    store.load(b"".join(b"<urn:x:%d> <urn:x:o> %s .\n" % (i, sp[2]) for i, sp in enumerate(parts)),
               format=ox.RdfFormat.N_TRIPLES)
    out: list[bytes] = [b""] * len(bodies)
    for q in store:
        i = int(q.subject.value[6:])
        out[i] = b"%s %s %s" % (parts[i][0], parts[i][1], str(q.object).encode("utf-8"))
    return out


def _passage(d: bytes) -> bool:
    """Whether STR of the term `d` (not an IRI of a passage) starts as a passage's IRI: a literal."""
    return d.startswith(b'"') and (_str(d) or "").startswith(_PASSAGE)


def _retyped(o: bytes) -> bool:
    """Whether the store may write the literal `o` otherwise (a typed or language-tagged one)."""
    return o.startswith(b'"') and not o.endswith(b'"')


class _Statements:
    """The statements of graph/provenance fed as their lines (suffix stripped), in sorted order, in
    any number of batches: `flush(subjects, predicates, objects, derived)` is called with each
    statement's values (term texts) once all its lines are read (a statement's lines are adjacent,
    as they share their subject)."""

    def __init__(self, flush):
        self._flush, self._current, self._parts = flush, None, None

    def feed(self, lines: list[bytes]) -> None:
        for line in lines:
            i = line.index(b" ")
            st = line[:i]
            if st != self._current:
                self.close()
                self._current, self._parts = st, ([], [], [], [])
            j = line.index(b" ", i + 1)
            p = line[i + 1:j]
            if p == _SUBJECT:
                self._parts[0].append(line[j + 1:])
            elif p == _PREDICATE:
                self._parts[1].append(line[j + 1:])
            elif p == _OBJECT:
                self._parts[2].append(line[j + 1:])
            elif p == _DERIVED:
                self._parts[3].append(line[j + 1:])

    def close(self) -> None:
        if self._parts is not None:
            self._flush(*self._parts)
            self._current, self._parts = None, None


def _whole(text: bytes) -> tuple[bytes, bytes]:
    """`text` (sorted lines, each ending with a newline) split before the lines of its last
    subject, which may go on in the next chunk."""
    if not text:
        return text, b""
    begin = text.rfind(b"\n", 0, len(text) - 1) + 1
    subject = b"\n" + text[begin:text.index(b" ", begin) + 1]
    while begin > 0:
        k = text.rfind(b"\n", 0, begin - 1) + 1
        if not (b"\n" + text[k:k + len(subject) - 1]) == subject:
            break
        begin = k
    return text[:begin], text[begin:]


def _lines_of(chunk: bytes, suffix: bytes) -> list[bytes] | None:
    """The lines of `chunk` that end with `suffix` (a graph's), without it; None if there are none."""
    if suffix + b"\n" not in chunk:
        return None
    n = len(suffix)
    return [l[:-n] for l in chunk.split(b"\n") if l.endswith(suffix)]


class _Pass:
    """What the two linear checks need, read in one pass over the sorted lines: the keys of the
    triples graph/provenance states, the asserted triples' keys, each statement's subjects, counted
    predicates and passages, and the pd:SourceConflict nodes.

    Memory: a 64-bit key per statement (a set of ints: about 60 bytes each, 50 MB at a million),
    one per asserted triple (a list: 40 bytes each), and a count per (node, passage) pair."""

    def __init__(self, chunks):
        self.chunks = chunks
        self.stated: set[int] = set()      # keys of the (s p o) of graph/provenance's statements
        self.conflicts: set[bytes] = set()
        # statement-copied-block: per (s, passage) the number of statements about s with a counted
        # predicate derived from that passage; per (s, passage1, passage2) those derived from both,
        # and the query's COUNT (statements x counted predicates)
        self.size: Counter = Counter()
        self.both: dict[tuple, list] = {}
        # the keys of the asserted triples, by chunk: compared once the statements are read (their
        # lines sort after the data's, mostly)
        data: list[tuple] = []
        statements = _Statements(self._statement)
        carry = b""  # the lines of the last subject of a chunk, read with the next
        for number, chunk in enumerate(chunks):
            start = 0
            while (k := chunk.find(_CONFLICT, start)) >= 0:
                subject = chunk[chunk.rfind(b"\n", 0, k) + 1:k]
                if b" " not in subject:
                    self.conflicts.add(subject)
                start = k + 1
            if (lines := _lines_of(chunk, _DATA_SUFFIX)) is not None:
                data.append((number, list(map(_key, lines))))
            if _PROV_SUFFIX + b"\n" in chunk:
                text, carry = _whole(carry + chunk)
                if not self._regular(text):
                    statements.feed(_lines_of(text, _PROV_SUFFIX) or [])
                    statements.close()
        if carry and not self._regular(carry):
            statements.feed(_lines_of(carry, _PROV_SUFFIX) or [])
            statements.close()
        stated = self.stated
        # the asserted triples with no statement of the same text; then, as the store compares
        # terms, those of them whose literal the store writes otherwise are looked for again
        self.unstated: list[bytes] = []
        for number, keys in data:
            if any(k not in stated for k in keys):
                self.unstated += [b for b in _lines_of(chunks[number], _DATA_SUFFIX) if _key(b) not in stated]
        retyped = [b for b in self.unstated if _retyped(b.split(b" ", 2)[2])]
        if retyped:
            found = set(map(_key, _normal(retyped)))
            normal = set()

            def flush(subjects, predicates, objects, derived):
                bodies = [b"%s %s %s" % (s, p, o) for s in subjects for p in predicates for o in objects if _retyped(o)]
                normal.update(k for k in map(_key, _normal(bodies)) if k in found)

            again = _Statements(flush)
            for chunk in chunks:
                if (lines := _lines_of(chunk, _PROV_SUFFIX)) is not None:
                    again.feed(lines)
            again.close()
            covered = {b for b, n in zip(retyped, _normal(retyped)) if _key(n) in normal}
            self.unstated = [b for b in self.unstated if b not in covered]

    def _regular(self, text: bytes) -> bool:
        """Read `text` (whole statements' lines, each ending with a newline) if all its lines are
        statements of graph/provenance as the build writes them: IRIs of one length, each with one
        rdf:subject, rdf:predicate, rdf:object, type rdf:Statement and prov:wasDerivedFrom lines;
        with operations over lists (in C) rather than a step per line. False (nothing read) if they
        are not."""
        n, k, cut = _ST_LEN, _ST_LEN + 1, -len(_PROV_SUFFIX)
        lines = text.split(b"\n")
        if lines and not lines[-1]:
            lines.pop()
        if not lines:
            return True
        if (text.count(_PROV_SUFFIX + b"\n") != len(lines) or (b"\n" + text).count(b"\n" + _STATEMENT) != len(lines)
                or not all(map(methodcaller("startswith", b"> <", n - 1), lines))):
            return False

        def kind(predicate, among):
            return map(methodcaller("startswith", predicate + b" ", k), among)

        # a statement's lines sort as rdf:object, rdf:predicate, rdf:subject, rdf:type, then its
        # prov:wasDerivedFrom lines: its object line is followed by the three others
        at = list(compress(range(len(lines)), kind(_OBJECT, lines)))
        obj = list(map(lines.__getitem__, at))
        pred = list(map(lines.__getitem__, map((1).__add__, at)))
        subj = list(map(lines.__getitem__, map((2).__add__, at)))
        typed = list(map(lines.__getitem__, map((3).__add__, at)))
        der = list(compress(lines, kind(_DERIVED, lines)))
        head = itemgetter(slice(0, n))
        names = list(map(head, obj))
        if (not at or 4 * len(at) + len(der) != len(lines) or at[-1] + 3 >= len(lines) or not all(kind(_PREDICATE, pred))
                or not all(kind(_SUBJECT, subj)) or not all(kind(_TYPE_STATEMENT, typed))
                or len(set(names)) != len(names) or names != list(map(head, pred)) or names != list(map(head, subj))
                or names != list(map(head, typed))):
            return False
        subjects = list(map(itemgetter(slice(k + len(_SUBJECT) + 1, cut)), subj))
        predicates = list(map(itemgetter(slice(k + len(_PREDICATE) + 1, cut)), pred))
        objects = map(itemgetter(slice(k + len(_OBJECT) + 1, cut)), obj)
        self.stated.update(map(_key, map(b" ".join, zip(subjects, predicates, objects))))
        # statement-copied-block: the passages of each statement with a counted predicate
        about = {name: s for name, s, p in zip(names, subjects, predicates) if p not in _HOUSEKEEPING}
        passage = b"<" + _PASSAGE.encode()
        pairs = [(name, (about[name], d)) for name, d in zip(map(head, der), map(itemgetter(slice(k + len(_DERIVED) + 1, cut)), der))
                 if name in about and (d.startswith(passage) or _passage(d))]
        self.size.update(x for _name, x in pairs)
        many = [name for name, c in Counter(name for name, _x in pairs).items() if c > 1]
        if many:
            by = {}
            for name, (s, d) in pairs:
                by.setdefault(name, []).append(d)
            for name in many:
                self._pairs(about[name], by[name], 1)
        return True

    def _pairs(self, s: bytes, derived: list[bytes], counted: int) -> None:
        passages = sorted((_str(d), d) for d in derived)
        both = self.both
        for a in range(len(passages)):
            for b in range(a + 1, len(passages)):
                if passages[a][0] < passages[b][0]:
                    entry = both.setdefault((s, passages[a][1], passages[b][1]), [0, 0])
                    entry[0] += 1
                    entry[1] += counted

    def _statement(self, subjects, predicates, objects, derived) -> None:
        if not subjects or not predicates:
            return
        for s in subjects:
            for p in predicates:
                for o in objects:
                    self.stated.add(_key(b"%s %s %s" % (s, p, o)))
        counted = sum(1 for p in predicates if p not in _HOUSEKEEPING)
        if not counted or not derived:
            return
        passages = sorted({(_str(d), d) for d in derived if d.startswith(b"<" + _PASSAGE.encode())
                           or (d.startswith(b'"') and (_str(d) or "").startswith(_PASSAGE))})
        size, both = self.size, self.both
        for s in subjects:
            for _v, d in passages:
                size[(s, d)] += 1
            for a in range(len(passages)):
                for b in range(a + 1, len(passages)):
                    if passages[a][0] < passages[b][0]:
                        entry = both.setdefault((s, passages[a][1], passages[b][1]), [0, 0])
                        entry[0] += 1
                        entry[1] += counted


def statement_provenance_rows(p: _Pass) -> LinearResult:
    """queries/statement-provenance-violation.rq: the asserted triples with no statement."""
    import pyoxigraph as ox

    rows = []
    for body in p.unstated:
        q = next(iter(ox.parse(body + b" .\n", format=ox.RdfFormat.N_TRIPLES)))
        rows.append(tuple(str(t).encode("utf-8") for t in (q.subject, q.predicate, q.object)))
    variables = ["s", "p", "o"]
    return LinearResult(variables, _ordered(variables, rows))


def statement_copied_block_rows(p: _Pass) -> LinearResult:
    """queries/statement-copied-block-violation.rq: (s, passage1, passage2) whose counted statements
    about s are the same set (each derived from both), two or more (COUNT), s no pd:SourceConflict."""
    rows = []
    for (s, d1, d2), (n_both, count) in p.both.items():
        if count >= 2 and p.size[(s, d1)] == n_both == p.size[(s, d2)] and s not in p.conflicts:
            rows.append((s, d1, d2, b'"%d"^^<http://www.w3.org/2001/XMLSchema#integer>' % count))
    return LinearResult(["s", "passage1", "passage2", "statements"],
                        _ordered(["s", "passage1", "passage2", "statements"], rows))


# The checks the build evaluates linearly (`run_violation_queries` given the dataset): none for
# now. Measured at a million asserted triples (bench/bench_checks.py --root /work/m1, one run, a
# loaded 2-core machine), the one pass costs 16.8 s CPU against 7.0 s for the two SPARQL queries on
# pyoxigraph (3.3 + 3.7 s): its steps a line, in Python, cost more than pyoxigraph's joins in Rust.
# The rows are the queries' (tests/test_checks_linear.py); add a name here to use it.
BUILD_LINEAR: set[str] = set()

LINEAR_CHECKS = {
    "statement-provenance-violation": statement_provenance_rows,
    "statement-copied-block-violation": statement_copied_block_rows,
}


def linear_results(cds, names: Iterable[str] | None = None) -> dict[str, LinearResult]:
    """The rows of the LINEAR_CHECKS among `names` (all by default) on the canonical dataset `cds`,
    from one pass over its sorted N-Quads text."""
    wanted = [n for n in (LINEAR_CHECKS if names is None else names) if n in LINEAR_CHECKS]
    if not wanted:
        return {}
    p = _Pass(cds.chunks)
    return {n: LINEAR_CHECKS[n](p) for n in wanted}
