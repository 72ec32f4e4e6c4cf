"""The command line by the article's names: `kg explain`, `kg query --param`, `--lang id`, exit codes.

The three questions of issue 19's "done when", asked without an IRI:
- which agreements did DI Yogyakarta make, with whom, and what became of them (section C);
- what do Flanders and Catalonia both control (section B);
- why is Catalonia's relation conflictual (section B.2).
"""
from __future__ import annotations

import csv
import io

import pytest

from kg.cli import main


def run(capsys, *argv) -> tuple[int, str, str]:
    capsys.readouterr()
    rc = main(list(argv))
    out = capsys.readouterr()
    return rc, out.out, out.err


@pytest.fixture(scope="module")
def root(real_dist):
    return str(real_dist.parent)


@pytest.mark.parametrize("name", ["Catalonia", "Katalonia", "catalonia", "pdi:catalonia"])
def test_explain_takes_the_article_s_names(capsys, root, name):
    rc, out, _ = run(capsys, "--root", root, "explain", name)
    assert rc == 0
    assert "pdi:relation-catalonia-spain" in out and "ConflictualRelation" in out


def test_explain_by_the_indonesian_name_of_yogyakarta(capsys, root):
    rc, out, _ = run(capsys, "--root", root, "explain", "Daerah Istimewa Yogyakarta")
    assert rc == 0 and "relation-special-region-of-yogyakarta-indonesia" in out


def test_explain_a_misspelt_name_suggests_and_exits_2(capsys, root):
    rc, _, err = run(capsys, "--root", root, "explain", "Flandres")
    assert rc == 2
    assert "did you mean" in err and "Flanders" in err and "Traceback" not in err


def test_explain_all_gives_each_relation_its_character_and_rule(capsys, root):
    rc, out, _ = run(capsys, "--root", root, "explain", "--all")
    assert rc == 0
    assert "pdi:relation-catalonia-spain" in out and "pdi:relation-flanders-belgium" in out
    assert "derived by rule from evidence" in out and "the rule  " in out


def test_agreements_of_yogyakarta_by_name_with_names_in_the_table(capsys, root):
    rc, out, _ = run(capsys, "--root", root, "query", "agreements-of-actor", "--param", "actor=DI Yogyakarta")
    assert rc == 0
    # section C: the 1985 agreement with Kyoto Prefecture, extended in 2005
    assert "Kyoto Prefecture" in out and "pdi:" not in out


def test_agreements_in_indonesian(capsys, root):
    rc, out, _ = run(capsys, "--root", root, "query", "agreements-of-actor", "--param", "actor=DIY",
                     "--lang", "id", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rc == 0 and rows
    assert {r["actorLabel"] for r in rows} == {"Daerah Istimewa Yogyakarta"}
    assert "Prefektur Kyoto" in {r["partnerLabel"] for r in rows}
    # the canned query's own label filter takes the language too: statuses in Indonesian
    assert "habis masa berlaku" in {r["status"] for r in rows}


def test_competences_side_by_side_by_names(capsys, root):
    rc, out, _ = run(capsys, "--root", root, "query", "competences-side-by-side",
                     "--param", "actor_a=Flanders", "--param", "actor_b=Catalonia", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rc == 0 and rows, "names must not silently give an empty answer"
    assert {r["actor_aLabel"] for r in rows} == {"Flanders"}


def test_relation_parameter_takes_the_actor(capsys, root):
    rc, out, _ = run(capsys, "--root", root, "query", "relation-evidence", "--param", "relation=catalonia",
                     "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rc == 0 and rows
    assert {r["relation"] for r in rows} == {"https://w3id.org/paradiplomacy/id/relation-catalonia-spain"}


def test_an_unknown_name_in_a_parameter_exits_2(capsys, root):
    rc, out, err = run(capsys, "--root", root, "query", "competences-side-by-side", "--param", "actor_a=Flandres")
    assert rc == 2 and out == "" and "Flanders" in err


def test_an_unknown_language_exits_2(capsys, root):
    with pytest.raises(SystemExit) as exc:
        main(["--root", root, "query", "agreements-of-actor", "--lang", "fr"])
    assert exc.value.code == 2


def test_tables_fit_the_terminal(capsys, root, monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")
    rc, out, _ = run(capsys, "--root", root, "query", "agreements-of-actor", "--param", "actor=DIY")
    assert rc == 0
    assert max(len(line) for line in out.splitlines()) <= 100


def test_a_misspelt_query_name_gets_a_suggestion(capsys, root):
    rc, _, err = run(capsys, "--root", root, "query", "agrements-of-actor")
    assert rc == 2 and "Did you mean: agreements-of-actor" in err


def test_serve_on_a_busy_port_says_so_and_exits_2(capsys, root):
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        rc, _, err = run(capsys, "--root", root, "serve", "--port", str(port))
    assert rc == 2 and f"port {port} on 127.0.0.1 is already in use" in err and "Traceback" not in err


def test_explain_in_indonesian(capsys, root):
    rc, out, _ = run(capsys, "--root", root, "explain", "Katalonia", "--lang", "id")
    # the relation's Indonesian label, as the article's "pemerintah pusat Madrid-Spanyol" (B.2)
    assert rc == 0 and "pemerintah pusat Spanyol" in out
