"""The two checks of `graph/provenance` that the build answers from its own making of that graph,
so that the check stage's store can be loaded without it.

The build makes `graph/provenance` itself (`kg.build.provenance.data_and_provenance_chunks`): one
statement for each distinct triple of a passage's GRAPH block, derived from every passage whose
block holds it. Two violation queries read that graph, and at ~1M triples it is 3.6 of the
dataset's 4.8 million quads: loading it into the check's store cost ~9 s of CPU and ~2 GB (the
whole check 12.0 s against 2.7 s without it, 2.9 GB against 0.7 GB, `bench/bench_check.py`),
and the two queries another ~5 s. Their answers are known to the build before any store is made:

- `statement-provenance-violation` (an asserted triple with no statement): the triples of `graph/data`
  that no passage's block holds, which are the triples of the .ttl files (`plain_triples`) not
  also in a block (`unstated`);
- `statement-copied-block-violation` (two passages holding the same block of statements about a node):
  for each subject, the passages (`.../id/passage-...`) whose statements about it, those of the
  predicates the query leaves out set aside, are the same set of at least two (`copied_candidates`),
  the rows the query finds before its last filter, `FILTER NOT EXISTS { ?s a pd:SourceConflict }`.

Each answer goes to the check as a query of its own under the query's name (`answer_texts`): the
rows in a VALUES block, ordered as the query orders them, and for the copied blocks that last
filter, which reads types (asserted or inferred) that the check's store holds. A failure is then
reported by the check exactly as the query's own would be.

`plan_check` uses this only where it is exact: the dataset's provenance is the build's block of
statements in one piece (`CanonicalDataset.whole`, no blank node in the data), every other
violation query declares `#+ reads-provenance: no` (its answer is the same without that graph),
and each of the two queries' text is the one these answers were proven equal to (`PINNED`: the
SHA-1 of its compacted text; an edited query is run as it is, on the whole dataset). Otherwise the
check loads everything and runs every query, as before. `tests/test_statement_checks.py` proves the
answers equal to the queries' on trees with copied blocks and .ttl triples.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from itertools import combinations

from kg.namespaces import GRAPH_PROVENANCE, PD, PREFIXES

__all__ = ["StatementAnswers", "copied_candidates", "unstated", "answer_texts", "plan_check", "PINNED",
           "query_pin"]

UNSTATED, COPIED = "statement-provenance-violation", "statement-copied-block-violation"

# the SHA-1 of each query's compacted text (`kg.query.recognise.compact`: comments and runs of white
# space made one space) that the answers here were proven equal to; a query edited since is run as
# it is (update the answer here, run tests/test_statement_checks.py, then this pin)
PINNED = {
    UNSTATED: "e08f599059b991b9cbcf30e8a4eb244f4ebf98a9",
    COPIED: "68385a38de416f206da6319fb72a37b465bde524",
}

# the predicates statement-copied-block-violation leaves out, and the passages it compares
_LEFT_OUT = frozenset(f"<{iri}>".encode() for iri in (
    PREFIXES["rdf"] + "type", PREFIXES["rdfs"] + "label", PREFIXES["skos"] + "altLabel",
    PREFIXES["skos"] + "prefLabel", PREFIXES["prov"] + "wasDerivedFrom", str(PD.hasCentralGovernment),
    str(PD.governs)))
_PASSAGE = f"<{PREFIXES['pdi']}passage-".encode()


@dataclass
class StatementAnswers:
    """The build's answers: `unstated`, N-Triples bodies (`S P O`, UTF-8) of the asserted triples
    with no statement; `copied`, (subject, passage 1, passage 2, statements) with the terms in
    N-Triples form (UTF-8), before the query's SourceConflict filter."""

    unstated: list = field(default_factory=list)
    copied: list = field(default_factory=list)


