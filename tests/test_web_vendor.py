"""The vendored SPARQL editor: the committed files are the pinned npm release, and the page uses them.

`scripts/vendor-editor.sh --check` compares each file with the sha256 pinned in the script (the script
itself checks the registry's sha512 when it fetches); no network here.
"""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WEB = ROOT / "kg" / "serve" / "web"


def test_vendored_files_match_the_pinned_checksums():
    r = subprocess.run(["bash", str(ROOT / "scripts" / "vendor-editor.sh"), "--check"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr


def test_page_loads_the_vendored_version_and_nothing_from_elsewhere():
    html = (WEB / "index.html").read_text(encoding="utf-8")
    version = re.search(r'^YASQE_VERSION=(\S+)$', (ROOT / "scripts" / "vendor-editor.sh").read_text(),
                        re.M).group(1)
    refs = re.findall(r'(?:src|href)="([^"]+)"', html)
    vendored = [r for r in refs if "/vendor/" in r]
    assert sorted(vendored) == [f"/static/vendor/yasqe-{version}/yasqe.min.css",
                                f"/static/vendor/yasqe-{version}/yasqe.min.js"]
    for ref in vendored:
        assert (WEB / ref.removeprefix("/static/")).is_file(), ref
    assert not [r for r in refs if "//" in r], "the page must not load anything from another host"
