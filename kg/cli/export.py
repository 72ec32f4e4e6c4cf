"""`kg export`: the built dataset in one format, to a file (atomically) or to stdout."""
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
"""


def register(sub) -> None:
    from kg.build.export import FORMATS

    p = add_common(sub.add_parser(
        "export", help="write the dataset in one format",
        description="Write the built dataset (built first if missing) in one format to a file "
                    "(atomically) or to stdout.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter))
    p.add_argument("--format", required=True, choices=tuple(FORMATS))
    p.add_argument("-o", "--output", metavar="FILE", help="the file to write (default: stdout)")
    p.set_defaults(func=run)


def run(args) -> int:
    from kg.build.export import FORMATS

    loc = dataset(args)
    loc.ensure_built(progress(args))
    src = loc.file(FORMATS[args.format][0])
    data = src.read_bytes()
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
    print(f"wrote {target} ({len(data)} bytes, {args.format})", file=sys.stderr)
    return 0
