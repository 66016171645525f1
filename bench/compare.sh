#!/usr/bin/env bash
# Side-by-side load of a generated server and the hand-written baseline
# (bench/baseline), per database: both serve the notes of testdata/golden/one
# from the same fresh database, and hey drives each in turn at CONNS
# connections over loopback for DURATION per endpoint: GET by id, list
# (limit 20) and POST create. For each endpoint it prints req/s and p99 of
# both servers and the ratio generated/baseline (above 1 = generated
# faster). docs/benchmarks.md explains the method; this is not run by CI.
#
# Usage: bench/compare.sh [sqlite] [postgres] [mysql]    (default: all three)
#   DURATION=10s CONNS=32 ROUNDS=1   load settings; each round loads both
#                                    servers once per endpoint, alternating
#                                    which goes first; with several rounds
#                                    the medians are printed last
#   BASELINE_PREPARE=1               the baseline prepares its statements
#                                    once at start (as the generated SQLite
#                                    server keeps them per connection)
#   PROFILE=DIR                      also write a 10s CPU profile of the
#                                    generated server per endpoint to DIR
#   SCAFFOLD_TEST_POSTGRES_URL, SCAFFOLD_TEST_MYSQL_URL
#                                    admin URLs of the servers, as for the
#                                    end-to-end suite (local defaults)
set -euo pipefail
cd "$(dirname "$0")/.."

