#!/usr/bin/env bash
# The kill -9 fault campaign: `emx2-hpc once --simulate` killed with SIGKILL at seeded random points, then run
# until every job is terminal; prints trials, kills that landed, jobs, lost, duplicated and orphans.
# Usage: bench/faults/run.sh [TRIALS] [SEED]        (defaults: 200 trials, seed 20240611)
# Environment: EMX2HPC_FAULT_JOBS (jobs per trial, 20), EMX2HPC_FAULT_PARALLEL (trials at a time, 2),
#              EMX2HPC_FAULT_TMP (where trial directories go; default /dev/shm, else the temp directory),
#              LIVE=1 EMX2HPC_E2E=1 adds the live-Slurm variant (EMX2HPC_FAULT_LIVE_TRIALS, default 20, 4 jobs each).
# Figures: out/faults/summary.txt (live: out/faults/summary-live-slurm.txt); full log: out/faults/run.log.
set -uo pipefail
cd "$(dirname "$0")/../.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
export EMX2HPC_FAULT_TRIALS=${1:-${EMX2HPC_FAULT_TRIALS:-200}}
export EMX2HPC_FAULT_SEED=${2:-${EMX2HPC_FAULT_SEED:-20240611}}
filter="FullyQualifiedName~Faults.KillNineHarnessTests"
[ "${LIVE:-0}" = 1 ] && filter="$filter|FullyQualifiedName~Faults.LiveSlurmFaultTests.Sigkill"
mkdir -p out/faults
echo "building tests/Unit (Release)..."
dotnet build tests/Unit -c Release -v quiet -nologo >out/faults/build.log 2>&1 || { cat out/faults/build.log; echo "build failed"; exit 1; }
echo "running $EMX2HPC_FAULT_TRIALS trials (seed $EMX2HPC_FAULT_SEED)..."
start=$(date +%s)
dotnet test tests/Unit -c Release --no-build --filter "$filter" --logger "console;verbosity=detailed" </dev/null >out/faults/run.log 2>&1
status=$?
grep -E '^\s+(Passed|Failed) |^\s+trial |Error Message' out/faults/run.log
echo
echo "=== figures (test run took $(( $(date +%s) - start )) s) ==="
cat out/faults/summary.txt
if [ "${LIVE:-0}" = 1 ] && [ -f out/faults/summary-live-slurm.txt ]; then echo; cat out/faults/summary-live-slurm.txt; fi
exit "$status"
