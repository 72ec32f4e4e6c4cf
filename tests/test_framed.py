"""Framed JSON-LD read as plain JSON (issue 19, item 4): `kg export --frame agreements|actors|relations`
and `dist/framed/<view>.json`, opened with nothing but `json`.

The facts are the article's (shared/seeds/paradiplomacy-article.txt, section B.5 and section A):
- "(4) Kerjasama dengan Provinsi Tyrol, Republik Austria, yang dibuat pada 30 November 1999, hanya
  ada 1 (satu) realisasi ... kunjungan balasan delegasi Tyrol ke DIY pada 28-29 Desember 2005",
  listed among DIY's agreements "yang stagnan ... ada 5 (lima) kerjasama";
- "(5) Kerjasama dengan Provinsi Chugcheongnam-Do, korea Selatan yang ditandatangani pada 13
  September 2004 secara substantive batal ...";
- "interaksi luar negeri yang dilaksanakan oleh Scotland dan Catalonia cenderung konfliktual";
- Flanders "berwewenang untuk urusan ekonomi, ... kebudayaan, ..." (B.1), held as competence nodes
  from which the reasoner derives `hasCompetenceIn`.
"""
from __future__ import annotations

import json
import random
import socket
import threading

import pyoxigraph as ox
import pytest

from kg.build.framed import VIEWS, framed_json, load_frame, frame, framing_input, readable_context
from kg.cli import main
from kg.errors import InputError


@pytest.fixture(scope="module")
def views(real_dist, tmp_path_factory) -> dict[str, dict]:
    """Each view as `kg export --frame` writes it, read back with plain json."""
    out = tmp_path_factory.mktemp("framed")
    docs = {}
    for view in VIEWS:
        target = out / f"{view}.json"
        assert main(["--root", str(real_dist.parent), "export", "--frame", view, "-o", str(target), "-q"]) == 0
        docs[view] = json.loads(target.read_text(encoding="utf-8"))
    return docs


def _named(nodes, english: str):
    return [n for n in nodes if n.get("label", {}).get("en") == english]


def _labels(values) -> set[str]:
    return {v["label"]["en"] for v in values if "label" in v}


def _diy_agreements(views):
    return [a for a in views["agreements"]["@graph"]
            if "Special Region of Yogyakarta" in _labels(a.get("party", []))]


def test_diy_agreements_name_their_partners_statuses_and_dates(views):
    agreements = _diy_agreements(views)
    partners = set().union(*(_labels(a["party"]) for a in agreements)) - {"Special Region of Yogyakarta"}
    for partner in ("Tyrol", "Kyoto Prefecture", "Gyeongsangbuk-do", "Chungcheongnam-do"):
        assert partner in partners
    tyrol = [a for a in agreements if "Tyrol" in _labels(a["party"])]
    assert len(tyrol) == 1
    tyrol = tyrol[0]
    assert _labels(tyrol["status"]) == {"stagnant"}
    assert tyrol["statusReason"] == {"id": ["hanya ada 1 (satu) realisasi"]}
    signings = [e for e in tyrol["events"] if "Signing" in e["type"]]
    assert [s["date"] for s in signings] == [["1999-11-30"]]
    # the one realisation (a course in Austria, 2000) and the two visits, 2003 and 2005
    assert {d for e in tyrol["events"] for d in e.get("date", []) + e.get("startDate", [])} == {
        "1999-11-30", "2000", "2003-12-01", "2005-12-28"}
    visit = [e for e in tyrol["events"] if e.get("startDate") == ["2005-12-28"]]
    assert visit and visit[0]["endDate"] == ["2005-12-29"]
    # the article's count of stagnant agreements is a JSON number
    stagnant = [c for c in tyrol["listedIn"] if c.get("value") == [5]]
    assert stagnant, tyrol["listedIn"]
    [country] = [s["inState"] for s in tyrol["party"] if s["label"]["en"] == "Tyrol"]
    assert _labels(country) == {"Austria"}


