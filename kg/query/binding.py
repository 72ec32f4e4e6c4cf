"""Parameters bound by a VALUES block, for engines that take no pre-bound variables (remote
endpoints): where the block must go, and each value written as safe SPARQL text.

The embedded engines pre-bind a parameter wherever it occurs (pyoxigraph substitutes it, rdflib's
initBindings seed every pattern). One trailing `VALUES` after the solution modifiers is joined
only after the query's FILTERs ran, so a parameter used only in a filter (`FILTER(?date >= ?since)`)
would be unbound there; one block in the outermost group is still not seen inside a UNION branch or
OPTIONAL, which SPARQL evaluates bottom-up (Oxigraph server is strict here, Virtuoso is not). A block
at the start of the outermost group and of every group graph pattern (OPTIONAL, UNION branches,
GRAPH, EXISTS, MINUS, sub-SELECT WHERE) that mentions the parameter, itself or in a group within it,
gives each pattern and filter the value, so the answer equals the embedded engines'. The branches
of a UNION count as one group (all get the block if one mentions the parameter): Virtuoso 7.2
otherwise drops the rows of a branch without it.

A group that never mentions the parameter gets no block: its solutions do not bind the variable,
so they join with the outer group's (where it is bound to the one value) as they would with the
value bound in them; and a block there would make it a cross product of everything it matches with
the value, computed apart before the join. Measured on the Oxigraph server at 10x (one run, best
of five, the same answers): `statement-sources` 14.8 ms with a block in every group, 2.1 ms with
blocks where mentioned; `provenance-of` 12.1 and 1.6 ms; `relation-evidence` 32.6 and 17.8 ms; the
22 canned queries with parameters 466 and 450 ms.
Known gaps: `BOUND(?param)` is true here and in rdflib but false in pyoxigraph (it substitutes
around BOUND); a MINUS whose pattern holds the parameter shares that variable with the left side.
"""
from __future__ import annotations

import re
from typing import Mapping

from rdflib import Literal, URIRef
from rdflib.term import Node

from kg.errors import QueryError
from kg.query.lexer import significant, tokens
from kg.terms import IRI_FORBIDDEN, XSD_STRING

__all__ = ["bind_with_values", "inline_terms", "sparql_term"]

_VAR = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_LANG = re.compile(r"^[A-Za-z]+(-[A-Za-z0-9]+)*$")


def sparql_term(term: Node) -> str:
    """A term as SPARQL text, escaped here rather than trusted: the safe serialisation for VALUES."""
    if isinstance(term, URIRef):
        if IRI_FORBIDDEN.search(str(term)):
            raise QueryError(f"cannot bind {str(term)!r}: not a valid IRI (spaces, quotes or <> in it)")
        return f"<{term}>"
    if isinstance(term, Literal):
        lex = (str(term).replace("\\", "\\\\").replace('"', '\\"')
               .replace("\n", "\\n").replace("\r", "\\r"))
        if term.language:
            if not _LANG.match(term.language):
                raise QueryError(f"cannot bind a literal with language tag {term.language!r}")
            return f'"{lex}"@{term.language}'
        if term.datatype is not None and str(term.datatype) != XSD_STRING:
            return f'"{lex}"^^{sparql_term(URIRef(term.datatype))}'
        return f'"{lex}"'
    raise QueryError(f"cannot bind {term!r} on a remote endpoint: only IRIs and literals can be sent")


def _group_braces(text: str) -> list[int] | None:
    """Offsets just after each `{` that opens a group graph pattern (WHERE, OPTIONAL, UNION
    branches, GRAPH, EXISTS, MINUS, sub-SELECT WHERE), skipping CONSTRUCT templates, VALUES data
    blocks and the brace that wraps a sub-SELECT (which may hold nothing before SELECT).
    None when there is no group a VALUES block can go into (DESCRIBE <x>; CONSTRUCT WHERE {..},
    whose braces are a template too)."""
    toks = [t for t in tokens(text) if t.kind not in ("ws", "comment")]
    found: list[int] = []
    values_pending = template_pending = False
    for i, t in enumerate(toks):
        up = t.text.upper() if t.kind == "word" else ""
        nxt = toks[i + 1].text.upper() if i + 1 < len(toks) else ""
        if up == "VALUES":
            values_pending = True
        elif up == "CONSTRUCT":
            if nxt == "WHERE":
                return None
            template_pending = True
        elif t.text == "{" and t.kind == "punct":
            if values_pending:
                values_pending = False
            elif template_pending:
                template_pending = False
            elif nxt != "SELECT":
                found.append(t.end)
    return found or None


