"""The files of dist/: reproducible byte for byte, each parses back (with pyoxigraph, a parser
independent of the rdflib writers) to the same graph, and the VoID description tells the truth."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib.compare import isomorphic

from kg.build import build
from kg.dataset import dist_dir
from kg.terms import from_oxigraph
from kg.build.export import FORMATS, LICENSE, DATASET_IRI
from kg.namespaces import DATASET_GRAPHS, DCAT, DCTERMS, VOID

from conftest import BUILD_FIXTURE, copy_tree, REPO

CONTRACT_FILES = {"paradiplomacy.nq", "paradiplomacy.trig", "paradiplomacy.ttl", "paradiplomacy.nt",
                  "paradiplomacy.jsonld", "paradiplomacy.rdf", "context.jsonld", "ontology.ttl", "void.ttl",
                  "validation-report.ttl", "framed/agreements.json", "framed/actors.json", "framed/relations.json"}


def files(folder: Path) -> list[Path]:
    """Every file under dist/ (framed/ is a folder), sorted."""
    return sorted(p for p in folder.rglob("*") if p.is_file())

OX_FORMATS = {"nq": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG, "ttl": ox.RdfFormat.TURTLE,
              "nt": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD, "rdf": ox.RdfFormat.RDF_XML}


def ox_graph(path: Path, fmt, graph: str | None = None) -> Graph:
    g = Graph()
    for q in ox.parse(path=path, format=fmt):
        if graph is not None and (isinstance(q, ox.Triple) or q.graph_name.value != graph):
            continue
        g.add((from_oxigraph(q.subject), from_oxigraph(q.predicate), from_oxigraph(q.object)))
    return g


def test_dist_holds_the_files_of_the_contract(built_fixture):
    dist = dist_dir(built_fixture)
    assert {p.relative_to(dist).as_posix() for p in files(dist)} == CONTRACT_FILES


def test_two_builds_are_byte_identical_even_with_another_hash_seed(built_fixture, tmp_path):
    other = copy_tree(BUILD_FIXTURE, tmp_path / "other")
    env = dict(os.environ, PYTHONHASHSEED="12345", PYTHONPATH=str(REPO))
    subprocess.run([sys.executable, "-m", "kg", "--root", str(other), "build", "-q"], check=True, env=env,
                   cwd=REPO, capture_output=True)
    a, b = dist_dir(built_fixture), dist_dir(other)
    differing = [p.name for p in files(a) if p.read_bytes() != (b / p.relative_to(a)).read_bytes()]
    assert differing == []


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_format_parses_back_to_the_dataset(built_fixture, fmt):
    dist = dist_dir(built_fixture)
    reference = ox_graph(dist / "paradiplomacy.nq", ox.RdfFormat.N_QUADS)
    assert len(reference) > 0
    parsed = ox_graph(dist / FORMATS[fmt][0], OX_FORMATS[fmt])
    assert isomorphic(parsed, reference)


@pytest.mark.parametrize("graph", [str(g) for g in DATASET_GRAPHS])
@pytest.mark.parametrize("name, fmt", [("paradiplomacy.trig", ox.RdfFormat.TRIG),
                                       ("paradiplomacy.jsonld", ox.RdfFormat.JSON_LD)])
def test_trig_and_json_ld_keep_each_named_graph(built_fixture, graph, name, fmt):
    dist = dist_dir(built_fixture)
    assert isomorphic(ox_graph(dist / name, fmt, graph),
                      ox_graph(dist / "paradiplomacy.nq", ox.RdfFormat.N_QUADS, graph))


def test_line_based_files_are_sorted(built_fixture):
    for name in ("paradiplomacy.nq", "paradiplomacy.nt"):
        lines = (dist_dir(built_fixture) / name).read_text(encoding="utf-8").splitlines()
        assert lines == sorted(lines) and len(lines) == len(set(lines))


@pytest.mark.parametrize("tree", ["built_fixture", "real_dist"])
def test_json_ld_embeds_the_shipped_context_and_names_no_remote_one(tree, request):
    dist = dist_dir(request.getfixturevalue("built_fixture")) if tree == "built_fixture" \
        else request.getfixturevalue("real_dist")
    doc = json.loads((dist / "paradiplomacy.jsonld").read_text(encoding="utf-8"))
    shipped = json.loads((dist / "context.jsonld").read_text(encoding="utf-8"))
    assert isinstance(doc["@context"], dict)
    assert doc["@context"] == shipped["@context"]


def test_json_ld_keys_are_the_ontology_terms(real_dist):
    """Each pd: term of the ontology by its local name, object properties typed @id (the fixture
    tree's vocabulary is not pd:, so this reads the real build)."""
    shipped = json.loads((real_dist / "context.jsonld").read_text(encoding="utf-8"))
    assert shipped["@context"]["inState"] == {"@id": "pd:inState", "@type": "@id"}
    # readable keys are used in the data
    assert '"inState"' in (real_dist / "paradiplomacy.jsonld").read_text(encoding="utf-8")


def test_void_counts_and_sizes_match_the_files(built_fixture):
    dist = dist_dir(built_fixture)
    void = Graph().parse(dist / "void.ttl")
    assert void.value(DATASET_IRI, DCTERMS.license) == LICENSE
    nq = ox_graph(dist / "paradiplomacy.nq", ox.RdfFormat.N_QUADS)
    assert int(void.value(DATASET_IRI, VOID.triples)) == len(nq)
    for g in DATASET_GRAPHS:
        part = next(p for p in void.objects(DATASET_IRI, VOID.subset)
                    if void.value(p, URIRef("http://www.w3.org/ns/sparql-service-description#name")) == g)
        assert int(void.value(part, VOID.triples)) == len(ox_graph(dist / "paradiplomacy.nq",
                                                                   ox.RdfFormat.N_QUADS, str(g)))
    sizes = {}
    for d in void.objects(DATASET_IRI, DCAT.distribution):
        sizes[str(void.value(d, DCTERMS.title))] = int(void.value(d, DCAT.byteSize))
    assert sizes and all((dist / name).stat().st_size == n for name, n in sizes.items())
    assert set(sizes) == {f for f in CONTRACT_FILES if "/" not in f} - {"void.ttl"}  # framed/ views are not dumps


def test_void_class_partitions_count_instances(built_fixture):
    void = Graph().parse(dist_dir(built_fixture) / "void.ttl")
    counts = {void.value(p, VOID["class"]): int(void.value(p, VOID.entities))
              for p in void.objects(DATASET_IRI, VOID.classPartition)}
    ex = Namespace("http://example.org/test#")  # the fixture tree's vocabulary
    # two regions in the fixture (Flanders, Catalonia), both sub-state governments by inference
    assert counts[ex.Region] == 2 and counts[ex.SubStateGovernment] == 2


@pytest.mark.parametrize("read", ["text", "parsed"])
def test_void_counts_are_those_of_the_parsed_triples(real_dist, read, monkeypatch, tmp_path):
    """VoID's counts are read from the N-Triples text as it is written, and from pyoxigraph's parse
    of a chunk that may hold a quoted triple (forced here for every chunk by a literal with "<<"):
    both give the counts of the union's triples as pyoxigraph parses them from the N-Quads, and the
    .nt holds those triples once each, in order."""
    from kg.build import export
    from kg.build.canonical import CanonicalDataset
    from kg.namespaces import PDI

    chunk = (real_dist / "paradiplomacy.nq").read_bytes()
    if read == "parsed":  # a triple with "<<" in its literal for every subject
        lines = chunk.splitlines(keepends=True)
        subjects = sorted({line.split(b" ", 1)[0] for line in lines})
        extra = [s + b' <http://example.org/p> "a << b" <https://w3id.org/paradiplomacy/graph/data> .\n'
                 for s in subjects]
        chunk = b"".join(sorted(lines + extra))
    lines = chunk.splitlines(keepends=True)
    # chunks of 300 lines: a subject's lines, and a triple's (one a graph), go on into the next chunk
    chunks = [b"".join(lines[i:i + 300]) for i in range(0, len(lines), 300)]
    triples = export._Triples(CanonicalDataset(chunks, len(lines)), tmp_path / "x.nt")
    counts = export._void_counts(triples)
    union = {(q.subject, q.predicate, q.object) for q in ox.parse(chunk, format=ox.RdfFormat.N_QUADS)}
    rdf_type = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    subjects = {s for s, _p, _o in union}
    assert counts.subjects == len(subjects)
    assert counts.entities == sum(isinstance(s, ox.NamedNode) and s.value.startswith(str(PDI)) for s in subjects)
    properties: dict[str, int] = {}
    classes: dict[str, set] = {}
    for s, p, o in union:
        properties[p.value] = properties.get(p.value, 0) + 1
        if p.value == rdf_type and isinstance(o, ox.NamedNode):
            classes.setdefault(o.value, set()).add(s)
    assert counts.properties == properties
    assert counts.classes == {c: len(ss) for c, ss in classes.items()}
    nt = list(ox.parse(path=triples.path, format=ox.RdfFormat.N_TRIPLES))
    assert len(nt) == len(union) == len(triples)
    assert {(t.subject, t.predicate, t.object) for t in nt} == union


@pytest.mark.parametrize("block", [1 << 12, 1 << 16, 1 << 30])
def test_turtle_and_rdf_xml_written_a_block_at_a_time_are_one_document_of_all_the_triples(
        real_dist, block, tmp_path):
    """paradiplomacy.ttl and .rdf are written from blocks of whole subjects (one parse for both
    formats): the bytes of pyoxigraph's one document of all the triples (header sorted), whatever
    the block size (4 KiB: hundreds of blocks; 1 GiB: one)."""
    from kg.build import export
    from kg.build.canonical import CanonicalDataset

    chunk = (real_dist / "paradiplomacy.nq").read_bytes()
    triples = export._Triples(CanonicalDataset([chunk], chunk.count(b"\n")), tmp_path / "x.nt")
    triples.BLOCK = block
    blocks = list(triples.subject_blocks())
    assert b"".join(blocks) == triples.path.read_bytes()
    subject = lambda line: line.split(b" ", 1)[0]  # noqa: E731
    for a, b in zip(blocks, blocks[1:]):  # no subject's lines are cut in two
        assert subject(a.splitlines()[-1]) != subject(b.splitlines()[0])
    if block == 1 << 12:
        assert len(blocks) > 100
    prefixes = export._used_prefixes_in_file(triples.path)
    export._turtle_and_rdf_xml(triples, tmp_path / "x.ttl", prefixes, tmp_path / "x.rdf", prefixes)
    whole = list(ox.parse(path=triples.path, format=ox.RdfFormat.N_TRIPLES))
    assert (tmp_path / "x.ttl").read_bytes() == export._sorted_prefix_lines(
        ox.serialize(whole, format=ox.RdfFormat.TURTLE, prefixes=prefixes))
    assert (tmp_path / "x.rdf").read_bytes() == export._sorted_xmlns(
        ox.serialize(whole, format=ox.RdfFormat.RDF_XML, prefixes=prefixes))


@pytest.mark.parametrize("keep", [True, False])
def test_trig_written_a_block_at_a_time_is_one_document_of_all_the_quads(real_dist, keep, monkeypatch,
                                                                          tmp_path):
    """paradiplomacy.trig is written graph by graph, a block of whole subjects at a time (each
    graph's lines picked from chunks of the dataset and parsed, the way a large dataset is
    written; or its kept quads): the bytes of one document of all the quads (`_trig`)."""
    from kg.build import export
    from kg.build.canonical import CanonicalDataset

    lines = (real_dist / "paradiplomacy.nq").read_bytes().splitlines(keepends=True)
    chunks = [b"".join(lines[i:i + 300]) for i in range(0, len(lines), 300)]  # subjects cut in two
    prefixes = export._used_prefixes_in_file(real_dist / "paradiplomacy.nq")
    expected = export._trig(CanonicalDataset(list(chunks), len(lines)), prefixes)
    if not keep:
        monkeypatch.setattr(export, "KEEP_PARSED_BELOW", 0)
    written = []
    real_serialize = export.ox.serialize
    monkeypatch.setattr(export.ox, "serialize", lambda *a, **k: written.append(1) or real_serialize(*a, **k))
    size = export._write_trig(CanonicalDataset(list(chunks), len(lines)), tmp_path / "x.trig", prefixes)
    assert (tmp_path / "x.trig").read_bytes() == expected and size == len(expected)
    if keep:  # one document a graph
        assert len(written) == 4
    else:  # a block a chunk of each graph's lines, at least
        assert len(written) > 40


def _another_header_in_block(monkeypatch, export, n: int) -> list:
    """Make the n-th block the export writes come with a header of its own (one more prefix); the
    list of calls, one item a block."""
    real_parts, calls = export._turtle_parts, []

    def parts(text):
        calls.append(1)
        head, body = real_parts(text)
        return (head + b"@prefix x: <http://example.org/> .\n" if len(calls) == n else head), body

    monkeypatch.setattr(export, "_turtle_parts", parts)
    return calls


def test_a_trig_block_with_another_header_makes_the_trig_be_written_whole(real_dist, monkeypatch, tmp_path):
    from kg.build import export
    from kg.build.canonical import CanonicalDataset

    lines = (real_dist / "paradiplomacy.nq").read_bytes().splitlines(keepends=True)
    chunks = [b"".join(lines[i:i + 300]) for i in range(0, len(lines), 300)]
    prefixes = export._used_prefixes_in_file(real_dist / "paradiplomacy.nq")
    expected = export._trig(CanonicalDataset(list(chunks), len(lines)), prefixes)
    monkeypatch.setattr(export, "KEEP_PARSED_BELOW", 0)
    calls = _another_header_in_block(monkeypatch, export, 5)
    size = export._write_trig(CanonicalDataset(list(chunks), len(lines)), tmp_path / "x.trig", prefixes)
    assert len(calls) == 5
    assert (tmp_path / "x.trig").read_bytes() == expected and size == len(expected)


def test_a_block_with_another_header_makes_turtle_and_rdf_xml_be_written_whole(real_dist, monkeypatch,
                                                                                  tmp_path):
    from kg.build import export
    from kg.build.canonical import CanonicalDataset

    chunk = (real_dist / "paradiplomacy.nq").read_bytes()
    triples = export._Triples(CanonicalDataset([chunk], chunk.count(b"\n")), tmp_path / "x.nt")
    triples.BLOCK = 1 << 16
    prefixes = export._used_prefixes_in_file(triples.path)
    calls = _another_header_in_block(monkeypatch, export, 3)
    export._turtle_and_rdf_xml(triples, tmp_path / "x.ttl", prefixes, tmp_path / "x.rdf", prefixes)
    assert len(calls) == 3
    whole = list(ox.parse(path=triples.path, format=ox.RdfFormat.N_TRIPLES))
    assert (tmp_path / "x.ttl").read_bytes() == export._sorted_prefix_lines(
        ox.serialize(whole, format=ox.RdfFormat.TURTLE, prefixes=prefixes))
    assert (tmp_path / "x.rdf").read_bytes() == export._sorted_xmlns(
        ox.serialize(whole, format=ox.RdfFormat.RDF_XML, prefixes=prefixes))


def _edge_case_nquads() -> bytes:
    """Sorted, distinct N-Quads lines (pyoxigraph's) in the export's four graphs, full of what a
    Turtle writer may write in more than one way: escapes, non-ASCII text, U+2028, control
    characters, numbers of every form (bare or not), language tags, local names a prefix can or
    cannot take, an empty local name, blank nodes, a triple held by two graphs, a subject with
    many predicates and objects."""
    from kg.namespaces import GRAPH_DATA, GRAPH_INFERRED, GRAPH_ONTOLOGY, GRAPH_PROVENANCE, PDI, PD

    N, L = ox.NamedNode, ox.Literal
    xsd = "http://www.w3.org/2001/XMLSchema#"
    locals_ = ["a", "a.b", "a.", "-a", ".a", "a-b", "a_b", "_a", "1a", "a:b", ":a", "a%20b", "a/b", "a#b",
               "a~b", "a(b)", "a'b", "a!b", "a$b&c", "a*b+c,d;e=f", "a?b", "a@b", "é", "a\u00b7b", "", "a..b",
               "a%5Bb", "a=b"]
    values = ["", "plain", 'quote " and \\ backslash', "new\nline\ttab\rcr", "\u2028 and \u0085 and \u000c",
              "control \x01 \x7f", "日本語 é", "<https://w3id.org/paradiplomacy/id/x> in text", "a << b"]
    typed = [("01", "integer"), ("-5", "integer"), ("+5", "integer"), ("5.", "integer"), ("abc", "integer"),
             ("1.0e5", "double"), ("1e5", "double"), (".5E-1", "double"), ("1.5", "double"), ("NaN", "double"),
             ("INF", "double"), ("-0", "decimal"), ("0.5", "decimal"), (".5", "decimal"), ("1.", "decimal"),
             ("+1.50", "decimal"), ("true", "boolean"), ("false", "boolean"), ("TRUE", "boolean"), ("1", "boolean"),
             ("5", "int"), ("2020-01-02", "date"), ("x", "string")]
    objects = [N(str(PDI) + x) for x in locals_] + [L(v) for v in values]
    objects += [L(v, language=lang) for v in ("hello", "Grüße\n") for lang in ("en", "id", "en-us")]
    objects += [L(v, datatype=N(xsd + t)) for v, t in typed]
    objects += [L("x", datatype=N(str(PD) + "custom")), L("y", datatype=N("http://example.org/dt#a.")),
                N("http://example.org/no-prefix"), ox.BlankNode("b0"), ox.BlankNode("c14n1")]
    graphs = [N(str(g)) for g in (GRAPH_ONTOLOGY, GRAPH_DATA, GRAPH_INFERRED, GRAPH_PROVENANCE)]
    rdf_type = N("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    quads = []
    for k, x in enumerate(locals_):
        s = N(str(PDI) + x)
        for j, o in enumerate(objects):
            p = rdf_type if j % 7 == 0 else N(str(PD) + ("p%d" % (j % 3)))
            quads.append(ox.Quad(s, p, o, graphs[(k + j) % 4]))
            if j % 5 == 0:  # the same triple in another graph
                quads.append(ox.Quad(s, p, o, graphs[(k + j + 1) % 4]))
    for o in objects:
        quads.append(ox.Quad(ox.BlankNode("b0"), N(str(PD) + "q"), o, graphs[1]))
    text = ox.serialize(quads, format=ox.RdfFormat.N_QUADS)
    return b"".join(sorted(set(text.splitlines(keepends=True))))


def _documents_and_reference(export, chunks: list, count: int, out: Path) -> dict:
    """The .nt, .trig, .ttl and .rdf of `_Documents` (in `out`/new) and of the functions it stands
    for (in `out`/ref), by name: (new bytes, reference bytes)."""
    from kg.build.canonical import CanonicalDataset

    new, ref = out / "new", out / "ref"
    new.mkdir(parents=True)
    ref.mkdir(parents=True)
    nt, trig, ttl, rdf = (export.FORMATS[f][0] for f in ("nt", "trig", "ttl", "rdf"))
    prefixes = export._used_prefixes(b"".join(chunks).decode("utf-8"))
    triples = export._Triples(CanonicalDataset(list(chunks), count), ref / nt)
    export._write_trig(CanonicalDataset(list(chunks), count), ref / trig, prefixes)
    export._turtle_and_rdf_xml(triples, ref / ttl, prefixes, ref / rdf, prefixes)
    documents = export._Documents(new, prefixes)
    triples = export._Triples(CanonicalDataset(list(chunks), count), new / nt, each=documents.block)
    sizes = documents.finish(CanonicalDataset(list(chunks), count), triples, new / trig)
    assert sizes == {name: (new / name).stat().st_size for name in (trig, ttl, rdf)}
    assert sorted(p.name for p in new.iterdir()) == sorted([nt, trig, ttl, rdf])  # no file left over
    return {name: ((new / name).read_bytes(), (ref / name).read_bytes()) for name in (nt, trig, ttl, rdf)}


@pytest.mark.parametrize("lines_a_chunk", [7, 300, 10 ** 9])
def test_trig_turtle_and_rdf_xml_from_one_parse_are_the_bytes_of_their_writers(real_dist, lines_a_chunk,
                                                                                tmp_path):
    """`_Documents` (TriG, Turtle and RDF/XML from one parse of each block of the N-Triples as
    `_Triples` writes it) gives the bytes of `_write_trig` and `_turtle_and_rdf_xml`, on the
    project's dataset and on one full of edge cases, whatever the chunks (a subject's lines, and a
    triple's, cut in two by them, or one chunk)."""
    from kg.build import export

    for k, text in enumerate(((real_dist / "paradiplomacy.nq").read_bytes(), _edge_case_nquads())):
        lines = text.splitlines(keepends=True)
        chunks = [b"".join(lines[i:i + lines_a_chunk]) for i in range(0, len(lines), lines_a_chunk)]
        written = _documents_and_reference(export, chunks, len(lines), tmp_path / str(k))
        for name, (new, ref) in written.items():
            assert new == ref, name
        assert written[export.FORMATS["trig"][0]][0].count(b"\n\t\t") > 100  # named graphs' statements, indented


@pytest.mark.parametrize("n", [6, 7, 9, 20])
def test_a_block_of_another_shape_makes_the_documents_be_written_by_their_writers(real_dist, n, monkeypatch,
                                                                                  tmp_path):
    """A block whose Turtle or TriG text comes with another header (the n-th text `_Documents`
    cuts: the first five are its probes of the header and of each graph's opening) has the files
    written by `_write_trig` and `_turtle_and_rdf_xml` instead: the same bytes."""
    from kg.build import export

    lines = (real_dist / "paradiplomacy.nq").read_bytes().splitlines(keepends=True)
    chunks = [b"".join(lines[i:i + 300]) for i in range(0, len(lines), 300)]
    expected = {name: ref for name, (_new, ref) in _documents_and_reference(export, chunks, len(lines),
                                                                           tmp_path / "a").items()}
    calls = _another_header_in_block(monkeypatch, export, n)
    out = tmp_path / "b"
    out.mkdir()
    prefixes = export._used_prefixes(b"".join(chunks).decode("utf-8"))
    from kg.build.canonical import CanonicalDataset

    documents = export._Documents(out, prefixes)
    triples = export._Triples(CanonicalDataset(list(chunks), len(lines)), out / export.FORMATS["nt"][0],
                              each=documents.block)
    documents.finish(CanonicalDataset(list(chunks), len(lines)), triples, out / export.FORMATS["trig"][0])
    assert len(calls) > n
    for name, ref in expected.items():
        assert (out / name).read_bytes() == ref, name


@pytest.mark.parametrize("lines_a_chunk", [1, 7, 300, 10 ** 9])
def test_the_lines_cut_where_a_subject_ends_are_the_blocks_cut_so(real_dist, lines_a_chunk):
    """`subject_line_runs` (what `_Triples` reads) gives the lines of `_subject_runs`'s blocks, list
    for block, whatever the chunks (one line each: every subject's lines go on over several)."""
    from kg.build import export
    from kg.build.nqtext import subject_line_runs

    lines = (real_dist / "paradiplomacy.nq").read_bytes().splitlines(keepends=True)
    chunks = [b"".join(lines[i:i + lines_a_chunk]) for i in range(0, len(lines), lines_a_chunk)]
    runs = list(subject_line_runs(chunks + [b""]))
    assert runs == [block.split(b"\n")[:-1] for block in export._subject_runs(iter(chunks))]
    assert sum(map(len, runs)) == len(lines)
    if lines_a_chunk <= 7:
        assert len(runs) < len(chunks)


@pytest.mark.parametrize("lines_a_chunk", [1, 7, 300, 10 ** 9])
def test_the_lines_of_some_graphs_cut_where_a_subject_ends(real_dist, lines_a_chunk):
    """`subject_line_runs` with line ends (the framed views read three graphs of four) gives those
    graphs' lines, in order, none left out, and no subject's lines in two lists."""
    from kg.build.nqtext import subject_line_runs
    from kg.namespaces import GRAPH_DATA, GRAPH_INFERRED, GRAPH_ONTOLOGY

    ends = tuple(f" <{g}> .".encode("utf-8") for g in (GRAPH_DATA, GRAPH_INFERRED, GRAPH_ONTOLOGY))
    lines = (real_dist / "paradiplomacy.nq").read_bytes().splitlines(keepends=True)
    chunks = [b"".join(lines[i:i + lines_a_chunk]) for i in range(0, len(lines), lines_a_chunk)]
    kept = [line[:-1] for line in lines if line[:-1].endswith(ends)]
    assert 0 < len(kept) < len(lines)  # the provenance's lines are left out
    runs = list(subject_line_runs(chunks, ends))
    assert [line for run in runs for line in run] == kept
    subjects = [{line[:line.index(b" ")] for line in run} for run in runs]
    assert all(a.isdisjoint(b) for a, b in zip(subjects, subjects[1:]))


@pytest.mark.parametrize("sendfile", ["kernel", "refused", "partial"])
def test_a_graphs_text_is_appended_whole_to_the_trig(sendfile, monkeypatch, tmp_path):
    """`_append_file` (a graph's text from its temporary file into the TriG): every byte, after
    what the TriG holds, and the writer goes on after them; by the kernel, or through the process
    when the kernel refuses at once or after a part."""
    import os
    import tempfile

    from kg.build import export

    real = os.sendfile
    if sendfile == "refused":
        monkeypatch.setattr(os, "sendfile", lambda *a: (_ for _ in ()).throw(OSError("no")))
    elif sendfile == "partial":
        calls = []

        def once(out, in_, offset, count):
            if calls:
                raise OSError("no")
            calls.append(1)
            return real(out, in_, offset, min(count, 1000))

        monkeypatch.setattr(os, "sendfile", once)
    text = bytes(range(256)) * 5000
    with tempfile.TemporaryFile(dir=tmp_path) as tmp, open(tmp_path / "x", "wb") as fh:
        tmp.write(text)
        fh.write(b"head\n")
        export._append_file(tmp, fh)
        fh.write(b"}\n")
    assert (tmp_path / "x").read_bytes() == b"head\n" + text + b"}\n"


def test_failed_export_leaves_the_previous_dist(fixture_tree, monkeypatch):
    build(fixture_tree)
    before = {p.name: p.read_bytes() for p in files(dist_dir(fixture_tree))}
    import kg.build.export

    def explode(*a, **k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(kg.build.export, "_json_ld_parts", explode)  # the JSON-LD dump, written in parts
    with pytest.raises(OSError):
        build(fixture_tree)
    assert {p.name: p.read_bytes() for p in files(dist_dir(fixture_tree))} == before
    leftovers = [p.name for p in fixture_tree.iterdir() if p.name.startswith(".dist.tmp")]
    assert leftovers == []


def test_named_graphs_hold_exactly_the_sources(built_fixture):
    """The data graph is the data/*.ttl files and the ontology graph the ontology/*.ttl files plus the
    two version triples, each read here by rdflib's own Turtle parser (the build reads with
    pyoxigraph)."""
    from rdflib.namespace import OWL
    from kg.namespaces import ONTOLOGY_IRI

    nq = dist_dir(built_fixture) / "paradiplomacy.nq"
    for folder, graph in (("data", "graph/data"), ("ontology", "graph/ontology")):
        source = Graph()
        for f in sorted((built_fixture / folder).glob("*.ttl")):
            source.parse(f, format="turtle")
        built = ox_graph(nq, ox.RdfFormat.N_QUADS, "https://w3id.org/paradiplomacy/" + graph)
        if folder == "ontology":
            built.remove((ONTOLOGY_IRI, OWL.versionIRI, None))
            built.remove((ONTOLOGY_IRI, OWL.versionInfo, None))
        assert isomorphic(built, source), folder


ODD_ONTOLOGY = """@prefix owl: <http://www.w3.org/2002/07/owl#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> . @prefix pd: <https://w3id.org/paradiplomacy/ontology#> .
pd:Agreement a owl:Class . pd:party a owl:ObjectProperty . pd:note a owl:DatatypeProperty .
pd:startDate a owl:DatatypeProperty ; rdfs:range xsd:date . pd:order a owl:DatatypeProperty ; rdfs:range xsd:integer .
"""
# every kind of value the JSON-LD writer meets: escapes and characters JSON writes its own way, language tags,
# datatypes a term coerces and others, blank nodes as subjects, objects and types, IRIs no prefix
# shortens, several values of one key (strings and objects mixed), rdf:type with a literal
ODD_DATA = r"""@prefix pd: <https://w3id.org/paradiplomacy/ontology#> . @prefix pdi: <https://w3id.org/paradiplomacy/id/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
pdi:a a pd:Agreement, <http://example.org/Other>, [ rdfs:label "anonymous class" ] ;
  rdfs:label "quote \" backslash \\ newline \n tab \t cr \r", "é ∀ 😀 \u0001 \u001f \u007f"@fr, "Tirol"@de-AT ;
  pd:note "plain", "typed"^^xsd:string, "2020-01-01"^^xsd:date, "x"^^<http://example.org/dt> ;
  pd:startDate "2005-02-24"^^xsd:date, "2005"^^xsd:gYear ; pd:order 3, "04"^^xsd:integer, 2.5 ;
  pd:party pdi:b, <http://example.org/c>, [ rdfs:label "a blank party" ], <http://example.org/c/> ;
  rdf:type "a literal type" ; <http://example.org/p> pdi:b, "s", [ ] .
<http://example.org/x-y> rdfs:label "shorter sorts after" . <http://example.org/x> rdfs:label "x" .
pdi: rdfs:label "the namespace itself" .
"""


@pytest.mark.parametrize("extra", ["", "<pdi:clash> <http://www.w3.org/2000/01/rdf-schema#label> \"an IRI written"
                                       " as another's compacted form\" .\n<https://w3id.org/paradiplomacy/id/clash>"
                                       " <http://www.w3.org/2000/01/rdf-schema#label> \"its twin\" ."])
def test_json_ld_read_from_the_text_is_the_reference_writers(extra):
    """The JSON-LD dump is written from the N-Quads text (no RDF term made): the same characters as
    the writer that reads pyoxigraph's parsed quads, on every kind of value, including two subjects
    whose compacted ids coincide (their node objects merged, as the reference does); and, without
    that clash, it reads back (pyoxigraph's JSON-LD parser) as the N-Quads' quads."""
    from kg.build.canonical import canonical_dataset
    from kg.build.jsonld import _json_ld_parts, json_ld_context
    from kg.namespaces import GRAPH_ONTOLOGY

    ontology = Graph().parse(data=ODD_ONTOLOGY, format="turtle")
    data = Graph().parse(data=ODD_DATA, format="turtle")
    if extra:
        data.parse(data=extra, format="nt")
    inferred = Graph().parse(data='<https://w3id.org/paradiplomacy/id/a> <http://www.w3.org/2000/01/rdf-schema#'
                                  'label> "inferred" .', format="nt")
    cds = canonical_dataset(ontology, data, inferred, Graph())
    context = json_ld_context(cds.graph(GRAPH_ONTOLOGY))
    assert context["@context"]["startDate"] == {"@id": "pd:startDate", "@type": "xsd:date"}
    text = "".join(_json_ld_parts(cds, context))
    assert text == "".join(_json_ld_parts(cds, context, from_text=False))
    assert text == json.dumps(json.loads(text), indent=2, ensure_ascii=False) + "\n"
    if extra:  # the IRI <pdi:clash> reads back as the prefixed name pdi:clash, in either writer
        return
    parsed = {str(q) for q in ox.parse(text.encode("utf-8"), format=ox.RdfFormat.JSON_LD)}
    assert parsed == {str(q) for q in ox.parse(cds.nquads(), format=ox.RdfFormat.N_QUADS)}


@pytest.mark.parametrize("columns_min", [2, 10 ** 9])
def test_json_ld_of_many_subjects_of_one_shape_is_the_reference_writers(monkeypatch, columns_min):
    """Subjects with the same predicates, as the provenance's statements (most of the dataset), are
    written column by column (`_COLUMNS_MIN` of one shape in a chunk; lowered here so that a few
    suffice) or one at a time: either way the same characters as the writer that reads pyoxigraph's
    parsed quads, on values of every kind and on subjects whose ids compact differently (IRIs of
    another namespace or none, a "#" or "/" in what follows a namespace, an IRI ending in one,
    characters outside ASCII, blank nodes), beside subjects whose keys repeat."""
    from kg.build import jsonld
    from kg.build.canonical import canonical_dataset
    from kg.build.jsonld import _json_ld_parts, json_ld_context
    from kg.namespaces import GRAPH_ONTOLOGY

    monkeypatch.setattr(jsonld, "_COLUMNS_MIN", columns_min)
    subjects = ["pdi:s{i}", "<http://example.org/h#s{i}>", "<http://example.org/s/{i}>", "<http://example.org/s/{i}/>",
                "<http://example.org/s/x{i}#y>", "<http://example.org/é/s{i}>", "_:b{i}",
                "<https://w3id.org/paradiplomacy/statement/{i:040x}>", "<https://w3id.org/paradiplomacy/id/n/{i}>"]
    values = ['"quote \\" backslash \\\\ {i}"', '"é ∀ 😀 {i}"@fr', '"{i}"^^xsd:integer', '"x{i}"^^<http://example.org/dt>',
              '"2005-02-2{i}"^^xsd:date', "pdi:t{i}", "<http://example.org/c{i}>", "[ rdfs:label \"blank {i}\" ]"]
    lines = []
    for i in range(9):
        for k, subject in enumerate(subjects):
            s = subject.format(i=i + 10 * k)
            lines.append(f"{s} a pd:Agreement ; pd:note {values[(i + k) % len(values)].format(i=i)} ; "
                         f"pd:party {values[(i + 2 * k) % len(values)].format(i=i)} ; "
                         f"rdfs:label {values[(i + k + 3) % len(values)].format(i=i)} .")
            if i == 4:  # a key repeated: one at a time
                lines.append(f"{s} rdfs:label \"and another {i}\" .")
    data = Graph().parse(data=ODD_PREFIXES + "\n".join(lines), format="turtle")
    ontology = Graph().parse(data=ODD_ONTOLOGY, format="turtle")
    cds = canonical_dataset(ontology, data, Graph(), Graph())
    context = json_ld_context(cds.graph(GRAPH_ONTOLOGY))
    text = "".join(_json_ld_parts(cds, context))
    assert text == "".join(_json_ld_parts(cds, context, from_text=False))
    assert text.count('"@id": "pdi:s') == 9


def test_json_ld_leaves_out_the_lines_of_other_graphs(monkeypatch):
    """Lines of a graph the dump does not write (the default graph, another named graph), among
    subjects of one shape written column by column or one at a time: left out, as the reference
    writer leaves them out, even a default graph's triple whose object names one of the graphs."""
    from kg.build import jsonld
    from kg.build.canonical import CanonicalDataset
    from kg.build.jsonld import _json_ld_parts, json_ld_context
    from kg.namespaces import GRAPH_DATA

    context = json_ld_context(Graph().parse(data=ODD_ONTOLOGY, format="turtle"))
    for names_a_graph in (False, True):
        lines = []
        for i in range(8):
            s = f"<https://w3id.org/paradiplomacy/id/s{i}>"
            lines += [f'{s} <http://www.w3.org/2000/01/rdf-schema#label> "s{i}" <{GRAPH_DATA}> .',
                      f'{s} <http://www.w3.org/2000/01/rdf-schema#label> "other {i}" <http://example.org/g> .',
                      f'{s} <http://www.w3.org/2000/01/rdf-schema#label> "default {i}" .']
            if i % 2:
                lines.append(f"{s} <http://example.org/p> <http://example.org/o> <http://example.org/g> .")
            if names_a_graph:
                lines.append(f"{s} <http://example.org/names> <{GRAPH_DATA}> .")
        text = "".join(sorted(line + "\n" for line in lines)).encode("utf-8")
        cds = CanonicalDataset(chunks=[text], lines_count=len(lines))
        reference = "".join(_json_ld_parts(cds, context, from_text=False))
        assert "other" not in reference and "default" not in reference and '"s7"' in reference
        for columns_min in (2, 10 ** 9):
            monkeypatch.setattr(jsonld, "_COLUMNS_MIN", columns_min)
            assert "".join(_json_ld_parts(cds, context)) == reference


ODD_PREFIXES = """@prefix pd: <https://w3id.org/paradiplomacy/ontology#> . @prefix pdi: <https://w3id.org/paradiplomacy/id/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
"""


def test_framing_input_read_from_the_text_is_the_quads_one():
    """The framed views' input is read from the N-Quads text in the build: the same nodes as made
    from pyoxigraph's parsed quads, on every kind of value (numbers, booleans, ill-typed literals,
    escapes, languages, blank nodes, an inferred value beside an asserted one)."""
    from kg.build.canonical import canonical_dataset
    from kg.build import framed
    from kg.build.framed import framing_input, framing_input_from_lines

    data = Graph().parse(data=ODD_DATA + """@prefix pd: <https://w3id.org/paradiplomacy/ontology#> .
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        <https://w3id.org/paradiplomacy/id/b> pd:order "x"^^xsd:integer, "1.0e3"^^xsd:double, "true"^^xsd:boolean,
          "0"^^xsd:boolean, "maybe"^^xsd:boolean, "01"^^xsd:integer, "1"^^xsd:integer .""", format="turtle")
    ontology = Graph().parse(data=ODD_ONTOLOGY + """@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
        pd:Agreement rdfs:label "Agreement"@en ; skos:prefLabel "Perjanjian"@id .""", format="turtle")
    inferred = Graph().parse(data="""<https://w3id.org/paradiplomacy/id/a> <http://www.w3.org/2000/01/rdf-schema#label>
        "inferred", "Tirol"@de-at . <https://w3id.org/paradiplomacy/id/a> a <http://example.org/Inferred> .""",
                             format="turtle")
    cds = canonical_dataset(ontology, data, inferred, Graph())
    from_text = framing_input_from_lines(cds.chunks)
    assert from_text == framing_input(cds.ox_quads)
    assert json.dumps(from_text) == json.dumps(framing_input(cds.ox_quads))  # the same order, too
    assert any("https://w3id.org/paradiplomacy/framed#inferred" in n for n in from_text)
    # the same nodes wherever the text is cut (a subject's lines in several pieces), and as read before
    lines = b"".join(cds.chunks).splitlines(keepends=True)
    for size in (1, 2, 7):
        assert framing_input_from_lines([b"".join(lines[i:i + size]) for i in range(0, len(lines), size)]) == from_text
    assert framed._framing_input_from_lines_by_graph(cds.chunks) == from_text


def test_framing_input_read_from_the_text_merges_an_iri_written_two_ways():
    """An IRI written with an escape in one line and plainly in another is one node, one property
    (as pyoxigraph reads it): the reader falls back to gathering each graph's values first."""
    from kg.build import framed
    from kg.namespaces import GRAPH_DATA, GRAPH_INFERRED, GRAPH_ONTOLOGY

    pdi, label = "https://w3id.org/paradiplomacy/id/", "http://www.w3.org/2000/01/rdf-schema#label"
    lines = [f'<{pdi}a> <{label}> "A" <{GRAPH_DATA}> .', f'<{pdi}\\u0061> <{label}> "B" <{GRAPH_DATA}> .',
             f'<{pdi}b> <{label}> "C" <{GRAPH_INFERRED}> .',
             f'<{pdi}b> <http://www.w3.org/2000/01/rdf-schema#\\u006Cabel> "D" <{GRAPH_DATA}> .']
    text = "".join(sorted(line + "\n" for line in lines)).encode("utf-8")
    nodes = framed.framing_input_from_lines([text])
    assert nodes == framed._framing_input_from_lines_by_graph([text])
    assert [n["@id"] for n in nodes] == [pdi + "a", pdi + "b"]
    assert [v["@value"] for v in nodes[0][label]] == ["A", "B"] and len(nodes[1][label]) == 2
    # an ontology term's labels come with it when the data points at it, written plainly or not
    for written in ("c", "\\u0063"):
        more = [f'<{pdi}a> <http://example.org/p> <{pdi}{written}> <{GRAPH_DATA}> .',
                f'<{pdi}c> <{label}> "Sea"@en <{GRAPH_ONTOLOGY}> .',
                f'<{pdi}d> <{label}> "Land"@en <{GRAPH_ONTOLOGY}> .']
        text = "".join(sorted(line + "\n" for line in more)).encode("utf-8")
        nodes = framed.framing_input_from_lines([text])
        assert nodes == framed._framing_input_from_lines_by_graph([text])
        assert [n["@id"] for n in nodes] == [pdi + "a", pdi + "c"]
        assert nodes[1][label] == [{"@value": "Sea", "@language": "en"}]


def test_used_prefixes_found_in_the_chunks_are_those_of_the_written_file(real_dist):
    """The N-Quads' prefixes are looked for in the chunks the build holds, not in the file read back:
    the same prefixes as the file's text, whatever lines the chunks are cut at."""
    from kg.build import export

    text = (real_dist / "paradiplomacy.nq").read_bytes()
    lines = text.splitlines(keepends=True)
    expected = export._used_prefixes(text.decode("utf-8"))
    assert expected == export._used_prefixes_in_file(real_dist / "paradiplomacy.nq")
    assert "pd" in expected and "rdf" in expected  # the dataset's own vocabulary is used
    for size in (1, 300, len(lines)):
        chunks = [b"".join(lines[i:i + size]) for i in range(0, len(lines), size)]
        assert export._used_prefixes_in_chunks(chunks) == expected
    assert export._used_prefixes_in_chunks([]) == {}


PIECES_TRIG = """@prefix pdi: <https://w3id.org/paradiplomacy/id/> . @prefix pd: <https://w3id.org/paradiplomacy/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
GRAPH pdi:passage-p1 { pdi:a a pd:Agreement ; rdfs:label "a"@en ; pd:signedOn "2005-01-02" . <urn:after> rdfs:label "last" . }
GRAPH pdi:passage-p2 { pdi:a rdfs:label "a"@en . pdi:b rdfs:label "b" , "b"@id ; rdfs:seeAlso <urn:after> . }
"""


@pytest.mark.parametrize("chunk_lines", [2, 10 ** 6])
def test_json_ld_in_pieces_is_the_whole_document(monkeypatch, chunk_lines):
    """The export's two processes write the JSON-LD document in pieces (`part`): the provenance's
    graph object from its block of chunks, the head and the other graphs from the lines before
    and after that block (`<urn:after>` sorts after every statement), then the closing. In that
    order they are the document, with either writer; the provenance's piece alone holds the
    statements."""
    from kg.build import canonical
    from kg.build.canonical import build_canonical
    from kg.build.jsonld import _json_ld_parts, json_ld_context, split_for_provenance

    monkeypatch.setattr(canonical, "_CHUNK_LINES", chunk_lines)
    ontology = Graph().parse(data=ODD_ONTOLOGY, format="turtle")
    inferred = list(ox.parse('<urn:after> <http://www.w3.org/2000/01/rdf-schema#comment> "inferred" .',
                             format=ox.RdfFormat.N_TRIPLES))
    cds = build_canonical(ontology, [], inferred, list(ox.parse(PIECES_TRIG, format=ox.RdfFormat.TRIG)))
    assert split_for_provenance(cds)
    start, stop, _end, _count = cds.whole
    assert 0 < start and (chunk_lines > 2 or stop - start > 1)  # lines before the block; with 2 a chunk, several chunks in it
    context = json_ld_context(ontology)
    whole = "".join(_json_ld_parts(cds, context))
    pieces = ["".join(_json_ld_parts(cds, context, part=part)) for part in ("before", "provenance", "after")]
    assert "".join(pieces) == whole
    with pytest.raises(ValueError):  # a part that is none of them is refused, not taken for the end
        list(_json_ld_parts(cds, context, part="afterwards"))
    assert "statement/" in pieces[1] and "statement/" not in pieces[0]
    after = '{\n          "@id": "urn:after"'  # its node objects: in graph/data and graph/inferred
    assert pieces[0].count(after) == 2 and after not in pieces[1] and '"inferred"' in pieces[0]
    assert pieces[1] == "".join(_json_ld_parts(cds, context, part="provenance", from_text=False))
    assert pieces[0] == "".join(_json_ld_parts(cds, context, part="before", from_text=False))
    parsed = {str(q) for q in ox.parse(whole.encode("utf-8"), format=ox.RdfFormat.JSON_LD)}
    assert parsed == {str(q) for q in ox.parse(cds.nquads(), format=ox.RdfFormat.N_QUADS)}


@pytest.mark.parametrize("chunk_lines", [2, 6, 10 ** 6])
def test_the_provenance_piece_in_slices_is_the_piece(monkeypatch, chunk_lines):
    """Slices of the provenance's block (one a chunk) written apart and joined as
    `_ProvenanceSlices.put_in` joins them: the piece written whole, their ids in order. (The
    block's chunks hold whole statements, one at least: with 2 lines a chunk, one a chunk.)"""
    from kg.build import canonical
    from kg.build.canonical import build_canonical
    from kg.build.jsonld import _json_ld_parts, json_ld_context, provenance_slice

    monkeypatch.setattr(canonical, "_CHUNK_LINES", chunk_lines)
    ontology = Graph().parse(data=ODD_ONTOLOGY, format="turtle")
    cds = build_canonical(ontology, [], [], list(ox.parse(PIECES_TRIG, format=ox.RdfFormat.TRIG)))
    context = json_ld_context(ontology)
    start, stop, _end, _count = cds.whole
    lines = [provenance_slice(cds, k) for k in range(stop - start)]
    assert b"".join(lines) == b"".join(cds.chunks[start:stop])  # every line once, in order
    ids: list = []
    texts = ["".join(_json_ld_parts(cds, context, part="slice", lines=part, ids=ids)) for part in lines]
    assert all(last < first for last, first in zip(ids[1:-1:2], ids[2::2]))  # each slice's last before the next one's first
    head, tail = _json_ld_parts(cds, context, part="ends")
    assert head + ",\n".join(texts) + tail == "".join(_json_ld_parts(cds, context, part="provenance"))
    assert (stop - start == 1) if chunk_lines > 100 else (stop - start > 2)  # one slice, or several


def test_a_slice_holds_the_subjects_that_begin_in_its_chunk():
    """Chunks that cut subjects (a: 3 lines, b: 2, c: 3; 2 lines a chunk): each slice holds the
    whole subjects whose first line is in its chunk, the rest of the last one taken from the next
    chunk; a chunk that only goes on with the subject before has no slice (None)."""
    from kg.build.canonical import CanonicalDataset
    from kg.build.jsonld import provenance_slice

    def line(s: str, n: int) -> bytes:
        return f"<urn:{s}> <urn:p{n}> <urn:o> <urn:g> .\n".encode()

    a1, a2, a3, b1, b2, c1, c2, c3 = (line("a", 1), line("a", 2), line("a", 3), line("b", 1), line("b", 2),
                                      line("c", 1), line("c", 2), line("c", 3))
    chunks = [b"<urn:0> <urn:p> <urn:o> .\n", a1 + a2, a3 + b1, b2 + c1, c2 + c3]
    cds = CanonicalDataset(chunks=chunks, lines_count=9, whole=(1, 5, b" <urn:g> .\n", 8))
    assert [provenance_slice(cds, k) for k in range(4)] == [a1 + a2 + a3, b1 + b2, c1 + c2 + c3, None]
