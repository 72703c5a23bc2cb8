#!/usr/bin/env bash
# Makes a local stand-in for docker.io/library/node:20-bookworm-slim when no registry is reachable:
# Debian bookworm (minbase, with the slim image's dpkg excludes and apt settings) from the Debian mirror
# by mmdebstrap, plus this machine's Node 20 laid out as the official image has it:
#   /usr/local/bin/node, /usr/local/lib/node_modules/{npm,corepack}, /usr/local/bin/{npm,npx,corepack}
#   symlinks, a `node` user (1000:1000), docker-entrypoint.sh, ENV NODE_VERSION, CMD ["node"].
# Differences from the real image: no yarn, no /usr/local/include/node headers.
#
# Skipped when the image exists and was made from the same inputs (this script, the node binary and npm,
# the mirror), or when it exists without our label (a real image pulled earlier is left alone).
# Usage: scripts/images/node-base.sh [--force]
set -euo pipefail
# shellcheck source=scripts/images/common.sh
source "$(dirname "$0")/common.sh"
need buildah buildah
need mmdebstrap mmdebstrap

node_bin="$(readlink -f "$(command -v node)")"
node_version="$("$node_bin" --version)"
case "$node_version" in
  v20.*) ;;
  *) echo "node:20 stand-in needs Node 20 on this machine; found $node_version at $node_bin" >&2 && exit 1 ;;
esac
node_modules="$(dirname "$(dirname "$node_bin")")/lib/node_modules"
[ -f "$node_modules/npm/package.json" ] || {
  echo "npm is not at $node_modules/npm (next to $node_bin)" >&2
  exit 1
}

# The Debian mirror this machine's apt uses (deb822 or one-line sources), unless DEBIAN_MIRROR is set.
mirror_of_host() {
  local uri
  uri="$(grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}' | grep -E '/debian/?$' | head -n1)"
  [ -n "$uri" ] || uri="$(grep -hs '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list |
    awk '{print $2}' | grep -E '/debian/?$' | head -n1)"
  echo "${uri:-http://deb.debian.org/debian}"
}
mirror="${DEBIAN_MIRROR:-$(mirror_of_host)}"
mirror="${mirror%/}"
security="${DEBIAN_SECURITY_MIRROR:-${mirror%/debian}/debian-security}"

input_hash="$(
  {
    sha256sum "$0" "$node_bin" | awk '{print $1}'
    echo "$node_version $(node -p 'require(process.argv[1]).version' "$node_modules/npm/package.json")"
    echo "$mirror $security"
  } | sha256sum | cut -c1-16
)"
label=dev.rootfs-operator.base-input

if [ "${1:-}" != "--force" ] && buildah inspect --type image "$base_image" >/dev/null 2>&1; then
  have="$(buildah inspect --type image --format "{{index .ImageAnnotations \"$label\"}}" "$base_image")"
  if [ -z "$have" ]; then
    echo "Kept $base_image: it exists and is not a stand-in made here."
    exit 0
  elif [ "$have" = "$input_hash" ]; then
    echo "Kept the $base_image stand-in (inputs $input_hash unchanged)."
    exit 0
  fi
  echo "Rebuilding the $base_image stand-in: its inputs changed ($have -> $input_hash)."
fi

started=$(date +%s)
work="$(mktemp -d "${TMPDIR:-/tmp}/node-base.XXXXXX")"
ctr=""
cleanup() {
  [ -z "$ctr" ] || buildah rm "$ctr" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# debian:bookworm-slim's dpkg excludes (debuerreotype's slimify) and the docker-* apt settings.
slim=(
  --dpkgopt='path-exclude=/usr/share/doc/*'
  --dpkgopt='path-include=/usr/share/doc/*/copyright'
  --dpkgopt='path-exclude=/usr/share/info/*'
  --dpkgopt='path-exclude=/usr/share/linda/*'
  --dpkgopt='path-exclude=/usr/share/lintian/overrides/*'
  --dpkgopt='path-exclude=/usr/share/locale/*'
  --dpkgopt='path-exclude=/usr/share/man/*'
  --aptopt='Acquire::Languages "none"'
  --aptopt='Acquire::GzipIndexes "true"'
  --aptopt='APT::AutoRemove::SuggestsImportant "false"'
  --aptopt='Dir::Cache::pkgcache ""'
  --aptopt='Dir::Cache::srcpkgcache ""'
)
echo "Bootstrapping Debian bookworm (minbase) from $mirror"
# shellcheck disable=SC2016 # $1 is the hook's argument, expanded by mmdebstrap
mmdebstrap --quiet --variant=minbase --format=tar "${slim[@]}" \
  --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/* "$1"/var/log/*.log "$1"/var/log/apt/*' \
  bookworm "$work/rootfs.tar" \
  "deb $mirror bookworm main" \
  "deb $mirror bookworm-updates main" \
  "deb $security bookworm-security main"

ctr="$(buildah from scratch)"
root="$(buildah mount "$ctr")"
tar -C "$root" --numeric-owner --xattrs --xattrs-include='*' -xpf "$work/rootfs.tar"
install -m 0755 "$node_bin" "$root/usr/local/bin/node"
mkdir -p "$root/usr/local/lib/node_modules"
for pkg in npm corepack; do
  [ -d "$node_modules/$pkg" ] || continue
  cp -a "$node_modules/$pkg" "$root/usr/local/lib/node_modules/$pkg"
done
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
[ ! -d "$root/usr/local/lib/node_modules/corepack" ] ||
  ln -s ../lib/node_modules/corepack/dist/corepack.js "$root/usr/local/bin/corepack"
chown -R 0:0 "$root/usr/local"
cat >"$root/usr/local/bin/docker-entrypoint.sh" <<'ENTRYPOINT'
#!/bin/sh
set -e
# Run command with node if the first argument contains a "-" or is not a system command.
if [ "${1#-}" != "${1}" ] || [ -z "$(command -v "${1}")" ] || { [ -f "${1}" ] && ! [ -x "${1}" ]; }; then
  set -- node "$@"
fi
exec "$@"
ENTRYPOINT
chmod 0755 "$root/usr/local/bin/docker-entrypoint.sh"
buildah run "$ctr" -- sh -c 'groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node'
buildah run "$ctr" -- node -e 'require("node:assert").equal(process.versions.node.split(".")[0], "20")'
buildah run "$ctr" -- npm --version >/dev/null
buildah umount "$ctr" >/dev/null

buildah config \
  --env "NODE_VERSION=${node_version#v}" \
  --entrypoint '["docker-entrypoint.sh"]' --cmd node \
  --annotation "$label=$input_hash" \
  --label "org.opencontainers.image.description=Local stand-in for $base_image (Debian bookworm + Node $node_version)" \
  --os linux --arch amd64 \
  "$ctr"
buildah commit --quiet --rm "$ctr" "$base_image" >/dev/null
ctr=""
echo "Made the $base_image stand-in in $(elapsed "$started") (Node $node_version, inputs $input_hash)."
