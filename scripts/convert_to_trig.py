"""One-off converter: data/*.ttl (provenance per node) -> data/*.trig (provenance per triple).

Run once from the checkout: `.venv/bin/python scripts/convert_to_trig.py` (it refuses to run when
data/ holds no .ttl). Deterministic: the same .ttl files give byte-identical .trig files.

Rules (docs/PROVENANCE.md):
- a triple about a node that says `prov:wasDerivedFrom P1, P2` goes into GRAPH P1 and GRAPH P2;
  the `prov:wasDerivedFrom P` triple itself only into GRAPH P;
- a passage or a footnote describes itself (its quote is the evidence): GRAPH <the passage>;
  a section and the field's concept scheme: GRAPH pdi:seed-article; a cited work: GRAPH of each
  footnote that cites it;
- `skos:exactMatch wd:...` comes from shared/reference/wikidata-ids.csv: GRAPH pdi:reference-wikidata-ids;
- OVERRIDE gives a triple the passage that really says it (review P4, P5), REMOVE drops the triples
  no source supports (review I3, I4, I9, P6): they are listed below, with the reason.
Comment lines of a node's block (and the ones just above it) are kept above the node's blocks.
"""
from __future__ import annotations

import re
import sys
from collections import defaultdict
from pathlib import Path

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import RDF, SKOS

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from kg.namespaces import PREFIXES  # noqa: E402

PD = Namespace(PREFIXES["pd"])
PDI = Namespace(PREFIXES["pdi"])
PROV = Namespace(PREFIXES["prov"])
WD = PREFIXES["wd"]
REFERENCE_WD = PDI["reference-wikidata-ids"]
ARTICLE = PDI["seed-article"]

# the passage that says it, where the node's own passages do not (fidelity review P4, P5)
OVERRIDE = {
    (PDI["belgium-central-government"], PD.seatedIn, PDI["brussels"]): [PDI["passage-b1-15"]],
    (PDI["spain-central-government"], PD.seatedIn, PDI["madrid"]): [PDI["passage-b2-16"]],
}
# no passage and no reference says these (fidelity review I3, I4, I9, P6): removed
REMOVE = {
    (PDI["scotland"], PD.inState, PDI["united-kingdom"]),
    (PDI["wallonia"], PD.inState, PDI["belgium"]),
    (PDI["bavaria"], PD.inState, PDI["germany"]),
    (PDI["berlin"], PD.inState, PDI["germany"]),
    (PDI["london"], PD.inState, PDI["united-kingdom"]),
    (PDI["new-york"], PD.inState, PDI["united-states"]),
}

HEADER = """# GENERATED once by scripts/convert_to_trig.py from the former {name}.ttl, and edited by hand since.
# One GRAPH per supporting passage (docs/PROVENANCE.md): a triple belongs in the graph of each
# passage (pdi:passage-...) or reference work (pdi:reference-...) that says it. A triple outside
# every GRAPH block is refused by the build.
"""


def nodes_order(text: str) -> list[tuple[str, list[str]]]:
    """(subject token, comment lines) in the order the subjects' blocks start in the Turtle text."""
    out, comments, in_block = [], [], False
    for line in text.splitlines():
        s = line.strip()
        if s.startswith("@prefix") or s.startswith("PREFIX"):
            continue
        if s.startswith("#"):
            comments.append(line.rstrip())
            continue
        m = re.match(r"^(pdi:[A-Za-z0-9_.-]*[A-Za-z0-9_-]|<[^>]+>)\s", line)
        if m and not line.startswith(" "):
            out.append((m.group(1), comments))
            comments = []
    return out


