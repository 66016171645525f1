#!/usr/bin/env bash
# The cost of authentication on a read: generates bench/auth.yaml (two
# entities with identical fields, PublicNote readable by anyone, PrivateNote
# only with a valid access token), serves it on SQLite, seeds both, signs in
# and loads GET by id of each side by side with hey at CONNS connections,
# alternating which goes first each round. Prints req/s, p99 and the server's
# CPU time per request of both, the ratios authenticated/public and, with
# several rounds, their medians and the median and quartiles of the rounds'
# CPU ratios; then login (argon2id) per second. The target: the
# authenticated GET costs at most 5% more than the public one. The CPU per
# request of one side moves by 10% or more from run to run on a shared
# machine, and the two sides of a round drift together: the per-round ratio
# of many short rounds is the steadier figure, hence the defaults.
# A third load, the public GET with an X-Padding header as long as the
# Authorization header, separates what the token's bytes cost the server
# (reading a longer request) from what checking it costs: the last column
# is the CPU ratio authenticated/padded.
# docs/benchmarks.md ("Auth") explains the method; this is not run by CI.
#
# Usage: bench/auth.sh
#   DURATION=4s CONNS=32 ROUNDS=15   load of the GET runs
#   LOGIN_DURATION=10s LOGIN_CONNS=8 load of the login run (each login
#                                    hashes with 19 MiB of memory)
set -euo pipefail
cd "$(dirname "$0")/.."

duration=${DURATION:-4s}
conns=${CONNS:-32}
rounds=${ROUNDS:-15}
login_duration=${LOGIN_DURATION:-10s}
login_conns=${LOGIN_CONNS:-8}

if ! command -v hey >/dev/null; then
	echo "hey is missing: install it with apt-get install -y hey" >&2
	exit 1
fi

tmp=$(mktemp -d)
# shellcheck source=bench/lib.sh
. bench/lib.sh
pid=
cleanup() {
	if [ -n "$pid" ]; then
		kill -TERM "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	fi
	chmod -R u+w "$tmp" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

echo "generating and building bench/auth.yaml"
go build -o "$tmp/scaffold" ./cmd/scaffold
"$tmp/scaffold" new "$tmp/authbench" --schema bench/auth.yaml >/dev/null
(cd "$tmp/authbench" && go build -o "$tmp/server" ./cmd/server)

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
api="http://127.0.0.1:$port/api/v1"
password='a benchmark password that is long enough'
email=bench@example.com
# Production settings, as a deployment would run; the auth rate limit is
# lifted so that the login run measures hashing, not the limiter.
secret=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
export DATABASE_URL="sqlite:$tmp/app.db" APP_ENV=production LOG_LEVEL=error AUTO_MIGRATE=true \
	JWT_SECRET="$secret" \
	AUTH_RATE_LIMIT_PER_MINUTE=100000000 AUTH_RATE_LIMIT_BURST=100000000
PORT=$port "$tmp/server" >"$tmp/server.log" 2>&1 &
pid=$!
for _ in $(seq 100); do
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

# load URL DURATION CONNS HEY_ARGS... loads the generated server (see
# hey_load in lib.sh).
load() {
	hey_load "$pid" "$@"
}

header() {
	printf '%-8s %9s %9s %8s | %9s %9s %8s | %7s %7s %7s | %8s %7s\n' round "req/s" p99 "cpu/req" "req/s" p99 "cpu/req" "req/s" p99 "cpu/req" "cpu/req" "cpu"
	printf '%-8s %28s | %28s | %23s | %16s\n' "" "public GET by id" "authenticated GET by id" "ratio authenticated/public" "padded public"
}
row() {
	awk -v r="$1" -v pr="$2" -v pp="$3" -v pc="$4" -v ar="$5" -v ap="$6" -v ac="$7" -v xc="$8" 'BEGIN {
		printf "%-8s %9.0f %7.1fms %6.1fus | %9.0f %7.1fms %6.1fus | %6.3fx %6.3fx %6.3fx | %6.1fus %6.3fx\n",
			r, pr, pp, pc, ar, ap, ac, ar / pr, ap / pp, ac / pc, xc, ac / xc
	}'
}

