#!/bin/bash
# Profiles e2e-test:slow and e2e-test:walltime — runs until something stops it (EMX2 cancel, scancel, the job's
# timeout_seconds, or Slurm's --time limit). E2E_SLEEP_SECONDS (default 300) bounds it if nothing does.
set -euo pipefail
echo "e2e_slow: started, sleeping ${E2E_SLEEP_SECONDS:-300}s"
echo "started $(date -Iseconds)" > "${HPC_OUTPUT_DIR:?}/started.txt"
# sleep in the background and wait: bash then reacts to SIGTERM at once instead of after the sleep.
sleep "${E2E_SLEEP_SECONDS:-300}" &
wait $!
echo "e2e_slow: woke up (nothing stopped me)"
