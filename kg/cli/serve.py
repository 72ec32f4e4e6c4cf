"""`kg serve`: the SPARQL 1.1 endpoint, linked-data pages and the web page over the built dataset."""
from __future__ import annotations

import argparse
import os
import sys

from kg.cli import add_common, dataset, progress
from kg.errors import InputError
from kg.serve.config import (
    DEFAULT_CACHE_BYTES,
    DEFAULT_CACHE_ENTRIES,
    DEFAULT_MAX_REQUEST_BYTES,
    DEFAULT_MAX_ROWS,
    DEFAULT_TIMEOUT_S,
    DEFAULT_WORKERS,
    ServerConfig,
)

EPILOG = """\
examples:
  kg serve                                  http://127.0.0.1:8000/ over the checkout's build
  kg --root ../my-cases serve --port 8080   another source tree's build
  kg serve --data other.nq                  any N-Quads file (nothing is built)
  kg serve --allow-updates --token T        accept SPARQL updates carrying 'Authorization: Bearer T'
"""


def register(sub) -> None:
    p = add_common(sub.add_parser(
        "serve", help="serve the dataset: SPARQL endpoint, linked-data pages, web page",
        description="Serve the built dataset over HTTP: a SPARQL 1.1 endpoint at /sparql, linked-data "
                    "pages at the IRIs' own paths, the dumps under /dumps and a web page at /. Read-only "
                    "unless --allow-updates and --token are both given.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter))
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument("--data", metavar="FILE.nq", help="an N-Quads file to serve instead of the build of --root")
    p.add_argument("--dist", metavar="DIR", help="folder served under /dumps (default: the build's dist/)")
    p.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT_S,
                   help=f"seconds a query may run before it is stopped (503) (default {DEFAULT_TIMEOUT_S:g})")
    p.add_argument("--max-rows", type=int, default=DEFAULT_MAX_ROWS,
                   help=f"most rows or triples in an answer; more is refused with 413 (default {DEFAULT_MAX_ROWS})")
    p.add_argument("--max-request-bytes", type=int, default=DEFAULT_MAX_REQUEST_BYTES,
                   help=f"largest request body or query string; larger is 413 (default {DEFAULT_MAX_REQUEST_BYTES})")
    p.add_argument("--workers", type=int, default=DEFAULT_WORKERS,
                   help=f"query worker processes (default {DEFAULT_WORKERS}; 1 with --allow-updates)")
    p.add_argument("--cache-entries", type=int, default=DEFAULT_CACHE_ENTRIES,
                   help=f"query answers kept in memory (LRU, at most {DEFAULT_CACHE_BYTES // 2**20} MB); "
                        f"0 turns the cache off (default {DEFAULT_CACHE_ENTRIES})")
    p.add_argument("--allow-updates", action="store_true",
                   help="accept SPARQL updates (on a private copy of the data; dist/ is never changed)")
    p.add_argument("--token", help="the bearer token updates must carry (required with --allow-updates); "
                                   "or set KG_SERVE_TOKEN")
    p.set_defaults(func=run)


def config_from_args(args) -> ServerConfig:
    """The server's configuration from the options; the dataset from `kg.cli.dataset`."""
    token = args.token or os.environ.get("KG_SERVE_TOKEN")
    if args.allow_updates and not token:
        raise InputError("--allow-updates needs --token T (or KG_SERVE_TOKEN): updates are never open to all")
    for name in ("timeout", "max_rows", "max_request_bytes", "workers"):
        if getattr(args, name) <= 0:
            raise InputError(f"--{name.replace('_', '-')} must be greater than 0")
    if args.cache_entries < 0:
        raise InputError("--cache-entries must be 0 (no cache) or more")
    loc = dataset(args, nquads=args.data, dist=args.dist)
    nquads = loc.ensure_built(progress(args))
    return ServerConfig(nquads=nquads, root=loc.root, dist=loc.dist,
                        timeout_s=args.timeout, max_rows=args.max_rows,
                        max_request_bytes=args.max_request_bytes, workers=args.workers,
                        allow_updates=args.allow_updates, token=token, cache_entries=args.cache_entries)


def run(args) -> int:
    import uvicorn

    from kg.serve.app import create_app

    config = config_from_args(args)
    app = create_app(config)
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        print(f"kg serve: listening on {args.host}: reachable from other machines", file=sys.stderr)
    print(f"kg serve: http://{args.host}:{args.port}/  (SPARQL at /sparql, "
          f"{'updates ON with token' if config.allow_updates else 'read-only'})", file=sys.stderr)
    # h11 named explicitly: its header-size limit below is a safety setting that uvicorn's httptools
    # parser (picked automatically when installed) would silently drop
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", http="h11",
                limit_concurrency=256, timeout_keep_alive=5, h11_max_incomplete_event_size=64 * 1024)
    return 0
