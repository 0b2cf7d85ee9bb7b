#!/usr/bin/env bash
# The latency suanli's admission plugin adds to one sbatch (issue 10): a
# benchmark, not a test; it asserts nothing.
#
#   bench/slurm_sbatch_latency.sh [N] [--suanli BIN]      (root; N submissions per phase, default 300)
#
# Starts a lab (scripts/slurm/lab.sh, no accounting) in a temporary folder,
# then times N sbatch calls, end to end (the sbatch process, slurmctld,
# job_submit.lua, and for the plugin phase the HTTP call to suanli serve and
# its durable commit), in two phases on the same cluster, run in six
# alternating blocks so that other load on the machine falls on both alike:
#   baseline  job_submit.lua replaced by one that admits at once
#   plugin    the real plugin: every submission judged by suanli
# and prints p50/p99 of each and the difference. The jobs are one-GPU
# `true` embedding jobs of the critical tenant (bge-m3, CANN: placed on an
# Ascend device, run and gone at once; some are held and released as others end).
# Stops the lab and removes the folder at the end.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
N=300
SUANLI_ARG=()
while (($#)); do
  case $1 in
    --suanli) SUANLI_ARG=(--suanli "$2"); shift 2 ;;
    *) N=$1; shift ;;
  esac
done
lab=$(mktemp -d /tmp/suanli-sbatch-bench-XXXXXX)
chmod 755 "$lab"
cleanup() { "$repo/scripts/slurm/lab.sh" down --dir "$lab/lab" >/dev/null 2>&1 || true; rm -rf "$lab"; }
trap cleanup EXIT
"$repo/scripts/slurm/lab.sh" up --dir "$lab/lab" --accounting 0 "${SUANLI_ARG[@]}" >/dev/null
export SLURM_CONF=$lab/lab/etc/slurm.conf
cd "$lab/lab/jobs"

stats() {  # name file(ms per line)
  sort -n "$2" | awk -v name="$1" '{a[NR]=$1} END {
    p50=a[int(NR*0.50+0.5)]; p99=a[int(NR*0.99+0.5)]; if (p99=="") p99=a[NR];
    printf "%-9s n=%d  p50 %.1f ms  p99 %.1f ms  max %.1f ms\n", name, NR, p50, p99, a[NR] }'
}
percentile() { sort -n "$1" | awk -v q="$2" '{a[NR]=$1} END {v=a[int(NR*q+0.5)]; if (v=="") v=a[NR]; print v}'; }

run_block() {  # file count: appends the times of `count` submissions
  local i t0 t1
  for ((i = 0; i < $2; i++)); do
    t0=$EPOCHREALTIME
    sbatch --parsable -A grid --gres=gpu:1 --comment=suanli:model=bge-m3,kind=batch-infer,stacks=cann,work_tokens=1e6 \
      -o /dev/null --wrap true >/dev/null
    t1=$EPOCHREALTIME
    echo "$t0 $t1" >>"$1.raw"
  done
}
use_plugin() {  # passthrough|suanli: slurmctld reloads job_submit.lua when its time changes
  if [[ $1 == suanli ]]; then cp "$lab/plugin.lua" "$plugin"; else cp "$lab/passthrough.lua" "$plugin"; fi
  sleep 1.1
  touch "$plugin"
  # Probe until the wanted one answers: suanli refuses a tenant it does not know, the passthrough admits it.
  local id
  for _ in $(seq 50); do
    if id=$(sbatch --parsable -A no-such-tenant --gres=gpu:1 --comment=suanli:class=x -o /dev/null --wrap true 2>/dev/null); then
      scancel "$id"
      [[ $1 == passthrough ]] && return
    else
      [[ $1 == suanli ]] && return
    fi
    sleep 0.2
  done
  echo "bench: job_submit.lua did not switch to $1" >&2
  exit 1
}

plugin=$lab/lab/etc/job_submit.lua
cp "$plugin" "$lab/plugin.lua"
printf 'function slurm_job_submit(j, p, u) return slurm.SUCCESS end\nfunction slurm_job_modify(j, r, p, u) return slurm.SUCCESS end\n' \
  >"$lab/passthrough.lua"
# Alternating blocks, so that the machine's other load falls on both phases alike.
blocks=6
per=$(( (N + blocks - 1) / blocks ))
for ((b = 0; b < blocks; b++)); do
  use_plugin passthrough
  run_block "$lab/baseline" "$per"
  use_plugin suanli
  run_block "$lab/plugin" "$per"
done
for f in baseline plugin; do
  awk '{printf "%.3f\n", ($2 - $1) * 1000}' "$lab/$f.raw" >"$lab/$f.ms"
done

echo "sbatch latency, $((blocks * per)) submissions per phase ($(nproc) cores, load average $(cut -d" " -f1-3 /proc/loadavg), $(date -u +%Y-%m-%d))"
stats baseline "$lab/baseline.ms"
stats plugin "$lab/plugin.ms"
b50=$(percentile "$lab/baseline.ms" 0.50); b99=$(percentile "$lab/baseline.ms" 0.99)
p50=$(percentile "$lab/plugin.ms" 0.50); p99=$(percentile "$lab/plugin.ms" 0.99)
awk -v b50="$b50" -v b99="$b99" -v p50="$p50" -v p99="$p99" \
  'BEGIN {printf "added by the plugin: p50 %+.1f ms, p99 %+.1f ms (end to end, the difference of the two phases)\n", p50 - b50, p99 - b99}'
# The plugin's own time per submission (the HTTP call to suanli, durable
# commit included), as job_submit.lua logs it in slurmctld's log.
sed -n 's/.*suanli: \(place\|hold\) .* for grid in \([0-9.]*\) ms:.*/\2/p' "$lab/lab/log/slurmctld.log" >"$lab/call.ms"
stats "in plugin" "$lab/call.ms"
