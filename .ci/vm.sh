#!/usr/bin/env bash
# The VM rig (e2e/vagrant/README.md): build or reuse the box, boot it with plain QEMU (software emulation),
# install the module from the Package zip for the service user emx2hpc with cron every 20 s, start the EMX2
# emulator on the host, run tests/Pester/VM/E2E.VM.Tests.ps1 on the host (NUnit XML into $RESULTS), and always
# tear everything down. Runs as root, after `dotnet build` and `./build.ps1 -Task Package`.
#
# Env: RESULTS (default out/test-results), EMX2HPC_BOX_CACHE (build-box.sh), VM_KEEP=1 leaves the VM running
# and prints how to reach it (for a person debugging, never in CI); VM_TESTS='*faults*' runs only the
# tests whose full name matches (Pester's Filter.FullName).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RESULTS=${RESULTS:-$ROOT/out/test-results}
PWSH=${PWSH:-$(command -v pwsh || echo /root/.dotnet/tools/pwsh)}
HERE=$ROOT/e2e/vagrant
WORKER_ID=vm-e2e-worker
T0=$SECONDS

log() { printf 'vm.sh [%4ds]: %s\n' "$((SECONDS - T0))" "$*"; }
die() {
    printf 'vm.sh: ERROR: %s\n' "$*" >&2
    exit 1
}
mkdir -p "$RESULTS"

# What the rig needs on the host, from Debian's packages (apt-get update only when something is missing):
# build-box.sh's debootstrap/QEMU/partitioning tools, ssh to the guest, and sqlite3, with which the suite reads
# the emulator's state.
needed=(debootstrap qemu-system-x86 qemu-utils fdisk openssh-client python3 sqlite3)
missing=()
for p in "${needed[@]}"; do
    [[ $(dpkg-query -W -f='${Status}' "$p" 2>/dev/null) == 'install ok installed' ]] || missing+=("$p")
