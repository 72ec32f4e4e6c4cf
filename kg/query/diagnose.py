"""SPARQL syntax errors for people: where in the user's own text, what was found, what was expected,
and a hint for the common slips.

The engines' own messages are written for their authors: pyoxigraph lists every Unicode range a name
may continue with, rdflib names its grammar rules, and neither says that `foo:` was never declared.
`diagnose(text, error, prefixes)` reads the engine's position (pyoxigraph `error at L:C`, pyparsing's
`lineno`/`col`) and then looks at the text itself with the project's lexer (`kg.query.lexer`), which
finds the slips people make more surely than the engines' positions do (a peg parser reports the
furthest point it reached, often a line after the missing dot):

- a prefixed name whose prefix is neither declared in the text nor predeclared: the prefixes that are;
- a `}` or `)` with nothing open, or a `{` or `(` never closed;
- three terms of a triple pattern followed by a fourth with no ` .` (or `;`, `,`) between;
- a word that is no SPARQL keyword but close to one (`SELEC`, `WHRE`, `OPTINAL`).

Positions are 1-based line and column in the text the user wrote: callers pass the prefixes they
predeclare (`prefixes=`) to the engine, never as lines prepended to the text.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Mapping

from kg.query.lexer import Token, tokens

__all__ = ["Diagnosis", "diagnose", "SPARQL_KEYWORDS"]

# the keywords and built-in function names of SPARQL 1.1 (upper case; `a` is matched apart)
SPARQL_KEYWORDS = frozenset("""
BASE PREFIX SELECT CONSTRUCT DESCRIBE ASK DISTINCT REDUCED AS FROM NAMED WHERE ORDER BY ASC DESC LIMIT OFFSET
GROUP HAVING VALUES UNDEF OPTIONAL GRAPH SERVICE SILENT BIND MINUS FILTER UNION NOT IN EXISTS TRUE FALSE
INSERT DELETE DATA LOAD INTO CLEAR CREATE DROP COPY MOVE ADD TO WITH USING DEFAULT ALL
STR LANG LANGMATCHES DATATYPE BOUND IRI URI BNODE RAND ABS CEIL FLOOR ROUND CONCAT STRLEN UCASE LCASE
ENCODE_FOR_URI CONTAINS STRSTARTS STRENDS STRBEFORE STRAFTER YEAR MONTH DAY HOURS MINUTES SECONDS TIMEZONE
TZ NOW UUID STRUUID MD5 SHA1 SHA256 SHA384 SHA512 COALESCE IF STRLANG STRDT SAMETERM ISIRI ISURI ISBLANK
ISLITERAL ISNUMERIC REGEX SUBSTR REPLACE COUNT SUM MIN MAX AVG SAMPLE GROUP_CONCAT SEPARATOR
TRIPLE SUBJECT PREDICATE OBJECT ISTRIPLE LANGDIR HASLANG HASLANGDIR STRLANGDIR
""".split())  # the last line: SPARQL 1.2 functions pyoxigraph knows

_CLAUSE_KEYWORDS = frozenset("""
BASE PREFIX SELECT CONSTRUCT DESCRIBE ASK DISTINCT REDUCED AS FROM NAMED WHERE ORDER BY ASC DESC LIMIT OFFSET
GROUP HAVING VALUES UNDEF OPTIONAL GRAPH SERVICE SILENT BIND MINUS FILTER UNION IN TRUE FALSE
INSERT DELETE DATA LOAD INTO CLEAR CREATE DROP COPY MOVE ADD TO WITH USING DEFAULT ALL SEPARATOR
""".split())
_OPEN = {"{": "}", "(": ")", "[": "]"}
_CLOSE = {v: k for k, v in _OPEN.items()}
_PNAME = re.compile(r"^([A-Za-z][\w.\-]*)?:")  # the prefix of a prefixed name (PN_PREFIX, or empty)
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?)$")
_OX_POSITION = re.compile(r"error at (\d+):(\d+)")
_PYPARSING_POSITION = re.compile(r"\(line:(\d+), col:(\d+)\)")


@dataclass
class Diagnosis:
    """What is wrong with a query, for people. `line` and `column` are 1-based in the user's text."""
    line: int | None
    column: int | None
    found: str | None            # the token there, or "the end of the query"
    expected: list[str] = field(default_factory=list)
    hint: str | None = None
    source_line: str | None = None  # the line of the text the position is on

    def message(self) -> str:
        where = f"line {self.line}, column {self.column}" if self.line else "an unknown position"
        out = f"SPARQL syntax error at {where}"
        if self.found:
            out += f": found {self.found}"
        if self.expected:
            out += f"; expected {_one_of(self.expected)}"
        if self.source_line is not None and self.column:
            pad = "".join("\t" if c == "\t" else " " for c in self.source_line[:self.column - 1])
            out += f"\n  {self.source_line}\n  {pad}^"
        if self.hint:
            out += f"\nhint: {self.hint}"
        return out

    __str__ = message


