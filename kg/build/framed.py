"""Framed JSON-LD: the dataset as plain JSON a reader can use without knowing RDF.

Three views, one frame file each in `kg/build/frames/` (`agreements`, `actors`, `relations`), framed
over the asserted and inferred graphs by `kg.build.framer` (PyLD's framing and compaction for the
subset these frames use, linear; the same bytes as PyLD, which frames anything outside it). In
every view:

- keys are words, never prefixes: `id`, `type`, `label`, and each property by its local name
  (`party`, `status`, `inState`; `wasDerivedFrom` for PROV's); a name two namespaces share goes to
  the project's own property, the other gets its prefix glued on (`dctermsDescription`);
- a property's values are always a list (`"party": [...]`), even when there is one; a thing another
  thing points at is an object, `{"id": "pdi:tyrol", ...}`, with its label where the frame embeds it;
- texts in languages are language maps: `"label": {"en": "Tyrol", "id": "Tirol"}` (one string per
  language when the data has at most one, as for labels; else a list per language);
- numbers are JSON numbers; dates and years are ISO 8601 strings (`"1999-11-30"`, `"2000"`);
- what the reasoner added is told apart: `inferredType` lists the types it derived (they are also
  in `type`, so a reader filtering on a class finds them), and `inferred` holds every other value
  it derived (also present on the thing itself), so `"inferred" in node` answers "was any of this
  derived?";
- a frame may embed things that point at the framed one, under a `@reverse` word of its own
  context (an agreement's `events`, an actor's `agreements` and `relations`, a relation's
  `classifications`); the output keeps that context, so read as JSON-LD it states the dataset's
  triples.

No document is ever fetched: PyLD's document loader is replaced by one that refuses, so a frame
naming a remote `@context` fails with an `InputError` before any connection is made. Output is
sorted (subjects by id, keys by the frame, values by their JSON) and byte-identical for the same
input.
"""
from __future__ import annotations

import json
from importlib import resources
from operator import eq, itemgetter, methodcaller
from json.encoder import encode_basestring as _encode_str  # json.dumps's own (ensure_ascii=False)
from pathlib import Path
from typing import Iterable

import pyoxigraph as ox

from kg.build.jsonld import _pieces, dumps_indented, gc_paused
from kg.build.nqtext import iri_text, literal_parts, subject_line_runs
from kg.errors import InputError
from kg.namespaces import BASE, GRAPH_DATA, GRAPH_INFERRED, GRAPH_ONTOLOGY, PREFIXES

__all__ = ["VIEWS", "FRAMED_DIR", "load_frame", "readable_context", "framing_input", "framing_input_from_lines",
           "frame", "framed_json", "framed_json_from_lines", "write_framed"]

VIEWS = ("agreements", "actors", "relations")
FRAMED_DIR = "framed"  # dist/framed/<view>.json

FRAMED = BASE + "framed#"  # the two keys of our own: what the reasoner added
INFERRED_TYPE = FRAMED + "inferredType"
INFERRED = FRAMED + "inferred"

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGERS = {XSD + t for t in ("integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
                               "negativeInteger", "nonPositiveInteger", "unsignedInt", "unsignedLong",
                               "unsignedShort", "unsignedByte")}
_DECIMALS = {XSD + t for t in ("decimal", "double", "float")}
# labels a referenced vocabulary concept or class brings along from the ontology graph
_LABELS = {"http://www.w3.org/2000/01/rdf-schema#label", "http://www.w3.org/2004/02/skos/core#prefLabel"}
_OWN = (str(PREFIXES["pd"]),)


def load_frame(view: str) -> dict:
    """The frame of a view, from the package's `frames/<view>.jsonld`."""
    if view not in VIEWS:
        raise InputError(f"no framed view {view!r}: choose one of {', '.join(VIEWS)}")
    text = resources.files("kg.build").joinpath("frames", f"{view}.jsonld").read_text(encoding="utf-8")
    return json.loads(text)