printf '\n%s connections, %s per run, %s round(s), %s cores, %s, SQLite\n' "$conns" "$duration" "$rounds" "$(nproc)" "$(go env GOVERSION)"
header
for round in $(seq "$rounds"); do
	if [ $((round % 2)) -eq 1 ]; then
		pub=$(load "$api/public-notes/1" "$duration" "$conns")
		priv=$(load "$api/private-notes/1" "$duration" "$conns" -H "$auth")
		pad=$(load "$api/public-notes/1" "$duration" "$conns" -H "$padding")
	else
		pad=$(load "$api/public-notes/1" "$duration" "$conns" -H "$padding")
		priv=$(load "$api/private-notes/1" "$duration" "$conns" -H "$auth")
		pub=$(load "$api/public-notes/1" "$duration" "$conns")
	fi
	read -r prps pp99 pbad pcpu <<<"$pub"
	read -r arps ap99 abad acpu <<<"$priv"
	read -r _ _ xbad xcpu <<<"$pad"
	if [ "$pbad" != 0 ] || [ "$abad" != 0 ] || [ "$xbad" != 0 ]; then
		echo "non-2xx or errors: public $pbad, authenticated $abad, padded $xbad (see $tmp/server.log)" >&2
		exit 1
	fi
	printf '%s %s %s %s %s %s %s\n' "$prps" "$pp99" "$pcpu" "$arps" "$ap99" "$acpu" "$xcpu" >>"$tmp/rounds"
	row "$round" "$prps" "$pp99" "$pcpu" "$arps" "$ap99" "$acpu" "$xcpu"
done
if [ "$rounds" -gt 1 ]; then
	# The median of each figure over the rounds: one round disturbed by
	# another process does not move it.
	# shellcheck disable=SC2046 # one word per figure
	row median $(awk '
		function median(a, n,    i, j, t) {
			for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j-1] > a[j]; j--) {t = a[j]; a[j] = a[j-1]; a[j-1] = t}
			return n % 2 ? a[(n+1)/2] : (a[n/2] + a[n/2+1]) / 2
		}
		{n++; for (i = 1; i <= 7; i++) v[i, n] = $i}
		END {for (i = 1; i <= 7; i++) {for (k = 1; k <= n; k++) a[k] = v[i, k]; printf "%s ", median(a, n)}; print ""}' "$tmp/rounds")
	# Each round loads both sides within seconds of each other, so its
	# ratio cancels what drifts over the run; the median of those ratios
	# and their quartiles show what one round's noise hides.
	awk '
		function sort(a, n,    i, j, t) {
			for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j-1] > a[j]; j--) {t = a[j]; a[j] = a[j-1]; a[j-1] = t}
		}
		function quantile(a, n, q,    h, l) {
			h = (n - 1) * q + 1; l = int(h)
			return l >= n ? a[n] : a[l] + (h - l) * (a[l+1] - a[l])
		}
		{n++; pub[n] = $6 / $3; pad[n] = $6 / $7}
		END {
			sort(pub, n); sort(pad, n)
			printf "\nCPU ratio of the %d rounds, median (quartiles):\n", n
			printf "  authenticated/public  %.3fx (%.3fx to %.3fx)\n", quantile(pub, n, .5), quantile(pub, n, .25), quantile(pub, n, .75)
			printf "  authenticated/padded  %.3fx (%.3fx to %.3fx)\n", quantile(pad, n, .5), quantile(pad, n, .25), quantile(pad, n, .75)
		}' "$tmp/rounds"
fi

printf '\nlogin (argon2id, m=19 MiB t=2 p=1), %s connections, %s\n' "$login_conns" "$login_duration"
read -r lrps lp99 lbad lcpu <<<"$(load "$api/auth/login" "$login_duration" "$login_conns" -m POST -T application/json -d "$login_body")"
printf 'login: %s logins/s, p99 %sms, %sms CPU per login, %s non-2xx\n' "$lrps" "$lp99" "$(awk -v c="$lcpu" 'BEGIN {printf "%.1f", c / 1000}')" "$lbad"