def test_actor_view_lists_the_agreements_with_partners(views):
    [diy] = _named(views["actors"]["@graph"], "Special Region of Yogyakarta")
    assert diy["label"]["id"] == "Daerah Istimewa Yogyakarta"
    assert "DI Yogyakarta" in diy["altLabel"]["en"]
    by_partner = {p: a for a in diy["agreements"] for p in _labels(a["party"])}
    assert "Chungcheongnam-do" in by_partner and "Tyrol" in by_partner
    assert _labels(by_partner["Tyrol"]["status"]) == {"stagnant"}


def test_catalonia_relation_is_conflictual_and_the_reasoner_says_so(views):
    relations = views["relations"]["@graph"]
    [catalonia] = [r for r in relations if _labels(r["subStateActor"]) == {"Catalonia"}]
    assert "ConflictualRelation" in catalonia["type"]
    # derived from the evidence by the ontology's axioms: told apart from what the data asserts
    assert "ConflictualRelation" in catalonia["inferredType"]
    assert "CentreRegionRelation" not in catalonia["inferredType"]
    characters = {(c["classifiedBy"][0]["label"]["en"], c["character"][0]["label"]["en"])
                  for c in catalonia["classifications"]}
    assert ("David Criekemans", "conflictual") in characters
    [flanders] = [r for r in relations if _labels(r["subStateActor"]) == {"Flanders"}]
    assert "CooperativeRelation" in flanders["type"] and "ConflictualRelation" not in flanders["type"]


def test_inferred_values_are_on_the_thing_and_in_its_inferred_block(views):
    [flanders] = _named(views["actors"]["@graph"], "Flanders")
    competences = _labels(flanders["hasCompetenceIn"])
    assert "culture" in competences
    derived = {c["id"] for c in flanders["inferred"]["hasCompetenceIn"]}
    assert {c["id"] for c in flanders["hasCompetenceIn"]} >= derived and derived
    assert "inferred" not in [k for a in _diy_agreements(views) for k in a if k == "inferred" and
                              "party" in a["inferred"]]  # parties are asserted, never derived


