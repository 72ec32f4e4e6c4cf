"""The build: sources (ontology/, shapes/, data/, queries/) → one dataset in `dist/`.

Stages: parse → store (the data copied into one pyoxigraph store, which shacl reads and the
rules of reason then run in) → shacl (every shape compiled to SPARQL on pyoxigraph, `kg.build.shacl_core`; pySHACL only for what that does not cover) → version (stamp the ontology header) → reason (OWL 2 RL rules compiled
to SPARQL on pyoxigraph, `kg.build.rules`, then the `construct-*.rq` queries) → canonicalise (RDFC-1.0; the dataset kept as sorted N-Quads text) → check (the `*-violation.rq` queries) →
export (every format, written into a temporary folder beside `dist/` and swapped in with renames
at the end). On a multi-core machine shacl runs in a forked child beside version and reason, from
20,000 data quads on the provenance's text (four fifths of canonicalise) is made in another from
the end of parse to canonicalise, the check runs beside the export (in a process of its own, fed the
canonical text by a thread; the new `dist/` goes in only once the check has passed, and a failing
check ends the export as soon as it knows), and the export writes its JSON-LD files in a forked
child beside the other formats.

A failure at any stage raises before the swap, so the last good `dist/` is never touched:
`InputError` for unreadable input (the CLI exits 2), `BuildFailed` when the data does not
conform (exit 1).
"""
from __future__ import annotations

import contextlib
import dataclasses
import errno
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from rdflib import Graph, Literal
from rdflib.namespace import OWL, RDF

from kg import __version__
from kg.build.canonical import CanonicalDataset, build_canonical
from kg.build.checks import check_text
from kg.build.export import write_all
from kg.build.jsonld import gc_paused
from kg.build.reason import InconsistentError, Method, infer
from kg.build.shacl import Finding, Inference, locate_findings, validate_shapes
from kg.build.statement_checks import plan_check
from kg.build.sources import SourceTree, check_terms_defined, load_tree, source_files
from kg.dataset import Progress, dist_dir
from kg.errors import BuildFailed, InputError, os_error_parts
from kg.namespaces import GRAPH_DATA, GRAPH_PROVENANCE, ONTOLOGY_IRI, project_root, version_iri
from kg.query.catalogue import load_catalogue

__all__ = ["build", "check", "BuildReport", "BuildFailed", "stamp_version", "Progress"]

PARALLEL_MIN_TRIPLES = 2000
# the check runs in a child beside the export from this many quads of the canonical dataset on: on
# the seed (~30,000 quads, a 0.1 s check) the child's fork and exit cost more CPU than it saves
# (measured: the seed's whole build 1.88 s CPU with the child against 1.76 s without, farm-bench -n 7
# on a loaded machine); at a million triples (5.6 million quads) the check is ~30 s on one core
CHECK_CHILD_MIN_QUADS = 100_000
# the provenance's text is made in a child (`_ProvenanceChild`) from this many quads of the data
# files on: its work is ~10 µs a quad, a fork and the text's way back through a pipe ~20 ms; on
# the seed (5,450 quads) the child saved canonicalise nothing measurable (0.06 against 0.07 s CPU,
# bench/bench_stages.py --stages before-export)
PROVENANCE_CHILD_MIN_QUADS = 20_000



@dataclass
class BuildReport:
    root: Path
    version: str
    dist: Path | None = None
    stages: list[tuple[str, float]] = field(default_factory=list)
    triples: dict[str, int] = field(default_factory=dict)     # graph -> triples
    warnings: list[Finding] = field(default_factory=list)
    files: dict[str, int] = field(default_factory=dict)       # file -> bytes
    dropped: dict[str, int] = field(default_factory=dict)     # drop rule -> inferred triples left out
    from_construct: dict[str, int] = field(default_factory=dict)
    violation_queries: list[str] = field(default_factory=list)
    parallel_stages: dict[str, float] = field(default_factory=dict)  # stage -> time waited for it

    @property
    def total_s(self) -> float:
        """Time the build took: the stages, counting a parallel stage only for the wait it caused."""
        return sum(self.parallel_stages.get(name, t) for name, t in self.stages)


