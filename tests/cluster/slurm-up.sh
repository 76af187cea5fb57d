#!/bin/sh
# Start a one-node SLURM cluster on 127.0.0.1 for the workflow's cluster tests.
#
#   tests/cluster/slurm-up.sh STATE_DIR      (as root; prints SLURM_CONF, and a folder of
#                                             client wrappers to put first on PATH)
#
# Everything lives in STATE_DIR: the munge key and socket, slurm.conf sized to this machine's
# cores and memory, the daemons' pid files, spool and logs. No accounting database: finished
# jobs stay visible to squeue for MinJobAge seconds, which the executor plugin's squeue status
# command relies on. slurm-down.sh stops the daemons by their pid files.
set -eu
dir=${1:?usage: slurm-up.sh STATE_DIR}
if [ "$(id -u)" != 0 ]; then
  echo "slurm-up.sh: the test cluster needs root (slurmd runs jobs as their users, munged checks its key's owner); run as root or skip the cluster tests" >&2
  exit 3
fi
if ! command -v slurmctld >/dev/null 2>&1 || ! command -v munged >/dev/null 2>&1; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "slurm-up.sh: slurm-wlm and munge are not installed and there is no apt-get to install them" >&2
    exit 3
  fi
  echo "installing slurm-wlm and munge from Debian's packages" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends slurm-wlm munge >/dev/null
fi
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
chmod 700 "$dir"
mkdir -p "$dir/spool" "$dir/state" "$dir/munge"
chmod 700 "$dir/munge"

# munge: our own key, socket and pid file (not the system's), so nothing else is touched.
if [ ! -s "$dir/munge/munge.key" ]; then
  dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 2>/dev/null
  chmod 400 "$dir/munge/munge.key"
fi
munged --force --key-file="$dir/munge/munge.key" --socket="$dir/munge/munge.socket" \
  --pid-file="$dir/munge/munged.pid" --log-file="$dir/munge/munged.log" \
  --seed-file="$dir/munge/munged.seed"

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
node=$(hostname -s)
cpus=$(nproc)
# Leave the system some memory; slurmd refuses a node that claims more than it has.
mem=$(awk '/MemTotal/ {print int($2 / 1024 * 0.9)}' /proc/meminfo)
: > "$dir/plugstack.conf"
cat > "$dir/slurm.conf" <<CONF
ClusterName=mmpsitest
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$(free_port)
SlurmdPort=$(free_port)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge/munge.socket
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
PlugStackConfig=$dir/plugstack.conf
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SwitchType=switch/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
ReturnToService=2
MinJobAge=3600
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
KillWait=5
NodeName=$node NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=test Nodes=$node Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$dir/slurm.conf"
# Jobs find the cluster as on a real one, where slurm.conf is at the compiled-in path: the
# executor plugin's job step drops every SLURM_* variable (SLURM_CONF too) before its nested
# srun. Put $dir/bin first on PATH and srun finds this cluster's config without /etc being
# touched.
mkdir -p "$dir/bin"
for tool in srun sbatch squeue scancel sinfo; do
  printf '#!/bin/sh\nSLURM_CONF=%s exec %s "$@"\n' "$SLURM_CONF" "$(command -v $tool)" > "$dir/bin/$tool"
  chmod +x "$dir/bin/$tool"
done
slurmctld -f "$SLURM_CONF"
slurmd -f "$SLURM_CONF"
i=0
until sinfo -h -o %T 2>/dev/null | grep -qx idle; do
  i=$((i + 1))
  if [ "$i" -gt 60 ]; then
    echo "slurm-up.sh: the node did not become idle within 30 s; logs in $dir" >&2
    sinfo 2>&1 | tail -3 >&2 || true
    tail -5 "$dir/slurmctld.log" "$dir/slurmd.log" >&2 || true
    exit 1
  fi
  sleep 0.5
done
echo "SLURM_CONF=$SLURM_CONF"
echo "PATH=$dir/bin"
