"""`kg explain`: why a centre–region relation is derived cooperative or conflictual, with sources."""
from __future__ import annotations

import argparse
import sys

from kg.cli import add_common, add_lang

EPILOG = """\
examples:
  kg explain Catalonia
  kg explain Katalonia                      (names in Indonesian too)
  kg explain "DI Yogyakarta"
  kg explain --all                          (every centre–region relation, its character and rule)
  kg explain Katalonia --lang id            (names in Indonesian)
  kg explain pdi:relation-flanders-belgium
  kg explain https://w3id.org/paradiplomacy/id/relation-catalonia-spain --format json
  kg explain catalonia --endpoint http://127.0.0.1:7878/query
"""


def register(sub) -> None:
    p = add_common(sub.add_parser(
        "explain", help="why a centre–region relation is derived cooperative or conflictual",
        description="Explain the derived classification of a centre–region relation: the OWL RL axiom, "
                    "the evidence that satisfies it (with the axiom that made each piece an indicator), "
                    "and the quoted source sentences, beside the scholars' or the author's own classification.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter))
    p.add_argument("target", metavar="ACTOR-or-RELATION", nargs="?",
                   help="a relation or a sub-state actor: its name in English or Indonesian (Catalonia, "
                        "Katalonia), an id (catalonia, pdi:catalonia) or a full IRI")
    p.add_argument("--all", action="store_true", help="every centre–region relation of the dataset")
    add_lang(p)
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--engine", choices=("oxigraph", "rdflib"), default="oxigraph")
    p.add_argument("--endpoint", metavar="URL", help="explain from a SPARQL 1.1 endpoint instead")
    p.set_defaults(func=run)


def run(args) -> int:
    from kg.cli.query import knowledge_graph
    from kg.errors import InputError
    from kg.explain import format_text

    if bool(args.all) == bool(args.target):
        raise InputError("name one relation or actor (e.g. kg explain Catalonia), or give --all")
    exp = knowledge_graph(args).explain(None if args.all else args.target)
    sys.stdout.write(exp.to_json() + "\n" if args.format == "json" else format_text(exp))
    return 0
