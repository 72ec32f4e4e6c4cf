"""`kg query`: a canned question by name, a .rq file, or SPARQL text, on any engine."""
from __future__ import annotations

import argparse
import sys

from kg.cli import add_common, add_lang, dataset, progress
from kg.cli.output import format_result
from kg.errors import InputError
from kg.namespaces import PREFIXES
from kg.query.lexer import prefix_declarations

EPILOG = """\
examples:
  kg query --list
  kg query agreements-of-actor --param actor="DI Yogyakarta"
  kg query agreements-of-actor --param actor=Katalonia --lang id
  kg query competences-side-by-side --param actor_a=Flanders --param actor_b=Catalonia
  kg query relation-evidence --param relation=Catalonia        (an actor: its relation)
  kg query centre-region-relations --format csv                (ids and names, both)
  kg query centre-region-relations --ids                       (ids beside the names)
  kg query --sparql 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }' --engine rdflib
  kg query my-question.rq --endpoint http://127.0.0.1:7878/query

Names: a parameter that wants a thing takes its name in English or Indonesian, an alternative
name, an id or an IRI, ignoring case, accents and punctuation. A name that fits several things
lists them (exit 2); a name that fits nothing suggests the closest ones (exit 2).
Every column of ids gets a <column>Label column of names in --lang (falling back to the other
language); tables show the names, CSV/TSV/JSON carry both.
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
                   help="a parameter of the canned query (repeatable); things by name (Catalonia, "
                        "Katalonia), id (catalonia, pdi:catalonia) or <iri>")
    add_lang(p)
    p.add_argument("--ids", action="store_true", help="tables: show the ids beside the names")
    p.add_argument("--no-labels", action="store_true",
                   help="no added <column>Label columns (the query's own columns only)")
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

    # oxigraph in a child process, killed at --timeout (in this process a query that returns no
    # row could not be stopped)
    return load_engine(args.engine, dataset(args).ensure_built(progress(args)), stoppable=True)


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


def knowledge_graph(args):
    """The dataset the arguments name, asked through the library (`kg.api`), in --lang."""
    from kg.api import KnowledgeGraph

    loc = None if getattr(args, "endpoint", None) else dataset(args)
    return KnowledgeGraph(loc, engine=engine_for(args), lang=getattr(args, "lang", None) or "en")


def run_query(args):
    """The result of the query the arguments name, and the prefixes to print it with."""
    from kg.query.catalogue import resolve

    params = parse_params(args.param)
    labels = not getattr(args, "no_labels", False)
    if args.sparql:
        if args.name:
            raise InputError("give either a query NAME|FILE or --sparql TEXT, not both")
        if params:
            raise InputError("--param works with canned queries; in --sparql text write the value in")
        # the project's prefixes need no PREFIX lines: the engine is told them (not the text), so
        # an error's line and column are those the user wrote
        kg = knowledge_graph(args)
        return kg.run_sparql(args.sparql, labels=labels, timeout=args.timeout), {**PREFIXES, **prefix_declarations(args.sparql)}
    if not args.name:
        raise InputError("name a query (see `kg query --list`), give a .rq FILE, or use --sparql TEXT")
    q = resolve(args.name, dataset(args).root)
    kg = knowledge_graph(args)
    return kg.run_canned(q, params, labels=labels, timeout=args.timeout), q.prefixes()


def run(args) -> int:
    if args.list:
        return list_queries(args)
    result, prefixes = run_query(args)
    sys.stdout.buffer.write(format_result(result, args.format, prefixes, ids=args.ids))
    sys.stdout.flush()
    return 0