def _one_of(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


def diagnose(text: str, error: BaseException | str, prefixes: Mapping[str, str] | None = None) -> Diagnosis:
    """The diagnosis of `error`, the engine's refusal of `text` (pyoxigraph's SyntaxError, rdflib's
    pyparsing ParseException or its unknown-prefix Exception, or their message), given the prefixes
    the engine was told to predeclare."""
    toks = [t for t in tokens(text) if t.kind not in ("ws", "comment")]
    predeclared = dict(prefixes or {})
    for finder in (_unknown_prefix, _unbalanced, _missing_operand, _missing_separator, _misspelt_keyword):
        found = finder(text, toks, predeclared)
        if found is not None:
            return found
    line, col = _engine_position(error)
    expected = _short_expected(str(error))
    if line is None:
        return Diagnosis(None, None, None, expected, hint=_first_line(str(error)))
    offset = _offset(text, line, col)
    return _at(text, offset, toks, expected=expected)


# --- the slips ----------------------------------------------------------------------------------

def _declared(toks: list[Token]) -> set[str]:
    out = set()
    for prev, tok in zip(toks, toks[1:]):
        if prev.keyword == "PREFIX" and tok.kind == "word" and tok.text.endswith(":"):
            out.add(tok.text[:-1])
    return out


def _unknown_prefix(text: str, toks: list[Token], predeclared: dict) -> Diagnosis | None:
    declared = _declared(toks) | set(predeclared)
    for prev, tok in zip([None] + toks, toks):
        if tok.kind != "word" or ":" not in tok.text or (prev is not None and prev.keyword == "PREFIX"):
            continue
        m = _PNAME.match(tok.text)
        if not m or tok.text.startswith("_:"):
            continue
        prefix = m.group(1) or ""
        if prefix in declared:
            continue
        available = ", ".join(f"{p}:" for p in sorted(declared)) or "none"
        guess = difflib.get_close_matches(prefix, sorted(declared), n=1, cutoff=0.6)
        fix = f"Did you mean {guess[0]}:? " if guess else ""
        return _at(text, tok.start, toks, hint=(
            f"the prefix {prefix}: is not declared. {fix}Prefixes you may use without declaring them: "
            f"{available}; for another, add `PREFIX {prefix}: <namespace IRI>` at the top."))
    return None


def _unbalanced(text: str, toks: list[Token], _predeclared: dict) -> Diagnosis | None:
    stack: list[Token] = []
    for tok in toks:
        if tok.kind != "punct":
            continue
        if tok.text in ('"', "'"):  # the lexer reads a closed string as one token
            return _at(text, tok.start, toks, hint=f"this string is never closed: end it with {tok.text} "
                                                   "on the same line (or use triple quotes for several lines)")
        if tok.text in _OPEN:
            stack.append(tok)
        elif tok.text in _CLOSE:
            if not stack:
                return _at(text, tok.start, toks, hint=f"this '{tok.text}' closes nothing: remove it, or add "
                                                       f"the '{_CLOSE[tok.text]}' it should close")
            opened = stack.pop()
            if _OPEN[opened.text] != tok.text:
                line, col = _line_col(text, opened.start)
                return _at(text, tok.start, toks, hint=(
                    f"'{tok.text}' here, but the '{opened.text}' at line {line}, column {col} is still open: "
                    f"close it with '{_OPEN[opened.text]}' first"))
    if stack:
        opened = stack[-1]
        line, col = _line_col(text, opened.start)
        return _at(text, len(text), toks, expected=[f"'{_OPEN[opened.text]}'"], hint=(
            f"the '{opened.text}' at line {line}, column {col} is never closed: add '{_OPEN[opened.text]}'"))
    return None


def _missing_operand(text: str, toks: list[Token], _predeclared: dict) -> Diagnosis | None:
    """An operator with nothing after it: `FILTER(?date > )`, `BIND(?a + AS ?b)`."""
    for op, nxt in zip(toks, toks[1:]):
        if op.kind == "punct" and op.text in "<>=!*/+&|" and (
                (nxt.kind == "punct" and nxt.text in ("),}" if op.text not in "<>=!&|" else ")}")) or
                nxt.keyword == "AS"):
            return _at(text, nxt.start, toks, expected=["an expression"],
                       hint=f"'{op.text}' has nothing to compare or combine on its right: add a value or a variable")
    return None


def _is_term(tok: Token) -> bool:
    if tok.kind in ("var", "iri", "string"):
        return True
    if tok.kind == "word":
        return ":" in tok.text or tok.text == "a" or bool(_NUMBER.match(tok.text)) \
            or tok.text.upper() in ("TRUE", "FALSE")
    return False


def _missing_separator(text: str, toks: list[Token], _predeclared: dict) -> Diagnosis | None:
    """A fourth term straight after subject, predicate and object, in a group of triple patterns."""
    run = 0          # terms since the last '.', ';' (then 1) or ',' (then 2)
    skip: list[str] = []  # open ( [ or VALUES { ... }: terms may follow one another there
    prev: Token | None = None
    glued = False    # the next word belongs to the previous term (language tag, datatype, path)
    values = False
    for tok in toks:
        text_ = tok.text
        if skip:
            if tok.kind == "punct" and text_ in _OPEN:
                skip.append(_OPEN[text_])
            elif tok.kind == "punct" and text_ == skip[-1]:
                skip.pop()
                if not skip and text_ == "]":
                    run += 1  # [ ... ] stands for one term
        elif tok.kind == "punct" and text_ in ("(", "[") or (text_ == "{" and values):
            skip.append(_OPEN[text_])
            values = False
        elif tok.kind == "punct" and text_ in ("{", "}", ")"):
            run = 0
        elif tok.kind == "punct" and text_ in ("@", "^", "/", "|"):
            glued = True
        elif tok.kind == "punct" and text_ in (";", ","):
            run = 1 if text_ == ";" else 2
        elif glued:
            glued = False
        elif _is_term(tok) and tok.depth > 0:
            run += 1
            if run == 4:
                line, col = _line_col(text, prev.end if prev else tok.start)
                return _at(text, tok.start, toks, expected=["'.'", "';'", "','", "'}'"], hint=(
                    f"a triple pattern ends at line {line}, column {col} with no ' .' before the next one: "
                    "add ' .' there (or ';' to go on with the same subject)"))
            if tok.kind == "word" and text_.endswith(".") and not _NUMBER.match(text_):
                run = 0  # pd:x. — the lexer keeps the dot that ends the pattern in the word
        elif tok.kind == "word" and set(text_) == {"."}:
            run = 0
        elif tok.keyword is not None:
            values = tok.keyword == "VALUES"
            # a projection or a sort key is a list of variables, not a triple pattern
            run = -10_000 if tok.keyword in ("SELECT", "BY", "DESCRIBE", "VALUES") else 0
        prev = tok
    return None


def _misspelt_keyword(text: str, toks: list[Token], _predeclared: dict) -> Diagnosis | None:
    for prev, tok in zip([None] + toks, toks):
        if tok.kind != "word" or ":" in tok.text or tok.text == "a" or _NUMBER.match(tok.text):
            continue
        if prev is not None and prev.text == "@":  # a language tag
            continue
        word = tok.text.upper()
        if word in SPARQL_KEYWORDS or not word.replace("_", "").isalpha():
            continue
        guess = difflib.get_close_matches(word, sorted(SPARQL_KEYWORDS), n=1, cutoff=0.7)
        if guess:
            return _at(text, tok.start, toks, hint=f"{tok.text!r} is not a SPARQL keyword: did you mean {guess[0]}?")
    return None


# --- positions ----------------------------------------------------------------------------------

def _engine_position(error: BaseException | str) -> tuple[int | None, int | None]:
    lineno, col = getattr(error, "lineno", None), getattr(error, "col", None)
    if isinstance(lineno, int) and isinstance(col, int) and not isinstance(error, SyntaxError):
        return lineno, col
    msg = str(error)
    for pattern in (_OX_POSITION, _PYPARSING_POSITION):
        m = pattern.search(msg)
        if m:
            return int(m.group(1)), int(m.group(2))
    return None, None


def _offset(text: str, line: int, col: int) -> int:
    starts = [0] + [m.end() for m in re.finditer(r"\n", text)]
    if line > len(starts):
        return len(text)
    return min(starts[line - 1] + max(col - 1, 0), len(text))


def _line_col(text: str, offset: int) -> tuple[int, int]:
    before = text[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1


def _at(text: str, offset: int, toks: list[Token], *, expected: list[str] | None = None,
        hint: str | None = None) -> Diagnosis:
    """A diagnosis at `offset`, naming the token that starts there or holds it."""
    tok = next((t for t in toks if t.start <= offset < t.end), None) \
        or next((t for t in toks if t.start >= offset), None)
    if tok is not None:
        offset = tok.start
        found = repr(tok.text if len(tok.text) <= 40 else tok.text[:37] + "...")
    else:
        found = "the end of the query"
        offset = len(text.rstrip()) if text.strip() else 0
    line, col = _line_col(text, offset)
    source_line = text.splitlines()[line - 1] if text.splitlines()[line - 1:line] else ""
    return Diagnosis(line, col, found, expected or [], hint, source_line)


def _first_line(msg: str) -> str:
    return msg.strip().splitlines()[0][:200] if msg.strip() else ""


def _short_expected(msg: str) -> list[str]:
    """pyoxigraph's `expected one of ...` in a short form: keywords and punctuation as they are,
    character classes as what they stand for, the catch-all `[_]` dropped."""
    m = re.search(r"expected (?:one of )?(.*)", msg, re.S)
    if not m or "Expected" in msg:  # pyparsing names grammar rules, not tokens: not worth showing
        return []
    body = m.group(1)
    out: list[str] = []
    for item in re.findall(r'"(?:[^"\\]|\\.)*"|\[[^\]]*\]|[A-Za-z][\w ]*', body):
        if item.startswith('"'):
            word = item[1:-1].replace('\\"', '"').replace("\\\\", "\\")
            label = f"'{word}'"
        elif item.startswith("["):
            if item == "[_]":
                continue
            label = "a digit" if "'0'" in item and "'A'" not in item else \
                "a name" if "'A'" in item or "'a'" in item else None
            if label is None:
                continue
        elif item.strip() == "Prefix not found":
            continue
        else:
            label = item.strip()
        if label not in out:
            out.append(label)
    # a list of built-in function names is where an expression was due: say so once
    functions = [x for x in out if x.upper() in SPARQL_KEYWORDS - _CLAUSE_KEYWORDS]
    if len(functions) >= 3:
        out = [x for x in out if x not in functions]
        out.insert(0, "an expression")
    return out[:10]
