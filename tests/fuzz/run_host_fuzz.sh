#!/usr/bin/env bash
# Runs one host fuzz target (tests/fuzz/host) the way `make test` does: a fixed seed, a fixed
# number of inputs (never a time: no test depends on the machine's speed), a fresh corpus
# directory under the build tree (libFuzzer writes what it finds into the first corpus directory,
# never into the source tree) seeded from the committed hand-made corpus if there is one, and
# crash files under build/tests/fuzz/artifacts/.
#
#   run_host_fuzz.sh <binary> <work dir> <seed corpus dir or -> [libFuzzer options...]
#
# The long runs (docs/fuzzing.md) call the binary directly with -max_total_time.
set -euo pipefail
bin=$1 work=$2 seeds=$3
shift 3
name=$(basename "$bin")
rm -rf "$work/corpus_$name"
mkdir -p "$work/corpus_$name" "$work/artifacts"
dirs=("$work/corpus_$name")
[ "$seeds" != "-" ] && [ -d "$seeds" ] && dirs+=("$seeds")
exec "$bin" -seed=1 -max_len=4096 -len_control=0 -print_final_stats=1 \
     -artifact_prefix="$work/artifacts/$name-" "$@" "${dirs[@]}"
