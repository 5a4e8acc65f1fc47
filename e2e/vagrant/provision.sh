#!/usr/bin/env bash
# Single-node Slurm (munge + MariaDB + slurmdbd + slurmctld + slurmd) for the Emx2Hpc e2e suite.
# Runs inside the Vagrant VM (Ubuntu 24.04, systemd) or with --local on a Debian 12 / Ubuntu 24.04
# host. Safe to run again: it only writes files whose content differs and only starts what is down.
set -euo pipefail

readonly CLUSTER=emx2hpc
readonly PARTITION=debug
readonly ACCT_DB=slurm_acct_db
readonly ACCT_DB_USER=slurm
readonly SLURM_ETC=/etc/slurm
readonly SLURM_LOG_DIR=/var/log/slurm
readonly SLURM_STATE_DIR=/var/lib/slurm/slurmctld
readonly SLURMD_SPOOL_DIR=/var/lib/slurm/slurmd
readonly MUNGE_KEY=/etc/munge/munge.key
readonly MYSQL_ERROR_LOG=/var/log/mysql/error.log

LOCAL=0
NO_SMOKE=0
ACTION=provision
RESTART_DOWN_SECONDS=0
USERS=()
USERS_GIVEN=0

log() { printf 'provision: %s\n' "$*"; }
warn() { printf 'provision: WARNING: %s\n' "$*" >&2; }
die() {
    printf 'provision: ERROR: %s\n' "$*" >&2
    exit 1
}

# Fails with the end of the daemon's own log, because "did not start" alone is never enough to act on.
die_with_log() {
    local logfile=$1
    shift
    printf 'provision: ERROR: %s\n' "$*" >&2
    if [[ -f $logfile ]]; then
        printf 'provision: --- last lines of %s ---\n' "$logfile" >&2
        tail -n 40 "$logfile" >&2 || true
        printf 'provision: --- end of %s ---\n' "$logfile" >&2
    else
        printf 'provision: (no log at %s)\n' "$logfile" >&2
    fi
    exit 1
}

usage() {
    cat <<'EOF'
Usage: provision.sh [--local] [--user NAME]... [--no-smoke]
       provision.sh --stop
       provision.sh --restart-slurmctld [--down SECONDS]

Sets up a single-node Slurm cluster "emx2hpc" (partition "debug") with slurmdbd accounting.

  --local              run on this host (Debian 12 / Ubuntu 24.04) instead of the Vagrant VM:
                       daemons run as root, apptainer is installed only if apt offers it
  --user NAME          also give NAME a Slurm accounting association (repeatable;
                       default in the VM: vagrant); the smoke job runs as the first such user
  --no-smoke           skip the smoke checks (munge round trip, test job, sacct)
  --stop               stop slurmd, slurmctld, slurmdbd, MariaDB and munged
  --restart-slurmctld  stop slurmctld, keep it down for --down SECONDS (default 0), start it
                       again and wait until squeue answers (fault injection)
  -h, --help           this text

Environment: SKIP_APT=1 never runs apt-get (fails if a package is missing).
EOF
}

parse_args() {
    while (($#)); do
        case $1 in
            --local) LOCAL=1 ;;
            --user)
                [[ $# -ge 2 && -n $2 ]] || die "--user needs a name"
                USERS+=("$2")
                USERS_GIVEN=1
                shift
                ;;
            --user=*)
                USERS+=("${1#--user=}")
                USERS_GIVEN=1
                ;;
            --no-smoke) NO_SMOKE=1 ;;
            --stop) ACTION=stop ;;
            --restart-slurmctld) ACTION=restart-slurmctld ;;
            --down)
                [[ $# -ge 2 && $2 =~ ^[0-9]+$ ]] || die "--down needs a number of seconds"
                RESTART_DOWN_SECONDS=$2
                shift
                ;;
            -h | --help)
                usage
                exit 0
                ;;
            *)
                usage >&2
                die "unknown argument: $1"
                ;;
        esac
        shift
    done
    # The VM's e2e suite submits as vagrant; --user replaces that default rather than adding to it.
    if ((!LOCAL && !USERS_GIVEN)) && id vagrant >/dev/null 2>&1; then
        USERS=(vagrant)
    fi
}

