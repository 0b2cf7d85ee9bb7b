#!/usr/bin/env bash
# A real Slurm 22.05 cluster on this one machine, governed by suanli (issue 10).
#
#   scripts/slurm/lab.sh up   [--dir DIR (default /tmp/suanli-slurm-lab)] [--accounting 0|1] [--no-serve] [--scenario FILE] [--suanli BIN]
#                             (always afresh: what an earlier lab left in DIR is removed)
#   scripts/slurm/lab.sh env  [--dir DIR]      # the exports to use it from a shell: eval "$(lab.sh env)"
#   scripts/slurm/lab.sh serve-stop|serve-start [--dir DIR]   # stop / start only suanli serve
#   scripts/slurm/lab.sh status [--dir DIR]
#   scripts/slurm/lab.sh down [--dir DIR]      # stops everything it started, by PID, and scancels the jobs
#
# What `up` starts, all as children it records in DIR/pids (and nothing else):
#   munged (own key and socket), MariaDB (--skip-networking, own datadir and
#   socket) and slurmdbd when --accounting 1 (the default), slurmctld, one
#   slurmd per node of the scenario (multiple-slurmd, one port each), two
#   slurmrestd (local auth on a unix socket; JWT on 127.0.0.1), and
#   `suanli serve --slurm` with the plugin's operator token. Ports: a free
#   block on 127.0.0.1 (slurmdbd alone binds 0.0.0.0: Slurm gives it no
#   choice). GPUs: typed GRES backed by symlinks to /dev/null.
# The cluster's nodes, partitions, gres.conf, accounts and job_submit.lua
# come from `suanli slurm config` on the scenario (default: lab-scenario.yaml).
#
# Needs root (Slurm's daemons, the system users slurmrest and suanli-lab it
# creates once) and Debian's packages (scripts/install-deps.sh). `up` fails,
# after stopping what it started, when anything does not come up.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
cmd=${1:-}
shift || true
LAB=${SUANLI_SLURM_LAB:-/tmp/suanli-slurm-lab}
ACCOUNTING=1
SERVE=1
SCENARIO=$here/lab-scenario.yaml
SUANLI=${SUANLI:-}
while (($#)); do
  case $1 in
    --dir) LAB=$2; shift 2 ;;
    --accounting) ACCOUNTING=$2; shift 2 ;;
    --no-serve) SERVE=0; shift ;;
    --scenario) SCENARIO=$2; shift 2 ;;
    --suanli) SUANLI=$2; shift 2 ;;
    *) echo "lab.sh: unknown option '$1'" >&2; exit 2 ;;
  esac
done
mkdir -p "$LAB"
LAB=$(cd "$LAB" && pwd)
CONF=$LAB/etc/slurm.conf
PIDS=$LAB/pids

log() { echo "lab: $*" >&2; }
die() { echo "lab: error: $*" >&2; exit 1; }

find_suanli() {
  if [[ -n $SUANLI ]]; then return; fi
  # The one `up` used, for serve-start.
  if [[ -s $LAB/suanli-binary ]]; then SUANLI=$(cat "$LAB/suanli-binary"); return; fi
  for c in "$repo/build/release/src/suanli/cli/suanli" "$repo/build/debug/src/suanli/cli/suanli" "$(command -v suanli || true)"; do
    if [[ -n $c && -x $c ]]; then SUANLI=$c; return; fi
  done
  die "no suanli binary: build it (cmake --build --preset release --target suanli) or pass --suanli BIN"
}

