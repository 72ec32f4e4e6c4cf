"""Red-team defects 10 and 14 (../shared/reviews/redteam.md): the build must never lose the last
good dist/. A Ctrl-C between the two renames of the old swap left no dist/ at all; an empty data/
replaced a good dist/ with an ontology-only one; a data file linking outside the tree was read (and
a link to a system file printed its first line in the error)."""
from __future__ import annotations

import os
import resource
import shlex
import shutil
import subprocess
import sys
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


# --- Defect 14's last point: a full disk or a read-only tree gives a clear message and exit 2, and
# the last good dist/ stays. Each case is a real `kg build` process meeting the real error: a tmpfs
# that is full, the review's `ulimit -f`, a read-only mount. The mounts live in a private mount
# namespace (`unshare -rm`), so the test needs no privileges beyond what the query workers' network
# wall uses, and nothing outside the test sees them.

CHECKOUT = Path(__file__).resolve().parents[2]


def _run_kg_build(root: Path, *, preexec=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kg", "--root", str(root), "build", "-q"], capture_output=True,
                          text=True, timeout=600, preexec_fn=preexec, env={**os.environ, "PYTHONPATH": str(CHECKOUT)})


def _assert_clear_failure(proc: subprocess.CompletedProcess, says: str) -> None:
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert says in proc.stderr, proc.stderr


def _namespace(script: str) -> list[str]:
    if not shutil.which("unshare"):
        pytest.fail("unshare (util-linux) is needed to mount a small file system for this test")
    return ["unshare", "-rm", "sh", "-euc", script, "sh"]


def test_defect_14_a_full_disk_is_exit_2_with_a_clear_message_and_dist_stays(tree, tmp_path):
    before = _dist_files(tree)
    disk = tmp_path / "disk"
    disk.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    kg = f"{shlex.quote(sys.executable)} -m kg"
    # in the namespace: a 2 MiB tmpfs holding the tree and its good dist/, filled up; then the build
    script = f"""
        mount -t tmpfs -o size=2m tmpfs {disk}
        cp -a {tree} {disk}/tree
        dd if=/dev/zero of={disk}/filler bs=4k 2>/dev/null || true
        set +e
        PYTHONPATH={shlex.quote(str(CHECKOUT))} {kg} --root {disk}/tree build -q 2>{out}/stderr
        echo $? > {out}/rc
        set -e
        cp -a {disk}/tree/dist {out}/dist
        ls -a {disk}/tree > {out}/listing
    """
    proc = subprocess.run(_namespace(script), capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    stderr = (out / "stderr").read_text()
    assert (out / "rc").read_text().strip() == "2", stderr
    assert "Traceback" not in stderr and "No space left on device" in stderr and "the disk is full" in stderr, stderr
    assert {p.name: p.read_bytes() for p in sorted((out / "dist").iterdir()) if p.is_file()} == before
    assert not [n for n in (out / "listing").read_text().split() if n.startswith(".dist.tmp")]


def test_defect_14_a_file_size_limit_is_exit_2_with_a_clear_message_and_dist_stays(tree):
    """The review's own form: `ulimit -f 1024` (EFBIG, 'File too large') ended in a traceback, exit 1."""
    before = _dist_files(tree)
    biggest = max(p.stat().st_size for p in (tree / "dist").iterdir() if p.is_file())
    proc = _run_kg_build(tree, preexec=lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (biggest // 2, biggest // 2)))
    _assert_clear_failure(proc, "File too large")
    assert _dist_files(tree) == before
    assert not [p for p in tree.iterdir() if p.name.startswith(".dist.tmp")]


def test_defect_14_a_read_only_tree_is_exit_2_with_a_clear_message_and_dist_stays(tree):
    before = _dist_files(tree)
    root = shlex.quote(str(tree))
    kg = f"{shlex.quote(sys.executable)} -m kg"
    script = f"""
        mount --bind {root} {root}
        mount -o remount,bind,ro {root}
        PYTHONPATH={shlex.quote(str(CHECKOUT))} exec {kg} --root {root} build -q
    """
    proc = subprocess.run(_namespace(script), capture_output=True, text=True, timeout=600)
    _assert_clear_failure(proc, "read-only")
    assert _dist_files(tree) == before
