#!/usr/bin/env bash
# Builds the dashboard (web/, Vite) into web/dist, which the C++ build embeds
# into `suanli serve` (src/suanli/server/CMakeLists.txt, SUANLI_WEB_DIST).
# Run it before cmake configures and builds; setup.sh and scripts/test.sh do.
#  - `npm ci` only when web/node_modules is missing or package-lock.json
#    changed since the last install (packages pinned by the lockfile);
#  - `vite build` into a scratch folder, then only files whose bytes changed
#    are copied into web/dist, so an unchanged dashboard does not make the C++
#    build re-embed and recompile it.
set -euo pipefail
cd "$(dirname "$0")/../web"

for tool in node npm; do
  if ! command -v "$tool" >/dev/null; then
    echo "suanli: '$tool' not found; the dashboard needs Node.js 18 or later (scripts/install-deps.sh installs it)" >&2
    exit 2
  fi
done

stamp=node_modules/.suanli-package-lock.json
if [[ ! -f $stamp ]] || ! cmp -s package-lock.json "$stamp"; then
  echo "suanli: npm ci (web/)" >&2
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json "$stamp"
fi

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
SUANLI_WEB_OUT="$scratch/dist" node node_modules/vite/bin/vite.js build --logLevel warn

mkdir -p dist
changed=0
while IFS= read -r -d '' f; do
  rel=${f#"$scratch/dist/"}
  if ! cmp -s "$f" "dist/$rel"; then
    mkdir -p "dist/$(dirname "$rel")"
    cp "$f" "dist/$rel"
    changed=$((changed + 1))
  fi
done < <(find "$scratch/dist" -type f -print0)
while IFS= read -r -d '' f; do
  rel=${f#dist/}
  if [[ ! -f "$scratch/dist/$rel" ]]; then
    rm -f "$f"
    changed=$((changed + 1))
  fi
done < <(find dist -type f -print0)
find dist -mindepth 1 -type d -empty -delete
echo "suanli: web/dist built ($changed files changed)" >&2
