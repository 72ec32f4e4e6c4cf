"""`kg template` and `kg import` as a user runs them: exit codes, messages, no partial write."""
from __future__ import annotations

import shutil
from pathlib import Path

from kg.cli import main

REPO = Path(__file__).resolve().parent.parent
FIXTURE = REPO / "tests" / "fixtures" / "import" / "jakarta"


def _tree(tmp_path: Path) -> Path:
    """A source tree without the imported web pages, so the fixture's page is new to it."""
    from tests.conftest import copy_tree

    root = copy_tree(REPO, tmp_path / "tree")
    for wb in (REPO / "data" / "workbooks").iterdir():
        (root / "data" / f"{wb.name}.trig").unlink(missing_ok=True)
    return root


def test_import_writes_the_case_and_the_same_bytes_twice(tmp_path, capsys):
    root = _tree(tmp_path)
    out = root / "data" / "jakarta.trig"
    assert main(["--root", str(root), "import", str(FIXTURE), "-o", str(out), "-q"]) == 0
    first = out.read_bytes()
    assert main(["--root", str(root), "import", str(FIXTURE), "-o", str(out), "-q"]) == 0
    assert out.read_bytes() == first
    assert b"GRAPH pdi:passage-beritajakarta-2019-01" in first


def test_import_with_a_bad_cell_exits_1_and_writes_nothing(tmp_path, capsys):
    root = _tree(tmp_path)
    book = tmp_path / "book"
    shutil.copytree(FIXTURE, book)
    p = book / "works.csv"
    p.write_text(p.read_text(encoding="utf-8").replace("2019-02-13,", "2019-02-30,"), encoding="utf-8")
    out = root / "data" / "jakarta.trig"
    out.write_text("# an earlier version\n", encoding="utf-8")
    assert main(["--root", str(root), "import", str(book), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "works!G2 [date] '2019-02-30'" in err and "nothing was written" in err
    assert out.read_text(encoding="utf-8") == "# an earlier version\n"
    assert not [f for f in out.parent.iterdir() if f.name.startswith(".jakarta.trig")]


def test_check_writes_nothing(tmp_path):
    root = _tree(tmp_path)
    out = root / "data" / "jakarta.trig"
    assert main(["--root", str(root), "import", str(FIXTURE), "--check", "-q"]) == 0
    assert not out.exists()


def test_template_refuses_a_name_that_is_not_xlsx(tmp_path, capsys):
    assert main(["--root", str(REPO), "template", str(tmp_path / "case.xls")]) == 2
    assert ".xlsx" in capsys.readouterr().err


def test_an_ambiguous_name_in_the_graph_lists_its_candidates(tmp_path, capsys):
    """'Madrid' names the city and, as an alternative name, Spain's central government (data/catalonia.trig)."""
    root = _tree(tmp_path)
    book = tmp_path / "book"
    shutil.copytree(FIXTURE, book)
    p = book / "agreements.csv"
    p.write_text(p.read_text(encoding="utf-8").replace("jakarta; seoul", "jakarta; Madrid"), encoding="utf-8")
    assert main(["--root", str(root), "import", str(book), "--check"]) == 1
    err = capsys.readouterr().err
    assert "agreements!D2 [parties] 'Madrid'" in err
    assert "pdi:madrid" in err and "pdi:spain-central-government" in err
