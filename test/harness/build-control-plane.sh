#!/usr/bin/env bash
# Builds the binaries of a real (test-only) Kubernetes control plane:
#   kube-apiserver, kubectl  (from test/harness/control-plane/kube, k8s.io/kubernetes)
#   etcd                     (from test/harness/control-plane/etcd, go.etcd.io/etcd/server/v3)
# With --node, instead, the node and the controllers of the real single-node cluster
# (test/harness/cluster/), from the same module, `replace` block and cache:
#   kubelet, kube-controller-manager, kube-scheduler, kube-proxy, kvm-device-plugin
#   (the last is our own, test/harness/control-plane/kube/kvm-device-plugin).
#
# Output goes to a cache directory outside the git tree:
#   ${ROOTFS_CACHE_DIR:-$HOME/.cache/rootfs-operator}/control-plane/<k8s-version>-<etcd-version>/bin/
# Binaries already present there are reused (a warm run does not invoke `go`).
# If KUBEBUILDER_ASSETS is set and holds all three control-plane binaries, that
# directory is used instead and nothing is built (it never holds the --node ones).
#
# The LAST line on stdout is the bin directory; everything else goes to stderr.
#
# Environment:
#   ROOTFS_CACHE_DIR     cache root (default $HOME/.cache/rootfs-operator)
#   KUBEBUILDER_ASSETS   pre-built binaries to use instead (envtest layout)
#   CONTROL_PLANE_FORCE  =1 rebuilds even when cached binaries exist
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
src="$here/control-plane"
node=0
[[ "${1:-}" == --node ]] && node=1
if ((node)); then
  bins=(kubelet kube-controller-manager kube-scheduler kube-proxy kvm-device-plugin)
else
  bins=(kube-apiserver kubectl etcd)
fi

