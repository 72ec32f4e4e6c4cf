"""Shared fixtures. Tests that build work on a copy of a source tree under tmp_path, never on the
checkout's own dist/ (other test modules may read it at the same time)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

pytest_plugins = ["conftest_stores"]  # real triple stores (Virtuoso, Oxigraph server) for tests/test_stores*.py

REPO = Path(__file__).resolve().parent.parent
BUILD_FIXTURE = REPO / "tests" / "fixtures" / "build"
SOURCE_FOLDERS = ("ontology", "shapes", "data", "queries")


def copy_tree(src: Path, dst: Path) -> Path:
    """Copy the source folders of a tree (not dist/) to dst."""
    dst.mkdir(parents=True, exist_ok=True)
    for folder in SOURCE_FOLDERS:
        if (src / folder).is_dir():
            shutil.copytree(src / folder, dst / folder)
        else:
            (dst / folder).mkdir()
    return dst


@pytest.fixture
def fixture_tree(tmp_path) -> Path:
    """A private copy of the miniature source tree tests/fixtures/build."""
    return copy_tree(BUILD_FIXTURE, tmp_path / "tree")


@pytest.fixture
def real_tree(tmp_path) -> Path:
    """A private copy of the project's real sources (ontology/, shapes/, data/, queries/) as committed
    (git HEAD): other people's unfinished edits in the working tree do not make these tests flaky.
    Outside a git checkout (an sdist), the files on disk are copied."""
    import subprocess

    dst = tmp_path / "real"
    dst.mkdir()
    try:
        archive = subprocess.run(["git", "-C", str(REPO), "archive", "HEAD"],
                                 capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        shutil.rmtree(dst)
        return copy_tree(REPO, dst)
    import io
    import tarfile

    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        members = [m for m in tar.getmembers() if m.name.split("/", 1)[0] in SOURCE_FOLDERS]
        tar.extractall(dst, members=members, filter="data")
    for folder in SOURCE_FOLDERS:
        (dst / folder).mkdir(exist_ok=True)
    return dst


@pytest.fixture(scope="session")
def built_fixture(tmp_path_factory) -> Path:
    """The miniature tree built once for the session (read-only for the tests that use it)."""
    from kg.build import build

    root = copy_tree(BUILD_FIXTURE, tmp_path_factory.mktemp("built") / "tree")
    build(root)
    return root
