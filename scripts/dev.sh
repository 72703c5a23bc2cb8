#!/usr/bin/env bash
# The README's two commands. Each sets up what this machine lacks, step by step, then runs its goal:
#
#   scripts/dev.sh demo    the main job: the tiny installer built through the operator (npm run demo)
#   scripts/dev.sh test    every test: typecheck, lint, unit, integration and e2e (npm test); .ci/run calls this
#   scripts/dev.sh cluster the opt-in real-cluster e2e (npm run test:cluster): kubelet, containerd, the chart
#
# Run as root on Debian 12 or 13 with Node.js 20 and Go (>= 1.26, for the test control plane) on PATH.
# Every set-up step is a no-op when its work is already done, so a second run goes straight to the goal.
#
# Adding a set-up step is one line in the list below: `step "What it sets up" "<goals>" command args…`,
# where <goals> names the goals that need it (demo, test). The command must be idempotent and fast when
# there is nothing to do.
set -euo pipefail
cd "$(dirname "$0")/.."

goal="${1:-}"
case "$goal" in
  demo | test | cluster) shift ;;
  *)
    echo "Usage: scripts/dev.sh demo|test|cluster [args for npm run demo]" >&2
    exit 2
    ;;
esac
if [ "$(id -u)" -ne 0 ]; then
  echo "scripts/dev.sh installs system packages: run it as root (sudo scripts/dev.sh $goal)." >&2
  exit 1
fi

export ROOTFS_CACHE_DIR="${ROOTFS_CACHE_DIR:-$HOME/.cache/rootfs-operator}"
export DEBIAN_FRONTEND=noninteractive
began=$(date +%s)
timings=()

# Runs one set-up step when the goal needs it, with a progress line and its time.
step() {
  local name="$1" goals="$2"
  shift 2
  [[ " $goals " == *" $goal "* ]] || return 0
  local started
  started=$(date +%s)
  printf '\n== %s\n' "$name"
  "$@"
  local took=$(($(date +%s) - started))
  printf -- '-- %s: %ss\n' "$name" "$took"
  timings+=("$(printf '%6ss  %s' "$took" "$name")")
}

summary() {
  printf '\n== Where the time went (%s, %ss in all)\n' "$goal" "$(($(date +%s) - began))"
  printf '%s\n' "${timings[@]}"
}
trap summary EXIT

# The set-up steps, in order.
step "System packages (scripts/system-packages.txt)" "demo test cluster" scripts/install-system-packages.sh
step "npm dependencies" "demo test cluster" scripts/setup/npm-dependencies.sh
step "Control plane: kube-apiserver, etcd, kubectl (Go build, cached)" "demo test cluster" test/harness/build-control-plane.sh
step "Answer-file validators (pykickstart venv)" "test" test/validators/install.sh
step "S3 test server (moto venv)" "test" test/harness/s3/install.sh
step "Node binaries of the real test cluster: kubelet, controllers, kube-proxy, kvm-device-plugin (Go build, cached)" "cluster" test/harness/build-control-plane.sh --node
step "helm (Go build, cached)" "test cluster" test/harness/build-helm.sh
step "Container images (buildah, cached layers)" "test cluster" scripts/build-images.sh
step "Images of the real test cluster: pause; operator and worker as OCI archives (cached)" "cluster" test/harness/cluster/build-node-images.sh

case "$goal" in
  demo) step "Demo: npm run demo" "demo" npm run demo -- "$@" ;;
  test) step "Tests: npm test" "test" npm test ;;
  cluster) step "Real-cluster e2e: npm run test:cluster" "cluster" npm run test:cluster ;;
esac
