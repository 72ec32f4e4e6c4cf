"""`kg export`: the built dataset in one format, or one framed view of it (plain JSON), to a file
(atomically) or to stdout."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from kg.cli import add_common, dataset, progress
from kg.errors import InputError

EPILOG = """\
examples:
  kg export --format jsonld -o paradiplomacy.jsonld
  kg export --format ttl | less
  kg --root ../my-cases export --format nq -o my-cases.nq
  kg export --frame agreements -o agreements.json     # plain JSON: every agreement, its parties,
                                                      # status and events, labels in en and id
  kg export --frame relations | python3 -m json.tool | less
"""


def register(sub) -> None:
    from kg.build.export import FORMATS
    from kg.build.framed import VIEWS

    p = add_common(sub.add_parser(
        "export", help="write the dataset in one format, or a framed view as plain JSON",
        description="Write the built dataset (built first if missing) in one format, or one framed "
                    "JSON-LD view of it that reads as plain JSON (words for keys, lists always lists, "
                    "labels as {\"en\": ..., \"id\": ...}, numbers as numbers, what the reasoner "
                    "added under \"inferred\"), to a file (atomically) or to stdout.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter))
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--format", choices=tuple(FORMATS), help="the whole dataset in this RDF format")
    what.add_argument("--frame", choices=VIEWS, help="one framed view: agreements, actors or "
                                                     "centre-region relations")
    p.add_argument("-o", "--output", metavar="FILE", help="the file to write (default: stdout)")
    p.set_defaults(func=run)


def run(args) -> int:
    from kg.build.export import FORMATS

    loc = dataset(args)
    nquads = loc.ensure_built(progress(args))
    if args.frame:
        data = framed_view(loc, nquads, args.frame)
    else:
        data = loc.file(FORMATS[args.format][0]).read_bytes()
    if args.output in (None, "-"):
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return 0
    target = Path(args.output)
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, target)  # atomic: a reader never sees half a file
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise InputError(f"{target}: cannot write ({exc.strerror})") from exc
    print(f"wrote {target} ({len(data)} bytes, {args.format or args.frame})", file=sys.stderr)
    return 0


def framed_view(loc, nquads: Path, view: str) -> bytes:
    """The view as the build wrote it (dist/framed/), else framed now from the N-Quads (a dataset
    given as a file, or a dist/ written before the build made framed views)."""
    from kg.build.framed import FRAMED_DIR, framed_json

    built = loc.file(f"{FRAMED_DIR}/{view}.json")
    if built is not None and built.is_file():
        return built.read_bytes()
    import pyoxigraph as ox

    return framed_json(ox.parse(path=nquads, format=ox.RdfFormat.N_QUADS), [view])[view]
