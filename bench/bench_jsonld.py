"""Time the JSON-LD dump and the framed views of a built dataset, each beside its reference: the
JSON-LD writer read from the N-Quads text (what the build runs) beside the one that parses the quads
into pyoxigraph terms (`_json_ld_parts(..., from_text=False)`), and the framed views' input read
from the text beside the one made from parsed quads. Each pair is checked to give the same bytes.
Not a test: it prints figures for people (CPU seconds of this process, median of N runs). Then
each of the two again as it ran before Python's cyclic collector was paused for it and (the framed
views) before the framer's memo (`--collector-on`, `--no-memo`), in the same process.

    .venv/bin/python bench/bench_jsonld.py                     # the checkout's dist/ (build first)
    .venv/bin/python bench/bench_jsonld.py --dist /tmp/kg-10x/dist --runs 3
    .venv/bin/python bench/bench_jsonld.py --only text         # one part alone, once: CPU and peak RSS
    .venv/bin/python bench/bench_jsonld.py --dist /tmp/kg-1m/dist --only piece-provenance  # the export child's piece
    .venv/bin/python bench/bench_jsonld.py --dist /tmp/kg-1m/dist --only piece-before      # the build's own pieces
    .venv/bin/python bench/bench_jsonld.py --dist /tmp/kg-1m/dist --only text --out /tmp/m1.jsonld
    cmp /tmp/m1.jsonld /tmp/kg-1m/dist/paradiplomacy.jsonld     # (that dist/ built by the code before)
    .venv/bin/python bench/bench_jsonld.py --dist /tmp/kg-1m/dist --only framed --out /tmp/m1-framed
    for v in actors agreements relations; do cmp /tmp/m1-framed/$v.json /tmp/kg-1m/dist/framed/$v.json; done
    .venv/bin/python bench/bench_jsonld.py --dist /tmp/kg-1m/dist --only framed --collector-on --no-memo  # as before
    .venv/bin/python bench/bench_jsonld.py --dist /tmp/kg-1m/dist --runs 2 --no-reference  # now and as before
    .venv/bin/python bench/bench_jsonld.py --dist /tmp/kg-10x/dist --vs 2c68eee --runs 5  # this code and that commit's
    .venv/bin/python bench/bench_jsonld.py --dist /tmp/kg-10x/dist --vs f8884e2 --parts input --runs 5

With --vs REV, each part (the JSON-LD text, the framed views; with `--parts`, those named, among them
`input`, the framed views' input alone: `framing_input_from_lines`, written as `json.dumps` of its
nodes) is run alone in a fresh process, once with this checkout's kg/ and once with REV's (`git
archive`, in a temporary folder), in turn (A B A B ...), RUNS times: the median CPU seconds of each,
their ratio, the peak RSS, and whether the two wrote the same bytes.

The dataset is read from `paradiplomacy.nq` as the build holds it (`CanonicalDataset`: sorted
lines, in chunks of whole lines); a fresh one each run, so no parsed quads are kept from the last.
With --only, the peak RSS printed is the process's (the dataset's text, about the .nq's size, is
part of it, as in the build).
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
REPO = Path(os.environ.get("KG_BENCH_TREE") or HERE)  # whose kg/ is timed (`--vs` sets it for REV's)
sys.path.insert(0, str(REPO))

from kg.build.canonical import CanonicalDataset  # noqa: E402
from kg.build.export import _GRAPHS, _graph_quads  # noqa: E402
from kg.build.jsonld import _json_ld_parts, json_ld_context  # noqa: E402
from kg.build import framer, jsonld  # noqa: E402

_GC_PAUSED, _MEMO_STACKS = jsonld.gc_paused, framer._MEMO_STACKS  # as they are (`as_before` changes them)
from kg.namespaces import GRAPH_ONTOLOGY, GRAPH_PROVENANCE  # noqa: E402

CHUNK_BYTES = 1 << 24


def load(nq: Path) -> list[bytes]:
    """The file's lines in chunks of whole lines, as the build holds them (`CanonicalDataset`:
    `_CHUNK_LINES`, 100,000 lines a chunk; the writers skip a chunk that holds no line of a graph
    they read, so the cut matters to their time), read a block at a time: no second copy of the text."""
    from kg.build.canonical import _CHUNK_LINES

    chunks, held = [], []
    rest = b""
    with open(nq, "rb") as fh:
        while block := fh.read(CHUNK_BYTES):
            block = rest + block
            cut = block.rfind(b"\n") + 1
            rest = block[cut:]
            lines = block[:cut].split(b"\n")
            lines.pop()
            del block
            held.extend(lines)
            while len(held) >= _CHUNK_LINES:
                piece = held[:_CHUNK_LINES]
                del held[:_CHUNK_LINES]
                piece.append(b"")
                chunks.append(b"\n".join(piece))
    if rest:
        held.append(rest)
    if held:
        held.append(b"")
        chunks.append(b"\n".join(held))
    return chunks


def as_before(collector_on: bool, no_memo: bool) -> None:
    """The writers with the collector left on (`gc_paused` a no-op) and/or without the framer's
    memo (it keeps no output), as they ran before either; both False: as they are."""
    import contextlib

    from kg.build import framed as fr
    fr.gc_paused = jsonld.gc_paused = contextlib.nullcontext if collector_on else _GC_PAUSED
    framer._MEMO_STACKS = 0 if no_memo else _MEMO_STACKS


def versus(rev: str, dist: Path, runs: int, parts: tuple = ("text", "framed")) -> int:
    """This checkout's writers (A) beside those of commit `rev` (B), each part in fresh processes."""
    import filecmp
    import re
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory(prefix="bench-jsonld-") as tmp:
        old = Path(tmp) / "tree"
        old.mkdir()
        archive = subprocess.run(["git", "-C", str(HERE), "archive", rev, "kg"], check=True, capture_output=True)
        subprocess.run(["tar", "-x", "-C", str(old)], input=archive.stdout, check=True)
        print(f"{dist}: this checkout (A) beside {rev} (B), each part alone in a fresh process, in turn, "
              f"{runs} runs; CPU seconds of the part (median), peak RSS of the process")
        outs = {"text": "paradiplomacy.jsonld", "framed": "framed", "input": "input.json"}
        for part, out in ((p, outs[p]) for p in parts):
            cpu: dict[str, list[float]] = {"A": [], "B": []}
            rss: dict[str, list[float]] = {"A": [], "B": []}
            for _ in range(runs):
                for who, tree in (("A", HERE), ("B", old)):
                    target = Path(tmp) / who / out
                    target.parent.mkdir(exist_ok=True)
                    done = subprocess.run(
                        [sys.executable, str(Path(__file__).resolve()), "--dist", str(dist), "--only", part,
                         "--out", str(target)], env={**os.environ, "KG_BENCH_TREE": str(tree)},
                        check=True, capture_output=True, text=True).stdout
                    found = re.search(r": ([0-9.]+) s CPU .* process ([0-9]+) MB", done)
                    cpu[who].append(float(found.group(1)))
                    rss[who].append(float(found.group(2)))
            a, b = (Path(tmp) / "A" / out), (Path(tmp) / "B" / out)
            same = filecmp.cmp(a, b, shallow=False) if a.is_file() else \
                not (lambda c: c.diff_files or c.left_only or c.right_only)(filecmp.dircmp(a, b))
            ta, tb = statistics.median(cpu["A"]), statistics.median(cpu["B"])
            print(f"  {part:<7} A {ta:8.2f} s  B {tb:8.2f} s  (A/B {ta / tb:4.2f}; runs A {cpu['A']} B {cpu['B']})"
                  f"   peak RSS A {max(rss['A']):.0f} MB B {max(rss['B']):.0f} MB   same bytes: {same}")
    return 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dist", type=Path, default=REPO / "dist", help="a built dist/ (default: the checkout's)")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--only", choices=("text", "reference", "framed", "framed-reference", "input", "piece-provenance",
                                       "piece-before"),
                    help="time one part alone, once, and print nothing else (piece-*: a piece of the JSON-LD "
                         "document as the export's two processes write it; its own CPU is printed first, then "
                         "the total with the dataset's re-cut)")
    ap.add_argument("--out", type=Path, help="with --only text|reference: write the JSON-LD there; with --only "
                    "framed|framed-reference: the views in that folder, <view>.json")
    ap.add_argument("--collector-on", action="store_true",
                    help="leave Python's cyclic garbage collector on, as the writers did before they paused it "
                         "(`kg.build.jsonld.gc_paused`)")
    ap.add_argument("--no-memo", action="store_true",
                    help="the framer makes every embedded node's output afresh, as before its memo")
    ap.add_argument("--no-reference", action="store_true",
                    help="leave out the reference writers (pyoxigraph's terms): each writer now and as before only")
    ap.add_argument("--parts", default="text,framed", help="with --vs: the parts to time, of text, framed and "
                    "input (the framed views' input alone), comma-separated")
    ap.add_argument("--vs", metavar="REV", help="each part, alone in a fresh process, with this checkout's code "
                    "and with REV's (a commit), in turn: CPU, peak RSS, same bytes")
    args = ap.parse_args(argv)
    if args.vs:
        return versus(args.vs, args.dist, args.runs, tuple(args.parts.split(",")))
    as_before(args.collector_on, args.no_memo)

    chunks = load(args.dist / "paradiplomacy.nq")
    count = sum(c.count(b"\n") for c in chunks)

    def fresh() -> CanonicalDataset:
        return CanonicalDataset(chunks=list(chunks), lines_count=count)

    def with_block() -> CanonicalDataset:
        """The dataset with its provenance's lines in a block of chunks of their own (`whole`), as
        the build holds it: the JSON-LD document's pieces (`_json_ld_parts(part=...)`) read it."""
        from kg.build.canonical import _CHUNK_LINES

        end = f" <{GRAPH_PROVENANCE}> .\n".encode("utf-8")
        groups: tuple[list, list, list] = ([], [], [])
        k = 0
        for chunk in chunks:
            for line in chunk.splitlines(keepends=True):
                here = line.endswith(end)
                if here and k == 2:
                    raise SystemExit("the provenance's lines are not in one run: no pieces")
                k = 1 if here else (2 if k == 1 else k)
                groups[k].append(line)
        a, b, c = ([b"".join(ls[i:i + _CHUNK_LINES]) for i in range(0, len(ls), _CHUNK_LINES)] for ls in groups)
        return CanonicalDataset(chunks=a + b + c, lines_count=count, whole=(len(a), len(a) + len(b), end, len(groups[1])))

    def piece(part: str) -> str:
        cds = with_block()
        t0 = time.process_time()
        text = "".join(_json_ld_parts(cds, context, part=part))
        print(f"  ({part}: {time.process_time() - t0:.2f} s CPU of the piece alone, {len(text)} characters)")
        return text

    context = json_ld_context(fresh().graph(GRAPH_ONTOLOGY))

    def json_ld(from_text: bool) -> str:
        if args.out:  # streamed to a file, as the build writes it (compare it with `cmp`)
            with open(args.out, "wb") as fh:
                for part in _json_ld_parts(fresh(), context, from_text=from_text):
                    fh.write(part.encode("utf-8"))
            return ""
        return "".join(_json_ld_parts(fresh(), context, from_text=from_text))

    def framed(from_text: bool) -> dict:
        from kg.build import framed as fr

        cds = fresh()
        if from_text:
            views = fr.framed_json_from_lines(cds.chunks)
        else:
            views = fr.framed_json(_graph_quads(cds, [g for g, _l in _GRAPHS if g != GRAPH_PROVENANCE]))
        if args.out:  # compare them with `cmp`
            args.out.mkdir(parents=True, exist_ok=True)
            for view, data in views.items():
                (args.out / f"{view}.json").write_bytes(data)
        return views

    import json

    from kg.build import framed as fr  # (imported before the clock starts)

    def framed_input():
        with jsonld.gc_paused():  # as `framed_json_from_lines` reads it
            return fr.framing_input_from_lines(fresh().chunks)

    parts = {"input": framed_input, "text": lambda: json_ld(True), "reference": lambda: json_ld(False),
             "framed": lambda: framed(True), "framed-reference": lambda: framed(False),
             "piece-provenance": lambda: piece("provenance"), "piece-before": lambda: piece("before")}
    if args.only:
        import resource

        t0 = time.process_time()
        made = parts[args.only]()
        print(f"{args.only}: {time.process_time() - t0:.2f} s CPU ({count} quads); peak RSS of the process "
              f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
        if args.only == "input" and args.out:  # its nodes, to compare with `cmp` (not timed: not the build's work)
            args.out.write_text(json.dumps(made, ensure_ascii=False), encoding="utf-8")
        return 0

    def timed(fn):
        samples, result = [], None
        for _ in range(args.runs):
            t0 = time.process_time()
            result = fn()
            samples.append(time.process_time() - t0)
        return statistics.median(samples), result

    print(f"{args.dist}: {count} quads; CPU seconds, median of {args.runs} runs")
    for new, old, what in () if args.no_reference else (("text", "reference", "paradiplomacy.jsonld"),
                                                        ("framed", "framed-reference", "framed/")):
        t_new, out_new = timed(parts[new])
        t_old, out_old = timed(parts[old])
        print(f"  {what:<22} {t_new:8.3f} s   reference {t_old:8.3f} s   ({t_old / t_new:4.1f}x)"
              f"   same bytes: {out_new == out_old}")
    if not (args.collector_on or args.no_memo):  # the same writers as they ran before, in this process
        for what, part, before in (("paradiplomacy.jsonld", "text", (True, False)),
                                   ("framed/", "framed", (True, True))):
            t_new, out_new = timed(parts[part])
            as_before(*before)
            try:
                t_old, out_old = timed(parts[part])
            finally:
                as_before(False, False)
            print(f"  {what:<22} {t_new:8.3f} s   as before {t_old:8.3f} s   ({t_old / t_new:4.1f}x)"
                  f"   same bytes: {out_new == out_old}   (before: the collector on"
                  f"{', no memo' if before[1] else ''})")
    if (args.dist / "paradiplomacy.jsonld").exists():
        same = (args.dist / "paradiplomacy.jsonld").read_text(encoding="utf-8") == json_ld(True)
        print(f"  the same as {args.dist / 'paradiplomacy.jsonld'}: {same}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
