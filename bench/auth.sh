#!/usr/bin/env bash
# The cost of authentication on a read: generates bench/auth.yaml (two
# entities with identical fields, PublicNote readable by anyone, PrivateNote
# only with a valid access token), serves it on a fresh database, seeds
# both, signs in and loads GET by id of each side in interleaved bursts
# (below). The target: the authenticated GET costs at most 5% more than the
# public one.
#
# Two measures of cost, chosen by MEASURE:
#
# cpu (default): the server's CPU time per request, read from its CPU clock
# to the nanosecond by bench/cmd/interleave, which sends the three loads in
# bursts of BURST requests over CONNS kept-alive connections, one burst of
# each per round in a random order, for DURATION. Loads run seconds apart
# (one hey run per side, as this script did before) meet a different
# machine: on a shared host the CPU per request of one side moves by 10% or
# more within a minute, and the ratio of two such loads with it. Bursts of
# tens of milliseconds, interleaved, meet the same machine. It prints the
# CPU per request of each load, the ratio of the totals with its 95%
# interval, and the median of the rounds' ratios with its own; then login
# (argon2id) per second with hey.
#
# instructions: the server runs under valgrind's callgrind, which counts
# the instructions it executes in user space, and each load is a fixed
# REQUESTS requests: on an otherwise idle machine the count per request
# repeats within a fraction of a percent from run to run, where CPU time
# moves by several percent, so it shows changes too small for the cpu
# measure. The scheduler's spinning while it waits for work is counted
# too, so other load on the machine moves it more. It leaves out the
# kernel's share (reading and writing the sockets), which is the same for
# both sides, so its ratios are larger than the CPU ones. The
# garbage collector is off (GOGC=off): when it runs depends on the heap and
# moved the counts by 2% between identical runs; the allocations are still
# counted. No login run: argon2id under valgrind takes minutes.
#
# With PIN=1 (cpu), the server runs on the second core with GOMAXPROCS=1
# and the load on the first: client and server no longer take CPU from each
# other, which on two cores is most of the noise.
#
# A third load, the public GET with an X-Padding header as long as the
# Authorization header, separates what the token's bytes cost the server
# (reading a longer request) from what checking it costs: the ratio
# authenticated/padded.
# docs/benchmarks.md ("Auth") explains the method; this is not run by CI.
#
# Usage: bench/auth.sh [sqlite|postgres|mysql]   (default: sqlite)
#   DURATION=3m BURST=1000 CONNS=32  load of the GET runs (cpu)
#   LOGIN_DURATION=10s LOGIN_CONNS=8 load of the login run (each login
#                                    hashes with 19 MiB of memory)
#   PIN=1                            server and load on a core each (cpu)
#   MEASURE=instructions REQUESTS=2000 ROUNDS=3
#                                    count instructions instead (needs
#                                    valgrind)
#   SCAFFOLD_TEST_POSTGRES_URL, SCAFFOLD_TEST_MYSQL_URL
#                                    admin URLs of the database servers
#                                    (local defaults, as for the end-to-end
#                                    suite)
set -euo pipefail
cd "$(dirname "$0")/.."

db=${1:-sqlite}
measure=${MEASURE:-cpu}
duration=${DURATION:-3m}
burst=${BURST:-1000}
conns=${CONNS:-32}
requests=${REQUESTS:-2000}
login_duration=${LOGIN_DURATION:-10s}
login_conns=${LOGIN_CONNS:-8}
pin=${PIN:-0}
case $measure in
cpu) ;;
instructions)
	rounds=${ROUNDS:-3}
	if ! command -v valgrind >/dev/null || ! command -v callgrind_control >/dev/null; then
		echo "valgrind is missing: install it with apt-get install -y valgrind" >&2
		exit 1
	fi
	;;
*)
	echo "MEASURE=$measure: want cpu or instructions" >&2
	exit 1
	;;
esac

case $pin in
0) ;;
1)
	if [ "$measure" != cpu ] || [ "$(nproc)" -lt 2 ] || ! command -v taskset >/dev/null; then
		echo "PIN=1 needs MEASURE=cpu, two cores and taskset (util-linux)" >&2
		exit 1
	fi
	;;
