"""The build pipeline: what stops it (exit 1 or 2, dist/ untouched) and what it derives."""
from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, RDF

import kg
from kg.build import BuildFailed, build, check
from kg.dataset import DatasetLocation, dist_dir
from kg.cli import main
from kg.build.sources import InputError, load_tree, parse_turtle
from kg.namespaces import DATASET_GRAPHS, ONTOLOGY_IRI, PD, PDI, version_iri
from kg.build.reason import drop_reason, infer

EX = Namespace("http://example.org/test#")  # the vocabulary of the fixture tree (tests/fixtures/build)


def snapshot(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def graph_of(root: Path, name: str) -> Graph:
    ds_lines = (dist_dir(root) / "paradiplomacy.nq").read_text(encoding="utf-8").splitlines()
    g = Graph()
    g.parse(data="\n".join(l.rsplit(" ", 2)[0] + " ." for l in ds_lines if f"/graph/{name}> ." in l),
            format="nt")
    return g


# --- malformed input: exit 2, a message naming file and line, dist/ untouched -------------------

BROKEN = '''@prefix ex: <http://example.org/test#> .
@prefix pdi: <https://w3id.org/paradiplomacy/id/> .

pdi:catalonia a ex:Region ;
    ex:isPartOf pdi:spain
pdi:spain a ex:Country .
'''


def test_malformed_turtle_stops_the_build_with_file_and_line_and_leaves_dist(fixture_tree, capsys):
    assert main(["--root", str(fixture_tree), "build", "-q"]) == 0
    before = snapshot(dist_dir(fixture_tree))
    (fixture_tree / "data" / "catalonia.ttl").write_text(BROKEN, encoding="utf-8")
    capsys.readouterr()
    assert main(["--root", str(fixture_tree), "build", "-q"]) == 2
    err = capsys.readouterr().err
    # the statement missing its ' .' runs into line 6, where the parser notices
    assert "data/catalonia.ttl:6:" in err
    assert "Traceback" not in err
    assert snapshot(dist_dir(fixture_tree)) == before


@pytest.mark.parametrize("parser", ["oxigraph", "rdflib"])
def test_both_parsers_name_file_and_line_of_a_syntax_error(tmp_path, parser):
    bad = tmp_path / "bad.ttl"
    bad.write_text('@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:a ex:b "open .\nex:d ex:e ex:f .\n',
                   encoding="utf-8")
    with pytest.raises(InputError) as info:
        parse_turtle(bad, parser=parser, root=tmp_path)
    msg = str(info.value)
    assert msg.startswith("bad.ttl:3")
    assert 'ex:a ex:b "open .' in msg  # the offending line is quoted


def test_relative_iri_in_a_source_is_an_error_not_resolved(tmp_path):
    bad = tmp_path / "rel.ttl"
    bad.write_text("@prefix ex: <http://example.org/> .\n<flanders> ex:b ex:c .\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"rel.ttl:2:"):
        parse_turtle(bad, root=tmp_path)


def test_non_utf8_source_is_refused_with_line(tmp_path):
    bad = tmp_path / "latin.ttl"
    bad.write_bytes(b'@prefix ex: <http://example.org/> .\nex:a ex:b "Qu\xe9bec" .\n')
    with pytest.raises(InputError, match=r"latin.ttl:2: the file is not UTF-8"):
        parse_turtle(bad, root=tmp_path)


def test_other_rdf_formats_in_data_are_refused(fixture_tree):
    (fixture_tree / "data" / "extra.jsonld").write_text('{"@context": "http://example.org/ctx"}')
    with pytest.raises(InputError, match=r"data/extra.jsonld: only Turtle"):
        load_tree(fixture_tree)


def test_blank_node_labels_of_two_files_stay_distinct(tmp_path):
    for name in ("a", "b"):
        (tmp_path / f"{name}.ttl").write_text(
            f'@prefix ex: <http://example.org/> .\n_:n ex:from "{name}" .\n', encoding="utf-8")
    g = Graph()
    parse_turtle(tmp_path / "a.ttl", into=g)
    parse_turtle(tmp_path / "b.ttl", into=g)
    assert len(set(g.subjects())) == 2


# --- non-conforming data: exit 1, dist/ untouched --------------------------------------------

def test_shacl_violation_stops_the_build_naming_focus_and_shape(fixture_tree, capsys):
    assert main(["--root", str(fixture_tree), "build", "-q"]) == 0
    before = snapshot(dist_dir(fixture_tree))
    f = fixture_tree / "data" / "flanders.ttl"
    f.write_text(f.read_text().replace("    ex:isPartOf pdi:belgium ;\n", ""), encoding="utf-8")
    capsys.readouterr()
    assert main(["--root", str(fixture_tree), "build", "-q"]) == 1
    err = capsys.readouterr().err
    assert "pdi:flanders" in err and "pds:SubStateGovernment-isPartOf" in err
    assert "must be part of a country" in err
    assert snapshot(dist_dir(fixture_tree)) == before


def test_violation_query_with_rows_stops_the_build(fixture_tree):
    (fixture_tree / "queries" / "in-spain-violation.rq").write_text(
        "#+ summary: test: flags every government of Spain\n"
        "PREFIX ex: <http://example.org/test#>\n"
        "PREFIX pdi: <https://w3id.org/paradiplomacy/id/>\n"
        "SELECT ?government WHERE { ?government ex:isPartOf pdi:spain }\n", encoding="utf-8")
    with pytest.raises(BuildFailed) as info:
        build(fixture_tree)
    assert [f.name for f in info.value.failures] == ["in-spain-violation"]
    assert "pdi:catalonia" in str(info.value)
    assert not dist_dir(fixture_tree).exists()


_IN_SPAIN = ("#+ summary: test: flags every government of Spain\n"
             "PREFIX ex: <http://example.org/test#>\n"
             "PREFIX pdi: <https://w3id.org/paradiplomacy/id/>\n"
             "SELECT ?government WHERE { ?government ex:isPartOf pdi:spain }\n")


def _failed_build(tree, **kwargs) -> BuildFailed:
    with pytest.raises(BuildFailed) as info:
        build(tree, **kwargs)
    return info.value


def test_a_violation_found_by_the_check_child_fails_the_build_as_without_it(fixture_tree, monkeypatch):
    """With `parallel`, the check runs in a forked child while the export is written: a violation
    raises the same BuildFailed and the last good dist/ stays as it was. The check's failure ends the
    export as soon as it comes (`write_all`'s `stop`): here the export, once its JSON-LD child is
    started, waits for the verdict at its next pause, and never gets past it; the JSON-LD child (made
    slow) is stopped before its end."""
    import os
    import time

    import kg.build.export as export
    import kg.build.pipeline as pipeline

    monkeypatch.setattr("kg.build.pipeline.PARALLEL_MIN_TRIPLES", 0)  # the fixture is below the thresholds
    monkeypatch.setattr("kg.build.pipeline.CHECK_CHILD_MIN_QUADS", 0)
    children: list = []
    real_child = pipeline._CheckChild
    monkeypatch.setattr(pipeline, "_CheckChild", lambda *a: children.append(real_child(*a)) or children[-1])
    json_children: list = []  # the export's JSON-LD children
    real_fork = export._fork
    monkeypatch.setattr(export, "_fork", lambda work: json_children.append(real_fork(work)) or json_children[-1])
    exports: list = []  # per export: whether it was given a stop, and whether it got to its end
    real_write_all = pipeline.write_all

    def export_waiting_for_the_check(*args, stop=None, **kwargs):
        exports.append([stop is not None, False])
        started = len(json_children)

        def stop_once_the_verdict_is_in() -> None:  # the export made slower than any check
            for _ in range(1200):
                stop()
                if children[-1].message is not None or len(json_children) == started:
                    return
                time.sleep(0.05)

        files = real_write_all(*args, stop=stop_once_the_verdict_is_in if stop else None, **kwargs)
        exports[-1][1] = True
        return files

    monkeypatch.setattr(pipeline, "write_all", export_waiting_for_the_check)
    report = build(fixture_tree, parallel=True)
    assert len(children) == 1 and "check" in report.parallel_stages
    assert exports == [[True, True]]  # a check that passes lets the export end
    before = snapshot(dist_dir(fixture_tree))
    (fixture_tree / "queries" / "in-spain-violation.rq").write_text(_IN_SPAIN, encoding="utf-8")
    sequential = _failed_build(fixture_tree, parallel=False)
    assert len(children) == 1
    assert len(exports) == 1  # the check before the export: none is started
    parent, real_framed, ended = os.getpid(), export.write_framed, fixture_tree / "json-ld-child-ended"

    def slow_in_the_child(*args, **kwargs):
        if os.getpid() != parent:
            time.sleep(30)
            ended.touch()
        return real_framed(*args, **kwargs)

    monkeypatch.setattr(export, "write_framed", slow_in_the_child)
    forked = _failed_build(fixture_tree, parallel=True)
    assert len(children) == 2 and len(json_children) == 2
    assert exports[1] == [True, False]  # ended by the check's failure
    assert not ended.exists()  # the JSON-LD child was stopped (and reaped) before its end
    with pytest.raises(ChildProcessError):
        os.waitpid(json_children[1], os.WNOHANG)
    assert str(forked) == str(sequential) and "pdi:catalonia" in str(forked)
    assert [(f.name, f.variables, f.rows) for f in forked.failures] == \
        [(f.name, f.variables, f.rows) for f in sequential.failures]
    assert snapshot(dist_dir(fixture_tree)) == before
    assert [p.name for p in fixture_tree.iterdir() if p.name.startswith(".dist.tmp")] == []


def test_a_check_child_that_gives_no_verdict_leaves_the_check_to_the_build(fixture_tree, monkeypatch):
    """A check process that dies without a verdict (before or while it reads the text): the check
    runs in the build's process, which raises its failure (or passes) as without the child."""
    import os
    import sys

    import kg.build.pipeline as pipeline

    monkeypatch.setattr("kg.build.pipeline.PARALLEL_MIN_TRIPLES", 0)
    monkeypatch.setattr("kg.build.pipeline.CHECK_CHILD_MIN_QUADS", 0)
    parent = os.getpid()
    started: list = []

    def dies_at_once() -> list[str]:
        started.append(True)
        return [sys.executable, "-c", "import sys; sys.stdin.buffer.read(100); sys.exit(3)"]

    monkeypatch.setattr(pipeline, "_check_command", dies_at_once)
    in_the_build, real_check = [], pipeline._run_check  # the check run in the build's own process

    def spied_check(*args):
        in_the_build.append(os.getpid() == parent)
        return real_check(*args)

    monkeypatch.setattr(pipeline, "_run_check", spied_check)
    report = build(fixture_tree, parallel=True)
    assert "check" in report.parallel_stages and (dist_dir(fixture_tree) / "paradiplomacy.nq").exists()
    assert started == [True] and in_the_build == [True]  # the process died, so the build checked itself
    before = snapshot(dist_dir(fixture_tree))
    (fixture_tree / "queries" / "in-spain-violation.rq").write_text(_IN_SPAIN, encoding="utf-8")
    failed = _failed_build(fixture_tree, parallel=True)
    assert [f.name for f in failed.failures] == ["in-spain-violation"] and "pdi:catalonia" in str(failed)
    assert started == [True, True] and in_the_build == [True, True]
    assert snapshot(dist_dir(fixture_tree)) == before


def test_a_tree_without_violation_queries_is_built_without_a_check_store(fixture_tree, monkeypatch):
    """No violation query: nothing to check, so no store is made and no check child is started."""
    import kg.build.pipeline as pipeline

    monkeypatch.setattr("kg.build.pipeline.PARALLEL_MIN_TRIPLES", 0)
    monkeypatch.setattr("kg.build.pipeline.CHECK_CHILD_MIN_QUADS", 0)
    for f in (fixture_tree / "queries").glob("*-violation.rq"):
        f.unlink()
    monkeypatch.setattr(pipeline, "_CheckChild", None)  # would fail if called
    report = build(fixture_tree, parallel=True)
    assert report.violation_queries == [] and "check" in [name for name, _s in report.stages]
    assert (dist_dir(fixture_tree) / "paradiplomacy.nq").exists()


def test_the_check_process_gives_no_verdict_when_it_fails(monkeypatch):
    """The fresh process that runs the check: unreadable text gives no verdict (the build then runs
    the check itself), and so does text shorter than its length says (never a verdict on part of
    the data); a readable one gives the failures."""
    import json
    import pickle

    import kg.build.pipeline as pipeline
    from kg.build.canonical import CanonicalDataset
    from kg.build.pipeline import _check_in_a_process

    query = [("any-violation", "SELECT ?s WHERE { ?s ?p ?o }", "test")]
    assert _check_in_a_process(CanonicalDataset([b"<a> <b> .\n"], 1), query) == b""
    line = b"<http://example.org/a> <http://example.org/b> <http://example.org/c> <http://example.org/g> .\n"
    kind, failures, _seconds = pickle.loads(_check_in_a_process(CanonicalDataset([line], 1), query))
    assert kind == "ok" and [(f.name, [str(r["s"]) for r in f.rows]) for f in failures] == \
        [("any-violation", ["http://example.org/a"])]

    def cut_short(proc, cds, violations):  # the second chunk's first line only: whole lines, short
        head = json.dumps([list(v) for v in violations]).encode("utf-8")
        proc.stdin.write(b"%d 2\n" % len(head) + head + b"%d\n" % len(cds.chunks[0]) + cds.chunks[0]
                         + b"%d\n" % len(cds.chunks[1]) + cds.chunks[1][:len(line)])
        proc.stdin.close()

    monkeypatch.setattr(pipeline, "_feed_check", cut_short)
    two = line.replace(b"/a>", b"/d>") + line.replace(b"/a>", b"/e>")
    assert _check_in_a_process(CanonicalDataset([line, two], 3), query) == b""


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads /proc (Linux)")
def test_a_check_abandoned_leaves_no_process_behind():
    """A build stopped while its check runs (`_CheckChild.abandon`) leaves neither the check's
    process nor the thread that feeds it running."""
    import os
    import time

    from kg.build.canonical import CanonicalDataset
    from kg.build.pipeline import _CheckChild

    lines = b"".join(b"<http://example.org/s%d> <http://example.org/p> <http://example.org/o%d> "
                     b"<http://example.org/g> .\n" % (i, i) for i in range(2000))
    # a count over 8 billion rows: runs far longer than this test
    endless = [("endless-violation", "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", "")]
    child = _CheckChild(CanonicalDataset([lines], 2000), endless)
    assert child.pid is not None
    checkers = [child.pid]  # the check's process, a child of this one

    def cpu_seconds(pid: int) -> float:
        try:
            with open(f"/proc/{pid}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            return -1.0
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    for _ in range(1200):  # until it is in the query (past its imports and the load: ~0.5 s of CPU)
        if not 0 <= cpu_seconds(checkers[0]) < 2.0:
            break
        time.sleep(0.05)
    assert cpu_seconds(checkers[0]) >= 2.0  # still running: the query does not end by itself
    child.abandon()
    for _ in range(200):
        if not os.path.exists(f"/proc/{checkers[0]}"):
            break
        time.sleep(0.05)
    assert not os.path.exists(f"/proc/{checkers[0]}")
    assert not child.feeder.is_alive()


@pytest.mark.parametrize("parallel", [False, True])
def test_a_violation_is_said_before_an_error_of_the_export(fixture_tree, monkeypatch, parallel):
    """The check comes before the export: when both fail, the violation is what the build says,
    whether the check ran first or beside the export."""
    import kg.build.pipeline as pipeline

    monkeypatch.setattr("kg.build.pipeline.PARALLEL_MIN_TRIPLES", 0)
    monkeypatch.setattr("kg.build.pipeline.CHECK_CHILD_MIN_QUADS", 0)

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pipeline, "write_all", full_disk)
    (fixture_tree / "queries" / "in-spain-violation.rq").write_text(_IN_SPAIN, encoding="utf-8")
    failed = _failed_build(fixture_tree, parallel=parallel)
    assert [f.name for f in failed.failures] == ["in-spain-violation"]
    assert not dist_dir(fixture_tree).exists()
    (fixture_tree / "queries" / "in-spain-violation.rq").unlink()
    with pytest.raises(OSError, match="No space left on device"):
        build(fixture_tree, parallel=parallel)
    assert not dist_dir(fixture_tree).exists()


def test_owl_inconsistency_stops_the_build(fixture_tree, capsys):
    # deliberately wrong: Belgium typed as a sub-state government, which the fixture ontology
    # declares disjoint from ex:Country
    (fixture_tree / "data" / "wrong.ttl").write_text(
        "@prefix ex: <http://example.org/test#> .\n"
        "@prefix pdi: <https://w3id.org/paradiplomacy/id/> .\n"
        "pdi:belgium a ex:SubStateGovernment ; ex:isPartOf pdi:spain ; ex:relationWithCentre \"x\" .\n",
        encoding="utf-8")
    assert main(["--root", str(fixture_tree), "build", "-q"]) == 1
    err = capsys.readouterr().err
    assert "inconsistent" in err and "belgium" in err


# --- what the build derives ----------------------------------------------------------------

def test_version_comes_from_the_package_metadata(built_fixture):
    onto = Graph().parse(dist_dir(built_fixture) / "ontology.ttl")
    assert onto.value(ONTOLOGY_IRI, OWL.versionIRI) == version_iri(kg.__version__)
    assert onto.value(ONTOLOGY_IRI, OWL.versionInfo) == Literal(kg.__version__)


def test_inferred_graph_holds_rl_consequences_and_construct_results(built_fixture):
    inferred = graph_of(built_fixture, "inferred")
    assert (PDI.flanders, RDF.type, EX.SubStateGovernment) in inferred      # via rdfs:subClassOf
    assert (PDI.belgium, EX.hasPart, PDI.flanders) in inferred              # via owl:inverseOf
    assert (PDI.spain, RDF.type, EX.StateWithSubStateActors) in inferred    # construct-*.rq
    asserted = graph_of(built_fixture, "data") + graph_of(built_fixture, "ontology")
    assert not set(inferred) & set(asserted)


def test_inferred_graph_carries_no_uninformative_triples(built_fixture):
    inferred = graph_of(built_fixture, "inferred")
    assert [t for t in inferred if drop_reason(t)] == []
    assert (PDI.flanders, RDF.type, OWL.Thing) not in inferred


@pytest.mark.parametrize("triple, rule", [
    ((Literal("x"), OWL.sameAs, Literal("x")), "literal-subject"),
    ((PDI.flanders, OWL.sameAs, PDI.flanders), "reflexive"),
    ((PD.Region, OWL.equivalentClass, PD.Region), "reflexive"),
    ((PDI.flanders, RDF.type, OWL.Thing), "top"),
    ((URIRef("http://www.w3.org/2001/XMLSchema#int"), RDF.type, URIRef("http://www.w3.org/2000/01/rdf-schema#Datatype")),
     "builtin-vocabulary"),
    ((PDI.flanders, RDF.type, PD.SubStateActor), None),
])
def test_drop_rules(triple, rule):
    assert drop_reason(triple) == rule


@pytest.mark.parametrize("method", ["targeted", "rules"])
@pytest.mark.parametrize("tree", ["fixture_tree", "real_tree"])
def test_faster_reasoning_derives_what_full_owlrl_derives(tree, method, request):
    """Every inferred triple, not only those that name a project term (`pdi:aebr a prov:Agent` too)."""
    root = request.getfixturevalue(tree)
    src = load_tree(root)
    full = set(infer(src.ontology, src.data, method="full").inferred)
    targeted = set(infer(src.ontology, src.data, method=method).inferred)
    assert len(full) > 0
    assert targeted == full, (f"{len(full - targeted)} only in the full closure, e.g. {sorted(full - targeted)[:5]}; "
                              f"{len(targeted - full)} only in the targeted one, e.g. {sorted(targeted - full)[:5]}")


def test_shacl_warnings_do_not_stop_the_build_and_are_kept(built_fixture):
    report = Graph().parse(dist_dir(built_fixture) / "validation-report.ttl")
    SH = "http://www.w3.org/ns/shacl#"
    warned = {report.value(r, URIRef(SH + "focusNode"))
              for r in report.subjects(URIRef(SH + "resultSeverity"), URIRef(SH + "Warning"))}
    assert warned == {PDI.catalonia}


def test_check_reports_without_writing(fixture_tree):
    report = check(fixture_tree)
    assert report.violation_queries == ["part-of-itself-violation"]
    assert not dist_dir(fixture_tree).exists()


def test_ensure_built_rebuilds_only_when_a_source_is_newer(fixture_tree):
    nq = DatasetLocation.of(fixture_tree).ensure_built()
    first = nq.stat().st_mtime_ns
    assert DatasetLocation.of(fixture_tree).ensure_built().stat().st_mtime_ns == first
    src = fixture_tree / "data" / "flanders.ttl"
    import os
    os.utime(src, ns=(first + 10**9, first + 10**9))
    assert DatasetLocation.of(fixture_tree).ensure_built().stat().st_mtime_ns != first


def _built_version(root: Path) -> Literal:
    return Graph().parse(dist_dir(root) / "ontology.ttl").value(ONTOLOGY_IRI, OWL.versionInfo)


def test_ensure_built_rebuilds_a_dist_made_by_another_version(fixture_tree, monkeypatch):
    """A dist/ that another version of the package built (it may lay the files out otherwise) is
    built again though no source changed; the new one is this version's, and is then left alone."""
    with monkeypatch.context() as other_version:
        other_version.setattr(kg, "__version__", "0.0.1")
        other_version.setattr("kg.build.pipeline.__version__", "0.0.1")
        nq = DatasetLocation.of(fixture_tree).ensure_built()
    assert _built_version(fixture_tree) == Literal("0.0.1")
    first = nq.stat().st_mtime_ns
    assert DatasetLocation.of(fixture_tree).ensure_built().stat().st_mtime_ns != first
    assert _built_version(fixture_tree) == Literal(kg.__version__)
    second = nq.stat().st_mtime_ns
    assert DatasetLocation.of(fixture_tree).ensure_built().stat().st_mtime_ns == second


def test_the_real_sources_build_and_every_format_parses_back(real_dist):
    """The real sources as committed, built by `kg.build.build` with its defaults (the `real_dist`
    session build): every graph is filled and every format holds the same triples."""
    import pyoxigraph as ox
    from rdflib.compare import isomorphic
    from kg.terms import from_oxigraph

    graphs = {q.graph_name.value for q in ox.parse(path=real_dist / "paradiplomacy.nq", format=ox.RdfFormat.N_QUADS)}
    assert graphs == {str(g) for g in DATASET_GRAPHS}

    def load(name, fmt):
        g = Graph()
        for q in ox.parse(path=real_dist / name, format=fmt):
            g.add((from_oxigraph(q.subject), from_oxigraph(q.predicate), from_oxigraph(q.object)))
        return g

    reference = load("paradiplomacy.nq", ox.RdfFormat.N_QUADS)
    for name, fmt in (("paradiplomacy.ttl", ox.RdfFormat.TURTLE), ("paradiplomacy.trig", ox.RdfFormat.TRIG),
                      ("paradiplomacy.rdf", ox.RdfFormat.RDF_XML), ("paradiplomacy.jsonld", ox.RdfFormat.JSON_LD),
                      ("paradiplomacy.nt", ox.RdfFormat.N_TRIPLES)):
        assert isomorphic(load(name, fmt), reference), name


@pytest.mark.parametrize("parallel", [False, True])
def test_shacl_violation_is_reported_the_same_with_or_without_the_parallel_child(fixture_tree, parallel,
                                                                                 monkeypatch):
    monkeypatch.setattr("kg.build.pipeline.PARALLEL_MIN_TRIPLES", 0)  # the fixture is below the threshold
    f = fixture_tree / "data" / "flanders.ttl"
    f.write_text(f.read_text().replace("    ex:isPartOf pdi:belgium ;\n", ""), encoding="utf-8")
    with pytest.raises(BuildFailed) as info:
        build(fixture_tree, parallel=parallel)
    assert [(v.focus, v.shape) for v in info.value.findings] == [("pdi:flanders", "pds:SubStateGovernment-isPartOf")]


def test_parallel_and_sequential_builds_write_the_same_bytes(fixture_tree, tmp_path, monkeypatch):
    monkeypatch.setattr("kg.build.pipeline.PARALLEL_MIN_TRIPLES", 0)
    a = build(fixture_tree, dist=tmp_path / "a", parallel=True)
    b = build(fixture_tree, dist=tmp_path / "b", parallel=False)
    assert "shacl" in a.parallel_stages and not b.parallel_stages
    assert [str(w) for w in a.warnings] == [str(w) for w in b.warnings]
    assert snapshot(tmp_path / "a") == snapshot(tmp_path / "b")


def test_the_export_child_writes_the_json_ld_files_and_a_failed_child_leaves_them_to_the_parent(
        fixture_tree, tmp_path, monkeypatch):
    """With `parallel`, the export forks a child that writes the JSON-LD files and the framed views;
    when it fails, the build writes them itself: the same bytes as a build without the child."""
    import os

    import kg.build.export as export

    monkeypatch.setattr("kg.build.pipeline.PARALLEL_MIN_TRIPLES", 0)
    build(fixture_tree, dist=tmp_path / "seq", parallel=False)
    children: list[int] = []
    real_fork = export._fork
    monkeypatch.setattr(export, "_fork", lambda work: children.append(real_fork(work)) or children[-1])
    build(fixture_tree, dist=tmp_path / "child", parallel=True)
    assert len(children) == 1 and children[0] is not None
    assert snapshot(tmp_path / "child") == snapshot(tmp_path / "seq")

    parent, real_framed = os.getpid(), export.write_framed

    def framed_failing_in_the_child(*args, **kwargs):
        if os.getpid() != parent:
            raise RuntimeError("the child fails")
        return real_framed(*args, **kwargs)

    monkeypatch.setattr(export, "write_framed", framed_failing_in_the_child)
    build(fixture_tree, dist=tmp_path / "failed", parallel=True)
    assert len(children) == 2
    assert snapshot(tmp_path / "failed") == snapshot(tmp_path / "seq")


@pytest.mark.parametrize("chunk_lines", [500, 10 ** 6])
def test_the_export_writes_the_json_ld_provenance_in_slices_from_both_processes(real_tree, tmp_path, monkeypatch,
                                                                              chunk_lines):
    """On the project's sources (TriG: the provenance is one block of chunks; 500 lines a chunk makes
    ~40 slices, a million one), the export's child, after the framed views, and this process,
    after its other formats and the JSON-LD document's head and other graphs, write the
    provenance's graph object in slices, which this process puts together: the same bytes as a
    build without the child, and no slice left in dist/. A slice that cannot be read alone has the
    piece written whole, here; a failed child, the whole document."""
    import os

    import kg.build.export as export
    from kg.build import canonical

    monkeypatch.setattr("kg.build.pipeline.PARALLEL_MIN_TRIPLES", 0)
    monkeypatch.setattr(canonical, "_CHUNK_LINES", chunk_lines)
    build(real_tree, dist=tmp_path / "seq", parallel=False)
    parent, real_parts, parts = os.getpid(), export._json_ld_parts, []

    def recorded(*args, **kwargs):
        if os.getpid() == parent:
            parts.append(kwargs.get("part"))
        return real_parts(*args, **kwargs)

    monkeypatch.setattr(export, "_json_ld_parts", recorded)
    build(real_tree, dist=tmp_path / "child", parallel=True)
    assert parts[0] == "before" and parts[-2:] == ["ends", "after"] and set(parts[1:-2]) <= {"slice"}
    assert snapshot(tmp_path / "child") == snapshot(tmp_path / "seq")

    real_slice = export.provenance_slice
    parts.clear()
    monkeypatch.setattr(export, "provenance_slice", lambda cds, k: None if k == 0 else real_slice(cds, k))
    build(real_tree, dist=tmp_path / "unread", parallel=True)
    assert parts[-2:] == ["provenance", "after"]  # the piece whole, here
    assert snapshot(tmp_path / "unread") == snapshot(tmp_path / "seq")
    monkeypatch.setattr(export, "provenance_slice", real_slice)

    real_framed = export.write_framed

    def framed_failing_in_the_child(*args, **kwargs):
        if os.getpid() != parent:
            raise RuntimeError("the child fails")
        return real_framed(*args, **kwargs)

    parts.clear()
    monkeypatch.setattr(export, "write_framed", framed_failing_in_the_child)
    build(real_tree, dist=tmp_path / "failed", parallel=True)
    assert parts[-1] is None  # the whole document again, here
    assert snapshot(tmp_path / "failed") == snapshot(tmp_path / "seq")


def test_slices_out_of_order_leave_the_piece_whole(tmp_path):
    """`put_in` writes nothing, and says so, when a slice is missing or when a slice's last id is not
    before the next one's first (two subjects compacted to one id, or out of order): the caller
    then writes the piece whole."""
    import json as json_

    from kg.build.export import _ProvenanceSlices

    class Whole:  # what put_in reads of the dataset before it writes (nothing here)
        whole = (0, 2, b"", 0)
        chunks = [b"", b""]

    slices = _ProvenanceSlices(tmp_path, Whole(), {}, "doc.jsonld")
    try:
        out = tmp_path / "out"
        with open(out, "wb") as fh:
            assert not slices.put_in(fh)  # none written
            for k, ids in enumerate((["st:a", "st:c"], ["st:c", "st:d"])):  # "st:c" in both
                slices._path(k).write_bytes((json_.dumps(ids) + "\n{}").encode("utf-8"))
            assert not slices.put_in(fh)
        assert out.read_bytes() == b""
    finally:
        slices.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_more_slices_than_the_pipe_holds_are_none(tmp_path, monkeypatch):
    """Numbers that would not fit the pipe (more slices than `MAX`) are not written: none is taken,
    `put_in` says no, and the piece is written whole (nothing waits on a full pipe)."""
    from kg.build.export import _ProvenanceSlices

    class Whole:
        whole = (0, 3, b"", 0)
        chunks = [b"", b"", b""]

    monkeypatch.setattr(_ProvenanceSlices, "MAX", 2)
    slices = _ProvenanceSlices(tmp_path, Whole(), {}, "doc.jsonld")
    try:
        slices.take()  # returns at once: no number to take (a slice of this dataset would raise)
        with open(tmp_path / "out", "wb") as fh:
            assert not slices.put_in(fh)
    finally:
        slices.close()


def test_every_shacl_finding_names_the_file_and_line_of_its_focus_node(real_dist):
    """`kg validate` points at the data: each warning starts with the file and line where its
    focus node is described. Section B.1's staff count ("Pegawai ... ada 95 orang", while its parts
    add up to 92) is the warning of pds:BreakdownSumShape."""
    root = real_dist.parent
    report = check(root)
    assert report.warnings and all(w.location for w in report.warnings if not w.focus.startswith("_:"))
    staff = next(w for w in report.warnings if w.focus == "pdi:count-flanders-staff-abroad")
    path, line = staff.location.rsplit(":", 1)
    assert path == "data/flanders.trig"
    assert (root / path).read_text(encoding="utf-8").splitlines()[int(line) - 1].strip() == \
        "pdi:count-flanders-staff-abroad"
    assert str(staff).startswith(f"{staff.location}: [Warning] pdi:count-flanders-staff-abroad")


def test_a_literal_with_a_unicode_line_separator_stays_one_line(fixture_tree):
    """pyoxigraph writes U+2028, U+2029 and U+0085 unescaped inside a literal (N-Quads allows it);
    the build splits its text at "\\n" only, so the quad stays whole and dist/ parses back."""
    import pyoxigraph as ox

    from kg.build import build
    from kg.build.provenance import nquads_lines

    text = "one\u2028two\u2029three\u0085four"
    quad = ox.Quad(ox.NamedNode("http://example.org/a"), ox.NamedNode("http://example.org/p"),
                   ox.Literal(text), ox.NamedNode("http://example.org/g"))
    assert len(list(nquads_lines([quad]))) == len(list(nquads_lines([quad], raw=True))) == 1
    with open(fixture_tree / "data" / "flanders.ttl", "a", encoding="utf-8") as fh:
        fh.write(f'\npdi:flanders rdfs:comment "{text}" .\n')
    build(fixture_tree)
    for name, fmt in (("paradiplomacy.nq", ox.RdfFormat.N_QUADS), ("paradiplomacy.nt", ox.RdfFormat.N_TRIPLES)):
        values = [q.object.value for q in ox.parse(path=str(fixture_tree / "dist" / name), format=fmt)
                  if isinstance(q.object, ox.Literal)]
        assert text in values, name


def test_idle_cores_reads_the_machine():
    """The cores' idle time over 0.1 s: a number between none and all of them (Linux's /proc/stat)."""
    import os
    import sys

    from kg.build.pipeline import _idle_cores

    idle = _idle_cores()
    if not sys.platform.startswith("linux"):
        assert idle is None
        return
    assert idle is not None and 0 <= idle <= (os.cpu_count() or 1) + 0.01


def test_a_load_average_that_lags_is_checked_against_the_idle_cores(monkeypatch):
    """Right after another job the load average still says busy; for a large tree the build asks the
    cores (`sample`), and forks its children only if one really is free. A small tree does not ask."""
    import os
    import threading

    import kg.build.pipeline as pipeline

    # a POSIX machine of two cores whose load average says both are busy, and no other thread (a
    # thread of another test still running would make the build refuse any fork, before this rule);
    # `fork` is only looked for, never called
    cores = 2
    monkeypatch.setattr(os, "fork", getattr(os, "fork", lambda: 0), raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: cores)
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    monkeypatch.setattr(os, "getloadavg", lambda: (2.0, 2.0, 2.0), raising=False)
    asked = []
    monkeypatch.setattr(pipeline, "_idle_cores", lambda: asked.append(1) or idle[0])
    idle = [float(cores)]
    assert pipeline._can_fork() is False and asked == []
    assert pipeline._can_fork(sample=True) is True and asked == [1]
    idle[0] = 1.2  # one core busy with something else: none spare for a child
    assert pipeline._can_fork(sample=True) is False


def test_a_terminated_build_stops_its_children_and_leaves_no_temporary_folder(fixture_tree, tmp_path):
    """SIGTERM (a `timeout`, a service manager) in the middle of the export, while the JSON-LD
    child writes beside it: `kg build` ends as on Ctrl-C, with status 143; the last good dist/ is
    as it was, no `.dist.tmp-*` folder is left beside it, and the export's child is gone. (With
    Python's default, the process ended at once and left the folder: 3.6 GB at ~1M.) The build
    sends the signal to itself at the first block of its N-Triples pass, so the moment is the same
    on every machine."""
    import os
    import subprocess
    import sys

    assert main(["--root", str(fixture_tree), "build", "-q"]) == 0
    dist = dist_dir(fixture_tree)
    before = snapshot(dist)
    forked = tmp_path / "forked"
    code = f"""
import os, signal, sys, time
import kg.build.export as ex, kg.build.pipeline as pl
pl.PARALLEL_MIN_TRIPLES = 0  # the fixture tree is small: fork as at scale
pl._can_fork = lambda **kwargs: True
fork = ex._fork
def recorded(work):
    pid = fork(work)
    with open({str(forked)!r}, "a") as fh:
        fh.write(f"{{pid}}\\n")
    return pid
ex._fork = recorded
def terminated(self, *args):
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(60)
ex._Documents.block = terminated
from kg.cli import main
sys.exit(main(["--root", {str(fixture_tree)!r}, "build", "-q"]))
"""
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          cwd=Path(kg.__file__).resolve().parents[1])
    assert proc.returncode == 128 + 15, (proc.returncode, proc.stderr)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert snapshot(dist) == before
    assert not list(fixture_tree.glob(f".{dist.name}.tmp-*")), "the new build's folder was left"
    children = [int(pid) for pid in forked.read_text().split()]
    assert children, "the export forked no child: nothing was tested about it"
    for pid in children:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


def test_the_last_builds_folder_is_removed_but_nothing_its_links_point_at(tmp_path):
    """`_remove_tree` (the swapped-out dist/, its files unlinked a few at a time): the folder and
    everything in it goes; a file or folder outside that a link inside points at stays."""
    from kg.build.pipeline import _remove_tree

    outside_file, outside_dir = tmp_path / "keep.txt", tmp_path / "keep"
    outside_file.write_text("kept")
    outside_dir.mkdir()
    (outside_dir / "inner.txt").write_text("kept")
    old = tmp_path / ".dist.tmp-old"
    (old / "framed").mkdir(parents=True)
    for name in ("paradiplomacy.nq", "paradiplomacy.ttl", "void.ttl", "framed/actors.json"):
        (old / name).write_bytes(b"x" * 4096)
    (old / "link-to-file").symlink_to(outside_file)
    (old / "link-to-dir").symlink_to(outside_dir, target_is_directory=True)
    _remove_tree(old)
    assert not old.exists() and not old.is_symlink()
    assert outside_file.read_text() == "kept" and (outside_dir / "inner.txt").read_text() == "kept"
