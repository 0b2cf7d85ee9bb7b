#!/usr/bin/env bash
# Command two: the whole test suite.
#  0. The dashboard (web/dist), which the server embeds.
#  1. Release build with warnings as errors, then every test (ctest),
#     the dashboard's browser test in headless Chromium included (web.*).
#  2. The same tests under AddressSanitizer + UndefinedBehaviorSanitizer.
#  3. A smoke run of every fuzz target (clang, libFuzzer, 3 s each).
# Prints ctest's summary for each; exits non-zero if anything fails.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
echo "== dashboard build (web/dist, embedded by the C++ build)"
scripts/build-web.sh

jobs=$(nproc 2>/dev/null || echo 2)

echo "== release build (warnings are errors)"
cmake --preset release >/dev/null
cmake --build --preset release -j "$jobs"
echo "== release tests"
ctest --preset release

echo "== sanitizer build (address, undefined)"
cmake --preset asan >/dev/null
cmake --build --preset asan -j "$jobs"
echo "== sanitizer tests"
ctest --preset asan

echo "== fuzz build (clang, libFuzzer, address + undefined)"
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j "$jobs"
echo "== fuzz smoke (each target 3 s; scripts/fuzz.sh runs longer)"
ctest --preset fuzz