# --- environment ---------------------------------------------------------------------------------

# Same test as sd_booted(): containers and CI sandboxes often have systemctl but no running systemd.
use_systemd() { [[ -d /run/systemd/system ]]; }

NODE_NAME=$(hostname -s)
readonly NODE_NAME

# --- packages ------------------------------------------------------------------------------------

package_installed() {
    [[ $(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true) == "install ok installed" ]]
}

apt_retry() {
    local try
    for try in 1 2 3; do
        if "$@"; then
            return 0
        fi
        warn "'$*' failed (attempt $try of 3)"
        sleep $((try * 5))
    done
    die "'$*' failed three times; check network access to the Debian/Ubuntu mirrors"
}

install_packages() {
    local packages=(munge mariadb-server slurmctld slurmd slurm-client slurmdbd)
    local want_apptainer=0
    if ((!LOCAL)); then
        packages+=(slurm-wlm busybox-static chrony)
        # Apptainer comes from an Ubuntu PPA; Debian (the box build-box.sh makes) ships none.
        grep -qx 'ID=ubuntu' /etc/os-release 2>/dev/null && want_apptainer=1
    fi

    local missing=() p
    for p in "${packages[@]}"; do
        package_installed "$p" || missing+=("$p")
    done
    if ((want_apptainer)) && ! package_installed apptainer; then
        missing+=(apptainer)
    fi

    if [[ ${SKIP_APT:-0} == 1 ]]; then
        log "SKIP_APT=1: not running apt-get"
        return 0
    fi
    if ((${#missing[@]} == 0)); then
        log "packages already installed"
        maybe_install_apptainer_locally
        return 0
    fi

    export DEBIAN_FRONTEND=noninteractive
    # A fresh cloud image has no package lists at all: update before installing anything.
    apt_retry apt-get update -q
    if ((want_apptainer)) && ! compgen -G '/etc/apt/sources.list.d/*apptainer*' >/dev/null; then
        # Apptainer is not in Ubuntu's archive; its maintainers publish it in a PPA.
        package_installed software-properties-common ||
            apt_retry apt-get install -y -q software-properties-common
        apt_retry add-apt-repository -y ppa:apptainer/ppa
        apt_retry apt-get update -q
    fi
    log "installing: ${missing[*]}"
    apt_retry apt-get install -y -q -o Dpkg::Options::=--force-confold "${missing[@]}"
    maybe_install_apptainer_locally
}

# On a host, container mode is optional: install apptainer only where the host's apt offers it.
maybe_install_apptainer_locally() {
    ((LOCAL)) || return 0
    package_installed apptainer && return 0
    local candidate
    candidate=$(apt-cache policy apptainer 2>/dev/null | awk '/Candidate:/ {print $2}')
    if [[ -n $candidate && $candidate != "(none)" ]]; then
        DEBIAN_FRONTEND=noninteractive apt_retry apt-get install -y -q apptainer
    else
        log "apptainer not offered by apt here; container jobs cannot run on this host"
    fi
}

require_binaries() {
    local b
    for b in /usr/sbin/munged /usr/sbin/slurmctld /usr/sbin/slurmd /usr/sbin/slurmdbd \
        /usr/bin/sbatch /usr/bin/sacctmgr /usr/bin/mysqladmin; do
        [[ -x $b ]] || die "$b is missing (packages not installed; run without SKIP_APT=1)"
    done
}

# --- files ---------------------------------------------------------------------------------------

# Writes stdin to PATH only when it differs, so a rerun leaves mtimes (and running daemons) alone.
# Returns 0 when the file was written, 1 when it was already up to date.
write_if_changed() {
    local path=$1 mode=$2 owner=$3 tmp
    tmp=$(mktemp)
    cat >"$tmp"
    if [[ -f $path ]] && cmp -s "$tmp" "$path"; then
        rm -f "$tmp"
        chmod "$mode" "$path"
        chown "$owner" "$path"
        return 1
    fi
    install -D -m "$mode" -o "${owner%%:*}" -g "${owner##*:}" "$tmp" "$path"
    rm -f "$tmp"
    log "wrote $path"
    return 0
}

ensure_dir() {
    local dir=$1 owner=$2 mode=$3
    install -d -m "$mode" -o "${owner%%:*}" -g "${owner##*:}" "$dir"
}

# Based on MemTotal, not MemAvailable: MemTotal does not move between runs, so slurm.conf stays
# byte-identical. 90 % of it, rounded down to 256 MiB, stays below what slurmd detects (a node that
# claims more than it has is drained with "Low RealMemory") and leaves room for MariaDB and the OS.
real_memory_mib() {
    local total_kib
    total_kib=$(awk '/^MemTotal:/ {print $2}' /proc/meminfo)
    local usable_mib=$((total_kib * 9 / 10240))
    echo $((usable_mib - usable_mib % 256))
}

# When systemd runs the daemons its unit files decide the user and pid file; slurm.conf must agree.
unit_property() {
    systemctl show -P "$2" "$1.service" 2>/dev/null || true
}

SLURM_USER=root
SLURMCTLD_PID=/run/slurmctld.pid
SLURMD_PID=/run/slurmd.pid
SLURMDBD_PID=/run/slurmdbd.pid

decide_daemon_identity() {
    if use_systemd; then
        local u
        u=$(unit_property slurmctld User)
        if [[ -n $u ]]; then
            SLURM_USER=$u
        elif ((!LOCAL)) && id slurm >/dev/null 2>&1; then
            SLURM_USER=slurm
        fi
        local p
        p=$(unit_property slurmctld PIDFile)
        [[ -z $p ]] || SLURMCTLD_PID=$p
        p=$(unit_property slurmd PIDFile)
        [[ -z $p ]] || SLURMD_PID=$p
        p=$(unit_property slurmdbd PIDFile)
        [[ -z $p ]] || SLURMDBD_PID=$p
    fi
    id "$SLURM_USER" >/dev/null 2>&1 || die "SlurmUser $SLURM_USER does not exist"
}

CONF_CHANGED_SLURM=0
CONF_CHANGED_DBD=0
KEY_CHANGED_MUNGE=0

write_munge_key() {
    ensure_dir /etc/munge munge:munge 0700
    if [[ ! -s $MUNGE_KEY ]]; then
        # The packages usually generate one; if not, 1 KiB of randomness is what mungekey makes too.
        dd if=/dev/urandom of="$MUNGE_KEY" bs=1024 count=1 status=none
        KEY_CHANGED_MUNGE=1
        log "created $MUNGE_KEY"
    fi
    chown munge:munge "$MUNGE_KEY"
    chmod 0400 "$MUNGE_KEY"
}

db_password() {
    local existing=''
    if [[ -f $SLURM_ETC/slurmdbd.conf ]]; then
        existing=$(sed -n 's/^StoragePass=//p' "$SLURM_ETC/slurmdbd.conf" | sed -n 1p)
    fi
    if [[ -n $existing ]]; then
        printf '%s' "$existing"
    else
        # Reused on later runs (read back above) so the file and the DB grant stay stable.
        head -c 18 /dev/urandom | base64 | tr -d '/+=\n'
    fi
}

DB_PASS=

write_slurm_conf() {
    local cpus mem
    cpus=$(nproc)
    mem=$(real_memory_mib)
    ensure_dir "$SLURM_ETC" root:root 0755
    if write_if_changed "$SLURM_ETC/slurm.conf" 0644 root:root <<EOF
# Written by Emx2Hpc e2e/vagrant/provision.sh; rerunning it rewrites this file.
ClusterName=$CLUSTER
SlurmctldHost=$NODE_NAME(127.0.0.1)
AuthType=auth/munge
MpiDefault=none
SlurmUser=$SLURM_USER
SlurmdUser=root
SlurmctldPort=6817
SlurmdPort=6818
StateSaveLocation=$SLURM_STATE_DIR
SlurmdSpoolDir=$SLURMD_SPOOL_DIR
SlurmctldPidFile=$SLURMCTLD_PID
SlurmdPidFile=$SLURMD_PID
SlurmctldLogFile=$SLURM_LOG_DIR/slurmctld.log
SlurmdLogFile=$SLURM_LOG_DIR/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
# No cgroups on the hosts this runs on: track processes by parent pid, bind nothing.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
SlurmctldTimeout=120
SlurmdTimeout=300
InactiveLimit=0
# Wall-time tests: kill at the limit (no grace) and SIGKILL 5 s after SIGTERM.
OverTimeLimit=0
KillWait=5
# Finished jobs leave squeue after 30 s; sacct (slurmdbd) keeps them.
MinJobAge=30
JobAcctGatherType=jobacct_gather/linux
JobAcctGatherFrequency=30
AccountingStorageType=accounting_storage/slurmdbd
AccountingStorageHost=localhost
AccountingStoragePort=6819
# Emx2Hpc tags jobs with --comment; without this flag sacct's Comment column stays empty.
AccountingStoreFlags=job_comment
JobCompType=jobcomp/none
# No mail on test hosts; the packaged default (/usr/bin/mail) is absent and logs an error.
MailProg=/bin/true
NodeName=$NODE_NAME NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=$PARTITION Nodes=$NODE_NAME Default=YES MaxTime=INFINITE State=UP
EOF
    then
        CONF_CHANGED_SLURM=1
    fi
}

write_slurmdbd_conf() {
    DB_PASS=$(db_password)
    if write_if_changed "$SLURM_ETC/slurmdbd.conf" 0600 "$SLURM_USER:$SLURM_USER" <<EOF
# Written by Emx2Hpc e2e/vagrant/provision.sh; rerunning it rewrites this file.
AuthType=auth/munge
DbdHost=localhost
DbdAddr=127.0.0.1
DbdPort=6819
SlurmUser=$SLURM_USER
DebugLevel=info
LogFile=$SLURM_LOG_DIR/slurmdbd.log
PidFile=$SLURMDBD_PID
StorageType=accounting_storage/mysql
StorageHost=localhost
StoragePort=3306
StorageUser=$ACCT_DB_USER
StoragePass=$DB_PASS
StorageLoc=$ACCT_DB
EOF
    then
        CONF_CHANGED_DBD=1
    fi
}

prepare_dirs() {
    ensure_dir "$SLURM_LOG_DIR" "$SLURM_USER:$SLURM_USER" 0755
    ensure_dir "$SLURM_STATE_DIR" "$SLURM_USER:$SLURM_USER" 0755
    ensure_dir "$SLURMD_SPOOL_DIR" root:root 0755
    ensure_dir /run/munge munge:munge 0755
    ensure_dir /var/log/munge munge:munge 0700
    ensure_dir /var/lib/munge munge:munge 0711
    ensure_dir /run/mysqld mysql:mysql 0755
    ensure_dir /var/log/mysql mysql:adm 2750
}

# --- daemons -------------------------------------------------------------------------------------

# Tries CMD every DELAY seconds, TRIES times; on failure shows LOGFILE and stops.
wait_until() {
    local desc=$1 tries=$2 delay=$3 logfile=$4
    shift 4
    local i
    for ((i = 1; i <= tries; i++)); do
        if "$@" >/dev/null 2>&1; then
            return 0
        fi
        sleep "$delay"
    done
    die_with_log "$logfile" "$desc: not ready after $((tries * delay)) s"
}

running() { pgrep -x "$1" >/dev/null 2>&1; }

# Pid from the pid file when it still names the daemon, otherwise by exact process name.
daemon_pids() {
    local name=$1 pidfile=$2 pid
    if [[ -s $pidfile ]]; then
        pid=$(head -n 1 "$pidfile")
        if [[ $pid =~ ^[0-9]+$ && $(cat "/proc/$pid/comm" 2>/dev/null || true) == "$name" ]]; then
            echo "$pid"
            return 0
        fi
    fi
    pgrep -x "$name" || true
}

stop_direct() {
    local name=$1 pidfile=$2 pids i
    pids=$(daemon_pids "$name" "$pidfile")
    if [[ -z $pids ]]; then
        log "$name not running"
        return 0
    fi
    log "stopping $name (pid $(echo "$pids" | paste -sd ' '))"
    # shellcheck disable=SC2086 # one pid per word
    kill -TERM $pids 2>/dev/null || true
    for ((i = 0; i < 60; i++)); do
        running "$name" || return 0
        sleep 0.5
    done
    warn "$name did not exit within 30 s; sending SIGKILL"
    # shellcheck disable=SC2086
    kill -KILL $pids 2>/dev/null || true
    sleep 1
}

# A daemon is (re)started when it is down or when its configuration just changed.
service_up() {
    local unit=$1 changed=$2
    if systemctl is-active --quiet "$unit"; then
        if ((changed)); then
            log "restarting $unit (configuration changed)"
            systemctl restart "$unit"
        fi
    else
        log "starting $unit"
        systemctl enable "$unit" >/dev/null 2>&1 || true
        systemctl restart "$unit" || true
    fi
}

start_munge() {
    if use_systemd; then
        service_up munge "$KEY_CHANGED_MUNGE"
    else
        if running munged && ((KEY_CHANGED_MUNGE)); then
            stop_direct munged /run/munge/munged.pid
        fi
        if ! running munged; then
            log "starting munged"
            # --force: a socket left over from a previous boot must not block the start.
            runuser -u munge -- /usr/sbin/munged --force </dev/null >/dev/null 2>&1 9>&- ||
                die_with_log /var/log/munge/munged.log "munged failed to start"
        fi
    fi
    wait_until "munge" 15 1 /var/log/munge/munged.log bash -c 'munge -n | unmunge'
}

mysql_ready() { mysqladmin --silent ping; }

start_mariadb() {
    if use_systemd; then
        service_up mariadb 0
    elif ! mysql_ready >/dev/null 2>&1; then
        if ! running mysqld_safe; then
            log "starting MariaDB (mysqld_safe)"
            setsid mysqld_safe --skip-syslog --log-error="$MYSQL_ERROR_LOG" \
                </dev/null >/dev/null 2>&1 9>&- &
        fi
    fi
    wait_until "MariaDB" 60 1 "$MYSQL_ERROR_LOG" mysql_ready
}

ensure_database() {
    # Root reaches MariaDB through its unix socket (unix_socket auth), so no root password exists.
    mysql -e "CREATE DATABASE IF NOT EXISTS $ACCT_DB" ||
        die_with_log "$MYSQL_ERROR_LOG" "could not create database $ACCT_DB"
    if MYSQL_PWD=$DB_PASS mysql -u "$ACCT_DB_USER" -h localhost -e "USE $ACCT_DB" >/dev/null 2>&1; then
        return 0
    fi
    log "granting $ACCT_DB_USER@localhost all privileges on $ACCT_DB"
    mysql <<EOF || die_with_log "$MYSQL_ERROR_LOG" "could not create database user $ACCT_DB_USER"
CREATE USER IF NOT EXISTS '$ACCT_DB_USER'@'localhost' IDENTIFIED BY '$DB_PASS';
ALTER USER '$ACCT_DB_USER'@'localhost' IDENTIFIED BY '$DB_PASS';
GRANT ALL PRIVILEGES ON $ACCT_DB.* TO '$ACCT_DB_USER'@'localhost';
FLUSH PRIVILEGES;
EOF
}

start_slurmdbd() {
    if use_systemd; then
        service_up slurmdbd "$CONF_CHANGED_DBD"
    else
        if running slurmdbd && ((CONF_CHANGED_DBD)); then
            stop_direct slurmdbd "$SLURMDBD_PID"
        fi
        if ! running slurmdbd; then
            log "starting slurmdbd"
            /usr/sbin/slurmdbd </dev/null >/dev/null 2>&1 9>&- ||
                die_with_log "$SLURM_LOG_DIR/slurmdbd.log" "slurmdbd failed to start"
        fi
    fi
    # The first start creates the schema, which takes a few seconds on a small VM.
    wait_until "slurmdbd" 45 1 "$SLURM_LOG_DIR/slurmdbd.log" sacctmgr -n list cluster
}

ensure_associations() {
    if [[ -z $(sacctmgr -n -P list cluster "$CLUSTER" format=Cluster 2>/dev/null) ]]; then
        log "adding cluster $CLUSTER to accounting"
        sacctmgr -i add cluster "$CLUSTER" >/dev/null
    fi
    if [[ -z $(sacctmgr -n -P list account default format=Account 2>/dev/null) ]]; then
        log "adding account default"
        sacctmgr -i add account default cluster="$CLUSTER" Description=emx2hpc-e2e \
            Organization=emx2hpc >/dev/null
    fi
    local u
    for u in root "${USERS[@]}"; do
        if [[ -z $(sacctmgr -n -P list assoc cluster="$CLUSTER" account=default user="$u" format=User 2>/dev/null) ]]; then
            log "adding user $u to account default"
            sacctmgr -i add user "$u" account=default cluster="$CLUSTER" >/dev/null
        fi
    done
}

start_slurmctld() {
    if use_systemd; then
        service_up slurmctld "$CONF_CHANGED_SLURM"
    else
        if running slurmctld && ((CONF_CHANGED_SLURM)); then
            stop_direct slurmctld "$SLURMCTLD_PID"
        fi
        if ! running slurmctld; then
            log "starting slurmctld"
            /usr/sbin/slurmctld </dev/null >/dev/null 2>&1 9>&- ||
                die_with_log "$SLURM_LOG_DIR/slurmctld.log" "slurmctld failed to start"
        fi
    fi
    wait_until "slurmctld" 30 1 "$SLURM_LOG_DIR/slurmctld.log" scontrol ping
    wait_until "slurmctld (squeue)" 30 1 "$SLURM_LOG_DIR/slurmctld.log" squeue -h -o %i
}

start_slurmd() {
    if use_systemd; then
        service_up slurmd "$CONF_CHANGED_SLURM"
    else
        if running slurmd && ((CONF_CHANGED_SLURM)); then
            stop_direct slurmd "$SLURMD_PID"
        fi
        if ! running slurmd; then
            log "starting slurmd"
            /usr/sbin/slurmd </dev/null >/dev/null 2>&1 9>&- ||
                die_with_log "$SLURM_LOG_DIR/slurmd.log" "slurmd failed to start"
        fi
    fi
}

restart_slurmd() {
    if use_systemd; then
        systemctl restart slurmd
    else
        stop_direct slurmd "$SLURMD_PID"
        /usr/sbin/slurmd </dev/null >/dev/null 2>&1 9>&- || true
    fi
}

# sed, not head: head exiting early would kill sinfo with SIGPIPE and pipefail would abort us.
node_state() { sinfo -h -N -n "$NODE_NAME" -o %T 2>/dev/null | sed -n 1p; }

NODE_STATE=

# Waits for a usable node. A rerun may find e2e jobs running, so mixed/allocated count as ready.
wait_node_ready() {
    local i state restarted=0
    for ((i = 1; i <= 45; i++)); do
        state=$(node_state)
        case $state in
            idle | mixed | allocated | completing)
                NODE_STATE=$state
                return 0
                ;;
            down* | drain* | fail* | *drained*)
                log "node $NODE_NAME is $state ($(sinfo -h -N -n "$NODE_NAME" -o %E)); resuming it"
                scontrol update nodename="$NODE_NAME" state=resume >/dev/null 2>&1 || true
                ;;
            *'*')
                # Not responding: slurmd may have started before slurmctld could hear it.
                if ((i == 15 && !restarted)); then
                    log "node $NODE_NAME is $state; restarting slurmd"
                    restart_slurmd
                    restarted=1
                fi
                ;;
        esac
        sleep 2
    done
    printf 'provision: sinfo says: %s\n' "$(sinfo -N -l 2>&1 || true)" >&2
    die_with_log "$SLURM_LOG_DIR/slurmd.log" "node $NODE_NAME not idle after 90 s (state: ${state:-none})"
}

