"""JSON-LD framing and compaction for the views' frames, without PyLD: the same document PyLD 3.3's
`jsonld.frame` makes, in one linear pass.

PyLD expands its (already expanded) input again, then compacts every IRI by trying every term of
the context: at the seed that was about 0.6 s of the build's export, and it grows faster than the
data. The views' frames use a small part of JSON-LD framing (a class at the top; under it,
properties with sub-frames, `@embed` `@always`/`@never`, `@explicit`, `type` as a wildcard), and
their input is flat (one node object a subject, references `{"@id": ...}`, values with at most a
language, one nested blank node per subject for what the reasoner added). For exactly that, this
module follows PyLD's algorithms step by step: the node map (values deduplicated as PyLD compares
them), `_match_frame` (matching, embedding, the circular-reference rule), the pruning of blank node
identifiers used once, and compaction (keyword aliases, term selection, `@vocab`, compact IRIs,
language maps, `@set`).

Anything outside that subset (another framing keyword, a blank node in the data, a value a
language map cannot take, an IRI that PyLD would refuse) makes `frame` return None, and the caller
frames with PyLD instead. `tests/test_framed.py` compares the bytes with PyLD's on the committed
data, view by view.
"""
from __future__ import annotations

import re

__all__ = ["frame"]


def _get_id(node: dict):
    return node.get("@id")


class Unsupported(Exception):
    """Outside the subset: PyLD frames this one (caught in `frame`, never raised to a caller;
    internal, as `kg.build.rules.Unsupported`)."""


_KEYWORD = re.compile(r"^@[a-zA-Z]+$")
_PREFIX_END = re.compile(r".*[:/?#\[\]@]$")
_FRAME_KEYWORDS = {"@context", "@type", "@embed", "@explicit"}
_EMBEDS = {"@always", "@never"}
_MEMO_STACKS = 8  # the outputs kept for one node and frame, under different stacks


def frame(nodes: list[dict], frame_doc: dict, contexts: list, *, embed: str = "@never",
          explicit: bool = False, repeated: set | None = None, shared: dict | None = None) -> dict | None:
    """`jsonld.frame(nodes, frame_doc, {"embed": embed, "omitGraph": False, "omitDefault": True,
    "processingMode": "json-ld-1.1"})` where `frame_doc["@context"]` is `contexts` (a list of dicts),
    or None when the frame or the data is outside what this module does. `repeated`, if given,
    receives the ids of the dicts the document may hold more than once (the same object): for
    `kg.build.jsonld.dumps_indented`. `shared`, if given (a dict, empty at first), keeps the node
    map's nodes made from each input node, so that frames given the same input node objects (the
    views: each frames a subset of one list) make each once: the same document."""
    try:
        framer = _Framer(contexts)
        framer.shared = shared
        out = framer.run(nodes, frame_doc, embed, explicit)
    except Unsupported:
        return None
    if repeated is not None:
        repeated.update(id(c) for c in framer.compacted.values() if c)
    return out


