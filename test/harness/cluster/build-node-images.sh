#!/usr/bin/env bash
# Makes the images the real test cluster (test/harness/cluster/) runs, as OCI archives containerd
# imports (`ctr -n k8s.io images import`): no registry is reachable, and Pods use imagePullPolicy Never.
#   - the sandbox ("pause") image: Kubernetes' own pause.c (k8s.io/kubernetes/build/pause/linux, from the
#     Go module cache), compiled static, FROM scratch, as uid 65535, like registry.k8s.io/pause;
#   - the operator and worker images scripts/build-images.sh built into buildah's store.
# Each archive is named after its image's id, so an unchanged image is not pushed again (a warm run
# takes a second); images.tsv lists name, archive and manifest digest for the harness.
#
# The LAST line on stdout is the directory holding the archives; progress goes to stderr. Idempotent.
# Usage: test/harness/cluster/build-node-images.sh        (as root, after scripts/build-images.sh)
# Env:   ROOTFS_CACHE_DIR [~/.cache/rootfs-operator], IMAGE_REGISTRY [ghcr.io/rootfs-operator]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=scripts/images/common.sh
source "$here/../../../scripts/images/common.sh"
need buildah buildah
need gcc gcc

log() { printf 'build-node-images: %s\n' "$*" >&2; }
cache="${ROOTFS_CACHE_DIR:-${HOME:?HOME is unset}/.cache/rootfs-operator}/cluster/images"
mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9

# The pause image, rebuilt when pause.c or this script changes.
pause_image="localhost/rootfs-test/pause:3.10.1"
kube_mod="$here/../control-plane/kube"
k8s_dir="$(cd "$kube_mod" && GOFLAGS=-mod=mod go list -m -f '{{.Dir}}' k8s.io/kubernetes)"
pause_c="$k8s_dir/build/pause/linux/pause.c"
[ -f "$pause_c" ] || { log "error: $pause_c is missing (go mod download k8s.io/kubernetes)"; exit 1; }
pause_inputs="$(cat "$pause_c" "${BASH_SOURCE[0]}" | sha256sum | cut -c1-16)"
if [ "$(buildah inspect --type image --format '{{index .ImageAnnotations "rootfs.dev/inputs"}}' "$pause_image" 2>/dev/null)" != "$pause_inputs" ]; then
  log "building $pause_image from $pause_c"
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  gcc -Os -Wall -Werror -static -DVERSION=v3.10.1-rootfs-test -o "$work/pause" "$pause_c"
  ctr="$(buildah from --pull=never scratch)"
  buildah copy --chmod 0755 "$ctr" "$work/pause" /pause >/dev/null
  buildah config --entrypoint '["/pause"]' --user 65535:65535 --annotation "rootfs.dev/inputs=$pause_inputs" "$ctr"
  buildah commit --quiet --rm "$ctr" "$pause_image" >/dev/null
fi

printf '%s\n' "# name	archive	manifest digest" >"$cache/images.tsv.new"
for image in "$pause_image" "$operator_image" "$worker_image"; do
  id="$(buildah inspect --type image --format '{{.FromImageID}}' "$image" 2>/dev/null)" || {
    log "error: $image is not in buildah's store: run scripts/build-images.sh first"
    exit 1
  }
  base="$(basename "${image%%:*}")-${id:0:16}"
  if [ ! -f "$cache/$base.tar" ] || [ ! -f "$cache/$base.digest" ]; then
    log "exporting $image"
    started=$(date +%s)
    rm -f "$cache/$(basename "${image%%:*}")"-*.{tar,digest}
    # Uncompressed layers: gzip on 2 cores costs more than the disk it saves for a local import.
    buildah push --quiet --disable-compression --digestfile "$cache/$base.digest.new" \
      "$image" "oci-archive:$cache/$base.tar.new:$image" >/dev/null
    mv "$cache/$base.tar.new" "$cache/$base.tar"
    mv "$cache/$base.digest.new" "$cache/$base.digest"
    log "exported $image in $(elapsed "$started")"
  fi
  printf '%s\t%s\t%s\n' "$image" "$cache/$base.tar" "$(cat "$cache/$base.digest")" >>"$cache/images.tsv.new"
done
mv "$cache/images.tsv.new" "$cache/images.tsv"
echo "$cache"
