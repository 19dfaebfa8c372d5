#!/bin/sh
# seed-corpus.sh DIR - fills DIR with seed inputs for fuzz_psl: every .prisma
# file of the corpus ($STRATA_CORPUS, default ../shared/corpus) and the
# formatter's hand cases (tests/fixtures/format-cases).  Corpus files over
# 32 KiB are also cut at block boundaries into pieces of about 8 KiB, and
# only the pieces are kept: libFuzzer's input length limit is the largest
# seed, and inputs of a few KiB give it a hundred times more executions
# per second than whole 300 KiB schemas.  Existing files in DIR are kept.
set -eu
dir=${1:?usage: seed-corpus.sh DIR}
root=$(cd "$(dirname "$0")/../.." && pwd)
corpus=${STRATA_CORPUS:-$root/../shared/corpus}
mkdir -p "$dir"
n=0
if [ -d "$corpus" ]; then
	for f in $(cd "$corpus" && find . -name '*.prisma' | sort); do
		name=corpus_$(printf '%s' "${f#./}" | tr '/ ' '__')
		size=$(wc -c < "$corpus/$f")
		if [ "$size" -le 32768 ]; then
			install -m 644 "$corpus/$f" "$dir/seed_$name"
			n=$((n + 1))
			continue
		fi
		# pieces: a new piece starts at a top-level block once the
		# current one holds 8 KiB
		before=$(ls "$dir" | wc -l)
		awk -v out="$dir/seed_${name}_part" '
			BEGIN { part = 0; size = 0; file = out part }
			/^(model|enum|view|type|datasource|generator) / && size > 8192 {
				close(file); part++; size = 0; file = out part
			}
			{ print > file; size += length($0) + 1 }
		' "$corpus/$f"
		n=$((n + $(ls "$dir" | wc -l) - before))
	done
else
	echo "seed-corpus.sh: no corpus at $corpus (set STRATA_CORPUS); using fixtures only" >&2
fi
for f in "$root"/tests/fixtures/format-cases/*.prisma; do
	[ -f "$f" ] || continue
	install -m 644 "$f" "$dir/seed_case_$(basename "$f")"
	n=$((n + 1))
done
echo "seed-corpus.sh: $n seed files in $dir"
