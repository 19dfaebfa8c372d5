# lib.sh - timing helpers for make bench (sourced by bench/*.sh).
#
#   t=$(bench_ms 5 cmd args...)   median wall time in ms over N runs
#   bench_ratio NAME STRATA_MS PEER_NAME PEER_MS
#
# Timings are printed, never asserted: ratios against a peer measured in
# the same run are what matters (README shows them).
set -u
B_ROOT=$(cd "$(dirname "$0")/.." && pwd)
: "${BUILD:=build}"
: "${STRATA:=$B_ROOT/$BUILD/strata}"
: "${STRATA_CORPUS:=$B_ROOT/../shared/corpus}"
: "${STRATA_ORACLE:=$B_ROOT/../shared/prisma-oracle}"
B_TMP=${B_TMP:-$(mktemp -d "${TMPDIR:-/tmp}/strata-bench.XXXXXX")}
chmod 755 "$B_TMP"

now_ns() { date +%s%N; }

# bench_ms N cmd...: median of N runs, in milliseconds (3 decimals)
bench_ms() {
	n=$1
	shift
	: >"$B_TMP/times"
	i=0
	while [ $i -lt "$n" ]; do
		s=$(now_ns)
		"$@" >/dev/null 2>&1
		e=$(now_ns)
		echo $(( (e - s) / 1000 )) >>"$B_TMP/times"
		i=$((i + 1))
	done
	sort -n "$B_TMP/times" | awk '{a[NR]=$1} END {m=a[int((NR+1)/2)]; printf "%.3f\n", m/1000}'
}

# bench_row LABEL STRATA_MS [PEER LABEL PEER_MS]...
bench_row() {
	label=$1
	ms=$2
	shift 2
	line=$(printf '%-48s strata %10.2f ms' "$label" "$ms")
	while [ $# -ge 2 ]; do
		ratio=$(awk -v a="$2" -v b="$ms" 'BEGIN { if (b > 0) printf "%.1fx", a / b; else print "-" }')
		line="$line | $1 $(printf '%10.2f' "$2") ms ($ratio)"
		shift 2
	done
	echo "$line"
}

# bench_pg_start: a throwaway cluster for benches; sets B_PGPORT, B_URL_BASE
bench_pg_start() {
	B_PGDIR="$B_TMP/pg"
	B_PGPORT=$(sh "$B_ROOT/tests/pg/cluster.sh" start "$B_PGDIR") || exit 1
	B_URL_BASE="postgresql://postgres@127.0.0.1:$B_PGPORT"
	trap 'sh "$B_ROOT/tests/pg/cluster.sh" stop "$B_PGDIR" >/dev/null 2>&1; rm -rf "$B_TMP"' EXIT
}

bench_psql() {
	psql -X -q -h 127.0.0.1 -p "$B_PGPORT" -U postgres "$@"
}
