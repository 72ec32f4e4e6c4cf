"""Where the built dataset is: the one place that decides it.

A source tree (`root`, holding ontology/, shapes/, data/, queries/) is built into a folder
(`<root>/dist` unless told otherwise) holding `paradiplomacy.nq` and the other formats. Every face
of the program (the commands, the server, `kg push`, `kg explain`, the Python API) asks
`DatasetLocation` for its files, and only `ensure_built` decides to build.

    loc = DatasetLocation.of(root)           # <root>/dist/paradiplomacy.nq
    loc = DatasetLocation.of(root, nquads=p)  # serve or push that file instead (nothing is built)
    nq = loc.ensure_built()                   # builds first when missing or stale
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from kg.errors import InputError
from kg.namespaces import project_root

__all__ = ["DatasetLocation", "DIST_FOLDER", "NQUADS", "SOURCE_FOLDERS", "dist_dir"]

DIST_FOLDER = "dist"
NQUADS = "paradiplomacy.nq"
SOURCE_FOLDERS = ("ontology", "shapes", "data", "queries")
Progress = Callable[[str, float], None]


def dist_dir(root: Path | None = None) -> Path:
    """The folder a source tree is built into: `<root>/dist`."""
    return Path(root or project_root()) / DIST_FOLDER


@dataclass(frozen=True)
class DatasetLocation:
    """The source tree, the folder of the built files, and the N-Quads file the engines load."""

    root: Path
    dist: Path | None     # the built folder (dumps, VoID, ontology.ttl); None: only a file is given
    nquads: Path          # what every engine loads
    given_file: bool = False  # nquads was named by the user: never built, only checked to exist

    @classmethod
    def of(cls, root: Path | str | None = None, *, dist: Path | str | None = None,
           nquads: Path | str | None = None) -> "DatasetLocation":
        """The location for a source tree (default: $KG_ROOT or the checkout); `nquads` names a
        file to use as it is; `dist` another folder of built files."""
        r = Path(root).resolve() if root else project_root()
        if not nquads and not r.is_dir():
            raise InputError(f"{r}: no such folder; the source tree is a folder holding "
                             f"{', '.join(f + '/' for f in SOURCE_FOLDERS)} (give it with --root or $KG_ROOT)")
        d = Path(dist).resolve() if dist else (None if nquads else dist_dir(r))
        if nquads:
            return cls(root=r, dist=d, nquads=Path(nquads).resolve(), given_file=True)
        assert d is not None
        return cls(root=r, dist=d, nquads=d / NQUADS)

    # -- files of the built folder --

    def file(self, name: str) -> Path | None:
        return self.dist / name if self.dist is not None else None

    @property
    def void(self) -> Path | None:
        return self.file("void.ttl")

    # -- freshness --

    def is_fresh(self) -> bool:
        """The built folder exists, is newer than every source file, and was made by this version
        of the package (another version may lay it out differently)."""
        if self.given_file:
            return self.nquads.is_file()
        if not self.nquads.is_file():
            return False
        if self.nquads.stat().st_mtime < _newest_source(self.root):
            return False
        return built_version(self.void) == _package_version()

    def ensure_built(self, progress: Progress | None = None) -> Path:
        """The N-Quads file, building the tree first if it is missing or stale. A file the user named
        is never built: its absence is an `InputError`."""
        if self.given_file:
            if not self.nquads.is_file():
                raise InputError(f"{self.nquads}: no such file (give an N-Quads file, or leave the "
                                 "option out to use the build of the source tree)")
            return self.nquads
        if not self.is_fresh():
            from kg.build import build

            build(self.root, self.dist, progress=progress)
        return self.nquads


def built_version(void: Path | None) -> str | None:
    """The package version a built folder was made by (`dcat:version` of its VoID file)."""
    if void is None:
        return None
    import pyoxigraph as ox

    try:
        with open(void, "rb") as fh:
            for t in ox.parse(fh, ox.RdfFormat.TURTLE):
                if t.predicate.value == "http://www.w3.org/ns/dcat#version" and isinstance(t.object, ox.Literal):
                    return t.object.value
    except (OSError, SyntaxError):
        return None
    return None


def _package_version() -> str:
    from kg import __version__

    return __version__


def _newest_source(root: Path) -> float:
    newest = 0.0
    for folder in SOURCE_FOLDERS:
        d = root / folder
        if d.is_dir():
            newest = max([newest, d.stat().st_mtime] + [p.stat().st_mtime for p in d.iterdir() if p.is_file()])
    return newest
