#!/usr/bin/env bash
# Builds a local Debian 12 (bookworm, amd64) package mirror by package name, for the real-Debian tests:
# the .debs of a minimal system (priority required + important, a kernel, grub-pc, openssh-server,
# usr-is-merged, with their dependencies) and the udebs a netboot debian-installer loads (priority
# standard and up, for the kernel ABI of linux-image-amd64, with their dependencies).
#
# Packages are fetched with `apt-get download` through a private apt configuration (main and
# main/debian-installer of the archive the machine's apt reaches), so the machine's own apt state is not
# touched. The mirror is unsigned: debootstrap needs --no-check-gpg and debian-installer
# debian-installer/allow_unauthenticated.
#
# Output, cached by the list of package versions (a warm run downloads nothing):
#   ${ROOTFS_CACHE_DIR:-$HOME/.cache/rootfs-operator}/debian-mirror/<key>/
#     debian/                 the mirror root: pool/main/…, dists/bookworm/…
#     missing.txt             packages the archive answered 404 for (not in the Packages files)
# The LAST line on stdout is the mirror root (…/debian); everything else goes to stderr.
#
# Environment:
#   ROOTFS_CACHE_DIR   cache root (default $HOME/.cache/rootfs-operator)
#   DEBIAN_ARCHIVE     archive URL (default http://deb.debian.org/debian)
#   MIRROR_REFRESH     =1 re-reads the archive's package lists even when they are less than a day old
#                      (see private-apt.sh)
set -euo pipefail

suite=bookworm
archive="${DEBIAN_ARCHIVE:-http://deb.debian.org/debian}"
here="$(cd "$(dirname "$0")" && pwd)"
cache="${ROOTFS_CACHE_DIR:-$HOME/.cache/rootfs-operator}/debian-mirror"
extra_debs=(systemd-sysv linux-image-amd64 grub-pc openssh-server usr-is-merged ifupdown isc-dhcp-client)

log() { printf 'debian-mirror: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

for tool in python3 sha256sum gzip; do
  command -v "$tool" >/dev/null || die "$tool is missing; run scripts/install-system-packages.sh"
done

# shellcheck source=private-apt.sh
source "$here/private-apt.sh"
debs_list="$(find "$lists" -maxdepth 1 -name "*_dists_${suite}_main_binary-amd64_Packages" | head -1)"
udebs_list="$(find "$lists" -maxdepth 1 -name "*_dists_${suite}_main_debian-installer_binary-amd64_Packages" | head -1)"
[[ -n "$debs_list" && -n "$udebs_list" ]] || die "no package lists in $lists after apt-get update"

# The selection, as "name version" lines: what decides the cache key.
selection="$(python3 "$here/select-packages.py" "$debs_list" "$udebs_list" "${extra_debs[@]}")"
key="$( { printf '%s\n' "$selection"; cat "$0" "$here/private-apt.sh" "$here/select-packages.py" "$here/mirror-index.py"; } | sha256sum | cut -c1-16)"
out="$cache/$key"
if [[ -f "$out/complete" ]]; then
  log "reusing $out ($(grep -c . <<<"$selection") packages)"
  echo "$out/debian"
  exit 0
fi

work="$cache/.building-$key-$$"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/debian/pool/main"
log "downloading $(grep -c . <<<"$selection") packages into $work"
# apt-get download fetches what it can and fails at the end when some files are missing (404).
(cd "$work/debian/pool/main" &&
  awk '{print $2 "=" $3}' <<<"$selection" | xargs apt-get download -q=2 >"$work/download.log" 2>&1) ||
  log "some downloads failed (see missing.txt)"
# apt keeps the epoch in file names ("_1%3a…"); a static server would decode and miss them.
for file in "$work/debian/pool/main"/*%3a*; do
  [[ -e "$file" ]] && mv "$file" "${file//[0-9]%3a/}"
done
python3 "$here/mirror-index.py" "$work/debian" "$suite" "$debs_list" "$udebs_list" <<<"$selection" \
  >"$work/missing.txt"
log "$(grep -c . "$work/missing.txt" || true) packages missing from the archive: $(tr '\n' ' ' <"$work/missing.txt")"
rm -f "$work/download.log"
touch "$work/complete"
rm -rf "$out"
mv "$work" "$out"
trap - EXIT
log "mirror ready in $out ($(du -sh "$out" | cut -f1))"
echo "$out/debian"