def _refuse_remote(url: str, options=None):
    raise InputError(f"refused to load {url}: framing never fetches a document (give the @context inline)")


# --- the input -----------------------------------------------------------------------------------

def _term(t) -> str:
    return f"_:{t.value}" if isinstance(t, ox.BlankNode) else t.value


def _value(o) -> dict:
    """An RDF term as an expanded JSON-LD value: numbers native, dates as their ISO lexical form."""
    if not isinstance(o, ox.Literal):
        return {"@id": _term(o)}
    if o.language:
        return {"@value": o.value, "@language": o.language}
    dt = o.datatype.value
    try:
        if dt in _INTEGERS:
            return {"@value": int(o.value)}
        if dt in _DECIMALS:
            return {"@value": float(o.value)}
    except ValueError:
        pass  # an ill-typed literal stays its text (SHACL reports it)
    if dt == XSD + "boolean" and o.value in ("true", "false", "1", "0"):
        return {"@value": o.value in ("true", "1")}
    return {"@value": o.value}  # strings, dates, years, IRIs as text: their lexical form


def framing_input(quads: Iterable[ox.Quad]) -> list[dict]:
    """Expanded JSON-LD of the asserted and inferred graphs, one node per subject, with the
    labels of the ontology's terms they point at; sorted, so the framing is reproducible."""
    asserted: dict[str, dict[str, set]] = {}
    inferred: dict[str, dict[str, set]] = {}
    ontology_labels: dict[str, dict[str, set]] = {}
    objects: set[str] = set()
    ontology, targets = str(GRAPH_ONTOLOGY), {str(GRAPH_DATA): asserted, str(GRAPH_INFERRED): inferred}
    for q in quads:
        g = q.graph_name
        if not isinstance(g, ox.NamedNode):
            continue
        g = g.value
        target = targets.get(g)
        if target is None:
            if g == ontology:
                p = q.predicate.value
                if p in _LABELS:
                    ontology_labels.setdefault(_term(q.subject), {}).setdefault(p, set()).add(q.object)
            continue  # the provenance graph, most of the quads
        o = q.object
        target.setdefault(_term(q.subject), {}).setdefault(q.predicate.value, set()).add(o)
        if not isinstance(o, ox.Literal):
            objects.add(_term(o))
    return _nodes(asserted, inferred, ontology_labels, objects, _term, lambda o: (_json_key(v := _value(o)), v))


