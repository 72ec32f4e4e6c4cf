"""Linked data on `kg serve`: every IRI of the dataset at its own path, the ontology, the dumps, VoID.

A resource (`/id/...`, `/vocab/...`, any path under https://w3id.org/paradiplomacy/) answers an
HTML page (`kg.serve.pages`) or its description in Turtle, N-Triples, JSON-LD or RDF/XML, by Accept,
by `format=` or by an extension (`/id/catalonia.ttl`). Its description is its outgoing triples
(following blank nodes) and its incoming ones. The files of dist/ are served under /dumps and at
the download URLs that dist/void.ttl gives them, so the VoID description holds on this server.

The pages and descriptions read a store of their own in the server process (`Resources`): pattern
lookups, bounded and quick, that need no query worker.
"""
from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response

from kg.namespaces import BASE, DCAT, GRAPH_ONTOLOGY, PREFIXES, RDF, VOID
from kg.query.embedded import OxigraphEngine
from kg.serve import pages
from kg.serve.i18n import page_lang
from kg.serve.conneg import EXTENSIONS, GRAPH_OFFERS, PAGE_OFFERS, media_type_for, negotiate, wants_html, write_graph
from kg.serve.protocol import HTTPProblem
from kg.terms import is_absolute_iri

DESCRIPTION_FORMATS = ("html", "turtle", "ntriples", "jsonld", "rdfxml")
FORMAT_ALIASES = {"ttl": "turtle", "nt": "ntriples", "rdf": "rdfxml"}


def _term_key(t) -> tuple:
    return (type(t).__name__, str(t))


class Resources:
    """What the pages and descriptions read of the dataset, from a pyoxigraph store."""

    def __init__(self, store: ox.Store):
        self.store = store

    @classmethod
    def from_nquads(cls, path: Path) -> "Resources":
        return cls(OxigraphEngine.from_nquads(path).store)

    def named_graphs(self) -> set[str]:
        return {g.value for g in self.store.named_graphs() if isinstance(g, ox.NamedNode)}

    def objects(self, s: str, p: str) -> list:
        """The distinct objects of (s, p), in store order."""
        seen, out = set(), []
        for q in self.store.quads_for_pattern(ox.NamedNode(s), ox.NamedNode(p), None, None):
            k = _term_key(q.object)
            if k not in seen:
                seen.add(k)
                out.append(q.object)
        return out

    def outgoing(self, node) -> list[tuple]:
        """The distinct (predicate, object) pairs of a subject, sorted."""
        seen, out = set(), []
        for q in self.store.quads_for_pattern(node, None, None, None):
            k = (q.predicate.value, _term_key(q.object))
            if k not in seen:
                seen.add(k)
                out.append((q.predicate, q.object))
        return sorted(out, key=lambda po: (po[0].value, str(po[1])))

    def incoming(self, iri: str) -> list[tuple]:
        """The distinct (subject, predicate) pairs that point at an IRI, sorted."""
        seen, out = set(), []
        for q in self.store.quads_for_pattern(None, None, ox.NamedNode(iri), None):
            k = (_term_key(q.subject), q.predicate.value)
            if k not in seen:
                seen.add(k)
                out.append((q.subject, q.predicate))
        return sorted(out, key=lambda sp: (sp[1].value, str(sp[0])))

    def exists(self, iri: str) -> bool:
        """Whether the IRI is a subject or an object of the dataset (no string that is not an IRI is)."""
        if not is_absolute_iri(iri):
            return False
        node = ox.NamedNode(iri)
        for _ in self.store.quads_for_pattern(node, None, None, None):
            return True
        for _ in self.store.quads_for_pattern(None, None, node, None):
            return True
        return False

    def subjects_of_type(self, cls: str, graph: str) -> list[str]:
        return sorted({q.subject.value for q in self.store.quads_for_pattern(
            None, ox.NamedNode(str(RDF.type)), ox.NamedNode(cls), ox.NamedNode(graph))
            if isinstance(q.subject, ox.NamedNode)})

    def describe(self, iri: str) -> list[ox.Triple]:
        """Outgoing triples (with blank-node closure) and incoming triples of the resource."""
        triples, seen, done = [], set(), set()
        todo = [ox.NamedNode(iri)]
        while todo:
            node = todo.pop()
            if _term_key(node) in done:
                continue
            done.add(_term_key(node))
            for p, o in self.outgoing(node):
                t = ox.Triple(node, p, o)
                if str(t) not in seen:
                    seen.add(str(t))
                    triples.append(t)
                if isinstance(o, ox.BlankNode):
                    todo.append(o)
        for s, p in self.incoming(iri):
            t = ox.Triple(s, p, ox.NamedNode(iri))
            if str(t) not in seen:
                seen.add(str(t))
                triples.append(t)
        return triples

    def graph(self, graph: str) -> list[ox.Triple]:
        """The triples of a named graph, sorted."""
        return sorted({ox.Triple(q.subject, q.predicate, q.object) for q in
                       self.store.quads_for_pattern(None, None, None, ox.NamedNode(graph))}, key=str)


def rdf_response(triples: list[ox.Triple], fmt: str, headers: dict[str, str] | None = None) -> Response:
    body, media_type = write_graph(triples, fmt, PREFIXES)
    return Response(body, media_type=media_type, headers=headers)