def stamp_version(ontology: Graph, version: str) -> None:
    """Set `owl:versionIRI` and `owl:versionInfo` of the ontology header from the package version.

    The version is written in one place (pyproject.toml); any value in the sources is replaced.
    """
    ontology.add((ONTOLOGY_IRI, RDF.type, OWL.Ontology))
    ontology.remove((ONTOLOGY_IRI, OWL.versionIRI, None))
    ontology.remove((ONTOLOGY_IRI, OWL.versionInfo, None))
    ontology.add((ONTOLOGY_IRI, OWL.versionIRI, version_iri(version)))
    ontology.add((ONTOLOGY_IRI, OWL.versionInfo, Literal(version)))


class _Clock:
    def __init__(self, report: BuildReport, progress: Progress | None):
        self.report, self.progress = report, progress

    def record(self, name: str, seconds: float, waited: float | None = None) -> None:
        """A stage that ran in parallel: its own duration, and how long the build waited for it."""
        self.report.stages.append((name, seconds))
        if waited is not None:
            self.report.parallel_stages[name] = waited
        if self.progress:
            self.progress(name + " (parallel)" if waited is not None else name, seconds)

    @contextlib.contextmanager
    def stage(self, name: str) -> Iterator[None]:
        t0 = time.perf_counter()
        yield
        dt = time.perf_counter() - t0
        self.report.stages.append((name, dt))
        if self.progress:
            self.progress(name, dt)


def _reason(tree: SourceTree, catalogue, method: Method, report: BuildReport, store=None):
    constructs = [(q.name, q.text) for q in catalogue.values() if q.role == "construct"]
    try:
        rr = infer(tree.ontology, list(tree.data_triples()), method=method, construct_queries=constructs,
                   store=store)
    except InconsistentError as exc:
        raise BuildFailed(str(exc)) from exc
    report.dropped, report.from_construct = rr.dropped, rr.from_construct
    return rr


def _can_fork(*, even_if_busy: bool = False, sample: bool = False) -> bool:
    """Fork only where it is safe and useful: POSIX, no other thread running (a thread holding a
    lock at fork time would leave the child stuck; `kg serve` calls the build from threads, and
    then it simply runs the stages one after the other), and a core to spare (`even_if_busy`: a
    second core, however busy: the export's child does work the parent would do, none twice, so
    on a busy machine it still gets the build a second share of the processors; measured on the
    seed, the whole build at load 6 on 2 cores, 9 runs each: median wall the same with and without
    the export's child, fastest 2.07 s against 2.54 s, peak memory 112 against 122 MiB). With
    `sample` (a tree large enough for the provenance's child), a load average that says busy is
    checked against the cores' idle time over 0.1 s (`_idle_cores`)."""
    import threading

    if not hasattr(os, "fork") or threading.active_count() != 1:
        return False
    if even_if_busy:
        return (os.cpu_count() or 1) >= 2
    # a spare core must really be free: on a busy machine the child only slows the reasoning down
    # (measured: 3.2 s against 2.9 s sequential with the load average at 1.5 on 2 cores)
    spare = (os.cpu_count() or 1) - 1 - os.getloadavg()[0]
    if spare < 0.5 and sample:
        # the load average is the last minute's: right after another job (a build run again) it
        # still says busy for a minute or more when the cores are idle; ask them, for 0.1 s
        idle = _idle_cores()
        if idle is not None:
            spare = idle - 1
    return spare >= 0.5


def _idle_cores(seconds: float = 0.1) -> float | None:
    """How many cores stood idle over the next `seconds` (Linux's /proc/stat: the idle and I/O-wait
    time of all of them, over all their time); None where it cannot be read."""
    def times() -> tuple[int, int]:
        with open("/proc/stat") as fh:
            fields = [int(x) for x in fh.readline().split()[1:9]]
        return fields[3] + fields[4], sum(fields)

    try:
        idle0, total0 = times()
        time.sleep(seconds)
        idle1, total1 = times()
    except (OSError, ValueError, IndexError):
        return None
    if total1 <= total0:
        return None
    return (os.cpu_count() or 1) * (idle1 - idle0) / (total1 - total0)


def _data_store(tree: SourceTree):
    """The asserted data's triples in the default graph of one pyoxigraph store, which SHACL reads
    (with the ontology added for it and taken out again) and the OWL RL rules then run in: the
    data is copied into a store once rather than twice (at a million triples each copy is
    several seconds and half a gigabyte)."""
    import pyoxigraph as ox

    store = ox.Store()
    store.extend(ox.Quad(q.subject, q.predicate, q.object) for q in tree.data_triples())
    return store


