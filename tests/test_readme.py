"""The README's Python example runs as it stands, from another folder, on the real build."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def python_example() -> str:
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## From Python and notebooks"):]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def test_the_readme_python_example_runs(real_dist, tmp_path):
    env = {**os.environ, "KG_ROOT": str(real_dist.parent)}  # the committed sources, already built
    out = subprocess.run([sys.executable, "-c", python_example()], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    # section C: the Tyrol agreement had only one realisation ("hanya ada 1 (satu) realisasi")
    assert "hanya ada 1 (satu) realisasi" in out.stdout
    # the Indonesian names of the partners (lang="id")
    assert "Prefektur Kyoto" in out.stdout
    assert "ConflictualRelation" in out.stdout
