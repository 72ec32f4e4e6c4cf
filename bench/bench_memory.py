"""Where a whole `kg build` holds its memory: the build runs as its own process (`python -m kg --root
TREE build`), and this one samples /proc every `--every` seconds for it and its children (the SHACL
child, the export's JSON-LD child, any other): each one's resident memory (VmRSS) and the proportional
share of the whole tree (Pss summed over its processes, every `--pss-every` seconds: pages
shared copy-on-write after a fork counted once; `-` for a stage shorter than that). A sample is
put in the stage that ends after it (the build prints each stage's name as it ends); a stage that
ran in a child (SHACL beside the reasoning, the check beside the export) is named beside the next
stage of the build's own that ends after the child's end was collected: `export + check` holds the
export's samples and the check's. Prints per stage: the build process's peak RSS, the largest
child's, and the tree's peak PSS; then each child's peak RSS and when it ran; then the wall time, the CPU seconds (user + system of the build
and its children) and the peak RSS as `/usr/bin/time -v` gives it (the largest single process's).
Not a test.

    .venv/bin/python bench/bench_memory.py --root /tmp/kg-10x           # builds into /tmp/kg-10x/dist
    .venv/bin/python bench/bench_memory.py --root /tmp/kg-1m   # from bench/generate.py --triples 1000000 --out /tmp/kg-1m
"""
from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

_STAGE = re.compile(r"^  (\S+)( \(parallel\))?\s+\d+ ms$")


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as fh:
            kids = [int(x) for x in fh.read().split()]
    except OSError:
        return []
    out = []
    for k in kids:
        out.append(k)
        out += _children(k)
    return out


def _command(pid: int) -> str:
    """What a child runs: its command line, shortened (a forked child has its parent's)."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            words = fh.read().split(b"\0")
    except OSError:
        return "?"
    text = " ".join(w.decode("utf-8", "replace") for w in words if w)
    return text if len(text) <= 60 else text[:57] + "..."


def _kb(path: str, key: str) -> int:
    try:
        with open(path) as fh:
            for line in fh:
                if line.startswith(key):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--root", type=Path, required=True, help="the source tree to build (its dist/ is written)")
    ap.add_argument("--every", type=float, default=0.2, help="seconds between samples (default 0.2)")
    ap.add_argument("--pss-every", type=float, default=2.0,
                    help="seconds between readings of the proportional share (default 2: reading it walks "
                         "every page of every process, seconds of CPU at a million triples)")
    ap.add_argument("--python", default=sys.executable)
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    proc = subprocess.Popen([args.python, "-m", "kg", "--root", str(args.root), "build"], cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    stages: list[tuple[str, float]] = []  # (name, end time) of the stages the build runs one after another
    parallel: list[str] = []  # the stages in children collected since the last one ended
    samples: list[tuple[float, int, int, int]] = []  # (time, main RSS, largest child RSS, tree PSS), kB
    done = threading.Event()
    children: dict[int, list] = {}  # pid -> [command, first seen, last seen, peak RSS kB]

    def sample() -> None:
        last_pss = -args.pss_every
        while not done.is_set():
            now = time.perf_counter() - t0
            kids = _children(proc.pid)
            main_rss = _kb(f"/proc/{proc.pid}/status", "VmRSS:")
            rss = {k: _kb(f"/proc/{k}/status", "VmRSS:") for k in kids}
            for k, kb in rss.items():
                if not kb:  # ended, not yet waited for (a zombie has no memory)
                    continue
                if k not in children:
                    children[k] = [_command(k), now, now, kb]
                child = children[k]
                child[2], child[3] = now, max(child[3], kb)
            child_rss = max(rss.values(), default=0)
            pss = -1  # not read this time
            if now - last_pss >= args.pss_every:
                pss, last_pss = sum(_kb(f"/proc/{p}/smaps_rollup", "Pss:") for p in [proc.pid, *kids]), now
            samples.append((now, main_rss, child_rss, pss))
            done.wait(args.every)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    tail: list[str] = []
    assert proc.stdout is not None
    for line in proc.stdout:
        m = _STAGE.match(line.rstrip("\n"))
        if m and m.group(2):  # a stage that ran beside others (in a child): said when it is collected
            parallel.append(m.group(1))
        elif m:
            stages.append((" + ".join([m.group(1), *parallel]), time.perf_counter() - t0))
            parallel.clear()
        elif not line.startswith("  data/"):
            tail.append(line.rstrip("\n"))
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    done.set()
    thread.join()
    print("\n".join(tail[-3:]))
    print(f"{'stage':22} {'ends at s':>9} {'build RSS':>10} {'child RSS':>10} {'tree PSS':>9}  (peaks, GB)")
    start = 0.0
    for name, end in stages + [("(after)", wall)]:
        inside = [s for s in samples if start <= s[0] < end] or [(0, 0, 0, -1)]
        pss = max(s[3] for s in inside)
        print(f"{name:22} {end:9.1f} {max(s[1] for s in inside) / 1e6:10.2f} "
              f"{max(s[2] for s in inside) / 1e6:10.2f} {f'{pss / 1e6:.2f}' if pss >= 0 else '-':>9}")
        start = end
    for pid, (command, first, last, peak) in children.items():
        if last - first >= args.every:  # not those seen once (a fork about to exec, a short helper)
            print(f"child {pid} ({command}): from {first:.1f} to {last:.1f} s, peak RSS {peak / 1e6:.2f} GB")
    cpu = usage.ru_utime + usage.ru_stime
    print(f"wall {wall:.1f} s, CPU {cpu:.1f} s (user {usage.ru_utime:.1f}, sys {usage.ru_stime:.1f}), "
          f"peak RSS {usage.ru_maxrss / 1e6:.2f} GB (largest process), "
          f"peak PSS {max(s[3] for s in samples) / 1e6:.2f} GB (whole tree), exit {os.waitstatus_to_exitcode(status)}")
    return 0 if status == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
