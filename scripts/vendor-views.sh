#!/usr/bin/env bash
# Vendor the result views of the web page (Vega, Vega-Lite, vega-embed and the Natural Earth country
# shapes of world-atlas, all from npm) into kg/serve/web/vendor/, reproducibly.
#
# The built browser bundles are committed, so a machine with only Python serves the charts, the map,
# the timeline and the network offline; this script is how they got there, and how to check or redo
# it. It needs npm (only `npm pack`: no install, no package scripts run), fetches pinned versions,
# checks the registry's sha512 of each tarball and the sha256 of each vendored file against the values
# below, and writes each folder atomically.
#
#   scripts/vendor-views.sh          # (re)vendor; fails if a checksum differs
#   scripts/vendor-views.sh --check  # only verify the committed files against the pinned sha256
#
# To move to another version: change the pins, run with KG_VENDOR_UPDATE=1 (prints the new checksums
# instead of failing), review the diff, then paste the printed values here.
set -euo pipefail

# name version integrity (`npm view NAME@VERSION dist.integrity`) and the files taken (path in the package)
PACKAGES="vega 6.4.0 sha512-rHXCq2LpEWCLMjXBEj7hocY9G0/i5TGYRayGGSj06VTF4+l2IG2Z7oeZKCjWbUh/7hTE/mVhbaOPB72wCElh6g== build/vega.min.js LICENSE
vega-lite 6.5.0 sha512-fMXF6s0MrIg0UTWnLIfeFtgSLzVhyzSKobzGrh5rhS+mL6FOYFG3m7ouJ4U23gj65EK+gl9FIIT5w7wLNaAzkA== build/vega-lite.min.js LICENSE
vega-embed 7.3.0 sha512-wQ8s5GaSzqoKgmRfbRolgBrjE2CP7ZKHXqH7NijxMqPjpdWxSs4Dn8tvp9g0giQvh2cK+3p56sxjWWM0wNngGw== build/vega-embed.min.js LICENSE
world-atlas 2.0.2 sha512-IXfV0qwlKXpckz1FhwXVwKRjiIhOnWttOskm5CtxMsjgE/MXAYRHWJqgXOpM8IkcPBoXnyTU5lFHcYa5ChG0LQ== countries-110m.json LICENSE"

# sha256 of each vendored file, as committed (folder/file)
EXPECTED_SHA256="63727832aaf62004a2b249c933e327f3c90caf49e41a72f4bf436edf632cbda8  vega-6.4.0/LICENSE
8f6a3587cf8d4f42c7e08120e3eb05d067e746d554e39d2dcf52acc0bd5ba28f  vega-6.4.0/vega.min.js
32df67148f0fc3db0eb9e263a7b75d07f1eb14c61955005a4a39c6918d10d137  vega-embed-7.3.0/LICENSE
b1455caba2fb1a72fb46025ba0ba1316e2dbc7f0dd40a3f6040172bf9c08ba91  vega-embed-7.3.0/vega-embed.min.js
f618900fd0d64046963b29f40590cdd1e341a2f41449f99110d82fd81fea808c  vega-lite-6.5.0/LICENSE
83e215e84e308ee8688fa6503ba0f1cf8a3c05c0d61df2841a0b92bf86809e00  vega-lite-6.5.0/vega-lite.min.js
8048290dfdb6e83fbed17e8985c8cfc4ce9da9b842642f3d3e497280790cfa31  world-atlas-2.0.2/LICENSE
2516c915867c7baf18ddec727aec46c315541a07cfb3d79a6559b05d5e94eee8  world-atlas-2.0.2/countries-110m.json"

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
VENDOR="$ROOT/kg/serve/web/vendor"

fail() { echo "vendor-views: $*" >&2; exit 1; }

check_files() {  # $1: the folder holding the package folders
  (cd "$1" && printf '%s\n' "$EXPECTED_SHA256" | sha256sum --check --quiet --strict -) \
    || fail "a file under $1 does not have the pinned sha256 (see above)"
}

if [ "${1:-}" = "--check" ]; then
  check_files "$VENDOR"
  echo "vendor-views: $VENDOR matches the pinned checksums"
  exit 0
fi

command -v npm >/dev/null || fail "npm is not installed (apt-get install -y npm); the vendored files in $VENDOR are already committed"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
STAGE="$WORK/stage"
mkdir -p "$STAGE"

while read -r name version integrity files; do
  dir="$WORK/$name"
  mkdir -p "$dir"
  (cd "$dir" && npm pack --silent --ignore-scripts "$name@$version" >/dev/null) || fail "npm pack $name@$version failed"
  tgz="$(ls "$dir"/*.tgz)"
  got="sha512-$(openssl dgst -sha512 -binary "$tgz" | base64 -w0)"
  if [ "$got" != "$integrity" ]; then
    [ "${KG_VENDOR_UPDATE:-}" = 1 ] || fail "$name@$version: the tarball's integrity is $got, expected $integrity"
    echo "new integrity of $name@$version: $got" >&2
  fi
  tar xzf "$tgz" -C "$dir"
  mkdir -p "$STAGE/$name-$version"
  for f in $files; do cp "$dir/package/$f" "$STAGE/$name-$version/$(basename "$f")"; done
done <<< "$PACKAGES"

cat > "$STAGE/VIEWS.md" <<'DOC'
# The result views' libraries (vendored)

Made by `scripts/vendor-views.sh` from the npm packages it pins (each folder is NAME-VERSION, the files
unchanged, with the package's LICENSE); do not edit them by hand.

- vega, vega-lite, vega-embed (BSD-3-Clause): charts, the map, the timeline and the network of results.
  kg/serve/web/views.js passes every data set inline and turns vega-embed's action menu off (its
  "Open in Vega Editor" would post to vega.github.io), so nothing leaves the server.
- world-atlas (ISC): `countries-110m.json`, Natural Earth's Admin 0 country boundaries at 1:110m
  (public domain) as TopoJSON; countries are matched by their English name.
DOC

if [ "${KG_VENDOR_UPDATE:-}" = 1 ]; then
  (cd "$STAGE" && find . -type f ! -name VIEWS.md | sed 's|^\./||' | sort | xargs sha256sum)
else
  check_files "$STAGE"
fi
# each package folder atomically: the new folder replaces the old one in a single rename
mkdir -p "$VENDOR"
for d in "$STAGE"/*/; do
  d="${d%/}"; base="$(basename "$d")"; dest="$VENDOR/$base"
  rm -rf "$dest.new" && mv "$d" "$dest.new"
  rm -rf "$dest.old" && { [ ! -e "$dest" ] || mv "$dest" "$dest.old"; } && mv "$dest.new" "$dest" && rm -rf "$dest.old"
done
cp "$STAGE/VIEWS.md" "$VENDOR/VIEWS.md.tmp" && mv "$VENDOR/VIEWS.md.tmp" "$VENDOR/VIEWS.md"
echo "vendor-views: $(echo "$PACKAGES" | awk '{printf "%s@%s ", $1, $2}')in $VENDOR"
