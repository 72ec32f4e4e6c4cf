"""`kg build` and `kg validate`: run the build's stages on the source tree."""
from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys

from kg import __version__
from kg.cli import add_common, dataset, progress

EPILOG_BUILD = """\
examples:
  kg build                      build the checkout's sources into dist/
  kg --root ../my-cases build   build another source tree into ../my-cases/dist/
  kg build --method full        reason over everything (the reference; slower)
"""
EPILOG_VALIDATE = """\
examples:
  kg validate                   exit 0 when the sources conform, 1 when they do not
  kg validate -q                the verdict only
"""


def register(sub) -> None:
    p = add_common(sub.add_parser(
        "build", help="build the dataset into dist/",
        description="Parse ontology/, data/ and shapes/, validate with SHACL, reason with OWL 2 RL, run "
                    "the violation and construct queries, and write every format to dist/ (atomically: a "
                    "failed build leaves the last good dist/ untouched).",
        epilog=EPILOG_BUILD, formatter_class=argparse.RawDescriptionHelpFormatter))
    p.add_argument("--method", choices=("rules", "full", "targeted"), default="rules",
                   help="the OWL 2 RL rules the ontology uses, compiled to SPARQL on pyoxigraph (rules, "
                        "default, fastest), or owlrl over the triples RL rules can use (targeted) or over "
                        "everything (full, the reference); all derive the same triples")
    p.set_defaults(func=run_build)

    p = add_common(sub.add_parser(
        "validate", help="check the sources without writing dist/",
        description="Every check of `kg build` (SHACL, OWL 2 RL consistency, violation queries) without "
                    "writing anything.",
        epilog=EPILOG_VALIDATE, formatter_class=argparse.RawDescriptionHelpFormatter))
    p.add_argument("--method", choices=("rules", "full", "targeted"), default="rules", help=argparse.SUPPRESS)
    p.set_defaults(func=run_validate)


def print_warnings(report, quiet: bool) -> None:
    if report.warnings:
        print(f"{len(report.warnings)} SHACL warning(s) (kept in dist/validation-report.ttl):", file=sys.stderr)
        if not quiet:
            for w in report.warnings:
                print(f"  {w}", file=sys.stderr)


def print_split_warnings(report, loc, quiet: bool) -> None:
    """A new or changed file's findings first, under their own heading; the warnings of unchanged
    files, as at the last good `kg build`, summed up per file (kg.feedback)."""
    from kg.feedback import split_findings

    split = split_findings(report.warnings, loc.root, loc.dist) if loc.dist is not None else None
    if split is None or not split.has_record:
        print_warnings(report, quiet)
        if report.warnings and not quiet:
            print("  (no record of the last good build: after `kg build`, kg validate shows a new or changed "
                  "file's findings apart from the existing ones)", file=sys.stderr)
        return
    if split.new:
        files = [f for f in split.changed_files if f.startswith("data/")]
        where = f" ({', '.join(files)})" if files else ""
        print(f"{len(split.new)} finding(s) in new or changed files{where} or new since the last build:",
              file=sys.stderr)
        if not quiet:
            for w in split.new:
                print(f"  {w}", file=sys.stderr)
    if split.existing:
        per_file = split.existing_by_file()
        print(f"{len(split.existing)} existing warning(s) (unchanged files, as at the last kg build; "
              f"listed in dist/validation-report.ttl)" + ("" if quiet else ": " + ", ".join(
                  f"{k} {n}" for k, n in per_file.items())), file=sys.stderr)


# the process that ends on SIGTERM as on Ctrl-C while it builds (`_terminated_as_interrupted`), and
# whether the fork hook is registered (it cannot be taken back)
_TERM = {"pid": None, "hooked": False}


def _default_in_a_child() -> None:
    """(`os.register_at_fork`) A child forked by the build (SHACL's, the provenance's, the JSON-LD
    writer's) keeps SIGTERM's default: the build stops them with it or SIGKILL, and one deep in
    pyoxigraph must end at once, not when its call returns."""
    if _TERM["pid"] is not None and os.getpid() != _TERM["pid"]:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


@contextlib.contextmanager
def _terminated_as_interrupted():
    """SIGTERM (`timeout`, a service manager, `kill`) ends `kg build` as Ctrl-C does: an exception
    unwinds the build, which stops its children, removes its temporary folder beside dist/ and
    leaves the last good dist/ as it was; the exit status is 143 (128 + 15). With Python's default
    the process ended at once: its children ran on, and the half-written new dist/ stayed beside
    the old one (3.6 GB left at ~1M)."""
    def raise_exit(signum, _frame):
        raise SystemExit(128 + signum)

    try:
        before = signal.signal(signal.SIGTERM, raise_exit)
    except ValueError:  # not the main thread (kg.cli.main called from a thread): as it was
        yield
        return
    if not _TERM["hooked"]:
        os.register_at_fork(after_in_child=_default_in_a_child)
        _TERM["hooked"] = True
    _TERM["pid"] = os.getpid()
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, before)
        _TERM["pid"] = None  # a later fork keeps what it inherits


def run_build(args) -> int:
    from kg.build import build

    loc = dataset(args)
    if not args.quiet:
        print(f"building {loc.root} (version {__version__})", file=sys.stderr)
    with _terminated_as_interrupted():
        report = build(loc.root, loc.dist, progress=progress(args), method=args.method)
    print_warnings(report, args.quiet)
    if report.dist is not None:
        from kg.feedback import save_findings

        save_findings(report.warnings, loc.root, report.dist)     # what kg validate calls existing
    t = report.triples
    print(f"built {report.dist}: {t.get('ontology', 0)} ontology + {t.get('data', 0)} data + "
          f"{t.get('inferred', 0)} inferred triples, {len(report.files)} files, "
          f"{report.total_s:.2f} s")
    return 0


def run_validate(args) -> int:
    from kg.build import check

    loc = dataset(args)
    report = check(loc.root, progress=progress(args), method=args.method)
    print_split_warnings(report, loc, args.quiet)
    print(f"conforms: SHACL shapes pass, OWL 2 RL finds no inconsistency, "
          f"{len(report.violation_queries)} violation queries return no rows "
          f"({len(report.warnings)} warning(s))")
    return 0
