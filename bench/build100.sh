#!/usr/bin/env bash
# Build cost of a large generated project: generates the 100-entity synthetic
# schema, warms the module cache, then times `go build ./...` twice with its
# peak RSS:
#   cold  - empty build cache: every dependency (the pure-Go SQLite driver
#           dominates) and every generated package is compiled;
#   warm  - dependencies cached, every generated file changed: what a
#           developer waits for after regenerating.
set -euo pipefail
cd "$(dirname "$0")/.."

tmp=$(mktemp -d)
trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
go build -o "$tmp/scaffold" ./cmd/scaffold
go run ./bench/cmd/synth -entities 100 >"$tmp/synth100.yaml"
"$tmp/scaffold" new "$tmp/synth100" --schema "$tmp/synth100.yaml" >/dev/null

cd "$tmp/synth100"
go mod download
echo "$(find . -name '*.go' | wc -l) Go files, $(find . -name '*.go' -exec cat {} + | wc -l) lines"

export GOCACHE="$tmp/gocache"
echo "cold build (empty build cache):"
/usr/bin/time -f "  wall %e s, user %U s, peak RSS %M KiB" go build ./...

# Touch every generated Go file so the project's own packages rebuild while
# the dependencies stay cached.
find . -name '*.go' -exec sh -c 'printf "\n// rebuild\n" >>"$1"' _ {} \;
echo "warm build (dependencies cached, project changed):"
/usr/bin/time -f "  wall %e s, user %U s, peak RSS %M KiB" go build ./...
