#!/usr/bin/env bash
# Builds a real `helm` binary (helm.sh/helm/v3/cmd/helm) from the Go module proxy, for the chart tests and
# `npm run gen:deploy`.
#
# Output goes to a cache directory outside the git tree:
#   ${ROOTFS_CACHE_DIR:-$HOME/.cache/rootfs-operator}/tools/helm-<version>/helm
# A binary already present there is reused (a warm run does not invoke `go`).
# If HELM_BIN names an executable, it is used instead and nothing is built.
#
# The LAST line on stdout is the path of the helm binary; everything else goes to stderr.
# With --cached-only, nothing is built: exits 2 when there is no binary to print (test/harness/helm.ts).
#
# Environment:
#   ROOTFS_CACHE_DIR   cache root (default $HOME/.cache/rootfs-operator)
#   HELM_VERSION       helm.sh/helm/v3 version to build (default below; must be v3.19.0 or newer)
#   HELM_BIN           a pre-built helm to use instead
#   HELM_FORCE         =1 rebuilds even when a cached binary exists
set -euo pipefail

cached_only=0
case "${1:-}" in
  --cached-only) cached_only=1 ;;
  "") ;;
  *) echo "usage: $0 [--cached-only]" >&2; exit 64 ;;
esac

version="${HELM_VERSION:-v3.22.0}"
module="helm.sh/helm/v3"

log() { printf 'build-helm: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

if [[ -n "${HELM_BIN:-}" ]]; then
  [[ -f "$HELM_BIN" && -x "$HELM_BIN" ]] || die "HELM_BIN=$HELM_BIN is not an executable file"
  log "using HELM_BIN=$HELM_BIN (nothing built)"
  echo "$HELM_BIN"
  exit 0
fi

[[ "$version" =~ ^v3\.([0-9]+)\.[0-9]+$ ]] || die "HELM_VERSION=$version is not a v3.x.y release"
((BASH_REMATCH[1] >= 19)) || die "HELM_VERSION=$version is older than v3.19.0"

cache_root="${ROOTFS_CACHE_DIR:-${HOME:?HOME is unset}/.cache/rootfs-operator}"
out="$cache_root/tools/helm-$version"
bin="$out/helm"

if [[ "${HELM_FORCE:-}" != 1 && -x "$bin" ]]; then
  log "cached: $bin"
  echo "$bin"
  exit 0
fi

if ((cached_only)); then
  log "helm $version is not built: run test/harness/build-helm.sh (a few minutes on a cold Go cache)"
  exit 2
fi

mkdir -p "$out"

# Serialise concurrent builders (parallel test files may all call this script).
exec 9>"$out/.lock"
if command -v flock >/dev/null 2>&1; then
  log "waiting for build lock $out/.lock"
  flock 9
fi
if [[ "${HELM_FORCE:-}" != 1 && -x "$bin" ]]; then
  log "cached: $bin"
  echo "$bin"
  exit 0
fi

command -v go >/dev/null 2>&1 || die "go is not on PATH (needed to build helm $version)"

tmp="$(mktemp -d "$out/.build.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
start=$SECONDS

# The module's source (from the proxy) tells which client-go it builds against; helm's Makefile derives the
# Kubernetes version that `helm template` and `helm lint` assume from it (client-go v0.N.x -> Kubernetes 1.N).
log "downloading $module@$version"
dir="$(cd "$tmp" && GOFLAGS=-mod=mod go mod download -json "$module@$version" | sed -nE 's/^[[:space:]]*"Dir": "(.*)",?$/\1/p')"
[[ -n "$dir" && -f "$dir/go.mod" ]] || die "go mod download $module@$version gave no source directory"
client_go="$(sed -nE 's#^[[:space:]]*k8s\.io/client-go[[:space:]]+v0\.([0-9]+)\..*#\1#p' "$dir/go.mod" | head -n1)"
[[ -n "$client_go" ]] || die "cannot find k8s.io/client-go in $dir/go.mod"

ldflags="-s -w"
ldflags+=" -X $module/internal/version.version=$version -X $module/internal/version.gitTreeState=clean"
for p in pkg/lint/rules pkg/chartutil; do
  ldflags+=" -X $module/$p.k8sVersionMajor=1 -X $module/$p.k8sVersionMinor=$client_go"
done

log "building helm $version (Kubernetes 1.$client_go); a cold Go build cache takes a few minutes"
# `go install pkg@version` builds outside any module (the repo has none at its root anyway), so the
# versions are exactly those of helm's own go.mod.
(cd "$tmp" && CGO_ENABLED=0 GOBIN="$tmp" GOFLAGS="-buildvcs=false" \
  go install -trimpath -ldflags="$ldflags" "$module/cmd/helm@$version")

chmod 0755 "$tmp/helm"
"$tmp/helm" version --short >&2 || die "the built helm does not run"
mv -f "$tmp/helm" "$bin"
log "done in $((SECONDS - start))s: $bin"
echo "$bin"
