"""The check stage in a process of its own (`kg.build.pipeline._CheckChild`): reads the violation
queries and the canonical dataset's N-Quads on its standard input, loads the quads into a fresh
pyoxigraph store, runs the queries, and writes its verdict, pickled, on its standard output.

A fresh process rather than a fork of the build: a forked child's resident memory counts every page
the build held when it forked (at a million triples, over two gigabytes, the canonical text among
them), and the store's on top; this process holds the store and little else. The build writes the
text to it from a thread (no forked feeder, whose copy-on-write pages were its own once the build
wrote or freed them).

Input: one line with the byte length of a JSON list of [name, text, summary] and the number of
chunks of the text, that list, then each chunk of the N-Quads text after a line with its byte length
(read to the last chunk, not to the end of the input: a child the build forks afterwards holds the
pipe's other end too). Output: ("ok", failures, seconds) or ("input",
message, seconds), pickled; nothing (and a non-zero exit) if anything else went wrong (the text
shorter than said, among others), which leaves the check to the build."""
from __future__ import annotations

import json
import os
import pickle
import sys
import time


def die_with_parent() -> bool:
    """On Linux, have this process killed when its parent ends (prctl PR_SET_PDEATHSIG), so that a
    build stopped in the middle leaves no check running behind it; False if the parent has already
    gone (or where this cannot be asked)."""
    if not sys.platform.startswith("linux"):
        return True
    import ctypes
    import signal

    parent = os.getppid()
    try:
        ctypes.CDLL(None).prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return True
    return os.getppid() == parent and parent != 1


def chunks(source, count: int):
    """The `count` chunks of N-Quads text read from `source`, each its length on a line and then
    its bytes (the canonical dataset's chunks, each of whole lines: loaded as they are, no copy;
    pyoxigraph reads a stream 2 KB a call, each a Python call); `EOFError` if the input ends
    before (the build gone, or its thread): no verdict on part of the data."""
    for _ in range(count):
        line = source.readline()
        size = int(line) if line.endswith(b"\n") else -1
        chunk = source.read(size) if size >= 0 else b""
        if size < 0 or len(chunk) != size:
            raise EOFError("the text ended before its last chunk")
        yield chunk


def main() -> int:
    if not die_with_parent():
        return 1
    from kg.build.checks import check_text
    from kg.errors import InputError

    t0 = time.perf_counter()
    source = sys.stdin.buffer
    size, count = map(int, source.readline().split())
    violations = [tuple(v) for v in json.loads(source.read(size))]
    store: list = []  # never freed: the process ends without it (at 5.6 million quads, ~2 s of CPU)
    try:
        msg: tuple = ("ok", check_text(chunks(source, count), violations, keep=store), 0.0)
    except InputError as exc:
        msg = ("input", str(exc), 0.0)
    msg = (msg[0], msg[1], time.perf_counter() - t0)
    sys.stdout.buffer.write(pickle.dumps(msg, protocol=pickle.HIGHEST_PROTOCOL))
    sys.stdout.buffer.flush()
    if store:
        sys.stderr.flush()
        os._exit(0)  # the verdict is out: the store's millions of quads are not freed one by one
    return 0


def run() -> None:
    """`main` as a process: its exit status; a Ctrl-C (which reaches the build's whole process
    group, and which the build itself reports) ends it without a traceback."""
    try:
        code = main()
    except KeyboardInterrupt:
        code = 130
    raise SystemExit(code)


if __name__ == "__main__":
    run()
