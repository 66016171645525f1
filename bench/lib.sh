# shellcheck shell=bash
# Shared by the load scripts of bench/: source it after setting tmp (a
# scratch directory).
: "${tmp:?set tmp to a scratch directory before sourcing bench/lib.sh}"

# The admin URLs of the database servers, as for the end-to-end suite.
pg_url=${SCAFFOLD_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}
my_url=${SCAFFOLD_TEST_MYSQL_URL:-mysql://root@127.0.0.1:3306/}

# cpu_ticks PID prints the CPU time (user + system, in clock ticks) the
# process has used so far.
cpu_ticks() {
	awk '{print $14 + $15}' "/proc/$1/stat"
}

# hey_load PID URL DURATION CONNS HEY_ARGS... loads the server of process
# PID with hey and prints "req/s p99_ms non2xx cpu_us_per_request". The CPU
# time the server spent per request is the steadier figure on a busy
# machine: unlike req/s it does not depend on how much CPU other processes
# leave to the server.
hey_load() {
	local pid=$1 url=$2 d=$3 c=$4 before after
	shift 4
	before=$(cpu_ticks "$pid")
	hey -z "$d" -c "$c" "$@" "$url" >"$tmp/hey.out"
	after=$(cpu_ticks "$pid")
	awk -v ticks=$((after - before)) -v hz="$(getconf CLK_TCK)" '
		/Requests\/sec/ {rps = $2}
		/99% in/ {p99 = $3 * 1000}
		/Slowest:/ {slowest = $2 * 1000}
		/Status code distribution/ {s = 1; next}
		/Error distribution/ {s = 0; bad += 1}
		s && /\[[0-9]+\]/ {n += $2; code = substr($1, 2, 3); if (code !~ /^2/) bad += $2}
		END {
			# hey prints no 99th percentile for small runs; the slowest
			# request bounds it then.
			if (!p99) p99 = slowest
			printf "%.0f %.2f %d %.1f\n", rps, p99, bad, n ? ticks * 1e6 / hz / n : 0
		}' "$tmp/hey.out"
}

# column_medians FILE prints the median of each whitespace-separated column
# of FILE, on one line.
column_medians() {
	awk '
		function median(a, n,    i, j, t) {
			for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j-1] > a[j]; j--) {t = a[j]; a[j] = a[j-1]; a[j-1] = t}
			return n % 2 ? a[(n+1)/2] : (a[n/2] + a[n/2+1]) / 2
		}
		{n++; for (i = 1; i <= NF; i++) v[i, n] = $i; if (NF > cols) cols = NF}
		END {for (i = 1; i <= cols; i++) {for (k = 1; k <= n; k++) a[k] = v[i, k]; printf "%s ", median(a, n)}; print ""}' "$1"
}

# admin DB SQL runs one statement on the PostgreSQL or MySQL server.
admin() {
	case $1 in
	postgres) PGOPTIONS='-c client_min_messages=warning' psql -X -q -v ON_ERROR_STOP=1 -d "$pg_url" -c "$2" ;;
	mysql)
		python3 - "$my_url" "$2" <<-'PY'
			import os, subprocess, sys, urllib.parse
			u = urllib.parse.urlsplit(sys.argv[1])
			env = dict(os.environ, MYSQL_PWD=urllib.parse.unquote(u.password or ""))
			sys.exit(subprocess.call(["mariadb", "--protocol=TCP", "-h", u.hostname, "-P", str(u.port or 3306),
				"-u", urllib.parse.unquote(u.username or "root"), "-e", sys.argv[2]], env=env))
		PY
		;;
	esac
}

# database_url DB prints the DATABASE_URL of a fresh database, named
# $dbname on the servers (the caller registers it for dropping: this runs in
# a subshell).
dbname=scaffold_bench_$$
database_url() {
	local name=$dbname
	case $1 in
	sqlite) echo "sqlite:$tmp/$1.db" ;;
	postgres | mysql)
		admin "$1" "DROP DATABASE IF EXISTS $name" >/dev/null
		admin "$1" "CREATE DATABASE $name" >/dev/null
		local base=${pg_url%%\?*} query=
		[ "$1" = postgres ] && query=${pg_url#"$base"} || base=$my_url
		echo "${base%/*}/$name$query"
		;;
	*) echo "unknown database $1 (sqlite, postgres or mysql)" >&2; return 1 ;;
	esac
}

# free_port prints a TCP port of 127.0.0.1 that nothing listens on.
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
