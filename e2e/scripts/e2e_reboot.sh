#!/bin/bash
# Profile e2e-test:reboot — runs long enough (150 s) for the VM suite to reboot the guest under it. Slurm
# requeues a batch job whose node went down, so it may run more than once under the same Slurm id;
# runs.txt keeps one line per run (SLURM_RESTART_COUNT) so the output shows what happened.
set -euo pipefail
echo "run ${SLURM_RESTART_COUNT:-0} started $(date -Iseconds)" >> "${HPC_OUTPUT_DIR:?}/runs.txt"
sleep 150 &
wait $!
echo "e2e_reboot: done after ${SLURM_RESTART_COUNT:-0} restarts"
