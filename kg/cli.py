"""`kg`: the command line. It only parses arguments, calls the library and prints.

Exit status: 0 fine; 1 the data does not conform (SHACL violation, violation query, OWL
inconsistency); 2 a usage or input error (bad file, unknown query, bad parameter).
"""
from __future__ import annotations

import argparse
import csv
import importlib
import io
import json
import os
import sys
import time
from pathlib import Path
from typing import Sequence

from rdflib import BNode, Graph, Literal, URIRef

from . import __version__
from .namespaces import PREFIXES, project_root

EXIT_OK, EXIT_NONCONFORMING, EXIT_USAGE = 0, 1, 2

# Commands written in other modules of the package; each module has `register(subparsers)`.
PLUGIN_MODULES = ("kg.server", "kg.remote", "kg.explain")

DEMO_QUERY = "centre-region-relations"

_EPILOG = """\
Start here:
  kg demo                       build the dataset, show what is in it, answer one question
  kg build                      parse, validate (SHACL), reason (OWL 2 RL), write dist/
  kg stats                      how many triples, instances per class
  kg query --list               the canned questions, in English and Indonesian
  kg query centre-region-relations
  kg query agreements-of-actor --param actor=pdi:special-region-of-yogyakarta --format csv
  kg query --sparql 'SELECT ?s WHERE { ?s a pd:SubStateGovernment }'
  kg export --format jsonld -o paradiplomacy.jsonld

Exit status: 0 fine; 1 the data does not conform (a SHACL violation, a violation query
with rows, an OWL inconsistency); 2 a usage or input error (malformed Turtle, unknown query,
bad parameter). Errors name the file and line and say how to fix them.

The source tree is the checkout (or $KG_ROOT, or --root); the built dataset goes to <root>/dist.
"""


class _Parser(argparse.ArgumentParser):
    """argparse exits 2 on usage errors already; this only adds a hint to the message."""

    def error(self, message: str):  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n  (`{self.prog} --help` explains the options)\n")


def _root(args) -> Path:
    return Path(args.root).resolve() if getattr(args, "root", None) else project_root()


def _progress(quiet: bool):
    if quiet:
        return None

    def report(stage: str, seconds: float) -> None:
        print(f"  {stage:<13} {seconds * 1000:8.0f} ms", file=sys.stderr, flush=True)

    return report


# --- build / validate ---------------------------------------------------------------------

def _print_warnings(report, quiet: bool) -> None:
    if report.warnings:
        print(f"{len(report.warnings)} SHACL warning(s) (kept in dist/validation-report.ttl):", file=sys.stderr)
        for w in report.warnings if not quiet else report.warnings[:0]:
            print(f"  {w}", file=sys.stderr)


def cmd_build(args) -> int:
    from .build import build

    root = _root(args)
    if not args.quiet:
        print(f"building {root} (version {__version__})", file=sys.stderr)
    report = build(root, progress=_progress(args.quiet), method=args.method)
    _print_warnings(report, args.quiet)
    t = report.triples
    print(f"built {report.dist}: {t.get('ontology', 0)} ontology + {t.get('data', 0)} data + "
          f"{t.get('inferred', 0)} inferred triples, {len(report.files)} files, "
          f"{report.total_s:.2f} s")
    return EXIT_OK


def cmd_validate(args) -> int:
    from .build import check

    report = check(_root(args), progress=_progress(args.quiet), method=args.method)
    _print_warnings(report, args.quiet)
    print(f"conforms: SHACL shapes pass, OWL 2 RL finds no inconsistency, "
          f"{len(report.violation_queries)} violation queries return no rows "
          f"({len(report.warnings)} warning(s))")
    return EXIT_OK


# --- query ----------------------------------------------------------------------------------

def _cell(term, prefixes: dict[str, str]) -> str:
    from .validate import short

    if term is None:
        return ""
    if isinstance(term, URIRef):
        return short(term, prefixes)
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, Literal):
        return str(term)
    return str(term)


TABLE_CELL_MAX = 80


