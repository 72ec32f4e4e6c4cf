"""The SPARQL 1.1 Graph Store HTTP Protocol of `kg serve`, at /store.

A graph is named indirectly (`/store?graph=IRI`, `/store?default`) or directly (`/store/PATH`: the
graph whose IRI is this server's URL of that path; the URL is `--public-url` or the socket's
address, never the Host header). GET and HEAD are always open and answer the graph in the format
the Accept header asks for (404 for a graph the store does not hold); PUT, POST and DELETE need
`--allow-updates` and the bearer token, like SPARQL updates, and run in the update worker on the
server's private copy (dist/ is never changed). POST to /store itself creates a new graph and
answers 201 with its Location. Bodies: Turtle, N-Triples, RDF/XML, JSON-LD, N3, or multipart/form-
data holding parts of those types; the size limit is --max-request-bytes.
"""
from __future__ import annotations

import email.parser
import email.policy
import uuid

from starlette.requests import Request
from starlette.responses import Response

from kg.namespaces import PREFIXES
from kg.serve.conneg import GRAPH_OFFERS, negotiate
from kg.serve.protocol import HTTPProblem, SparqlEndpoint, media_type, query_string, read_body, server_base, single
from kg.terms import check_iri


def _multipart(body: bytes, content_type: str) -> list[tuple[str, bytes]]:
    msg = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body)
    if not msg.is_multipart():
        raise HTTPProblem(400, "the multipart/form-data body cannot be read (its boundary?)")
    parts = []
    for part in msg.iter_parts():
        parts.append((part.get_content_type().lower(), part.get_payload(decode=True) or b""))
    return parts


class GraphStore:
    """The handlers of /store over the SPARQL endpoint's worker pool, cache and limits."""

    def __init__(self, endpoint: SparqlEndpoint):
        self.endpoint = endpoint
        self.config = endpoint.config

    def graph_iri(self, request: Request) -> str | None:
        """The graph the request names: None for the default graph."""
        path = request.path_params.get("path")
        base = server_base(request, self.config.public_url)
        if path:
            return f"{base}/store/{path}"
        params = query_string(request, self.config.max_request_bytes)
        if "default" in params and "graph" in params:
            raise HTTPProblem(400, "give either ?default or ?graph=IRI, not both")
        if "default" in params:
            return None
        graph = single(params, "graph")
        if graph is None:
            raise HTTPProblem(400, "name the graph: /store?graph=IRI, /store?default or /store/PATH")
        return check_iri(graph, "graph")

    async def handle(self, request: Request) -> Response:
        method = request.method
        if method in ("GET", "HEAD"):
            return await self.get(request, head=method == "HEAD")
        self.endpoint.authorize_update(request)
        if method == "POST" and not request.path_params.get("path") and not request.url.query:
            iri = f"{server_base(request, self.config.public_url)}/store/{uuid.uuid4().hex}"
            await self.write(request, "post", iri)
            path = iri[len(server_base(request, self.config.public_url)):]
            return Response(status_code=201, headers={"Location": path})
        iri = self.graph_iri(request)
        if method == "DELETE":
            await self.endpoint._call(request, {"op": "graph_store", "action": "delete", "graph": iri})
            await self.endpoint.changed(request)
            return Response(status_code=200)
        reply = await self.write(request, method.lower(), iri)
        # a new graph: 201; PUT over an existing one: 204; POST into one: 200 (all as the manifest has them)
        return Response(status_code=201 if reply[1] == "created" else 204 if method == "PUT" else 200)

    async def get(self, request: Request, head: bool) -> Response:
        iri = self.graph_iri(request)
        fmt = negotiate(request.headers.get("accept"), GRAPH_OFFERS, "turtle")
        reply = await self.endpoint._call(request, {
            "op": "graph_store", "action": "get", "graph": iri, "graph_format": fmt, "prefixes": PREFIXES,
            "max_rows": self.config.max_rows, "max_bytes": self.config.max_answer_bytes})
        _, _kind, ctype, body, _n = reply
        headers = {"Vary": "Accept", "Content-Length": str(len(body))}
        return Response(b"" if head else body, media_type=ctype, headers=headers)

    async def write(self, request: Request, action: str, iri: str | None) -> tuple:
        media, _charset = media_type(request)
        body = await read_body(request, self.config.max_request_bytes)
        if media == "multipart/form-data":
            parts = _multipart(body, request.headers.get("content-type", ""))
        elif media:
            parts = [(media, body)]
        else:
            raise HTTPProblem(400, "a PUT or POST to the graph store needs a Content-Type (text/turtle, ...)")
        reply = await self.endpoint._call(request, {
            "op": "graph_store", "action": action, "graph": iri, "parts": parts, "base_iri": iri})
        await self.endpoint.changed(request)
        return reply