def framing_input_from_lines(chunks: Iterable[bytes]) -> list[dict]:
    """`framing_input` of the dataset's sorted N-Quads lines (`CanonicalDataset.chunks`), read as
    text: no RDF term is made, and each distinct object, predicate and subject is read once. The
    same nodes.

    The pieces of the text that hold no line of the asserted, inferred or ontology graphs (the
    provenance's statements, most of the dataset, whose lines come together) are skipped whole;
    of the others, the lines of those graphs are kept (C code: `filter`), split at the graph and
    the subject and predicate (`map`), and a line found to repeat the triple of the line before
    (the same triple in another graph: sorted, they come together, the asserted one first) by
    comparing each with the next. Then each subject's lines (they come together too, across the
    graphs) make its node at once, in one loop over the lines: no dict of every subject's values
    is kept. Anything outside that reading (two texts of one IRI) falls back to
    `_framing_input_from_lines_by_graph`, which reads the graphs apart (the same nodes)."""
    chunks = list(chunks)  # (read again if it falls back)
    graphs = {f" <{g}> .".encode("utf-8"): i for i, g in enumerate((GRAPH_DATA, GRAPH_INFERRED, GRAPH_ONTOLOGY))}
    graph_of = {tail[2:]: i for tail, i in graphs.items()}  # what follows the line's last " <"
    labels = {f"<{p}>".encode("utf-8") for p in _LABELS}
    at_graph, at_spaces = methodcaller("rpartition", b" <"), methodcaller("split", b" ", 2)
    props_of: dict[bytes, str] = {}  # <p> -> its IRI
    known: dict[bytes, tuple] = {}   # an object's text -> (its JSON sort text, its expanded value)
    types_of: dict[bytes, str] = {}  # an object's text -> its id (`_text_term`)
    made: list[tuple[str, dict]] = []  # (id, node) of each subject of the asserted or inferred graph
    only_labels: list[tuple[str, bytes, dict]] = []  # (id, text, {<p>: [labels]}): the ontology's alone
    objects: set[bytes] = set()  # the referenced ids' texts
    orders: dict[tuple, list] = {}  # a subject's predicates (<p>, in the text's order) -> [(IRI, <p>)] sorted

    def prop(p: bytes) -> str:
        iri = props_of.get(p)
        if iri is None:
            iri = props_of[p] = iri_text(p[1:-1].decode("utf-8"))
        return iri

    def value(o: bytes) -> tuple:
        v = known.get(o)
        if v is None:
            v = known[o] = (_json_key(x := _text_value(o.decode("utf-8"))), x)
        return v

    def type_id(o: bytes) -> str:
        t = types_of.get(o)
        if t is None:
            t = types_of[o] = _text_term(o.decode("utf-8"))
        return t

    def sorted_values(vals: list) -> list[dict]:
        if len(vals) == 1:  # most properties: nothing to sort
            return [value(vals[0])[1]]
        return [v for _k, v in sorted(map(value, vals), key=_first)]

    def node_of(s: bytes, props: dict, derived: dict | None, main: bool) -> None:
        """The node of subject `s` from its values (<p> -> [o], each triple once) and those only
        the inferred graph has (or None); `main`: it has a line in the asserted or inferred graph."""
        sid = _text_term(s.decode("utf-8"))
        if not main:
            only_labels.append((sid, s, props))
            return
        node: dict[str, object] = {"@id": sid}
        keys = tuple(props)
        order = orders.get(keys)
        if order is None:  # the keys' order (by IRI), found once for each set of predicates met
            if len(orders) > 1 << 16:
                orders.clear()
            order = orders[keys] = sorted((prop(p), p) for p in keys)
        for iri, p in order:
            vals = props[p]
            if iri == RDF_TYPE:
                node["@type"] = sorted(map(type_id, vals))
            elif len(vals) == 1:
                v = known.get(vals[0]) or value(vals[0])
                node[iri] = [v[1]]
            else:
                node[iri] = sorted_values(vals)
        if derived:
            keys = tuple(derived)
            order = orders.get(keys)
            if order is None:  # (as the keys above)
                if len(orders) > 1 << 16:
                    orders.clear()
                order = orders[keys] = sorted((prop(p), p) for p in keys)
            derived = [(iri, derived[p]) for iri, p in order]
            types = [t for p, vals in derived if p == RDF_TYPE for t in vals]
            if types:
                node[INFERRED_TYPE] = [{"@id": t} for t in sorted(map(type_id, types))]
                derived = [(p, vals) for p, vals in derived if p != RDF_TYPE]
            if derived:
                node[INFERRED] = [{p: sorted_values(vals) for p, vals in derived}]
        made.append((sid, node))

    def read(lines: list[bytes]) -> None:
        """The nodes of the subjects of `lines` (whole subjects' lines of the three graphs)."""
        parts = list(map(at_graph, lines))
        gs = list(map(graph_of.__getitem__, map(_third, parts)))
        triples = list(map(_zeroth, parts))
        del parts
        repeats = list(map(eq, triples, [b"", *triples]))  # the line before's triple, in another graph
        last = props = derived = None
        main = False
        for (s, p, o), g, again in zip(map(at_spaces, triples), gs, repeats):
            if s != last:
                if last is not None:
                    node_of(last, props, derived, main)
                last, props, derived, main = s, {}, None, False
            if again:
                continue
            if g == 2:
                if p in labels:
                    vals = props.get(p)
                    if vals is None:
                        props[p] = [o]
                    else:
                        vals.append(o)
                continue
            main = True
            vals = props.get(p)
            if vals is None:
                props[p] = [o]
            else:
                vals.append(o)
            if g == 1:  # not in the asserted graph (that line would come just before)
                if derived is None:
                    derived = {p: [o]}
                elif p in derived:
                    derived[p].append(o)
                else:
                    derived[p] = [o]
            if o[0] != 34:  # '"': a literal
                objects.add(o)
        if last is not None:
            node_of(last, props, derived, main)

    # about 1 MB at a time (the lines' lists stay small), whole subjects' lines of the three graphs:
    # the provenance's lines, most of the text, left out in C, and its pieces skipped whole
    for lines in subject_line_runs(_pieces(chunks), tuple(graphs)):
        read(lines)
    subjects = len(made) + len(only_labels)
    if any(b"\\" in s for _sid, s, _p in only_labels) or b"\\" in b"".join(objects):
        ids = {_text_term(o.decode("utf-8")) for o in objects}  # (an escape: the IRIs compared as read)
        for sid, s, props in only_labels:
            if sid in ids:  # the labels of an ontology's term the data points at
                node_of(s, props, None, True)
    else:  # no escape: one text for each IRI
        for sid, s, props in only_labels:
            if s in objects:
                node_of(s, props, None, True)
    if len(props_of) != len(set(props_of.values())) \
            or len({sid for sid, _n in made} | {sid for sid, _s, _p in only_labels}) != subjects:
        return _framing_input_from_lines_by_graph(chunks)  # one IRI written two ways: merged there
    made.sort(key=_zeroth)
    return list(map(_second, made))


