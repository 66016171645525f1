# shellcheck shell=bash
# Shared by the load scripts of bench/: source it after setting tmp (a
# scratch directory).
: "${tmp:?set tmp to a scratch directory before sourcing bench/lib.sh}"

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
