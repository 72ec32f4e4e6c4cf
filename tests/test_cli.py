"""The `kg` command line, run in-process through `main(argv)` on a built miniature tree."""
from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys

import pytest

from kg.dataset import dist_dir
from kg.cli import main


def run(capsys, *argv) -> tuple[int, str, str]:
    capsys.readouterr()
    rc = main(list(argv))
    out = capsys.readouterr()
    return rc, out.out, out.err


def test_help_explains_commands_examples_and_exit_codes(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    for word in ("build", "query", "export", "stats", "demo", "Exit status", "kg query --list"):
        assert word in out


def test_no_command_prints_help_and_exits_2(capsys):
    assert main([]) == 2
    assert "usage: kg" in capsys.readouterr().err


def test_unknown_option_exits_2_with_a_hint(capsys):
    with pytest.raises(SystemExit) as info:
        main(["query", "--frobnicate"])
    assert info.value.code == 2
    assert "--help" in capsys.readouterr().err


def test_query_list_shows_names_roles_questions_and_parameters(built_fixture, capsys):
    rc, out, _ = run(capsys, "--root", str(built_fixture), "query", "--list")
    assert rc == 0
    assert "centre-region-relations  [report]" in out
    assert "part-of-itself-violation  [violation]" in out
    assert "en: How does each sub-state government relate to its central government?" in out
    assert "id: Bagaimana hubungan tiap pemerintah sub-negara dengan pemerintah pusatnya?" in out
    assert "--param country=<iri>" in out


def test_table_output_uses_prefixed_names_and_aligned_columns(built_fixture, capsys):
    rc, out, _ = run(capsys, "--root", str(built_fixture), "query", "centre-region-relations")
    assert rc == 0
    lines = out.splitlines()
    assert lines[0].split() == ["government", "label", "country", "relation"]
    # names where the dataset has them (ids on request with --ids), never full IRIs
    assert "Flanders" in out and "pdi:flanders" not in out and "https://" not in out
    assert lines[-1] == "(2 rows)"
    # aligned: every column starts at the same offset on each data row
    col = lines[0].index("country")
    assert sorted(l[col:].split()[0] for l in lines[2:4]) == ["Belgium", "Spain"]
    rc, out, _ = run(capsys, "--root", str(built_fixture), "query", "centre-region-relations", "--ids")
    assert "pdi:flanders" in out and "governmentLabel" in out and "https://" not in out


def test_csv_tsv_and_json_follow_the_sparql_result_formats(built_fixture, capsys):
    root = str(built_fixture)
    rc, out, _ = run(capsys, "--root", root, "query", "centre-region-relations", "--format", "csv")
    rows = list(csv.reader(io.StringIO(out)))
    # each column of ids gets its column of names beside it
    assert rc == 0 and rows[0] == ["government", "governmentLabel", "label", "country", "countryLabel", "relation"]
    assert ["https://w3id.org/paradiplomacy/id/flanders", "Flanders", "Flanders",
            "https://w3id.org/paradiplomacy/id/belgium", "Belgium", "cooperative"] in rows
    rc, out, _ = run(capsys, "--root", root, "query", "centre-region-relations", "--format", "tsv")
    assert out.splitlines()[0] == "?government\t?governmentLabel\t?label\t?country\t?countryLabel\t?relation"
    assert '"Flanders"@en' in out
    rc, out, _ = run(capsys, "--root", root, "query", "centre-region-relations", "--format", "json")
    doc = json.loads(out)
    assert doc["head"]["vars"] == ["government", "governmentLabel", "label", "country", "countryLabel", "relation"]
    labels = {b["label"]["value"] for b in doc["results"]["bindings"]}
    assert labels == {"Flanders", "Catalonia"}


def test_parameter_narrows_the_answer(built_fixture, capsys):
    rc, out, _ = run(capsys, "--root", str(built_fixture), "query", "centre-region-relations",
                     "--param", "country=pdi:spain", "--format", "csv")
    assert rc == 0
    assert [r[0] for r in csv.reader(io.StringIO(out))][1:] == ["https://w3id.org/paradiplomacy/id/catalonia"]


@pytest.mark.parametrize("argv, message", [
    (["query", "centre-region-relations", "--param", "nation=pdi:spain"], "has no parameter nation"),
    (["query", "centre-region-relations", "--param", "country"], "write it as NAME=VALUE"),
    (["query", "centre-region-relations", "--param", "country=zz:spain"], "unknown prefix 'zz'"),
    (["query", "no-such-question"], "no canned query named 'no-such-question'"),
    (["query", "centre"], "Did you mean: centre-region-relations"),
    # loopback IRI: were the check missing, nothing would leave the machine
    (["query", "--sparql", "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"], "SERVICE is refused"),
    (["query", "--sparql", "SELECT * FROM <http://127.0.0.1:9/g> WHERE { ?s ?p ?o }"], "is refused"),
    (["query", "--sparql", "SELEKT ?s WHERE { ?s ?p ?o }"], "SPARQL syntax error"),
    (["query"], "name a query"),
])
def test_bad_query_arguments_exit_2_with_a_clear_message(built_fixture, capsys, argv, message):
    rc, _, err = run(capsys, "--root", str(built_fixture), *argv)
    assert rc == 2
    assert message in err
    assert "Traceback" not in err


def test_sparql_text_may_use_project_prefixes_and_both_engines_agree(built_fixture, capsys):
    answers = {}
    for engine in ("oxigraph", "rdflib"):
        rc, out, _ = run(capsys, "--root", str(built_fixture), "query", "--engine", engine, "--format", "csv",
                         "--sparql", "PREFIX ex: <http://example.org/test#>\n"
                         "SELECT ?c WHERE { ?c a ex:StateWithSubStateActors } ORDER BY ?c")
        assert rc == 0
        answers[engine] = out
    assert answers["oxigraph"] == answers["rdflib"]
    assert "https://w3id.org/paradiplomacy/id/belgium" in answers["oxigraph"]


def test_export_writes_the_dist_file_atomically(built_fixture, tmp_path, capsys):
    target = tmp_path / "out.ttl"
    rc, _, err = run(capsys, "--root", str(built_fixture), "export", "--format", "ttl", "-o", str(target))
    assert rc == 0 and "wrote" in err
    assert target.read_bytes() == (dist_dir(built_fixture) / "paradiplomacy.ttl").read_bytes()
    assert [p.name for p in tmp_path.iterdir()] == ["out.ttl"]


def test_export_to_an_unwritable_place_exits_2(built_fixture, tmp_path, capsys):
    rc, _, err = run(capsys, "--root", str(built_fixture), "export", "--format", "nt",
                     "-o", str(tmp_path / "missing-dir" / "x.nt"))
    assert rc == 2 and "cannot write" in err


@pytest.mark.parametrize("tree", ["built_fixture", "real_dist"])
def test_stats_counts_the_named_graphs(tree, request, capsys):
    root = request.getfixturevalue(tree)
    root = root.parent if tree == "real_dist" else root
    rc, out, _ = run(capsys, "--root", str(root), "stats")
    assert rc == 0
    nq = (dist_dir(root) / "paradiplomacy.nq").read_text().splitlines()
    data = sum(1 for l in nq if l.endswith("/graph/data> ."))
    assert re.search(rf"^  data +{data}$", out, re.M), out
    prov = sum(1 for l in nq if l.endswith("/graph/provenance> ."))
    assert re.search(rf"^  provenance +{prov}$", out, re.M), out
    if tree == "real_dist":  # stats lists the ontology's classes; the fixture's vocabulary is not pd:
        passage = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/paradiplomacy/ontology#SourcePassage>"
        n = sum(1 for l in nq if f" {passage} " in l and l.endswith("/graph/data> ."))
        assert n and re.search(rf"^  pd:SourcePassage +{n} / +{n}$", out, re.M), out


def test_query_builds_the_dataset_first_when_dist_is_missing(fixture_tree, capsys):
    rc, out, err = run(capsys, "--root", str(fixture_tree), "query", "centre-region-relations")
    assert rc == 0 and "(2 rows)" in out
    assert "reason" in err  # progress of the build on stderr
    assert (dist_dir(fixture_tree) / "paradiplomacy.nq").exists()


def test_python_dash_m_kg_is_the_same_program(built_fixture):
    p = subprocess.run([sys.executable, "-m", "kg", "--root", str(built_fixture), "query", "--list"],
                       capture_output=True, text=True)
    assert p.returncode == 0 and "centre-region-relations" in p.stdout


def test_demo_answers_the_comparative_question(fixture_tree, capsys):
    rc, out, _ = run(capsys, "--root", str(fixture_tree), "demo", "-q")
    assert rc == 0
    assert "Triples per named graph" in out
    assert "How does each sub-state government relate to its central government?" in out
    assert "(2 rows)" in out


def test_validate_exits_0_when_conforming_and_1_on_a_violation_without_writing(fixture_tree, capsys):
    rc, out, _ = run(capsys, "--root", str(fixture_tree), "validate", "-q")
    assert rc == 0 and "conforms" in out and "1 violation queries return no rows" in out
    f = fixture_tree / "data" / "flanders.ttl"
    f.write_text(f.read_text().replace("    ex:isPartOf pdi:belgium ;\n", ""), encoding="utf-8")
    rc, _, err = run(capsys, "--root", str(fixture_tree), "validate", "-q")
    assert rc == 1 and "pds:SubStateGovernment-isPartOf" in err
    assert not dist_dir(fixture_tree).exists()


def test_build_reports_stage_timings_on_stderr(fixture_tree, capsys):
    rc, out, err = run(capsys, "--root", str(fixture_tree), "build")
    assert rc == 0
    for stage in ("parse", "shacl", "reason", "export"):
        assert re.search(rf"^  {stage}\b.* ms$", err, re.M), stage
    assert out.startswith(f"built {dist_dir(fixture_tree)}")


def test_table_cuts_long_texts_and_says_so():
    from rdflib import Literal, URIRef
    from kg.cli.output import format_table
    from kg.query.embedded import SelectResult

    res = SelectResult(["s", "quote"], [{"s": URIRef("https://w3id.org/paradiplomacy/id/flanders"),
                                         "quote": Literal("x" * 200)}])
    out = format_table(res)
    assert "x" * 79 + "…" in out and "x" * 80 not in out
    assert "--format csv or json gives them whole" in out
    assert "texts longer" not in format_table(SelectResult(["s"], [{"s": Literal("short")}]))