def _framing_input_from_lines_by_graph(chunks: Iterable[bytes]) -> list[dict]:
    """`framing_input_from_lines` as it was before 7 December (each graph's values gathered, then each
    subject's node made): what it falls back to; the same nodes."""
    graphs = {f" <{g}> .".encode("utf-8"): i for i, g in enumerate((GRAPH_DATA, GRAPH_INFERRED, GRAPH_ONTOLOGY))}
    tails = [tail + b"\n" for tail in graphs]
    asserted: dict[str, dict[str, set]] = {}
    inferred: dict[str, dict[str, set]] = {}
    ontology_labels: dict[str, dict[str, set]] = {}
    objects: set[str] = set()
    targets = (asserted, inferred)
    labels = {f"<{p}>" for p in _LABELS}
    last = subject = None
    props: dict[str, str] = {}
    wanted = methodcaller("endswith", tuple(graphs))
    for chunk in _pieces(chunks):  # about 1 MB at a time: the lines' list stays small
        if not any(tail in chunk for tail in tails):
            continue  # a chunk of provenance alone (the statements' lines come together): skipped whole
        for line in filter(wanted, chunk.split(b"\n")):  # the provenance graph's lines, most, left out in C
            end = line.rfind(b" <")
            g = graphs[line[end:]]
            body = line[:end].decode("utf-8")
            s, p, o = body.split(" ", 2)
            if s != last:  # the lines come sorted: a subject's come together
                last, subject = s, _text_term(s)
            if g == 2:
                if p in labels:
                    ontology_labels.setdefault(subject, {}).setdefault(p[1:-1], set()).add(o)
                continue
            prop = props.get(p)
            if prop is None:
                prop = props[p] = iri_text(p[1:-1])
            targets[g].setdefault(subject, {}).setdefault(prop, set()).add(o)
            if o[0] != '"':
                objects.add(o)  # as text: made a term once, below
    objects = {_text_term(o) for o in objects}
    known: dict[str, tuple] = {}

    def value(o: str) -> tuple:
        v = known.get(o)
        if v is None:
            v = known[o] = (_json_key(x := _text_value(o)), x)
        return v

    return _nodes(asserted, inferred, ontology_labels, objects, _text_term, value)


