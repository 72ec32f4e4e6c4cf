"""The JSON-LD writer of the export: the `@context` made from the ontology (`json_ld_context`), the
dataset's JSON-LD document written directly from its sorted N-Quads text (`_json_ld_parts`), and
`dumps_indented`, `json.dumps(indent=2)`'s characters at the C encoder's pace (the framed views
use it too). Moved out of `kg.build.export`, which imports it, with no change of behaviour."""
from __future__ import annotations

import gc
import json
from contextlib import contextmanager
from json.encoder import encode_basestring as _enc  # json.dumps's own string encoder (ensure_ascii=False)
from collections import Counter
from itertools import compress, count, islice, repeat
from operator import add, eq, is_, itemgetter, methodcaller, ne, sub

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from kg.build.canonical import CanonicalDataset
from kg.build.nqtext import iri_text, subject_line_runs, unescape
from kg.namespaces import PD, PREFIXES

__all__ = ["json_ld_context", "dumps_indented", "gc_paused"]


def json_ld_context(ontology: Graph) -> dict:
    """A `@context` with readable keys: prefixes, and each `pd:` term by its local name.

    Object properties are typed `@id` so their values read as IRIs (`"isPartOf": "pdi:belgium"`);
    datatype properties with a single XSD range carry that type. Terms whose local name would clash
    with another are left to their prefixed form.
    """
    ctx: dict[str, object] = {p: ns for p, ns in sorted(PREFIXES.items())}
    terms: dict[str, object] = {}
    seen: dict[str, int] = {}
    candidates = set()
    for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDFS.Class,
                 RDF.Property):
        for s in ontology.subjects(RDF.type, kind):
            if isinstance(s, URIRef) and str(s).startswith(str(PD)):
                candidates.add((s, kind))
    for s, _kind in candidates:
        local = str(s)[len(str(PD)):]
        seen[local] = seen.get(local, 0) + 1
    for s, kind in sorted(candidates):
        local = str(s)[len(str(PD)):]
        if seen[local] > 1 or local in ctx or not local or not local.replace("-", "").replace("_", "").isalnum():
            continue
        iri = f"pd:{local}"
        if kind == OWL.ObjectProperty:
            terms[local] = {"@id": iri, "@type": "@id"}
        elif kind == OWL.DatatypeProperty:
            ranges = [r for r in ontology.objects(s, RDFS.range) if isinstance(r, URIRef)]
            if len(ranges) == 1 and str(ranges[0]).startswith(str(XSD)) and ranges[0] != XSD.string:
                terms[local] = {"@id": iri, "@type": f"xsd:{str(ranges[0])[len(str(XSD)):]}"}
            else:
                terms[local] = {"@id": iri}
        else:
            terms[local] = iri
    ctx.update(dict(sorted(terms.items())))
    return {"@context": ctx}


def _json_ld(cds: "CanonicalDataset", context: dict) -> bytes:
    """The JSON-LD document (`_json_ld_parts`) as bytes."""
    return "".join(_json_ld_parts(cds, context)).encode("utf-8")


