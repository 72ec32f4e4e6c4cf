"""The researcher's pages of `kg serve` beyond the linked-data ones: the start page, search, the
explain pages, the /id/ and /vocab/ indexes, and /entities.json (what the result views need to show
names and place things on a map).

- `/`                 the start page (kg/serve/templates/home.html, kg/serve/web/app.js and views.js);
                      `/?question=NAME&view=VIEW&PARAM=VALUE` opens NAME with those values and view.
- `/search?q=TEXT`    names in English or Indonesian (kg.names, the command line's resolver), grouped
                      by kind: a page, or JSON by `Accept: application/json` (or `format=json`).
- `/resolve?name=`    the one IRI a name means (kg.names, as `kg query --param` resolves it): JSON.
- `/explain/ID`       why a centre–region relation (or each relation of an actor) is cooperative or
                      conflictual: `kg.explain.explain`, the same content as `kg explain ID`.
- `/id/`, `/vocab/`   every instance by kind; the SKOS concept schemes as trees.
- `/entities.json`    every labelled IRI: its names (en, id), kind and country (pd:inState).

Everything is read in the server process from the store the linked-data pages read (`Resources`):
pattern lookups and the few bounded queries of `kg.explain`, never a user's query.
"""
from __future__ import annotations

import time
import unicodedata
from dataclasses import asdict

import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from kg.errors import InputError
from kg.namespaces import GRAPH_DATA, PD, PDI, RDF, RDFS, SKOS
from kg.query.embedded import OxigraphEngine
from kg.serve import pages
from kg.serve.conneg import negotiate
from kg.serve.i18n import page_lang, translator
from kg.serve.protocol import HTTPProblem
from kg.terms import expand, short

SEARCH_LIMIT = 50
JSON_OR_HTML = [("text/html", "html"), ("application/xhtml+xml", "html"), ("application/json", "json")]


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


