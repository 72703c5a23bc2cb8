#!/usr/bin/env bash
# Builds the operator and worker images (deploy/images/*/Dockerfile) without a Docker engine: buildah,
# daemonless, chroot isolation, into the local containers-storage (/var/lib/containers/storage). Run it
# as root, as CI does (rootless buildah is not set up here).
# When docker.io/library/node:20-bookworm-slim cannot be pulled, a local stand-in with that name is made
# first (scripts/images/node-base.sh), so the Dockerfiles stay as they would be anywhere else.
# Layers are cached (--layers): a second run with unchanged inputs takes seconds, and a change to src/
# rebuilds only the TypeScript and application layers, not the worker's packages and appliance.
#
# Usage: scripts/build-images.sh [operator|worker ...]      (default: both)
# Env:   IMAGE_REGISTRY [ghcr.io/rootfs-operator], STORAGE_DRIVER [overlay, or vfs without overlayfs],
#        DEBIAN_MIRROR [this machine's apt mirror], BUILD_CA_FILE [npm's cafile], NO_CACHE=1 to ignore
#        cached layers.
set -euo pipefail
# shellcheck source=scripts/images/common.sh
source "$(dirname "$0")/images/common.sh"
need buildah buildah
cd "$repo_root"

images=("$@")
[ ${#images[@]} -gt 0 ] || images=(operator worker)
for image in "${images[@]}"; do
  [ -f "deploy/images/$image/Dockerfile" ] || {
    echo "No image \"$image\": use operator or worker" >&2
    exit 2
  }
done

total=$(date +%s)
echo "== Base image $base_image (storage driver $STORAGE_DRIVER, isolation $BUILDAH_ISOLATION)"
# A registry that answers wins; without one (or once a stand-in exists) node-base.sh decides.
if ! buildah inspect --type image "$base_image" >/dev/null 2>&1 &&
  buildah pull --quiet --retry 0 "$base_image" >/dev/null 2>&1; then
  echo "Pulled $base_image."
else
  "$repo_root/scripts/images/node-base.sh"
fi

cache=(--layers)
[ -z "${NO_CACHE:-}" ] || cache+=(--no-cache)
# npm inside the build uses this machine's registry and CA file (a proxy that intercepts TLS, a mirror).
npm_settings=()
registry="$(npm config get registry 2>/dev/null || true)"
[ -z "$registry" ] || npm_settings+=(--build-arg "npm_config_registry=$registry")
cafile="${BUILD_CA_FILE:-$(npm config get cafile 2>/dev/null || true)}"
if [ -n "$cafile" ] && [ "$cafile" != null ] && [ -f "$cafile" ]; then
  npm_settings+=(--secret "id=npm-ca,src=$cafile" --build-arg npm_config_cafile=/run/secrets/npm-ca)
fi
for image in "${images[@]}"; do
  name="$image_registry/$image:$version"
  started=$(date +%s)
  echo "== $name"
  buildah bud "${cache[@]}" "${npm_settings[@]}" --pull=never --isolation "$BUILDAH_ISOLATION" \
    --label "org.opencontainers.image.version=$version" \
    --label "org.opencontainers.image.revision=$(git rev-parse HEAD 2>/dev/null || echo unknown)" \
    -f "deploy/images/$image/Dockerfile" -t "$name" .
  echo "Built $name in $(elapsed "$started")."
done

echo "== Images (built in $(elapsed "$total"))"
buildah images --filter "reference=$base_image" --filter "reference=$image_registry/*"
