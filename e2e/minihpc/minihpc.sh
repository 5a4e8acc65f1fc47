#!/usr/bin/env bash
# A mini HPC cluster on one Linux host, beside (never instead of) the single-node cluster of
# e2e/vagrant/provision.sh: slurmctld + slurmdbd on a "head" node and three slurmd (node-0..node-2),
# each in its own network and UTS namespace, joined by veth pairs on a bridge; users and groups from
# OpenLDAP (slapd) through nslcd; a shared filesystem laid out like a cluster's (/shared/home, /shared/jobs).
# See e2e/minihpc/README.md. Runs as root; Debian 12 packages slurmctld slurmd slurmdbd slurm-client
# munge mariadb-server slapd ldap-utils nslcd libnss-ldapd (.ci/minihpc.sh installs them).
set -euo pipefail

readonly CLUSTER=minihpc
readonly PARTITION=batch
readonly NODES=(node-0 node-1 node-2)
readonly SUBNET=10.213.77
readonly HEAD_ADDR=$SUBNET.1
readonly NS_HEAD=mhpc-head
readonly BRIDGE=mhpc-br0
readonly ETC=/etc/minihpc
readonly STATE=/var/lib/minihpc
readonly LOGS=/var/log/minihpc
readonly RUN=/run/minihpc
readonly SHARED=${MINIHPC_SHARED:-/shared}
readonly ACCT_DB=minihpc_acct_db
readonly ACCT_DB_USER=minihpc
readonly LDAP_BASE=dc=minihpc,dc=test
# Directory users: the worker's service account and a second user whose files the worker must not read.
readonly SERVICE_USER=hpcsvc SERVICE_UID=20001
readonly OTHER_USER=alice OTHER_UID=20002
readonly USERS_GID=20000 USERS_GROUP=hpcusers
export SLURM_CONF=$ETC/slurm.conf

log() { printf 'minihpc: %s\n' "$*"; }
die() {
    printf 'minihpc: ERROR: %s\n' "$*" >&2
    exit 1
}
die_with_log() {
    local file=$1
    shift
    printf 'minihpc: ERROR: %s\n' "$*" >&2
    [[ -f $file ]] && { printf -- '--- last lines of %s ---\n' "$file" >&2; tail -n 30 "$file" >&2; }
    exit 1
}

usage() {
    cat <<'EOF'
Usage: minihpc.sh --up | --down | --status
       minihpc.sh --exec CMD [ARG]...       run CMD on the head node (its namespace, SLURM_CONF set)
       minihpc.sh --kill-node NAME          crash a compute node: SIGKILL every process in its namespace
       minihpc.sh --start-node NAME         start the node's slurmd again (it stays DOWN until resumed)
EOF
}

node_index() { echo "${1#node-}"; }
node_ns() { echo "mhpc-$1"; }
node_addr() { echo "$SUBNET.$((10 + $(node_index "$1")))"; }

# Wait until CMD succeeds (TRIES times, DELAY seconds apart); on failure show LOGFILE.
wait_until() {
    local desc=$1 tries=$2 delay=$3 logfile=$4 i
    shift 4
    for ((i = 0; i < tries; i++)); do
        "$@" >/dev/null 2>&1 && return 0
        sleep "$delay"
    done
    die_with_log "$logfile" "$desc: not ready after $((tries * delay)) s"
}

