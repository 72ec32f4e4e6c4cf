#!/usr/bin/env bash
# Everything a user sees, written to one folder, to compare two checkouts byte for byte:
# the sha256 of every file of dist/, every canned query's answer (table, csv, tsv, json; CONSTRUCT
# queries as sorted N-Triples, since a graph's triples come in no fixed order), `kg explain
# catalonia`, `kg stats`, `kg query --list` and an ASK in two formats.
#
#   scripts/snapshot-outputs.sh OUT            # in this checkout (its .venv)
#   (cd ../other && scripts/snapshot-outputs.sh /tmp/b); diff -r /tmp/a /tmp/b && echo same
set -euo pipefail
out=$(realpath -m "${1:?usage: scripts/snapshot-outputs.sh OUT-FOLDER}")
cd "$(dirname "$0")/.."
kg=.venv/bin/kg
mkdir -p "$out/q"
"$kg" build -q > /dev/null 2>&1
(cd dist && find . -type f | LC_ALL=C sort | xargs sha256sum) > "$out/dist.sha256"
for f in queries/*.rq; do
  n=$(basename "$f" .rq)
  case $n in
    construct-*) "$kg" query "$n" --format csv | sort > "$out/q/$n.nt"; continue ;;
  esac
  for fmt in table csv tsv json; do
    "$kg" query "$n" --format "$fmt" > "$out/q/$n.$fmt" 2>&1 || echo "exit $?" >> "$out/q/$n.$fmt"
  done
done
"$kg" explain catalonia > "$out/explain-catalonia.txt" 2>&1
"$kg" stats > "$out/stats.txt" 2>&1
"$kg" query --list > "$out/list.txt"
"$kg" query --sparql 'ASK { ?s ?p ?o }' --format json > "$out/ask.json"
"$kg" query --sparql 'ASK { ?s ?p ?o }' --format csv > "$out/ask.csv"
echo "wrote $out"
