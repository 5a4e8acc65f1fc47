#!/bin/bash
# Profile e2e-test:bash — the happy path, and the probe for "what exactly did the job receive".
# Writes into $HPC_OUTPUT_DIR:
#   greeting.txt  "hello from <HPC_JOB_ID>" (the suite compares the downloaded artifact with this)
#   args.nul      every argv entry followed by a NUL byte (argv reaches the job verbatim, whatever it contains)
#   env.nul       the job's whole environment, NUL-separated (`env -0`), to prove nothing leaked from the daemon
# and one line to stdout and one to stderr, which end up in the log artifact.
set -euo pipefail
out="${HPC_OUTPUT_DIR:?HPC_OUTPUT_DIR is not set}"
printf 'hello from %s\n' "${HPC_JOB_ID:?HPC_JOB_ID is not set}" > "$out/greeting.txt"
: > "$out/args.nul"
for arg in "$@"; do printf '%s\0' "$arg" >> "$out/args.nul"; done
env -0 > "$out/env.nul"
echo "e2e_job: stdout line for job $HPC_JOB_ID"
echo "e2e_job: stderr line for job $HPC_JOB_ID" >&2