def _start_shacl_child(tree: SourceTree, inference: Inference, store=None):
    import multiprocessing

    # pySHACL is not imported here: most trees' shapes all compile to SPARQL (the seed's do), and
    # its import (0.1-0.2 s) would be paid by this process on the build's path; the child imports it
    # if it needs it
    ctx = multiprocessing.get_context("fork")
    recv, send = ctx.Pipe(duplex=False)

    def run() -> None:
        t0 = time.perf_counter()
        try:
            res = validate_shapes(tree.ontology, lambda: tree.data, tree.shapes, inference=inference,
                                  data_quads=tree.data_triples(), store=store)
            # where each focus node is described, found here rather than on the build's path (it
            # reads every data file: at a million triples 3.0 s of CPU)
            send.send(("ok", res.conforms, locate_findings(res.findings, tree.root),
                       res.report.serialize(format="nt"), time.perf_counter() - t0))
        except BaseException as exc:  # handed to the parent, which raises it as if run there
            send.send(("error", exc))
        finally:
            send.close()

    proc = ctx.Process(target=run, daemon=True)
    proc.start()
    send.close()
    return recv, proc


def _abandon_shacl_child(pending) -> None:
    recv, proc = pending
    proc.terminate()
    proc.join()
    recv.close()


def _finish_shacl_child(pending, tree: SourceTree, inference: Inference):
    """The child's result, its findings located (`locate_findings`); if the child died without
    one, validate here instead."""
    from kg.build.shacl import ShaclResult

    recv, proc = pending
    try:
        msg = recv.recv()
    except EOFError:
        msg = None
    finally:
        recv.close()
        proc.join()
    if msg is None:
        t0 = time.perf_counter()
        res = validate_shapes(tree.ontology, lambda: tree.data, tree.shapes, inference=inference,
                              data_quads=tree.data_triples())
        res = dataclasses.replace(res, findings=locate_findings(res.findings, tree.root))
        return res, time.perf_counter() - t0
    if msg[0] == "error":
        raise msg[1]
    _ok, conforms, findings, nt, seconds = msg
    report = Graph()
    report.parse(data=nt, format="nt")
    return ShaclResult(conforms=conforms, findings=findings, report=report), seconds


class _ProvenanceChild:
    """The provenance's text (`kg.build.provenance.data_and_provenance_chunks`: the statements'
    sorted N-Quads chunks and the data's lines, at a million triples 1.2 GB of text and ~11 s of
    CPU, four fifths of canonicalise) made in a forked child from the data files' quads, which are
    known once the sources are parsed, while this process builds the rules' store and reasons; the
    text comes back through a pipe once the reasoning is done (`result`). A child that ends
    without the whole text (killed, an error) gives None, and canonicalise makes it here, as
    without the child; a child dies with the build (`kg.build.checkrun.die_with_parent`).

    Through the pipe: the byte length of a pickled head, the head (("ok", the chunks' lengths,
    the statement lines' count, the first and the last line, the data's text length, the copied
    blocks found: `SortedChunks.copied`) or ("blank",):
    a blank node in the data, which the plain way handles), the chunks, then the data's lines,
    sorted, as one text."""

    def __init__(self, sourced_quads: list):
        self.pid: int | None = None
        for stream in (sys.stdout, sys.stderr):  # nothing buffered is written twice
            with contextlib.suppress(Exception):
                stream.flush()
        r, w = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            os.close(r)
            os.close(w)
            return
        if pid == 0:  # the child
            code = 1
            try:
                os.close(r)
                from kg.build.checkrun import die_with_parent

                if die_with_parent():  # else the build has gone
                    _write_provenance(w, sourced_quads)
                    code = 0
            except BaseException:  # the parent makes the text itself
                pass
            finally:
                os._exit(code)  # no buffered output flushed twice, no atexit handler of the parent's
        os.close(w)
        self.pid, self.fd = pid, r

    def result(self):
        """What `data_and_provenance_chunks` gives (None for a blank node in the data), or
        `_NO_TEXT` if the child gave no whole text."""
        import pickle

        if self.pid is None:
            return _NO_TEXT
        made = _NO_TEXT
        try:
            with os.fdopen(self.fd, "rb") as fh:
                size = int.from_bytes(fh.read(8), "little")
                head = pickle.loads(fh.read(size)) if size else None
                if head is not None and head[0] == "blank":
                    made = None
                elif head is not None:
                    from kg.build.provenance import SortedChunks

                    _ok, lengths, count, first, last, data_size, copied = head
                    chunks = []
                    for n in lengths:
                        chunks.append(fh.read(n))
                        if len(chunks[-1]) != n:
                            raise EOFError
                    data = fh.read(data_size)
                    if len(data) != data_size or fh.read(1):
                        raise EOFError
                    data_lines = data.split(b"\n")
                    del data
                    data_lines.pop()  # after the last newline
                    made = data_lines, SortedChunks(chunks, count, first, last, copied)
        except Exception:  # a short or unreadable text: none
            made = _NO_TEXT
        finally:
            _pid, status = os.waitpid(self.pid, 0)
            self.pid = None
        return made if status == 0 else _NO_TEXT

    def abandon(self) -> None:
        import signal

        if self.pid is not None:
            with contextlib.suppress(ProcessLookupError, ChildProcessError):
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
            with contextlib.suppress(OSError):
                os.close(self.fd)
            self.pid = None


