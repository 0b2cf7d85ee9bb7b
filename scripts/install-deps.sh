#!/usr/bin/env bash
# Installs the Debian packages suanli builds and tests with (Debian 12, as root).
# Does nothing when they are all present, so it is cheap to call every time.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libyaml-dev nlohmann-json3-dev libfmt-dev libcli11-dev
  coinor-libcbc-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  # the live service: HTTP, stores (SQLite, PostgreSQL through libpqxx), token hashing
  libcpp-httplib-dev libsqlite3-dev libpqxx-dev libssl-dev
  # the live-service tests start a private PostgreSQL server and read SQLite files
  postgresql-15 sqlite3
  # The dashboard's browser test (web/tests/e2e): Debian's Chromium, driven by
  # Playwright from npm, and exactly one CJK font so Chinese renders (and
  # screenshots stay comparable: never add a second CJK font set).
  chromium fonts-wqy-microhei
  # tests: emitters for the round trips of input_formats_test (Debian's yq is
  # the Python jq wrapper, writing YAML with PyYAML)
  python3-yaml yq
  # fuzzing (the fuzz preset, scripts/fuzz.sh): clang 14 and its libFuzzer runtime
  clang libclang-rt-14-dev
  # the Slurm bridge's lab and tests (scripts/slurm/lab.sh): a real Slurm 22.05 on this machine,
  # job_submit.lua with lua-socket and lua-cjson, slurmrestd with JWT, slurmdbd on a private MariaDB
  slurm-wlm slurm-wlm-basic-plugins slurmrestd slurm-wlm-jwt-plugin munge
  slurmdbd slurm-wlm-mysql-plugin mariadb-server lua-socket lua-cjson curl iproute2
)
# Node.js builds the dashboard (scripts/build-web.sh). Debian's nodejs and npm
# only when no node is installed: next to another Node.js (e.g. NodeSource's,
# which bundles npm) Debian's npm package conflicts and must not be added.
if ! command -v node >/dev/null; then
  packages+=(nodejs npm)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  exit 0
fi

echo "suanli: installing ${missing[*]}" >&2
sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