def _mentions(text: str, nested: bool) -> dict[int, set[str]]:
    """For each group's opening brace (offset just after it), the variables written in the group:
    in the group itself, outside the groups nested in it (`nested=False`), or anywhere in it, the
    nested groups included (`nested=True`: each variable is added to every group open around it, at
    most the guard's nesting limit). One pass over the tokens."""
    toks = [t for t in tokens(text) if t.kind not in ("ws", "comment")]
    out: dict[int, set[str]] = {}
    open_groups: list[tuple[int, int]] = []   # (offset after the brace, its depth)
    for t in toks:
        if t.kind == "punct" and t.text == "{":
            open_groups.append((t.end, t.depth))
            out[t.end] = set()
            continue
        while open_groups and t.depth < open_groups[-1][1]:
            open_groups.pop()
        if t.kind != "var" or not open_groups:
            continue
        if nested:
            for at, _ in open_groups:
                out[at].add(t.text[1:])
        elif t.depth == open_groups[-1][1]:
            out[open_groups[-1][0]].add(t.text[1:])
    return out


def _union_siblings(text: str) -> dict[int, list[int]]:
    """For each opening brace of a UNION branch (offset just after it), the opening braces of all
    the branches of its UNION, itself included."""
    toks = [t for t in tokens(text) if t.kind not in ("ws", "comment")]
    opening: list[tuple[int, int]] = []   # (offset after the brace, index of the brace token)
    closes: dict[int, int] = {}           # index of a `{` token -> index of its `}`
    for i, t in enumerate(toks):
        if t.kind == "punct" and t.text == "{":
            opening.append((t.end, i))
        elif t.kind == "punct" and t.text == "}" and opening:
            closes[opening.pop()[1]] = i
    starts = {i: t.end for i, t in enumerate(toks) if t.kind == "punct" and t.text == "{"}
    out: dict[int, list[int]] = {}
    for i, at in starts.items():
        if at in out:
            continue
        chain, j = [at], i
        # `{ ... } UNION { ... } UNION { ... }`: follow the chain from its first branch
        while j in closes and closes[j] + 2 < len(toks) and toks[closes[j] + 1].kind == "word" \
                and toks[closes[j] + 1].text.upper() == "UNION" and toks[closes[j] + 2].text == "{":
            j = closes[j] + 2
            chain.append(starts[j])
        if len(chain) > 1:
            for member in chain:
                out[member] = chain
    return out


def _inline_unsafe(text: str) -> set[str]:
    """The variables written somewhere a constant cannot stand for them: a SELECT or DESCRIBE
    projection (an expression in brackets takes one), a VALUES header, `AS ?v`, `BOUND(?v)`, a bare GROUP BY/ORDER BY condition (an expression in
    brackets takes a constant), or a MINUS group (with the variable gone, MINUS would no longer
    share it with its left side)."""
    toks = significant(text)
    unsafe: set[str] = set()
    clause = None          # SELECT, VALUES or BY while their variable list is being read
    clause_paren = 0
    paren = 0
    minus_depths: list[int] = []
    minus_pending = False
    for i, t in enumerate(toks):
        kw = t.keyword
        if t.kind == "punct" and t.text == "(":
            paren += 1
        elif t.kind == "punct" and t.text == ")":
            paren = max(0, paren - 1)
        elif t.kind == "punct" and t.text == "{":
            clause = None
            if minus_pending:
                minus_depths.append(t.depth)
                minus_pending = False
            continue
        elif t.kind == "punct" and t.text == "}":
            clause = None
            while minus_depths and t.depth < minus_depths[-1]:
                minus_depths.pop()
            continue
        if kw == "MINUS":
            minus_pending = True
        elif kw in ("SELECT", "DESCRIBE", "VALUES", "BY"):
            clause, clause_paren = kw, paren
        elif kw in ("WHERE", "FROM", "HAVING", "LIMIT", "OFFSET", "ORDER", "GROUP"):
            clause = None
        if t.kind != "var":
            continue
        name = t.text[1:]
        prev = toks[i - 1] if i else None
        before = toks[i - 2] if i > 1 else None
        if clause == "VALUES" or (clause is not None and paren <= clause_paren) or minus_depths \
                or (prev is not None and prev.keyword == "AS") \
                or (prev is not None and prev.text == "(" and before is not None and before.keyword == "BOUND"):
            unsafe.add(name)
    return unsafe