class LinkedData:
    """The handlers of resource paths, /ontology, /dumps and /void over `Resources` and dist/."""

    def __init__(self, resources: Resources, dist: Path | None, names=None):
        self.resources = resources
        self.dist = dist
        self.names = names  # a callable giving the kg.names index, for suggestions on a 404
        self.download_paths = self._void_downloads()

    def dist_files(self) -> dict[str, Path]:
        """The files of dist/ by their path in it (`paradiplomacy.nq`, `framed/actors.json`); hidden
        files and folders are left out. Only these are ever served: no path from a request reaches
        the disk."""
        if not self.dist or not self.dist.is_dir():
            return {}
        home = self.dist.resolve()
        # a symlink (or a file reached through one) is never served: it may point anywhere on the
        # disk, and kg build never makes one (red-team defect 15)
        return {p.relative_to(self.dist).as_posix(): p for p in sorted(self.dist.rglob("*"))
                if p.is_file() and not p.is_symlink() and p.resolve().is_relative_to(home)
                and not any(part.startswith(".") for part in p.relative_to(self.dist).parts)}

    def _void_downloads(self) -> dict[str, Path]:
        """Server paths of the download URLs in dist/void.ttl (void:dataDump, dcat:downloadURL).

        The description names files under https://w3id.org/paradiplomacy/...; each one that is a
        file of dist/ is served at that same path, so the description holds on this server too.
        """
        files = self.dist_files()
        if "void.ttl" not in files:
            return {}
        out: dict[str, Path] = {}
        with open(files["void.ttl"], "rb") as fh:
            void = list(ox.parse(fh, format=ox.RdfFormat.TURTLE))
        for t in void:
            if t.predicate.value in (str(VOID.dataDump), str(DCAT.downloadURL)) and isinstance(t.object, ox.NamedNode):
                url = t.object.value
                if not url.startswith(BASE):
                    continue
                # the longest path of a file of dist/ that ends the URL (framed/actors.json before actors.json)
                names = sorted((n for n in files if url.endswith("/" + n)), key=len, reverse=True)
                if names:
                    out["/" + url[len(BASE):]] = files[names[0]]
        return out

    async def resource(self, request: Request) -> Response:
        if request.url.path in self.download_paths:
            path = self.download_paths[request.url.path]
            return FileResponse(path, media_type=media_type_for(path.name))
        path = request.url.path.lstrip("/")
        fmt = None
        for ext, key in EXTENSIONS.items():
            if path.endswith(ext) and not self.resources.exists(BASE + path):
                path, fmt = path[: -len(ext)], key
                break
        iri = BASE + path
        if fmt is None:
            fmt = request.query_params.get("format")
            fmt = FORMAT_ALIASES.get(fmt or "", fmt)
            if fmt not in DESCRIPTION_FORMATS:
                fmt = negotiate(request.headers.get("accept"), PAGE_OFFERS, "html")
        lang = page_lang(request)
        chrome = pages.chrome(request, lang)
        if path == "ontology" or path.startswith("ontology/"):
            return self.ontology(fmt, chrome)
        if not self.resources.exists(iri):
            if fmt == "html":
                return pages.html(pages.not_found_page(iri, self.suggest(path), chrome), status_code=404)
            raise HTTPProblem(404, f"<{iri}> is not in this dataset")
        if fmt == "html":
            return pages.html(pages.resource_page(self.resources, iri, lang, chrome),
                              headers={"Vary": "Accept, Cookie"})
        return rdf_response(self.resources.describe(iri), fmt, headers={"Vary": "Accept"})

    def suggest(self, path: str) -> list[dict]:
        """Names like the last segment of a path that names nothing (/id/Catalonia -> Catalonia)."""
        if self.names is None:
            return []
        text = path.rstrip("/").rsplit("/", 1)[-1]
        try:
            matches = self.names().search(text, limit=8)
        except Exception:  # a suggestion must never turn a 404 into a 500
            return []
        return [{"href": pages.local_href(str(m.iri)), "label": m.label, "id": pages.short(str(m.iri), brackets=False),
                 "kind": m.kind_label or ""} for m in matches]

    def ontology(self, fmt: str, chrome: dict | None = None) -> Response:
        if fmt == "html":
            return pages.html(pages.ontology_page(self.resources, chrome), headers={"Vary": "Accept, Cookie"})
        dist_file = self.dist / "ontology.ttl" if self.dist else None
        if fmt == "turtle" and dist_file and dist_file.is_file():
            return FileResponse(dist_file, media_type="text/turtle; charset=utf-8", headers={"Vary": "Accept"})
        return rdf_response(self.resources.graph(str(GRAPH_ONTOLOGY)), fmt, headers={"Vary": "Accept"})

    async def dumps(self, request: Request) -> Response:
        name = request.path_params.get("name")
        files = self.dist_files()
        if not name:
            if wants_html(request.headers.get("accept")):
                return pages.html(pages.dumps_page(files, pages.chrome(request, page_lang(request))),
                                  headers={"Vary": "Accept, Cookie"})
            return JSONResponse([{"name": n, "bytes": p.stat().st_size, "url": f"/dumps/{n}"}
                                 for n, p in files.items()])
        if name not in files:  # only files listed in dist/: no path ever reaches the disk
            raise HTTPProblem(404, f"no dump named {name!r}; /dumps lists them")
        return FileResponse(files[name], media_type=media_type_for(name))

    async def void(self, request: Request) -> Response:
        files = self.dist_files()
        if "void.ttl" not in files:
            raise HTTPProblem(404, "dist/void.ttl is missing: run `kg build`")
        fmt = negotiate(request.headers.get("accept"), GRAPH_OFFERS, "turtle")
        if fmt == "turtle":
            return FileResponse(files["void.ttl"], media_type="text/turtle; charset=utf-8")
        with open(files["void.ttl"], "rb") as fh:
            return rdf_response(list(ox.parse(fh, format=ox.RdfFormat.TURTLE)), fmt)