def format_table(result, prefixes: dict[str, str] | None = None, *, cell_max: int = TABLE_CELL_MAX) -> str:
    """Aligned columns with prefixed IRIs, for people. Long texts (quotes, definitions) are cut at
    `cell_max` characters with a note saying how to see them whole."""
    prefixes = prefixes or PREFIXES
    header = list(result.variables)
    rows = [[_cell(r.get(v), prefixes).replace("\n", " ") for v in header] for r in result.rows]
    cut = any(len(c) > cell_max for row in rows for c in row)
    rows = [[c if len(c) <= cell_max else c[: cell_max - 1] + "…" for c in row] for row in rows]
    widths = [max([len(h)] + [len(row[i]) for row in rows]) for i, h in enumerate(header)]
    out = ["  ".join(h.ljust(w) for h, w in zip(header, widths)).rstrip(),
           "  ".join("-" * w for w in widths)]
    for row in rows:
        out.append("  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip())
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    if cut:
        out.append(f"(texts longer than {cell_max} characters are cut with …; --format csv or json gives them whole)")
    return "\n".join(out)


def format_csv(result, delimiter: str = ",") -> str:
    """SPARQL 1.1 CSV (plain values) or TSV (terms in N-Triples syntax) results."""
    buf = io.StringIO()
    if delimiter == ",":
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow(result.variables)
        for r in result.rows:
            w.writerow(["" if r.get(v) is None else str(r.get(v)) for v in result.variables])
        return buf.getvalue()
    lines = ["\t".join(f"?{v}" for v in result.variables)]
    for r in result.rows:
        lines.append("\t".join("" if r.get(v) is None else r.get(v).n3() for v in result.variables))
    return "\n".join(lines) + "\n"


def _json_term(t) -> dict:
    if isinstance(t, URIRef):
        return {"type": "uri", "value": str(t)}
    if isinstance(t, BNode):
        return {"type": "bnode", "value": str(t)}
    d = {"type": "literal", "value": str(t)}
    if t.language:
        d["xml:lang"] = t.language
    elif t.datatype is not None:
        d["datatype"] = str(t.datatype)
    return d


def format_json(result) -> str:
    """SPARQL 1.1 Query Results JSON."""
    if isinstance(result, bool):
        return json.dumps({"head": {}, "boolean": result}, indent=2)
    return json.dumps({
        "head": {"vars": list(result.variables)},
        "results": {"bindings": [{v: _json_term(r[v]) for v in result.variables if r.get(v) is not None}
                                 for r in result.rows]},
    }, indent=2, ensure_ascii=False)


def _parse_params(pairs: Sequence[str]) -> dict[str, str]:
    from .loader import KgInputError

    out = {}
    for p in pairs or ():
        if "=" not in p:
            raise KgInputError(f"--param {p!r}: write it as NAME=VALUE, e.g. --param actor=pdi:flanders")
        k, v = p.split("=", 1)
        out[k.strip()] = v
    return out


def _engine(args, root: Path):
    if args.endpoint:
        try:
            remote = importlib.import_module("kg.remote")
        except ModuleNotFoundError as exc:
            if exc.name == "kg.remote":
                from .loader import KgInputError
                raise KgInputError("--endpoint needs kg.remote, which this installation does not have") from exc
            raise
        return remote.RemoteEngine(args.endpoint)
    from .build import ensure_built
    from .engine import load_engine

    nq = ensure_built(root, progress=_progress(args.quiet))
    return load_engine(args.engine, nq)


def cmd_query_list(args) -> int:
    from .queries import load_catalogue

    cat = load_catalogue(_root(args))
    if not cat:
        print("no canned queries in queries/ yet")
        return EXIT_OK
    for q in cat.values():
        print(f"{q.name}  [{q.role}]")
        print(f"    {q.summary}")
        if q.question_en:
            print(f"    en: {q.question_en}")
        if q.question_id:
            print(f"    id: {q.question_id}")
        for p in q.params:
            default = f" (default {p.default})" if p.default else ""
            print(f"    --param {p.name}=<{p.type}>{default}: {p.description}")
        print()
    return EXIT_OK


def run_query(args, root: Path) -> tuple[object, dict[str, str]]:
    """The result of the query the arguments name, and the prefixes to print it with."""
    from .loader import KgInputError
    from .queries import CannedQuery, resolve

    params = _parse_params(args.param)
    if args.sparql:
        if args.name:
            raise KgInputError("give either a query NAME|FILE or --sparql TEXT, not both")
        text = args.sparql
        declared = {p for p in PREFIXES if f"PREFIX {p}:" in text or f"prefix {p}:" in text}
        # ad-hoc queries may use the project's prefixes without declaring them
        head = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items() if p not in declared)
        q = CannedQuery(name="(--sparql)", path=Path("-"), text=head + text, summary="ad-hoc")
        if params:
            raise KgInputError("--param works with canned queries; in --sparql text write the value in")
        bindings = {}
    else:
        if not args.name:
            raise KgInputError("name a query (see `kg query --list`), give a .rq FILE, or use --sparql TEXT")
        q = resolve(args.name, root)
        bindings = q.bind(params)
    engine = _engine(args, root)
    kwargs = {}
    if args.timeout is not None:
        kwargs["timeout_s"] = args.timeout
    return engine.query(q.text, bindings, **kwargs), q.prefixes()