*)
	echo "PIN=$pin: want 0 or 1" >&2
	exit 1
	;;
esac

if ! command -v hey >/dev/null; then
	echo "hey is missing: install it with apt-get install -y hey" >&2
	exit 1
fi

tmp=$(mktemp -d)
# shellcheck source=bench/lib.sh
. bench/lib.sh
pid=
dropdb=
cleanup() {
	if [ -n "$pid" ]; then
		kill -TERM "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	fi
	[ -z "$dropdb" ] || admin "$db" "DROP DATABASE IF EXISTS $dropdb" || true
	chmod -R u+w "$tmp" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

echo "generating and building bench/auth.yaml"
go build -o "$tmp/scaffold" ./cmd/scaffold
go build -o "$tmp/interleave" ./bench/cmd/interleave
"$tmp/scaffold" new "$tmp/authbench" --schema bench/auth.yaml --db "$db" >/dev/null
(cd "$tmp/authbench" && go build -o "$tmp/server" ./cmd/server)

port=$(free_port)
api="http://127.0.0.1:$port/api/v1"
password='a benchmark password that is long enough'
email=bench@example.com
url=$(database_url "$db")
[ "$db" = sqlite ] || dropdb=$dbname
# Production settings, as a deployment would run; the auth rate limit is
# lifted so that the login run measures hashing, not the limiter, and the
# access token outlives the longest run (its expiry has as many digits).
secret=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
export DATABASE_URL="$url" APP_ENV=production LOG_LEVEL=error AUTO_MIGRATE=true \
	JWT_SECRET="$secret" ACCESS_TOKEN_TTL=24h \
	AUTH_RATE_LIMIT_PER_MINUTE=100000000 AUTH_RATE_LIMIT_BURST=100000000
if [ "$measure" = instructions ]; then
	# Asynchronous preemption signals would add instructions at random.
	PORT=$port GOGC=off GODEBUG=asyncpreemptoff=1 valgrind --tool=callgrind \
		--callgrind-out-file="$tmp/callgrind.out" "$tmp/server" >"$tmp/server.log" 2>&1 &
	wait_tries=600 # valgrind takes seconds to start the server
elif [ "$pin" = 1 ]; then
	PORT=$port GOMAXPROCS=1 taskset -c 1 "$tmp/server" >"$tmp/server.log" 2>&1 &
	wait_tries=100
	# The load runs on the other core: interleave, and hey through
	# hey_load (lib.sh).
	hey_bin=$(command -v hey)
	hey() { taskset -c 0 "$hey_bin" "$@"; }
	interleave() { taskset -c 0 "$tmp/interleave" "$@"; }
else
	interleave() { "$tmp/interleave" "$@"; }
	PORT=$port "$tmp/server" >"$tmp/server.log" 2>&1 &
	wait_tries=100
fi
pid=$!
for _ in $(seq "$wait_tries"); do
	curl -fsS -o /dev/null "http://127.0.0.1:$port/readyz" 2>/dev/null && break
	sleep 0.1
done
curl -fsS -o /dev/null "http://127.0.0.1:$port/readyz" || { cat "$tmp/server.log" >&2; exit 1; }

printf '%s' "$password" | "$tmp/server" users create --email "$email" --role admin --password-stdin >/dev/null
login_body="{\"email\":\"$email\",\"password\":\"$password\"}"
token=$(curl -fsS -H 'Content-Type: application/json' -d "$login_body" "$api/auth/login" |
	python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])')
