#!/usr/bin/env bash
# Quick start, step 2: set up everything the tests need and run the whole test suite.
# - a virtual environment with the package and its test extras;
# - as root, from the package registries: Virtuoso (Debian), headless Chromium (Debian) and the
#   Oxigraph server (PyPI), so the triple-store and browser tests run for real. Without root, those
#   tests are skipped with the reason (CI sets KG_FAIL_ON_SKIP=1, which turns any skip into a failure).
# Extra arguments go to pytest (e.g. scripts/test.sh -k shapes).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install --quiet -e '.[test]' 2>&1 | grep -v '^WARNING: Location' || true
.venv/bin/python -c 'import kg, pytest' || { echo "installation failed" >&2; exit 2; }
if [ -x scripts/install-stores.sh ] || [ -f scripts/install-stores.sh ]; then
  bash scripts/install-stores.sh || echo "warning: could not install the triple stores; their tests will be skipped" >&2
fi
if [ -f scripts/install-browser.sh ]; then
  bash scripts/install-browser.sh || echo "warning: could not install Chromium; the browser tests will be skipped" >&2
fi
exec .venv/bin/python -m pytest "$@"
