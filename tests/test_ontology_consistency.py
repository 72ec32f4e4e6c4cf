"""An independent check of the ontology and the data: HermiT, a complete OWL 2 DL reasoner (the
jar bundled with owlready2, run on Java 17), rather than the OWL 2 RL rules the build uses.

HermiT is run on its command line with `--ignoreUnsupportedDatatypes`: the data uses xsd:gYear,
which is outside the OWL 2 datatype map, and HermiT would otherwise refuse the whole file. Those
literals are then opaque to it; everything else is checked.
"""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from kg.dataset import dist_dir

owlready2 = pytest.importorskip("owlready2")
HERMIT = Path(owlready2.__file__).parent / "hermit"


class NotOwlDL(Exception):
    """HermiT refused the input as outside OWL 2 DL (e.g. a non-regular property hierarchy)."""


def asserted_ntriples(root: Path, tmp: Path, extra: str = "") -> Path:
    """Ontology + asserted data of the built dataset (not our own inferences) as N-Triples."""
    nq = (dist_dir(root) / "paradiplomacy.nq").read_text(encoding="utf-8").splitlines()
    nt = tmp / "asserted.nt"
    nt.write_text("\n".join(l.rsplit(" ", 2)[0] + " ." for l in nq
                            if not l.endswith("/graph/inferred> .")) + "\n" + extra, encoding="utf-8")
    return nt


def hermit_consistent(nt: Path) -> bool:
    p = subprocess.run(
        ["java", "-Xmx1000M", "-cp", f"{HERMIT}:{HERMIT / 'HermiT.jar'}", "org.semanticweb.HermiT.cli.CommandLine",
         "-k", "--ignoreUnsupportedDatatypes", nt.as_uri()],
        capture_output=True, text=True, timeout=300)
    if "owl#Thing is satisfiable" in p.stdout:
        return True
    if "InconsistentOntologyException" in p.stderr:
        return False
    first = next((l for l in p.stderr.splitlines() if "Exception" in l), p.stderr[:500])
    if "not regular" in first:
        raise NotOwlDL(first)
    raise RuntimeError(f"HermiT failed: {first}")


@pytest.fixture(scope="module", autouse=True)
def java():
    if shutil.which("java") is None:
        pytest.fail("HermiT needs Java 17 (apt-get install openjdk-17-jre-headless)")


def test_the_real_ontology_and_data_are_consistent_for_hermit(real_dist, tmp_path):
    # the real sources as committed, built once for the session (tests/conftest.py)
    assert hermit_consistent(asserted_ntriples(real_dist.parent, tmp_path))


def test_hermit_finds_the_fixture_consistent(built_fixture, tmp_path):
    assert hermit_consistent(asserted_ntriples(built_fixture, tmp_path))


def test_hermit_does_detect_an_inconsistency(built_fixture, tmp_path):
    # The check must be able to fail: Belgium typed as a sub-state government as well as a
    # country, two classes the fixture ontology declares disjoint. (The build itself refuses this
    # data, so the wrong triple is added to the exported file here.)
    wrong = ("<https://w3id.org/paradiplomacy/id/belgium> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
             "<http://example.org/test#SubStateGovernment> .\n")
    assert not hermit_consistent(asserted_ntriples(built_fixture, tmp_path, extra=wrong))
