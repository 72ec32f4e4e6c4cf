"""Shared fixtures. Tests that build work on a copy of a source tree under tmp_path, never on the
checkout's own dist/ (other test modules may read it at the same time)."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from kg.dataset import SOURCE_FOLDERS

pytest_plugins = ["conftest_stores"]  # real triple stores (Virtuoso, Oxigraph server) for tests/test_stores*.py

REPO = Path(__file__).resolve().parent.parent
BUILD_FIXTURE = REPO / "tests" / "fixtures" / "build"


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
    return committed_sources(tmp_path / "real")


_REAL_DIST: list[Path] = []  # the dist/ folder real_dist built, for helpers that take no fixture


@pytest.fixture(scope="session")
def real_dist(tmp_path_factory) -> Path:
    """The project's real sources as committed (see `real_tree`), built once for the session by
    `kg.build.build(root)` with the build's defaults: the `dist/` folder holding `paradiplomacy.nq`,
    the artefact `kg build` ships. The data, query, competency-question, explain, reasoning and store
    tests read it (the `inferred` named graph for what the build infers) instead of deriving the
    dataset again. Read-only; its parent is the source tree (for `kg --root`)."""
    from kg.build import build

    root = committed_sources(tmp_path_factory.mktemp("real-dist") / "real")
    dist = build(root).dist
    assert dist is not None and (dist / "paradiplomacy.nq").is_file()
    _REAL_DIST[:] = [dist]
    return dist


def real_nquads() -> Path:
    """`paradiplomacy.nq` of the `real_dist` build, for helper modules whose functions take no
    fixture (tests/datagraph.py). Their test modules ask for the build with
    `pytestmark = pytest.mark.usefixtures("real_dist")`."""
    if not _REAL_DIST:
        raise RuntimeError("the real build is not made yet: the test module must use the real_dist fixture "
                           '(pytestmark = pytest.mark.usefixtures("real_dist"))')
    return _REAL_DIST[0] / "paradiplomacy.nq"


# --- shared/ beside the checkout: the source article and the reference lists ---------------------
# The repository keeps no copy of them. Tests that need one skip, saying how to point at it, where
# it is absent (CI, with KG_FAIL_ON_SKIP=1, counts such a skip as a failure).
POINT_AT_SHARED = "set KG_SHARED to the shared/ folder, or put shared/ beside the checkout"
POINT_AT_ARTICLE = ("set KG_ARTICLE to the article file itself, or KG_SHARED to the shared/ folder "
                    "holding seeds/paradiplomacy-article.txt (default: ../shared beside the checkout)")


def shared_dir() -> Path:
    """$KG_SHARED, else the folder `shared` beside the checkout."""
    env = os.environ.get("KG_SHARED")
    return Path(env) if env else REPO.parent / "shared"


def article_path() -> Path:
    """The source article: $KG_ARTICLE (the file itself), else `<shared>/seeds/paradiplomacy-article.txt`."""
    env = os.environ.get("KG_ARTICLE")
    return Path(env) if env else shared_dir() / "seeds" / "paradiplomacy-article.txt"


def require_article() -> Path:
    """The article's path, or skip the calling test with the reason and how to point at the file."""
    path = article_path()
    if not path.is_file():
        pytest.skip(f"the source article is not at {path}: {POINT_AT_ARTICLE}")
    return path


def require_shared(relative: str) -> Path:
    """A file of shared/ (e.g. 'reference/wikidata-ids.csv'), or skip the calling test saying where."""
    path = shared_dir() / relative
    if not path.is_file():
        pytest.skip(f"{path} is missing: {POINT_AT_SHARED}")
    return path


def committed_sources(dst: Path) -> Path:
    """Copy the real sources (ontology/, shapes/, data/, queries/) as committed (git HEAD) to dst;
    outside a git checkout (an sdist), the files on disk."""
    import subprocess

    dst.mkdir(parents=True)
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