def _json_ld_parts(cds: "CanonicalDataset", context: dict, *, from_text: bool = True,
                   part: str | None = None, lines: bytes | None = None, ids: list | None = None):
    """Compacted JSON-LD of the dataset, written directly from the sorted quads: one graph object
    a named graph (`{"@id": <graph>, "@graph": [...]}`), as the TriG and N-Quads keep them.

    `part` writes a piece of the document, read from its own lines only, for two processes to
    write at once (`kg.build.export.write_all`): "before" the document up to the provenance's graph
    object (the head and the other graphs, read from the lines around the provenance's block of
    chunks), "provenance" that graph object (from the block alone), "after" the rest; the three
    pieces in that order are the whole document. Only where `split_for_provenance(cds)` holds.
    The provenance's piece may itself be written in slices, by either process (`provenance_slice`):
    "slice" is the node objects of the whole subjects' `lines` (bytes), joined as in the graph's
    list, their first and last ids appended to `ids` (`_NotPlain` if the text reader cannot read
    them: the slice is left to the piece); "ends" the provenance's graph object's text before its
    first node and after its last: the piece is the head, the slices in order (sorted by id, no id
    in two) joined by ",\n", and the tail.

    The shape is simple (one flat node object per subject and graph, no nesting), so compaction against our
    own context is a few rules: a property uses its term when the term's type coercion fits the
    value, else its prefixed name; `rdf:type` becomes `@type`. The output is sorted, so it is
    reproducible. The export tests parse it back with pyoxigraph's JSON-LD parser and compare it
    with the N-Quads.

    The graphs are read from the N-Quads text itself, in one pass (`node_texts_from_lines`): a
    line's predicate and object (in its graph) become the JSON text of one value once (memoised),
    each subject's run of lines one node object's text per graph; no RDF term is made. When the
    text holds what that reader does not cover (`_NotPlain`: an RDF 1.2 triple term, a directional
    language tag, two subjects whose compacted ids coincide), the nodes are made by `graph_nodes`
    from pyoxigraph's quads instead, the reference (`from_text=False` uses it always), with the
    same characters.
    """
    from kg.build.export import _GRAPHS, _graph_quads  # (kg.build.export imports this module)

    ctx = context["@context"]
    prefixes = sorted(((ns, p) for p, ns in ctx.items() if isinstance(ns, str) and ns.startswith("http")),
                      key=lambda x: -len(x[0]))
    terms_by_iri: dict[str, tuple[str, object]] = {}
    for term, d in ctx.items():
        iri = d["@id"] if isinstance(d, dict) else d
        if isinstance(iri, str) and not iri.startswith("http"):
            terms_by_iri[_expand(iri, ctx)] = (term, d.get("@type") if isinstance(d, dict) else None)

    compacted: dict[tuple[str, bool], str] = {}

    def compact(iri: str, vocab: bool = False) -> str:
        key = (iri, vocab)
        out = compacted.get(key)
        if out is None:
            if len(compacted) > _MEMO_MAX:  # bounded: memory stays flat on millions of IRIs
                compacted.clear()
            out = compacted[key] = _compact(iri, vocab)
        return out

    # the longest namespace that starts an IRI (and is shorter) depends only on the IRI up to its
    # last "/" or "#" before the end, when every namespace ends with one: found once per such head
    by_ns: dict[str, str] = {}
    for ns, p in prefixes:
        by_ns.setdefault(ns, p)
    heads: dict[str, tuple | None] = {}
    by_head = all(ns.endswith(("/", "#")) for ns in by_ns)

    def _compact(iri: str, vocab: bool) -> str:
        if vocab and iri in terms_by_iri and terms_by_iri[iri][1] is None:
            return terms_by_iri[iri][0]
        if by_head:
            last = len(iri) - 1
            slash = iri.rfind("/", 0, last)
            hash_ = iri.rfind("#", slash + 1, last)
            head = iri[:(hash_ if hash_ > slash else slash) + 1]
            found = heads.get(head, False)
            if found is False:
                if len(heads) > _MEMO_MAX:  # bounded, as the other memos (few heads in practice)
                    heads.clear()
                found = heads[head] = next(((len(ns), p) for ns, p in prefixes if head.startswith(ns)), None)
            return iri if found is None else f"{found[1]}:{iri[found[0]:]}"
        for ns, p in prefixes:
            if iri.startswith(ns) and len(iri) > len(ns):
                return f"{p}:{iri[len(ns):]}"
        return iri

    def node_ref(t) -> str:
        if isinstance(t, ox.BlankNode):
            return f"_:{t.value}"
        return compact(t.value)

    # what a predicate becomes, decided once per predicate: (term, its coercion, compacted IRI)
    predicates: dict[str, tuple] = {}

    def predicate(pv: str) -> tuple:
        info = predicates.get(pv)
        if info is None:
            term = terms_by_iri.get(pv)
            plain = term[0] if term and term[1] is None else None  # the term, if it takes any value
            coercion = term[1] if term else None
            info = predicates[pv] = (term, plain, coercion, compact(pv),
                                     _expand(coercion, ctx) if coercion and coercion != "@id" else None)
        return info

    rdf_type, xsd_string = str(RDF.type), str(XSD.string)

    def graph_nodes(gname) -> dict[str, dict[str, list]]:
        """The node objects of one named graph (its quads come sorted by subject): the reference."""
        nodes: dict[str, dict[str, list]] = {}
        last_s = node = None
        for q in _graph_quads(cds, [gname]):  # pyoxigraph terms: no rdflib term is made
            s, o = q.subject, q.object
            if s != last_s:  # the quads come sorted by subject: most share the last one's
                node = nodes.setdefault(node_ref(s), {})
                last_s = s
            pv = q.predicate.value
            is_literal = isinstance(o, ox.Literal)
            if pv == rdf_type and not is_literal:
                node.setdefault("@type", []).append(
                    compact(o.value, vocab=True) if not isinstance(o, ox.BlankNode) else f"_:{o.value}")
                continue
            term, plain, coercion, compacted_p, coerced_dt = predicate(pv)
            if is_literal:
                if o.language:
                    key, value = plain or compacted_p, {"@value": o.value, "@language": o.language}
                else:
                    dt = o.datatype.value
                    if dt == xsd_string:
                        key, value = plain or compacted_p, o.value
                    elif coerced_dt == dt:
                        key, value = term[0], o.value
                    else:
                        key, value = plain or compacted_p, {"@value": o.value, "@type": compact(dt)}
            else:
                ref = node_ref(o)
                if coercion == "@id":
                    key, value = term[0], ref
                else:
                    key, value = plain or compacted_p, {"@id": ref}
            node.setdefault(key, []).append(value)
        return nodes

    def node_text(node_id: str, props: dict[str, list]) -> str:
        """One node object of `graph_nodes` as dumps_indented writes it inside the graph's list."""
        out = ['        {\n          "@id": ', _enc(node_id)]
        for key in sorted(props):
            vals = props[key]
            if len(vals) == 1:
                text = _value_text(vals[0], 10)
            else:
                vals = sorted(vals, key=_sort_key)
                text = "[\n            " + ",\n            ".join(_value_text(v, 12) for v in vals) + "\n          ]"
            out.append(",\n          " + _enc(key) + ": " + text)
        out.append("\n        }")
        return "".join(out)

    # a line's value, read from its bytes: its text is its JSON value (`v`: a literal's string, a
    # reference's id) set in a template that depends only on the predicate and the object's kind (a
    # literal's language tag or datatype), each found once: (key, key text, whether the value is `v`
    # alone, the sort text's parts, the parts as the property's one value, as a member of its list)
    templates: dict[tuple, tuple] = {}
    iris: dict[bytes, str] = {}   # <p> -> its IRI
    texts_of: list[dict] = [{}, {}]  # an IRI's <bytes> as a reference, as a type (vocabulary-relative) -> V

    def template(pb: bytes, kind: str, tail: bytes) -> tuple:
        """The template of predicate `pb`'s values of kind `kind` ("@type": a type; '"': a literal
        whose text after its closing quote is `tail`; "<": a reference), as `graph_nodes` and
        `node_text` write such a value. `_NotPlain` for what only pyoxigraph reads."""
        pv = iris.get(pb)
        if pv is None:
            pv = iris[pb] = iri_text(pb[1:-1].decode("utf-8"))
        if kind == "@type":
            kt = ',\n          "@type": '
            return "@type", kt, True, "", "", kt, "", "", ""
        term, plain, coercion, compacted_p, coerced_dt = predicate(pv)
        dict_of = None
        if kind == '"':
            rest = tail.decode("utf-8")
            if not rest:
                key = plain or compacted_p
            elif rest[0] == "@":
                lang = rest[1:]
                if "--" in lang:
                    raise _NotPlain  # a base direction (RDF 1.2)
                key, dict_of = plain or compacted_p, ("@language", _enc(lang))
            else:  # ^^<datatype>
                dt = iri_text(rest[3:-1])
                if dt == xsd_string:
                    key = plain or compacted_p
                elif coerced_dt == dt:
                    key = term[0]
                else:
                    key, dict_of = plain or compacted_p, ("@type", _enc(compact(dt)))
            kt = ",\n          " + _enc(key) + ": "
            if dict_of is None:
                return key, kt, True, "", "", kt, "", "", ""
            k2, v2 = dict_of
            return (key, kt, False, "{" + _enc(k2) + ": " + v2 + ', "@value": ', "}",
                    kt + '{\n            "@value": ', ",\n            " + _enc(k2) + ": " + v2 + "\n          }",
                    '{\n              "@value": ', ",\n              " + _enc(k2) + ": " + v2 + "\n            }")
        if coercion == "@id":
            key = term[0]
            kt = ",\n          " + _enc(key) + ": "
            return key, kt, True, "", "", kt, "", "", ""
        key = plain or compacted_p
        kt = ",\n          " + _enc(key) + ": "
        return (key, kt, False, '{"@id": ', "}", kt + '{\n            "@id": ', "\n          }",
                '{\n              "@id": ', "\n            }")

    def value_of_bytes(g: int, po: bytes) -> tuple:
        """A line's predicate and object (`<p> o`, bytes: the subject and graph off) as one value
        of a node in graph `g`: (g, key, sort text, the key and value's text as the property's one
        value, the key's text, the value's text in a list), each as `node_text` writes it; from
        `template` and the object's JSON value, each found once (memos, bounded). `_NotPlain` for
        what only pyoxigraph reads."""
        j = po.find(b" ")
        if j < 0:
            raise _NotPlain  # a line of the default graph whose object is a graph's name, read as in that graph
        pb, ob = po[:j], po[j + 1:]
        first = ob[0]
        if first == 34:  # '"': a literal
            end = ob.rindex(b'"')  # a language tag or a datatype IRI holds no quote
            # (not kept: a literal is met again, if ever, far away: its statement's line in the provenance)
            kind, tail, v = '"', ob[end + 1:], _enc(unescape(ob[1:end].decode("utf-8")))
        else:
            pv = iris.get(pb)
            if pv is None:
                pv = iris[pb] = iri_text(pb[1:-1].decode("utf-8"))
            kind, tail = ("@type" if pv == rdf_type else "<"), b""
            if first == 60:  # "<": an IRI
                if ob.startswith(b"<<"):
                    raise _NotPlain  # a triple term
                memo = texts_of[1 if kind == "@type" else 0]
                v = memo.get(ob)
                if v is None:
                    if len(memo) > _VALUES_MAX:  # bounded, as `values`
                        memo.clear()
                    v = memo[ob] = _enc(_compact(iri_text(ob[1:-1].decode("utf-8")), kind == "@type"))
            else:
                v = _enc(ob.decode("utf-8"))  # a blank node, _:label as written
        t = templates.get((pb, kind, tail))
        if t is None:
            if len(templates) > _MEMO_MAX:
                templates.clear()
            t = templates[(pb, kind, tail)] = template(pb, kind, tail)
        if t[2]:  # the value is V itself
            return g, t[0], v, t[1] + v, t[1], v
        return g, t[0], t[3] + v + t[4], t[5] + v + t[6], t[1], t[7] + v + t[8]

    def node_texts_from_lines(chunks: list[bytes]) -> list[list[tuple[str, str]]]:
        """(node id, node object's text) of each named graph of `_GRAPHS`, sorted by id, read from
        the N-Quads lines in one pass, about a chunk of whole subjects at a time (`kg.build.nqtext.subject_line_runs`)
        and mostly by C code (`map`, `compress`): each line split at its first space, the text after
        the subject (`<p> o <g> .`) looked up in a memo of its value (`value_of_bytes`: read once for
        each distinct text), where each subject's lines start found by comparing each subject with
        the next. A subject's values sorted by graph, key and sort text make each graph's node
        object (`sorted(props)`, `_sort_key`): one subject at a time (`flush`), or, for the many
        subjects with as many lines whose k-th values have one graph and key for each k, and keys
        that differ (the statements of the provenance, most of the dataset), all at once, column by
        column (`node_ids`)."""
        graph_of = {f" <{g}> .".encode("utf-8"): i for i, (g, _l) in enumerate(_GRAPHS)}
        texts: list[list[tuple[str, str]]] = [[] for _g in _GRAPHS]
        adds = [t.append for t in texts]
        ignored = (len(_GRAPHS), "", "", "", "", "")  # a line of a graph of no interest: sorts after the others
        values: dict[bytes, tuple] = {}  # b"<p> o <g> ." -> value_of_bytes's answer (or `ignored`), bounded
        get = values.get
        ends, id_start = "\n        }", '        {\n          "@id": '

        def new_value(rest: bytes) -> tuple:
            end = rest.rfind(b" <")
            g = graph_of.get(rest[end:]) if end >= 0 else None
            if len(values) > _VALUES_MAX:
                values.clear()
            out = values[rest] = ignored if g is None else value_of_bytes(g, rest[:end])
            return out

        def node_id(subject: bytes) -> str:
            subject = subject.decode("utf-8")
            if subject.startswith("_:"):
                return subject
            if subject.startswith("<<"):
                raise _NotPlain
            # not kept in the memo: most subjects are met once (a statement's, in the provenance)
            return _compact(iri_text(subject[1:-1]), False)

        def node_ids(subjects: list[bytes]) -> list[str]:
            """`node_id` of each of `subjects`, at once (C code) when they are IRIs that share the part
            their compacted form depends on (`_compact`'s head, to the last "/" or "#"), as the
            statements of the provenance do; else one at a time."""
            first = subjects[0]
            cut = max(first.rfind(b"/", 0, len(first) - 2), first.rfind(b"#", 0, len(first) - 2)) + 1
            head = first[:cut]
            if not by_head or cut < 2 or not first.startswith(b"<") or first.startswith(b"<<") \
                    or not all(map(methodcaller("startswith", head), subjects)):
                return list(map(node_id, subjects))
            tails = b"\n".join(map(itemgetter(slice(cut, -1)), subjects))  # what follows the head
            if b"/" in tails or b"#" in tails or b"\\" in tails or b"\n\n" in tails or not tails \
                    or tails.startswith(b"\n") or tails.endswith(b"\n") or b"\\" in head:
                return list(map(node_id, subjects))
            iri_head = head[1:].decode("utf-8")
            found = next((ns for ns, _p in prefixes if iri_head.startswith(ns)), None)
            if found is None:
                return list(map(bytes.decode, map(itemgetter(slice(1, -1)), subjects)))
            return list(map((by_ns[found] + ":").__add__,
                            map(bytes.decode, map(itemgetter(slice(1 + len(found.encode("utf-8")), -1)), subjects))))

        def several(vals: list, start: int, stop: int) -> str:
            """The members of a node object whose keys repeat: a key's values in a list."""
            out = []
            i = start
            while i < stop:
                key = vals[i][1]
                k = i + 1
                while k < stop and vals[k][1] == key:
                    k += 1
                if k == i + 1:
                    out.append(vals[i][3])
                else:
                    out.append(vals[i][4] + "[\n            " + ",\n            ".join(map(_sixth, vals[i:k]))
                               + "\n          ]")
                i = k
            return "".join(out)

        def flush(subject: bytes, vals: list) -> None:
            """The node objects of one subject's values (`vals`, as `value_of_bytes` gives them)."""
            if len(vals) > 1:
                vals.sort()  # by graph, key, then the value's sort text: as `sorted(props)`, `_sort_key`
            g = vals[0][0]
            if g == vals[-1][0]:  # one graph (as most subjects)
                if g == ignored[0]:
                    return
                if len(vals) == 1 or len(set(map(_second, vals))) == len(vals):  # one value a key
                    nid = node_id(subject)
                    adds[g]((nid, id_start + _enc(nid) + "".join(map(_fourth, vals)) + ends))
                else:
                    nid = node_id(subject)
                    adds[g]((nid, id_start + _enc(nid) + several(vals, 0, len(vals)) + ends))
                return
            nid = node_id(subject)
            id_text = id_start + _enc(nid)
            i, n = 0, len(vals)
            while i < n:  # each graph's run of values
                g = vals[i][0]
                k = i + 1
                while k < n and vals[k][0] == g:
                    k += 1
                if g == ignored[0]:
                    break
                adds[g]((nid, id_text + several(vals, i, k) + ends))
                i = k

        split, get_subject, get_rest = methodcaller("partition", b" "), itemgetter(0), itemgetter(2)
        for lines in subject_line_runs(_pieces(chunks)):  # whole subjects' lines, about a piece
            parts = list(map(split, lines))
            subjects, rests = list(map(get_subject, parts)), list(map(get_rest, parts))
            del parts
            vals = list(map(get, rests))
            for i in list(compress(count(), map(is_, vals, repeat(None)))):  # a value not met before
                vals[i] = get(rests[i]) or new_value(rests[i])  # (met earlier in this run?)
            del rests
            # where each subject's lines start, and how many it has
            starts = [0, *map(add, compress(count(), map(ne, subjects, islice(subjects, 1, None))), repeat(1))]
            sizes = list(map(sub, [*islice(starts, 1, None), len(vals)], starts))
            done = set()
            for size, many in Counter(sizes).items():
                if size < 2 or many < _COLUMNS_MIN:
                    continue  # few: one at a time, below
                these = list(compress(starts, map(eq, sizes, repeat(size))))
                # the subjects of `size` lines whose k-th lines are of one graph and key, for each k,
                # and whose keys differ (as the statements of the provenance): written together
                columns = [list(map(vals.__getitem__, map(add, these, repeat(k)))) for k in range(size)]
                shapes = list(zip(*(map(_graph_key, col) for col in columns)))
                for shape, many in Counter(shapes).items():
                    if many < _COLUMNS_MIN or len({g for g, _k in shape}) != 1 or len({k for _g, k in shape}) != size:
                        continue
                    g = shape[0][0]
                    if len(shapes) == many:
                        chosen, cols = these, columns
                    else:
                        picked = list(map(eq, shapes, repeat(shape)))
                        chosen = list(compress(these, picked))
                        cols = [list(compress(col, picked)) for col in columns]
                    done.update(chosen)
                    if g == ignored[0]:
                        continue
                    order = sorted(range(size), key=shape.__getitem__)  # the keys' order: `sorted(props)`
                    nids = node_ids(list(map(subjects.__getitem__, chosen)))
                    texts[g].extend(zip(nids, map("".join, zip(repeat(id_start), map(_enc, nids),
                                                                *(map(_fourth, cols[k]) for k in order),
                                                                repeat(ends)))))
            for start, size in zip(starts, sizes):
                if start not in done:
                    flush(subjects[start], vals[start:start + size])
        for graph_texts in texts:
            graph_texts.sort()
            ids = list(map(_first, graph_texts))
            if len(set(ids)) != len(ids):
                raise _NotPlain  # two subjects, one compacted id: their node objects are merged
        return texts

    # written as text, graph by graph and node by node, with the characters dumps_indented would
    # give the same document (every value is a string or a flat object of strings); one graph's
    # nodes are held at a time
    chunks, wanted = cds.chunks, range(len(_GRAPHS))
    if part is not None:
        start, stop, _end, _count = cds.whole
        last = len(_GRAPHS) - 1
        if part == "ends":
            yield ',\n    {\n      "@id": ' + _enc(compact(str(_GRAPHS[last][0]))) + ',\n      "@graph": [\n'
            yield "\n      ]\n    }"
            return
        if part == "slice":
            with gc_paused():
                texts = node_texts_from_lines([lines])[last] if lines else []
            if not texts:
                raise _NotPlain  # (no node: not a slice of the block)
            ids.extend((texts[0][0], texts[-1][0]))
            yield ",\n".join(map(_second, texts))
            return
        if part == "provenance":
            chunks, wanted = cds.chunks[start:stop], [last]
        elif part == "before":
            chunks, wanted = cds.chunks[:start] + cds.chunks[stop:], range(last)
        elif part == "after":
            yield "\n  ]\n}\n"
            return
        else:
            raise ValueError(f"no part {part!r} of the JSON-LD document")
    head = dumps_indented({"@context": ctx})
    # the document so far, without its closing "\n}"
    out = [head[:-2], ',\n  "@graph": ['] if part in (None, "before") else []
    every = None
    if from_text:
        try:
            with gc_paused():
                every = node_texts_from_lines(chunks)
        except _NotPlain:
            every = None
    for i, (gname, _local) in enumerate(_GRAPHS):  # each named graph a graph object, in the TriG's order
        if i not in wanted:
            continue
        texts = every[i] if every is not None else None
        if texts is None:
            nodes = graph_nodes(gname)
            texts = [(node_id, node_text(node_id, nodes[node_id])) for node_id in sorted(nodes)]
            del nodes
        out.append(("" if i == 0 else ",") + '\n    {\n      "@id": ' + _enc(compact(str(gname)))
                   + ',\n      "@graph": ' + ("[" if texts else "[]"))
        # handed on in pieces of a few thousand nodes, so the whole text is never held twice
        for start in range(0, len(texts), 5000):
            out.append(("\n" if start == 0 else ",\n") + ",\n".join(map(_second, texts[start:start + 5000])))
            yield "".join(out)
            out = []
        out.append("\n      ]\n    }" if texts else "\n    }")
        del texts
        if every is not None:
            every[i] = None
    if part is None:
        out.append("\n  ]\n}\n")
    yield "".join(out)