# --- processes we started ----------------------------------------------------------------
record() { echo "$2" > "$PIDS/$1.pid"; }
alive() {  # a zombie counts as dead (PID 1 reaps late here)
  local pid=$1 st
  st=$(ps -o stat= -p "$pid" 2>/dev/null || true)
  [[ -n $st && $st != Z* ]]
}
stop_pid() {  # name: SIGTERM, wait up to 5 s, SIGKILL
  local f=$PIDS/$1.pid pid
  [[ -f $f ]] || return 0
  pid=$(cat "$f")
  if alive "$pid"; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 50); do alive "$pid" || break; sleep 0.1; done
    if alive "$pid"; then kill -KILL "$pid" 2>/dev/null || true; fi
  fi
  rm -f "$f"
}
wait_for() {  # seconds, description, command...  (WATCH: pid names that must stay alive meanwhile)
  local limit=$1 what=$2; shift 2
  local end=$((SECONDS + limit)) w
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < end)) || die "$what did not come up in ${limit}s (logs in $LAB/log)"
    for w in ${WATCH:-}; do
      alive "$(cat "$PIDS/$w.pid")" || die "$w exited (logs in $LAB/log: $(tail -n 2 "$LAB/log/$w.out" 2>/dev/null | tr '\n' ' '))"
    done
    sleep 0.1
  done
}
pid_from_file() {  # a daemon's own pid file -> our record
  local name=$1 file=$2
  wait_for 10 "$name (pid file)" test -s "$file"
  record "$name" "$(cat "$file")"
}

# --- ports ---------------------------------------------------------------------------------
port_free() { ! ss -Htln "sport = :$1" | grep -q .; }
pick_ports() {  # a block of 32 free ports
  local base
  for _ in $(seq 200); do
    base=$((10000 + (RANDOM % 680) * 32))  # below the ephemeral range (32768-)
    local ok=1
    for p in $(seq "$base" $((base + 31))); do port_free "$p" || { ok=0; break; }; done
    if ((ok)); then PORT_BASE=$base; return; fi
  done
  die "no free block of 32 ports on 127.0.0.1"
}

# --- pieces --------------------------------------------------------------------------------
ensure_user() {
  id "$1" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$1"
}

start_munge() {
  [[ -f $LAB/etc/munge.key ]] || { mungekey -c -k "$LAB/etc/munge.key" -f; chmod 600 "$LAB/etc/munge.key"; }
  munged --force -S "$LAB/run/munge.sock" --key-file="$LAB/etc/munge.key" --pid-file="$LAB/run/munged.pid" \
    --log-file="$LAB/log/munged.log" --seed-file="$LAB/state/munged.seed"
  pid_from_file munged "$LAB/run/munged.pid"
}

start_mariadb() {
  if [[ ! -d $LAB/mysql/mysql ]]; then
    mariadb-install-db --datadir="$LAB/mysql" --user=root --auth-root-authentication-method=socket \
      --skip-test-db >"$LAB/log/mariadb-install.log" 2>&1 || die "mariadb-install-db failed (see $LAB/log)"
  fi
  setsid mariadbd --no-defaults --datadir="$LAB/mysql" --user=root --skip-networking \
    --socket="$LAB/run/mysqld.sock" --pid-file="$LAB/run/mysqld.pid" --log-error="$LAB/log/mariadb.log" \
    --innodb-buffer-pool-size=32M </dev/null >/dev/null 2>&1 &
  record mariadbd $!
  wait_for 30 MariaDB test -S "$LAB/run/mysqld.sock"
}

start_slurmdbd() {
  cat >"$LAB/etc/slurmdbd.conf" <<EOF
AuthType=auth/munge
AuthInfo=socket=$LAB/run/munge.sock
AuthAltTypes=auth/jwt
AuthAltParameters=jwt_key=$LAB/etc/jwt.key
DbdHost=localhost
DbdAddr=127.0.0.1
DbdPort=$((PORT_BASE + 1))
SlurmUser=root
LogFile=$LAB/log/slurmdbd.log
PidFile=$LAB/run/slurmdbd.pid
StorageType=accounting_storage/mysql
StorageHost=localhost
StorageUser=root
StorageLoc=slurm_acct_db
EOF
  chmod 600 "$LAB/etc/slurmdbd.conf"
  # slurmdbd reads slurmdbd.conf from SLURM_CONF's folder (it has no -f).
  MYSQL_UNIX_PORT=$LAB/run/mysqld.sock SLURM_CONF=$CONF setsid slurmdbd -D </dev/null \
    >"$LAB/log/slurmdbd.out" 2>&1 &
  record slurmdbd $!
  WATCH=slurmdbd wait_for 30 slurmdbd sh -c "ss -Htln 'sport = :$((PORT_BASE + 1))' | grep -q ."
}

