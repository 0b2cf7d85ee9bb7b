#!/usr/bin/env bash
# Command one: install what suanli needs, build it in Release, and run its main
# job on the embedded default data.
set -euo pipefail
cd "$(dirname "$0")"

scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release

# The main job: what does a representative serving workload do on every chip
# in the catalog, imported and domestic?
exec build/release/src/suanli/cli/suanli estimate \
  --model llama-3.1-70b --task decode --batch 64 --input 2048 --output 256 --precision fp8