def cmd_query(args) -> int:
    if args.list:
        return cmd_query_list(args)
    root = _root(args)
    result, prefixes = run_query(args, root)
    out = sys.stdout
    if isinstance(result, Graph):
        for p, ns in prefixes.items():
            result.bind(p, ns, override=True)
        out.write(result.serialize(format="json-ld" if args.format == "json" else
                                   "nt" if args.format in ("csv", "tsv") else "turtle"))
        return EXIT_OK
    if args.format == "json":
        out.write(format_json(result) + "\n")
    elif isinstance(result, bool):
        out.write(("yes" if result else "no") + "\n" if args.format == "table" else
                  f"_askResult\r\n{'true' if result else 'false'}\r\n")
    elif args.format == "csv":
        out.write(format_csv(result, ","))
    elif args.format == "tsv":
        out.write(format_csv(result, "\t"))
    else:
        out.write(format_table(result, prefixes) + "\n")
    return EXIT_OK


# --- export / stats / demo ------------------------------------------------------------------

def cmd_export(args) -> int:
    from .build import dist_dir, ensure_built
    from .export import FORMATS

    root = _root(args)
    ensure_built(root, progress=_progress(args.quiet))
    src = dist_dir(root) / FORMATS[args.format][0]
    data = src.read_bytes()
    if args.output in (None, "-"):
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return EXIT_OK
    target = Path(args.output)
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, target)  # atomic: a reader never sees half a file
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        from .loader import KgInputError
        raise KgInputError(f"{target}: cannot write ({exc.strerror})") from exc
    print(f"wrote {target} ({len(data)} bytes, {args.format})", file=sys.stderr)
    return EXIT_OK


def cmd_stats(args) -> int:
    from .build import ensure_built
    from .stats import compute_stats, format_stats

    nq = ensure_built(_root(args), progress=_progress(args.quiet))
    print(format_stats(compute_stats(nq)))
    return EXIT_OK


def cmd_demo(args) -> int:
    """Build, summarise, answer one comparative question: the README's quick start."""
    from .build import build
    from .engine import load_engine
    from .queries import load_catalogue
    from .stats import compute_stats, format_stats

    root = _root(args)
    t0 = time.perf_counter()
    print("1. Build: parse the sources, validate with SHACL, reason with OWL 2 RL, write dist/",
          file=sys.stderr)
    report = build(root, progress=_progress(args.quiet))
    _print_warnings(report, True)
    print(f"   done in {time.perf_counter() - t0:.2f} s", file=sys.stderr)
    print("\n2. What the dataset holds\n")
    print(format_stats(compute_stats(report.dist / "paradiplomacy.nq"), top=10))
    catalogue = load_catalogue(root)
    engine = load_engine("oxigraph", report.dist / "paradiplomacy.nq")
    q = catalogue.get(DEMO_QUERY)
    if q is None:
        from .loader import KgInputError
        raise KgInputError(f"queries/{DEMO_QUERY}.rq is missing: the demo answers that question")
    print(f"\n3. A comparative question ({q.name}):\n   {q.question_en}\n   {q.question_id}\n")
    result = engine.query(q.text, q.bind({}))
    print(format_table(result, q.prefixes()))
    print("\nMore questions: `kg query --list`; then `kg query NAME`.")
    return EXIT_OK


