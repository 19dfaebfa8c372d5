#!/bin/sh
# run.sh - make bench: every bench/*.sh (but this one and lib.sh), each
# timing strata beside its peers in the same run and printing ratios.
set -u
cd "$(dirname "$0")/.."
: "${BUILD:=build}"
export BUILD
echo "strata $("./$BUILD/strata" --version 2>/dev/null | cut -d' ' -f2) — $(nproc) cores, $(date -u +%Y-%m-%d)"
echo "(ratios: peer time / strata time; higher is better for strata)"
for b in bench/*.sh; do
	case "$b" in bench/run.sh|bench/lib.sh|bench/gen-*.sh) continue ;; esac
	echo
	echo "== $(basename "$b" .sh)"
	sh "$b" || echo "   ($b failed)"
done
