"""Every pd:quote occurs verbatim in the source article -- the check SPARQL cannot do
(the role of a `quote-not-in-article-violation.rq`).

The quotes are those of the real build (`real_dist`, tests/conftest.py). The article is $KG_ARTICLE,
or `$KG_SHARED/seeds/paradiplomacy-article.txt` (default `<repo>/../shared/seeds/`); without it the
check is skipped, saying so.
Comparison is whitespace-normalised (the quotes join the article's line breaks with single
spaces); the footnote markers the article glues to words ("spesifik.1 Istilah") may be dropped, as
the data conventions ask; and a sentence may run across a page break, where the text file carries
that page's footnotes in the middle of it. Nothing else is forgiven.
"""
from __future__ import annotations

import re

from rdflib import Literal

from conftest import require_article
from cq.kgdata import dataset, normalise_ws
from kg.namespaces import PD

# a footnote number (1-16) glued to the end of a word or punctuation, before a space, a capital
# letter, a closing quote or the end of the text
_MARKER = re.compile(r"(?<=[^\s\d])(1[0-6]|[1-9])(?=[\s’'\"A-Z]|$)")


# the footnotes at the foot of a page: after a blank line, entries starting with their number, up
# to the first line of the next page (which starts with a space in the text file)
_PAGE_FOOTER = re.compile(r"\n\n\d{1,2} .*?\n(?= \S)", re.S)


def _forms(text: str) -> list[str]:
    out = []
    for body in (text, _PAGE_FOOTER.sub("\n", text)):
        for marks in (body, _MARKER.sub("", body)):
            flat = normalise_ws(marks)
            out.append(flat)
    return out


def find_in_article(quote: str, article: str) -> bool:
    q = normalise_ws(quote)
    return any(q in form or q.replace(" ", "") in form.replace(" ", "") for form in _forms(article))


def test_marker_rule_is_not_vacuous():
    article = "sub-state’, dalam rangka kepentingan mereka secara spesifik.1 \nIstilah ‘paradiplomacy’"
    assert find_in_article("secara spesifik. Istilah ‘paradiplomacy’", article)
    assert not find_in_article("secara spesifik. Istilah 'paradiplomacy'", article)  # straight quote
    assert not find_in_article("secara khusus.", article)
    page_break = "sebagai penggabungan \n\n1 Wolff, Stefan, hal. 1-2, 2009\n istilah ‘parallel diplomacy’"
    assert find_in_article("sebagai penggabungan istilah ‘parallel diplomacy’", page_break)
    assert not find_in_article("sebagai penggabungan istilah ‘paradiplomacy’", page_break)


def test_every_quote_occurs_verbatim_in_the_article(real_dist):
    path = require_article()
    article = path.read_text(encoding="utf-8")
    ds = dataset(real_dist)
    # the article's passages (part of a section of the seed article); the web pages and works coded
    # through `kg import` are checked against their workbooks (tests/test_import_sources.py)
    article_passages = {r[0] for r in ds.query(
        "SELECT ?p WHERE { ?p <http://purl.org/dc/terms/isPartOf>+ <https://w3id.org/paradiplomacy/id/seed-article> }")}
    quotes = [(s, o) for s, o in ds.subject_objects(PD.quote) if isinstance(o, Literal) and s in article_passages]
    assert quotes, "no pd:quote in the data"
    missing = sorted(f"{s}: {str(o)[:90]!r}" for s, o in quotes if not find_in_article(str(o), article))
    assert not missing, f"{len(missing)} quote(s) not found in {path}:\n  " + "\n  ".join(missing)
