# lib.sh - timing helpers for make bench (sourced by bench/*.sh).
#
#   t=$(bench_ms 5 cmd args...)   median wall time in ms over N runs
#   bench_run N [BUDGET_MS] [-o OUT] -- cmd args...
#                                 runs cmd through $BUILD/maxrss (fork +
#                                 exec + wait4, no shell): sets B_WALL
#                                 (median ms), B_CPU (median user+sys ms),
#                                 B_RSS (peak kB) and B_RC (exit status);
#                                 BUDGET_MS caps N for slow peers
#   bench_row NAME STRATA_MS [PEER PEER_MS]...
#   bench_row_m NAME STRATA_MS STRATA_CPU STRATA_KB [PEER PEER_MS PEER_CPU PEER_KB]...
#                                 the same with CPU time and peak memory;
#                                 a PEER_MS of "-" prints "PEER unavailable"
#   bench_oracle                  0 when the Prisma oracle can run (set up
#                                 from npm if needed), else 1 with the
#                                 reason in B_ORACLE_WHY
#   bench_oracle_pg               the PostgreSQL the oracle needs (port
#                                 $PRISMA_REF_PORT, default 55432): reuses
#                                 a running one, else starts a throwaway
#                                 one stopped on exit
#   bench_at_exit 'cmd'           cleanup run when the script exits
#
# Timings are printed, never asserted: ratios against a peer measured in
# the same run are what matters (README shows them).  When BENCH_MD names
# a file, bench_row_m also appends a Markdown table row to it.
# shellcheck disable=SC2034 # B_* results are read by the sourcing bench
set -u
B_ROOT=${B_ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
: "${BUILD:=build}"
case "$BUILD" in /*) B_BUILD=$BUILD ;; *) B_BUILD=$B_ROOT/$BUILD ;; esac
: "${STRATA:=$B_BUILD/strata}"
: "${STRATA_CORPUS:=$(cd "$B_ROOT/../shared/corpus" 2>/dev/null && pwd || echo "$B_ROOT/../shared/corpus")}"
: "${STRATA_ORACLE:=$(cd "$B_ROOT/../shared/prisma-oracle" 2>/dev/null && pwd || echo "$B_ROOT/../shared/prisma-oracle")}"
if [ -z "${B_TMP:-}" ]; then
	B_TMP=$(mktemp -d "${TMPDIR:-/tmp}/strata-bench.XXXXXX")
	B_TMP_OWNED=1
else
	B_TMP_OWNED=0
fi
chmod 755 "$B_TMP" # the postgres OS user must reach clusters in it

# ---- cleanup: one EXIT trap running every registered command, then B_TMP
B_CLEANUP=""
bench_at_exit() { B_CLEANUP="$1; $B_CLEANUP"; }
bench__cleanup() {
	trap - EXIT INT TERM
	eval "$B_CLEANUP" >/dev/null 2>&1
	[ "$B_TMP_OWNED" = 1 ] && rm -rf "$B_TMP"
}
trap bench__cleanup EXIT
trap 'bench__cleanup; exit 130' INT TERM

now_ns() { date +%s%N; }

# bench__newer A B: A is newer than B (POSIX test has no -nt)
bench__newer() { [ -n "$(find "$1" -newer "$2" 2>/dev/null)" ]; }

# ---- the measuring wrapper, compiled on the fly into $BUILD
B_MAXRSS="$B_BUILD/maxrss"
if [ ! -x "$B_MAXRSS" ] || bench__newer "$B_ROOT/bench/maxrss.c" "$B_MAXRSS"; then
	mkdir -p "$B_BUILD"
	# shellcheck disable=SC2015
	${CC:-cc} -O2 -o "$B_MAXRSS.tmp.$$" "$B_ROOT/bench/maxrss.c" 2>"$B_TMP/maxrss.err" &&
		mv "$B_MAXRSS.tmp.$$" "$B_MAXRSS" ||
		{ echo "   (bench/maxrss.c did not compile: no peak memory)" >&2; B_MAXRSS=""; }
fi

# bench_run N [BUDGET_MS] [-o OUT] -- cmd...: sets B_WALL B_CPU B_RSS B_RC
bench_run() {
	br_n=$1
	br_budget=0
	br_out=/dev/null
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		case "$1" in
		-o) br_out=$2; shift 2 ;;
		*) br_budget=$1; shift ;;
		esac
	done
	[ $# -gt 0 ] && shift
	if [ -n "$B_MAXRSS" ]; then
		# shellcheck disable=SC2046
		set -- $("$B_MAXRSS" -n "$br_n" -b "$br_budget" -o "$br_out" -- "$@")
		B_WALL=${1:--} B_CPU=${2:--} B_RSS=${3:--} B_RC=${4:-1}
	else
		B_WALL=$(bench_ms "$br_n" "$@") B_CPU=- B_RSS=- B_RC=0
		"$@" >"$br_out" 2>/dev/null || B_RC=$?
	fi
}

# bench_ms N cmd...: median of N runs, in milliseconds (3 decimals)
bench_ms() {
	n=$1
	shift
	case "$(command -v "$1" 2>/dev/null)" in
	/*)
		if [ -n "$B_MAXRSS" ]; then # an executable: no `date` forks in the timing
			"$B_MAXRSS" -n "$n" -- "$@" | cut -d' ' -f1
			return
		fi ;;
	esac
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

# bench_ratio PEER_MS STRATA_MS: "123.4x" or "-"
bench_ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN {
		if (a ~ /^[0-9.]+$/ && b ~ /^[0-9.]+$/ && b > 0) printf "%.1fx", a / b; else print "-" }'
}
# bench_mb KB: "12.3 MB" or "-"
bench_mb() {
	awk -v k="$1" 'BEGIN { if (k ~ /^[0-9]+$/) printf "%.1f MB", k / 1024; else print "-" }'
}
bench_fmt_ms() {
	awk -v t="$1" 'BEGIN { if (t ~ /^[0-9.]+$/) printf "%.2f", t; else printf "%s", t }'
}

# bench_row LABEL STRATA_MS [PEER PEER_MS]...
bench_row() {
	label=$1
	ms=$2
	shift 2
	line=$(printf '%-48s strata %10s ms' "$label" "$(bench_fmt_ms "$ms")")
	while [ $# -ge 2 ]; do
		if [ "$2" = - ]; then
			line="$line | $1 unavailable"
		else
			line="$line | $1 $(printf '%10s' "$(bench_fmt_ms "$2")") ms ($(bench_ratio "$2" "$ms"))"
		fi
		shift 2
	done
	echo "$line"
}

# bench_row_m LABEL STRATA_MS STRATA_CPU_MS STRATA_KB [PEER PEER_MS PEER_CPU_MS PEER_KB]...
# (wall ms, CPU ms = user+sys of the process tree, peak kB; ratio on wall
# time, and on CPU time in brackets)
bench_row_m() {
	label=$1
	ms=$2
	cpu=$3
	kb=$4
	shift 4
	line=$(printf '%-42s strata %9s ms (cpu %s) %8s' "$label" "$(bench_fmt_ms "$ms")" \
		"$(bench_fmt_ms "$cpu")" "$(bench_mb "$kb")")
	md="| $label | $(bench_fmt_ms "$ms") | $(bench_fmt_ms "$cpu") | $(bench_mb "$kb") |"
	while [ $# -ge 4 ]; do
		if [ "$2" = - ]; then
			line="$line | $1 unavailable"
			md="$md $1 unavailable | | | | |"
		else
			line="$line | $1 $(printf '%9s' "$(bench_fmt_ms "$2")") ms (cpu $(bench_fmt_ms "$3")) $(printf '%8s' "$(bench_mb "$4")") => $(bench_ratio "$2" "$ms") ($(bench_ratio "$3" "$cpu") cpu)"
			md="$md $(bench_fmt_ms "$2") | $(bench_fmt_ms "$3") | $(bench_mb "$4") | **$(bench_ratio "$2" "$ms")** | $(bench_ratio "$3" "$cpu") |"
		fi
		shift 4
	done
	echo "$line"
	[ -n "${BENCH_MD:-}" ] && echo "$md" >>"$BENCH_MD"
	return 0
}

# ---- the Prisma oracle (real Prisma CLI, /work/shared/prisma-oracle)
# bench_oracle: 0 when usable (B_ORACLE_OK cached in the environment, so
# run.sh checks once for every bench), else 1 and B_ORACLE_WHY.
bench_oracle() {
	if [ -z "${B_ORACLE_OK:-}" ]; then
		B_ORACLE_OK=0
		if [ ! -f "$STRATA_ORACLE/setup.sh" ]; then
			B_ORACLE_WHY="oracle not found at $STRATA_ORACLE"
		elif ! command -v node >/dev/null 2>&1 || ! command -v bash >/dev/null 2>&1; then
			B_ORACLE_WHY="node is not installed"
		elif ! bash "$STRATA_ORACLE/setup.sh" >"$B_TMP/oracle-setup.log" 2>&1; then
			B_ORACLE_WHY="oracle setup failed (npm registry unreachable?), see $STRATA_ORACLE/setup.sh"
		else
			B_ORACLE_OK=1
		fi
		export B_ORACLE_OK B_ORACLE_WHY
	fi
	[ "$B_ORACLE_OK" = 1 ]
}

# bench_oracle_pg: a PostgreSQL on $PRISMA_REF_PORT for the oracle (the wasm
# engine connects even for schema-only diffs); 1 when none can be had.
bench_oracle_pg() {
	: "${PRISMA_REF_PORT:=55432}"
	export PRISMA_REF_PORT
	bench__port_open "$PRISMA_REF_PORT" && return 0
	B_ORACLE_PGDIR="$B_TMP/oracle-pg"
	# 55432 first; another port when that one is taken by something else
	for port in "$PRISMA_REF_PORT" 55442 55452; do
		if bash "$STRATA_ORACLE/pg-throwaway.sh" start "$port" "$B_ORACLE_PGDIR" >/dev/null 2>"$B_TMP/oracle-pg.err"; then
			bench_at_exit "bash '$STRATA_ORACLE/pg-throwaway.sh' stop '$B_ORACLE_PGDIR'"
			PRISMA_REF_PORT=$port
			return 0
		fi
		bash "$STRATA_ORACLE/pg-throwaway.sh" stop "$B_ORACLE_PGDIR" >/dev/null 2>&1
	done
	B_ORACLE_OK=0
	B_ORACLE_WHY="no PostgreSQL for the oracle on port $PRISMA_REF_PORT ($(tail -n 1 "$B_TMP/oracle-pg.err"))"
	export B_ORACLE_OK B_ORACLE_WHY
	return 1
}

bench__port_open() {
	if command -v pg_isready >/dev/null 2>&1; then
		pg_isready -q -h 127.0.0.1 -p "$1" -t 2
	else
		bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null
	fi
}

# ---- a throwaway cluster for benches that need their own database
# bench_pg_start: sets B_PGPORT, B_URL_BASE, B_PGDIR (stopped on exit)
bench_pg_start() {
	B_PGDIR="$B_TMP/pg"
	B_PGPORT=$(sh "$B_ROOT/tests/pg/cluster.sh" start "$B_PGDIR") || exit 1
	B_URL_BASE="postgresql://postgres@127.0.0.1:$B_PGPORT"
	bench_at_exit "sh '$B_ROOT/tests/pg/cluster.sh' stop '$B_PGDIR'"
}

bench_psql() {
	psql -X -q -h 127.0.0.1 -p "$B_PGPORT" -U postgres "$@"
}

# ---- strata's in-process pipeline timer (bench/psl_bench.c)
# bench_psl_bench: builds $BUILD/psl_bench against $BUILD/libstrata.a
# (running make for the library when it is missing); sets B_PSL_BENCH, or
# leaves it empty when it cannot be built.
bench_psl_bench() {
	B_PSL_BENCH="$B_BUILD/psl_bench"
	if [ ! -f "$B_BUILD/libstrata.a" ]; then
		make -C "$B_ROOT" BUILD="$BUILD" "$BUILD/libstrata.a" >"$B_TMP/make.log" 2>&1 ||
			{ B_PSL_BENCH=""; return 1; }
	fi
	if [ ! -x "$B_PSL_BENCH" ] || bench__newer "$B_ROOT/bench/psl_bench.c" "$B_PSL_BENCH" ||
		bench__newer "$B_BUILD/libstrata.a" "$B_PSL_BENCH"; then
		# shellcheck disable=SC2015
		${CC:-cc} -std=c17 -O2 -g -D_GNU_SOURCE -I"$B_ROOT/include" -I"$B_ROOT/src" \
			-I"$B_BUILD/gen" -I"$(pg_config --includedir 2>/dev/null || echo /usr/include/postgresql)" \
			-o "$B_PSL_BENCH.tmp.$$" "$B_ROOT/bench/psl_bench.c" "$B_BUILD/libstrata.a" \
			-ldl -lpthread -lm \
			>"$B_TMP/psl_bench.err" 2>&1 &&
			mv "$B_PSL_BENCH.tmp.$$" "$B_PSL_BENCH" ||
			{ rm -f "$B_PSL_BENCH.tmp.$$"; B_PSL_BENCH=""; return 1; }
	fi
	return 0
}

# bench_inputs: B_CIVITAI and B_GEN5000 (in B_TMP), the corpus's largest
# schema and a generated 5000-model one, as copies Prisma 7 accepts when
# the oracle is usable (both tools are timed on the same files).
bench_inputs() {
	B_CIVITAI="$B_TMP/civitai.prisma"
	B_GEN5000="$B_TMP/gen5000.prisma"
	sh "$B_ROOT/bench/gen-schema.sh" 5000 >"$B_TMP/gen5000.raw.prisma"
	src="$STRATA_CORPUS/civitai/schema.prisma"
	if [ ! -f "$src" ]; then
		echo "   (corpus schema $src is missing: civitai rows skipped)"
		B_CIVITAI=""
	fi
	if bench_oracle; then
		[ -n "$B_CIVITAI" ] && { bash "$STRATA_ORACLE/sanitize-for-prisma7.sh" "$src" "$B_CIVITAI" >/dev/null 2>&1 || cp "$src" "$B_CIVITAI"; }
		bash "$STRATA_ORACLE/sanitize-for-prisma7.sh" "$B_TMP/gen5000.raw.prisma" "$B_GEN5000" >/dev/null 2>&1 ||
			cp "$B_TMP/gen5000.raw.prisma" "$B_GEN5000"
	else
		[ -n "$B_CIVITAI" ] && cp "$src" "$B_CIVITAI"
		cp "$B_TMP/gen5000.raw.prisma" "$B_GEN5000"
	fi
}

# bench_inproc_row LABEL STAGE "SUBSTAGES" FILE: a row from psl_bench's
# output (STAGE MEDIAN MIN CPU lines), with the substages' medians
bench_inproc_row() {
	awk -v label="$1" -v st="$2" -v subs="$3" -v md="${BENCH_MD:-}" '
		{ med[$1] = $2; min[$1] = $3; cpu[$1] = $4; n++ }
		END {
			k = split(subs, s, " ")
			detail = ""
			for (i = 1; i <= k; i++)
				detail = detail sprintf("%s%s %.2f", i > 1 ? " + " : "", s[i], med[s[i]])
			printf "%-42s strata %9.2f ms (cpu %.2f; min %.2f; %s), in-process\n",
				label, med[st], cpu[st], min[st], detail
			if (md != "")
				printf "| %s, in-process | %.2f | %.2f | | | | | | |\n", label, med[st], cpu[st] >>md
		}' "$4"
}
