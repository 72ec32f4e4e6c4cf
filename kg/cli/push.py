"""`kg push`: load the dataset into a triple store (SPARQL 1.1 Graph Store Protocol)."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from kg.cli import add_common, dataset, progress
from kg.errors import NonConforming
from kg.terms import check_iri

PUSH_HELP = "load the dataset into a triple store (SPARQL 1.1 Graph Store Protocol)"
PUSH_EPILOG = """\
URLs: give the query endpoint (--endpoint) and/or the Graph Store (--store); the other is guessed:
  Virtuoso  --endpoint http://host:8890/sparql  -> store /sparql-graph-crud-auth (with --user)
  Oxigraph  --endpoint http://host:7878/query   -> store /store
  Fuseki    --endpoint http://host:3030/ds/query -> store /ds/data
Each named graph (ontology, data, inferred) is PUT, which replaces it: pushing twice leaves the same
triples. The password may also come from the environment variable KG_STORE_PASSWORD.
Exit codes: 0 pushed and counts match, 1 a count differs, 2 usage error or the store is unreachable.

examples:
  kg push --endpoint http://127.0.0.1:8890/sparql --user dba --password dba     (Virtuoso)
  kg push --endpoint http://127.0.0.1:7878/query                                (Oxigraph server)
  kg --root ../my-cases push --endpoint http://127.0.0.1:7878/query             (another tree's build)
"""


def register(sub) -> None:
    p = add_common(sub.add_parser(
        "push", help=PUSH_HELP, description="Load the dataset into a triple store (SPARQL 1.1 Graph "
                                            "Store Protocol) and check the triple counts.",
        epilog=PUSH_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter))
    p.add_argument("--endpoint", metavar="URL", help="SPARQL query endpoint (for the count check)")
    p.add_argument("--store", metavar="URL", help="Graph Store Protocol endpoint (default: guessed, see below)")
    p.add_argument("--graph", metavar="IRI", help="put the whole dataset into this one graph instead")
    p.add_argument("--user", help="account for the store (Virtuoso: dba)")
    p.add_argument("--password", help="password (or set KG_STORE_PASSWORD, which keeps it out of `ps`)")
    p.add_argument("--auth", choices=["basic", "digest"], default="digest",
                   help="HTTP authentication scheme (default: digest, as Virtuoso wants)")
    p.add_argument("--dataset", metavar="FILE.nq", type=Path,
                   help="N-Quads to load (default: the build of --root, dist/paradiplomacy.nq, built if missing)")
    p.add_argument("--timeout", type=float, default=300.0, metavar="SECONDS",
                   help="time limit for the whole push, every request included (default 300)")
    p.set_defaults(func=run)


def _log(msg: str) -> None:
    print(f"push: {msg}", file=sys.stderr, flush=True)


def run(args) -> int:
    from kg.store.push import push, resolve_store_urls

    password = args.password if args.password is not None else os.environ.get("KG_STORE_PASSWORD")
    if args.graph:
        check_iri(args.graph, "--graph")
    urls = resolve_store_urls(args.endpoint, args.store, with_auth=bool(args.user))
    nquads = dataset(args, nquads=args.dataset).ensure_built(progress(args))
    report = push(nquads, urls, graph=args.graph, user=args.user, password=password,
                  auth=args.auth, timeout_s=args.timeout, log=_log)
    if not report.ok:
        bad = [g for g in report.graphs if g.remote != g.local]
        raise NonConforming("the store does not hold what was pushed: " + "; ".join(
            f"<{g.graph}> {g.remote} triples in the store, {g.local} local" for g in bad)
            + " (a store that merges equal values, e.g. \"01\" and \"1\" as integers, counts fewer)")
    total = sum(g.local for g in report.graphs)
    print(f"pushed {total:,} triples in {len(report.graphs)} graph(s) to {urls.store}; counts match")
    return 0
