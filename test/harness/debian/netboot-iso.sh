#!/usr/bin/env bash
# Makes a mini.iso-style installer ISO from Debian's own netboot images (package
# debian-installer-12-netboot-amd64, the kernel and initrd mini.iso carries): the netboot-flavour
# debian-installer, with no cdrom stage and no packages on the medium. BIOS boot through isolinux, with
# the package's text-mode menus (boot-screens/*.cfg) under isolinux/.
#
# Output, cached by the netboot package's version:
#   ${ROOTFS_CACHE_DIR:-$HOME/.cache/rootfs-operator}/debian-netboot/<version>/mini.iso
# The LAST line on stdout is the ISO's path; everything else goes to stderr.
set -euo pipefail

suite=bookworm
archive="${DEBIAN_ARCHIVE:-http://deb.debian.org/debian}"
here="$(cd "$(dirname "$0")" && pwd)"
cache="${ROOTFS_CACHE_DIR:-$HOME/.cache/rootfs-operator}/debian-netboot"
package=debian-installer-12-netboot-amd64

log() { printf 'debian-netboot: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }
for file in /usr/lib/ISOLINUX/isolinux.bin /usr/lib/syslinux/modules/bios/ldlinux.c32; do
  [[ -f "$file" ]] || die "$file is missing; run scripts/install-system-packages.sh (isolinux, syslinux-common)"
done
command -v xorriso >/dev/null || die "xorriso is missing; run scripts/install-system-packages.sh"

# shellcheck source=private-apt.sh
source "$here/private-apt.sh"
version="$(apt-cache show --no-all-versions "$package" | sed -n 's/^Version: //p' | head -1)"
[[ -n "$version" ]] || die "$package is not in the package lists of $archive $suite"
out="$cache/$version"
if [[ -f "$out/mini.iso" ]]; then
  log "reusing $out/mini.iso"
  echo "$out/mini.iso"
  exit 0
fi

work="$cache/.building-$$"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/deb" "$work/iso/isolinux"
log "downloading $package $version"
(cd "$work/deb" && apt-get download -q=2 "$package=$version") >&2
dpkg-deb -x "$work/deb/"*.deb "$work/deb/x"
images="$work/deb/x/usr/lib/debian-installer/images/12/amd64/text"
cp "$images/debian-installer/amd64/linux" "$images/debian-installer/amd64/initrd.gz" "$work/iso/"
cp "$images/version.info" "$work/iso/"
# The menus as on Debian's CDs: every config in isolinux/, the kernel and initrd at the root.
for cfg in "$images/debian-installer/amd64/boot-screens/"*.cfg "$images/debian-installer/amd64/boot-screens/"*.txt; do
  sed -e 's#debian-installer/amd64/boot-screens/##g' \
    -e 's#debian-installer/amd64/linux#/linux#g' \
    -e 's#debian-installer/amd64/initrd.gz#/initrd.gz#g' "$cfg" >"$work/iso/isolinux/$(basename "$cfg")"
done
mv "$work/iso/isolinux/syslinux.cfg" "$work/iso/isolinux/isolinux.cfg"
cp "$images/debian-installer/amd64/boot-screens/splash.png" /usr/lib/ISOLINUX/isolinux.bin "$work/iso/isolinux/"
for module in ldlinux libcom32 libutil vesamenu; do
  cp "/usr/lib/syslinux/modules/bios/$module.c32" "$work/iso/isolinux/"
done
xorriso -as mkisofs -quiet -o "$work/mini.iso" -V "Debian 12 netboot amd64" -J -r \
  -b isolinux/isolinux.bin -c isolinux/boot.cat -no-emul-boot -boot-load-size 4 -boot-info-table \
  "$work/iso" >&2
mkdir -p "$out"
mv "$work/mini.iso" "$out/mini.iso"
log "ISO ready: $out/mini.iso ($(du -h "$out/mini.iso" | cut -f1))"
echo "$out/mini.iso"