class Workbench:
    """The handlers; `resources` is the server's `kg.serve.linked_data.Resources`."""

    def __init__(self, resources, catalogue: dict | None = None):
        self.resources = resources
        self.engine = OxigraphEngine(resources.store)
        self.catalogue = catalogue or {}
        self._names = None
        self._entities = None

    # --- shared data ------------------------------------------------------------------------

    @property
    def names(self):
        """The name index (kg.names), built on first use from the served store."""
        if self._names is None:
            from kg.names import NameIndex

            self._names = NameIndex.from_engine(self.engine)
        return self._names

    def entities(self) -> dict[str, dict]:
        """Every IRI with a label: {"en", "id", "kind" (its asserted class), "country"}; computed once."""
        if self._entities is not None:
            return self._entities
        store = self.resources.store
        out: dict[str, dict] = {}
        for p in (str(RDFS.label), str(SKOS.prefLabel)):
            for q in store.quads_for_pattern(None, ox.NamedNode(p), None, None):
                if isinstance(q.subject, ox.NamedNode) and isinstance(q.object, ox.Literal):
                    lang = q.object.language or "en"
                    if lang in ("en", "id"):
                        out.setdefault(q.subject.value, {}).setdefault(lang, q.object.value)
        data = ox.NamedNode(str(GRAPH_DATA))
        for iri, e in out.items():
            types = sorted(q.object.value for q in store.quads_for_pattern(
                ox.NamedNode(iri), ox.NamedNode(str(RDF.type)), None, data) if q.object.value.startswith(str(PD)))
            if types:
                e["kind"] = _local(types[0])
            states = sorted(q.object.value for q in store.quads_for_pattern(
                ox.NamedNode(iri), ox.NamedNode(str(PD.inState)), None, None))
            if states:
                e["country"] = states[0]
        self._entities = dict(sorted(out.items()))
        return self._entities

    def kind_label(self, kind: str | None, lang: str) -> str:
        if not kind:
            return ""
        ls = pages.labels(self.resources, str(PD) + kind)
        return ls.get(lang) or ls.get("en") or kind

    # --- handlers ---------------------------------------------------------------------------

    async def home(self, request: Request) -> Response:
        lang = page_lang(request)
        return pages.html(pages.render("home.html", title=translator(lang)("Ask the knowledge graph"),
                                       **pages.chrome(request, lang)))

    async def entities_json(self, request: Request) -> Response:
        return JSONResponse(self.entities(), headers={"Cache-Control": "max-age=300"})

    async def search(self, request: Request) -> Response:
        lang = page_lang(request)
        text = (request.query_params.get("q") or "").strip()
        try:
            limit = max(1, min(SEARCH_LIMIT, int(request.query_params.get("limit") or SEARCH_LIMIT)))
        except ValueError:
            raise HTTPProblem(400, "limit must be a whole number") from None
        matches = self.names.search(text, limit=limit, lang=lang) if text else []
        rows = [{"iri": str(m.iri), "id": short(str(m.iri), brackets=False), "label": m.label,
                 "matched": m.matched, "lang": m.lang, "kind": _local(str(m.kind)) if m.kind else None,
                 "kind_label": m.kind_label, "score": m.score, "href": pages.local_href(str(m.iri))}
                for m in matches]
        fmt = request.query_params.get("format") or negotiate(request.headers.get("accept"), JSON_OR_HTML, "html")
        if fmt == "json":
            return JSONResponse({"query": text, "matches": rows})
        groups: dict[str, list] = {}
        for r in rows:
            groups.setdefault(r["kind_label"] or r["kind"] or "", []).append(r)
        return pages.html(pages.render(
            "search.html", title=translator(lang)("Search") + ": " + text, query=text,
            groups=list(groups.items()), count=len(rows),  # kinds in the order of their best match
            **pages.chrome(request, lang)))

    async def resolve(self, request: Request) -> Response:
        """`/resolve?name=TEXT[&expect=pd:Class]`: the one IRI a name means, as `kg` resolves a
        parameter (400 with the candidates or the nearest names when it is ambiguous or unknown)."""
        text = (request.query_params.get("name") or "").strip()
        if not text:
            raise HTTPProblem(400, "give name=TEXT")
        expect = request.query_params.get("expect")
        iri = self._resolve(text, expect=expect and expand(expect, what="expect"))
        lang = page_lang(request)
        return JSONResponse({"name": text, "iri": str(iri), "id": short(str(iri), brackets=False),
                             "label": pages.label(self.resources, str(iri), lang)})

    def _resolve(self, text: str, expect=None):
        """A name, id or IRI as the command line takes it (kg.names): AmbiguousName or UnknownName,
        both InputError (400), when it names not exactly one thing."""
        return self.names.resolve(text, expect=expect) if expect else self.names.resolve(text)

    async def explain(self, request: Request) -> Response:
        from kg.explain import explain

        lang = page_lang(request)
        text = request.path_params["id"]
        started = time.perf_counter()
        wants_json = request.query_params.get("format") == "json" or \
            negotiate(request.headers.get("accept"), JSON_OR_HTML, "html") == "json"
        try:
            try:
                iri = self._resolve(text, expect=PD.CentreRegionRelation)
            except InputError:
                iri = self._resolve(text)
            exp = explain(self.engine, iri)
        except InputError as exc:
            if wants_json:
                raise
            # a person's typo: the reason and the names closest to what was typed
            suggestions = [{"href": pages.local_href(str(m.iri)), "label": m.label, "id": short(str(m.iri), brackets=False),
                            "kind": m.kind_label or ""} for m in self.names.search(text, limit=8, lang=lang)]
            return pages.html(pages.not_found_page(text, suggestions, pages.chrome(request, lang), reason=str(exc)),
                              status_code=400)
        if wants_json:
            return JSONResponse(asdict(exp))
        return pages.html(pages.explain_page(self.resources, exp, lang, chrome=pages.chrome(request, lang)),
                          headers={"Server-Timing": f"explain;dur={(time.perf_counter() - started) * 1000:.1f}"})

    async def id_index(self, request: Request) -> Response:
        lang = page_lang(request)
        groups: dict[str, list] = {}
        for iri, e in self.entities().items():
            if not iri.startswith(str(PDI)):
                continue
            groups.setdefault(self.kind_label(e.get("kind"), lang), []).append(
                {"href": pages.local_href(iri), "id": short(iri, brackets=False),
                 "name": e.get(lang) or e.get("en") or e.get("id") or _local(iri)})
        for items in groups.values():
            items.sort(key=lambda x: _fold(x["name"]))
        return pages.html(pages.render(
            "index.html", title=translator(lang)("entities"), heading=translator(lang)("Everything in the dataset, by kind"),
            groups=sorted(groups.items(), key=lambda kv: _fold(kv[0])), trees=[], **pages.chrome(request, lang)))

    async def vocab_index(self, request: Request) -> Response:
        lang = page_lang(request)
        return pages.html(pages.render(
            "index.html", title=translator(lang)("vocabularies"), heading=translator(lang)("The concept schemes"),
            groups=[], trees=pages.concept_trees(self.resources, lang), **pages.chrome(request, lang)))

    def routes(self) -> list[Route]:
        read = ["GET", "HEAD"]
        return [
            Route("/", self.home, methods=read),
            Route("/entities.json", self.entities_json, methods=read),
            Route("/search", self.search, methods=read),
            Route("/resolve", self.resolve, methods=read),
            Route("/explain/{id:path}", self.explain, methods=read),
            Route("/id/", self.id_index, methods=read),
            Route("/vocab/", self.vocab_index, methods=read),
        ]


def _fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))


__all__ = ["Workbench"]
