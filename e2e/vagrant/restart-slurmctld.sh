#!/usr/bin/env bash
# Fault injection for the e2e suite: stop slurmctld (running jobs keep running under slurmd),
# optionally keep it down for a while, start it again and wait until squeue answers.
# Usage: sudo ./restart-slurmctld.sh [--down SECONDS]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# One implementation of "start slurmctld and wait for it" lives in provision.sh.
exec "$here/provision.sh" --restart-slurmctld "$@"
