#!/usr/bin/env bash
# Runs as root inside the e2e VM (after provision.sh): installs .NET, PowerShell and the Emx2Hpc module
# from the Package zip, and sets the worker up the way an operator would, for the non-root service user
# emx2hpc, driven only by cron every 20 s (README's staggered three-line pattern).
#
# Usage: provision-worker.sh STAGE_DIR BASE_URL WORKER_ID
# STAGE_DIR holds what the host copied in: dotnet/ (the host's runtime: dotnet, host/, shared/
# Microsoft.NETCore.App/), pwsh/ (the PowerShell global tool's files), Emx2Hpc-<version>.zip, scripts/
# (e2e/scripts), config.yaml (e2e/e2e-config.example.yaml) and secret (the worker secret EMX2 knows).
# Rerunnable: every step replaces what an earlier run installed.
set -euo pipefail

die() {
    printf 'provision-worker: ERROR: %s\n' "$*" >&2
    exit 1
}
log() { printf 'provision-worker: %s\n' "$*"; }

(($# == 3)) || die "usage: provision-worker.sh STAGE_DIR BASE_URL WORKER_ID"
STAGE=$1 BASE_URL=$2 WORKER_ID=$3
[[ $EUID -eq 0 ]] || die "must run as root"
[[ $BASE_URL =~ ^https?://[A-Za-z0-9.:-]+/?$ ]] || die "BASE_URL '$BASE_URL' is not an http(s) URL of a host"
[[ $WORKER_ID =~ ^[A-Za-z0-9._-]+$ ]] || die "WORKER_ID '$WORKER_ID' has characters other than letters, digits, . _ -"
for f in dotnet/dotnet pwsh/pwsh.dll config.yaml secret; do
    [[ -e $STAGE/$f ]] || die "$STAGE/$f is missing"
done
zips=("$STAGE"/Emx2Hpc-*.zip)
[[ -f ${zips[0]} ]] || die "no Emx2Hpc-<version>.zip in $STAGE"
SERVICE_USER=emx2hpc
id "$SERVICE_USER" >/dev/null 2>&1 || useradd -m -s /bin/bash "$SERVICE_USER"

# --- runtime: root-owned, so the service user cannot change the code it runs --------------------
rm -rf /opt/dotnet /opt/pwsh
cp -a "$STAGE/dotnet" /opt/dotnet
cp -a "$STAGE/pwsh" /opt/pwsh
chown -R root:root /opt/dotnet /opt/pwsh
chmod -R go-w /opt/dotnet /opt/pwsh
cat >/usr/local/bin/pwsh <<'EOF'
#!/bin/sh
# PowerShell from the host's global tool, on the host's .NET runtime (copied, not downloaded).
export DOTNET_ROOT=/opt/dotnet
export POWERSHELL_TELEMETRY_OPTOUT=1 POWERSHELL_UPDATECHECK=Off DOTNET_CLI_TELEMETRY_OPTOUT=1
exec /opt/dotnet/dotnet /opt/pwsh/pwsh.dll "$@"
EOF
chmod 0755 /usr/local/bin/pwsh

# The module from the Package zip (Emx2Hpc/<version>/...) into pwsh's all-users module path.
modules=/usr/local/share/powershell/Modules
rm -rf "$modules/Emx2Hpc"
install -d -m 0755 "$modules"
python3 - "${zips[0]}" "$modules" <<'EOF'
import sys, zipfile
zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])
EOF
chown -R root:root "$modules/Emx2Hpc"
chmod -R u=rwX,go=rX "$modules/Emx2Hpc"
version=$(basename "$(find "$modules/Emx2Hpc" -mindepth 1 -maxdepth 1 -type d | head -n 1)")
[[ -f $modules/Emx2Hpc/$version/Emx2Hpc.psd1 ]] || die "the zip holds no Emx2Hpc/<version>/Emx2Hpc.psd1"
log "module Emx2Hpc $version installed from $(basename "${zips[0]}")"

# Job scripts where the configuration's profiles expect them.
install -d -m 0755 /opt/emx2hpc/e2e/scripts
install -m 0755 -o root -g root "$STAGE"/scripts/*.sh /opt/emx2hpc/e2e/scripts/

# --- the service user's config, secret, state and jobs root: its own, private -------------------
install -d -m 0750 -o "$SERVICE_USER" -g "$SERVICE_USER" /etc/emx2-hpc
# cron gives no environment: resolve the example's ${EMX2_*:-default} references to fixed values here.
# max_concurrent_jobs 12: the VM suite starts about ten jobs at once; cycles under emulation are slow.
# 10.0.2.2 is QEMU's user-mode NAT to the host's loopback: plain http never leaves the machine.
sed -e "s|\${EMX2_BASE_URL:-[^}]*}|$BASE_URL|" -e "s|\${EMX2_WORKER_ID:-[^}]*}|$WORKER_ID|" \
    -e 's|^  auth_mode: hmac$|  auth_mode: hmac\n  allow_insecure_http: true|' \
    -e 's|^  max_concurrent_jobs: 4$|  max_concurrent_jobs: 12|' \
    "$STAGE/config.yaml" >/etc/emx2-hpc/config.yaml.new
install -m 0640 -o "$SERVICE_USER" -g "$SERVICE_USER" /etc/emx2-hpc/config.yaml.new /etc/emx2-hpc/config.yaml
rm -f /etc/emx2-hpc/config.yaml.new
install -m 0600 -o "$SERVICE_USER" -g "$SERVICE_USER" "$STAGE/secret" /etc/emx2-hpc/secret
for d in /var/lib/emx2-hpc /data/jobs /data/jobs/tmp /var/log/emx2-hpc; do
    install -d -m 0700 -o "$SERVICE_USER" -g "$SERVICE_USER" "$d"
done
# Posix input artifacts are staged from here; posix-residence results are moved to /data/e2e-results (the
# configuration's staging.posix_output_root), readable by cluster users, writable only by the service user.
install -d -m 0755 -o "$SERVICE_USER" -g "$SERVICE_USER" /data/e2e /data/e2e-results

# Check before cron starts: a broken install fails here, loudly, not silently in cron's log.
if ! runuser -u "$SERVICE_USER" -- pwsh -NoProfile -NonInteractive -c \
    'Import-Module Emx2Hpc -ErrorAction Stop; Test-HpcConfig -ConfigPath /etc/emx2-hpc/config.yaml | Format-Table -AutoSize | Out-String -Width 200'; then
    die "Test-HpcConfig failed as $SERVICE_USER"
fi

# --- cron: one cycle every 20 s, as emx2hpc ------------------------------------------------------
# flock -n: under software emulation one pwsh start-up can outlast the 20 s cadence; without it the
# starts pile up (a dozen pwsh processes starving each other was observed) before the module's own
# cycle lock can turn them away.
cycle="flock -n /var/lib/emx2-hpc/cron.lock pwsh -NoProfile -NonInteractive -c 'Invoke-HpcCycle -ConfigPath /etc/emx2-hpc/config.yaml -Confirm:\$false' >>/var/log/emx2-hpc/cycle.log 2>&1"
cat >/etc/cron.d/emx2hpc.new <<EOF
# Emx2Hpc worker $WORKER_ID: one cycle every 20 s; flock skips a start while a cycle still runs.
PATH=/usr/local/bin:/usr/bin:/bin
* * * * * $SERVICE_USER $cycle
* * * * * $SERVICE_USER sleep 20; $cycle
* * * * * $SERVICE_USER sleep 40; $cycle
EOF
chmod 0644 /etc/cron.d/emx2hpc.new
mv /etc/cron.d/emx2hpc.new /etc/cron.d/emx2hpc
systemctl enable --now cron >/dev/null 2>&1 || true

log "ok: cron runs Invoke-HpcCycle as $SERVICE_USER every 20 s against $BASE_URL"
