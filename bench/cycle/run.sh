#!/usr/bin/env bash
# Per-cycle cost of the product vs. the reference daemon's documented algorithm for N tracked running jobs.
# Usage: bench/cycle/run.sh [--n 1,10,100] [--samples 5] [--command-ms MS]
# Prints a table (requests per cycle, squeue/sacct per monitor pass, wall time, ratios) and writes it to
# bench/results/cycle-<UTC stamp>.txt. A benchmark, not a test: it asserts nothing.
set -euo pipefail
cd "$(dirname "$0")/../.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build bench/cycle -c Release -v quiet -nologo >/dev/null
exec dotnet run --no-build -c Release --project bench/cycle -- "$@"