write_slurm_conf() {
  local no_in_addr_any=""
  # NoInAddrAny binds to what the host name resolves to: only when that is loopback.
  if getent ahostsv4 "$(hostname)" | awk '{print $1}' | grep -q '^127\.'; then no_in_addr_any=",NoInAddrAny"; fi
  local acct="AccountingStorageType=accounting_storage/none"
  if [[ $ACCOUNTING == 1 ]]; then
    acct="AccountingStorageType=accounting_storage/slurmdbd
AccountingStorageHost=127.0.0.1
AccountingStoragePort=$((PORT_BASE + 1))
AccountingStoragePass=$LAB/run/munge.sock
AccountingStorageEnforce=associations
AccountingStoreFlags=job_comment"
  fi
  cat >"$CONF" <<EOF
# The lab's slurm.conf (scripts/slurm/lab.sh); the fleet is in suanli.conf (suanli slurm config).
ClusterName=lab
SlurmctldHost=$(hostname -s)(127.0.0.1)
SlurmctldPort=$PORT_BASE
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$LAB/run/munge.sock
CredType=cred/munge
AuthAltTypes=auth/jwt
AuthAltParameters=jwt_key=$LAB/etc/jwt.key
StateSaveLocation=$LAB/state/ctld
SlurmdSpoolDir=$LAB/spool/%n
SlurmctldPidFile=$LAB/run/slurmctld.pid
SlurmdPidFile=$LAB/run/slurmd-%n.pid
SlurmctldLogFile=$LAB/log/slurmctld.log
SlurmdLogFile=$LAB/log/slurmd-%n.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SlurmdParameters=config_overrides
CommunicationParameters=NoCtldInAddrAny$no_in_addr_any
SchedulerParameters=batch_sched_delay=0,sched_min_interval=100000,bf_interval=1
MailProg=/bin/true
ReturnToService=2
MinJobAge=300
JobRequeue=1
JobSubmitPlugins=lua
JobCompType=jobcomp/filetxt
JobCompLoc=$LAB/log/jobcomp.txt
$acct
Include $LAB/etc/suanli.conf
EOF
}

nodes_idle() {  # every node registered and idle
  local states
  states=$(sinfo -h -N -o '%t') || return 1
  [[ -n $states ]] && ! grep -vq '^idle$' <<<"$states"
}

start_slurm() {
  export SLURM_CONF=$CONF
  setsid slurmctld -D -f "$CONF" </dev/null >"$LAB/log/slurmctld.out" 2>&1 &
  record slurmctld $!
  WATCH=slurmctld wait_for 30 slurmctld scontrol ping
  local n
  for n in $(awk '/^NodeName=/{sub("NodeName=","",$1); print $1}' "$LAB/etc/suanli.conf"); do
    setsid slurmd -D -f "$CONF" -N "$n" </dev/null >"$LAB/log/slurmd-$n.out" 2>&1 &
    record "slurmd-$n" $!
  done
  WATCH=slurmctld wait_for 30 "the slurmd nodes" nodes_idle
}

start_rest() {
  ensure_user slurmrest
  ensure_user suanli-lab
  mkdir -p "$LAB/run/rest"
  chown slurmrest "$LAB/run/rest"
  setpriv --reuid=slurmrest --regid=slurmrest --init-groups test -r "$CONF" ||
    die "user slurmrest cannot read $CONF: every folder above $LAB must be searchable by others (chmod o+x)"
  local oas="openapi/v0.0.38"
  [[ $ACCOUNTING == 1 ]] && oas="$oas,openapi/dbv0.0.38"
  SLURM_CONF=$CONF setsid setpriv --reuid=slurmrest --regid=slurmrest --init-groups \
    slurmrestd -f "$CONF" -s "$oas" -a rest_auth/local "unix:$LAB/run/rest/local.sock" </dev/null \
    >"$LAB/log/slurmrestd-local.log" 2>&1 &
  record slurmrestd-local $!
  SLURM_JWT=daemon SLURM_CONF=$CONF setsid setpriv --reuid=slurmrest --regid=slurmrest --init-groups \
    slurmrestd -f "$CONF" -s "$oas" -a rest_auth/jwt "127.0.0.1:$((PORT_BASE + 2))" </dev/null \
    >"$LAB/log/slurmrestd-jwt.log" 2>&1 &
  record slurmrestd-jwt $!
  wait_for 15 slurmrestd sh -c "ss -Htln 'sport = :$((PORT_BASE + 2))' | grep -q ."
  scontrol token username=suanli-lab lifespan=86400 | sed 's/^SLURM_JWT=//' >"$LAB/etc/rest-token"
}

