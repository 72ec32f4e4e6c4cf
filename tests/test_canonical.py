"""The build's canonical dataset (`kg.build.canonical.build_canonical`: the provenance made straight
into chunks of text and put in whole among the other lines) is the text that the plain path gives:
the statements as term objects (`kg.build.provenance.provenance_quads`, one statement per triple,
docs/PROVENANCE.md) with every line sorted together — on the seed, and on data that takes
the other paths (a subject in the statements' namespace, blank nodes, a blank graph name)."""
from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.namespace import RDF

from cq.kgdata import ROOT
from kg.build.canonical import _CHUNK_LINES, build_canonical, canonical_dataset
from kg.build.provenance import provenance_quads
from kg.build.sources import load_tree
from kg.namespaces import GRAPH_DATA, GRAPH_INFERRED, GRAPH_ONTOLOGY, GRAPH_PROVENANCE

PREFIXES = ("@prefix pdi: <https://w3id.org/paradiplomacy/id/> .\n"
            "@prefix st: <https://w3id.org/paradiplomacy/statement/> .\n")


def _reference(ontology: Graph, quads, inferred=()) -> bytes:
    """The plain path: the statements as term objects (`provenance_quads`), every line sorted."""
    return canonical_dataset(ontology, quads, inferred, provenance_quads(quads)).nquads()


def _quads(text: str) -> list:
    return list(ox.parse((PREFIXES + text).encode("utf-8"), format=ox.RdfFormat.TRIG))


def test_the_seed_s_canonical_text_is_the_plain_path_s():
    tree = load_tree(ROOT)
    inferred = [ox.Triple(ox.NamedNode("https://w3id.org/paradiplomacy/id/x"),
                          ox.NamedNode("https://w3id.org/paradiplomacy/id/p"), ox.Literal("inferred"))]
    cds = build_canonical(tree.ontology, tree.plain_triples, inferred, tree.sourced_quads)
    text = cds.nquads()
    assert text == _reference(tree.ontology, tree.sourced_quads, inferred)
    assert cds.lines_count == text.count(b"\n")
    # each statement's lines (rdf:subject, rdf:predicate, rdf:object, and one prov:wasDerivedFrom
    # per source: no rdf:type, docs/PROVENANCE.md) and each asserted triple, once
    statements = {q.triple for q in tree.sourced_quads}
    sourced = {(q.triple, q.graph_name) for q in tree.sourced_quads}
    assert cds.count(GRAPH_PROVENANCE) == 3 * len(statements) + len(sourced)
    assert f"<{RDF.type}> <{RDF.Statement}>".encode() not in text
    assert cds.count(GRAPH_DATA) == len(statements)
    # counted skipping the provenance's chunks (`whole`), as over the whole text
    assert cds.whole is not None
    for name in (GRAPH_ONTOLOGY, GRAPH_DATA, GRAPH_INFERRED, GRAPH_PROVENANCE):
        assert cds.count(name) == text.count(f" <{name}> .\n".encode()) > 0


@pytest.mark.parametrize("data", [
    # two passages, one statement; a subject in the statements' own namespace, whose lines fall
    # among the provenance's
    "GRAPH pdi:passage-1 { pdi:x pdi:y pdi:z . st:0 pdi:about pdi:x . st:ffff pdi:about pdi:x . }\n"
    "GRAPH pdi:passage-2 { pdi:x pdi:y pdi:z . pdi:x pdi:label \"x\"@en . }\n",
    # blank nodes: hashed as `_:b`, so two triples share a statement
    "GRAPH pdi:passage-1 { pdi:x pdi:y [ pdi:v 1 ] , [ pdi:v 2 ] . }\nGRAPH pdi:passage-2 { pdi:x pdi:y pdi:z . }\n",
    # a blank graph name
    "GRAPH _:g { pdi:x pdi:y pdi:z . }\nGRAPH pdi:passage-2 { pdi:x pdi:y pdi:z . pdi:a pdi:b pdi:c . }\n",
])
def test_the_build_s_canonical_text_is_the_plain_path_s(data):
    quads = _quads(data)
    ontology = Graph()
    assert build_canonical(ontology, [], [], quads).nquads() == _reference(ontology, quads)


def test_provenance_in_several_chunks_joins_the_other_lines():
    """More statements than one chunk holds: the text is the plain path's, in chunks of whole lines."""
    n = _CHUNK_LINES // 4 + 10  # four lines a statement (three, and its one source)
    text = "".join(f"GRAPH pdi:passage-{i % 7} {{ pdi:s{i} pdi:p \"{i}\" . }}\n" for i in range(n))
    quads = _quads(text)
    ontology = Graph()
    cds = build_canonical(ontology, [], [], quads)
    assert cds.nquads() == _reference(ontology, quads)
    assert len(cds.chunks) > 2
    for chunk in cds.chunks:
        assert chunk.endswith(b"\n")


