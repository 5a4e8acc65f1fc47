#!/bin/bash
# Profile e2e-test:fail — a workload that fails: a message on stderr, then exit code 3.
# Expected: EMX2 FAILED, detail with exit_code=3:0, and the stderr line in the log artifact.
set -euo pipefail
echo "e2e_fail: about to fail on purpose"
echo "e2e_fail: deliberate failure for job ${HPC_JOB_ID:-unknown}" >&2
exit 3