start_serve() {
  find_suanli
  local port=$((PORT_BASE + 3))
  setsid "$SUANLI" serve --scenario "$SCENARIO" --db "sqlite:$LAB/suanli.db" --listen "127.0.0.1:$port" \
    --slurm --slurm-conf "$CONF" --slurm-poll 0.25 </dev/null >>"$LAB/log/suanli-serve.out" 2>&1 &
  record suanli-serve $!
  WATCH=suanli-serve wait_for 30 "suanli serve" curl -sf "http://127.0.0.1:$port/readyz"
}

write_env() {
  cat >"$LAB/env" <<EOF
export SUANLI_SLURM_LAB=$LAB
export SLURM_CONF=$CONF
export SUANLI_URL=http://127.0.0.1:$((PORT_BASE + 3))
export SUANLI_SCENARIO=$SCENARIO
export SUANLI_DB=sqlite:$LAB/suanli.db
export SUANLI_TOKEN=\$(cat $LAB/tokens/operator)
export SLURMRESTD_URL=http://127.0.0.1:$((PORT_BASE + 2))
export SLURMRESTD_SOCKET=$LAB/run/rest/local.sock
export SLURMRESTD_USER=suanli-lab
export SLURMRESTD_TOKEN=\$(cat $LAB/etc/rest-token)
EOF
}

