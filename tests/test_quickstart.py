"""The README's quick start works on a fresh clone: build, then the demo answers its question."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import pytest

from conftest import REPO


@pytest.fixture(scope="module")
def fresh_clone(tmp_path_factory):
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.fail("the fresh-clone test needs git and a git checkout")
    dest = tmp_path_factory.mktemp("clone") / "paradiplomacy-kg"
    subprocess.run(["git", "clone", "-q", "--no-hardlinks", str(REPO), str(dest)], check=True)
    return dest


def kg(clone, *argv) -> subprocess.CompletedProcess:
    # run the clone's own package (python -m puts the working directory first on sys.path)
    env = {k: v for k, v in os.environ.items() if k not in ("KG_ROOT", "PYTHONPATH")}
    return subprocess.run([sys.executable, "-m", "kg", *argv], cwd=clone, env=env,
                          capture_output=True, text=True, timeout=300)


def test_fresh_clone_builds(fresh_clone):
    p = kg(fresh_clone, "build")
    assert p.returncode == 0, p.stderr
    assert (fresh_clone / "dist" / "paradiplomacy.nq").stat().st_size > 0
    # the build ran from the clone, not from the checkout the tests live in
    assert str(fresh_clone) in p.stdout


def test_fresh_clone_demo_answers_with_rows(fresh_clone):
    p = kg(fresh_clone, "demo", "-q")
    assert p.returncode == 0, p.stderr
    m = re.search(r"^\((\d+) rows?\)$", p.stdout, re.M)
    assert m and int(m.group(1)) > 0, p.stdout
