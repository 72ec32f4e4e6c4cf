"""`kg query`: a canned question by name, a .rq file, or SPARQL text, on any engine."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kg.cli import add_common, dataset, progress
from kg.cli.output import format_result
from kg.errors import InputError
from kg.namespaces import PREFIXES

EPILOG = """\
examples:
  kg query --list
  kg query centre-region-relations --format csv
  kg query agreements-of-actor --param actor=pdi:special-region-of-yogyakarta
  kg query --sparql 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }' --engine rdflib
  kg query my-question.rq --endpoint http://127.0.0.1:7878/query
"""


def register(sub) -> None:
    p = add_common(sub.add_parser(
        "query", help="run a canned query, a .rq file or SPARQL text",
        description="Run a canned query by name (see --list), a .rq file, or --sparql TEXT on the "
                    "built dataset (built first if missing). The project's prefixes (pd:, pdi:, ...) "
                    "may be used in --sparql text without PREFIX lines.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter))
    p.add_argument("name", nargs="?", metavar="NAME|FILE", help="a canned query name or a .rq file")
    p.add_argument("--sparql", metavar="TEXT", help="SPARQL query text")
    p.add_argument("--list", action="store_true", help="list the canned queries and their parameters")
    p.add_argument("--param", action="append", metavar="NAME=VALUE", default=[],
                   help="a parameter of the canned query (repeatable); IRIs as pdi:x, <iri> or x")
    p.add_argument("--format", choices=("table", "csv", "tsv", "json"), default="table",
                   help="table (default, for people), SPARQL CSV/TSV, or SPARQL JSON results")
    p.add_argument("--engine", choices=("oxigraph", "rdflib"), default="oxigraph",
                   help="embedded engine (default oxigraph; rdflib is the reference)")
    p.add_argument("--endpoint", metavar="URL", help="query a SPARQL 1.1 endpoint instead")
    p.add_argument("--timeout", type=float, metavar="SECONDS", help="time limit of the query")
    p.set_defaults(func=run)


def parse_params(pairs) -> dict[str, str]:
    out = {}
    for p in pairs or ():
        if "=" not in p:
            raise InputError(f"--param {p!r}: write it as NAME=VALUE, e.g. --param actor=pdi:flanders")
        k, v = p.split("=", 1)
        out[k.strip()] = v
    return out


def engine_for(args):
    """The engine a command asked for: a remote endpoint, or an embedded one over the dataset."""
    if getattr(args, "endpoint", None):
        from kg.query.remote import RemoteEngine

        return RemoteEngine(args.endpoint)
    from kg.query import load_engine

    return load_engine(args.engine, dataset(args).ensure_built(progress(args)))


def list_queries(args) -> int:
    from kg.query.catalogue import load_catalogue

    cat = load_catalogue(dataset(args).root)
    if not cat:
        print("no canned queries in queries/ yet")
        return 0
    for q in cat.values():
        print(f"{q.name}  [{q.role}]")
        print(f"    {q.summary}")
        if q.question_en:
            print(f"    en: {q.question_en}")
        if q.question_id:
            print(f"    id: {q.question_id}")
        for prm in q.params:
            default = f" (default {prm.default})" if prm.default else ""
            print(f"    --param {prm.name}=<{prm.type}>{default}: {prm.description}")
        print()
    return 0


def run_query(args):
    """The result of the query the arguments name, and the prefixes to print it with."""
    from kg.query.catalogue import CannedQuery, resolve

    params = parse_params(args.param)
    if args.sparql:
        if args.name:
            raise InputError("give either a query NAME|FILE or --sparql TEXT, not both")
        # ad-hoc queries may use the project's prefixes without declaring them: the engine is
        # told them (not the text), so an error's line and column are those the user wrote
        q = CannedQuery(name="(--sparql)", path=Path("-"), text=args.sparql, summary="ad-hoc")
        if params:
            raise InputError("--param works with canned queries; in --sparql text write the value in")
        bindings = {}
    else:
        if not args.name:
            raise InputError("name a query (see `kg query --list`), give a .rq FILE, or use --sparql TEXT")
        q = resolve(args.name, dataset(args).root)
        bindings = q.bind(params)
    engine = engine_for(args)
    kwargs = {"prefixes": PREFIXES} if args.sparql else {}
    if args.timeout is not None:
        kwargs["timeout_s"] = args.timeout
    return engine.query(q.text, bindings, **kwargs), q.prefixes()


def run(args) -> int:
    if args.list:
        return list_queries(args)
    result, prefixes = run_query(args)
    sys.stdout.buffer.write(format_result(result, args.format, prefixes))
    sys.stdout.flush()
    return 0
