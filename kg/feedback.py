"""Which findings of `kg validate` are new: a new or changed file's findings apart from the warnings
the graph already had.

A successful `kg build` keeps, beside `dist/` (`.dist.findings.json`, like the build's lock file),
the SHA-256 of every source file and the findings of that build. `kg validate` then shows first the
findings located in a file that is new or changed since (or not seen at that build at all: a finding
of an unchanged file that a change elsewhere caused, or one without a file, such as a blank node's),
and sums up the rest as existing warnings of unchanged files.

The check itself stays whole: SHACL targets and OWL RL entailments cross files (a new file's node may
make another file's node a member of a class a shape targets; a violation query joins across every
graph), so the findings of one file cannot soundly be computed from that file alone, and the whole
check takes 1.1-1.2 s on the seed graph (docs/IMPORT.md, "Quick feedback").
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

__all__ = ["FindingsSplit", "record_path", "save_findings", "split_findings"]

FOLDERS = ("ontology", "shapes", "data", "queries")


def record_path(dist: Path) -> Path:
    """Where the last good build's findings are kept: beside dist/, not in it (dist/ is the artefact)."""
    return Path(dist).parent / f".{Path(dist).name}.findings.json"


def _hashes(root: Path) -> dict[str, str]:
    out = {}
    for folder in FOLDERS:
        d = Path(root) / folder
        if not d.is_dir():
            continue
        for p in sorted(d.iterdir()):
            if p.is_file() and not p.name.startswith("."):
                out[f"{folder}/{p.name}"] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def _identity(f) -> str:
    """A finding without its line (lines move when a file is edited)."""
    return "\x1f".join((f.severity, f.focus, f.path, f.shape, f.message, f.value))


def _file_of(f) -> str:
    return f.location.rsplit(":", 1)[0] if f.location else ""


def save_findings(findings: Iterable, root: Path, dist: Path) -> Path:
    """Keep the files' hashes and the findings of a good build (atomically)."""
    path = record_path(dist)
    data = {"files": _hashes(root), "findings": sorted({_identity(f) for f in findings})}
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f"{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, indent=0, sort_keys=True)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path


@dataclass
class FindingsSplit:
    new: list = field(default_factory=list)         # in new or changed files, or not seen at the last build
    existing: list = field(default_factory=list)    # as at the last build, in files unchanged since
    changed_files: list[str] = field(default_factory=list)
    has_record: bool = False                        # False: no good build recorded; everything is in `new`

    def existing_by_file(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for f in self.existing:
            k = _file_of(f) or "(no file)"
            out[k] = out.get(k, 0) + 1
        return dict(sorted(out.items()))


def split_findings(findings: Iterable, root: Path, dist: Path) -> FindingsSplit:
    """Split the findings into those of new or changed files (and any not seen at the last good
    build) and the existing ones."""
    findings = list(findings)
    try:
        record = json.loads(record_path(dist).read_text(encoding="utf-8"))
        before_files, before = dict(record["files"]), set(record["findings"])
    except (OSError, ValueError, KeyError, TypeError):
        return FindingsSplit(new=findings)
    now = _hashes(root)
    changed = sorted(k for k, h in now.items() if before_files.get(k) != h)
    out = FindingsSplit(changed_files=changed, has_record=True)
    for f in findings:
        (out.new if _file_of(f) in changed or _identity(f) not in before else out.existing).append(f)
    return out
