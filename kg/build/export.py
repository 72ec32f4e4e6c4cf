"""Writing the built dataset: every format from one canonical set of quads, byte for byte the same
for the same input.

Determinism, step by step: the quads are canonicalised with RDFC-1.0 (pyoxigraph), so blank nodes
get labels that depend only on the graph's content; every format is then written from the quads
in sorted order (pyoxigraph for N-Quads, N-Triples, TriG, Turtle and RDF/XML, with its prefix
declarations sorted; our own writer for the JSON-LD, `kg.build.jsonld`; rdflib's longturtle, which sorts, for the
ontology). Nothing in any file depends on the clock, the machine or the hash seed: a test builds
twice with different hash seeds and compares the bytes.
"""
from __future__ import annotations

import json
import re
from itertools import accumulate, chain, compress, repeat
from operator import eq, getitem, itemgetter, ne
from pathlib import Path
from typing import Callable, NamedTuple

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, XSD

from kg.build.canonical import CanonicalDataset, bind_prefixes
from kg.build.framed import write_framed
from kg.build.jsonld import (_NotPlain, _json_ld_parts, _pieces, json_ld_context, provenance_slice,
                             split_for_provenance)
from kg.build.longturtle import TripleIndex, longturtle
from kg.build.nqtext import subject_line_runs
from kg.namespaces import (BASE, DCAT, DCTERMS, GRAPH_DATA, GRAPH_INFERRED, GRAPH_ONTOLOGY, GRAPH_PROVENANCE, PD,
                           PREFIXES, VOID)
from kg.terms import oxigraph_quads, to_oxigraph

__all__ = ["DATASET_FILE", "FORMATS", "write_all",
           "json_ld_context", "LICENSE", "DATASET_IRI"]

DATASET_FILE = "paradiplomacy"
LICENSE = URIRef("https://creativecommons.org/licenses/by/4.0/")
DATASET_IRI = URIRef(BASE + "dataset")

# format name -> (file name in dist/, media type, holds named graphs?)
FORMATS: dict[str, tuple[str, str, bool]] = {
    "nq": (f"{DATASET_FILE}.nq", "application/n-quads", True),
    "trig": (f"{DATASET_FILE}.trig", "application/trig", True),
    "ttl": (f"{DATASET_FILE}.ttl", "text/turtle", False),
    "nt": (f"{DATASET_FILE}.nt", "application/n-triples", False),
    "jsonld": (f"{DATASET_FILE}.jsonld", "application/ld+json", True),
    "rdf": (f"{DATASET_FILE}.rdf", "application/rdf+xml", False),
}
OTHER_FILES = {
    "ontology.ttl": "text/turtle",
    "context.jsonld": "application/ld+json",
    "validation-report.ttl": "text/turtle",
}

_GRAPHS = ((GRAPH_ONTOLOGY, "ontology"), (GRAPH_DATA, "data"), (GRAPH_INFERRED, "inferred"),
           (GRAPH_PROVENANCE, "provenance"))


# --- VoID / DCAT ---------------------------------------------------------------------------

def void_triples(cds: CanonicalDataset, triples: list, version: str, sizes: dict[str, int]) -> list:
    """VoID + DCAT description: the dataset, one distribution a file, triples per graph, partitions;
    pyoxigraph triples, sorted as `_ox_turtle` sorts them. `triples` are the union's distinct
    triples (`_Triples`).

    Partitions get hash IRIs under the dataset IRI (not blank nodes), so each has a stable name.
    """
    N, L = ox.NamedNode, ox.Literal
    xsd_integer, xsd_nni = N(str(XSD.integer)), N(str(XSD.nonNegativeInteger))
    a = N(str(RDF.type))

    def v(name: str):
        return N(str(VOID) + name)

    def dcat(name: str):
        return N(str(DCAT) + name)

    def dct(name: str):
        return N(str(DCTERMS) + name)

    def integer(n: int):
        return L(str(n), datatype=xsd_integer)

    out: set = set()

    def add(s, p, o) -> None:
        out.add(ox.Triple(s, p, o))

    ds, license_ = N(str(DATASET_IRI)), N(str(LICENSE))
    add(ds, a, v("Dataset"))
    add(ds, a, dcat("Dataset"))
    add(ds, dct("title"), L("Paradiplomacy knowledge graph", language="en"))
    add(ds, dct("title"), L("Graf pengetahuan paradiplomasi", language="id"))
    add(ds, dct("description"), L(
        "How sub-state governments conduct foreign relations and how their central governments "
        "respond: an OWL ontology, instance data with provenance, and OWL 2 RL inferences.", language="en"))
    add(ds, dct("license"), license_)
    add(ds, N(str(OWL.versionInfo)), L(version))
    add(ds, dcat("version"), L(version))
    add(ds, v("vocabulary"), N(str(PD)))
    add(ds, v("uriSpace"), L(PREFIXES["pdi"]))
    add(ds, dct("conformsTo"), N(BASE + "ontology"))
    # counted on the distinct triples of the union (`_Triples`, read as text) and the quads' graph names
    per_graph = {str(g): cds.count(g) for g, _l in _GRAPHS}  # counted in the text, not parsed
    counts = _void_counts(triples)
    n_triples = len(triples)
    add(ds, v("triples"), integer(n_triples))
    # VoID's entities are the resources whose IRI starts with void:uriSpace (VoID 4.6)
    add(ds, v("entities"), integer(counts.entities))
    add(ds, v("sparqlEndpoint"), N(BASE + "sparql"))
    add(ds, v("distinctSubjects"), integer(counts.subjects))
    add(ds, v("properties"), integer(len(counts.properties)))
    classes = {N(c): n for c, n in counts.classes.items()}
    props = {N(p): n for p, n in counts.properties.items()}
    for gname, local in _GRAPHS:
        part = N(f"{ds.value}#graph-{local}")
        add(ds, v("subset"), part)
        add(part, a, v("Dataset"))
        add(part, dct("title"), L(f"{local} graph", language="en"))
        add(part, N("http://www.w3.org/ns/sparql-service-description#name"), N(str(gname)))
        add(part, v("triples"), integer(per_graph.get(str(gname), 0)))
    for cls in sorted(classes, key=lambda c: c.value):
        part = N(f"{ds.value}#class-{_slug(URIRef(cls.value))}")
        add(ds, v("classPartition"), part)
        add(part, v("class"), cls)
        add(part, v("entities"), integer(classes[cls]))
    for p in sorted(props, key=lambda x: x.value):
        part = N(f"{ds.value}#property-{_slug(URIRef(p.value))}")
        add(ds, v("propertyPartition"), part)
        add(part, v("property"), p)
        add(part, v("triples"), integer(props[p]))
    for fname in sorted(sizes):
        dist = N(f"{ds.value}/{version}/{fname}")
        media = next((m for (f, m, _n) in FORMATS.values() if f == fname), OTHER_FILES.get(fname))
        add(ds, dcat("distribution"), dist)
        add(dist, a, dcat("Distribution"))
        add(dist, dcat("downloadURL"), N(f"{ds.value}/{version}/{fname}"))
        if media:
            add(dist, dcat("mediaType"), N(f"https://www.iana.org/assignments/media-types/{media}"))
        add(dist, dcat("byteSize"), L(str(sizes[fname]), datatype=xsd_nni))
        add(dist, dct("license"), license_)
        add(dist, dct("title"), L(fname))
        if fname == FORMATS["nq"][0]:
            add(ds, v("dataDump"), dist)
    return sorted(out, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))


