"""`kg`: the command line. Each command is a small module here that parses its arguments, calls the
library and prints; nothing below `kg.cli` parses arguments or prints for people.

- `main(argv) -> int` runs one command in-process (the console script and `python -m kg` call it);
- `dataset(args)` is the one place a command learns which dataset it works on;
- errors: every `kg.errors.KgError` is printed without a traceback and exits with its class's
  status (0 fine; 1 the data does not conform; 2 usage or input error); so is an `OSError`, with the
  file's name (exit 2).
"""
from __future__ import annotations

import argparse
import importlib
import os
import sys
from pathlib import Path
from typing import Sequence

from kg import __version__
from kg.dataset import DatasetLocation
from kg.errors import EXIT_OK, EXIT_USAGE, KgError, describe_os_error

__all__ = ["main", "build_parser", "dataset", "COMMANDS"]

# one module a command, in the order `kg --help` lists them
COMMANDS = ("demo", "build", "query", "export", "stats", "explain", "serve", "push", "template", "import_")

_EPILOG = """\
Start here:
  kg demo                       build the dataset, show what is in it, answer one question
  kg build                      parse, validate (SHACL), reason (OWL 2 RL), write dist/
  kg stats                      how many triples, instances per class
  kg query --list               the canned questions, in English and Indonesian
  kg query centre-region-relations
  kg query agreements-of-actor --param actor="DI Yogyakarta" --lang id
  kg explain Catalonia          why its relation with Madrid is conflictual, with the sentences
  kg query --sparql 'SELECT ?s WHERE { ?s a pd:SubStateGovernment }'
  kg export --format jsonld -o paradiplomacy.jsonld

Exit status: 0 fine; 1 the data does not conform (a SHACL violation, a violation query
with rows, an OWL inconsistency); 2 a usage or input error (malformed Turtle, unknown query,
bad parameter). Errors name the file and line and say how to fix them.

The source tree is the checkout (or $KG_ROOT, or --root); the built dataset goes to <root>/dist.
"""

ROOT_HELP = "the source tree (with ontology/, data/, shapes/, queries/); default: $KG_ROOT or the checkout"


class _Parser(argparse.ArgumentParser):
    """argparse exits 2 on usage errors already; this only adds a hint to the message."""

    def error(self, message: str):  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n  (`{self.prog} --help` explains the options)\n")


def add_lang(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """`--lang en|id`: the language of names and texts in the answers (falling back to the other)."""
    p.add_argument("--lang", choices=("en", "id"), default="en",
                   help="names and texts in English (en, default) or Indonesian (id); a thing without a "
                        "name in that language shows its name in the other")
    return p


def add_common(p: argparse.ArgumentParser, *, quiet: bool = True) -> argparse.ArgumentParser:
    """Options every command takes. `--root` may follow the command too (`kg serve --root X`); given
    there it must not clobber the global one, hence SUPPRESS as its default."""
    p.add_argument("--root", metavar="DIR", default=argparse.SUPPRESS, help=ROOT_HELP)
    if quiet:
        p.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    return p


def dataset(args: argparse.Namespace, *, nquads: str | Path | None = None,
            dist: str | Path | None = None) -> DatasetLocation:
    """The dataset this command works on: the build of `--root` (default $KG_ROOT or the checkout),
    or an N-Quads file the command was given."""
    return DatasetLocation.of(getattr(args, "root", None), nquads=nquads, dist=dist)


def progress(args: argparse.Namespace):
    """A printer of stage timings on stderr, or None with --quiet."""
    if getattr(args, "quiet", False):
        return None

    def report(stage: str, seconds: float) -> None:
        print(f"  {stage:<13} {seconds * 1000:8.0f} ms", file=sys.stderr, flush=True)

    return report


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="kg",
        description="paradiplomacy-kg: a knowledge graph of how sub-state governments (regions, "
                    "provinces, cities) conduct foreign relations and how their central governments "
                    "respond. Build it from the Turtle sources, query it with canned or your own SPARQL, "
                    "export it, serve it.",
        epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"paradiplomacy-kg {__version__}")
    parser.add_argument("--root", metavar="DIR", help=ROOT_HELP)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMANDS:
        importlib.import_module(f"kg.cli.{name}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return int(args.func(args) or EXIT_OK)
    except KgError as exc:
        print(f"kg: {_lead(exc)}{exc}", file=sys.stderr)
        return exc.exit_code
    except BrokenPipeError:
        # `kg query ... | head`: the reader left; not an error worth a traceback
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
        return EXIT_OK
    except OSError as exc:
        print(f"kg: error: {describe_os_error(exc)}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130


def _lead(exc: KgError) -> str:
    from kg.errors import BuildFailed

    return "the build stopped: " if isinstance(exc, BuildFailed) else "error: "