def _last_subject(chunk: bytes) -> bytes:
    """The subject of a chunk's last line, with the space after it."""
    begin = chunk.rfind(b"\n", 0, len(chunk) - 1) + 1
    return chunk[begin:chunk.index(b" ", begin) + 1]


def _skip_subject(chunk: bytes, subject: bytes) -> int:
    """Where the chunk's first line not of `subject` (with its space) begins (len(chunk): none)."""
    at = 0
    while chunk.startswith(subject, at):
        at = chunk.index(b"\n", at) + 1
    return at


def provenance_slice(cds: "CanonicalDataset", k: int) -> bytes | None:
    """Slice `k` of the provenance's block (one a chunk of it, `cds.whole`): the lines of the
    subjects whose first line is in its k-th chunk, whole (the lines of the subject that goes on
    into the next chunks taken from there). None for a chunk that only goes on with the subject
    before (its lines are in an earlier slice; the piece is then written whole: the build's
    block holds whole statements a chunk, so this is never so there)."""
    start, stop, _end, _count = cds.whole
    block = cds.chunks[start:stop]
    chunk = block[k]
    begin = _skip_subject(chunk, _last_subject(block[k - 1])) if k else 0
    if begin == len(chunk):
        return None
    more, subject = [], _last_subject(chunk)
    for nxt in block[k + 1:]:
        end = _skip_subject(nxt, subject)
        more.append(nxt[:end])
        if end < len(nxt):
            break
    return b"".join([chunk[begin:], *more]) if begin or any(more) else chunk


