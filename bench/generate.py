"""A larger paradiplomacy source tree made from the seed's own cases: deterministic, seeded, scaled.

    .venv/bin/python bench/generate.py --factor 10 --out /tmp/kg-10x      # 10 copies of the seed
    .venv/bin/python bench/generate.py --triples 1000000 --out /tmp/kg-1m

Replica 0 is the seed's data unchanged (so the canned queries' default parameters, which name
seed instances, still find their answers). Replica k ≥ 1 is the same set of facts with every
instance IRI (`pdi:x`) renamed `pdi:x-rK` and every label told apart by a suffix drawn from a
seeded random generator (`"Flanders"@en` → `"Flanders ·3·k7q2"@en`), so that every shape, every
reasoning rule and every canned query meets each case, its conflicts and its warnings once per
replica, with no two replicas sharing an instance. Ontology terms, vocabulary concepts and the
shapes and queries are shared, as they would be in a larger real dataset (a violation query that
lets named seed nodes pass, `NOT IN (pdi:x, ...)`, lets their replicas pass too). Links to Wikidata
(`skos:exactMatch`) stay on replica 0 only: a Wikidata item names one real thing. This is bench
data, not facts: nothing generated here may be committed to `data/`.

The seed's data is read through `kg.build.sources.load_tree`, the build's own loader, with the
passage graph of every triple (docs/PROVENANCE.md), and each replica is written as one TriG file
named `data/replica-NNNN.trig`: the passage graphs are renamed with the replica (`pdi:passage-x` →
`pdi:passage-x-rK`), so every replicated triple keeps a source and the build's provenance graph and
`statement-provenance-violation` check meet it as they meet the seed's.
"""
from __future__ import annotations

import argparse
import random
import re
import shutil
import string
import sys
from pathlib import Path

import pyoxigraph as ox

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from kg.build.sources import load_tree  # noqa: E402
from kg.namespaces import PREFIXES  # noqa: E402

__all__ = ["generate", "seed_nquads", "replica"]

_INSTANCE = re.compile(r"<(" + re.escape(PREFIXES["pdi"]) + r"[^>]*)>")
_LABEL_PREDICATES = ("<http://www.w3.org/2000/01/rdf-schema#label>",
                     "<http://www.w3.org/2004/02/skos/core#prefLabel>",
                     "<http://www.w3.org/2004/02/skos/core#altLabel>")
_EXACT_MATCH = "<http://www.w3.org/2004/02/skos/core#exactMatch>"
_LABEL_LITERAL = re.compile(r'^(\S+ \S+ )"((?:[^"\\]|\\.)*)"(.*)$')
SHARED_FOLDERS = ("ontology", "shapes", "queries")


def seed_nquads(root: Path) -> list[str]:
    """The seed's asserted data as sorted N-Quads lines (without the final newline), each in the
    graph of the passage that supports it (a .ttl data file, which has no graphs, is refused here:
    its triples would have no source)."""
    tree = load_tree(root)
    if len({q.triple for q in tree.sourced_quads}) != len(tree.data):
        raise ValueError(f"{root}/data: some triples sit outside every passage graph (a .ttl data "
                         "file?); the generator replicates TriG data only")
    text = ox.serialize(tree.sourced_quads, format=ox.RdfFormat.N_QUADS).decode("utf-8")
    return sorted(set(text.splitlines()))


def replica(lines: list[str], k: int, rng: random.Random) -> list[str]:
    """Replica k of the seed's lines (k = 0: the lines themselves)."""
    if k == 0:
        return list(lines)
    suffix = f"-r{k}"
    out = []
    tags: dict[str, str] = {}  # one variation per label, though its triple sits in several passage graphs
    for line in lines:
        if _EXACT_MATCH in line:
            continue
        line = _INSTANCE.sub(lambda m: f"<{m.group(1)}{suffix}>", line)
        if any(p in line for p in _LABEL_PREDICATES):
            m = _LABEL_LITERAL.match(line)
            if m:
                key = m.group(1) + m.group(2)
                if key not in tags:
                    tags[key] = "".join(rng.choice(string.ascii_lowercase + string.digits) for _ in range(4))
                tag = tags[key]
                line = f'{m.group(1)}"{m.group(2)} ·{k}·{tag}"{m.group(3)}'
        out.append(line)
    return out


_NOT_IN = re.compile(r"NOT IN\s*\((.*?)\)", re.S)
_PDI_NAME = re.compile(r"\bpdi:([\w.-]*\w)")


def _replicate_exceptions(queries: Path, factor: int) -> None:
    """A violation query may list by name the seed's nodes it lets pass for now (`FILTER(?s NOT IN
    (pdi:x, ...))`); their replicas are the same nodes, so each name gets its replicas' names too."""
    if not queries.is_dir() or factor < 2:
        return
    for q in sorted(queries.glob("*-violation.rq")):
        text = q.read_text(encoding="utf-8")

        def widen(m: re.Match) -> str:
            names = _PDI_NAME.findall(m.group(1))
            if not names:
                return m.group(0)
            extra = ", ".join(f"pdi:{n}-r{k}" for k in range(1, factor) for n in names)
            return f"NOT IN ({m.group(1).rstrip()}, {extra})"

        new = _NOT_IN.sub(widen, text)
        if new != text:
            q.write_text(new, encoding="utf-8")


def generate(root: Path, out: Path, *, factor: int | None = None, triples: int | None = None,
             seed: int = 14) -> dict:
    """Write a source tree with `factor` replicas of the seed's data (or enough for `triples`
    asserted data triples) into `out`, which must not exist. Returns a summary."""
    root, out = Path(root), Path(out)
    if out.exists():
        raise FileExistsError(f"{out} exists: give a new folder")
    lines = seed_nquads(root)
    if factor is None:
        factor = max(1, round((triples or len(lines)) / len(lines)))
    rng = random.Random(seed)
    for folder in SHARED_FOLDERS:
        src = root / folder
        if src.is_dir():
            shutil.copytree(src, out / folder)
    _replicate_exceptions(out / "queries", factor)
    (out / "data").mkdir(parents=True)
    total = 0
    for k in range(factor):
        rep = replica(lines, k, rng)
        quads = list(ox.parse("\n".join(rep) + "\n", format=ox.RdfFormat.N_QUADS))
        total += len({q.triple for q in quads})
        trig = ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes={"pdi": PREFIXES["pdi"]})
        (out / "data" / f"replica-{k:04d}.trig").write_bytes(trig)
    return {"factor": factor, "seed_triples": len(lines), "data_triples": total, "out": str(out)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--root", type=Path, default=REPO, help="the seed's source tree (default: the checkout)")
    ap.add_argument("--out", type=Path, required=True, help="a new folder for the generated tree")
    size = ap.add_mutually_exclusive_group()
    size.add_argument("--factor", type=int, default=None, help="number of replicas (default 10)")
    size.add_argument("--triples", type=int, default=None, help="about this many asserted data triples")
    ap.add_argument("--seed", type=int, default=14, help="seed of the label variation (default 14)")
    args = ap.parse_args(argv)
    factor = args.factor if args.factor or args.triples else 10
    summary = generate(args.root, args.out, factor=factor, triples=args.triples, seed=args.seed)
    print(f"{summary['factor']} replica(s) of {summary['seed_triples']} seed triples: "
          f"{summary['data_triples']} data triples in {summary['out']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