def inline_terms(sparql: str, bindings: Mapping[str, Node | None] | None) -> tuple[str, dict[str, Node]]:
    """The query with the parameters it uses only as terms (in patterns, FILTER and BIND
    expressions) written in as constants, and the parameters left to bind another way.

    For the embedded engine's parameters that the query does not project (the label language):
    pyoxigraph substitutes only projected variables, and a VALUES block in a group makes it
    evaluate the group whole before the join (every label of the dataset for one OPTIONAL),
    while a constant is matched through its indexes. Measured on agreement-follow-ups at 10x:
    23 ms with the VALUES blocks, 2.4 ms with the constant. A parameter written where no
    constant can stand (`_inline_unsafe`) is left to the caller, and so is a blank node."""
    rest: dict[str, Node] = {}
    terms: dict[str, str] = {}
    unsafe = _inline_unsafe(sparql)
    for k, v in (bindings or {}).items():
        if v is None:
            continue
        if not _VAR.match(k):
            raise QueryError(f"cannot bind a parameter named {k!r}: not a SPARQL variable name")
        if k in unsafe or not isinstance(v, (URIRef, Literal)):
            rest[k] = v
        else:
            terms[k] = sparql_term(v)
    if not terms:
        return sparql, rest
    out, last = [], 0
    for t in tokens(sparql):
        if t.kind == "var" and t.text[1:] in terms:
            out += [sparql[last:t.start], " ", terms[t.text[1:]], " "]
            last = t.end
    return "".join(out) + sparql[last:], rest


def bind_with_values(sparql: str, bindings: Mapping[str, Node | None] | None) -> str:
    """The query with its parameters bound by a VALUES block (see the module docstring for where).

    A parameter the query does not project (the label language, used only in a FILTER) is bound
    only in the groups that mention it themselves: that is where its filters are, and a block in
    every group of nested sub-SELECTs costs Virtuoso 7.2 more than 60 s on agreements-of-actor."""
    items = [(k, v) for k, v in (bindings or {}).items() if v is not None]
    if not items:
        return sparql
    for k, _ in items:
        if not _VAR.match(k):
            raise QueryError(f"cannot bind a parameter named {k!r}: not a SPARQL variable name")
    from kg.query.lexer import projected_variables

    projected = projected_variables(sparql)
    local = [(k, v) for k, v in items if projected is not None and k not in projected]
    if local:
        mentions = _mentions(sparql, nested=False)
        out, last = [], 0
        for at in sorted(mentions):
            here = [(k, v) for k, v in local if k in mentions[at]]
            if here:
                out += [sparql[last:at], " VALUES (" + " ".join(f"?{k}" for k, _ in here) + ") { ("
                        + " ".join(sparql_term(v) for _, v in here) + ") } "]
                last = at
        sparql = "".join(out) + sparql[last:]
        items = [(k, v) for k, v in items if (k, v) not in local]
        if not items:
            return sparql
    def block(pairs) -> str:
        return (" VALUES (" + " ".join(f"?{k}" for k, _ in pairs) + ") { ("
                + " ".join(sparql_term(v) for _, v in pairs) + ") } ")

    braces = _group_braces(sparql)
    if braces is None:  # DESCRIBE <x> without WHERE, CONSTRUCT WHERE: a trailing VALUES is all there is
        return sparql.rstrip() + "\n" + block(items).strip() + "\n"
    within = _mentions(sparql, nested=True)
    # the branches of a UNION count as one group: Virtuoso 7.2 drops the rows of a branch without
    # the block when another branch has it (the fixture query labels-and-notes)
    for at, chain in _union_siblings(sparql).items():
        within[at] = set().union(*(within.get(b, set()) for b in chain))
    out, last = [], 0
    for n, at in enumerate(braces):
        # the outermost group binds every parameter (the projection sees it); the others, those
        # they mention
        here = items if n == 0 else [(k, v) for k, v in items if k in within.get(at, ())]
        if here:
            out += [sparql[last:at], block(here)]
            last = at
    return "".join(out) + sparql[last:]
