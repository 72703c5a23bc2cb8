#!/usr/bin/env bash
# Makes a real installed Debian 12 disk without an installer: debootstrap from the local test mirror
# (mirror.sh) into a directory, then libguestfs lays it on a partitioned disk (msdos label, one ext4
# root partition) and installs grub-pc in its MBR. The system has a kernel, systemd, ifupdown and
# openssh-server, so booting it (or its extracted rootfs) reaches multi-user.target.
#
# Usage: debootstrap-disk.sh MIRROR_ROOT
# Output, cached by the mirror (whose directory name is its package-version key) and this script:
#   ${ROOTFS_CACHE_DIR:-$HOME/.cache/rootfs-operator}/debian-disk/<key>/debian-12.qcow2
# The LAST line on stdout is the disk's path; everything else goes to stderr. Needs root (debootstrap).
set -euo pipefail

mirror="${1:?usage: $0 MIRROR_ROOT (the last line mirror.sh prints)}"
[[ -f "$mirror/dists/bookworm/Release" ]] || { echo "debian-disk: $mirror is not a mirror root" >&2; exit 64; }
cache="${ROOTFS_CACHE_DIR:-$HOME/.cache/rootfs-operator}/debian-disk"
packages=systemd-sysv,linux-image-amd64,grub-pc,openssh-server,usr-is-merged,ifupdown,isc-dhcp-client

log() { printf 'debian-disk: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }
[[ "$(id -u)" == 0 ]] || die "debootstrap needs root"
for tool in debootstrap guestfish qemu-img tar; do
  command -v "$tool" >/dev/null || die "$tool is missing; run scripts/install-system-packages.sh"
done

key="$( { cat "$mirror/dists/bookworm/Release" | grep -v '^Date:'; cat "$0"; } | sha256sum | cut -c1-16)"
out="$cache/$key"
if [[ -f "$out/complete" ]]; then
  log "reusing $out/debian-12.qcow2"
  echo "$out/debian-12.qcow2"
  exit 0
fi

work="$cache/.building-$key-$$"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work"
# The debootstrapped tree is kept as a tarball until the disk is made, so a failed disk step resumes here.
tarball="$cache/$key-root.tar"
if [[ ! -f "$tarball" ]]; then
  log "debootstrapping bookworm from $mirror"
  debootstrap --no-check-gpg --include="$packages" --components=main \
    bookworm "$work/root" "file://$mirror" >"$work/debootstrap.log" 2>&1 ||
    die "debootstrap failed; the end of its log: $(tail -20 "$work/debootstrap.log")"
  # What an installer would have configured: host name, the serial console, a DHCP interface.
  echo debian >"$work/root/etc/hostname"
  printf '127.0.0.1\tlocalhost\n127.0.1.1\tdebian\n' >"$work/root/etc/hosts"
  printf 'auto lo\niface lo inet loopback\n\nallow-hotplug ens3\niface ens3 inet dhcp\n' \
    >"$work/root/etc/network/interfaces"
  echo "deb http://deb.debian.org/debian bookworm main" >"$work/root/etc/apt/sources.list"
  sed -i 's/^GRUB_CMDLINE_LINUX=.*/GRUB_CMDLINE_LINUX="console=ttyS0,115200"/; s/^GRUB_TIMEOUT=.*/GRUB_TIMEOUT=1/' \
    "$work/root/etc/default/grub"
  rm -rf "$work/root/var/cache/apt/archives/"*.deb "$work/root/debootstrap"
  tar -C "$work/root" --numeric-owner --xattrs --xattrs-include='*' --acls -cf "$work/root.tar" .
  mv "$work/root.tar" "$tarball"
  rm -rf "$work/root"
fi

log "writing the disk"
qemu-img create -q -f qcow2 "$work/debian-12.qcow2" 4G
script="run
part-disk /dev/sda mbr
part-set-bootable /dev/sda 1 true
mkfs ext4 /dev/sda1 label:debian-root
mount /dev/sda1 /
tar-in $tarball / xattrs:true acls:true
write /etc/fstab \"LABEL=debian-root / ext4 errors=remount-ro 0 1\\n\"
command \"grub-install --target=i386-pc /dev/sda\"
command \"update-grub\"
umount-all"
guestfish_on_disk() {
  LIBGUESTFS_BACKEND="${LIBGUESTFS_BACKEND:-direct}" guestfish --format=qcow2 -a "$work/debian-12.qcow2" <<<"$script"
}
# Where /dev/kvm exists but cannot run the appliance (nested or paravirtual KVM), qemu aborts: use TCG.
guestfish_on_disk 2>"$work/guestfish.log" || {
  grep -q "guestfs_launch failed" "$work/guestfish.log" || die "guestfish failed: $(cat "$work/guestfish.log")"
  log "the libguestfs appliance did not start with KVM; retrying with TCG"
  LIBGUESTFS_BACKEND_SETTINGS=force_tcg guestfish_on_disk >&2 || die "guestfish failed on TCG too"
}
rm -f "$tarball" "$work/guestfish.log"
touch "$work/complete"
rm -rf "$out"
mv "$work" "$out"
trap - EXIT
log "disk ready: $out/debian-12.qcow2"
echo "$out/debian-12.qcow2"
