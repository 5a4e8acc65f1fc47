#!/usr/bin/env bash
# Builds the e2e VM image from Debian packages only (no cloud image, no Vagrant Cloud box):
# debootstrap trixie (Slurm 24.11, MariaDB 11.8), install the cluster's packages in the chroot, make a
# bootable disk, boot it once under QEMU and configure it with provision.sh (its systemd path), then
# write a compressed qcow2 and a libvirt .box. The result is cached under a content hash of every
# input, so a rerun with unchanged inputs only prints the paths.
#
# Usage: sudo e2e/vagrant/build-box.sh [--force]
# Env:   EMX2HPC_BOX_CACHE (default /var/cache/emx2hpc-box), DEBIAN_MIRROR (default deb.debian.org)
# Prints the cache directory on its last line; it holds box.qcow2, emx2hpc-slurm.box, vagrant.key.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE_ROOT=${EMX2HPC_BOX_CACHE:-/var/cache/emx2hpc-box}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
SUITE=trixie
DISK_GIB=8

# debootstrap's own set: what boots and what ssh needs. systemd-resolved breaks debootstrap (virtual
# dependency), so the guest uses systemd-networkd with a static resolv.conf.
BASE_PACKAGES=systemd-sysv,dbus,linux-image-amd64,openssh-server,sudo,iproute2,curl,ca-certificates,python3,cron,netbase,udev,kmod,initramfs-tools,e2fsprogs
# Installed in the chroot (seconds there, minutes in a TCG guest). provision.sh finds them installed
# and skips apt; libicu76 lets .NET run with globalization.
CHROOT_PACKAGES=(munge mariadb-server slurmctld slurmd slurmdbd slurm-client slurm-wlm chrony
    busybox-static qemu-guest-agent libicu76 rsync procps less grub-pc)

# Vagrant's well-known insecure public key: the box is for throwaway test VMs only.
VAGRANT_PUBKEY='ssh-rsa AAAAB3NzaC1yc2EAAAABIwAAAQEA6NF8iallvQVp22WDkTkyrtvp9eWW6A8YVr+kz4TjGYe7gHzIw+niNltGEFHzD8+v1I2YJ6oXevct1YeS0o9HZyN1Q9qgCgzUFtdOKLv6IedplqoPkcmF0aYet2PkEDo3MlTBckFXPITAMzF8dJSIFo9D8HfdOV0IAdx4O7PtixWKn5y2hMNG0zQPyUecp4pzC6kivAIhyfHilFR61RGL+GPXQ2MWZWFYbAGjyiYJnAmCP3NOTd0jMZEnDkbUvxhMmBYSdETk1rRgm+R4LOzFUGaHqHDLKLX+FIPKcF96hrucXzcWyLbIbEgE98OHlnVYCzRdK8jlqm8tehUc9c9WhQ== vagrant insecure public key'
VAGRANT_KEY_URL_NOTE="the private half is in Vagrant's source tree (keys/vagrant); vagrant.key in the cache is a copy"

log() { printf 'build-box: %s\n' "$*" >&2; }
die() {
    printf 'build-box: ERROR: %s\n' "$*" >&2
    exit 1
}

FORCE=0
case ${1:-} in
    --force) FORCE=1 ;;
    '') ;;
    -h | --help)
        sed -n '2,10p' "$0"
        exit 0
        ;;
    *) die "unknown argument '$1' (try --help)" ;;
esac
[[ $EUID -eq 0 ]] || die "must run as root (debootstrap, chroot)"
for b in debootstrap qemu-system-x86_64 qemu-img sfdisk mkfs.ext4 ssh scp python3; do
    command -v "$b" >/dev/null || die "$b missing: apt-get install debootstrap qemu-system-x86 qemu-utils fdisk openssh-client python3"
done

# The hash covers everything that shapes the image: this script, the provisioning script and the
# boot helper it uses. Changing any of them builds a new box.
HASH=$(cat "$HERE/build-box.sh" "$HERE/provision.sh" "$HERE/qemu-vm.sh" | sha256sum | cut -c1-16)
OUT=$CACHE_ROOT/$HASH
if ((!FORCE)) && [[ -s $OUT/box.qcow2 && -s $OUT/emx2hpc-slurm.box ]]; then
    log "cached: $OUT (inputs unchanged)"
    echo "$OUT"
    exit 0
fi