duration=${DURATION:-10s}
conns=${CONNS:-32}
rounds=${ROUNDS:-1}
dbs=("$@")
[ ${#dbs[@]} -gt 0 ] || dbs=(sqlite postgres mysql)

if ! command -v hey >/dev/null; then
	echo "hey is missing: install it with apt-get install -y hey" >&2
	exit 1
fi

tmp=$(mktemp -d)
# shellcheck source=bench/lib.sh
. bench/lib.sh
pids=()
dropdbs=()
# stop_servers stops the servers of the current database.
stop_servers() {
	local p
	for p in "${pids[@]}"; do
		if kill -TERM "$p" 2>/dev/null; then wait "$p" 2>/dev/null || true; fi
	done
	pids=()
}
cleanup() {
	stop_servers
	for d in "${dropdbs[@]}"; do admin "${d%%:*}" "DROP DATABASE IF EXISTS ${d#*:}" || true; done
	chmod -R u+w "$tmp" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

# start NAME BIN PORT ENV... starts a server and waits for it to answer.
start() {
	local name=$1 bin=$2 port=$3
	shift 3
	env "$@" PORT="$port" "$bin" >"$tmp/$name.log" 2>&1 &
	pids+=($!)
	for _ in $(seq 100); do
		curl -fsS -o /dev/null "http://127.0.0.1:$port/api/v1/notes?limit=1" 2>/dev/null && return
		sleep 0.1
	done
	echo "$name did not start:" >&2
	cat "$tmp/$name.log" >&2
	return 1
}

# load PID URL HEY_ARGS... loads a server at the settings of this run (see
# hey_load in lib.sh).
load() {
	local pid=$1 url=$2
	shift 2
	hey_load "$pid" "$url" "$duration" "$conns" "$@"
}

echo "building scaffold and the baseline"
go build -o "$tmp/scaffold" ./cmd/scaffold
(cd bench/baseline && go build -o "$tmp/baseline" .)

# header and row print the table: req/s and p99 of each server, the
# server's CPU time per request, and the ratios generated/baseline (req/s:
# above 1 is the generated server faster; CPU per request: below 1 is the
# generated server cheaper).
header() {
	printf '%-16s %9s %9s %8s | %9s %9s %8s | %7s %7s %7s\n' endpoint "req/s" p99 "cpu/req" "req/s" p99 "cpu/req" "req/s" p99 "cpu/req"
	printf '%-16s %28s | %28s | %23s\n' "" "baseline" "generated" "ratio generated/baseline"
}
row() {
	awk -v ep="$1" -v br="$2" -v bp="$3" -v bc="$4" -v gr="$5" -v gp="$6" -v gc="$7" 'BEGIN {
		printf "%-16s %9.0f %7.1fms %6.0fus | %9.0f %7.1fms %6.0fus | %6.2fx %6.2fx %6.2fx\n",
			ep, br, bp, bc, gr, gp, gc, gr / br, gp / bp, gc / bc
	}'
}

body='{"title":"Load test","body":"Some text to store.","pinned":false}'
endpoints=("GET by id" "list (limit 20)" "POST create")
printf '\n%s connections, %s per run, %s round(s), %s cores, %s, baseline statements %s\n' "$conns" "$duration" "$rounds" "$(nproc)" "$(go env GOVERSION)" "$([ "${BASELINE_PREPARE:-0}" = 1 ] && echo prepared || echo "sent as text")"

for db in "${dbs[@]}"; do
	url=$(database_url "$db")
	[ "$db" = sqlite ] || dropdbs+=("$db:$dbname")
	"$tmp/scaffold" new "$tmp/gen-$db" --schema testdata/golden/one/scaffold.yaml --db "$db" >/dev/null 2>&1
	if [ -n "${PROFILE:-}" ]; then
		# A pprof listener for this run only; generated servers have none.
		cat >"$tmp/gen-$db/cmd/server/pprof_bench.go" <<-'GO'
			package main

			import (
				"net/http"
				_ "net/http/pprof" // the profiling handlers, for bench/compare.sh
				"os"
				"time"
			)

			func init() {
				srv := &http.Server{Addr: os.Getenv("PPROF_ADDR"), ReadHeaderTimeout: 5 * time.Second}
				go func() { _ = srv.ListenAndServe() }()
			}
		GO
	fi
	(cd "$tmp/gen-$db" && go build -o "$tmp/gen-$db/server" ./cmd/server)
	DATABASE_URL=$url "$tmp/gen-$db/server" migrate up >/dev/null

	gport=$(free_port)
	bport=$(free_port)
	pport=$(free_port)
	start generated "$tmp/gen-$db/server" "$gport" DATABASE_URL="$url" AUTO_MIGRATE=false LOG_LEVEL=error APP_ENV=production PPROF_ADDR="127.0.0.1:$pport"
	gpid=$!
	start baseline "$tmp/baseline" "$bport" DATABASE_URL="$url" PREPARE="${BASELINE_PREPARE:-0}"
	bpid=$!
	gen=http://127.0.0.1:$gport/api/v1/notes
	base=http://127.0.0.1:$bport/api/v1/notes
	for _ in $(seq 100); do
		curl -fsS -o /dev/null -H 'Content-Type: application/json' -d "$body" "$gen"
	done

	printf '\n== %s\n' "$db"
	header
	for round in $(seq "$rounds"); do
		for ep in "${endpoints[@]}"; do
			case $ep in
			"GET by id") path=/1 args=() ;;
			"list (limit 20)") path='?limit=20' args=() ;;
			"POST create") path='' args=(-m POST -T application/json -d "$body") ;;
			esac
			# Alternate which server goes first, so that neither always
			# meets the warmer database.
			if [ $((round % 2)) -eq 1 ]; then
				b=$(load "$bpid" "$base$path" "${args[@]}")
				g=$(load "$gpid" "$gen$path" "${args[@]}")
			else
				g=$(load "$gpid" "$gen$path" "${args[@]}")
				b=$(load "$bpid" "$base$path" "${args[@]}")
			fi
			if [ -n "${PROFILE:-}" ]; then
				mkdir -p "$PROFILE"
				prof="$PROFILE/$db-${ep%% *}-$round.pprof"
				hey -z 12s -c "$conns" "${args[@]}" "$gen$path" >/dev/null &
				curl -fsS -o "$prof" "http://127.0.0.1:$pport/debug/pprof/profile?seconds=10"
				wait $!
			fi
			read -r brps bp99 bbad bcpu <<<"$b"
			read -r grps gp99 gbad gcpu <<<"$g"
			printf '%s|%s|%s|%s|%s|%s|%s\n' "$ep" "$brps" "$bp99" "$bcpu" "$grps" "$gp99" "$gcpu" >>"$tmp/rounds-$db"
			row "$ep" "$brps" "$bp99" "$bcpu" "$grps" "$gp99" "$gcpu"
			if [ "$bbad" != 0 ] || [ "$gbad" != 0 ]; then
				echo "  non-2xx or errors: baseline $bbad, generated $gbad (see $tmp/*.log)" >&2
			fi
		done
	done
	if [ "$rounds" -gt 1 ]; then
		# The median of each figure over the rounds, and the ratios of those
		# medians: one round disturbed by another process does not move them.
		echo "median of $rounds rounds:"
		for ep in "${endpoints[@]}"; do
			# shellcheck disable=SC2046 # one word per figure
			row "$ep" $(awk -F'|' -v ep="$ep" '
				function median(a, n,    i, j, t) {
					for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j-1] > a[j]; j--) {t = a[j]; a[j] = a[j-1]; a[j-1] = t}
					return n % 2 ? a[(n+1)/2] : (a[n/2] + a[n/2+1]) / 2
				}
				$1 == ep {n++; for (i = 2; i <= 7; i++) v[i, n] = $i}
				END {
					for (i = 2; i <= 7; i++) {for (k = 1; k <= n; k++) a[k] = v[i, k]; printf "%s ", median(a, n)}
					print ""
				}' "$tmp/rounds-$db")
		done
	fi
	stop_servers
done