log() { printf 'build-control-plane: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

have_all() {
  local dir="$1" b
  for b in "${bins[@]}"; do
    [[ -f "$dir/$b" && -x "$dir/$b" ]] || return 1
  done
  ((!node)) || plugin_current "$dir"
}

# The device plugin is our own source: its binary is current while the source's digest matches the stamp.
plugin_src="$src/kube/kvm-device-plugin"
plugin_digest() { cat "$plugin_src"/*.go "$src/kube/go.sum" | sha256sum | cut -d' ' -f1; }
plugin_current() { [[ "$(cat "$1/.kvm-device-plugin.sha256" 2>/dev/null)" == "$(plugin_digest)" ]]; }

if ((!node)) && [[ -n "${KUBEBUILDER_ASSETS:-}" ]]; then
  if have_all "$KUBEBUILDER_ASSETS"; then
    log "using KUBEBUILDER_ASSETS=$KUBEBUILDER_ASSETS (nothing built)"
    (cd "$KUBEBUILDER_ASSETS" && pwd)
    exit 0
  fi
  log "KUBEBUILDER_ASSETS=$KUBEBUILDER_ASSETS lacks one of: ${bins[*]}; building instead"
fi

# Read a required module's version straight from go.mod (no `go` invocation, so
# the cached path stays instant and works without a Go toolchain).
mod_version() {
  local gomod="$1" mod="$2" v
  v="$(sed -nE "s#^[[:space:]]*(require[[:space:]]+)?${mod//./\\.}[[:space:]]+(v[^[:space:]]+).*#\\2#p" "$gomod" | head -n1)"
  [[ -n "$v" ]] || die "cannot find $mod in $gomod"
  printf '%s' "$v"
}

k8s_version="$(mod_version "$src/kube/go.mod" k8s.io/kubernetes)"
etcd_version="$(mod_version "$src/etcd/go.mod" go.etcd.io/etcd/server/v3)"

cache_root="${ROOTFS_CACHE_DIR:-${HOME:?HOME is unset}/.cache/rootfs-operator}"
out="$cache_root/control-plane/${k8s_version}-${etcd_version}"
bin="$out/bin"

if [[ "${CONTROL_PLANE_FORCE:-}" != 1 ]] && have_all "$bin"; then
  log "cached: $bin"
  echo "$bin"
  exit 0
fi

mkdir -p "$bin"

# Serialise concurrent builders (parallel test files all call this script).
exec 9>"$out/.lock"
if command -v flock >/dev/null 2>&1; then
  log "waiting for build lock $out/.lock"
  flock 9
fi
# Someone else may have finished the build while we waited.
if [[ "${CONTROL_PLANE_FORCE:-}" != 1 ]] && have_all "$bin"; then
  log "cached: $bin"
  echo "$bin"
  exit 0
fi

command -v go >/dev/null 2>&1 || die "go is not on PATH (needed to build ${bins[*]})"

tmp="$(mktemp -d "$out/.build.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

export CGO_ENABLED=0
# -mod=mod: tolerate go.sum drift instead of failing; -buildvcs=false: the
# consumer modules live inside a git tree whose state is irrelevant here.
export GOFLAGS="${GOFLAGS:+$GOFLAGS }-mod=mod -buildvcs=false"

need() { [[ "${CONTROL_PLANE_FORCE:-}" == 1 ]] || [[ ! -x "$bin/$1" ]]; }

start=$SECONDS

k8s_minor="${k8s_version#v1.}"; k8s_minor="${k8s_minor%%.*}"
kver_pkgs=(k8s.io/component-base/version k8s.io/client-go/pkg/version)
ldflags="-s -w"
for p in "${kver_pkgs[@]}"; do
  ldflags+=" -X $p.gitVersion=$k8s_version -X $p.gitMajor=1 -X $p.gitMinor=$k8s_minor -X $p.gitTreeState=clean"
done

if ((node)); then
  if need kubelet || need kube-controller-manager || need kube-scheduler || need kube-proxy; then
    log "building kubelet, kube-controller-manager, kube-scheduler, kube-proxy $k8s_version (about 4-8 min cold)"
    t0=$SECONDS
    (cd "$src/kube" && go build -trimpath -ldflags="$ldflags" -o "$tmp/" \
      k8s.io/kubernetes/cmd/kubelet k8s.io/kubernetes/cmd/kube-controller-manager \
      k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kube-proxy)
    log "node components built in $((SECONDS - t0))s"
  fi
  if need kvm-device-plugin || ! plugin_current "$bin"; then
    log "building kvm-device-plugin"
    (cd "$src/kube" && go build -trimpath -ldflags="-s -w" -o "$tmp/kvm-device-plugin" ./kvm-device-plugin)
    plugin_digest >"$tmp/.kvm-device-plugin.sha256"
  fi
else
  if need kube-apiserver || need kubectl; then
    log "building kube-apiserver + kubectl $k8s_version (this takes a while on a cold cache)"
    t0=$SECONDS
    # One invocation for both so shared packages are compiled once.
    (cd "$src/kube" && go build -trimpath -ldflags="$ldflags" -o "$tmp/" \
      k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kubectl)
    log "kube-apiserver + kubectl built in $((SECONDS - t0))s"
  fi
  if need etcd; then
    log "building etcd $etcd_version"
    t0=$SECONDS
    (cd "$src/etcd" && go build -trimpath -ldflags="-s -w" -o "$tmp/etcd" go.etcd.io/etcd/server/v3)
    log "etcd built in $((SECONDS - t0))s"
  fi
fi

# Rename into place (same filesystem, so each mv is atomic).
for b in "${bins[@]}"; do
  if [[ -f "$tmp/$b" ]]; then
    chmod 0755 "$tmp/$b"
    mv -f "$tmp/$b" "$bin/$b"
  fi
done
[[ ! -f "$tmp/.kvm-device-plugin.sha256" ]] || mv -f "$tmp/.kvm-device-plugin.sha256" "$bin/"

have_all "$bin" || die "build finished but $bin is incomplete"
log "done in $((SECONDS - start))s: $bin"
echo "$bin"