class _VoidCounts(NamedTuple):
    subjects: int                # distinct subjects
    entities: int                # distinct subjects that are IRIs in void:uriSpace (pdi:)
    properties: dict[str, int]   # predicate IRI -> triples
    classes: dict[str, int]      # class IRI -> distinct subjects typed with it


def _void_counts(triples: "_Triples") -> _VoidCounts:
    """VoID's counts of the union's distinct triples: `_VoidCounter`'s, made while `_Triples`
    wrote the N-Triples."""
    return triples.counts


class _VoidCounter:
    """VoID's counts read from the N-Triples lines as `_Triples` makes them, a chunk at a time,
    with C-level splitting and counting (no term object is made, no Python loop over the lines):
    a line is its subject, a space, its predicate, a space and the rest, since an IRI or a blank
    node label holds no space. The lines are sorted, so a subject's lines are one run, which may
    go on from one chunk into the next (counted once); the triples are distinct, so a class's
    instances are its `rdf:type` lines. A chunk that may hold a quoted triple (`<<`, whose
    subject has spaces) is read from pyoxigraph's parse of it instead. At ~1M triples this and the
    writing of the .nt take about as long as that writing alone did with a Python loop a line."""

    _TYPE = f"<{RDF.type}>".encode("utf-8")
    _ENTITY = ("<" + PREFIXES["pdi"]).encode("utf-8")

    def __init__(self):
        from collections import Counter

        self.props: Counter = Counter()
        self.classes: Counter = Counter()
        self.subjects = self.entities = 0
        self._last_subject: bytes | None = None

    def add(self, bodies: list, text: bytes) -> None:
        """One chunk: its distinct triples' lines without " .", and its N-Triples text."""
        if b"<<" not in text:
            subjects, predicates, objects = zip(*map(bytes.split, bodies, repeat(b" "), repeat(2)))
            self.props.update(predicates)
            # a class's instances: the objects of the rdf:type lines, those that are IRIs
            self.classes.update([o[1:-1] for o in compress(objects, map(eq, predicates, repeat(self._TYPE)))
                                 if o[:1] == b"<"])
        else:  # as pyoxigraph reads it
            parsed = list(ox.parse(text, format=ox.RdfFormat.N_TRIPLES))
            subjects = [_nt_term(t.subject) for t in parsed]
            self.props.update(_nt_term(t.predicate) for t in parsed)
            self.classes.update(t.object.value.encode("utf-8") for t in parsed
                                if t.predicate.value == str(RDF.type) and isinstance(t.object, ox.NamedNode))
        distinct = set(subjects)
        self.subjects += len(distinct)
        self.entities += sum(map(bytes.startswith, distinct, repeat(self._ENTITY)))
        if subjects[0] == self._last_subject:  # its run began in the last chunk: counted there
            self.subjects -= 1
            self.entities -= subjects[0].startswith(self._ENTITY)
        self._last_subject = subjects[-1]

    def counts(self) -> _VoidCounts:
        return _VoidCounts(self.subjects, self.entities,
                           {p[1:-1].decode("utf-8"): n for p, n in self.props.items()},
                           {c.decode("utf-8"): n for c, n in self.classes.items()})


def _nt_term(term) -> bytes:
    return str(term).encode("utf-8")


def _slug(iri: URIRef) -> str:
    from kg.terms import short

    s = short(iri)
    if s.startswith("<"):
        import hashlib

        return "iri-" + hashlib.sha256(str(iri).encode()).hexdigest()[:16]
    return s.replace(":", "-")


# --- writing ---------------------------------------------------------------------------

def _turtle(g: Graph) -> bytes:
    bind_prefixes(g)
    return g.serialize(format="longturtle").encode("utf-8")


def _ontology_index(cds: CanonicalDataset) -> TripleIndex:
    """The ontology graph's triples as rdflib terms in a small read-only index (`kg.build.longturtle`):
    what `ontology.ttl` (rdflib's longturtle, the same bytes as `_turtle` of `cds.graph(GRAPH_ONTOLOGY)`)
    and `json_ld_context` read, without making an rdflib Graph. Its quads are the ones `_graph_quads`
    parses for the TriG, in line order (the order `cds.graph` adds them)."""
    namespaces = Graph()  # empty: only its prefix bindings are used, those of `cds.graph`
    bind_prefixes(namespaces)
    return TripleIndex.from_ox(_graph_quads(cds, [GRAPH_ONTOLOGY]), namespaces)


