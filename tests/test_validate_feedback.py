"""`kg validate` shows a new or changed file's findings apart from the existing warnings (issue 24
item 5): after a good `kg build`, the findings of files unchanged since are summed up as existing,
those of a new or edited file are listed first under their own heading."""
from __future__ import annotations

from kg.cli import main
from kg.dataset import dist_dir
from kg.feedback import record_path, split_findings

WALLONIA = """@prefix ex: <http://example.org/test#> .
@prefix pdi: <https://w3id.org/paradiplomacy/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

pdi:wallonia a ex:Region ;
    rdfs:label "Wallonia"@en ;
    ex:isPartOf pdi:belgium .
"""


def _validate(capsys, tree):
    rc = main(["--root", str(tree), "validate", "-q"])
    err = capsys.readouterr().err
    rc_v = main(["--root", str(tree), "validate"])
    return rc, err, rc_v, capsys.readouterr().err


def test_without_a_recorded_build_every_warning_is_listed_and_the_record_is_explained(fixture_tree, capsys):
    rc, _, _, err = _validate(capsys, fixture_tree)
    assert rc == 0
    assert "data/catalonia.ttl:6: [Warning] pdi:catalonia" in err       # the fixture's one warning
    assert "no record of the last good build" in err
    assert not dist_dir(fixture_tree).exists()                           # validate writes nothing


def test_a_new_files_findings_are_shown_apart_from_the_existing_warnings(fixture_tree, capsys):
    assert main(["--root", str(fixture_tree), "build", "-q"]) == 0
    capsys.readouterr()
    assert record_path(dist_dir(fixture_tree)).is_file()
    _, _, _, err = _validate(capsys, fixture_tree)
    assert "1 existing warning(s) (unchanged files" in err and "data/catalonia.ttl 1" in err
    assert "new or changed files" not in err and "[Warning] pdi:catalonia" not in err

    (fixture_tree / "data" / "wallonia.ttl").write_text(WALLONIA, encoding="utf-8")
    rc, quiet, _, err = _validate(capsys, fixture_tree)
    assert rc == 0
    head, _, rest = err.partition("existing warning(s)")
    assert "1 finding(s) in new or changed files (data/wallonia.ttl)" in head
    assert "data/wallonia.ttl:5: [Warning] pdi:wallonia" in head                # listed, with its place
    assert "pdi:catalonia" not in head and "data/catalonia.ttl 1" in rest        # summed up, after
    assert "pdi:wallonia" not in quiet and "1 finding(s) in new or changed files" in quiet   # -q: counts only


def test_an_edited_files_findings_count_as_new_and_a_finding_caused_elsewhere_too(fixture_tree, capsys):
    from kg.build import check

    assert main(["--root", str(fixture_tree), "build", "-q"]) == 0
    dist = dist_dir(fixture_tree)
    f = fixture_tree / "data" / "catalonia.ttl"
    f.write_text(f.read_text(encoding="utf-8") + "\n", encoding="utf-8")      # edited: its warning is new
    split = split_findings(check(fixture_tree).warnings, fixture_tree, dist)
    assert split.changed_files == ["data/catalonia.ttl"]
    assert [w.focus for w in split.new] == ["pdi:catalonia"] and split.existing == []
    # a shape changed: the finding is not the one recorded, so it is new though its file is unchanged
    assert main(["--root", str(fixture_tree), "build", "-q"]) == 0
    s = fixture_tree / "shapes" / "mini.ttl"
    s.write_text(s.read_text(encoding="utf-8").replace("add ex:relationWithCentre.", "add ex:relationWithCentre!"),
                 encoding="utf-8")
    split = split_findings(check(fixture_tree).warnings, fixture_tree, dist)
    assert split.changed_files == ["shapes/mini.ttl"]
    assert [w.focus for w in split.new] == ["pdi:catalonia"] and split.existing == []
