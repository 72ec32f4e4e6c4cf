#!/usr/bin/env bash
# Quick start, step 1: set up a virtual environment and run the main job on the embedded engine:
# build the graph (parse, validate, reason, export to dist/), print its summary, and answer one
# comparative question. Needs nothing but Python 3.11+.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip >/dev/null 2>&1 || true
.venv/bin/python -m pip install --quiet -e . 2>&1 | grep -v '^WARNING: Location' || true
.venv/bin/python -c 'import kg' || { echo "installation failed" >&2; exit 2; }
exec .venv/bin/kg demo "$@"
