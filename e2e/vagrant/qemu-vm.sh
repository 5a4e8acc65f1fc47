#!/usr/bin/env bash
# Plain-QEMU boot of the e2e box (software emulation: this host's /dev/kvm cannot boot stock kernels),
# sourced (a library of functions) by build-box.sh and .ci/vm.sh.
# Env: VM_KEY (ssh private key file for user vagrant; required), VM_PORT (default: a free port),
#      VM_MEM (MiB, 2048), VM_CPUS (2).
# The guest reaches the host's 127.0.0.1 as 10.0.2.2 (QEMU user-mode networking).

VM_PORT=${VM_PORT:-}
VM_PID=${VM_PID:-}

vm_free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

vm_ssh_opts() {
    printf '%s\n' -i "$VM_KEY" -p "$VM_PORT" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
        -o LogLevel=ERROR -o ConnectTimeout=10 -o ServerAliveInterval=15 -o IdentitiesOnly=yes
}

vm_ssh() {
    local opts
    mapfile -t opts < <(vm_ssh_opts)
    ssh "${opts[@]}" vagrant@127.0.0.1 "$@"
}

vm_scp() {
    local opts
    mapfile -t opts < <(vm_ssh_opts)
    opts=("${opts[@]/#-p/-P}")
    scp -q "${opts[@]}" "$1" "vagrant@127.0.0.1:$2"
}

# vm_boot IMAGE CONSOLE_LOG [KERNEL INITRD CMDLINE]: starts QEMU in the background on a free port and
# waits for ssh (10 min). With KERNEL the disk's boot loader is bypassed (the box's first boot).
vm_boot() {
    local image=$1 console=$2 i direct=()
    if (($# >= 5)); then
        direct=(-kernel "$3" -initrd "$4" -append "$5")
    fi
    VM_PORT=${VM_PORT:-$(vm_free_port)}
    qemu-system-x86_64 "${direct[@]}" -accel tcg,thread=multi -cpu max -smp "${VM_CPUS:-2}" -m "${VM_MEM:-2048}" \
        -drive "file=$image,if=virtio,format=qcow2,cache=unsafe" \
        -netdev "user,id=n0,hostfwd=tcp:127.0.0.1:$VM_PORT-:22" -device virtio-net-pci,netdev=n0 \
        -display none -serial "file:$console" -monitor none 2>/dev/null &
    VM_PID=$!
    for ((i = 0; i < 300; i++)); do
        kill -0 "$VM_PID" 2>/dev/null || {
            tail -n 30 "$console" >&2
            echo "qemu-vm: QEMU exited during boot" >&2
            return 1
        }
        if vm_ssh true 2>/dev/null; then
            return 0
        fi
        sleep 2
    done
    tail -n 30 "$console" >&2
    echo "qemu-vm: no ssh after 600 s" >&2
    return 1
}

vm_shutdown() {
    vm_ssh 'sudo systemctl poweroff' >/dev/null 2>&1 || true
    local i
    for ((i = 0; i < 60; i++)); do
        kill -0 "$VM_PID" 2>/dev/null || return 0
        sleep 1
    done
    kill "$VM_PID" 2>/dev/null || true
}