def _text_term(t: str) -> str:
    """`_term` of a term's N-Quads text (a literal: its lexical form, as `_term` gives its value)."""
    if t[0] == "<":
        return iri_text(t[1:-1])
    if t[0] == '"':
        return literal_parts(t)[0]
    return t  # a blank node, _:label


def _text_value(o: str) -> dict:
    """`_value` of an object's N-Quads text."""
    if o[0] != '"':
        return {"@id": _text_term(o)}
    lex, lang, dt = literal_parts(o)
    if lang:
        return {"@value": lex, "@language": lang}
    try:
        if dt in _INTEGERS:
            return {"@value": int(lex)}
        if dt in _DECIMALS:
            return {"@value": float(lex)}
    except ValueError:
        pass  # an ill-typed literal stays its text (SHACL reports it)
    if dt == XSD + "boolean" and lex in ("true", "false", "1", "0"):
        return {"@value": lex in ("true", "1")}
    return {"@value": lex}


def _nodes(asserted: dict, inferred: dict, ontology_labels: dict, objects: set, term, value) -> list[dict]:
    """The nodes of `framing_input` from the objects of each subject and property in the asserted
    graph, the inferred one and the ontology's labels; `term(o)` an object's id, `value(o)` its
    (JSON sort text, expanded value)."""
    def sorted_values(vals: set) -> list[dict]:
        if len(vals) == 1:  # most properties: nothing to sort
            for o in vals:
                return [value(o)[1]]
        return [v for _k, v in sorted(map(value, vals), key=_first)]

    nodes = []
    for s in sorted(set(asserted) | set(inferred) | (objects & set(ontology_labels))):
        props: dict[str, set] = {}
        for src in (asserted.get(s, {}), inferred.get(s, {}), ontology_labels.get(s, {})):
            for p, vals in src.items():
                props.setdefault(p, set()).update(vals)
        node: dict[str, object] = {"@id": s}
        derived = {p: vals - asserted.get(s, {}).get(p, set()) for p, vals in inferred.get(s, {}).items()}
        derived = {p: v for p, v in derived.items() if v}
        for p in sorted(props):
            if p == RDF_TYPE:
                node["@type"] = sorted(term(o) for o in props[p])
            else:
                node[p] = sorted_values(props[p])
        if RDF_TYPE in derived:
            node[INFERRED_TYPE] = [{"@id": t} for t in sorted(term(o) for o in derived.pop(RDF_TYPE))]
        if derived:
            node[INFERRED] = [{p: sorted_values(v) for p, v in sorted(derived.items())}]
        nodes.append(node)
    return nodes


def _first(pair: tuple) -> str:
    return pair[0]


_zeroth, _second, _third = itemgetter(0), itemgetter(1), itemgetter(2)


def _json_key(v: dict) -> str:
    """`json.dumps(v, sort_keys=True, ensure_ascii=False)`, the same text, written directly for
    the three shapes `_value` makes of strings (the standard library's call is most of the cost)."""
    if len(v) == 1:
        ((k, x),) = v.items()
        if type(x) is str:
            return f'{{"{k}": {_encode_str(x)}}}'
    elif len(v) == 2 and type(v.get("@value")) is str and type(v.get("@language")) is str:
        return f'{{"@language": {_encode_str(v["@language"])}, "@value": {_encode_str(v["@value"])}}}'
    return json.dumps(v, sort_keys=True, ensure_ascii=False)


# --- the context ---------------------------------------------------------------------------------

def _local(iri: str) -> str:
    for sep in ("#", "/"):
        if sep in iri:
            iri = iri.rsplit(sep, 1)[1] if iri.rsplit(sep, 1)[1] else iri
    return iri


def _prefix_of(iri: str) -> str | None:
    best = None
    for p, ns in PREFIXES.items():
        if iri.startswith(str(ns)) and (best is None or len(str(ns)) > len(str(PREFIXES[best]))):
            best = p
    return best


