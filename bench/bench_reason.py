"""The reason stage alone (`kg.build.pipeline._reason` on the build's store, `_data_store`), with
this checkout's kg or another's (--kg: the folder holding that kg/, e.g. an exported commit:
`git archive REV kg | tar -x -C /tmp/rev`): its CPU seconds, the inferred triples' count and a
digest of them sorted (equal digests: the same inferred set), the drops and the closure's size.
One run a process: beside another version, in turns, under farm-bench. Not a test.

    .venv/bin/python bench/bench_reason.py --root /tmp/tree
    farm-bench -n 3 --vs "sh -c 'exec .venv/bin/python bench/bench_reason.py --root T --kg /tmp/rev >>B.txt'" \\
        -- sh -c 'exec .venv/bin/python bench/bench_reason.py --root T >>A.txt'
"""
from __future__ import annotations

import argparse
import gc
import hashlib
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--root", type=Path, required=True, help="a source tree")
    ap.add_argument("--kg", type=Path, default=REPO, help="the folder holding the kg/ to run (default: this checkout)")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(args.kg))
    gc.disable()  # as the build runs
    from kg.build import pipeline as P
    from kg.build.sources import load_tree
    from kg.query.catalogue import load_catalogue

    tree = load_tree(args.root)
    catalogue = load_catalogue(args.root)
    store = P._data_store(tree)
    P.stamp_version(tree.ontology, "0")
    t0 = time.process_time()
    rr = P._reason(tree, catalogue, "rules", P.BuildReport(root=args.root, version="0"), store)
    seconds = time.process_time() - t0
    digest = hashlib.sha256(b"\n".join(sorted(str(t).encode("utf-8") for t in rr.inferred_triples))).hexdigest()
    print(f"{args.kg}: reason CPU {seconds:.2f} s  inferred {len(rr.inferred_triples)} (sha256 {digest[:16]})  "
          f"dropped {sorted(rr.dropped.items())}  closure {rr.closure_size}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