_NO_TEXT = object()


def _write_provenance(fd: int, sourced_quads: list) -> None:
    """`_ProvenanceChild`'s work: the text, written to the pipe `fd`."""
    import pickle

    from kg.build.canonical import _CHUNK_LINES
    from kg.build.provenance import data_and_provenance_chunks

    with contextlib.suppress(OSError, AttributeError):  # fewer, larger writes (Linux)
        import fcntl

        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, 1 << 20)
    made = data_and_provenance_chunks(sourced_quads, _CHUNK_LINES, bodies=True)
    with os.fdopen(fd, "wb") as fh:
        if made is None:
            head = pickle.dumps(("blank",))
            fh.write(len(head).to_bytes(8, "little") + head)
            return
        data_lines, block = made
        del made
        # the data's triples (their lines without the graph name), sorted: canonicalise sorts the
        # lines among the other lines, and a sorted run is merged
        data_lines.sort()
        data_lines.append(b"")
        data = f" <{GRAPH_DATA}> .\n".encode("utf-8").join(data_lines)  # each line with its graph
        del data_lines
        head = pickle.dumps(("ok", [len(c) for c in block.chunks], block.count, block.first, block.last,
                             len(data), block.copied))
        fh.write(len(head).to_bytes(8, "little") + head)
        # each chunk let go once the pipe has taken it, and the memory handed back every few chunks:
        # the build reads the text as this process writes it, so the two do not both hold all of it
        # (at ~1M, 0.9 GB) at the end
        chunks, block.chunks = block.chunks, []
        for k in range(len(chunks)):
            fh.write(chunks[k])
            chunks[k] = None
            if k % 8 == 7:
                _give_back_memory()
        fh.write(data)


def _check(root: Path, report: BuildReport, clock: _Clock, *, method: Method, parser: str,
           shacl_inference: Inference, parallel: bool | None = False, defer_check: bool = False) -> tuple:
    """Every stage before the export; the canonical dataset and the SHACL report. With
    `defer_check`, the violation queries are not run but returned, as a third item. `parallel`
    None: decided once the sources are read (`_can_fork`, sampling the cores' idle time for a tree
    large enough for the provenance's child)."""
    with clock.stage("parse"):
        tree = load_tree(root, parser=parser)  # type: ignore[arg-type]
        check_terms_defined(tree, root)
        catalogue = load_catalogue(root)
    if parallel is None:
        parallel = _can_fork(sample=len(tree.sourced_quads) >= PROVENANCE_CHILD_MIN_QUADS)
    # below a few thousand triples a fork costs more than it saves
    parallel = parallel and len(tree.ontology) + len(tree.sourced_quads) + len(tree.plain_triples) >= PARALLEL_MIN_TRIPLES
    # the provenance's text is made in a child of its own from here to canonicalise
    provenance = _ProvenanceChild(tree.sourced_quads) \
        if parallel and len(tree.sourced_quads) >= PROVENANCE_CHILD_MIN_QUADS else None
    try:
        cds, shacl = _shacl_reason_canonicalise(tree, catalogue, report, clock, method=method,
                                                shacl_inference=shacl_inference, parallel=parallel,
                                                provenance=provenance)
    finally:
        if provenance is not None:  # a stage failed: the child is stopped
            provenance.abandon()
    # the sources' and the reasoning's terms are let go before the check's store is made: the
    # canonical text holds everything from here on
    del tree
    _give_back_memory()
    violations = [(q.name, q.text, q.summary, q.reads_provenance) for q in catalogue.values()
                  if q.role == "violation"]
    report.violation_queries = [v[0] for v in violations]
    if defer_check:  # the caller runs them (`_build`: in a child beside the export)
        return cds, shacl.report, violations
    with clock.stage("check"):
        _raise_failures(_run_check(cds, violations))
        _give_back_memory()  # the check's store
    return cds, shacl.report, None