def readable_context(nodes: list[dict]) -> dict:
    """A JSON-LD 1.1 context with a word for every property in `nodes`, the container each one's
    values need (a list; a language map where every value has a language), and the prefixes for the
    ids and types."""
    kinds: dict[str, set[str]] = {}
    per_language_once: dict[str, bool] = {}

    def visit(node: dict) -> None:
        for p, vals in node.items():
            if p.startswith("@") or p in (INFERRED_TYPE,):
                continue
            if p == INFERRED:
                for block in vals:
                    visit(block)
                continue
            k = kinds.setdefault(p, set())
            langs: list[str] = []
            for v in vals:
                k.add("lang" if "@language" in v else "other")
                if "@language" in v:
                    langs.append(v["@language"])
            per_language_once[p] = per_language_once.get(p, True) and len(langs) == len(set(langs))

    for n in nodes:
        visit(n)
    visit = None  # (it calls itself: a cycle through its cell) broken, not left to the collector
    ctx: dict[str, object] = {"@version": 1.1}
    ctx.update({p: str(ns) for p, ns in sorted(PREFIXES.items())})
    ctx.update({"id": "@id", "type": {"@id": "@type", "@container": "@set"},
                "inferredType": {"@id": INFERRED_TYPE, "@type": "@vocab", "@container": "@set"},
                "inferred": {"@id": INFERRED}})
    taken = set(ctx)
    # the project's own properties choose their word first; then the others, in IRI order
    for iri in sorted(kinds, key=lambda i: (not i.startswith(_OWN), i)):
        word = _local(iri)
        if word in taken or not word.replace("_", "").replace("-", "").isalnum():
            word = (_prefix_of(iri) or "x") + word[:1].upper() + word[1:]
        if word in taken:
            continue  # left to its prefixed form (never happens with the project's namespaces)
        taken.add(word)
        if kinds[iri] == {"lang"}:
            container = "@language" if per_language_once.get(iri, True) else ["@language", "@set"]
            ctx[word] = {"@id": iri, "@container": container}
        else:
            ctx[word] = {"@id": iri, "@container": "@set"}
    # the project's classes by their local name (`type` reads ["Agreement", "CooperationAgreement"]);
    # @vocab rather than a term each, for PyLD compacts every IRI against every term
    ctx["@vocab"] = _OWN[0]
    return ctx


# --- framing -------------------------------------------------------------------------------------

def frame(nodes: list[dict], frame_doc: dict, context: dict, *, engine: str = "auto",
          repeated: set | None = None, shared: dict | None = None) -> dict:
    """`nodes` (from `framing_input`) framed by `frame_doc`, whose own `@context` (it may be a dict
    or a list of dicts, never a URL) is applied after `context`. Remote documents are refused.

    `engine="auto"` frames with `kg.build.framer` (PyLD's algorithms for the subset these frames
    use, linear) and falls back to PyLD for anything outside it; `engine="pyld"` is PyLD alone,
    the reference the tests compare with. `repeated`, if given, receives the ids of the dicts the
    framer's document may hold more than once (for `dumps_indented`); `shared`, a dict kept from
    one call to the next (empty at first), lets the framer make its node map's node of an input node
    once for every frame given that node object (`kg.build.framer.frame`)."""
    declared = frame_doc.get("@context", [])
    declared = declared if isinstance(declared, list) else [declared]
    own, nodes = _forward_reverse_terms(declared, nodes)
    full_frame = _language_keys_as_iris(frame_doc, context)
    if isinstance(frame_doc.get("@type"), str):
        nodes = _within_reach(nodes, frame_doc["@type"], _depth(frame_doc))
        context = _only_used(context, nodes)
    full_frame["@context"] = [context, *own]
    if "inferred" in full_frame:
        # the block is embedded, each value in it a reference: an implicit child frame would inherit
        # @always and embed the whole graph below it
        derived = sorted({p for n in nodes for block in n.get(INFERRED, []) for p in block})
        full_frame["inferred"] = {"@embed": "@always", **{p: {"@embed": "@never"} for p in derived}}
    options = {"documentLoader": _refuse_remote, "embed": "@never", "omitGraph": False, "omitDefault": True,
               "processingMode": "json-ld-1.1"}
    out = None
    if engine == "auto":
        from kg.build import framer

        out = framer.frame(nodes, full_frame, full_frame["@context"], embed="@never", repeated=repeated,
                           shared=shared)
    elif engine != "pyld":
        raise ValueError(f"engine must be 'auto' or 'pyld', not {engine!r}")
    if out is None:
        from pyld import jsonld  # only here: the views the build writes never need it

        try:
            out = jsonld.frame(nodes, full_frame, options)
        except jsonld.JsonLdError as exc:
            refusal = _refusal_in(exc)
            if refusal is not None:
                raise refusal from None
            raise InputError(f"the frame cannot be applied: {exc.args[0] if exc.args else exc}") from None
    # the frame's own terms as it declares them (`@reverse`), so that the document read as JSON-LD
    # means the dataset's triples, not the forward links the framing went through
    out["@context"] = [context, *declared]
    return out


