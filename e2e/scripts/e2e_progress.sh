#!/bin/bash
# Profile e2e-test:progress — only reports progress: three phases with sleeps in between, plus one garbage line
# (a half-written record) that the daemon must skip.
set -euo pipefail
feed="${HPC_OUTPUT_DIR:?}/.hpc_progress.jsonl"
step="${E2E_STEP_SECONDS:-4}"
echo '{"phase":"load","message":"loading data","progress":0.25}' >> "$feed"
sleep "$step"
{
  echo '{"phase":"compute","message":"computing","progress":0.5}'
  echo '{"phase":"compu'
} >> "$feed"
sleep "$step"
echo '{"phase":"write","message":"writing results","progress":1.0}' >> "$feed"
echo "e2e_progress: done"