# --- the provenance's text made in a forked child (`kg.build.pipeline._ProvenanceChild`) ---------

def test_the_provenance_child_gives_the_text_made_in_the_build_s_process():
    """The child's text is `data_and_provenance_chunks`' (the data's lines sorted); data with a
    blank node gives None (the plain path is the build's to take)."""
    from kg.build.pipeline import _ProvenanceChild
    from kg.build.provenance import data_and_provenance_chunks

    n = _CHUNK_LINES // 4 + 10  # several chunks
    quads = _quads("".join(f"GRAPH pdi:passage-{i % 7} {{ pdi:s{i} pdi:p \"{i}\" . }}\n" for i in range(n)))
    data, block = data_and_provenance_chunks(quads, _CHUNK_LINES)
    child_data, child_block = _ProvenanceChild(quads).result()
    assert child_data == sorted(data) and child_block == block and len(block.chunks) > 1
    blank = _quads("GRAPH pdi:passage-1 { pdi:x pdi:y [ pdi:v 1 ] . }\n")
    assert _ProvenanceChild(blank).result() is None


def _spy_children(monkeypatch) -> list:
    import kg.build.pipeline as pipeline

    monkeypatch.setattr(pipeline, "PARALLEL_MIN_TRIPLES", 0)  # the fixture is below the thresholds
    monkeypatch.setattr(pipeline, "PROVENANCE_CHILD_MIN_QUADS", 0)
    children: list = []
    real_child = pipeline._ProvenanceChild
    def spied(*args):
        child = real_child(*args)
        children.append((child, child.pid))
        return child

    monkeypatch.setattr(pipeline, "_ProvenanceChild", spied)
    return children


def _made_here(monkeypatch, *, die_in_the_child: bool) -> list:
    """The calls of `data_and_provenance_chunks` in this process (a child's are not seen here);
    with `die_in_the_child`, a child that calls it dies without a word."""
    import os

    import kg.build.provenance as provenance

    parent, real = os.getpid(), provenance.data_and_provenance_chunks
    here: list = []

    def spied(*args, **kwargs):
        if os.getpid() != parent:
            if die_in_the_child:
                os._exit(3)
        else:
            here.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(provenance, "data_and_provenance_chunks", spied)
    return here


def test_a_build_with_the_provenance_child_writes_the_same_bytes(fixture_tree, tmp_path, monkeypatch):
    from kg.build.pipeline import build

    build(fixture_tree, dist=tmp_path / "seq", parallel=False)
    children = _spy_children(monkeypatch)
    here = _made_here(monkeypatch, die_in_the_child=False)
    build(fixture_tree, dist=tmp_path / "child", parallel=True)
    assert len(children) == 1 and here == []  # the child made the text
    assert _files(tmp_path / "child") == _files(tmp_path / "seq")


def test_a_provenance_child_that_dies_or_gives_a_short_text_leaves_the_text_to_the_build(
        fixture_tree, tmp_path, monkeypatch):
    import kg.build.pipeline as pipeline
    from kg.build.pipeline import build

    build(fixture_tree, dist=tmp_path / "seq", parallel=False)
    children = _spy_children(monkeypatch)
    here = _made_here(monkeypatch, die_in_the_child=True)
    build(fixture_tree, dist=tmp_path / "died", parallel=True)
    assert len(children) == 1 and len(here) == 1  # made here, once
    assert _files(tmp_path / "died") == _files(tmp_path / "seq")

    def short(fd, _quads):  # a head announcing more than follows, and a clean exit
        import os
        import pickle

        head = pickle.dumps(("ok", [100], 1, b"a", b"b", 0))
        os.write(fd, len(head).to_bytes(8, "little") + head + b"<x> <y> <z>")
        os.close(fd)

    monkeypatch.setattr(pipeline, "_write_provenance", short)
    build(fixture_tree, dist=tmp_path / "short", parallel=True)
    assert len(children) == 2 and len(here) == 2
    assert _files(tmp_path / "short") == _files(tmp_path / "seq")


def test_a_build_that_fails_leaves_no_provenance_child_behind(fixture_tree, monkeypatch):
    """A stage that fails while the child works (here SHACL) stops and reaps it."""
    import os

    from kg.build.pipeline import build
    from kg.errors import BuildFailed

    children = _spy_children(monkeypatch)
    f = fixture_tree / "data" / "flanders.ttl"
    f.write_text(f.read_text().replace("    ex:isPartOf pdi:belgium ;\n", ""), encoding="utf-8")
    with pytest.raises(BuildFailed):
        build(fixture_tree, parallel=True)
    [(child, pid)] = children
    assert pid is not None and child.pid is None
    with pytest.raises(ChildProcessError):  # reaped: no longer a child of this process
        os.waitpid(pid, os.WNOHANG)


def _files(folder) -> dict:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