def _depth(frame_doc) -> int:
    """How deep a frame nests (its embeds can reach no further)."""
    subs = [v for k, v in frame_doc.items() if not k.startswith("@") and isinstance(v, dict)] \
        if isinstance(frame_doc, dict) else []
    return 1 + max((_depth(v) for v in subs), default=0)


def _only_used(context: dict, nodes: list[dict]) -> dict:
    """The context without the terms of properties none of `nodes` has (PyLD's compaction tries
    every term for every IRI): the words stay those of the whole dataset's context."""
    used = {k for n in nodes for k in n} | {k for n in nodes for b in n.get(INFERRED, []) for k in b}
    return {t: d for t, d in context.items()
            if not (isinstance(d, dict) and d.get("@id") not in used and not d["@id"].startswith("@")
                    and d["@id"] not in (INFERRED, INFERRED_TYPE))}


def _within_reach(nodes: list[dict], cls: str, depth: int) -> list[dict]:
    """The nodes of class `cls` and those they reach in `depth` links: all a frame of that depth can
    embed. PyLD expands and indexes its whole input for each frame, so a smaller input is faster."""
    by_id = {n["@id"]: n for n in nodes}
    reached = {n["@id"] for n in nodes if cls in n.get("@type", [])}
    frontier = set(reached)
    for _ in range(depth):
        following = set()
        for i in frontier:
            for key, vals in by_id[i].items():
                if key.startswith("@"):
                    continue
                if key == INFERRED:
                    vals = [x for v in vals for vs in v.values() for x in vs]
                following.update([ref.get("@id") for ref in vals if isinstance(ref, dict)])
        following &= by_id.keys()  # (None, a literal's, is never an id)
        following -= reached
        reached |= following
        frontier = following
    return [n for n in nodes if n["@id"] in reached]


def _language_keys_as_iris(frame_doc, context: dict):
    """The frame with each key that is a language-map term (`label`) written as its IRI: under a
    language container the wildcard `{}` would read as an empty map, i.e. "has no label", and the
    frame would silently drop every node that has one."""
    if isinstance(frame_doc, list):
        return [_language_keys_as_iris(f, context) for f in frame_doc]
    if not isinstance(frame_doc, dict):
        return frame_doc
    out = {}
    for k, v in frame_doc.items():
        d = context.get(k)
        container = d.get("@container") if isinstance(d, dict) else None
        language = container == "@language" or (isinstance(container, list) and "@language" in container)
        out[d["@id"] if language else k] = v if k == "@context" else _language_keys_as_iris(v, context)
    return out


def _refusal_in(exc: BaseException, depth: int = 0) -> InputError | None:
    """Our loader's refusal, wherever PyLD wrapped it (its `details["cause"]`, or the chain)."""
    if isinstance(exc, InputError):
        return exc
    if depth > 20:
        return None
    details = getattr(exc, "details", None)
    for inner in ((details or {}).get("cause") if isinstance(details, dict) else None,
                  exc.__cause__, exc.__context__):
        if isinstance(inner, BaseException):
            found = _refusal_in(inner, depth + 1)
            if found is not None:
                return found
    return None