check_time_sync() {
    # QEMU guests can boot with a clock far off; munge credentials then fail to decode.
    ((LOCAL)) && return 0
    command -v chronyc >/dev/null 2>&1 || return 0
    if use_systemd; then
        systemctl enable --now chrony >/dev/null 2>&1 || true
    fi
    chronyc -a makestep >/dev/null 2>&1 || true
    chronyc waitsync 10 0 0 1 >/dev/null 2>&1 || warn "clock not synchronised yet (chronyc waitsync)"
}

# --- smoke checks --------------------------------------------------------------------------------

sacct_state() {
    sacct -j "$1" -X -P -n -o JobID,State,ExitCode 2>/dev/null | sed -n 1p
}

smoke() {
    log "smoke: munge round trip"
    munge -n | unmunge >/dev/null || die_with_log /var/log/munge/munged.log "munge round trip failed"

    local submitter=root
    if ((${#USERS[@]})) && id "${USERS[0]}" >/dev/null 2>&1; then
        submitter=${USERS[0]}
    fi
    local dir
    dir=$(mktemp -d /tmp/emx2hpc-smoke.XXXXXX)
    chmod 0755 "$dir"
    chown "$submitter" "$dir"
    log "smoke: batch job as $submitter"
    local id rc=0
    id=$(cd "$dir" && runuser -u "$submitter" -- timeout 120 sbatch --parsable --wait \
        --job-name=emx2hpc-smoke --time=00:02:00 -o "$dir/slurm-%j.out" \
        --wrap "echo ok > '$dir/marker'") || rc=$?
    if ((rc != 0)) || [[ $(cat "$dir/marker" 2>/dev/null || true) != ok ]]; then
        cat "$dir"/slurm-*.out >&2 2>/dev/null || true
        die_with_log "$SLURM_LOG_DIR/slurmctld.log" "smoke job ${id:-?} failed (sbatch exit $rc, marker missing or wrong)"
    fi
    id=${id%%;*}
    local line='' i
    for ((i = 0; i < 30; i++)); do
        line=$(sacct_state "$id")
        [[ $line == "$id|COMPLETED|0:0" ]] && break
        sleep 1
    done
    [[ $line == "$id|COMPLETED|0:0" ]] ||
        die_with_log "$SLURM_LOG_DIR/slurmdbd.log" "sacct for smoke job $id says '${line}', expected COMPLETED|0:0"
    rm -rf "$dir"
    log "smoke: job $id COMPLETED, sacct agrees"

    if ((!LOCAL)) && command -v apptainer >/dev/null 2>&1; then
        apptainer --version >/dev/null || die "apptainer is installed but does not run"
    fi
}

# --- actions -------------------------------------------------------------------------------------

provision() {
    install_packages
    require_binaries
    check_time_sync
    decide_daemon_identity
    prepare_dirs
    write_munge_key
    write_slurm_conf
    write_slurmdbd_conf
    start_munge
    start_mariadb
    ensure_database
    start_slurmdbd
    ensure_associations
    start_slurmctld
    start_slurmd
    wait_node_ready
    ((NO_SMOKE)) || smoke
    local version
    version=$(sinfo --version | awk '{print $2}')
    log "ok (slurm $version, node $NODE_NAME $NODE_STATE)"
}

stop_all() {
    decide_daemon_identity
    if use_systemd; then
        systemctl stop slurmd slurmctld slurmdbd mariadb munge || true
        log "stopped"
        return 0
    fi
    stop_direct slurmd "$SLURMD_PID"
    stop_direct slurmctld "$SLURMCTLD_PID"
    stop_direct slurmdbd "$SLURMDBD_PID"
    if mysql_ready >/dev/null 2>&1; then
        log "stopping MariaDB"
        mysqladmin shutdown || warn "mysqladmin shutdown failed"
    fi
    local i
    for ((i = 0; i < 60; i++)); do
        running mysqld_safe || running mariadbd || running mysqld || break
        sleep 0.5
    done
    stop_direct munged /run/munge/munged.pid
    log "stopped"
}

restart_slurmctld() {
    decide_daemon_identity
    if use_systemd; then
        systemctl stop slurmctld
    else
        stop_direct slurmctld "$SLURMCTLD_PID"
    fi
    if ((RESTART_DOWN_SECONDS > 0)); then
        log "slurmctld down for $RESTART_DOWN_SECONDS s"
        sleep "$RESTART_DOWN_SECONDS"
    fi
    start_slurmctld
    log "slurmctld restarted; squeue answers"
}

main() {
    parse_args "$@"
    [[ $EUID -eq 0 ]] || die "must run as root (try: sudo $0 $*)"
    # Two provisioning runs at once (CI and a developer) would race on the daemons. Every daemon is
    # started with fd 9 closed (9>&-): one that inherited it would hold this lock for its lifetime.
    exec 9>/run/emx2hpc-provision.lock
    flock -w 300 9 || die "another provision.sh still holds /run/emx2hpc-provision.lock"
    case $ACTION in
        provision) provision ;;
        stop) stop_all ;;
        restart-slurmctld) restart_slurmctld ;;
    esac
}

main "$@"