def write_all(out: Path, cds: CanonicalDataset, report: Graph, version: str, *,
              fork: bool = False, stop: Callable[[], None] | None = None) -> dict[str, int]:
    """Write every file of `dist/` into the (empty, temporary) folder `out`; return byte sizes.

    With `fork` (a POSIX machine with two cores, no other thread when the build began:
    `pipeline._can_fork`; the check's feeding thread may run, which holds no lock, only writing to a
    pipe with `os.write`, and whose pipe the child never touches), the
    JSON-LD files, the framed views and ontology.ttl are written by a forked child into the same folder while
    this process writes the others (they read the same canonical dataset and nothing of each
    other); VoID, which gives every file's size, is written last. A child that fails leaves its
    files to be written here, as without `fork`, so any error is raised here. The bytes are the
    same either way.

    `stop`, if given, is called between the export's pieces of work (after each file, between the
    blocks of the N-Triples pass, and every 50 ms while the JSON-LD child is waited for); whatever
    it raises ends the export there (the child killed), and is raised: the build's check, running
    beside the export, ends it as soon as its verdict is a failure (`pipeline._CheckChild.poll`)."""
    import os
    import time

    sizes: dict[str, int] = {}
    polled = stop

    def stop() -> None:
        if polled is not None:
            polled()

    def wait_for(pid: int) -> bool:
        """`_wait`, calling `stop` every 50 ms while the child runs."""
        if polled is None:
            return _wait(pid)
        while True:
            got, status = os.waitpid(pid, os.WNOHANG)
            if got:
                return os.waitstatus_to_exitcode(status) == 0
            stop()
            time.sleep(0.05)

    def put(name: str, content: bytes) -> None:
        (out / name).write_bytes(content)
        sizes[name] = len(content)

    def write_chunks(name: str, chunks: list[bytes]) -> dict[str, str]:
        """Text already in its final form written chunk by chunk; the prefixes used in it (looked
        for in the chunks, already in memory: the file read back through a memory map counted its
        1.36 GB among the build's resident pages at 1M)."""
        path = out / name
        with open(path, "wb") as fh:
            for chunk in chunks:
                fh.write(chunk)
        sizes[name] = path.stat().st_size
        return _used_prefixes_in_chunks(chunks)

    ontology = _ontology_index(cds)
    context = json_ld_context(ontology)  # type: ignore[arg-type]  # the Graph methods it reads

    def write_json_ld(path: Path, part: str | None = None) -> None:
        with open(path, "wb") as fh:
            for text in _json_ld_parts(cds, context, part=part):
                fh.write(text.encode("utf-8"))

    # With a child, the JSON-LD document is written in pieces by both processes: the head and the
    # other graphs here, after the other formats; the provenance's graph object (at ~1M 10-13 s of
    # the document's ~15 s of CPU) in slices that the child, after the framed views, and this
    # process, after its own share, take in turn until none is left (`_ProvenanceSlices`), so
    # that neither waits long for the other whatever the machine's speed at the time; then put
    # together here. Before, the child's share (the whole document and the framed views, ~34 s of
    # CPU at ~1M) ran alone on one core for the export's last 11-16 s.
    slices = _ProvenanceSlices(out, cds, context, FORMATS["jsonld"][0]) \
        if fork and split_for_provenance(cds) else None

    def json_files(whole: bool = True) -> None:
        """context.jsonld, the JSON-LD dump (or, not `whole`, slices of its provenance's piece), the
        framed views and ontology.ttl (the child's share: on the seed about as long as the other
        formats)."""
        (out / "ontology.ttl").write_bytes(longturtle(ontology))
        (out / "context.jsonld").write_bytes(
            (json.dumps(context, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
        if whole:
            write_json_ld(out / FORMATS["jsonld"][0])
        # framed/<view>.json: plain-JSON views (kg.build.framed), not dumps in VoID
        write_framed(out, chunks=cds.chunks)
        if not whole:
            slices.take()

    # the child first: it is the export's longest share, and it needs nothing this process writes,
    # so it does not wait for the N-Quads file and its prefixes (4.6 s of CPU at ~1M)
    child = _fork(lambda: json_files(whole=slices is None)) if fork else None
    try:
        used = write_chunks(FORMATS["nq"][0], cds.chunks)  # the quads' prefixes (TriG, RDF/XML)
        stop()
        if child is None:
            json_files()
        # N-Triples: the distinct triples of the union, in the quads' order, which is the order of
        # their lines (a quad's line is its triple's line with the graph name before the final dot)
        # the N-Triples lines are the N-Quads' without the graph names: the same prefixes, but for one
        # whose namespace starts a graph name (none of the project's), looked for again in the .nt
        graph_ns = {p: ns for p, ns in used.items() if any(str(g).startswith(ns) for g, _l in _GRAPHS)}
        if not graph_ns:
            # TriG, Turtle and RDF/XML from one parse of each block of the N-Triples as it is written
            documents = _Documents(out, used)

            def each(text: bytes, graphs: list, first: list) -> None:
                stop()
                documents.block(text, graphs, first)

            try:
                triples = _Triples(cds, out / FORMATS["nt"][0], each=each)
            except BaseException:
                documents.close()
                raise
            sizes.update(documents.finish(cds, triples, out / FORMATS["trig"][0]))
        else:
            triples = _Triples(cds, out / FORMATS["nt"][0])
            used_by_triples = {p: ns for p, ns in used.items() if p not in graph_ns}
            used_by_triples.update((p, ns) for p, ns in _used_prefixes_in_file(triples.path).items()
                                   if p in graph_ns)
            used_by_triples = dict(sorted(used_by_triples.items()))
            stop()
            sizes[FORMATS["trig"][0]] = _write_trig(cds, out / FORMATS["trig"][0], used)
            stop()
            # the whole dataset by pyoxigraph, Turtle and RDF/XML from one parse of the N-Triples; the
            # ontology, which people read, by rdflib's longturtle (one statement a line, nested
            # restrictions); pyoxigraph writes the triples in the order given (sorted), so the files
            # are reproducible; rdflib's RDF/XML writers follow hash order and are not
            sizes.update(_turtle_and_rdf_xml(triples, out / FORMATS["ttl"][0], used_by_triples,
                                             out / FORMATS["rdf"][0], used))
        sizes[FORMATS["nt"][0]] = triples.path.stat().st_size
        stop()
        put("validation-report.ttl", _canonical_turtle(report))
        stop()
        if child is not None and slices is not None:  # the document's other pieces, then slices
            write_json_ld(out / FORMATS["jsonld"][0], "before")
            slices.take(stop)
        if child is not None:
            ok, child = wait_for(child), None
            if not ok:  # written here instead; an error is raised here
                json_files()
            elif slices is not None:
                # (not "ab": sendfile refuses a file opened to append)
                with open(out / FORMATS["jsonld"][0], "r+b") as fh:
                    fh.seek(0, os.SEEK_END)
                    if not slices.put_in(fh):  # (a slice missing or out of order) the piece whole
                        for text in _json_ld_parts(cds, context, part="provenance"):
                            fh.write(text.encode("utf-8"))
                    fh.write("".join(_json_ld_parts(cds, context, part="after")).encode("utf-8"))
    finally:
        if child is not None:  # this process failed first: the child is stopped before the folder goes
            _kill(child)
        if slices is not None:
            slices.close()
    for name in ("context.jsonld", FORMATS["jsonld"][0], "ontology.ttl"):
        sizes[name] = (out / name).stat().st_size
    order = [FORMATS["nq"][0], FORMATS["nt"][0], FORMATS["trig"][0], FORMATS["ttl"][0], "context.jsonld",
             FORMATS["jsonld"][0], FORMATS["rdf"][0], "ontology.ttl", "validation-report.ttl"]
    sizes = {name: sizes[name] for name in order}  # in the order the files were always listed
    put("void.ttl", _ox_turtle_triples(void_triples(cds, triples, version, dict(sizes))))
    return sizes


class _ProvenanceSlices:
    """The JSON-LD document's provenance piece in slices (`jsonld.provenance_slice`, one a chunk of
    the provenance's block), taken by the export's two processes from a pipe holding their numbers
    (4 bytes each, written before the fork: each read of 4 bytes takes one, and the pipe gives it
    to one reader), each written into a hidden file of the new dist/ (renamed there once whole),
    its first and last node ids on its first line; then put together, in order, by the build's
    process (`put_in`). A slice not written (the text reader could not read it alone, a subject
    over a whole chunk) or slices out of order leave the piece to be written whole."""

    MAX = 1 << 14  # slices whose numbers fit the pipe's 64 KiB, written before anyone reads

    def __init__(self, out: Path, cds: CanonicalDataset, context: dict, name: str):
        import os

        start, stop, _end, _count = cds.whole
        self.count = stop - start
        self.out, self.cds, self.context, self.prefix = out, cds, context, f".{name}.slice-"
        self.fd, w = os.pipe()
        numbers = b"".join(k.to_bytes(4, "little") for k in range(self.count)) if self.count <= self.MAX else b""
        os.set_blocking(w, False)  # a pipe made smaller (the user's pipes over the system's soft limit)
        try:                       # must not hold the build here, before anyone reads
            written = os.write(w, numbers) if numbers else 0
        except BlockingIOError:
            written = 0
        os.close(w)
        # every number in the pipe, or none taken (an empty pipe): put_in says no, the piece is whole
        self.ready = bool(numbers) and written == len(numbers)
        if not self.ready:
            os.close(self.fd)
            self.fd, w = os.pipe()
            os.close(w)

    def _path(self, k: int) -> Path:
        return self.out / f"{self.prefix}{k:05d}"

    def take(self, stop: Callable[[], None] | None = None) -> None:
        """Write slices until none is left (`stop`, if given, called before each)."""
        import os

        while True:
            if stop is not None:
                stop()
            token = os.read(self.fd, 4)
            if len(token) < 4:
                return
            k = int.from_bytes(token, "little")
            lines = provenance_slice(self.cds, k)
            if lines is None:
                continue
            ids: list = []
            try:
                text = "".join(_json_ld_parts(self.cds, self.context, part="slice", lines=lines, ids=ids))
            except _NotPlain:
                continue
            del lines
            path = self._path(k)
            part = path.with_name(path.name + ".part")
            with open(part, "wb") as fh:
                fh.write((json.dumps(ids, ensure_ascii=False) + "\n").encode("utf-8"))
                fh.write(text.encode("utf-8"))
            os.replace(part, path)

    def put_in(self, fh) -> bool:
        """The piece written at the end of `fh` (open, binary, at its end) from the slices: False,
        and nothing written, unless every slice is there and each one's last id comes before the
        next one's first (each is sorted in itself, so the whole is sorted, with no id twice, as
        the piece written whole)."""
        paths = [self._path(k) for k in range(self.count)]
        if not self.ready or not all(p.is_file() for p in paths):
            return False
        bounds = []
        for path in paths:
            with open(path, "rb") as src:
                bounds.append(json.loads(src.readline()))
        if any(bounds[k][1] >= bounds[k + 1][0] for k in range(self.count - 1)):
            return False
        head, tail = _json_ld_parts(self.cds, self.context, part="ends")
        fh.write(head.encode("utf-8"))
        for k, path in enumerate(paths):
            if k:
                fh.write(b",\n")
            with open(path, "rb") as src:
                src.readline()
                _append_file(src, fh, src.tell())
        fh.write(tail.encode("utf-8"))
        return True

    def close(self) -> None:
        """The pipe closed and every slice's file removed."""
        import os

        if self.fd is not None:
            os.close(self.fd)
            self.fd = None
        for path in self.out.glob(f"{self.prefix}*"):
            path.unlink(missing_ok=True)


def _fork(work) -> int | None:
    """`work()` run in a forked child; the child's pid (None if no child could be made). The child
    ends with status 0 when `work` returned, 1 when it raised (the parent does the work again and
    raises the error itself); it writes nothing to the parent's streams."""
    import os

    try:
        pid = os.fork()
    except OSError:
        return None
    if pid == 0:  # the child
        code = 1
        try:
            work()
            code = 0
        finally:
            os._exit(code)  # no buffered output flushed twice, no atexit handler of the parent's
    return pid


def _wait(pid: int) -> bool:
    """Whether the child `pid` ended with status 0."""
    import os

    _pid, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status) == 0


def _kill(pid: int) -> None:
    import os
    import signal

    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass


class _Triples:
    """The distinct triples of the union, sorted by subject, predicate, object, read from the
    dataset's text: the quads are sorted by their N-Quads line, which starts with the triple, so
    a triple held in several graphs comes in a run and the runs come in the triples' order (a space
    sorts before every character that can continue a term). Their N-Triples lines are written to
    `path` (the .nt file); iterating parses the file again, a block of lines at a time (no list of
    millions of term objects, no second copy of the text in memory); `blocks` and `subject_blocks`
    give the text."""

    BLOCK = 1 << 24

    def __init__(self, cds: CanonicalDataset, path: Path, each=None):
        """`each`, if given, is called with every block's N-Triples text (its distinct triples'
        lines), the graph name of each of the block's N-Quads lines (`<...>`, bytes) and whether
        each line is the first of its triple's (a list of bools; the lines of a triple held in
        several graphs come together): `_Documents.block`; for a block whose lines are all in one
        graph, with that graph's name (bytes) and None. The blocks are pieces of about 1 MB of
        the dataset's chunks (`jsonld._pieces`) cut again where a subject's lines end
        (`kg.build.nqtext.subject_line_runs`), so no subject, and no triple, is in two blocks. A block's lists (a
        few objects a line, and pyoxigraph's terms) are a few megabytes: made for a whole chunk
        (100,000 lines, ~24 MB of text) and let go together, their memory went back to the system
        and was faulted in again for the next chunk (at 10x, a sixth of this work's CPU was the
        kernel's)."""
        self.path = path
        last, n = None, 0
        counter = _VoidCounter()
        with open(path, "wb") as fh:
            for lines in subject_line_runs(_pieces(cds.chunks)):
                end = lines[-1][lines[-1].rfind(b" <"):]  # the last line's graph name and dot
                if end.startswith(b" <") and all(map(bytes.endswith, lines, repeat(end))):
                    # every line in one graph (at ~1M, three blocks in four: the provenance's), so
                    # each is its own triple's (the dataset's quads are distinct): cut, not split
                    bodies = list(map(getitem, lines, repeat(slice(0, -len(end)))))
                    del lines
                    graphs, first = end[1:-2], None
                else:
                    # each line without the graph name and the dot (C-level: no Python loop over the
                    # lines); a triple's lines are one run, so the first of each run is kept
                    rows = list(map(bytes.rsplit, lines, repeat(b" "), repeat(2)))
                    del lines
                    keys = list(map(itemgetter(0), rows))
                    graphs = list(map(itemgetter(1), rows)) if each is not None else None
                    del rows
                    first = list(map(ne, keys, chain((last,), keys)))
                    bodies = list(compress(keys, first))
                    del keys
                if not bodies:
                    continue
                last = bodies[-1]
                bodies.append(b"")
                text = b" .\n".join(bodies)  # each line with " ." and its newline
                bodies.pop()
                fh.write(text)
                counter.add(bodies, text)
                n += len(bodies)
                if each is not None:
                    each(text, graphs, first)
        self._count = n
        self.counts = counter.counts()

    def __iter__(self):
        for block in self.blocks():
            yield from ox.parse(block, format=ox.RdfFormat.N_TRIPLES)

    def subject_blocks(self):
        """`blocks`, each cut where a subject's lines end (`_subject_runs`)."""
        return _subject_runs(self.blocks())

    def blocks(self):
        """The file's text in blocks of whole lines (of about `BLOCK` bytes)."""
        with open(self.path, "rb") as fh:
            rest = b""
            while True:
                block = fh.read(self.BLOCK)
                if not block:
                    break
                block = rest + block
                cut = block.rfind(b"\n") + 1
                rest = block[cut:]
                if cut:
                    yield block[:cut]
            if rest:  # the file ends with a newline: never, but kept whole
                yield rest if rest.endswith(b"\n") else rest + b"\n"

    def __len__(self) -> int:
        return self._count

    def __bool__(self) -> bool:
        return self._count > 0


class _Documents:
    """TriG, Turtle and RDF/XML written from one parse of each block's distinct triples, while
    `_Triples` writes the N-Triples (`_Triples(..., each=documents.block)`, then `finish`).

    A block's triples are parsed once (pyoxigraph; most of the cost of writing these formats is
    that parse, which made a term object of every term) and written by pyoxigraph as Turtle and as
    RDF/XML, as `_turtle_and_rdf_xml` writes them; and, graph by graph, the triples of the block
    that each graph holds (picked among the parsed ones by the graph names of the N-Quads lines) as
    the default graph of a TriG document. pyoxigraph writes a named graph's statements as the
    default graph's with one more tab at the start of every line (a literal's newline is written
    `\\n`), so the TriG file is the header, and graph by graph `<graph> {`, those lines each with a
    tab before it, and `}`: the bytes of `_write_trig`, without the N-Quads parsed a second time.
    A graph's text waits in a temporary file of `out` until the graphs before it are written.
    Anything of another shape (`_write_trig`'s and `_turtle_and_rdf_xml`'s checks) has the files
    written again by those functions."""

    _PROBE = ox.NamedNode("urn:x-probe")

    def __init__(self, out: Path, prefixes: dict[str, str]):
        import tempfile

        self.prefixes = prefixes
        self.ttl, self.rdf = out / FORMATS["ttl"][0], out / FORMATS["rdf"][0]
        self._t_out, self._r_out = open(self.ttl, "wb"), open(self.rdf, "wb")
        probe = self._PROBE
        self._trig_head = _turtle_parts(ox.serialize([ox.Triple(probe, probe, probe)], format=ox.RdfFormat.TRIG,
                                                     prefixes=prefixes))[0]
        self._graphs = []  # (graph name as in N-Quads, opening line, temporary file, written yet?)
        self.trig_ok = True
        for name, _local in _GRAPHS:
            opening = f"<{name}> {{\n".encode("utf-8")
            _h, body = _turtle_parts(ox.serialize([ox.Quad(probe, probe, probe, ox.NamedNode(str(name)))],
                                                  format=ox.RdfFormat.TRIG, prefixes=prefixes))
            self.trig_ok &= body.startswith(opening)  # as `_write_trig` requires
            self._graphs.append([f"<{name}>".encode("utf-8"), opening, tempfile.TemporaryFile(dir=out), False])
        self._heads: tuple | None = None
        self.ttl_ok = True
        self._body_end = b""

    def block(self, text: bytes, graphs: list | bytes, first: list | None) -> None:
        """One block: its distinct triples' N-Triples `text`, and for each of its N-Quads lines the
        graph name and whether it is its triple's first; or the one graph of all its lines and None
        (`_Triples`)."""
        if not (self.ttl_ok or self.trig_ok):
            return
        # lenient: the IRIs and language tags not checked again (a third less CPU): the text is
        # pyoxigraph's own N-Quads, whose terms it checked when it parsed the sources
        items = list(ox.parse(text, format=ox.RdfFormat.N_TRIPLES, lenient=True))
        t_head, t_body = _turtle_parts(ox.serialize(items, format=ox.RdfFormat.TURTLE, prefixes=self.prefixes))
        if self.ttl_ok:
            r_head, r_body, r_tail = _rdf_xml_parts(
                ox.serialize(items, format=ox.RdfFormat.RDF_XML, prefixes=self.prefixes))
            if self._heads is None:
                self._heads = (t_head, r_head, r_tail)
                self._t_out.write(t_head + b"\n" if t_head else b"")  # a blank line after the prefixes
                self._r_out.write(r_head)
            if self._heads != (t_head, r_head, r_tail):
                self.ttl_ok = False
            else:
                self._t_out.write(t_body)
                # each body ends with a newline that one document has only after its last description
                self._r_out.write(r_body[:-1])
                self._body_end = r_body[-1:]
        if not self.trig_ok:
            return
        if first is None:  # every line in the graph `graphs`, a triple each: the Turtle's statements
            for graph in self._graphs:
                if graph[0] == graphs:
                    self._trig_body(graph, t_head, t_body)
            return
        # each line's triple: its place among the parsed ones (the count of first lines up to it)
        index = list(accumulate(first, initial=-1))
        del index[0]
        for graph in self._graphs:
            picked = list(compress(index, map(eq, graphs, repeat(graph[0]))))
            if not picked:
                continue
            if len(picked) == len(items):  # every triple of the block: the Turtle's statements
                head, body = t_head, t_body
            else:
                head, body = _turtle_parts(ox.serialize(list(map(items.__getitem__, picked)),
                                                        format=ox.RdfFormat.TRIG, prefixes=self.prefixes))
            if not self._trig_body(graph, head, body):
                return

    def _trig_body(self, graph: list, head: bytes, body: bytes) -> bool:
        """A graph's statements of a block (pyoxigraph's TriG of them as the default graph: `head`,
        `body`) written, a tab before each line, into the graph's temporary file; False (and
        `trig_ok` False) if the text is not of the shape this relies on."""
        if head != self._trig_head or not body.endswith(b" .\n") or body.startswith(b"\t"):
            self.trig_ok = False
            return False
        graph[2].write(b"\t" + body[:-1].replace(b"\n", b"\n\t") + b"\n")
        graph[3] = True
        return True

    def close(self) -> None:
        """Every file of its own closed (the temporary ones go)."""
        for g in self._graphs:
            g[2].close()
        self._t_out.close()
        self._r_out.close()

    def finish(self, cds: CanonicalDataset, triples: _Triples, trig: Path) -> dict[str, int]:
        """The files closed (TriG assembled from its graphs' texts), or written again by the
        functions this stands for; their sizes by name."""
        try:
            if self._heads is not None and self.ttl_ok:
                self._r_out.write(self._body_end + self._heads[2])
            self._t_out.close()
            self._r_out.close()
            if not (self.ttl_ok and self._heads is not None):
                _turtle_and_rdf_xml(triples, self.ttl, self.prefixes, self.rdf, self.prefixes)
            if self.trig_ok and any(g[3] for g in self._graphs):
                with open(trig, "wb") as fh:
                    fh.write(self._trig_head + b"\n" if self._trig_head else b"")
                    for _name, opening, tmp, written in self._graphs:
                        if written:
                            fh.write(opening)
                            _append_file(tmp, fh)
                            fh.write(b"}\n")
                size = trig.stat().st_size
            else:
                size = _write_trig(cds, trig, self.prefixes)
        finally:
            self.close()
        return {trig.name: size, self.ttl.name: self.ttl.stat().st_size, self.rdf.name: self.rdf.stat().st_size}


def _append_file(src, dst, start: int = 0) -> None:
    """The file `src` from byte `start` on written at the end of the file `dst` (both open,
    binary): copied by the kernel (`os.sendfile`), not read into this process, where the system
    allows it."""
    import os
    import shutil

    src.flush()
    dst.flush()
    size, offset = os.fstat(src.fileno()).st_size, start
    try:
        while offset < size:
            sent = os.sendfile(dst.fileno(), src.fileno(), offset, size - offset)
            if not sent:
                break
            offset += sent
    except OSError:  # not between these files here: the rest copied through this process
        pass
    dst.seek(0, os.SEEK_END)  # the writer's position after the bytes the kernel wrote
    if offset < size:
        src.seek(offset)
        shutil.copyfileobj(src, dst, 1 << 24)


def _turtle_and_rdf_xml(triples: _Triples, ttl: Path, ttl_prefixes: dict[str, str], rdf: Path,
                        rdf_prefixes: dict[str, str]) -> dict[str, int]:
    """The distinct triples as Turtle and as RDF/XML (pyoxigraph), both written from one parse of
    each block of the N-Triples, a block of whole subjects at a time; the files' sizes by name.

    pyoxigraph writes a subject's triples together and each block's document is its header
    (prefixes; the XML declaration and the `rdf:RDF` start tag), its subjects, and (RDF/XML) the end
    tag; so the whole file is the first block's header, every block's subjects and the end, which
    the tests compare with one document of all the triples. A block whose header is not the first
    one's would make another file: then the files are written again from all the triples at once."""
    if not triples:
        ttl.write_bytes(_ox_turtle_triples([], ttl_prefixes))
        rdf.write_bytes(_sorted_xmlns(ox.serialize([], format=ox.RdfFormat.RDF_XML, prefixes=rdf_prefixes)))
        return {ttl.name: ttl.stat().st_size, rdf.name: rdf.stat().st_size}
    heads: tuple | None = None
    same = True
    with open(ttl, "wb") as t_out, open(rdf, "wb") as r_out:
        body_end = b""  # what the last RDF/XML body ends with: written before the end tag
        for block in triples.subject_blocks():
            items = list(ox.parse(block, format=ox.RdfFormat.N_TRIPLES))
            t_head, t_body = _turtle_parts(ox.serialize(items, format=ox.RdfFormat.TURTLE, prefixes=ttl_prefixes))
            r_head, r_body, r_tail = _rdf_xml_parts(
                ox.serialize(items, format=ox.RdfFormat.RDF_XML, prefixes=rdf_prefixes))
            del items
            if heads is None:
                heads = (t_head, r_head, r_tail)
                t_out.write(t_head + b"\n" if t_head else b"")  # a blank line after the prefixes
                r_out.write(r_head)
            elif heads != (t_head, r_head, r_tail):
                same = False
                break
            t_out.write(t_body)
            # each body ends with a newline that one document has only after its last description
            r_out.write(r_body[:-1])
            body_end = r_body[-1:]
        if same:
            r_out.write(body_end + heads[2])
    if not same:
        ttl.write_bytes(_ox_turtle_triples(list(triples), ttl_prefixes))
        rdf.write_bytes(_sorted_xmlns(ox.serialize(triples, format=ox.RdfFormat.RDF_XML, prefixes=rdf_prefixes)))
    return {ttl.name: ttl.stat().st_size, rdf.name: rdf.stat().st_size}


def _turtle_parts(text: bytes) -> tuple[bytes, bytes]:
    """pyoxigraph's Turtle: the @prefix lines (sorted, as a set), the rest."""
    pos = 0
    while text.startswith(b"@prefix ", pos):
        pos = text.index(b"\n", pos) + 1
    return b"\n".join(sorted(text[:pos].splitlines())) + (b"\n" if pos else b""), text[pos:]


def _rdf_xml_parts(text: bytes) -> tuple[bytes, bytes, bytes]:
    """pyoxigraph's RDF/XML: up to the `rdf:RDF` start tag (its namespaces sorted), the
    descriptions, the end tag on."""
    head_end = text.index(b">", text.index(b"<rdf:RDF")) + 1
    tail = text.rindex(b"</rdf:RDF>")
    return _sorted_xmlns(text[:head_end]), text[head_end:tail], text[tail:]


# below this many quads the export parses each graph's lines once and keeps the quads for the
# formats that read them again (TriG, JSON-LD, framed views): a few hundred megabytes at most;
# above it each reading parses the text again, so that memory stays flat at a million triples
KEEP_PARSED_BELOW = 600_000


def _graph_quads(cds: CanonicalDataset, names):
    """The quads of the named graphs `names`, graph by graph in that order, each in line order:
    the lines of each graph picked from the text, then parsed (or kept from the last time, for a
    small dataset: `KEEP_PARSED_BELOW`)."""
    keep = len(cds.ox_quads) < KEEP_PARSED_BELOW
    cache = cds.__dict__.setdefault("_parsed_graphs", {}) if keep else {}
    for name in names:
        if str(name) in cache:
            yield from cache[str(name)]
            continue
        parsed = [] if keep else None
        for picked in _graph_line_blocks(cds, name):
            if keep:
                parsed.extend(ox.parse(picked, format=ox.RdfFormat.N_QUADS))
            else:
                yield from ox.parse(picked, format=ox.RdfFormat.N_QUADS)
        if keep:
            cache[str(name)] = parsed
            yield from parsed


def _graph_line_blocks(cds: CanonicalDataset, name):
    """The N-Quads lines of the graph `name`, a block of lines (each with its newline) a chunk of
    the dataset: picked by their end (the graph name; a newline in a literal is written \\n) with
    C-level filtering, no Python loop over the lines."""
    from operator import methodcaller

    wanted = f" <{name}> .".encode("utf-8")
    ends = methodcaller("endswith", wanted)
    for chunk in cds.chunks:
        if wanted not in chunk:
            continue
        picked = list(filter(ends, chunk.split(b"\n")))
        if picked:
            picked.append(b"")
            yield b"\n".join(picked)


def _subject_runs(blocks):
    """Blocks of whole lines re-cut so that no subject's lines are split between two blocks (the
    lines are sorted, so a subject's lines are one run: they share its term and the space after it);
    a block holds one subject's lines at least."""
    rest = b""
    for block in blocks:
        block = rest + block
        last = block.rfind(b"\n", 0, len(block) - 1) + 1  # the start of the block's last line
        subject = block[last:block.index(b" ", last) + 1]
        start = 0 if block.startswith(subject) else block.find(b"\n" + subject) + 1
        rest = block[start:]  # the last subject's lines: they may go on in the next block
        if start:
            yield block[:start]
    if rest:
        yield rest


def _sorted_xmlns(xml: bytes) -> bytes:
    """Sort the namespace declarations of the root element (pyoxigraph's own order, as above)."""
    import re

    m = re.search(rb"<rdf:RDF((?:\s+xmlns:[\w-]+=\"[^\"]*\")+)\s*>", xml)
    if not m:
        return xml
    decls = sorted(re.findall(rb'xmlns:[\w-]+="[^"]*"', m.group(1)))
    return xml[:m.start(1)] + b" " + b" ".join(decls) + xml[m.end(1):]


def _used_prefixes(text: str) -> dict[str, str]:
    """The project's prefixes whose namespace starts an IRI in `text` (N-Triples or N-Quads)."""
    return {p: ns for p, ns in sorted(PREFIXES.items()) if f"<{ns}" in text}


def _used_prefixes_in_chunks(chunks: list[bytes]) -> dict[str, str]:
    """`_used_prefixes` of a text held as chunks of whole lines (an IRI never spans two chunks)."""
    return {p: ns for p, ns in sorted(PREFIXES.items())
            if any(f"<{ns}".encode("utf-8") in chunk for chunk in chunks)}


def _used_prefixes_in_file(path: Path) -> dict[str, str]:
    """`_used_prefixes` of a file's bytes, read through a memory map (not copied into memory)."""
    import mmap

    if path.stat().st_size == 0:
        return {}
    with open(path, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as text:
        return {p: ns for p, ns in sorted(PREFIXES.items()) if text.find(f"<{ns}".encode("utf-8")) >= 0}


def _trig(cds: CanonicalDataset, used: dict[str, str]) -> bytes:
    """TriG written by pyoxigraph from the sorted quads, graph by graph in a fixed order.

    pyoxigraph groups consecutive triples of one subject, so sorted input gives a compact, stable
    file. (rdflib's TriG writer visits the graphs in hash order: its output changes run to run.)
    """
    # the quads are in N-Quads line order, i.e. by subject, predicate, object within a graph; taken
    # graph by graph in that order
    names = [g for g, _l in _GRAPHS]
    return _sorted_prefix_lines(ox.serialize(_graph_quads(cds, names), format=ox.RdfFormat.TRIG, prefixes=used))


def _write_trig(cds: CanonicalDataset, path: Path, used: dict[str, str]) -> int:
    """`_trig` written into `path` a block of whole subjects at a time (each graph's lines picked
    and parsed a chunk at a time, or its kept quads for a small dataset), so that neither the
    quads nor the text are held whole; its size. pyoxigraph writes a block's quads as its prefixes
    and `<graph> {`, the subjects, `}`: the file is the first block's prefixes and, graph by graph,
    the opening, every block's subjects and the closing brace (the tests compare it with `_trig`).
    A block of another shape makes the file be written by `_trig` instead."""
    keep = len(cds.ox_quads) < KEEP_PARSED_BELOW
    head = None
    whole = True  # until every graph is written a block at a time
    with open(path, "wb") as fh:
        for name, _local in _GRAPHS:
            opening = f"<{name}> {{\n".encode("utf-8")
            if keep:
                kept = list(_graph_quads(cds, [name]))
                quad_blocks = iter([kept] if kept else [])
            else:
                quad_blocks = (list(ox.parse(b, format=ox.RdfFormat.N_QUADS))
                               for b in _subject_runs(_graph_line_blocks(cds, name)))
            opened = False
            for quads in quad_blocks:
                h, body = _turtle_parts(ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=used))
                del quads
                if (head is not None and h != head) or not body.startswith(opening) \
                        or not body.endswith(b"\n}\n"):
                    break  # not the shape this relies on: written whole below
                if head is None:
                    head = h
                    fh.write(h + b"\n" if h else b"")  # a blank line after the prefixes
                if not opened:
                    fh.write(opening)
                    opened = True
                fh.write(body[len(opening):-2])  # the subjects, each line with its newline
            else:
                if opened:
                    fh.write(b"}\n")
                continue
            break  # from the inner loop's break
        else:
            whole = False
    if whole:
        path.write_bytes(_trig(cds, used))
    return path.stat().st_size  # the file closed: every byte counted


def _ox_turtle(g: Graph) -> bytes:
    """Turtle by pyoxigraph from sorted triples: fast and stable (blank nodes must be canonical)."""
    triples = sorted((ox.Triple(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o)) for s, p, o in g),
                     key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    return _ox_turtle_triples(triples)


def _ox_turtle_triples(triples: list, used: dict[str, str] | None = None) -> bytes:
    if used is None:
        used = _used_prefixes("\n".join(str(t) for t in triples))
    return _sorted_prefix_lines(ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=used))


def _sorted_prefix_lines(text: bytes) -> bytes:
    """pyoxigraph writes the @prefix lines in an order of its own; sort them so that the bytes
    depend only on the prefixes, and leave a blank line before the data."""
    heads, pos = [], 0
    while text.startswith(b"@prefix ", pos):
        end = text.find(b"\n", pos)
        if end < 0:  # a text of prefix lines only, the last without its newline
            heads.append(text[pos:])
            pos = len(text)
            return b"\n".join(sorted(heads) + [b""])
        heads.append(text[pos:end])
        pos = end + 1
    if not heads:
        return text
    # only the header is split into lines: the rest (most of a large file) is not copied line by line
    return b"\n".join(sorted(heads)) + b"\n\n" + text[pos:]


def _canonical_turtle(g: Graph) -> bytes:
    """Turtle for a graph with blank nodes (the SHACL report), relabelled by RDFC-1.0 first."""
    ds = ox.Dataset(oxigraph_quads([(None, g)]))
    ds.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    # the dataset's triples as they are (distinct), sorted as `_ox_turtle` sorts them: no rdflib Graph
    # made and read again (`from_oxigraph` keeps every term as it is; at ~1M, 11,418 triples: 0.24 s
    # CPU against 0.56)
    return _ox_turtle_triples(sorted((q.triple for q in ds),
                                     key=lambda t: (str(t.subject), str(t.predicate), str(t.object))))
