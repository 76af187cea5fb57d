#!/bin/sh
# Stop the test cluster of slurm-up.sh STATE_DIR by its pid files (never by name: other
# daemons on this machine are not ours), and wait until each has gone.
set -u
dir=${1:?usage: slurm-down.sh STATE_DIR}
# Jobs first, while the controller still answers: a job step outlives a stopped slurmd.
if [ -s "$dir/slurmctld.pid" ] && [ -f "$dir/slurm.conf" ]; then
  export SLURM_CONF="$dir/slurm.conf"
  scancel --full --quiet --user="$(id -un)" 2>/dev/null || true
  i=0
  while [ -n "$(squeue -h -t PD,R,CG 2>/dev/null)" ] && [ "$i" -lt 100 ]; do
    i=$((i + 1)); sleep 0.2
  done
fi
for pidfile in "$dir/slurmd.pid" "$dir/slurmctld.pid" "$dir/munge/munged.pid"; do
  [ -s "$pidfile" ] || continue
  pid=$(cat "$pidfile")
  kill "$pid" 2>/dev/null || continue
  i=0
  while kill -0 "$pid" 2>/dev/null && [ "$i" -lt 100 ]; do
    i=$((i + 1)); sleep 0.1
  done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$pidfile"
done