def _shacl_reason_canonicalise(tree: SourceTree, catalogue, report: BuildReport, clock: _Clock, *,
                               method: Method, shacl_inference: Inference, parallel: bool,
                               provenance: _ProvenanceChild | None) -> tuple:
    """`_check`'s stages from the store to canonicalise: the canonical dataset and the SHACL
    result."""
    # SHACL and OWL RL reasoning read the same sources and do not depend on each other: on a
    # multi-core machine they run at once (SHACL in a forked child), which is what keeps the build
    # near its time budget. The SHACL outcome is looked at first, as if it had run first.
    store = None
    if method == "rules":  # the store the OWL RL rules run in; SHACL reads it first (a forked
        with clock.stage("store"):  # child reads its own copy-on-write view of it)
            store = _data_store(tree)
    pending = _start_shacl_child(tree, shacl_inference, store) if parallel else None
    reason_error: BaseException | None = None
    rr = None
    if pending is not None:
        with clock.stage("version"):
            stamp_version(tree.ontology, report.version)
        with clock.stage("reason"):
            try:
                rr = _reason(tree, catalogue, method, report, store)
            except BuildFailed as exc:
                reason_error = exc
            except BaseException:
                _abandon_shacl_child(pending)
                raise
        t0 = time.perf_counter()
        shacl, shacl_s = _finish_shacl_child(pending, tree, shacl_inference)
        pending = None  # the child's function holds the tree
        clock.record("shacl", shacl_s, waited=time.perf_counter() - t0)
    else:
        with clock.stage("shacl"):
            shacl = validate_shapes(tree.ontology, lambda: tree.data, tree.shapes, inference=shacl_inference,
                                    data_quads=tree.data_triples(), store=store)
            # each finding with the file and line where its focus node is described (the child
            # found them in its own process)
            shacl = dataclasses.replace(shacl, findings=locate_findings(shacl.findings, tree.root))
    report.warnings = shacl.warnings
    if not shacl.conforms:
        lines = [str(f) for f in shacl.violations]
        raise BuildFailed(f"the data does not conform to the shapes ({len(lines)} violation(s)):\n  "
                          + "\n  ".join(lines), findings=shacl.violations)
    if reason_error is not None:
        raise reason_error
    if rr is None:
        with clock.stage("version"):
            stamp_version(tree.ontology, report.version)
        with clock.stage("reason"):
            rr = _reason(tree, catalogue, method, report, store)
    del store  # the rules' store: what the build keeps of it is in `rr`
    with clock.stage("canonicalise"):
        made = provenance.result() if provenance is not None else _NO_TEXT
        if made is _NO_TEXT or made is None:
            made = None  # made here
        else:  # the data files' quads are not read again: let go before the text is sorted and
            tree.sourced_quads = []  # chunked (at a million triples ~0.5 GB of term objects)
        cds = build_canonical(tree.ontology, tree.plain_triples, rr.inferred_triples, tree.sourced_quads,
                              made=made)
        del made
        report.triples = {"ontology": len(tree.ontology), "data": cds.count(GRAPH_DATA),
                          "inferred": len(rr.inferred_triples), "provenance": cds.count(GRAPH_PROVENANCE)}
    return cds, shacl