def main() -> int:
    data = ROOT / "data"
    ttls = sorted(data.glob("*.ttl"))
    if not ttls:
        print("data/ holds no .ttl: nothing to convert", file=sys.stderr)
        return 1
    full = Graph()
    per_file = {}
    for f in ttls:
        g = Graph()
        g.parse(f, format="turtle")
        per_file[f] = g
        full += g
    nm = full.namespace_manager
    for p, ns in PREFIXES.items():
        nm.bind(p, ns, override=True, replace=True)

    def n3(t) -> str:
        return t.n3(nm)

    passages = set(full.subjects(RDF.type, PD.SourcePassage))
    footnotes = set(full.subjects(RDF.type, PD.Footnote))
    citing = defaultdict(set)
    for fn in footnotes:
        for w in full.objects(fn, PD.citesWork):
            citing[w].add(fn)

    def graphs_of(s, p, o) -> list[URIRef]:
        if (s, p, o) in OVERRIDE:
            return OVERRIDE[(s, p, o)]
        if p == SKOS.exactMatch and str(o).startswith(WD):
            return [REFERENCE_WD]
        if p == PROV.wasDerivedFrom:
            return [o]
        if s in passages or s in footnotes or s == REFERENCE_WD:
            return [s]
        own = sorted(full.objects(s, PROV.wasDerivedFrom))
        if own:
            return own
        if s in citing:
            return sorted(citing[s])
        return [ARTICLE]

    prefix_lines = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in sorted(PREFIXES.items()))
    removed = 0
    for f, g in per_file.items():
        text = f.read_text(encoding="utf-8")
        order = nodes_order(text)
        seen = {tok for tok, _ in order}
        subjects = []
        for tok, comments in order:
            iri = URIRef(nm.expand_curie(tok)) if tok.startswith("pdi:") else URIRef(tok[1:-1])
            subjects.append((iri, comments))
        known = {s for s, _ in subjects}
        for s in sorted(set(g.subjects()) - known):  # a subject the line scan missed
            subjects.append((s, []))
        del seen
        out = [HEADER.format(name=f.stem), prefix_lines]
        # the file's own opening comment block stays first
        done = set()
        for s, comments in subjects:
            if s in done:
                continue
            done.add(s)
            blocks = defaultdict(list)
            for p, o in sorted(g.predicate_objects(s), key=lambda po: (po[0] != RDF.type, n3(po[0]), n3(po[1]))):
                if (s, p, o) in REMOVE:
                    removed += 1
                    continue
                for gname in graphs_of(s, p, o):
                    blocks[gname].append((p, o))
            out.append("")
            out.extend(comments)
            for gname in sorted(blocks):
                pos = blocks[gname]
                lines = [f"GRAPH {n3(gname)} {{"]
                body = []
                for p, o in pos:
                    pt = "a" if p == RDF.type else n3(p)
                    body.append(f"    {pt} {n3(o)}")
                lines.append(f"  {n3(s)}\n" + " ;\n".join("  " + b for b in body) + " .")
                lines.append("}")
                out.append("\n".join(lines))
        target = f.with_suffix(".trig")
        target.write_text("\n".join(out).rstrip() + "\n", encoding="utf-8")
    # the reference work the Wikidata links come from
    ref = ROOT / "data" / "references.trig"
    ref.write_text(HEADER.format(name="(new) references") + prefix_lines + f"""
# The list of Wikidata ids the project was given: shared/reference/wikidata-ids.csv (entity,
# wikidata_id, note). Every skos:exactMatch wd:... in data/ sits in this work's graph.
GRAPH pdi:reference-wikidata-ids {{
  pdi:reference-wikidata-ids
      a pd:SourceWork ;
      rdfs:label "Wikidata identifiers for the entities of the article (reference list)"@en ,
          "Daftar identitas Wikidata untuk entitas dalam artikel (daftar rujukan)"@id ;
      dcterms:title "wikidata-ids.csv" ;
      rdfs:comment "The list shared/reference/wikidata-ids.csv given with the article: one row per entity (entity, wikidata_id, note). It is the source of every skos:exactMatch to Wikidata in this dataset."@en .
}}
""", encoding="utf-8")
    print(f"converted {len(per_file)} files; removed {removed} unsupported triples", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
