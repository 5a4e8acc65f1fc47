#!/bin/bash
# Profile minihpc:long — runs long enough for a test to crash its node mid-job. Every attempt appends where it
# ran (a requeued job runs again from the start, possibly on another node).
set -euo pipefail
out="${HPC_OUTPUT_DIR:?HPC_OUTPUT_DIR is not set}"
echo "attempt on $(hostname) (restart count ${SLURM_RESTART_COUNT:-0})" >> "$out/attempts.txt"
sleep 20
hostname > "$out/node.txt"
echo "mh_long: job ${HPC_JOB_ID:?} finished on $(hostname)"
