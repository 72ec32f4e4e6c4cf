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
    DEFAULT_MAX_ANSWER_BYTES,
    DEFAULT_MAX_DEPTH,
    DEFAULT_MAX_MEMORY_MB,
    DEFAULT_MAX_QUEUE,
    DEFAULT_MAX_QUEUE_PER_CLIENT,
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
  KG_SERVE_TOKEN=T kg serve --allow-updates accept SPARQL updates carrying 'Authorization: Bearer T'
  kg serve --allow-updates --token-file F   the same, the token read from the file F
  kg serve --public-url https://kg.example.org   base IRIs as clients know the server (behind a proxy)
  kg serve --forwarded-allow-ips 127.0.0.1   behind a proxy on this machine: its X-Forwarded-For names the client
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
                   help=f"query worker processes, forked from one process holding the store (default: the cores "
                        f"and one more, here {DEFAULT_WORKERS}; 1 with --allow-updates). One client holds at "
                        "most all workers but one")
    p.add_argument("--max-answer-bytes", type=int, default=DEFAULT_MAX_ANSWER_BYTES,
                   help=f"largest answer body; larger is refused with 413 (default {DEFAULT_MAX_ANSWER_BYTES})")
    p.add_argument("--max-memory", type=int, default=DEFAULT_MAX_MEMORY_MB, metavar="MB",
                   help=f"memory one query may add to its worker's resident memory (the worker's own, the "
                        f"dataset's store included, not counted); past it the query is refused (413) and the "
                        f"worker replaced; 0: no limit (default {DEFAULT_MAX_MEMORY_MB})")
    p.add_argument("--max-queue", type=int, default=DEFAULT_MAX_QUEUE,
                   help=f"queries waiting for a worker, in all; more are refused with 503 (default {DEFAULT_MAX_QUEUE})")
    p.add_argument("--max-queue-per-client", type=int, default=DEFAULT_MAX_QUEUE_PER_CLIENT,
                   help=f"... and from one client address (default {DEFAULT_MAX_QUEUE_PER_CLIENT})")
    p.add_argument("--max-depth", type=int, default=DEFAULT_MAX_DEPTH,
                   help=f"brackets nested in a query; deeper is refused with 400 (default {DEFAULT_MAX_DEPTH})")
    p.add_argument("--allocator", default="auto", metavar="auto|system|PATH",
                   help="the query workers' malloc: auto (mimalloc when the system has it, e.g. Debian's "
                        "libmimalloc2.0: about 25%% less CPU a query than glibc's), system, or a library path "
                        "(default auto; /health says which)")
    p.add_argument("--public-url", metavar="URL",
                   help="the server's URL as clients know it (base IRIs, the service description); default: "
                        "the address it listens on (never the request's Host header)")
    p.add_argument("--forwarded-allow-ips", metavar="IPS",
                   help="comma-separated addresses (or networks, or *) of reverse proxies whose X-Forwarded-For "
                        "and X-Forwarded-Proto headers are believed: the client address the fair queue of the "
                        "query workers shares them by, and the scheme. Default: none, the connection's own peer "
                        "is the client (a header any process can set never is)")
    p.add_argument("--cache-entries", type=int, default=DEFAULT_CACHE_ENTRIES,
                   help=f"query answers kept in memory (LRU, at most {DEFAULT_CACHE_BYTES // 2**20} MB); "
                        f"0 turns the cache off (default {DEFAULT_CACHE_ENTRIES})")
    p.add_argument("--allow-updates", action="store_true",
                   help="accept SPARQL updates (on a private copy of the data; dist/ is never changed)")
    p.add_argument("--token", help="the bearer token updates must carry; prefer KG_SERVE_TOKEN or --token-file "
                                   "(a token on the command line shows in `ps`)")
    p.add_argument("--token-file", metavar="FILE", help="read the bearer token from FILE (its first line)")
    p.set_defaults(func=run)


