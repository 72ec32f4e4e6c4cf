"""Session fixtures for the real triple stores (a pytest plugin, loaded from tests/conftest.py).

`store` is parametrized over Virtuoso and Oxigraph server: each is started once, loaded with
`kg push` (the real command, in-process) with every dataset the tests compare on, and stopped when
the tests that use it are done. pytest runs the tests of one store before starting the next, so
only one store is up at a time. A missing binary skips with the install command in the reason.
"""
from __future__ import annotations

import io
import time
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass, field
from pathlib import Path

import pytest

import stores as store_procs

FIXTURES = Path(__file__).parent / "fixtures" / "stores"
TEST_GRAPH_BASE = "https://w3id.org/paradiplomacy/test-graph/"
FIXTURE_GRAPHS = tuple(TEST_GRAPH_BASE + n for n in ("ontology", "data", "inferred"))

# what the session measured, printed at the end (install time is measured by the installer)
TIMINGS: list[str] = []


@dataclass
class Dataset:
    """A dataset the stores are compared on: its N-Quads file and the graphs it fills."""

    name: str
    nquads: Path
    graphs: tuple[str, ...]
    triples: int = 0


@dataclass
class RunningStore:
    name: str
    proc: store_procs.StoreProcess
    datasets: dict[str, Dataset] = field(default_factory=dict)

    @property
    def query_url(self) -> str:
        return self.proc.query_url

    @property
    def store_url(self) -> str:
        return self.proc.store_url

    def push_args(self) -> list[str]:
        args = ["--endpoint", self.proc.query_url, "--store", self.proc.store_url]
        if self.proc.user:
            args += ["--user", self.proc.user, "--password", self.proc.password or ""]
        return args


def run_kg(argv: list[str]) -> tuple[int, str, str]:
    """Run a `kg` command in-process, as the console script does (`kg.cli.main`)."""
    from kg.cli import main

    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse usage errors
            code = exc.code if isinstance(exc.code, int) else 2
    return code, out.getvalue(), err.getvalue()


def _fixture_dataset(tmp: Path) -> Dataset:
    import pyoxigraph as ox

    nq = tmp / "stores-fixture.nq"
    with open(FIXTURES / "dataset.trig", "rb") as fh:
        quads = list(ox.parse(fh, ox.RdfFormat.TRIG))
    nq.write_bytes(ox.serialize(quads, format=ox.RdfFormat.N_QUADS))
    return Dataset("fixture", nq, FIXTURE_GRAPHS, len(quads))


def _real_dataset(real_dist: Path) -> Dataset:
    """The real build (`real_dist`, tests/conftest.py: the sources as committed, built once). A build
    that fails makes these tests error, not skip: the canned queries must be compared on the real data."""
    from kg.namespaces import DATASET_GRAPHS

    return Dataset("real", real_dist / "paradiplomacy.nq", tuple(str(g) for g in DATASET_GRAPHS))


@pytest.fixture(scope="session")
def store_datasets(tmp_path_factory, real_dist) -> dict[str, Dataset]:
    tmp = tmp_path_factory.mktemp("store-datasets")
    return {"fixture": _fixture_dataset(tmp), "real": _real_dataset(real_dist)}


@pytest.fixture(scope="session", params=["virtuoso", "oxigraph-server"])
def store(request, tmp_path_factory, store_datasets) -> RunningStore:
    name = request.param
    try:
        proc = store_procs.STARTERS[name](tmp_path_factory.mktemp(name))
    except store_procs.StoreUnavailable as exc:
        pytest.skip(str(exc))
    running = RunningStore(name, proc)
    request.addfinalizer(proc.stop)
    TIMINGS.append(f"{name}: started in {proc.start_s:.2f} s")
    for ds in store_datasets.values():
        started = time.monotonic()
        code, out, err = run_kg(["push", "--dataset", str(ds.nquads)] + running.push_args())
        took = time.monotonic() - started
        if code != 0:
            pytest.fail(f"kg push of the {ds.name} dataset into {name} failed (exit {code}):\n{err}\n"
                        f"store log:\n{proc.log_tail()}")
        running.datasets[ds.name] = ds
        TIMINGS.append(f"{name}: pushed the {ds.name} dataset ({ds.nquads.stat().st_size / 1024:,.0f} KiB) "
                       f"with kg push in {took:.2f} s")
    return running


def pytest_terminal_summary(terminalreporter):
    if TIMINGS:
        terminalreporter.section("triple stores")
        for line in TIMINGS:
            terminalreporter.write_line(line)