def split_for_provenance(cds: "CanonicalDataset") -> bool:
    """Whether `_json_ld_parts` can write the document in its `part`s: the provenance's lines are
    one block of chunks (`cds.whole`, which no other graph's line falls in) and its graph object
    is the document's last."""
    from kg.build.export import _GRAPHS
    from kg.namespaces import GRAPH_PROVENANCE

    return cds.whole is not None and _GRAPHS[-1][0] == GRAPH_PROVENANCE


class _NotPlain(Exception):
    """A graph's text holds what `_json_ld_parts` reads only through pyoxigraph's terms."""


_first, _second, _fourth, _sixth = itemgetter(0), itemgetter(1), itemgetter(3), itemgetter(5)
_graph_key = itemgetter(0, 1)
_MEMO_MAX = 1 << 20  # IRIs whose compacted forms the JSON-LD writer keeps before it starts afresh
_VALUES_MAX = 1 << 18  # values (predicate and object) it keeps, the same way
_COLUMNS_MIN = 64  # subjects of one shape (in a chunk) it writes column by column: fewer, one at a time


def _pieces(chunks, size: int = 1 << 20):
    """`chunks` (bytes of whole lines) cut into pieces of whole lines of about `size` bytes: the
    lists the JSON-LD reader makes of a piece's lines (its subjects, the rest of each line, their
    values) are held one piece at a time, a few megabytes."""
    for chunk in chunks:
        start, end = 0, len(chunk)
        while end - start > size:
            cut = chunk.find(b"\n", start + size) + 1
            if not cut:
                break
            yield chunk[start:cut]
            start = cut
        yield chunk[start:] if start else chunk