def config_from_args(args) -> ServerConfig:
    """The server's configuration from the options; the dataset from `kg.cli.dataset`."""
    token = args.token or os.environ.get("KG_SERVE_TOKEN")
    if args.token_file:
        try:
            with open(args.token_file, encoding="utf-8") as fh:
                token = fh.readline().strip()
        except OSError as exc:
            raise InputError(f"--token-file: cannot read {args.token_file}: {exc.strerror}") from None
        if not token:
            raise InputError(f"--token-file: {args.token_file} holds no token on its first line")
    if args.allow_updates and not token:
        raise InputError("--allow-updates needs a token: set KG_SERVE_TOKEN, or give --token-file FILE "
                         "(or --token T): updates are never open to all")
    if args.token and args.allow_updates:
        print("kg serve: warning: --token on the command line is visible to other users in `ps`; "
              "prefer KG_SERVE_TOKEN or --token-file", file=sys.stderr)
    for name in ("timeout", "max_rows", "max_request_bytes", "workers", "max_answer_bytes", "max_queue",
                 "max_queue_per_client", "max_depth"):
        if getattr(args, name) <= 0:
            raise InputError(f"--{name.replace('_', '-')} must be greater than 0")
    if args.max_memory < 0:
        raise InputError("--max-memory must be 0 (no limit) or more")
    if args.allocator not in ("auto", "system"):
        from pathlib import Path

        if not Path(args.allocator).is_file():
            raise InputError(f"--allocator {args.allocator}: no such file; give auto, system or the path of a "
                             "malloc library (e.g. /usr/lib/x86_64-linux-gnu/libmimalloc.so.2)")
    if args.cache_entries < 0:
        raise InputError("--cache-entries must be 0 (no cache) or more")
    forwarded = None
    if args.forwarded_allow_ips is not None:
        forwarded = [a.strip() for a in args.forwarded_allow_ips.split(",") if a.strip()]
        if not forwarded:
            raise InputError("--forwarded-allow-ips needs at least one address (e.g. 127.0.0.1)")
        if "*" not in forwarded:
            import ipaddress

            for a in forwarded:
                try:  # as uvicorn reads them: an address, or a network with no host bits set
                    ipaddress.ip_network(a) if "/" in a else ipaddress.ip_address(a)
                except ValueError:
                    raise InputError(f"--forwarded-allow-ips: {a!r} is not an IP address or network "
                                     "(e.g. 127.0.0.1, 10.0.0.0/8)") from None
    loc = dataset(args, nquads=args.data, dist=args.dist)
    nquads = loc.ensure_built(progress(args))
    return ServerConfig(nquads=nquads, root=loc.root, dist=loc.dist,
                        timeout_s=args.timeout, max_rows=args.max_rows,
                        max_request_bytes=args.max_request_bytes, workers=args.workers,
                        allow_updates=args.allow_updates, token=token, cache_entries=args.cache_entries,
                        max_answer_bytes=args.max_answer_bytes, max_memory_mb=args.max_memory,
                        max_queue=args.max_queue, max_queue_per_client=args.max_queue_per_client,
                        max_depth=args.max_depth, public_url=args.public_url, allocator=args.allocator,
                        forwarded_allow_ips=forwarded)


def check_port_free(host: str, port: int) -> None:
    """An input error (exit 2) when another program listens on host:port, said before anything
    starts: uvicorn would log a traceback-like error and exit 1 after the workers had started."""
    import errno
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise InputError(f"--host {host}: cannot be resolved ({exc.strerror or exc})")
    family, _, _, _, addr = infos[0]
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        try:
            probe.bind(addr)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise InputError(f"port {port} on {host} is already in use (another kg serve?); stop that "
                                 f"program or choose another port, e.g. kg serve --port {port + 1}")
            if exc.errno == errno.EACCES:
                raise InputError(f"port {port} on {host}: permission denied (ports below 1024 need root); "
                                 f"choose another, e.g. kg serve --port 8000")
            raise InputError(f"cannot listen on {host}:{port}: {exc.strerror or exc}")


def run(args) -> int:
    import uvicorn

    from kg.serve.app import create_app
    from kg.serve.connections import uvicorn_config

    check_port_free(args.host, args.port)
    config = config_from_args(args)
    app = create_app(config)
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        print(f"kg serve: listening on {args.host}: reachable from other machines", file=sys.stderr)
    print(f"kg serve: http://{args.host}:{args.port}/  (SPARQL at /sparql, "
          f"{'updates ON with token' if config.allow_updates else 'read-only'})", file=sys.stderr)
    uvicorn.Server(uvicorn_config(app, args.host, args.port, config.forwarded_allow_ips)).run()
    return 0
