#!/usr/bin/env bash
# Builds the fuzz preset (clang 14, libFuzzer, ASan + UBSan) and runs every
# fuzz target of tests/fuzz one after another, SECONDS each (default 60).
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]        e.g. scripts/fuzz.sh 600 scenario plan
#   SUANLI_FUZZ_ARGS=-runs=1000000 scripts/fuzz.sh 86400   stop each at a million executions
#
# The targets run through ctest (tests/fuzz/CMakeLists.txt has their command
# lines). New inputs accumulate in build/fuzz/fuzz-corpus/TARGET/ and are
# kept between runs; an input that breaks a target is written to
# build/fuzz/fuzz-artifacts/TARGET/ (copy it to tests/fuzz/regressions/TARGET/
# once fixed). Prints one line per target: executions, coverage (libFuzzer's
# cov and ft), and whether it found a defect; exits 1 if any did.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
shift || true
filter=()
if (($# > 0)); then
  filter=(-R "^fuzz\.($(IFS='|'; echo "$*"))\$")
fi

scripts/install-deps.sh
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j "$(nproc 2>/dev/null || echo 2)"

log=build/fuzz/fuzz-run.log
echo "== fuzzing ${*:-every target}, ${seconds} s each; log: $log"
status=0
SUANLI_FUZZ_SECONDS=$seconds ctest --preset fuzz -j 1 --timeout $((seconds * 2 + 600)) -V "${filter[@]}" >"$log" 2>&1 ||
  status=$?

# ctest -V prefixes each line of test N with "N: ".
printf "%-20s %12s  %-22s %s\n" target executions coverage result
awk '
  function id() { n = $1; sub(":", "", n); return n }
  / Test command: / && /fuzz_/ { t = $0; sub(/.*\/fuzz_/, "", t); sub(/["[:space:]].*/, "", t); name[id()] = t }
  / cov: [0-9]+ ft: [0-9]+/ { match($0, /cov: [0-9]+ ft: [0-9]+/); cov[id()] = substr($0, RSTART, RLENGTH) }
  /stat::number_of_executed_units:/ { execs[id()] = $NF }
  /ERROR: libFuzzer|ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:|suanli fuzz target/ { bad[id()] = 1 }
  END {
    for (n in name) printf "%-20s %12s  %-22s %s\n", name[n], execs[n], cov[n], bad[n] ? "DEFECT (see the log)" : "ok"
  }' "$log" | sort
exit "$status"