do_up() {
  [[ $(id -u) == 0 ]] || die "run it as root (Slurm's daemons and their users)"
  for b in slurmctld slurmd munged scontrol sinfo ss mungekey; do
    command -v "$b" >/dev/null || die "'$b' is missing: run scripts/install-deps.sh"
  done
  if [[ $ACCOUNTING == 1 ]]; then
    for b in slurmdbd mariadbd mariadb-install-db sacctmgr; do
      command -v "$b" >/dev/null || die "'$b' is missing: run scripts/install-deps.sh"
    done
  fi
  if compgen -G "$PIDS/*.pid" >/dev/null; then die "$LAB has a lab running: lab.sh down --dir $LAB first"; fi
  find_suanli
  # A lab always starts afresh: what an earlier lab in this folder left
  # (Slurm's saved jobs, the accounting database, suanli's log and tokens)
  # would be recovered by the daemons and keep the nodes busy.
  if [[ -e $LAB/ports ]]; then
    log "starting afresh in $LAB (the earlier lab's state is removed)"
    rm -rf "$LAB"/{etc,run,log,state,spool,dev,jobs,pids,tokens,mysql} "$LAB"/suanli.db* "$LAB"/{ports,env,suanli-binary}
  fi
  mkdir -p "$LAB"/{etc,run,log,state/ctld,spool,dev,jobs,pids,tokens,mysql}
  trap 'if [[ -z ${UP_DONE:-} ]]; then log "up failed; stopping what started"; do_down >/dev/null 2>&1 || true; fi' EXIT
  pick_ports
  echo "$PORT_BASE" >"$LAB/ports"
  SUANLI=$(readlink -f "$SUANLI")
  echo "$SUANLI" >"$LAB/suanli-binary"
  [[ -f $LAB/etc/jwt.key ]] || { dd if=/dev/urandom of="$LAB/etc/jwt.key" bs=32 count=1 status=none; chmod 600 "$LAB/etc/jwt.key"; }

  # suanli: the store, the plugin's token (operator), a token per tenant.
  local db=sqlite:$LAB/suanli.db
  if [[ ! -s $LAB/tokens/operator ]]; then
    "$SUANLI" serve token create --db "$db" --role operator --note "lab operator" >"$LAB/tokens/operator" 2>/dev/null
    "$SUANLI" serve token create --db "$db" --role operator --note "job_submit.lua" >"$LAB/etc/suanli-token" 2>/dev/null
    chmod 600 "$LAB/etc/suanli-token"
    local t
    for t in $(awk '/^  - \{name: /{gsub(",","",$3); print $3}' "$SCENARIO"); do
      "$SUANLI" serve token create --db "$db" --role tenant --tenant "$t" >"$LAB/tokens/$t" 2>/dev/null
    done
  fi

  # The fleet as Slurm configuration, from suanli.
  "$SUANLI" slurm config --scenario "$SCENARIO" --out "$LAB/etc" --cluster lab --cpus 8 \
    --one-host-port $((PORT_BASE + 8)) --hostname "$(hostname -s)" --users root \
    --gres-files "$LAB/dev/{node}-gpu[0-{last}]" --admission-url "http://127.0.0.1:$((PORT_BASE + 3))" \
    --token-file "$LAB/etc/suanli-token" --timeout 2 $([[ $ACCOUNTING == 1 ]] || echo --without-accounting) >/dev/null
  local node count i
  while read -r node count; do
    for ((i = 0; i < count; i++)); do ln -sf /dev/null "$LAB/dev/$node-gpu$i"; done
  done < <(sed -n 's/^NodeName=\([^ ]*\) .*Gres=gpu:[^:]*:\([0-9]*\).*/\1 \2/p' "$LAB/etc/suanli.conf")

  start_munge
  if [[ $ACCOUNTING == 1 ]]; then
    start_mariadb
    start_slurmdbd
  fi
  write_slurm_conf
  export SLURM_CONF=$CONF
  if [[ $ACCOUNTING == 1 ]]; then
    sacctmgr -i add cluster lab >"$LAB/log/accounts.log" 2>&1 || grep -q "already exists" "$LAB/log/accounts.log" ||
      die "sacctmgr add cluster failed (see $LAB/log/accounts.log)"
  fi
  start_slurm
  if [[ $ACCOUNTING == 1 ]]; then
    # The typed GPU TRES exist once slurmctld has registered them with slurmdbd.
    wait_for 30 "the GPU TRES in accounting" sh -c "sacctmgr -n -P show tres | grep -q '^gres|gpu|'"
    sh "$LAB/etc/accounts.sh" >>"$LAB/log/accounts.log" 2>&1 || die "accounts.sh failed (see $LAB/log/accounts.log)"
  fi
  start_rest
  if [[ $SERVE == 1 ]]; then start_serve; fi
  write_env
  UP_DONE=1
  log "up in $LAB (ports from $PORT_BASE; accounting $ACCOUNTING). Use it: source $LAB/env"
}

do_down() {
  export SLURM_CONF=$CONF
  if [[ -f $PIDS/slurmctld.pid ]] && alive "$(cat "$PIDS/slurmctld.pid")"; then
    # Job processes outlive slurmd without cgroups: cancel them while slurmd can still kill them.
    squeue -h -o %i 2>/dev/null | xargs -r scancel --full --quiet 2>/dev/null || true
    for _ in $(seq 30); do [[ -z $(squeue -h -t R,CG -o %i 2>/dev/null) ]] && break; sleep 0.1; done
  fi
  stop_pid suanli-serve
  local f
  for f in "$PIDS"/slurmrestd-*.pid "$PIDS"/slurmd-*.pid; do
    [[ -f $f ]] && stop_pid "$(basename "$f" .pid)"
  done
  stop_pid slurmctld
  stop_pid slurmdbd
  stop_pid mariadbd
  stop_pid munged
  log "down ($LAB)"
}

case $cmd in
  up) do_up ;;
  down) do_down ;;
  env) [[ -f $LAB/env ]] || die "no lab in $LAB"; cat "$LAB/env" ;;
  serve-stop) stop_pid suanli-serve ;;
  serve-start)
    PORT_BASE=$(cat "$LAB/ports")
    SCENARIO=$(sed -n 's/^export SUANLI_SCENARIO=//p' "$LAB/env")
    start_serve ;;
  status)
    for f in "$PIDS"/*.pid; do
      [[ -f $f ]] || continue
      pid=$(cat "$f")
      if alive "$pid"; then echo "$(basename "$f" .pid) $pid running"; else echo "$(basename "$f" .pid) $pid dead"; fi
    done ;;
  *) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