class _Framer:
    def __init__(self, contexts: list):
        if not isinstance(contexts, list) or not all(isinstance(c, dict) for c in contexts):
            raise Unsupported
        merged: dict = {}
        for c in contexts:
            merged.update(c)
        self.vocab = None
        self.terms: dict[str, tuple] = {}   # term -> (iri, type, container tuple)
        self.prefixes: list[tuple[str, str]] = []  # simple terms usable as prefixes (term, iri)
        for key, d in merged.items():
            if key == "@vocab":
                if not isinstance(d, str) or not d.startswith("http"):
                    raise Unsupported
                self.vocab = d
                continue
            if key == "@version":
                continue
            if key.startswith("@") or ":" in key:
                raise Unsupported  # @language, @base, @propagate, ...; or a term with a colon
            if isinstance(d, str):
                iri, typ, container = d, None, ()
                if not d.startswith("@") and _PREFIX_END.match(d):
                    self.prefixes.append((key, d))
            elif isinstance(d, dict) and set(d) <= {"@id", "@type", "@container"} and isinstance(d.get("@id"), str):
                iri, typ = d["@id"], d.get("@type")
                c = d.get("@container")
                container = tuple(sorted(c)) if isinstance(c, list) else ((c,) if c else ())
                if typ not in (None, "@id", "@vocab") or not set(container) <= {"@set", "@language"}:
                    raise Unsupported
            else:
                raise Unsupported
            if not iri.startswith("@") and ":" not in iri:
                raise Unsupported  # a term relative to @vocab or another term
            if iri.startswith("@") and iri not in ("@id", "@type"):
                raise Unsupported
            self.terms[key] = (iri, typ, container)
        # expand compact IRIs in the term definitions (pd:x), as PyLD does
        for key, (iri, typ, container) in list(self.terms.items()):
            full = self._expand_prefixed(iri)
            self.terms[key] = (full, typ, container)
        self.prefixes = [(t, self.terms[t][0]) for t, _ in self.prefixes]
        by_iri: dict[str, list[str]] = {}
        for key, (iri, _t, _c) in self.terms.items():
            by_iri.setdefault(iri, []).append(key)
        self.by_iri = by_iri
        self.alias_id = self._alias("@id", allow_set=False)
        self.alias_type = self._alias("@type", allow_set=True)
        self._compacted: dict[tuple[str, bool], str] = {}
        self._selected: dict[tuple[str, bool, bool], tuple] = {}

    # --- the context --------------------------------------------------------------------------

    def _expand_prefixed(self, iri: str) -> str:
        if iri.startswith("@") or "://" in iri:
            return iri
        prefix, _, rest = iri.partition(":")
        d = self.terms.get(prefix)
        if d is not None and not d[0].startswith("@") and not d[2] and d[1] is None:
            return d[0] + rest
        return iri

    def _alias(self, keyword: str, allow_set: bool):
        names = self.by_iri.get(keyword, [])
        if not names:
            return keyword, False
        if len(names) > 1:
            raise Unsupported
        _iri, typ, container = self.terms[names[0]]
        if typ is not None or container not in ((), ("@set",)) or (container and not allow_set):
            raise Unsupported
        return names[0], bool(container)

    def expand_key(self, key: str) -> str:
        """A frame's key or @type value as PyLD expands it (vocabulary-relative)."""
        if key.startswith("@"):
            return key
        if key in self.terms:
            return self.terms[key][0]
        if ":" in key:
            prefix, _, rest = key.partition(":")
            if rest.startswith("//"):
                return key
            ns = dict(self.prefixes).get(prefix)
            if ns is None:
                raise Unsupported
            return ns + rest
        if self.vocab is None:
            raise Unsupported
        return self.vocab + key

    def compact_iri(self, iri: str, vocab: bool) -> str:
        key = (iri, vocab)
        out = self._compacted.get(key)
        if out is None:
            out = self._compacted[key] = self._compact_iri(iri, vocab)
        return out

    def _compact_iri(self, iri: str, vocab: bool) -> str:
        if vocab and iri in self.by_iri:
            raise Unsupported  # an IRI that is a term's: PyLD's term selection
        if vocab and self.vocab and iri.startswith(self.vocab) and iri != self.vocab:
            suffix = iri[len(self.vocab):]
            if suffix not in self.terms:
                return suffix
        candidate = None
        for term, ns in self.prefixes:
            if ns == iri or not iri.startswith(ns):
                continue
            curie = f"{term}:{iri[len(ns):]}"
            if curie in self.terms:
                continue
            if candidate is None or (len(curie), curie) < (len(candidate), candidate):
                candidate = curie
        if candidate is not None:
            return candidate
        for term, _ns in self.prefixes:
            if iri.startswith(term + ":"):
                raise Unsupported  # PyLD: "Absolute IRI confused with prefix"
        return iri  # PyLD would make it relative to the base, which is empty here

    def select_term(self, iri: str, value: dict) -> tuple[str, str | None, tuple]:
        """The term PyLD's term selection picks for a property and one of its values; only a
        property with one term, of a kind that takes the value, is handled here. (It depends on
        the property and on whether the value has @value, @language: found once for each.)"""
        kind = (iri, "@value" in value, "@language" in value)
        found = self._selected.get(kind)
        if found is None:
            found = self._selected[kind] = self._select_term(iri, value)
        return found

    def _select_term(self, iri: str, value: dict) -> tuple[str, str | None, tuple]:
        names = self.by_iri.get(iri)
        if not names or len(names) > 1:
            raise Unsupported
        _iri, typ, container = self.terms[names[0]]
        if "@value" in value:
            if typ is not None:
                raise Unsupported
            if "@language" not in value and "@language" in container:
                raise Unsupported
        elif "@language" in container:
            raise Unsupported
        return names[0], typ, container

    # --- the node map ---------------------------------------------------------------------------

    shared: dict | None = None

    def node_map(self, nodes: list[dict]) -> dict[str, dict]:
        nm: dict[str, dict] = {}
        shared = self.shared
        # id of an input node -> (the input node, which keeps its id from being reused; the node map's
        # node made of it; its nested nodes' (blank id, node); the ids it refers to), when the input's
        # ids are distinct (a node made once is then made of its input alone)
        made_of: dict[int, tuple] | None = None
        if shared is not None:
            ids = list(map(_get_id, nodes))
            if len(set(ids)) == len(ids):
                made_of = shared.setdefault("nodes", {})
        # blank node identifiers go on from those issued for the shared nodes, so that they never clash
        self._issued = shared.get("issued", 0) if made_of is not None else 0

        def node(id_: str) -> dict:
            n = nm.get(id_)
            if n is None:
                n = nm[id_] = {"@id": id_}
            return n

        valid: set[str] = set()  # references and types already checked
        valid_props: set[str] = set()
        # id of an input value object -> (its key among a property's values, the node map's value
        # object, the input object, which keeps its id from being reused)
        values: dict[int, tuple] = {}

        def fill(n: dict, src: dict, seen: dict) -> None:
            for prop in sorted(src):
                vals = src[prop]
                if prop == "@id":
                    continue
                if not isinstance(vals, list):
                    raise Unsupported
                if prop == "@type":
                    types = n.setdefault("@type", [])
                    for t in vals:
                        if not isinstance(t, str):
                            raise Unsupported
                        if t not in valid:  # the same test as a reference's ("@null" holds no colon)
                            if t.startswith("_:") or ":" not in t:
                                raise Unsupported
                            valid.add(t)
                        if t not in types:
                            types.append(t)
                    continue
                if prop not in valid_props:  # each property checked once
                    if prop.startswith("@") or prop.startswith("_:") or ":" not in prop:
                        raise Unsupported
                    valid_props.add(prop)
                out = n.setdefault(prop, [])
                keys = seen.setdefault(prop, set())
                for o in vals:
                    made = values.get(id(o))  # a value or a reference met before (the input shares them)
                    if made is None:
                        made = value_of(o)
                        if made is None:  # a nested node without an id: a blank node of its own
                            bid = f"_:b{self._issued}"
                            self._issued += 1
                            keys.add(("id", bid))
                            out.append({"@id": bid})
                            fill(node(bid), o, {})
                            continue
                    if made[0] not in keys:
                        keys.add(made[0])
                        out.append(made[1])  # read only from here on, so shared

        def value_of(o) -> tuple | None:
            """(its key among a property's values, the node map's value object, the input object)
            of a value object or a reference, kept in `values`; None for a nested node."""
            if not isinstance(o, dict):
                raise Unsupported
            if "@value" in o:
                if len(o) != 1 and (len(o) != 2 or "@language" not in o):
                    raise Unsupported  # a key beside @value and @language
                v = o["@value"]
                if v is None or isinstance(v, (dict, list)) or v == "@null":
                    raise Unsupported
                lang = o.get("@language")
                if lang is not None:
                    if not isinstance(lang, str) or not isinstance(v, str):
                        raise Unsupported
                    lang = lang.lower()
                made = values[id(o)] = (("v", isinstance(v, bool), v, lang),
                                        {"@value": v, "@language": lang} if lang is not None else {"@value": v}, o)
                return made
            if "@id" in o:
                ref = o["@id"]
                if len(o) != 1 or not isinstance(ref, str):
                    raise Unsupported
                if ref not in valid:  # each id checked once
                    if ref.startswith("_:") or ":" not in ref or ref == "@null":
                        raise Unsupported
                    valid.add(ref)
                if ref not in nm:
                    nm[ref] = {"@id": ref}
                made = values[id(o)] = (("id", ref), {"@id": ref}, o)
                return made
            if not o or any(k.startswith("@") for k in o):
                raise Unsupported
            return None

        per_node_seen: dict[str, dict] = {}
        for src in nodes:
            id_ = src.get("@id")
            if not isinstance(id_, str) or id_.startswith("_:") or ":" not in id_ or id_ == "@null":
                raise Unsupported
            if made_of is None:
                fill(node(id_), src, per_node_seen.setdefault(id_, {}))
                continue
            known = made_of.get(id(src))
            if known is not None and known[0] is src:  # made for another frame: the same node
                nm[id_] = known[1]  # (in place of a reference's bare node, if one came first)
                nm.update(known[2])
                for ref in known[3]:
                    if ref not in nm:
                        nm[ref] = {"@id": ref}
                continue
            issued = self._issued
            n = node(id_)
            fill(n, src, per_node_seen.setdefault(id_, {}))
            nested = [(b, nm[b]) for b in (f"_:b{i}" for i in range(issued, self._issued))]
            refs = [v["@id"] for m in (n, *(b for _i, b in nested)) for key, vals in m.items()
                    if key != "@id" and key != "@type" for v in vals if "@id" in v]
            made_of[id(src)] = (src, n, nested, refs)
        if made_of is not None:
            shared["issued"] = self._issued
        fill = None  # (it calls itself: a cycle through its cell, which holds this frame's objects) broken
        return nm

    # --- the frame ------------------------------------------------------------------------------

    def expand_frame(self, fr: dict) -> dict:
        """{"embed", "explicit", "type": None | "any" | [iris], "props": {iri: subframe}}."""
        if not isinstance(fr, dict):
            raise Unsupported
        out = {"embed": None, "explicit": None, "type": None, "props": {}}
        for key, value in fr.items():
            if key == "@context":
                continue
            k = self.expand_key(key)
            if k == "@type":
                if value == {}:
                    out["type"] = "any"
                elif isinstance(value, str):
                    out["type"] = [self.expand_key(value)]
                elif isinstance(value, list) and value and all(isinstance(v, str) for v in value):
                    out["type"] = [self.expand_key(v) for v in value]
                else:
                    raise Unsupported
            elif k == "@embed":
                if value not in _EMBEDS:
                    raise Unsupported
                out["embed"] = value
            elif k == "@explicit":
                if not isinstance(value, bool):
                    raise Unsupported
                out["explicit"] = value
            elif k.startswith("@") or k in out["props"]:
                raise Unsupported
            else:
                out["props"][k] = self.expand_frame(value)
        return out

    def matches(self, node: dict, fr: dict) -> bool:
        """PyLD's `_filter_subject` for these frames (requireAll off, no defaults)."""
        if fr["type"] is not None:  # '@type' sorts before every IRI and decides at once
            types = node.get("@type", ())
            if fr["type"] == "any":
                return len(types) > 0
            return any(t in types for t in fr["type"])
        props = fr["props"]
        if not props:
            return True  # a wildcard
        if len(props) > len(node):  # the same answer, from the smaller side (a frame may list many)
            return any(node[p] for p in node if p in props)
        return any(node.get(p) for p in props)

    # --- framing --------------------------------------------------------------------------------

    def run(self, nodes: list[dict], frame_doc: dict, embed: str, explicit: bool) -> dict:
        if embed not in _EMBEDS:
            raise Unsupported
        top = self.expand_frame(frame_doc)
        if top["type"] is None or top["type"] == "any":
            raise Unsupported
        nm = self.node_map(nodes)
        self.nm, self.default_embed, self.default_explicit = nm, embed, explicit
        self.stack: list[str] = []
        self.on_stack: dict[str, int] = {}  # how many times each id is on `stack`
        self.bnode_outputs: dict[str, int] = {}
        self.bnodes = 0  # blank node outputs so far
        self.implicit: dict[tuple, dict] = {}  # the implicit frame of each (embed, explicit): one object
        # (id, frame) -> [(the ids whose place on the stack the output depends on, those of them
        # on it, the output)]: an embedded node's output, made once for each such stack
        self.memo: dict[tuple[str, int], list[tuple[frozenset, frozenset, dict]]] = {}
        self.recorders: list[set] = []  # for each expansion under way, the ids its checks read
        self.compacted: dict[int, dict] = {}  # id of a memoised output -> its compacted form
        framed: list[dict] = []
        for id_ in sorted(nm):
            if self.matches(nm[id_], top):
                self._output(id_, top, framed.append, embedded=False)
        pruned = {b for b, n in self.bnode_outputs.items() if n == 1}
        if len(pruned) != len(self.bnode_outputs):
            raise Unsupported  # a blank node output twice keeps an identifier PyLD issues
        graph = [self.compact_node(n, pruned) for n in framed]
        contexts = [c for c in frame_doc.get("@context", []) if c]
        return {"@context": contexts[0] if len(contexts) == 1 else contexts, "@graph": graph}

    def _flags(self, fr: dict) -> tuple[str, bool]:
        embed = fr["embed"] if fr["embed"] is not None else self.default_embed
        explicit = fr["explicit"] if fr["explicit"] is not None else self.default_explicit
        return embed, explicit

    def _output(self, id_: str, fr: dict, add, embedded: bool) -> None:
        """PyLD's `_match_frame` for one matched subject.

        An embedded node's output depends on the node, its frame and, through PyLD's circular-
        reference rule, on which of the ids the expansion tests are on the stack above it (nothing
        else: the frames, the node map and `matches` are fixed). It is kept (`memo`) with the ids it
        tested and which of them were on the stack, and used again, the same object, wherever the
        same frame embeds the node under a stack that answers those tests the same way: in the actors
        view an agreement's parties and status, each embedded under every actor that is a party.
        An output that holds a blank node is never kept (PyLD counts each blank node output)."""
        embed, explicit = self._flags(fr)
        if id_.startswith("_:"):
            self.bnode_outputs[id_] = self.bnode_outputs.get(id_, 0) + 1
            self.bnodes += 1
        if embedded:
            if embed == "@never":
                add({"@id": id_})
                return
            # the stack's last entry is the parent, which PyLD's circular check leaves out
            recorders = self.recorders
            if recorders:
                recorders[-1].add(id_)
            if id_ in self.stack[:-1]:
                add({"@id": id_})
                return
            key = (id_, id(fr))
            entries = self.memo.get(key)
            if entries is not None:
                on_stack = self.on_stack
                for tested, on, output in entries:
                    if not tested or all((i in on_stack) == (i in on) for i in tested):
                        if recorders:
                            recorders[-1].update(tested)
                        add(output)
                        return
            recorders.append(set())
            bnodes = self.bnodes
        output: dict = {"@id": id_}
        self.stack.append(id_)
        self.on_stack[id_] = self.on_stack.get(id_, 0) + 1
        implicit = self.implicit.get((embed, explicit))
        if implicit is None:
            implicit = self.implicit[(embed, explicit)] = {"embed": embed, "explicit": explicit, "type": None,
                                                           "props": {}}
        for prop in sorted(node := self.nm[id_]):
            objects = node[prop]
            if prop.startswith("@"):
                output[prop] = objects
                continue
            sub = fr["props"].get(prop)
            if sub is None:
                if explicit:
                    continue
                sub = implicit
            for o in objects:
                if "@id" in o:
                    ref = o["@id"]
                    if self.matches(self.nm[ref], sub):  # `_output` adds exactly one object
                        self._output(ref, sub, output.setdefault(prop, []).append, embedded=True)
                elif sub["type"] is None:  # PyLD's _value_match: a frame with @type takes no value
                    output.setdefault(prop, []).append(o)
        add(output)
        self.stack.pop()
        if self.on_stack[id_] == 1:
            del self.on_stack[id_]
        else:
            self.on_stack[id_] -= 1
        if embedded:
            tested = recorders.pop()
            if recorders:
                recorders[-1].update(tested)
            if self.bnodes == bnodes:
                entries = self.memo.setdefault(key, [])
                if len(entries) < _MEMO_STACKS:
                    on_stack = self.on_stack
                    entries.append((frozenset(tested), frozenset(i for i in tested if i in on_stack), output))
                    self.compacted[id(output)] = None

    # --- compaction -----------------------------------------------------------------------------

    def compact_node(self, obj: dict, pruned: set) -> dict:
        rval: dict = {}
        for key in sorted(obj):
            value = obj[key]
            if key == "@id":
                if value in pruned:
                    continue
                rval[self.alias_id[0]] = self.compact_iri(value, vocab=False)
            elif key == "@type":
                types = [self.compact_iri(t, vocab=True) for t in value]
                alias, as_set = self.alias_type
                _add(rval, alias, types if as_set or len(types) != 1 else types[0], as_set)
            else:
                for item in value:
                    term, typ, container = self.select_term(key, item)
                    if "@value" in item:
                        if "@language" in container:
                            lang_map = rval.setdefault(term, {})
                            _add(lang_map, item["@language"], item["@value"], "@set" in container)
                            continue
                        compacted = item["@value"] if "@language" not in item else \
                            {"@language": item["@language"], "@value": item["@value"]}
                    elif len(item) == 1 and "@id" in item:  # a reference
                        ref = item["@id"]
                        if ref in pruned:
                            compacted = {}
                        elif typ == "@id":
                            compacted = self.compact_iri(ref, vocab=False)
                        elif typ == "@vocab":
                            compacted = self.compact_iri(ref, vocab=True)
                        else:
                            compacted = {self.alias_id[0]: self.compact_iri(ref, vocab=False)}
                    else:
                        done = self.compacted.get(id(item), False)  # a memoised output: compacted once
                        if done:
                            compacted = done
                        else:
                            compacted = self.compact_node(item, pruned)
                            if done is None:
                                self.compacted[id(item)] = compacted
                    _add(rval, term, compacted, "@set" in container)
        return rval


def _add(obj: dict, key: str, value, as_array: bool) -> None:
    """PyLD's `add_value` (duplicates allowed)."""
    if isinstance(value, list):
        if not value and as_array and key not in obj:
            obj[key] = []
        for v in value:
            _add(obj, key, v, as_array)
    elif key in obj:
        if not isinstance(obj[key], list):
            obj[key] = [obj[key]]
        obj[key].append(value)
    else:
        obj[key] = [value] if as_array else value
