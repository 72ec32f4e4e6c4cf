#!/usr/bin/env bash
# Install the real triple stores the test suite starts (tests/test_stores*.py):
#   - Virtuoso open source 7 (Debian package virtuoso-opensource-7-bin: /usr/bin/virtuoso-t)
#   - Oxigraph server (PyPI package `oxigraph`: a single `oxigraph` binary in the venv)
#   - mimalloc (Debian package libmimalloc2.0), the allocator `kg serve`'s query workers preload
#     when the system has it (kg/serve/pool.py: about 25 % less CPU a query than glibc's malloc);
#     optional: without it the workers use the system's malloc
# Idempotent: does nothing for a store that is already there. Needs root for apt-get (CI runs as
# root); without root it says what to run instead and exits 2.
#
# Usage: scripts/install-stores.sh [--venv PATH]     (default venv: ./.venv next to this script)
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
venv="$here/.venv"
if [[ "${1:-}" == "--venv" && -n "${2:-}" ]]; then venv="$2"; fi

started=$(date +%s)

if command -v virtuoso-t >/dev/null 2>&1; then
  echo "install-stores: Virtuoso already installed ($(command -v virtuoso-t))" >&2
else
  if [[ $(id -u) -ne 0 ]]; then
    echo "install-stores: Virtuoso is missing and installing it needs root:" >&2
    echo "  sudo apt-get install -y --no-install-recommends virtuoso-opensource-7-bin" >&2
    exit 2
  fi
  echo "install-stores: installing Virtuoso (apt-get virtuoso-opensource-7-bin)..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt_get=(apt-get -o DPkg::Lock::Timeout=600 -q)
  # only refresh the package lists when apt does not know the package yet (fresh containers)
  if ! apt-cache show virtuoso-opensource-7-bin >/dev/null 2>&1; then
    "${apt_get[@]}" update >&2
  fi
  # the package may ask no questions and start no service; --no-install-recommends keeps it small
  "${apt_get[@]}" install -y --no-install-recommends virtuoso-opensource-7-bin >&2
fi

if [[ -e /usr/lib/x86_64-linux-gnu/libmimalloc.so.2 || -e /usr/lib/aarch64-linux-gnu/libmimalloc.so.2 ]]; then
  echo "install-stores: mimalloc already installed" >&2
elif [[ $(id -u) -eq 0 ]]; then
  echo "install-stores: installing mimalloc (apt-get libmimalloc2.0)..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=600 -q install -y --no-install-recommends libmimalloc2.0 >&2 \
    || echo "install-stores: mimalloc could not be installed; kg serve's workers will use the system's malloc" >&2
else
  echo "install-stores: mimalloc is missing (optional, faster query workers): sudo apt-get install -y libmimalloc2.0" >&2
fi

if [[ -x "$venv/bin/oxigraph" ]]; then
  echo "install-stores: Oxigraph server already installed ($venv/bin/oxigraph)" >&2
else
  if [[ ! -x "$venv/bin/python" ]]; then
    echo "install-stores: no virtualenv at $venv: create it first (python3 -m venv .venv && .venv/bin/pip install -e '.[test]')" >&2
    exit 2
  fi
  echo "install-stores: installing Oxigraph server (pip install oxigraph into $venv)..." >&2
  # pinned to the same minor version as pyoxigraph (pyproject.toml) so both read the same data
  "$venv/bin/python" -m pip install -q 'oxigraph>=0.5,<0.6' >&2
fi

"$venv/bin/oxigraph" --version >&2
virtuoso-t +version 2>&1 | head -n 3 >&2 || true
echo "install-stores: done in $(( $(date +%s) - started )) s" >&2
