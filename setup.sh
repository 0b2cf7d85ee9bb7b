#!/usr/bin/env bash
# Command one: install what suanli needs, build it in Release, and run its main
# job on the embedded default data.
set -euo pipefail
cd "$(dirname "$0")"

scripts/install-deps.sh
scripts/build-web.sh  # the dashboard, before the C++ build embeds it
cmake --preset release >/dev/null
cmake --build --preset release

# The main job: simulate the embedded h200-window scenario (a provincial AI
# computing centre through the H200 licence window of December 2025) with the
# sovereign scheduler and the two baselines; writes suanli-report.html.
exec build/release/src/suanli/cli/suanli demo
