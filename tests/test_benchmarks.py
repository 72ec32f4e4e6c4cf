"""The benchmarks still run against the code they measure. Not timed tests: nothing here reads a
figure. `bench/bench_scale.py` (issue 22's runs at every size) failed on every build from 2c68eee
on, when the check stage moved (it patched a name the pipeline no longer had); `bench/bench_bound.py`
exits 1 when a canned query gives different bytes bound by VALUES and recognised, which it found in
agreements-in-force. Each runs here at the seed's size, with `bench/bench_passage_check.py`."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout)


def test_bench_scale_builds_the_seed_and_times_each_stage_and_check():
    proc = _run("bench/bench_scale.py", "--factors", "1")
    out = proc.stdout
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "build failed" not in out and "stopped" not in out, out
    for stage in ("parse", "shacl", "reason", "canonicalise", "check", "export", "build, total"):
        assert f"  {stage} " in out, f"no {stage!r} line:\n{out}"
    assert "    check " in out, f"no violation query timed:\n{out}"


def test_bench_bound_finds_every_canned_answer_the_same_both_ways(real_dist):
    proc = _run("bench/bench_bound.py", "--root", str(real_dist.parent), "--runs", "1")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    rows = [line for line in proc.stdout.splitlines() if line.endswith(("True", "False"))]
    assert len(rows) >= 10 and all(line.endswith("True") for line in rows), proc.stdout


def test_bench_passage_check_asks_each_shape_of_the_other_model(real_dist):
    """On the real data every asserted triple is in a passage's graph (statement-provenance-violation
    has no row), so each shape of the check under the passage-graph model finds none either."""
    proc = _run("bench/bench_passage_check.py", "--root", str(real_dist.parent), "--runs", "1")
    assert proc.returncode == 0, proc.stderr[-2000:]
    shapes = [line for line in proc.stdout.splitlines() if line.endswith("row(s)")]
    assert len(shapes) == 5 and sum(line.endswith(" 0 row(s)") for line in shapes) == 4, proc.stdout


def test_bench_passage_check_asks_each_shape_of_the_reifiers_model(real_dist):
    """The statements rewritten as RDF 1.2 reifiers still cover every asserted triple: no shape finds
    a row (had the rewrite matched nothing, every asserted triple would be one)."""
    proc = _run("bench/bench_passage_check.py", "--root", str(real_dist.parent), "--runs", "1",
                "--model", "reifiers")
    assert proc.returncode == 0, proc.stderr[-2000:]
    shapes = [line for line in proc.stdout.splitlines() if line.endswith("row(s)")]
    assert len(shapes) == 4 and sum(line.endswith(" 0 row(s)") for line in shapes) == 3, proc.stdout