def _forward_reverse_terms(contexts: list, nodes: list[dict]) -> tuple[list, list[dict]]:
    """A frame's `@reverse` terms (`"events": {"@reverse": "pd:ofAgreement"}`) as forward links
    written into a copy of the nodes (`framed#events`).

    PyLD 3.3 embeds reverse values with the top-level state (its flag is misspelt `embeded`), so a
    node already seen is silently left out (an actor's agreements went missing), and it finds them
    by scanning every subject for every embedded node (40 s for the actors). The forward links give
    the same view, in one pass."""
    terms = {t: d["@reverse"] for c in contexts if isinstance(c, dict) for t, d in c.items()
             if isinstance(d, dict) and "@reverse" in d}
    if not terms:
        return contexts, nodes
    by_id = {n["@id"]: n for n in nodes}
    copies: dict[str, dict] = {}  # only the nodes that gain a link are copied
    for node in nodes:
        for term, prop in terms.items():
            for v in node.get(prop, []):
                target_id = v.get("@id") if isinstance(v, dict) else None
                target = copies.get(target_id)
                if target is None:
                    if target_id not in by_id:
                        continue
                    target = copies[target_id] = dict(by_id[target_id])
                target.setdefault(FRAMED + term, []).append({"@id": node["@id"]})
    rewritten = [{t: ({"@id": FRAMED + t, "@container": "@set"} if t in terms else d) for t, d in c.items()}
                 if isinstance(c, dict) else c for c in contexts]
    return rewritten, [copies.get(i) or by_id[i] for i in (n["@id"] for n in nodes)]


def framed_json(quads: Iterable[ox.Quad], views: Iterable[str] = VIEWS, *, engine: str = "auto") -> dict[str, bytes]:
    """The framed views of the dataset (its quads), as the bytes of `dist/framed/<view>.json`
    (`engine` as for `frame`)."""
    with gc_paused():
        return _framed_views(framing_input(quads), views, engine)


def framed_json_from_lines(chunks: Iterable[bytes], views: Iterable[str] = VIEWS) -> dict[str, bytes]:
    """`framed_json` of the dataset's sorted N-Quads lines (`CanonicalDataset.chunks`): the same bytes.
    The cyclic garbage collector is paused meanwhile (`gc_paused`)."""
    with gc_paused():
        return _framed_views(framing_input_from_lines(chunks), views, "auto")


def _framed_views(nodes: list[dict], views: Iterable[str], engine: str) -> dict[str, bytes]:
    context = readable_context(nodes)
    out = {}
    shared: dict = {}  # the framer's node map's nodes, made once for the views that frame the same node
    for view in views:
        repeated: set[int] = set()  # the framer's memoised outputs: each written once a depth
        doc = frame(nodes, load_frame(view), context, engine=engine, repeated=repeated, shared=shared)
        out[view] = (dumps_indented(doc, repeated) + "\n").encode("utf-8")
    return out


def write_framed(out_dir: Path, quads: Iterable[ox.Quad] | None = None, *, chunks=None) -> dict[str, int]:
    """Write `framed/<view>.json` under `out_dir` (the build's temporary dist/), from the dataset's
    quads or from its sorted N-Quads lines (`chunks`, as `CanonicalDataset.chunks`); their sizes by name."""
    folder = Path(out_dir) / FRAMED_DIR
    folder.mkdir(parents=True, exist_ok=True)
    sizes = {}
    views = framed_json_from_lines(chunks) if chunks is not None else framed_json(quads)
    for view, data in views.items():
        (folder / f"{view}.json").write_bytes(data)
        sizes[f"{FRAMED_DIR}/{view}.json"] = len(data)
    return sizes