WORK=$(mktemp -d /var/tmp/emx2hpc-box.XXXXXX)
ROOT=$WORK/root
cleanup() {
    set +e
    for m in "$ROOT/dev/pts" "$ROOT/dev" "$ROOT/proc" "$ROOT/sys"; do
        mountpoint -q "$m" && umount -l "$m"
    done
    [[ -n ${VM_PID:-} ]] && kill "$VM_PID" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT
START=$SECONDS

# --- root file system -------------------------------------------------------------------------
# The packages-only root (debootstrap + apt, ~4 min) is cached apart from the rest, keyed by the
# suite and the package lists, so changing the configuration below does not fetch packages again.
ROOTFS_KEY=$(printf '%s\n' "$SUITE" "$MIRROR" "$BASE_PACKAGES" "${CHROOT_PACKAGES[*]}" | sha256sum | cut -c1-16)
ROOTFS_TAR=$CACHE_ROOT/rootfs-$ROOTFS_KEY.tar
mkdir -p "$CACHE_ROOT" "$ROOT"
if [[ -s $ROOTFS_TAR ]]; then
    tar -C "$ROOT" --numeric-owner -xpf "$ROOTFS_TAR"
    log "packages root reused from $ROOTFS_TAR ($((SECONDS - START)) s)"
    mount -t proc proc "$ROOT/proc"
    mount -t sysfs sys "$ROOT/sys"
    mount --bind /dev "$ROOT/dev"
    mount --bind /dev/pts "$ROOT/dev/pts"
else
    log "debootstrap $SUITE from $MIRROR"
    debootstrap --variant=minbase --include="$BASE_PACKAGES" "$SUITE" "$ROOT" "$MIRROR" >"$WORK/debootstrap.log" 2>&1 ||
        {
            tail -n 30 "$WORK/debootstrap.log" >&2
            die "debootstrap failed"
        }
    log "debootstrap done ($((SECONDS - START)) s)"
    mount -t proc proc "$ROOT/proc"
    mount -t sysfs sys "$ROOT/sys"
    mount --bind /dev "$ROOT/dev"
    mount --bind /dev/pts "$ROOT/dev/pts"
    # No service may start inside the chroot (it would run on the host's kernel, outside any guest).
    printf '#!/bin/sh\nexit 101\n' >"$ROOT/usr/sbin/policy-rc.d"
    chmod 0755 "$ROOT/usr/sbin/policy-rc.d"
    printf 'deb %s %s main\n' "$MIRROR" "$SUITE" >"$ROOT/etc/apt/sources.list"
    chroot "$ROOT" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
        -o Dpkg::Options::=--force-confold "${CHROOT_PACKAGES[@]}" >"$WORK/apt.log" 2>&1 ||
        {
            tail -n 30 "$WORK/apt.log" >&2
            die "apt-get install in the chroot failed"
        }
    rm -f "$ROOT/usr/sbin/policy-rc.d"
    chroot "$ROOT" apt-get clean
    log "packages installed ($((SECONDS - START)) s)"
    tar -C "$ROOT" --numeric-owner --one-file-system -cpf "$ROOTFS_TAR.tmp" . && mv "$ROOTFS_TAR.tmp" "$ROOTFS_TAR"
fi

echo slurm-e2e >"$ROOT/etc/hostname"
printf '127.0.0.1 localhost\n127.0.1.1 slurm-e2e\n' >"$ROOT/etc/hosts"
printf '/dev/vda1 / ext4 errors=remount-ro 0 1\n' >"$ROOT/etc/fstab"
# QEMU user-mode networking: DHCP from 10.0.2.2's stack, DNS at 10.0.2.3.
mkdir -p "$ROOT/etc/systemd/network"
printf '[Match]\nName=en* eth*\n[Network]\nDHCP=ipv4\n' >"$ROOT/etc/systemd/network/50-dhcp.network"
rm -f "$ROOT/etc/resolv.conf"
echo 'nameserver 10.0.2.3' >"$ROOT/etc/resolv.conf"
chroot "$ROOT" systemctl enable systemd-networkd ssh qemu-guest-agent >/dev/null 2>&1 || true
chroot "$ROOT" systemctl enable serial-getty@ttyS0 >/dev/null 2>&1 || true
# slurmdbd fails its first start after a fresh boot (_check_mysql_concat_is_sane); the next works.
mkdir -p "$ROOT/etc/systemd/system/slurmdbd.service.d"
printf '[Unit]\nAfter=mariadb.service\nWants=mariadb.service\n[Service]\nRestart=on-failure\nRestartSec=2\n' \
    >"$ROOT/etc/systemd/system/slurmdbd.service.d/10-retry.conf"
# slurmctld 24.11 does not answer until it reaches slurmdbd.
mkdir -p "$ROOT/etc/systemd/system/slurmctld.service.d"
printf '[Unit]\nAfter=slurmdbd.service\nWants=slurmdbd.service\n' \
    >"$ROOT/etc/systemd/system/slurmctld.service.d/10-after-dbd.conf"

cat >"$ROOT/etc/default/grub" <<'EOF'
GRUB_DEFAULT=0
GRUB_TIMEOUT=0
GRUB_DISTRIBUTOR=Debian
GRUB_CMDLINE_LINUX_DEFAULT="quiet"
GRUB_CMDLINE_LINUX="console=ttyS0,115200 net.ifnames=0"
GRUB_TERMINAL=serial
GRUB_DISABLE_OS_PROBER=true
EOF
chroot "$ROOT" useradd -m -s /bin/bash vagrant
install -d -m 0700 -o 1000 -g 1000 "$ROOT/home/vagrant/.ssh"
echo "$VAGRANT_PUBKEY" >"$ROOT/home/vagrant/.ssh/authorized_keys"
chroot "$ROOT" chown vagrant:vagrant /home/vagrant/.ssh/authorized_keys
chmod 0600 "$ROOT/home/vagrant/.ssh/authorized_keys"
echo 'vagrant ALL=(ALL) NOPASSWD:ALL' >"$ROOT/etc/sudoers.d/vagrant"
chmod 0440 "$ROOT/etc/sudoers.d/vagrant"
echo 'UseDNS no' >"$ROOT/etc/ssh/sshd_config.d/vagrant.conf"

# --- disk ------------------------------------------------------------------------------------
# No loop partitions (their device nodes are unreliable in containers): the file system is made from
# the directory with mkfs.ext4 -d and placed behind a one-partition MBR. The first boot loads the
# kernel directly; the guest then installs GRUB on its own disk, where the devices are real.
umount "$ROOT/dev/pts" "$ROOT/dev" "$ROOT/proc" "$ROOT/sys"
KERNEL=$(find "$ROOT/boot" -maxdepth 1 -name 'vmlinuz-*' | sort | tail -n 1)
INITRD=$ROOT/boot/initrd.img-${KERNEL##*/vmlinuz-}
[[ -s $KERNEL && -s $INITRD ]] || die "no kernel/initrd in the chroot's /boot"
cp "$KERNEL" "$WORK/vmlinuz"
cp "$INITRD" "$WORK/initrd.img"
RAW=$WORK/disk.raw
FS=$WORK/fs.img
truncate -s $((DISK_GIB * 1024 - 1))M "$FS"
mkfs.ext4 -q -L root -d "$ROOT" "$FS" || die "mkfs.ext4 -d failed"
truncate -s "${DISK_GIB}G" "$RAW"
echo 'start=2048, type=83, bootable' | sfdisk -q "$RAW"
dd if="$FS" of="$RAW" bs=1M seek=1 conv=notrunc,sparse status=none
rm -f "$FS"
rm -rf "$ROOT"
log "disk written ($((SECONDS - START)) s)"

# --- first boot: provision.sh's systemd path ----------------------------------------------------
mkdir -p "$OUT.tmp"
KEY=$OUT.tmp/vagrant.key
"$HERE/vagrant-key.sh" >"$KEY"
chmod 0600 "$KEY"
qemu-img convert -O qcow2 "$RAW" "$WORK/stage.qcow2"
rm -f "$RAW"
export VM_KEY=$KEY
# shellcheck source=e2e/vagrant/qemu-vm.sh
source "$HERE/qemu-vm.sh"
vm_boot "$WORK/stage.qcow2" "$WORK/console.log" "$WORK/vmlinuz" "$WORK/initrd.img" \
    'root=/dev/vda1 ro console=ttyS0,115200 net.ifnames=0'
log "booted, ssh up ($((SECONDS - START)) s)"
vm_ssh 'sudo grub-install /dev/vda >/dev/null 2>&1 && sudo update-grub >/dev/null 2>&1' || die "grub-install in the guest failed"
vm_scp "$HERE/provision.sh" /tmp/provision.sh
# emx2hpc is the worker's service user (cron runs the module as it); vagrant submits in the smoke test.
vm_ssh 'sudo useradd -m -s /bin/bash emx2hpc 2>/dev/null || true; sudo bash /tmp/provision.sh --user vagrant --user emx2hpc' ||
    {
        tail -n 40 "$WORK/console.log" >&2
        die "provision.sh failed in the guest"
    }
vm_ssh 'sudo rm -f /tmp/provision.sh; sudo systemctl enable munge mariadb slurmdbd slurmctld slurmd chrony >/dev/null 2>&1; sudo sync'
vm_shutdown
log "provisioned ($((SECONDS - START)) s)"

qemu-img convert -c -O qcow2 "$WORK/stage.qcow2" "$OUT.tmp/box.qcow2"
cp "$OUT.tmp/box.qcow2" "$WORK/box.img"
printf '{"provider":"libvirt","format":"qcow2","virtual_size":%d}\n' "$DISK_GIB" >"$WORK/metadata.json"
printf 'Vagrant.configure("2") do |c|\n  c.vm.provider :libvirt do |lv|\n    lv.driver = "qemu"\n  end\nend\n' >"$WORK/Vagrantfile"
tar -C "$WORK" -cf "$OUT.tmp/emx2hpc-slurm.box" metadata.json Vagrantfile box.img
rm -f "$WORK/box.img"
rm -rf "$OUT"
mv "$OUT.tmp" "$OUT"
log "box ready in $((SECONDS - START)) s: $OUT"
echo "$OUT"