def _give_back_memory() -> None:
    """Hand the memory freed so far back to the system (glibc's malloc_trim; nothing elsewhere).
    What a stage lets go (the parsed sources, the rules' store, the check's store: gigabytes at a
    million triples) stays in the C heap otherwise, counted in this process's resident memory and
    in that of every child forked after it (a forked child's pages are the parent's until written)."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):  # another C library
        pass


def _run_check(cds: CanonicalDataset, violations: list) -> list:
    """The check stage in this process (`kg.build.checks.check_text` of the canonical chunks, all
    of them or those `plan_check` keeps)."""
    return check_text(*plan_check(cds, violations))


def _raise_failures(failures: list) -> None:
    if failures:
        raise BuildFailed("violation queries found problems in the data:\n" +
                          "\n".join(str(f) for f in failures), failures=failures)


def _check_command() -> list[str]:
    """The command of the check's process (`kg.build.checkrun`), with the same kg as this one's."""
    import kg

    here = os.path.dirname(os.path.dirname(os.path.abspath(kg.__file__)))
    code = f"import sys; sys.path.insert(0, {here!r}); from kg.build.checkrun import run; run()"
    return [sys.executable, "-c", code]


def _start_check_process():
    """The check's process (`subprocess.Popen`: a vfork and an exec, no copy of this process's
    pages), its standard input a pipe of 1 MiB where Linux allows it (fewer wake-ups of both ends
    than 64 KiB); None if it could not be started."""
    import subprocess

    if not sys.executable:
        return None
    try:
        proc = subprocess.Popen(_check_command(), stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    except OSError:
        return None
    if sys.platform.startswith("linux"):
        import fcntl

        with contextlib.suppress(OSError):
            fcntl.fcntl(proc.stdin.fileno(), 1031, 1 << 20)  # F_SETPIPE_SZ
    return proc


def _feed_check(proc, cds: CanonicalDataset, violations: list) -> None:
    """Write the violation queries and the canonical text (what `plan_check` keeps of them) to the
    check's process (its input's format: `kg.build.checkrun`), then close this process's end of the
    pipe; a process that has gone (a broken pipe) ends it early: it then gives no verdict."""
    import json

    chunks, violations = plan_check(cds, violations)
    head = json.dumps([list(v) for v in violations]).encode("utf-8")
    fd = proc.stdin.fileno()
    def parts():
        yield b"%d %d\n" % (len(head), len(chunks)) + head
        for chunk in chunks:
            yield b"%d\n" % len(chunk)
            yield chunk

    try:
        for data in parts():
            view = memoryview(data)
            while view:  # os.write on the whole chunk: the GIL let go while the pipe takes it
                view = view[os.write(fd, view):]
    except OSError:
        pass
    finally:
        with contextlib.suppress(OSError):
            proc.stdin.close()


def _check_in_a_process(cds: CanonicalDataset, violations: list) -> bytes:
    """`_run_check`'s verdict, pickled, from a fresh Python process (`kg.build.checkrun`) fed the
    violation queries and the canonical text through a pipe; b"" if it gave none (it failed, or
    could not be started)."""
    proc = _start_check_process()
    if proc is None:
        return b""
    try:
        _feed_check(proc, cds, violations)
        data = proc.stdout.read()
    except BaseException:
        proc.kill()
        raise
    finally:
        proc.wait()
        proc.stdout.close()
    return data if proc.returncode == 0 else b""


class _CheckChild:
    """The check stage (`_run_check`) beside the export, in a fresh process (`kg.build.checkrun`,
    whose memory is the store's and little more) that a thread of this process feeds the canonical
    text through a pipe (the thread lets the GIL go while the pipe takes each chunk); the verdict
    comes back, pickled, on the process's output. This process holds no store of its own, and the
    check's work (at a million triples, loading the 1.2 million quads outside graph/provenance and
    the queries over them, ~5 s on one core: `kg.build.statement_checks.plan_check`) overlaps the
    export's. No forked feeder: a fork of the build kept, for as long as
    it lived, every page the build wrote or freed meanwhile (at 10x, 51 of its 148 MB were its own).
    `poll` raises a failing verdict as soon as it has come (the export's `stop`); `verdict` waits
    for it and raises what the check stage would have raised; a process that ended without a
    verdict (killed, a result that could not be pickled) leaves the check to be run here, so every
    error is raised here, as without it. The process is killed if the build ends first (its
    PR_SET_PDEATHSIG; `abandon` when the build stops in the export)."""

    def __init__(self, cds: CanonicalDataset, violations: list):
        import threading

        self.cds, self.violations = cds, violations
        self.message: tuple | None = None  # the verdict, once read: ("ok", failures, s) or ("input", message, s)
        self.proc = _start_check_process()
        self.pid: int | None = self.proc.pid if self.proc is not None else None
        self.feeder = None
        if self.proc is not None:
            self.feeder = threading.Thread(target=_feed_check, args=(self.proc, cds, violations),
                                           name="check-feeder", daemon=True)
            self.feeder.start()

    def poll(self) -> None:
        """The export's `stop` (`write_all`): if the verdict has come and is a failure, raise it now
        (the export then ends, and the last good `dist/` is left as it was, as soon as the check
        knows); otherwise nothing (the verdict, whatever it is, is kept for `verdict`)."""
        import select

        if self.pid is None or not select.select([self.proc.stdout], [], [], 0)[0]:
            return
        self._collect()
        if self.message is not None and (self.message[0] == "input" or self.message[1]):
            self.verdict()

    def _collect(self) -> None:
        """Read the process's answer to its end (it writes it whole, once its check is done), reap
        it and the feeding thread, and keep the verdict (None if there is none)."""
        import pickle

        proc, self.pid = self.proc, None
        try:
            data = proc.stdout.read()
        finally:
            proc.wait()
            proc.stdout.close()
            self.feeder.join()
        if proc.returncode != 0:
            return
        try:
            kind, value, seconds = pickle.loads(data)
        except Exception:  # no verdict: `verdict` runs the check here
            return
        self.message = (kind, value, seconds)

    def verdict(self) -> float:
        """Wait for the process; raise `BuildFailed` or `InputError` as the check stage would; the
        seconds the check took."""
        if self.pid is not None:
            self._collect()
        if self.message is None:  # no process, or no verdict from it: the check is run here
            t0 = time.perf_counter()
            _raise_failures(_run_check(self.cds, self.violations))
            self.message = ("ok", [], time.perf_counter() - t0)
        kind, value, seconds = self.message
        if kind == "input":
            raise InputError(value)
        _raise_failures(value)
        return seconds

    def abandon(self) -> None:
        if self.pid is not None:
            proc, self.pid = self.proc, None
            with contextlib.suppress(OSError):
                proc.kill()
            proc.wait()
            self.feeder.join()  # its pipe is broken now: it ends
            with contextlib.suppress(OSError):
                proc.stdout.close()


# The cyclic garbage collector is off while the build runs (`gc_paused`). The build holds millions
# of small objects (rdflib terms and graphs) that live until it ends; every full collection walks
# all of them, and their number grows with the data, so collections made the stages superlinear
# (measured: making the provenance quads of the 10x tree took 14 s with it, 0.3 s without).
# Reference counting still frees everything that is not in a cycle; the collector runs again
# after the build.


def check(root: Path | None = None, progress: Progress | None = None, *, method: Method = "rules",
          parser: str = "oxigraph", shacl_inference: Inference = "none",
          parallel: bool | None = None) -> BuildReport:
    """Every stage of the build except writing `dist/`: parse, SHACL, reasoning, violation queries."""
    root = Path(root or project_root())
    report = BuildReport(root=root, version=__version__)
    with gc_paused():
        _check(root, report, _Clock(report, progress), method=method, parser=parser,
               shacl_inference=shacl_inference, parallel=parallel)
    return report


@contextlib.contextmanager
def _lock(dist: Path) -> Iterator[None]:
    """One build at a time per `dist/` (test modules and `kg serve` may build at once). An advisory
    lock on a file beside `dist/`: fcntl on POSIX, msvcrt on Windows."""
    dist.parent.mkdir(parents=True, exist_ok=True)
    with open(dist.parent / f".{dist.name}.lock", "a+b") as fh:
        if os.name == "nt":  # pragma: no cover - exercised on Windows only
            import msvcrt

            fh.seek(0)
            msvcrt.locking(fh.fileno(), msvcrt.LK_LOCK, 1)
            try:
                yield
            finally:
                fh.seek(0)
                msvcrt.locking(fh.fileno(), msvcrt.LK_UNLCK, 1)
            return
        import fcntl

        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def build(root: Path | None = None, dist: Path | None = None, progress: Progress | None = None, *,
          method: Method = "rules", parser: str = "oxigraph",
          shacl_inference: Inference = "none", parallel: bool | None = None) -> BuildReport:
    """Build the dataset of the source tree `root` into `dist` (default `<root>/dist`).

    `parallel` runs SHACL in a forked child while reasoning (default: when it is safe, see
    `_can_fork`); the outputs are the same either way.
    """
    root = Path(root or project_root())
    dist = Path(dist) if dist is not None else dist_dir(root)
    report = BuildReport(root=root, version=__version__, dist=dist)
    with gc_paused():
        return _build(root, dist, report, progress, method=method, parser=parser,
                      shacl_inference=shacl_inference, parallel=parallel)


def _swap_in(tmp: Path, dist: Path) -> Path | None:
    """Put the new build `tmp` at `dist`; the old one's folder (to remove) or None.

    On Linux, one renameat2(RENAME_EXCHANGE): there is no moment without a whole dist/, even if the
    process is killed. Elsewhere (or on a file system without it), two renames, and a Ctrl-C between
    them puts the old dist/ back."""
    if not dist.exists():
        os.rename(tmp, dist)
        return None
    if _exchange(tmp, dist):
        return tmp  # now holds the old build
    old = dist.parent / f".{dist.name}.old-{os.getpid()}"
    os.rename(dist, old)
    try:
        os.rename(tmp, dist)
    except BaseException:
        if not dist.exists():
            os.rename(old, dist)
        raise
    return old


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux renameat2 with RENAME_EXCHANGE); False where unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    AT_FDCWD, RENAME_EXCHANGE = -100, 2
    if renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def _remove_tree(path: Path) -> None:
    """The last build's folder, swapped out, removed (errors ignored, as `shutil.rmtree(...,
    ignore_errors=True)`): its files unlinked by a few threads at once, then the folders. An unlink
    frees a large file's blocks before it returns and lets the GIL go meanwhile: at ~1M (13 files,
    3.7 GB) one after the other took 0.93-0.98 s, four at a time 0.52-0.60 s."""
    from concurrent.futures import ThreadPoolExecutor

    def unlink(name: str) -> None:
        with contextlib.suppress(OSError):
            os.unlink(name)

    files = [os.path.join(folder, name) for folder, _dirs, names in os.walk(path) for name in names]
    if len(files) > 1:
        with ThreadPoolExecutor(max_workers=4) as pool:
            list(pool.map(unlink, files))
    shutil.rmtree(path, ignore_errors=True)


def _build(root: Path, dist: Path, report: BuildReport, progress: Progress | None, *, method: Method,
           parser: str, shacl_inference: Inference, parallel: bool | None) -> BuildReport:
    if not source_files(root, "data"):
        raise InputError(f"{root / 'data'}: no data files (*.trig, *.ttl): nothing to build. An empty or "
                         "missing data/ is refused so that it cannot replace the last good dist/ (kept "
                         "as it is); is --root the project folder?")
    # a read-only or forbidden folder is said before the work, not after it
    try:
        os.rmdir(tempfile.mkdtemp(prefix=f".{dist.name}.tmp-", dir=dist.parent))
    except OSError as exc:
        raise OSError(exc.errno, f"{exc.strerror}: the new {dist.name}/ cannot be written in this folder "
                      "(nothing was built or changed)", str(dist.parent)) from exc
    clock = _Clock(report, progress)
    # a second core (however busy) runs the check beside the export, and the export's JSON-LD
    # child; below a few thousand quads a fork costs more than it saves
    fork = _can_fork(even_if_busy=True) if parallel is None else parallel
    # the export reads the canonical dataset only
    cds, shacl_report, violations = _check(root, report, clock, method=method, parser=parser,
                                           shacl_inference=shacl_inference,
                                           parallel=parallel,
                                           defer_check=fork)
    fork = fork and cds.lines_count >= PARALLEL_MIN_TRIPLES
    checking = None
    if violations is not None:
        if fork and violations and cds.lines_count >= CHECK_CHILD_MIN_QUADS:
            checking = _CheckChild(cds, violations)
        else:
            with clock.stage("check"):
                _raise_failures(_run_check(cds, violations))
                _give_back_memory()  # the check's store
    t0 = time.perf_counter()
    waited = 0.0
    with _lock(dist):
        tmp = Path(tempfile.mkdtemp(prefix=f".{dist.name}.tmp-", dir=dist.parent))
        try:
            try:
                # the JSON-LD files in a forked child beside the other formats
                # a failing check ends the export as soon as its verdict comes (`_CheckChild.poll`)
                report.files = write_all(tmp, cds, shacl_report, report.version, fork=fork,
                                         stop=checking.poll if checking is not None else None)
                os.chmod(tmp, 0o755)
            except Exception:
                # the check ran before the export: its failure is the one said
                if checking is not None:
                    pending, checking = checking, None
                    pending.verdict()
                raise
            if checking is not None:  # the new build goes in only once the check has passed
                t1 = time.perf_counter()
                pending, checking = checking, None
                check_s = pending.verdict()
                waited = time.perf_counter() - t1
                clock.record("check", check_s, waited=waited)
            old = _swap_in(tmp, dist)
        except OSError as exc:  # a full disk, a file-size limit, a read-only folder: say which dist/
            shutil.rmtree(tmp, ignore_errors=True)
            code, what = os_error_parts(exc)
            raise OSError(code, f"{what} while writing the new build; the last good "
                          f"{dist.name}/ is kept as it was", str(dist)) from exc
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        finally:
            if checking is not None:  # interrupted: the child is stopped
                checking.abandon()
        if old is not None:
            _remove_tree(old)
    clock.record("export", time.perf_counter() - t0 - waited)
    return report
