"""Red-team defects 10 and 14 (../shared/reviews/redteam.md): the build must never lose the last
good dist/. A Ctrl-C between the two renames of the old swap left no dist/ at all; an empty data/
replaced a good dist/ with an ontology-only one; a data file linking outside the tree was read (and
a link to a system file printed its first line in the error)."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from kg.build import pipeline
from kg.build.pipeline import build
from kg.errors import InputError

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "build"


@pytest.fixture()
def tree(tmp_path) -> Path:
    root = tmp_path / "tree"
    shutil.copytree(FIXTURE, root)
    build(root, parallel=False)
    return root


def _dist_files(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((root / "dist").iterdir()) if p.is_file()}


def test_defect_10_the_swap_leaves_no_moment_without_dist(tree, monkeypatch):
    before = _dist_files(tree)
    seen = []
    real = pipeline._exchange

    def exchange(a, b):  # look at dist/ right after the swap: it is whole, and it is the new one
        done = real(a, b)
        seen.append(done and (tree / "dist" / "paradiplomacy.nq").is_file())
        return done
    monkeypatch.setattr(pipeline, "_exchange", exchange)
    build(tree, parallel=False)
    assert seen == [True]
    assert _dist_files(tree) == before  # same input, same bytes
    assert not [p for p in tree.iterdir() if p.name.startswith(".dist.")and p.name != ".dist.lock"]


def test_defect_10_a_ctrl_c_between_the_fallback_renames_puts_the_old_dist_back(tree, monkeypatch):
    before = _dist_files(tree)
    monkeypatch.setattr(pipeline, "_exchange", lambda a, b: False)  # a platform without RENAME_EXCHANGE
    real_rename = os.rename
    calls = []

    def rename(src, dst):
        calls.append((src, dst))
        if len(calls) == 2:  # dist -> .dist.old-PID done; the new one not yet in place
            raise KeyboardInterrupt
        return real_rename(src, dst)
    monkeypatch.setattr(pipeline.os, "rename", rename)
    with pytest.raises(KeyboardInterrupt):
        build(tree, parallel=False)
    monkeypatch.setattr(pipeline.os, "rename", real_rename)
    assert _dist_files(tree) == before


@pytest.mark.parametrize("how", ["empty", "missing"])
def test_defect_14_an_empty_or_missing_data_folder_is_an_error_and_dist_stays(tree, how):
    before = _dist_files(tree)
    shutil.rmtree(tree / "data")
    if how == "empty":
        (tree / "data").mkdir()
    with pytest.raises(InputError, match="no data files"):
        build(tree, parallel=False)
    assert _dist_files(tree) == before


def test_defect_14_a_data_file_linking_outside_the_tree_is_refused_without_its_content(tree, tmp_path):
    secret = tmp_path / "secret.ttl"
    secret.write_text("root:x:0:0:do-not-print\n", encoding="utf-8")
    (tree / "data" / "passwd.ttl").symlink_to(secret)
    with pytest.raises(InputError) as exc:
        build(tree, parallel=False)
    assert "outside the source tree" in str(exc.value) and "do-not-print" not in str(exc.value)


def test_defect_14_an_ill_typed_literal_is_an_error_with_file_and_line(tree):
    before = _dist_files(tree)
    data = sorted((tree / "data").glob("*.t*"))[0]
    text = data.read_text(encoding="utf-8")
    lines = text.splitlines()
    extra = '\nGRAPH <http://example.org/test#g-bad> { <http://example.org/test#x> <http://example.org/test#count> "many"^^<http://www.w3.org/2001/XMLSchema#integer> . }\n' \
        if data.suffix == ".trig" else \
        '\n<http://example.org/test#x> <http://example.org/test#count> "many"^^<http://www.w3.org/2001/XMLSchema#integer> .\n'
    data.write_text(text + extra, encoding="utf-8")
    with pytest.raises(InputError) as exc:
        build(tree, parallel=False)
    assert f"data/{data.name}:{len(lines) + 2}" in str(exc.value) and "xsd:integer" in str(exc.value)
    assert _dist_files(tree) == before


def test_defect_14_a_term_the_ontology_does_not_define_is_an_error(tree):
    """`pd:population` (in no ontology file) was exported silently; it is an error naming the file
    and line, because a term nobody defines is most often a typo and means nothing to a reader."""
    before = _dist_files(tree)
    data = sorted((tree / "data").glob("*.t*"))[0]
    text = data.read_text(encoding="utf-8")
    n = len(text.splitlines())
    triple = "<http://example.org/test#x> <https://w3id.org/paradiplomacy/ontology#population> 5 ."
    extra = f"\nGRAPH <http://example.org/test#g-bad> {{ {triple} }}\n" if data.suffix == ".trig" else f"\n{triple}\n"
    data.write_text(text + extra, encoding="utf-8")
    with pytest.raises(InputError) as exc:
        build(tree, parallel=False)
    assert f"data/{data.name}:{n + 2}: pd:population is not defined" in str(exc.value)
    assert _dist_files(tree) == before