auth="Authorization: Bearer $token"
# "X-Padding: " and its value are as long as "Authorization: Bearer <token>".
padding="X-Padding: $(printf "%$((${#token} + 11))s" "" | tr ' ' x)"

body='{"title":"Load test","body":"Some text to store.","pinned":false}'
for _ in $(seq 100); do
	curl -fsS -o /dev/null -H "$auth" -H 'Content-Type: application/json' -d "$body" "$api/public-notes"
	curl -fsS -o /dev/null -H "$auth" -H 'Content-Type: application/json' -d "$body" "$api/private-notes"
done
# Both sides must answer 200 before they are compared; the private side
# must refuse a request without the token, or it would prove nothing.
curl -fsS -o /dev/null "$api/public-notes/1"
curl -fsS -o /dev/null -H "$auth" "$api/private-notes/1"
status=$(curl -sS -o /dev/null -w '%{http_code}' "$api/private-notes/1")
[ "$status" = 401 ] || { echo "GET private-notes/1 without a token answered $status, want 401" >&2; exit 1; }

if [ "$measure" = instructions ]; then
	# count URL HEY_ARGS... prints the instructions the server executes per
	# request over REQUESTS requests: callgrind's counters are zeroed before
	# the load and dumped after it.
	count() {
		local url=$1 dumps
		shift
		callgrind_control -z "$pid" >/dev/null 2>&1
		hey -n "$requests" -c 4 "$@" "$url" >"$tmp/hey.out"
		callgrind_control -d "$pid" >/dev/null 2>&1
		# Dumps are numbered from 1: the count of them names the last.
		dumps=$(find "$tmp" -name 'callgrind.out.*' | wc -l)
		if ! grep -Eq "\[200\][[:space:]]+$requests responses" "$tmp/hey.out"; then
			echo "not all of $requests requests to $url answered 200 (see $tmp/server.log):" >&2
			cat "$tmp/hey.out" >&2
			exit 1
		fi
		awk -v n="$requests" '/^(summary|totals):/ {printf "%.0f\n", $2 / n; exit}' "$tmp/callgrind.out.$dumps"
	}
	# One load of each side first: the first requests fill the statement
	# cache, the pool and the remembered tokens.
	count "$api/public-notes/1" >/dev/null
	count "$api/private-notes/1" -H "$auth" >/dev/null
	count "$api/public-notes/1" -H "$padding" >/dev/null
	printf '\ninstructions per request, %s requests per load, %s round(s), %s, %s\n' "$requests" "$rounds" "$(go env GOVERSION)" "$db"
	printf '%-8s %9s %9s %13s | %13s %13s %13s\n' round public padded authenticated "auth/public" "padded/public" "auth/padded"
	irow() {
		awk -v r="$1" -v p="$2" -v x="$3" -v a="$4" 'BEGIN {
			printf "%-8s %9.0f %9.0f %13.0f | %12.3fx %12.3fx %12.3fx\n", r, p, x, a, a / p, x / p, a / x
		}'
	}
	for round in $(seq "$rounds"); do
		pub=$(count "$api/public-notes/1")
		pad=$(count "$api/public-notes/1" -H "$padding")
		priv=$(count "$api/private-notes/1" -H "$auth")
		echo "$pub $pad $priv" >>"$tmp/rounds"
		irow "$round" "$pub" "$pad" "$priv"
	done
	if [ "$rounds" -gt 1 ]; then
		# shellcheck disable=SC2046 # one word per figure
		irow median $(column_medians "$tmp/rounds")
	fi
	printf 'token: %d bytes; Authorization header: %d bytes\n' "${#token}" "${#auth}"
	exit 0
fi

placement="$(nproc) cores"
[ "$pin" = 0 ] || placement="server and load on a core each"
printf '\n%s connections, bursts of %s requests for %s, %s, %s, %s\n' "$conns" "$burst" "$duration" "$placement" "$(go env GOVERSION)" "$db"
printf 'token: %d bytes; Authorization header: %d bytes\n' "${#token}" "${#auth}"
if ! interleave -pid "$pid" -duration "$duration" -burst "$burst" -conns "$conns" \
	-load "public $api/public-notes/1" \
	-load "padded $api/public-notes/1 $padding" \
	-load "authenticated $api/private-notes/1 $auth"; then
	echo "see $tmp/server.log" >&2
	exit 1
fi

printf '\nlogin (argon2id, m=19 MiB t=2 p=1), %s connections, %s\n' "$login_conns" "$login_duration"
read -r lrps lp99 lbad lcpu <<<"$(hey_load "$pid" "$api/auth/login" "$login_duration" "$login_conns" -m POST -T application/json -d "$login_body")"
printf 'login: %s logins/s, p99 %sms, %sms CPU per login, %s non-2xx\n' "$lrps" "$lp99" "$(awk -v c="$lcpu" 'BEGIN {printf "%.1f", c / 1000}')" "$lbad"
