#!/usr/bin/env bash
# CI step for the mini HPC cluster (e2e/minihpc): installs the directory-service packages, brings the cluster up
# beside the single-node one, runs tests/MiniHpc on its head node writing $RESULTS/minihpc.trx, and always tears
# the cluster down again. Runs as root after e2e/vagrant/provision.sh --local (munged and MariaDB are shared) and
# after `dotnet build Emx2Hpc.sln -c Release`. Prints how long each phase took.
# Exit status: 0 when the scenarios passed; non-zero otherwise (no TRX at all means the rig never came up).
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
RESULTS=${RESULTS:-$ROOT/out/test-results}
CAPTURE=${MINIHPC_CAPTURE_DIR:-$ROOT/out/minihpc-capture}
RIG=e2e/minihpc/minihpc.sh
export DEBIAN_FRONTEND=noninteractive DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
mkdir -p "$RESULTS"

say() { printf 'minihpc-ci: %s\n' "$*"; }
[ "$(id -u)" -eq 0 ] || { say "must run as root"; exit 1; }

installed() { [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]; }

# slapd creates its database at install time from debconf answers: preseed the suffix the rig uses
# (dc=minihpc,dc=test) and the admin password it writes entries with (e2e/minihpc/minihpc.sh, ldap_add).
preseed() {
    debconf-set-selections <<'PRESEED'
slapd slapd/no_configuration boolean false
slapd slapd/domain string minihpc.test
slapd shared/organization string minihpc
slapd slapd/password1 password minihpc-admin
slapd slapd/password2 password minihpc-admin
slapd slapd/purge_database boolean true
slapd slapd/move_old_database boolean true
nslcd nslcd/ldap-uris string ldapi:///
nslcd nslcd/ldap-base string dc=minihpc,dc=test
libnss-ldapd libnss-ldapd/nsswitch multiselect
libnss-ldapd libnss-ldapd/clean_nsswitch boolean false
PRESEED
}

install_packages() {
    local missing=() p
    for p in slapd ldap-utils nslcd libnss-ldapd; do installed "$p" || missing+=("$p"); done
    if [ ${#missing[@]} -gt 0 ]; then
        preseed
        say "installing ${missing[*]}"
        apt-get install -y -q "${missing[@]}" || { apt-get update -q && apt-get install -y -q "${missing[@]}"; } || return 1
    fi
    # A slapd installed earlier for something else has another suffix; in CI (a throw-away machine) reconfigure it.
    if ! grep -qs '^olcSuffix: dc=minihpc,dc=test' /etc/ldap/slapd.d/cn=config/olcDatabase=*.ldif; then
        [ "${CI:-}" = true ] || { say "slapd has another suffix; run with CI=true to reconfigure it (this replaces its database)"; return 1; }
        preseed
        dpkg-reconfigure -f noninteractive slapd || return 1
    fi
}

down() {
    local t=$SECONDS
    bash "$RIG" --down </dev/null
    say "down took $((SECONDS - t)) s"
}

t=$SECONDS
install_packages || { say "package installation failed"; exit 1; }
say "packages took $((SECONDS - t)) s"

if [ ! -f tests/MiniHpc/bin/Release/net10.0/Emx2Hpc.Tests.MiniHpc.dll ]; then
    dotnet build tests/MiniHpc -c Release </dev/null || { say "build of tests/MiniHpc failed"; exit 1; }
fi

trap down EXIT
t=$SECONDS
bash "$RIG" --down </dev/null >/dev/null 2>&1 # a previous run killed half-way leaves nothing behind
if ! bash "$RIG" --up </dev/null; then
    say "the mini cluster did not come up"
    exit 1
fi
say "up took $((SECONDS - t)) s"

t=$SECONDS
rc=0
EMX2HPC_MINIHPC=1 MINIHPC_CAPTURE_DIR="$CAPTURE" bash "$RIG" --exec \
    dotnet test tests/MiniHpc -c Release --no-build --logger "trx;LogFileName=minihpc.trx" \
    --logger "console;verbosity=normal" --results-directory "$RESULTS" </dev/null || rc=$?
say "scenarios took $((SECONDS - t)) s (exit $rc); Slurm captures in $CAPTURE"
exit $rc
