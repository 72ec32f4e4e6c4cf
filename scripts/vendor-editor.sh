#!/usr/bin/env bash
# Vendor the SPARQL editor of the web page (YASQE, from npm) into kg/serve/web/vendor/, reproducibly.
#
# The built browser bundle is committed, so a machine with only Python serves the editor offline; this
# script is how it got there, and how to check or redo it. It needs npm (only `npm pack`: no install,
# no package scripts run), fetches pinned versions, checks the registry's sha512 of each tarball and
# the sha256 of each vendored file against the values below, and writes the files atomically.
#
#   scripts/vendor-editor.sh          # (re)vendor; fails if a checksum differs
#   scripts/vendor-editor.sh --check  # only verify the committed files against the pinned sha256
#
# To move to another version: change the pins, run with KG_VENDOR_UPDATE=1 (prints the new checksums
# instead of failing), review the diff, then paste the printed values here.
set -euo pipefail

YASQE_VERSION=4.2.28
# `npm view @triply/yasqe@4.2.28 dist.integrity`
YASQE_INTEGRITY="sha512-5yLfgvrf9hRU3DFZvpuAOt4tZchw9u0cxBBPSCgDf5+AIKfgeO4WxaTZix+yu7aQhR8iDf1I1ewvQTXIiCUO6w=="
# the CodeMirror inside the bundle (its `CodeMirror.version`): only its LICENSE is taken
CODEMIRROR_VERSION=5.55.0
CODEMIRROR_INTEGRITY="sha512-TumikSANlwiGkdF/Blnu/rqovZ0Y3Jh8yy9TqrPbSM0xxSucq3RgnpVDQ+mD9q6JERJEIT2FMuF/fBGfkhIR/g=="

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DEST="$ROOT/kg/serve/web/vendor/yasqe-$YASQE_VERSION"

# sha256 of each vendored file, as committed
EXPECTED_SHA256="d9340559e433b4d05979e87f197882ee0dcbee9a7560852f6d74eecbe7df30c0  yasqe.min.js
117eb023f4f2b8b661075ede627a36290ea07252ae00e1b69b4bad279f1c3a14  yasqe.min.css
8f71659370c5268d9a1dc962a46232540e8fca63462586d8efaa95aab492a208  LICENSE.txt
a3f2fe2ac6b471aa80c737c5d283dd049bdc903a73835ee6d4d2cac02fdd53bf  LICENSE-codemirror.txt"

fail() { echo "vendor-editor: $*" >&2; exit 1; }

check_files() {  # $1: folder holding the vendored files
  (cd "$1" && printf '%s\n' "$EXPECTED_SHA256" | sha256sum --check --quiet --strict -) \
    || fail "a file in $1 does not have the pinned sha256 (see above)"
}

if [ "${1:-}" = "--check" ]; then
  check_files "$DEST"
  echo "vendor-editor: $DEST matches the pinned checksums"
  exit 0
fi

command -v npm >/dev/null || fail "npm is not installed (apt-get install -y npm); the vendored files in $DEST are already committed"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

fetch() {  # $1: package@version, $2: expected integrity -> unpacks into $WORK/<name>/package
  local spec="$1" integrity="$2" dir="$WORK/$(echo "$1" | tr '/@' '__')"
  mkdir -p "$dir"
  (cd "$dir" && npm pack --silent --ignore-scripts "$spec" >/dev/null) || fail "npm pack $spec failed"
  local tgz; tgz="$(ls "$dir"/*.tgz)"
  local got="sha512-$(openssl dgst -sha512 -binary "$tgz" | base64 -w0)"
  if [ "$got" != "$integrity" ]; then
    [ "${KG_VENDOR_UPDATE:-}" = 1 ] || fail "$spec: the tarball's integrity is $got, expected $integrity"
    echo "new integrity of $spec: $got" >&2
  fi
  tar xzf "$tgz" -C "$dir"
  echo "$dir/package"
}

yasqe="$(fetch "@triply/yasqe@$YASQE_VERSION" "$YASQE_INTEGRITY")"
codemirror="$(fetch "codemirror@$CODEMIRROR_VERSION" "$CODEMIRROR_INTEGRITY")"
grep -q "version=\"$CODEMIRROR_VERSION\"" "$yasqe/build/yasqe.min.js" \
  || fail "the bundle does not hold CodeMirror $CODEMIRROR_VERSION: update CODEMIRROR_VERSION"

STAGE="$WORK/stage"
mkdir -p "$STAGE"
cp "$yasqe/build/yasqe.min.js" "$yasqe/build/yasqe.min.css" "$yasqe/LICENSE.txt" "$STAGE/"
cp "$codemirror/LICENSE" "$STAGE/LICENSE-codemirror.txt"
cat > "$STAGE/README.md" <<EOF
# YASQE $YASQE_VERSION (vendored)

The SPARQL editor of the web page: \`build/yasqe.min.js\` and \`build/yasqe.min.css\` of the npm package
[@triply/yasqe@$YASQE_VERSION](https://www.npmjs.com/package/@triply/yasqe) (MIT, LICENSE.txt), unchanged.
Made by \`scripts/vendor-editor.sh\`, which checks the registry's sha512 of the tarball and the sha256 of
each file; do not edit these files by hand.

The bundle includes CodeMirror $CODEMIRROR_VERSION (MIT, LICENSE-codemirror.txt) and, per the package's
dependencies, lodash-es, query-string, superagent and @triply/yasgui-utils (all MIT).

kg/serve/web/app.js turns off everything in it that would reach the network: the prefix.cc and LOV
completers, its own query button (it defaults to dbpedia.org), share links and localStorage.
EOF

if [ "${KG_VENDOR_UPDATE:-}" = 1 ]; then
  (cd "$STAGE" && sha256sum yasqe.min.js yasqe.min.css LICENSE.txt LICENSE-codemirror.txt)
else
  check_files "$STAGE"
fi
# atomic: the new folder replaces the old one in a single rename
mkdir -p "$(dirname "$DEST")"
rm -rf "$DEST.new" && mv "$STAGE" "$DEST.new"
rm -rf "$DEST.old" && { [ ! -e "$DEST" ] || mv "$DEST" "$DEST.old"; } && mv "$DEST.new" "$DEST" && rm -rf "$DEST.old"
echo "vendor-editor: YASQE $YASQE_VERSION in $DEST"
