#!/usr/bin/env bash
# Generation benchmarks: time and allocations of one in-memory generation for
# synthetic schemas of 10, 100 and 1000 entities, then the peak RSS of a
# single generation (schema load included) of 100 and 1000 entities.
#
# Usage: bench/generate.sh            (COUNT=5 bench/generate.sh for benchstat)
set -euo pipefail
cd "$(dirname "$0")/.."

go test ./generator -run '^$' -bench '^BenchmarkGenerate$' -benchmem -count "${COUNT:-1}"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/generate" ./bench/cmd/generate
echo
for n in 100 1000; do
	go run ./bench/cmd/synth -entities "$n" >"$tmp/synth$n.yaml"
	/usr/bin/time -f "  peak RSS %M KiB, wall %e s" "$tmp/generate" "$tmp/synth$n.yaml"
done