done
if ((${#missing[@]})); then
    [[ $EUID -eq 0 ]] || die "missing packages ${missing[*]}; install them or run as root"
    log "installing ${missing[*]}"
    { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"; } </dev/null ||
        die "apt-get could not install ${missing[*]}"
fi

# --- box ------------------------------------------------------------------------------------------
BOX=$("$HERE/build-box.sh" | tail -n 1)
[[ -s $BOX/box.qcow2 ]] || die "build-box.sh gave no box"
log "box: $BOX"

RUN=$(mktemp -d /var/tmp/emx2hpc-vm.XXXXXX)
EMULATOR_PID=''
cleanup() {
    local rc=$?
    set +e
    if ((rc != 0)) && [[ -n ${VM_PID:-} ]] && kill -0 "$VM_PID" 2>/dev/null; then
        echo '--- guest: slurm and worker logs ---'
        vm_ssh 'sudo tail -n 30 /var/log/slurm/slurmctld.log /var/log/slurm/slurmd.log /var/log/emx2-hpc/cycle.log' 2>&1
    fi
    if [[ ${VM_KEEP:-0} == 1 ]]; then
        log "VM_KEEP=1: VM pid $VM_PID, ssh -i $VM_KEY -p $VM_PORT vagrant@127.0.0.1; emulator pid $EMULATOR_PID; $RUN"
        return
    fi
    [[ -n ${VM_PID:-} ]] && vm_shutdown
    [[ -n $EMULATOR_PID ]] && kill "$EMULATOR_PID" 2>/dev/null
    rm -rf "$RUN"
    log "torn down"
}
trap cleanup EXIT

# A throwaway overlay: the cached box stays pristine.
qemu-img create -q -f qcow2 -b "$BOX/box.qcow2" -F qcow2 "$RUN/disk.qcow2"
export VM_KEY=$BOX/vagrant.key
# shellcheck source=e2e/vagrant/qemu-vm.sh
source "$HERE/qemu-vm.sh"
vm_boot "$RUN/disk.qcow2" "$RUN/console.log"
log "booted (ssh on 127.0.0.1:$VM_PORT)"

# --- EMX2 emulator on the host --------------------------------------------------------------------
EMULATOR_DLL=$(find "$ROOT/src/Emx2Hpc.Emulator/bin" -name emx2-hpc-emulator.dll -printf '%T@ %p\n' 2>/dev/null | sort -rn | head -n 1 | cut -d' ' -f2)
[[ -n $EMULATOR_DLL ]] || die "emx2-hpc-emulator.dll not found: dotnet build src/Emx2Hpc.Emulator first"
EMX2_PORT=$(vm_free_port)
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$RUN/secret"
chmod 0600 "$RUN/secret"
TOKEN=vm-e2e-editor-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
# --state: the suite reads the worker's heartbeat where EMX2 keeps it (there is no worker read endpoint).
dotnet "$EMULATOR_DLL" --urls "http://127.0.0.1:$EMX2_PORT" --worker-secret "$WORKER_ID=$RUN/secret" \
    --user-token "$TOKEN=Editor" --state "$RUN/emx2.db" >"$RUN/emulator.log" 2>&1 &
EMULATOR_PID=$!
for ((i = 0; i < 60; i++)); do
    grep -q '^listening on' "$RUN/emulator.log" && break
    sleep 1
done
grep -q '^listening on' "$RUN/emulator.log" || die "emulator did not start: $(tail -n 5 "$RUN/emulator.log")"
log "emulator on 127.0.0.1:$EMX2_PORT (the guest sees 10.0.2.2:$EMX2_PORT)"

# --- the worker in the guest ----------------------------------------------------------------------
ZIP=$(find "$ROOT/out" -maxdepth 1 -name 'Emx2Hpc-*.zip' -printf '%T@ %p\n' | sort -rn | head -n 1 | cut -d' ' -f2)
[[ -n $ZIP ]] || die "no out/Emx2Hpc-<version>.zip: run ./build.ps1 -Task Package first"
PWSH_DIR=$(dirname "$(find "$(dirname "$(readlink -f "$PWSH")")/.store" -name pwsh.dll -path '*/any/unix/*' 2>/dev/null | head -n 1)")
DOTNET_DIR=$(dirname "$(readlink -f "$(command -v dotnet)")")
[[ -f $PWSH_DIR/pwsh.dll && -x $DOTNET_DIR/dotnet ]] || die "host pwsh global tool or .NET runtime not found"
STAGE=$RUN/stage
mkdir -p "$STAGE/dotnet/shared" "$STAGE/scripts"
cp -a "$DOTNET_DIR/dotnet" "$DOTNET_DIR/host" "$STAGE/dotnet/"
cp -a "$DOTNET_DIR/shared/Microsoft.NETCore.App" "$STAGE/dotnet/shared/"
cp -a "$PWSH_DIR" "$STAGE/pwsh"
cp "$ZIP" "$STAGE/"
cp "$ROOT"/e2e/scripts/*.sh "$STAGE/scripts/"
cp "$ROOT/e2e/e2e-config.example.yaml" "$STAGE/config.yaml"
cp "$RUN/secret" "$STAGE/secret"
cp "$HERE/provision-worker.sh" "$STAGE/"
tar -C "$RUN" -cf - stage | vm_ssh 'rm -rf /tmp/stage && tar -C /tmp -xf -'
log "staged .NET, pwsh and $(basename "$ZIP") in the guest"
# Boot-time robustness of the guest's slurmd under software emulation: Slurm 24.11's slurmd creates a systemd scope at
# start and gives up after SystemdTimeout (1 s by default), which a guest booting on a busy host overran (slurmd
# failed after the reboot scenario's reboot). A longer timeout, and systemd restarting slurmd should it fail anyway.
vm_ssh 'sudo install -d /etc/systemd/system/slurmd.service.d &&
    printf "[Service]\nRestart=on-failure\nRestartSec=5\n" | sudo tee /etc/systemd/system/slurmd.service.d/emx2hpc-rig.conf >/dev/null &&
    printf "SystemdTimeout=60000\n" | sudo tee /etc/slurm/cgroup.conf >/dev/null && sudo systemctl daemon-reload'
log "guest: slurmd restarts on failure, SystemdTimeout 60 s"
# Two partitions for the cancellation scenarios, beside 'debug' (which the other jobs keep to themselves):
# 'parked' is DOWN (sbatch accepts, nothing starts), 'closed' is INACTIVE (sbatch refuses). Runtime-only: a
# reboot of the guest forgets them, which the fault scenarios (run last) do not mind.
vm_ssh 'sudo scontrol create partitionname=parked nodes=ALL state=down && sudo scontrol create partitionname=closed nodes=ALL state=inactive'
log "partitions parked (DOWN) and closed (INACTIVE) created in the guest"
vm_ssh "sudo bash /tmp/stage/provision-worker.sh /tmp/stage http://10.0.2.2:$EMX2_PORT $WORKER_ID && sudo rm -rf /tmp/stage"
log "worker provisioned"

# --- the suite on the host ------------------------------------------------------------------------
sed -e "s|\${EMX2_BASE_URL:-[^}]*}|http://127.0.0.1:$EMX2_PORT|" -e "s|\${EMX2_WORKER_ID:-[^}]*}|$WORKER_ID|" \
    -e "s|\${EMX2_WORKER_SECRET_FILE:-[^}]*}|$RUN/secret|" "$ROOT/e2e/e2e-config.example.yaml" >"$RUN/client.yaml"
cat >"$RUN/vm-ssh" <<EOF
#!/bin/sh
exec ssh -i '$VM_KEY' -p $VM_PORT -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -o ConnectTimeout=10 -o IdentitiesOnly=yes vagrant@127.0.0.1 "\$@"
EOF
chmod 0700 "$RUN/vm-ssh"
version=$(sed -n "s/.*ModuleVersion *= *'\([^']*\)'.*/\1/p" "$ROOT/module/Emx2Hpc.psd1")
rc=0
EMX2HPC_VM_E2E=1 EMX2_BASE_URL="http://127.0.0.1:$EMX2_PORT" EMX2HPC_E2E_TOKEN=$TOKEN EMX2HPC_E2E_CONFIG=$RUN/client.yaml \
    EMX2HPC_VM_WORKER_ID=$WORKER_ID EMX2HPC_VM_SSH=$RUN/vm-ssh EMX2HPC_VM_EMX2_STATE=$RUN/emx2.db EMX2HPC_MODULE_DIR=$ROOT/out/Emx2Hpc/$version \
    PSModulePath="${PSModulePath:-/work/psmodules}" \
    "$PWSH" -NoProfile -NonInteractive -Command "
        \$c = New-PesterConfiguration
        \$c.Run.Path = '$ROOT/tests/Pester/VM/E2E.VM.Tests.ps1'
        \$c.Run.Exit = \$true
        \$c.Output.Verbosity = 'Detailed'
        if ('${VM_TESTS:-}') { \$c.Filter.FullName = '${VM_TESTS:-}' }
        \$c.TestResult.Enabled = \$true
        \$c.TestResult.OutputFormat = 'NUnitXml'
        \$c.TestResult.OutputPath = '$RESULTS/pester-vm.xml'
        Invoke-Pester -Configuration \$c" || rc=$?
log "Pester VM suite exit $rc"
exit "$rc"