def _value_text(v, indent: int) -> str:
    """A value of `_json_ld` (a string, or a flat object of strings) as dumps_indented writes it at
    `indent` spaces."""
    if type(v) is str:
        return _enc(v)
    pad = "\n" + " " * (indent + 2)
    return "{" + ",".join(pad + _enc(k) + ": " + _enc(x) for k, x in v.items()) + "\n" + " " * indent + "}"


def _sort_key(v) -> str:
    """`json.dumps(v, sort_keys=True, ensure_ascii=False)` of a string or a flat object of strings."""
    if type(v) is str:
        return _enc(v)
    return "{" + ", ".join(_enc(k) + ": " + _enc(v[k]) for k in sorted(v)) + "}"


def dumps_indented(value, repeated: set[int] | frozenset = frozenset()) -> str:
    """`json.dumps(value, indent=2, ensure_ascii=False)`, the same characters, for the JSON this
    module writes (dicts with string keys, lists, strings, numbers, booleans, null). The standard
    library drops to its pure-Python encoder whenever `indent` is given (CPython 3.11); this one
    builds the text in a list with the C string encoder, strings inside a container written in
    place (most values are), several times faster on the dataset.

    `repeated`: the ids of dicts that occur in `value` more than once (the same object, as the
    framer's memoised outputs): each is written once for each depth it occurs at, and its text
    used again."""
    from json.encoder import encode_basestring

    out: list[str] = []
    put = out.append
    indents: list[str] = []
    texts: dict[tuple[int, int], str] = {}  # (id of a repeated dict, its depth) -> its text

    def nl(level: int) -> str:
        while len(indents) <= level:
            indents.append("\n" + "  " * len(indents))
        return indents[level]

    def enc(v, level: int) -> None:
        if isinstance(v, str):
            put(encode_basestring(v))
        elif isinstance(v, dict):
            if not v:
                put("{}")
                return
            start = -1
            if repeated and id(v) in repeated:
                key = (id(v), level)
                text = texts.get(key)
                if text is not None:
                    put(text)
                    return
                start = len(out)  # written below, and kept
            inner = nl(level + 1)
            sep = "{" + inner
            for k, item in v.items():
                put(sep)
                sep = "," + inner
                put(encode_basestring(k))
                if type(item) is str:
                    put(": " + encode_basestring(item))
                else:
                    put(": ")
                    enc(item, level + 1)
            put(nl(level) + "}")
            if start >= 0:
                texts[key] = text = "".join(out[start:])
                del out[start:]
                put(text)
        elif isinstance(v, list):
            if not v:
                put("[]")
                return
            inner = nl(level + 1)
            sep = "[" + inner
            for item in v:
                if type(item) is str:
                    put(sep + encode_basestring(item))
                else:
                    put(sep)
                    enc(item, level + 1)
                sep = "," + inner
            put(nl(level) + "]")
        else:  # numbers, booleans, null: as the standard library writes them
            put(json.dumps(v))

    enc(value, 0)
    enc = None  # (it calls itself: a cycle through its cell, which holds `out`) broken, not left to the collector
    return "".join(out)


@contextmanager
def gc_paused():
    """Python's cyclic garbage collector off while the block runs (as it was after). The JSON
    writers make millions of small dicts, tuples and strings and keep most of them to the end, and
    make no reference cycles: each collection the allocations trigger walks every object alive
    (the whole dataset's text and nodes, and in the export's forked child the parent's objects too)
    and frees nothing. What the block leaves behind is freed by reference counting as before."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _expand(compact_iri: str, ctx: dict) -> str:
    if ":" in compact_iri:
        p, local = compact_iri.split(":", 1)
        ns = ctx.get(p)
        if isinstance(ns, str):
            return ns + local
    return compact_iri
