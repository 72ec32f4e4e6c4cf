"""`kg serve`: the SPARQL 1.1 endpoint, linked-data pages and the web page over the built dataset.

    app.py          create_app: the routes and the lifespan of the worker pool
    protocol.py     the SPARQL 1.1 Protocol: /sparql, /update, /queries (HTTPProblem)
    linked_data.py  resources at their own paths, the ontology, the dumps, VoID
    pages.py        the HTML pages: data -> template context -> templates/*.html
    conneg.py       the formats offered and the choice among them
    cache.py        the result cache
    pool.py         the query worker processes; worker.py is the child process itself
    graph_store.py  the Graph Store Protocol at /store
    connections.py  HTTP connection limits (request-head time limit, connections per client)
    config.py       ServerConfig and the defaults of the limits

`create_app`, `ServerConfig` and `HTTPProblem` are importable from here; they load on first use,
so that the query worker (`python -m kg.serve.worker`) does not import the web stack.
"""
from __future__ import annotations

__all__ = ["create_app", "ServerConfig", "HTTPProblem"]


_LAZY = {"create_app": "kg.serve.app", "ServerConfig": "kg.serve.config", "HTTPProblem": "kg.serve.protocol"}


def __getattr__(name: str):
    # resolved on first use, so importing this package stays cheap
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'kg.serve' has no attribute {name!r}")
