# shellcheck shell=bash
# Shared settings for scripts/build-images.sh and its helpers (sourced, not run).
# buildah runs daemonless: chroot isolation (no runc/crun namespaces needed) and the overlay storage
# driver, or vfs where the kernel has no overlayfs (set STORAGE_DRIVER=vfs to force it).

# shellcheck disable=SC2034 # the sourcing scripts use these
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
version="$(node -p 'require(process.argv[1]).version' "$repo_root/package.json")"

# The names the operator's config defaults to (src/controller/config.ts), so a cluster fed from this
# store needs no override; IMAGE_REGISTRY changes the prefix.
image_registry="${IMAGE_REGISTRY:-ghcr.io/rootfs-operator}"
operator_image="$image_registry/operator:$version"
worker_image="$image_registry/worker:$version"
# The Dockerfiles' FROM; a local stand-in is made when it cannot be pulled (scripts/images/node-base.sh).
base_image="docker.io/library/node:20-bookworm-slim"

export BUILDAH_ISOLATION="${BUILDAH_ISOLATION:-chroot}"
if [ -z "${STORAGE_DRIVER:-}" ]; then
  if grep -qw overlay /proc/filesystems; then STORAGE_DRIVER=overlay; else STORAGE_DRIVER=vfs; fi
fi
export STORAGE_DRIVER

# Prints how long has passed since `started` (seconds since the epoch).
elapsed() { echo "$(($(date +%s) - $1))s"; }

need() {
  command -v "$1" >/dev/null || {
    echo "$1 is missing: apt-get install $2 (scripts/install-system-packages.sh installs it)" >&2
    exit 1
  }
}
