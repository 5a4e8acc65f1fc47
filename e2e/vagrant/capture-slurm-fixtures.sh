#!/usr/bin/env bash
# Captures real sbatch/squeue/sacct output for the SlurmCli parser tests: runs jobs that end
# COMPLETED, FAILED (exit 3), CANCELLED, TIMEOUT, plus running, pending, held, begin-later and
# dependency-blocked jobs, and stores each command's verbatim output.
# Usage: capture-slurm-fixtures.sh [OUT_DIR]   (default: tests/Unit/Fixtures/slurm/<major.minor>)
# Needs a working cluster (provision.sh) and takes about two minutes because of the TIMEOUT job.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
version=$(squeue --version | awk '{print $2}')
out=${1:-$repo/tests/Unit/Fixtures/slurm/$(echo "$version" | cut -d. -f1,2)}
readonly SQUEUE_FMT='%i|%T|%r|%N|%M|%k|%j'
readonly SACCT_FMT='JobID,State,ExitCode,Reason,NodeList,Elapsed,Comment,JobName'

log() { printf 'capture: %s\n' "$*"; }
die() {
    printf 'capture: ERROR: %s\n' "$*" >&2
    exit 1
}

work=$(mktemp -d /tmp/emx2hpc-fixtures.XXXXXX)
chmod 0755 "$work"
ids=()
cleanup() {
    if ((${#ids[@]})); then
        scancel "${ids[@]}" >/dev/null 2>&1 || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

# Comment and job name carry the EMX2 job id, the way the bridge tags its jobs.
submit() {
    local uuid id
    uuid=$(cat /proc/sys/kernel/random/uuid)
    id=$(sbatch --parsable --comment="emx2hpc:$uuid" --job-name="emx2-$uuid" \
        -D "$work" -o "$work/slurm-%j.out" "$@") || die "sbatch $* failed"
    id=${id%%;*}
    ids+=("$id")
    echo "$id"
}

state_of() { squeue -h -o %T -j "$1" 2>/dev/null || true; }

wait_state() {
    local id=$1 want=$2 tries=$3 i
    for ((i = 0; i < tries; i++)); do
        [[ $(state_of "$id") == "$want" ]] && return 0
        sleep 1
    done
    die "job $id not $want after $tries s (now: $(state_of "$id"))"
}

# Waits until the job left squeue and sacct reports one of the expected end states.
wait_finished() {
    local id=$1 tries=$2 i s
    for ((i = 0; i < tries; i++)); do
        s=$(sacct -X -P -n -o State -j "$id" 2>/dev/null | sed -n 1p)
        case $s in
            COMPLETED | FAILED | TIMEOUT | CANCELLED*) return 0 ;;
        esac
        sleep 1
    done
    die "job $id not finished after $tries s"
}

# json_capture NAME DESCRIPTION CMD...: stdout to NAME.json; when the command fails (no JSON plugin in
# this build) its stderr and exit code go to NAME.err / NAME.exitcode instead.
json_capture() {
    local name=$1 what=$2 rc=0
    shift 2
    "$@" >"$out/$name.json" 2>"$work/$name.err" || rc=$?
    if ((rc != 0)); then
        rm -f "$out/$name.json"
        cp "$work/$name.err" "$out/$name.err"
        printf '# exit code of: %s\n%s\n' "$what" "$rc" >"$out/$name.exitcode"
    fi
}

mkdir -p "$out"
log "slurm $version -> $out"
{
    sacct --version
    squeue --version
} >"$out/versions.txt"

# sbatch --parsable prints the id alone (or "id;cluster" on multi-cluster setups).
ok_uuid=$(cat /proc/sys/kernel/random/uuid)
sbatch --parsable --comment="emx2hpc:$ok_uuid" --job-name="emx2-$ok_uuid" \
    -D "$work" -o "$work/slurm-%j.out" --time=00:05:00 --wrap 'echo hello; sleep 2' \
    >"$out/sbatch-parsable.txt"
completed=$(sed -n 1p "$out/sbatch-parsable.txt")
completed=${completed%%;*}
ids+=("$completed")
failed=$(submit --time=00:05:00 --wrap 'echo failing >&2; exit 3')
wait_finished "$completed" 60
wait_finished "$failed" 60
# Finished jobs stay in slurmctld for MinJobAge seconds, but squeue's default state filter hides
# them even when asked by id; -t all shows them until they are purged.
squeue -h -o "$SQUEUE_FMT" -j "$completed,$failed" >"$out/squeue-finished.txt" 2>&1
squeue -h -t all -o "$SQUEUE_FMT" -j "$completed,$failed" >"$out/squeue-finished-all-states.txt" 2>&1

# Keep the node busy (one core for the TIMEOUT job, the rest for "running") so later jobs pend.
cpus=$(sinfo -h -o %c | sed -n 1p)
timeout_job=$(submit --time=00:01:00 --wrap 'sleep 300')
timeout_submitted=$(date +%s)
running=$(submit --time=00:10:00 -c "$((cpus > 1 ? cpus - 1 : 1))" --wrap 'sleep 600')
wait_state "$timeout_job" RUNNING 60
wait_state "$running" RUNNING 60
pending=$(submit --time=00:05:00 --wrap 'sleep 5')
held=$(submit --hold --time=00:05:00 --wrap 'true')
begin_later=$(submit --begin=now+3600 --time=00:05:00 --wrap 'true')
dependent=$(submit --dependency="afterok:$running" --time=00:05:00 --wrap 'true')

# More CPUs than the node has: Slurm 22.05 accepts it and leaves it pending (PartitionConfig);
# other versions or settings may reject it at submission, which is worth a fixture as well.
too_big_uuid=$(cat /proc/sys/kernel/random/uuid)
too_big_rc=0
sbatch --parsable --comment="emx2hpc:$too_big_uuid" --job-name="emx2-$too_big_uuid" \
    -D "$work" -o "$work/slurm-%j.out" -c "$((cpus * 4))" --wrap 'true' \
    >"$out/sbatch-too-many-cpus.txt" 2>&1 || too_big_rc=$?
printf '# exit code of: sbatch --parsable -c %s --wrap true (on a node with %s CPUs)\n%s\n' \
    "$((cpus * 4))" "$cpus" "$too_big_rc" >"$out/sbatch-too-many-cpus.exitcode"
too_big=
if ((too_big_rc == 0)); then
    too_big=$(sed -n 1p "$out/sbatch-too-many-cpus.txt")
    too_big=${too_big%%;*}
    ids+=("$too_big")
fi
sleep 3 # let the scheduler assign pending reasons

active="$timeout_job,$running,$pending,$held,$begin_later,$dependent${too_big:+,$too_big}"
squeue -h -o "$SQUEUE_FMT" -j "$active" >"$out/squeue.txt"
# The structured form (data_parser plugin, Slurm >= 21.08): kept for comparison with the text parser.
json_capture squeue-json "squeue --json -j $active" squeue --json -j "$active"
log "squeue: $(tr '\n' ' ' <"$out/squeue.txt")"

unknown=99999999
rc=0
squeue -h -o "$SQUEUE_FMT" -j "$unknown" >"$out/squeue-unknown-id.txt" 2>&1 || rc=$?
printf "# exit code of: squeue -h -o '%s' -j %s\n%s\n" "$SQUEUE_FMT" "$unknown" "$rc" \
    >"$out/squeue-unknown-id.exitcode"

# A batched squeue for tracked jobs can include one Slurm already forgot: does it fail the batch?
rc=0
squeue -h -o "$SQUEUE_FMT" -j "$running,$unknown" >"$out/squeue-known-and-unknown-id.txt" 2>&1 ||
    rc=$?
printf "# exit code of: squeue -h -o '%s' -j %s,%s\n%s\n" "$SQUEUE_FMT" "$running" "$unknown" "$rc" \
    >"$out/squeue-known-and-unknown-id.exitcode"

# Cancel the running job (so the dependent one can never start) and the held one.
scancel "$running" "$held"
wait_finished "$running" 60
wait_finished "$held" 60
squeue -h -t all -o "$SQUEUE_FMT" -j "$running,$held" >"$out/squeue-cancelled-all-states.txt" 2>&1
sleep 2
squeue -h -o "$SQUEUE_FMT" -j "$active" >"$out/squeue-after-cancel.txt" 2>&1

log "waiting for the TIMEOUT job (time limit 1 min)"
wait_finished "$timeout_job" 240
timeout_took=$(($(date +%s) - timeout_submitted))
log "TIMEOUT reached about $timeout_took s after submission"
squeue -h -t all -o "$SQUEUE_FMT" -j "$timeout_job" >"$out/squeue-timeout-all-states.txt" 2>&1
wait_finished "$pending" 120

scancel "$begin_later" "$dependent" ${too_big:+"$too_big"}
wait_finished "$begin_later" 60
wait_finished "$dependent" 60
[[ -z $too_big ]] || wait_finished "$too_big" 60

all="$completed,$failed,$running,$held,$timeout_job,$pending,$begin_later,$dependent${too_big:+,$too_big}"
sacct -X -P -n -o "$SACCT_FMT" -j "$all" >"$out/sacct.txt"
json_capture sacct-json "sacct -X --json -j $all" sacct -X --json -j "$all"
rc=0
sacct -X -P -n -o "$SACCT_FMT" -j "$unknown" >"$out/sacct-unknown-id.txt" 2>&1 || rc=$?
printf '# exit code of: sacct -X -P -n -o %s -j %s\n%s\n' "$SACCT_FMT" "$unknown" "$rc" \
    >"$out/sacct-unknown-id.exitcode"

cat >"$out/jobs.txt" <<EOF
# Which job id in these files played which part (captured $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(hostname -s), $cpus CPUs).
completed=$completed
failed_exit_3=$failed
cancelled_while_running=$running
cancelled_while_held=$held
timeout_1min=$timeout_job
pending_resources=$pending
pending_begin_time_then_cancelled=$begin_later
pending_dependency_then_cancelled=$dependent
pending_too_many_cpus_then_cancelled=${too_big:-rejected by sbatch}
timeout_seconds_from_submit_to_sacct_TIMEOUT=$timeout_took
EOF
ids=()
log "sacct:"
cat "$out/sacct.txt"
log "done: $out"
