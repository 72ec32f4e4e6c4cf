"""The vendored SPARQL editor and result views: the committed files are the pinned npm releases, and
the page uses them.

`scripts/vendor-editor.sh --check` and `scripts/vendor-views.sh --check` compare each file with the
sha256 pinned in the script (the scripts check the registry's sha512 when they fetch); no network here.
"""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WEB = ROOT / "kg" / "serve" / "web"


TEMPLATES = ROOT / "kg" / "serve" / "templates"


def test_vendored_files_match_the_pinned_checksums():
    for script in ("vendor-editor.sh", "vendor-views.sh"):
        r = subprocess.run(["bash", str(ROOT / "scripts" / script), "--check"],
                           capture_output=True, text=True, timeout=60)
        assert r.returncode == 0, (script, r.stderr)


def pinned(script: str) -> list[str]:
    """NAME-VERSION of each package vendor-views.sh pins."""
    text = (ROOT / "scripts" / script).read_text()
    block = re.search(r'^PACKAGES="(.*?)"$', text, re.M | re.S).group(1)
    return [f"{line.split()[0]}-{line.split()[1]}" for line in block.splitlines()]


def test_page_loads_the_vendored_version_and_nothing_from_elsewhere():
    html = (TEMPLATES / "home.html").read_text(encoding="utf-8") + (TEMPLATES / "base.html").read_text(encoding="utf-8")
    version = re.search(r'^YASQE_VERSION=(\S+)$', (ROOT / "scripts" / "vendor-editor.sh").read_text(),
                        re.M).group(1)
    refs = re.findall(r'(?:src|href)="([^"]+)"', html)
    vendored = [r for r in refs if "/vendor/" in r]
    views = {p.rsplit("-", 1)[0]: p for p in pinned("vendor-views.sh")}
    assert sorted(vendored) == sorted([f"/static/vendor/yasqe-{version}/yasqe.min.css",
                                       f"/static/vendor/yasqe-{version}/yasqe.min.js",
                                       f"/static/vendor/{views['vega']}/vega.min.js",
                                       f"/static/vendor/{views['vega-lite']}/vega-lite.min.js",
                                       f"/static/vendor/{views['vega-embed']}/vega-embed.min.js"])
    for ref in vendored:
        assert (WEB / ref.removeprefix("/static/")).is_file(), ref
    assert not [r for r in refs if "//" in r], "the page must not load anything from another host"


def test_the_map_reads_the_vendored_country_shapes():
    atlas = {p.rsplit("-", 1)[0]: p for p in pinned("vendor-views.sh")}["world-atlas"]
    js = (WEB / "views.js").read_text(encoding="utf-8")
    assert f"/static/vendor/{atlas}/countries-110m.json" in js
    assert (WEB / "vendor" / atlas / "countries-110m.json").is_file()
