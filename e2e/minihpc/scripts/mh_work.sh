#!/bin/bash
# Profile minihpc:work — records where and as whom it ran, then works for a few seconds so that a dozen jobs
# must share the three one-CPU nodes.
set -euo pipefail
out="${HPC_OUTPUT_DIR:?HPC_OUTPUT_DIR is not set}"
hostname > "$out/node.txt"
id -un > "$out/user.txt"
sleep 4
echo "mh_work: job ${HPC_JOB_ID:?} done on $(hostname)"
