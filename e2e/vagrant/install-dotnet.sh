#!/usr/bin/env bash
# Installs the .NET 10 SDK in the Vagrant VM (Ubuntu 24.04) so the e2e suite can run there.
# Prefers an apt package when the VM's sources offer one, else Microsoft's dotnet-install script.
set -euo pipefail

readonly CHANNEL=10.0
readonly DOTNET_DIR=/usr/share/dotnet

log() { printf 'install-dotnet: %s\n' "$*"; }
die() {
    printf 'install-dotnet: ERROR: %s\n' "$*" >&2
    exit 1
}

[[ $EUID -eq 0 ]] || die "must run as root"

if command -v dotnet >/dev/null 2>&1 && dotnet --list-sdks 2>/dev/null | grep -q "^${CHANNEL%.0}\."; then
    log "SDK $CHANNEL already installed: $(dotnet --version)"
    exit 0
fi

export DEBIAN_FRONTEND=noninteractive
candidate=$(apt-cache policy "dotnet-sdk-$CHANNEL" 2>/dev/null | awk '/Candidate:/ {print $2}')
if [[ -n $candidate && $candidate != "(none)" ]]; then
    log "installing dotnet-sdk-$CHANNEL $candidate from apt"
    apt-get install -y -q "dotnet-sdk-$CHANNEL"
else
    log "no apt package; using dotnet-install.sh (channel $CHANNEL) into $DOTNET_DIR"
    apt-get install -y -q ca-certificates curl libicu74
    script=$(mktemp)
    trap 'rm -f "$script"' EXIT
    curl -fsSL --retry 3 -o "$script" https://dot.net/v1/dotnet-install.sh
    bash "$script" --channel "$CHANNEL" --install-dir "$DOTNET_DIR"
    ln -sf "$DOTNET_DIR/dotnet" /usr/local/bin/dotnet
    # ssh sessions (vagrant ssh -c) read /etc/environment through pam_env, not /etc/profile.d.
    grep -q '^DOTNET_ROOT=' /etc/environment || echo "DOTNET_ROOT=$DOTNET_DIR" >>/etc/environment
fi
grep -q '^DOTNET_CLI_TELEMETRY_OPTOUT=' /etc/environment ||
    echo 'DOTNET_CLI_TELEMETRY_OPTOUT=1' >>/etc/environment
dotnet --list-sdks | grep -q "^${CHANNEL%.0}\." || die "dotnet SDK $CHANNEL not found after install"
log "ok ($(dotnet --version))"
