#!/usr/bin/env bash
# The kill -9 fault campaign: `emx2-hpc once --simulate` killed with SIGKILL at seeded random points, then run
# until every job is terminal; prints trials, kills that landed, jobs, lost, duplicated and orphans.
# Usage: bench/faults/run.sh [TRIALS] [SEED]        (defaults: 200 trials, seed 20240611)
# Environment: EMX2HPC_FAULT_JOBS (jobs per trial, 20), EMX2HPC_FAULT_PARALLEL (trials at a time, 2),
#              EMX2HPC_FAULT_TMP (where trial directories go; default /dev/shm), EMX2HPC_E2E=1 LIVE=1 adds the
#              live-Slurm variant (EMX2HPC_FAULT_LIVE_TRIALS, default 20).
# The figures also land in out/faults/summary.txt (live variant: out/faults/summary-live-slurm.txt).
set -uo pipefail
cd "$(dirname "$0")/../.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
export EMX2HPC_FAULT_TRIALS=${1:-${EMX2HPC_FAULT_TRIALS:-200}}
export EMX2HPC_FAULT_SEED=${2:-${EMX2HPC_FAULT_SEED:-20240611}}
filter="FullyQualifiedName~Faults.KillNineHarnessTests"
[ "${LIVE:-0}" = 1 ] && filter="$filter|FullyQualifiedName~Faults.LiveSlurmFaultTests.Sigkill"
dotnet build tests/Unit -c Release -v quiet -nologo >/dev/null || { echo "build failed"; exit 1; }
start=$(date +%s)
dotnet test tests/Unit -c Release --no-build --filter "$filter" --logger "console;verbosity=normal" </dev/null \
  | grep -E '^\s+(Passed|Failed) |^\s+trial |Error Message' || true
status=${PIPESTATUS[0]}
echo
echo "=== figures ($(( $(date +%s) - start )) s wall, including build-free test start) ==="
cat out/faults/summary.txt
[ -f out/faults/summary-live-slurm.txt ] && [ "${LIVE:-0}" = 1 ] && { echo; cat out/faults/summary-live-slurm.txt; }
exit "$status"