def _walk(value, key=None):
    if isinstance(value, dict):
        yield key, value
        for k, v in value.items():
            yield from _walk(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from _walk(v, key)


LANGUAGE_MAPS = {"label", "altLabel", "prefLabel", "description", "dctermsDescription", "comment",
                 "statusReason", "countedThing", "autonomyLevel", "definition"}


@pytest.mark.parametrize("view", VIEWS)
def test_keys_are_words_and_values_always_lists(views, view):
    doc = views[view]
    assert doc["@graph"], view
    for key, node in _walk(doc["@graph"]):
        if key in LANGUAGE_MAPS:
            continue
        for k, v in node.items():
            assert ":" not in k and "/" not in k, (view, k)
            if k in ("id", "inferred") or k in LANGUAGE_MAPS:
                continue
            assert isinstance(v, list), (view, node.get("id"), k, v)
    for key, node in _walk(doc["@graph"]):
        if key == "label":
            assert set(node) <= {"en", "id"} and all(isinstance(s, str) for s in node.values()), node


def test_framed_output_is_byte_identical_whatever_the_input_order(real_dist):
    quads = list(ox.parse(path=real_dist / "paradiplomacy.nq", format=ox.RdfFormat.N_QUADS))
    first = framed_json(quads, ["relations"])
    random.Random(19).shuffle(quads)
    assert framed_json(quads, ["relations"]) == first


def test_a_remote_context_is_refused_without_a_connection():
    """A frame naming a remote @context fails; a listening loopback socket hears nothing."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(1.0)
    port = listener.getsockname()[1]
    heard = []

    def canary():
        try:
            heard.append(listener.accept())
        except OSError:
            pass

    thread = threading.Thread(target=canary)
    thread.start()
    nodes = [{"@id": "https://w3id.org/paradiplomacy/id/x", "@type": ["https://w3id.org/paradiplomacy/ontology#Actor"]}]
    remote = f"http://127.0.0.1:{port}/context.jsonld"
    try:
        for frame_doc in ({"@context": remote, "@type": "https://w3id.org/paradiplomacy/ontology#Actor"},
                          {"@context": [{"x": "http://example.org/"}, remote]}):
            with pytest.raises(InputError, match="refused to load"):
                frame(nodes, frame_doc, readable_context(nodes))
        # and a document (not only a frame) naming one
        with pytest.raises(InputError, match="refused to load"):
            frame([{"@context": remote, "@id": "https://w3id.org/paradiplomacy/id/x"}], {}, {})
    finally:
        thread.join()
        listener.close()
    assert heard == []


def test_unknown_view_is_an_input_error():
    with pytest.raises(InputError, match="choose one of agreements, actors, relations"):
        load_frame("treaties")


def test_frames_are_shipped_as_package_data():
    for view in VIEWS:
        assert load_frame(view)["@type"].startswith("https://w3id.org/paradiplomacy/ontology#")


@pytest.mark.parametrize("view, cls", [("agreements", "Agreement"), ("actors", "Actor"),
                                       ("relations", "CentreRegionRelation")])
def test_every_thing_of_the_class_is_in_its_view(views, real_dist, view, cls):
    """Nothing is dropped by the frame: the view holds exactly the things of its class, and an actor
    holds every agreement it is a party to (both asked of the same dataset with SPARQL)."""
    from kg.namespaces import PREFIXES
    from kg.query.embedded import OxigraphEngine
    from kg.terms import short

    engine = OxigraphEngine.from_nquads(real_dist / "paradiplomacy.nq")
    rows = engine.query(f"SELECT DISTINCT ?x WHERE {{ ?x a pd:{cls} }}", prefixes=PREFIXES).rows
    assert {n["id"] for n in views[view]["@graph"]} == {short(r["x"]) for r in rows}
    if view == "actors":
        rows = engine.query("SELECT ?a ?x WHERE { ?a pd:party ?x }", prefixes=PREFIXES).rows
        expected = {(short(r["x"]), short(r["a"])) for r in rows}
        assert {(n["id"], a["id"]) for n in views[view]["@graph"] for a in n.get("agreements", [])} == expected


def test_the_build_writes_each_view_framed_from_its_own_quads(real_dist):
    quads = list(ox.parse(path=real_dist / "paradiplomacy.nq", format=ox.RdfFormat.N_QUADS))
    assert {v: (real_dist / "framed" / f"{v}.json").read_bytes() for v in VIEWS} == framed_json(quads)


@pytest.mark.parametrize("view", VIEWS)
def test_views_read_as_json_ld_state_only_the_datasets_links(real_dist, views, view):
    """Parsed as JSON-LD, every link between two things a view states (its reverse keys such as
    `events` included) is a triple of the dataset: the framing invents no relation."""
    dataset = {(q.subject.value, q.predicate.value, q.object.value)
               for q in ox.parse(path=real_dist / "paradiplomacy.nq", format=ox.RdfFormat.N_QUADS)
               if isinstance(q.object, ox.NamedNode)}
    parsed = [t for t in ox.parse(json.dumps(views[view]).encode("utf-8"), format=ox.RdfFormat.JSON_LD)
              if isinstance(t.object, ox.NamedNode) and isinstance(t.subject, ox.NamedNode)
              and "/framed#" not in t.predicate.value]
    assert parsed
    missing = [t for t in parsed if (t.subject.value, t.predicate.value, t.object.value) not in dataset]
    assert missing == []
    # the reverse keys mean the dataset's own properties: `events` is pd:ofAgreement read backwards
    reverse = {"agreements": "ofAgreement", "actors": "party", "relations": "classifies"}[view]
    assert any(t.predicate.value.endswith("#" + reverse) for t in parsed)


# --- kg.build.framer: PyLD's framing without PyLD, for the views' frames ----------------------------

def _framed_by_the_framer(nodes, frame_doc, ctx):
    """`frame(nodes, frame_doc, ctx)` and whether `kg.build.framer` framed it (rather than PyLD)."""
    from kg.build import framer

    calls = []
    original = framer.frame

    def spy(*args, **kwargs):
        calls.append(original(*args, **kwargs))
        return calls[-1]

    framer.frame = spy
    try:
        ours = frame(nodes, frame_doc, ctx)
    finally:
        framer.frame = original
    return ours, bool(calls) and calls[0] is not None


@pytest.mark.parametrize("view", VIEWS)
def test_each_view_is_framed_without_pyld_to_pylds_own_bytes(real_dist, view):
    """The build frames the views with `kg.build.framer`; PyLD, on the same nodes, frame and context,
    gives the same document byte for byte (on whatever the committed data holds now)."""
    quads = list(ox.parse(path=real_dist / "paradiplomacy.nq", format=ox.RdfFormat.N_QUADS))
    nodes = framing_input(quads)
    ctx = readable_context(nodes)
    ours, by_framer = _framed_by_the_framer(nodes, load_frame(view), ctx)
    assert by_framer, "the view fell back to PyLD: framer does not cover it any more"
    pylds = frame(nodes, load_frame(view), ctx, engine="pyld")
    assert ours["@graph"], "nothing was framed: nothing was compared"
    assert json.dumps(ours, indent=2, ensure_ascii=False) == json.dumps(pylds, indent=2, ensure_ascii=False)
    # and the file the build writes holds those characters
    written = (json.dumps(pylds, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    assert framed_json(quads, [view]) == {view: written}


def test_views_framed_together_are_each_view_framed_alone(real_dist):
    """The views framed together share the framer's node map's nodes (made once for an input node
    several views frame): each view, in either order, has the bytes it has framed alone (which the
    test above compares with PyLD's)."""
    quads = list(ox.parse(path=real_dist / "paradiplomacy.nq", format=ox.RdfFormat.N_QUADS))
    alone = {view: framed_json(quads, [view])[view] for view in VIEWS}
    assert framed_json(quads) == alone
    assert framed_json(quads, list(reversed(VIEWS))) == alone


def test_a_frame_outside_the_framers_subset_is_framed_by_pyld(real_dist):
    """`@requireAll` (and any other framing keyword the framer does not follow) goes to PyLD: the
    same document as PyLD alone, not a guess."""
    from kg.build import framer

    quads = list(ox.parse(path=real_dist / "paradiplomacy.nq", format=ox.RdfFormat.N_QUADS))
    nodes = framing_input(quads)
    ctx = readable_context(nodes)
    odd = {"@type": "https://w3id.org/paradiplomacy/ontology#Agreement", "@requireAll": True,
           "status": {"@embed": "@always", "@explicit": True, "rdfs:label": {}}}
    assert framer.frame(nodes, dict(odd, **{"@context": [ctx]}), [ctx]) is None
    out = frame(nodes, odd, ctx)
    assert out["@graph"]
    assert out == frame(nodes, odd, ctx, engine="pyld")


@pytest.mark.parametrize("seed", range(6))
def test_a_node_embedded_under_different_stacks_is_framed_as_pyld_frames_it(seed):
    """The framer makes an embedded node's output once for each frame and each answer of PyLD's
    circular-reference rule (is an id it embeds already on the stack above it?) and uses it again:
    on small random graphs of things that know each other (cycles, self-links, a node reached from
    several parents at several depths), the same document as PyLD's."""
    rng = random.Random(seed)
    pd = "https://w3id.org/paradiplomacy/ontology#"
    ids = [f"https://w3id.org/paradiplomacy/id/t{i}" for i in range(9)]
    nodes = []
    for i, id_ in enumerate(ids):
        node = {"@id": id_, "@type": [pd + ("Actor" if i % 3 else "Agreement")],
                "http://www.w3.org/2000/01/rdf-schema#label": [{"@value": f"t{i}", "@language": "en"}]}
        links = sorted({rng.choice(ids) for _ in range(rng.randint(0, 3))})
        if links:
            node[pd + "party"] = [{"@id": t} for t in links]
        nodes.append(node)
    ctx = readable_context(nodes)
    deep = {"@embed": "@always", "party": {"@embed": "@always", "party": {"@embed": "@always"}}}
    for frame_doc in ({"@type": pd + "Agreement", "party": deep},
                      {"@type": pd + "Actor", "party": {"@embed": "@always", "@explicit": True, "rdfs:label": {},
                                                        "party": deep}}):
        ours, by_framer = _framed_by_the_framer(nodes, frame_doc, ctx)
        assert by_framer, "fell back to PyLD: nothing was compared"
        assert json.dumps(ours) == json.dumps(frame(nodes, frame_doc, ctx, engine="pyld"))
