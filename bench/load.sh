#!/usr/bin/env bash
# HTTP load on a generated server: generates testdata/golden/one (one entity,
# Note), starts it on SQLite, seeds it, then runs hey at 32 connections for
# GET by id, list (limit 20) and POST, printing req/s, p99 and errors.
#
# Usage: bench/load.sh               (DURATION=30s CONNS=64 bench/load.sh)
set -euo pipefail
cd "$(dirname "$0")/.."

duration=${DURATION:-10s}
conns=${CONNS:-32}
if ! command -v hey >/dev/null; then
	echo "hey is missing; installing it" >&2
	apt-get install -y hey >/dev/null
fi

tmp=$(mktemp -d)
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

go build -o "$tmp/scaffold" ./cmd/scaffold
"$tmp/scaffold" new "$tmp/demo" --schema testdata/golden/one/scaffold.yaml >/dev/null
(cd "$tmp/demo" && go build -o "$tmp/server" ./cmd/server)

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
PORT=$port DATABASE_URL="sqlite:$tmp/app.db" LOG_LEVEL=error "$tmp/server" >"$tmp/server.log" 2>&1 &
pid=$!
for _ in $(seq 100); do
	curl -fsS "$base/readyz" >/dev/null 2>&1 && break
	sleep 0.1
done
curl -fsS "$base/readyz" >/dev/null || { cat "$tmp/server.log"; exit 1; }

body='{"title":"Load test","body":"Some text to store.","pinned":false}'
for _ in $(seq 100); do
	curl -fsS -o /dev/null -H 'Content-Type: application/json' -d "$body" "$base/api/v1/notes"
done

# load NAME HEY_ARGS... runs hey and keeps the figures that matter.
load() {
	local name=$1
	shift
	echo "== $name ($conns connections, $duration)"
	hey -z "$duration" -c "$conns" "$@" |
		awk '/Requests\/sec/ {print "  req/s " $2}
			/99% in/ {print "  p99 " $3 " s"}
			/Status code distribution/ {s=1; next}
			/Error distribution/ {s=0; e=1; print "  errors:"; next}
			s && NF {print "  status " $1 " " $2}
			e && NF {print "  " $0}
			END {if (!e) print "  errors: none"}'
}
load "GET by id" "$base/api/v1/notes/1"
load "list (limit 20)" "$base/api/v1/notes?limit=20"
load "POST" -m POST -T application/json -d "$body" "$base/api/v1/notes"