def copied_candidates(rows) -> list[tuple[bytes, bytes, bytes, int]]:
    """From the provenance's rows (statement hash, source, triple body `S P O`, the offsets of the
    body's two separating spaces; `data_and_provenance_chunks` makes one for each quad of the data
    files): each subject's passages whose statements about it (of the predicates not left out) are
    one same set of at least two, as pairs (passage 1 before passage 2 as strings), with that set's
    size. Sorted by subject and passages; a subject's work is its own statements'."""
    keys = [(body[:i], source, hexd) for hexd, source, body, i, j in rows
            if source.startswith(_PASSAGE) and body[i + 1:j] not in _LEFT_OUT]
    keys.sort()
    out: list[tuple[bytes, bytes, bytes, int]] = []
    n, k = len(keys), 0
    while k < n:
        subject = keys[k][0]
        end = k
        while end < n and keys[end][0] == subject:
            end += 1
        if keys[end - 1][1] != keys[k][1]:  # two passages or more say something about it
            by_passage: dict[bytes, set] = {}
            for _s, source, hexd in keys[k:end]:
                by_passage.setdefault(source, set()).add(hexd)
            by_set: dict[frozenset, list] = {}
            for source, hashes in by_passage.items():
                if len(hashes) >= 2:
                    by_set.setdefault(frozenset(hashes), []).append(source)
            for hashes, sources in by_set.items():
                # the query orders the pair by STR(): the IRIs without their brackets
                for a, b in combinations(sorted(sources, key=lambda x: x[1:-1]), 2):
                    out.append((subject, a, b, len(hashes)))
        k = end
    out.sort(key=lambda r: (r[0], r[1][1:-1], r[2][1:-1]))
    return out


def unstated(plain_text: bytes, data_lines) -> list[bytes] | None:
    """The bodies (`S P O`) of the lines of `plain_text` (N-Quads of `graph/data`, the .ttl files'
    triples) that are not among `data_lines` (the data files' lines in `graph/data`, each of which
    has a statement): the asserted triples with no statement; None if a line holds a blank node
    (its label is not the canonical one yet)."""
    if not plain_text:
        return []
    if b"_:" in plain_text:
        return None
    lines = plain_text.split(b"\n")
    lines.pop()
    stated = set(data_lines)
    end = len(lines[0]) - lines[0].rindex(b" <") if lines else 0  # ` <graph/data> .`
    return sorted({line[:-end] for line in lines if line not in stated})


def _values(rows, width: int) -> str:
    return " ".join("(" + " ".join(t.decode("utf-8") if isinstance(t, bytes) else str(t) for t in row[:width]) + ")"
                    for row in rows)


def answer_texts(answers: StatementAnswers) -> dict[str, str]:
    """The build's answers as queries of their own, by the query's name (none for an answer with no
    row): their rows in a VALUES block, projected and ordered as the query projects and orders
    them."""
    out = {}
    if answers.unstated:
        rows = [body.split(b" ", 2) for body in answers.unstated]
        out[UNSTATED] = ("SELECT ?s ?p ?o WHERE { VALUES (?s ?p ?o) { " + _values(rows, 3) + " } }\n"
                         "ORDER BY ?s ?p ?o\n")
    if answers.copied:
        out[COPIED] = (f"PREFIX pd: <{PD}>\n"
                       "SELECT ?s ?passage1 ?passage2 ?statements WHERE {\n"
                       "  VALUES (?s ?passage1 ?passage2 ?statements) { " + _values(answers.copied, 4) + " }\n"
                       "  FILTER NOT EXISTS { ?s a pd:SourceConflict }\n}\n"
                       "ORDER BY ?s ?passage1 ?passage2\n")
    return out


def query_pin(text: str) -> str:
    """The SHA-1 of a query's compacted text (`PINNED`)."""
    from kg.query.recognise import compact

    return hashlib.sha1(compact(text).encode("utf-8")).hexdigest()


def plan_check(cds, violations: list) -> tuple[list, list]:
    """What the check loads and runs: (the chunks of the canonical text, the violation queries as
    (name, text, summary)). `violations`: (name, text, summary, reads provenance). With the build's
    answers (`cds.statement_answers`) and the provenance in one piece, the chunks without it and
    the two queries' answers in their place; else all the chunks and every query."""
    plain = [tuple(v[:3]) for v in violations]
    answers = getattr(cds, "statement_answers", None)
    whole = cds.whole
    if answers is None or whole is None or whole[2] != f" <{GRAPH_PROVENANCE}> .\n".encode("utf-8"):
        return cds.chunks, plain
    for name, text, _summary, reads in violations:
        if name in PINNED:
            if query_pin(text) != PINNED[name]:
                return cds.chunks, plain
        elif reads:
            return cds.chunks, plain
    if cds.count(GRAPH_PROVENANCE) != whole[3]:  # a line of the graph outside the block
        return cds.chunks, plain
    texts = answer_texts(answers)
    run = [(name, texts[name] if name in PINNED else text, summary) for name, text, summary in plain
           if name not in PINNED or name in texts]
    start, stop = whole[0], whole[1]
    return cds.chunks[:start] + cds.chunks[stop:], run