# A process that is not a zombie: a killed daemon stays a zombie until its parent reaps it, and kill -0 would
# still call that alive.
process_alive() {
    local stat
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    stat=${stat##*) }
    [[ ${stat%% *} != [ZX] ]]
}

pid_alive() {
    local pid
    pid=$(cat "$1" 2>/dev/null) || return 1
    [[ $pid =~ ^[0-9]+$ ]] && process_alive "$pid"
}

ns_exists() { [[ -e /run/netns/$1 ]]; }

in_head() { in_ns "$NS_HEAD" "$@"; }

# --- preconditions ---------------------------------------------------------------------------------

require() {
    [[ $EUID -eq 0 ]] || die "must run as root"
    local b
    for b in /usr/sbin/slurmctld /usr/sbin/slurmd /usr/sbin/slurmdbd /usr/bin/sacctmgr /usr/sbin/slapd \
        /usr/sbin/nslcd /usr/bin/ldapadd /usr/bin/mysql /usr/bin/unshare /usr/bin/setpriv; do
        [[ -x $b ]] || die "$b is missing (run .ci/minihpc.sh, or apt-get install the packages named in $0)"
    done
    [[ -e /usr/lib/x86_64-linux-gnu/libnss_ldap.so.2 || -n $(compgen -G '/usr/lib/*/libnss_ldap.so.2') ]] ||
        die "libnss-ldapd is not installed"
    # The host's munged and MariaDB are shared with the single-node cluster: both talk over unix sockets,
    # which every network namespace sees. They are started by e2e/vagrant/provision.sh --local.
    munge -n | unmunge >/dev/null 2>&1 || die "munged is not running (run e2e/vagrant/provision.sh --local first)"
    mysqladmin --silent ping >/dev/null 2>&1 || die "MariaDB is not running (run e2e/vagrant/provision.sh --local first)"
}

# --- network -------------------------------------------------------------------------------------

# /etc/netns/<ns>/ files are bind-mounted over /etc by `ip netns exec`: the cluster's own hosts file and an
# nsswitch.conf that adds LDAP, so the host's /etc is never edited.
write_netns_etc() {
    local ns=$1 dir=/etc/netns/$1 n
    mkdir -p "$dir"
    {
        echo "127.0.0.1 localhost"
        echo "$HEAD_ADDR head"
        for n in "${NODES[@]}"; do echo "$(node_addr "$n") $n"; done
    } >"$dir/hosts"
    sed -E 's/^(passwd|group):([[:space:]]+)files.*/\1:\2files ldap/' /etc/nsswitch.conf >"$dir/nsswitch.conf"
    grep -q '^passwd:.*ldap' "$dir/nsswitch.conf" || die "could not derive an nsswitch.conf with ldap for $ns"
}

# Captured first: grep -q stopping early would kill ip with SIGPIPE, and pipefail would call that a failure.
has_addr() {
    local out
    out=$(ip -n "$1" -4 addr show dev "$2" 2>/dev/null || true)
    [[ $out == *" $3/"* ]]
}

network_up() {
    if ! ns_exists "$NS_HEAD"; then
        ip netns add "$NS_HEAD"
    fi
    write_netns_etc "$NS_HEAD"
    ip -n "$NS_HEAD" link set lo up
    ip -n "$NS_HEAD" link show "$BRIDGE" >/dev/null 2>&1 || ip -n "$NS_HEAD" link add "$BRIDGE" type bridge
    has_addr "$NS_HEAD" "$BRIDGE" "$HEAD_ADDR" || ip -n "$NS_HEAD" addr add "$HEAD_ADDR/24" dev "$BRIDGE"
    ip -n "$NS_HEAD" link set "$BRIDGE" up
    local n ns port
    for n in "${NODES[@]}"; do
        ns=$(node_ns "$n")
        port=v$n
        ns_exists "$ns" || ip netns add "$ns"
        write_netns_etc "$ns"
        ip -n "$ns" link set lo up
        if ! ip -n "$NS_HEAD" link show "$port" >/dev/null 2>&1; then
            # Created inside the head namespace with its peer moved straight into the node's: no interface of
            # this rig ever exists in the host's own namespace.
            ip -n "$NS_HEAD" link add "$port" type veth peer name eth0 netns "$ns"
        fi
        ip -n "$NS_HEAD" link set "$port" master "$BRIDGE" up
        has_addr "$ns" eth0 "$(node_addr "$n")" || ip -n "$ns" addr add "$(node_addr "$n")/24" dev eth0
        ip -n "$ns" link set eth0 up
    done
    # Reachability is proven below, when every slurmd registers with slurmctld over this bridge.
}

# --- directory service ---------------------------------------------------------------------------

ldap_ready() { ldapsearch -Q -LLL -Y EXTERNAL -H ldapi:/// -b "$LDAP_BASE" -s base dn >/dev/null 2>&1; }

start_slapd() {
    if ! ldap_ready; then
        local suffix
        suffix=$(grep -h '^olcSuffix:' /etc/ldap/slapd.d/cn=config/olcDatabase=*.ldif 2>/dev/null | awk '{print $2}' | sed -n 1p)
        [[ $suffix == "$LDAP_BASE" ]] || die "slapd's database suffix is '$suffix', expected $LDAP_BASE (preseed slapd/domain=minihpc.test, see .ci/minihpc.sh)"
        install -d -o openldap -g openldap /run/slapd
        log "starting slapd (ldapi:/// only: no TCP listener)"
        /usr/sbin/slapd -h ldapi:/// -u openldap -g openldap -F /etc/ldap/slapd.d 9>&- ||
            die "slapd failed to start"
        wait_until slapd 20 0.5 /dev/null ldap_ready
    fi
    ensure_ldap_entries
}

ldap_has() { [[ -n $(ldapsearch -Q -LLL -Y EXTERNAL -H ldapi:/// -b "$1" -s base dn 2>/dev/null) ]]; }

# Debian's slapd lets root's EXTERNAL identity manage cn=config only; the data is written as the admin DN
# whose password was preseeded (.ci/minihpc.sh; MINIHPC_LDAP_ADMIN_PW overrides it).
ldap_add() {
    ldapadd -x -H ldapi:/// -D "cn=admin,$LDAP_BASE" -y "$ETC/ldap-admin.pw" >/dev/null
}

ensure_ldap_entries() {
    install -d -m 0755 "$ETC"
    [[ -s $ETC/ldap-admin.pw ]] || printf '%s' "${MINIHPC_LDAP_ADMIN_PW:-minihpc-admin}" >"$ETC/ldap-admin.pw"
    chmod 0600 "$ETC/ldap-admin.pw"
    ldap_has "ou=people,$LDAP_BASE" || ldap_add <<EOF
dn: ou=people,$LDAP_BASE
objectClass: organizationalUnit
ou: people
EOF
    ldap_has "ou=groups,$LDAP_BASE" || ldap_add <<EOF
dn: ou=groups,$LDAP_BASE
objectClass: organizationalUnit
ou: groups
EOF
    ldap_has "cn=$USERS_GROUP,ou=groups,$LDAP_BASE" || ldap_add <<EOF
dn: cn=$USERS_GROUP,ou=groups,$LDAP_BASE
objectClass: posixGroup
cn: $USERS_GROUP
gidNumber: $USERS_GID
memberUid: $SERVICE_USER
memberUid: $OTHER_USER
EOF
    local user uid
    for user in "$SERVICE_USER:$SERVICE_UID" "$OTHER_USER:$OTHER_UID"; do
        uid=${user#*:}
        user=${user%%:*}
        ldap_has "cn=$user,ou=groups,$LDAP_BASE" || ldap_add <<EOF
dn: cn=$user,ou=groups,$LDAP_BASE
objectClass: posixGroup
cn: $user
gidNumber: $uid
EOF
        ldap_has "uid=$user,ou=people,$LDAP_BASE" || ldap_add <<EOF
dn: uid=$user,ou=people,$LDAP_BASE
objectClass: inetOrgPerson
objectClass: posixAccount
uid: $user
cn: $user
sn: $user
uidNumber: $uid
gidNumber: $uid
homeDirectory: $SHARED/home/$user
loginShell: /bin/bash
EOF
    done
}

start_nslcd() {
    if ! pid_alive /run/nslcd/nslcd.pid; then
        grep -q '^uri ldapi:///' /etc/nslcd.conf || sed -i 's|^uri .*|uri ldapi:///|' /etc/nslcd.conf
        grep -q "^base $LDAP_BASE" /etc/nslcd.conf || sed -i "s|^base .*|base $LDAP_BASE|" /etc/nslcd.conf
        install -d -o nslcd -g nslcd /run/nslcd
        log "starting nslcd"
        /usr/sbin/nslcd 9>&- || die "nslcd failed to start"
    fi
    wait_until "getent passwd $SERVICE_USER (nslcd)" 20 0.5 /dev/null in_head getent passwd "$SERVICE_USER"
}

# --- shared filesystem ---------------------------------------------------------------------------

shared_up() {
    install -d -m 0755 "$SHARED" "$SHARED/home"
    install -d -m 0700 -o "$SERVICE_UID" -g "$SERVICE_UID" "$SHARED/home/$SERVICE_USER"
    install -d -m 0700 -o "$OTHER_UID" -g "$OTHER_UID" "$SHARED/home/$OTHER_USER"
    # What the service user's jobs must never read.
    local secret=$SHARED/home/$OTHER_USER/private.txt
    [[ -f $secret ]] || echo "alice's private notes" >"$secret"
    chown "$OTHER_UID:$OTHER_UID" "$secret"
    chmod 0600 "$secret"
    # Job directories of the worker (its apptainer.tmp_dir points here).
    install -d -m 0755 -o "$SERVICE_UID" -g "$SERVICE_UID" "$SHARED/jobs"
}

# --- accounting ----------------------------------------------------------------------------------

db_password() {
    if [[ -f $ETC/slurmdbd.conf ]]; then
        sed -n 's/^StoragePass=//p' "$ETC/slurmdbd.conf" | sed -n 1p
    else
        head -c 18 /dev/urandom | base64 | tr -d '/+=\n'
    fi
}

write_configs() {
    install -d -m 0755 "$ETC" "$LOGS" "$RUN" "$STATE" "$STATE/slurmctld"
    local n
    for n in "${NODES[@]}"; do install -d -m 0755 "$STATE/$n/slurmd"; done
    local pass
    pass=$(db_password)
    cat >"$ETC/slurmdbd.conf.new" <<EOF
# Written by e2e/minihpc/minihpc.sh. slurmdbd runs on the head node (its own namespace, so port 6819 there
# does not collide with the single-node cluster's slurmdbd); MariaDB is the host's, reached by unix socket.
AuthType=auth/munge
DbdHost=head
DbdAddr=$HEAD_ADDR
DbdPort=6819
SlurmUser=root
DebugLevel=info
LogFile=$LOGS/slurmdbd.log
PidFile=$RUN/slurmdbd.pid
StorageType=accounting_storage/mysql
StorageHost=localhost
StorageUser=$ACCT_DB_USER
StoragePass=$pass
StorageLoc=$ACCT_DB
EOF
    install -m 0600 "$ETC/slurmdbd.conf.new" "$ETC/slurmdbd.conf"
    rm -f "$ETC/slurmdbd.conf.new"
    {
        cat <<EOF
# Written by e2e/minihpc/minihpc.sh (SLURM_CONF=$ETC/slurm.conf). Its own cluster name, paths and
# addresses: the host's single-node cluster (/etc/slurm) is never touched.
ClusterName=$CLUSTER
SlurmctldHost=head($HEAD_ADDR)
AuthType=auth/munge
MpiDefault=none
SlurmUser=root
SlurmdUser=root
SlurmctldPort=6817
SlurmdPort=6818
StateSaveLocation=$STATE/slurmctld
# %n: every compute node gets its own spool, pid and log file although they share one filesystem.
SlurmdSpoolDir=$STATE/%n/slurmd
SlurmctldPidFile=$RUN/slurmctld.pid
SlurmdPidFile=$RUN/slurmd-%n.pid
SlurmctldLogFile=$LOGS/slurmctld.log
SlurmdLogFile=$LOGS/slurmd-%n.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
# A node an admin set DOWN stays down until resumed; one that merely stopped answering returns by itself.
ReturnToService=1
SlurmdTimeout=60
SlurmctldTimeout=60
InactiveLimit=0
# Batch jobs on a failed node go back to the queue (this is also Slurm's default).
JobRequeue=1
# A requeued job may start again only after the job credential lifetime (default 120 s): 10 s keeps the
# node-failure scenario short.
AuthInfo=cred_expire=10
# The main scheduling pass every 5 s instead of 60 s: a requeued job starts soon after its begin time.
SchedulerParameters=sched_interval=5
OverTimeLimit=0
KillWait=5
MinJobAge=30
JobAcctGatherType=jobacct_gather/linux
JobAcctGatherFrequency=30
AccountingStorageType=accounting_storage/slurmdbd
AccountingStorageHost=head
AccountingStoragePort=6819
AccountingStoreFlags=job_comment
JobCompType=jobcomp/none
MailProg=/bin/true
EOF
        for n in "${NODES[@]}"; do
            # One CPU each, so a dozen jobs must spread over the three nodes.
            echo "NodeName=$n NodeHostname=$n NodeAddr=$(node_addr "$n") CPUs=1 RealMemory=1000 State=UNKNOWN"
        done
        echo "PartitionName=$PARTITION Nodes=node-[0-2] Default=YES MaxTime=INFINITE State=UP"
    } >"$ETC/slurm.conf"
    chmod 0644 "$ETC/slurm.conf"
}

ensure_database() {
    local pass
    pass=$(db_password)
    mysql <<EOF || die "could not create database $ACCT_DB"
CREATE DATABASE IF NOT EXISTS $ACCT_DB;
CREATE USER IF NOT EXISTS '$ACCT_DB_USER'@'localhost' IDENTIFIED BY '$pass';
ALTER USER '$ACCT_DB_USER'@'localhost' IDENTIFIED BY '$pass';
GRANT ALL PRIVILEGES ON $ACCT_DB.* TO '$ACCT_DB_USER'@'localhost';
FLUSH PRIVILEGES;
EOF
}

# Runs CMD inside namespace NS (network) with the cluster's hosts and nsswitch.conf bind-mounted over /etc
# (its own mount namespace). nsenter + unshare rather than `ip netns exec`: that remounts /sys, which hides the
# host's /sys/fs/cgroup that slurmd insists on finding (also when a test run under --exec restarts a node).
in_ns() {
    local ns=$1
    shift
    nsenter --net="/run/netns/$ns" unshare --mount --propagation private sh -c '
        mount --bind "/etc/netns/$1/hosts" /etc/hosts &&
        mount --bind "/etc/netns/$1/nsswitch.conf" /etc/nsswitch.conf &&
        shift && exec "$@"' sh "$ns" "$@"
}

# Runs a daemon as machine NAME of this cluster: in_ns plus its own hostname (UTS namespace), detached.
run_as_machine() {
    local ns=$1 name=$2
    shift 2
    in_ns "$ns" unshare --uts sh -c 'hostname "$1" && shift && exec "$@"' sh "$name" "$@" </dev/null >/dev/null 2>&1 9>&-
}

start_on_head() { run_as_machine "$NS_HEAD" head "$@"; }

start_slurmdbd() {
    if ! pid_alive "$RUN/slurmdbd.pid"; then
        log "starting slurmdbd on head"
        start_on_head /usr/sbin/slurmdbd || die_with_log "$LOGS/slurmdbd.log" "slurmdbd failed to start"
    fi
    wait_until slurmdbd 60 1 "$LOGS/slurmdbd.log" in_head sacctmgr -n list cluster
}

ensure_associations() {
    [[ -n $(in_head sacctmgr -n -P list cluster "$CLUSTER" format=Cluster) ]] ||
        in_head sacctmgr -i add cluster "$CLUSTER" >/dev/null
    [[ -n $(in_head sacctmgr -n -P list account research format=Account) ]] ||
        in_head sacctmgr -i add account research cluster="$CLUSTER" Description=minihpc Organization=minihpc >/dev/null
    local u
    for u in root "$SERVICE_USER" "$OTHER_USER"; do
        [[ -n $(in_head sacctmgr -n -P list assoc cluster="$CLUSTER" account=research user="$u" format=User) ]] ||
            in_head sacctmgr -i add user "$u" account=research cluster="$CLUSTER" >/dev/null
    done
}

start_slurmctld() {
    if ! pid_alive "$RUN/slurmctld.pid"; then
        log "starting slurmctld on head"
        start_on_head /usr/sbin/slurmctld || die_with_log "$LOGS/slurmctld.log" "slurmctld failed to start"
    fi
    wait_until slurmctld 30 1 "$LOGS/slurmctld.log" in_head scontrol ping
}

start_slurmd() {
    local n=$1
    pid_alive "$RUN/slurmd-$n.pid" && return 0
    log "starting slurmd on $n"
    run_as_machine "$(node_ns "$n")" "$n" /usr/sbin/slurmd -N "$n" || die_with_log "$LOGS/slurmd-$n.log" "slurmd on $n failed to start"
}

node_state() { in_head sinfo -h -N -n "$1" -o %T 2>/dev/null | sed -n 1p; }

wait_nodes() {
    local n state i
    for n in "${NODES[@]}"; do
        for ((i = 0; i < 60; i++)); do
            state=$(node_state "$n")
            case $state in
                idle | mixed | allocated | completing) break ;;
                down* | drain* | *drained*)
                    in_head scontrol update nodename="$n" state=resume >/dev/null 2>&1 || true
                    ;;
            esac
            sleep 1
        done
        [[ $state == idle || $state == mixed || $state == allocated || $state == completing ]] ||
            die_with_log "$LOGS/slurmd-$n.log" "$n is '$state' after 60 s"
    done
}

# --- actions -------------------------------------------------------------------------------------

up() {
    require
    local start=$SECONDS
    network_up
    start_slapd
    start_nslcd
    shared_up
    write_configs
    ensure_database
    start_slurmdbd
    ensure_associations
    start_slurmctld
    local n
    for n in "${NODES[@]}"; do start_slurmd "$n"; done
    wait_nodes
    in_head scontrol update partitionname="$PARTITION" state=up >/dev/null
    log "up in $((SECONDS - start)) s: cluster $CLUSTER, partition $PARTITION, nodes ${NODES[*]}"
    log "run commands on the head node with: $0 --exec CMD (SLURM_CONF=$SLURM_CONF)"
}

# Every process in a namespace we created, killed hard: that is what a crashed machine looks like.
kill_namespace() {
    local ns=$1 pids
    ns_exists "$ns" || return 0
    pids=$(ip netns pids "$ns" 2>/dev/null || true)
    # shellcheck disable=SC2086 # one pid per word
    [[ -z $pids ]] || kill -KILL $pids 2>/dev/null || true
    local i pid left
    for ((i = 0; i < 50; i++)); do
        left=0
        for pid in $pids; do process_alive "$pid" && left=1; done
        ((left)) || return 0
        sleep 0.1
    done
}

stop_pidfile() {
    local name=$1 file=$2 pid i
    pid=$(cat "$file" 2>/dev/null || true)
    [[ $pid =~ ^[0-9]+$ ]] && process_alive "$pid" || return 0
    log "stopping $name"
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 40; i++)); do
        process_alive "$pid" || return 0
        sleep 0.25
    done
    kill -KILL "$pid" 2>/dev/null || true
}

down() {
    [[ $EUID -eq 0 ]] || die "must run as root"
    local start=$SECONDS n
    for n in "${NODES[@]}"; do
        kill_namespace "$(node_ns "$n")"
    done
    stop_pidfile slurmctld "$RUN/slurmctld.pid"
    stop_pidfile slurmdbd "$RUN/slurmdbd.pid"
    kill_namespace "$NS_HEAD"
    sleep 0.2
    for n in "${NODES[@]}"; do
        ns_exists "$(node_ns "$n")" && ip netns delete "$(node_ns "$n")"
        rm -rf "/etc/netns/$(node_ns "$n")"
    done
    # Deleting the head namespace removes the bridge and every veth with it.
    ns_exists "$NS_HEAD" && ip netns delete "$NS_HEAD"
    rm -rf "/etc/netns/$NS_HEAD"
    stop_pidfile nslcd /run/nslcd/nslcd.pid
    stop_pidfile slapd /run/slapd/slapd.pid
    # Slurm state and accounting start from nothing on the next --up (job ids restart at 1, so old
    # accounting records would otherwise shadow new jobs of the same id).
    rm -rf "$STATE" "$RUN"
    if mysqladmin --silent ping >/dev/null 2>&1; then
        mysql -e "DROP DATABASE IF EXISTS $ACCT_DB; DROP USER IF EXISTS '$ACCT_DB_USER'@'localhost'" || true
    fi
    log "down in $((SECONDS - start)) s (the host's own Slurm cluster was not touched)"
}

status() {
    local rc=0 n
    for n in slurmdbd slurmctld; do
        if pid_alive "$RUN/$n.pid"; then echo "$n: running (pid $(cat "$RUN/$n.pid"))"; else echo "$n: down"; rc=1; fi
    done
    for n in "${NODES[@]}"; do
        if pid_alive "$RUN/slurmd-$n.pid"; then echo "slurmd $n: running (pid $(cat "$RUN/slurmd-$n.pid"))"; else echo "slurmd $n: down"; rc=1; fi
    done
    if ns_exists "$NS_HEAD"; then
        in_head sinfo -N -o '%N %T %E' 2>&1 || rc=1
        in_head getent passwd "$SERVICE_USER" || { echo "getent passwd $SERVICE_USER: not found"; rc=1; }
    else
        echo "namespace $NS_HEAD: absent"
        rc=1
    fi
    return $rc
}

main() {
    [[ $# -ge 1 ]] || { usage >&2; exit 2; }
    case $1 in
        --up | --down)
            # One --up/--down at a time; daemons are started with fd 9 closed so they never hold the lock.
            exec 9>/run/minihpc.lock
            flock -w 300 9 || die "another minihpc.sh holds /run/minihpc.lock"
            if [[ $1 == --up ]]; then up; else down; fi
            ;;
        --status) status ;;
        --exec)
            shift
            [[ $# -ge 1 ]] || die "--exec needs a command"
            ns_exists "$NS_HEAD" || die "the mini cluster is not up (run $0 --up)"
            in_ns "$NS_HEAD" "$@"
            ;;
        --kill-node)
            [[ $# -eq 2 && " ${NODES[*]} " == *" $2 "* ]] || die "--kill-node needs one of: ${NODES[*]}"
            kill_namespace "$(node_ns "$2")"
            log "$2 crashed (every process in $(node_ns "$2") got SIGKILL)"
            ;;
        --start-node)
            [[ $# -eq 2 && " ${NODES[*]} " == *" $2 "* ]] || die "--start-node needs one of: ${NODES[*]}"
            start_slurmd "$2"
            ;;
        -h | --help) usage ;;
        *)
            usage >&2
            exit 2
            ;;
    esac
}

main "$@"