# --- the parser -----------------------------------------------------------------------------

def _load_plugins(sub) -> None:
    # each command module adds its own subcommand and options
    for modname in PLUGIN_MODULES:
        importlib.import_module(modname).register(sub)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="kg",
        description="paradiplomacy-kg: a knowledge graph of how sub-state governments (regions, "
                    "provinces, cities) conduct foreign relations and how their central governments "
                    "respond. Build it from the Turtle sources, query it with canned or your own SPARQL, "
                    "export it, serve it.",
        epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"paradiplomacy-kg {__version__}")
    parser.add_argument("--root", metavar="DIR",
                        help="the source tree (with ontology/, data/, shapes/, queries/); "
                             "default: $KG_ROOT or the checkout")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def common(p):
        p.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
        return p

    p = common(sub.add_parser("build", help="build the dataset into dist/",
                              description="Parse ontology/, data/ and shapes/, validate with SHACL, reason "
                                          "with OWL 2 RL, run the violation and construct queries, and "
                                          "write every format to dist/ (atomically: a failed build leaves "
                                          "the last good dist/ untouched)."))
    p.add_argument("--method", choices=("full", "targeted"), default="targeted",
                   help="owlrl over the triples RL rules can use (targeted, default, faster) or over "
                        "everything (full, the reference); both derive the same triples")
    p.set_defaults(func=cmd_build)

    p = common(sub.add_parser("validate", help="check the sources without writing dist/",
                              description="Every check of `kg build` (SHACL, OWL 2 RL consistency, "
                                          "violation queries) without writing anything."))
    p.add_argument("--method", choices=("full", "targeted"), default="targeted", help=argparse.SUPPRESS)
    p.set_defaults(func=cmd_validate)

    p = common(sub.add_parser(
        "query", help="run a canned query, a .rq file or SPARQL text",
        description="Run a canned query by name (see --list), a .rq file, or --sparql TEXT on the "
                    "built dataset (built first if missing). The project's prefixes (pd:, pdi:, ...) "
                    "may be used in --sparql text without PREFIX lines.",
        epilog="examples:\n  kg query --list\n  kg query centre-region-relations --format csv\n"
               "  kg query agreements-of-actor --param actor=pdi:special-region-of-yogyakarta\n"
               "  kg query --sparql 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }' --engine rdflib",
        formatter_class=argparse.RawDescriptionHelpFormatter))
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
    p.set_defaults(func=cmd_query)

    p = common(sub.add_parser("export", help="write the dataset in one format",
                              description="Write the built dataset (built first if missing) in one "
                                          "format to a file (atomically) or to stdout."))
    p.add_argument("--format", required=True, choices=("ttl", "nt", "nq", "trig", "jsonld", "rdf"))
    p.add_argument("-o", "--output", metavar="FILE", help="the file to write (default: stdout)")
    p.set_defaults(func=cmd_export)

    p = common(sub.add_parser("stats", help="what the dataset holds",
                              description="Triples per named graph, instances per class, properties."))
    p.set_defaults(func=cmd_stats)

    p = common(sub.add_parser("demo", help="build, summarise, answer one question",
                              description="The quick start: build the dataset, show what it holds, and "
                                          f"answer one comparative question ({DEMO_QUERY})."))
    p.set_defaults(func=cmd_demo)

    _load_plugins(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from .build import BuildFailed
    from .engine import QueryError, UnsafeQueryError
    from .loader import KgInputError
    from .queries import QueryCatalogueError

    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    if not hasattr(args, "quiet"):
        args.quiet = False
    try:
        return int(args.func(args) or 0)
    except BuildFailed as exc:
        print(f"kg: the build stopped: {exc}", file=sys.stderr)
        return EXIT_NONCONFORMING
    except (KgInputError, QueryCatalogueError, UnsafeQueryError, QueryError) as exc:
        print(f"kg: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        # `kg query ... | head`: the reader left; not an error worth a traceback
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
        return EXIT_OK
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
