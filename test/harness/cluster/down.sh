#!/usr/bin/env bash
# Tears down a real test cluster (test/harness/cluster/) from what its scratch directory records, whether
# it stopped cleanly, crashed half-way or was never fully started. Safe to run twice.
#   1. its daemons, newest first, by the PIDs in pids/ (SIGTERM, SIGKILL after 10 s); a process counts as
#      gone once /proc says so or shows a zombie (the host's init reaps orphans late, so `kill -0` lies);
#   2. every process left in its Pods' cgroups, then those cgroups; containerd's shims for its socket;
#   3. the network namespaces containerd made (cni-*), the bridge, and every iptables rule and chain
#      kube-proxy, the kubelet and the CNI plugins made (KUBE-*, CNI-*), IPv4 and IPv6;
#   4. every mount under the scratch directory and under containerd's root;
#   5. the kernel settings it saved before starting (ip_forward, and what the kubelet changes);
#   6. the scratch directory (kept with CLUSTER_KEEP=1) and the machine-wide marker naming it.
# Usage: test/harness/cluster/down.sh SCRATCH_DIR
set -uo pipefail
dir="${1:?usage: down.sh SCRATCH_DIR}"
[ -f "$dir/cluster.env" ] || { echo "down.sh: $dir/cluster.env is missing: not a cluster directory" >&2; exit 1; }
# shellcheck source=/dev/null
source "$dir/cluster.env" # BRIDGE CGROUP_ROOT CONTAINERD_ROOT CONTAINERD_SOCKET MARKER MADE_KUBELET_DIR

log() { printf 'down.sh: %s\n' "$*" >&2; }
running() {
  local state
  state="$(sed -E 's/^.*\) (.).*$/\1/' "/proc/$1/stat" 2>/dev/null)" || return 1
  [ -n "$state" ] && [ "$state" != Z ] && [ "$state" != X ]
}
stop_pid() {
  local pid="$1" i
  running "$pid" || return 0
  kill -TERM "$pid" 2>/dev/null
  for ((i = 0; i < 100; i++)); do running "$pid" || return 0; sleep 0.1; done
  log "PID $pid ignored SIGTERM for 10 s; killing it"
  kill -KILL "$pid" 2>/dev/null
  for ((i = 0; i < 50; i++)); do running "$pid" || return 0; sleep 0.1; done
  log "PID $pid is still running"
}

# 1. The daemons, in reverse order of start (their files are numbered), then the control plane's directory.
for file in $(ls -r "$dir/pids" 2>/dev/null); do
  stop_pid "$(cat "$dir/pids/$file")"
done
cp_dir="$(cat "$dir/control-plane.dir" 2>/dev/null)"
[[ "$cp_dir" == */rootfs-cp-* ]] && rm -rf "$cp_dir"

# 2. What runs in the Pods' cgroups (containers whose shim is gone keep running otherwise), then the shims.
cgroups=(/sys/fs/cgroup/*"$CGROUP_ROOT")
for ((round = 0; round < 50; round++)); do
  pids="$(find "${cgroups[@]}" -name cgroup.procs -exec cat {} + 2>/dev/null | sort -u)"
  [ -n "$pids" ] || break
  # shellcheck disable=SC2086
  kill -KILL $pids 2>/dev/null
  sleep 0.1
done
for cg in "${cgroups[@]}"; do
  [ -d "$cg" ] && find "$cg" -depth -type d -exec rmdir {} + 2>/dev/null
done
for proc in /proc/[0-9]*; do
  if tr "\\0" " " 2>/dev/null <"$proc/cmdline" | grep -q -- "containerd-shim.* -address $CONTAINERD_SOCKET "; then
    stop_pid "${proc#/proc/}"
  fi
done

# 3. Network: Pod namespaces, the bridge, iptables.
for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep '^cni-'); do
  ip netns delete "$ns" 2>/dev/null
done
ip link delete "$BRIDGE" 2>/dev/null
for cmd in iptables ip6tables; do
  for table in filter nat mangle; do
    rules="$("$cmd-save" -t "$table" 2>/dev/null)" || continue
    while read -r rule; do
      eval "$cmd -w -t $table -D ${rule#-A }" 2>/dev/null
    done < <(grep -E '^-A (PREROUTING|INPUT|FORWARD|OUTPUT|POSTROUTING) .*-j (KUBE|CNI)-' <<<"$rules")
    chains="$(grep -oE '^:(KUBE|CNI)-[^ ]+' <<<"$rules" | cut -c2-)"
    for chain in $chains; do "$cmd" -w -t "$table" -F "$chain" 2>/dev/null; done
    for chain in $chains; do "$cmd" -w -t "$table" -X "$chain" 2>/dev/null; done
  done
done

# 4. Mounts: the kubelet's volumes, containerd's rootfs and shm mounts, deepest first.
for ((round = 0; round < 5; round++)); do
  mounts="$(awk '{print $5}' /proc/self/mountinfo | grep -E "^($dir|$CONTAINERD_ROOT)/" | sort -r)"
  [ -n "$mounts" ] || break
  for m in $mounts; do umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null; done
done

# 5. Kernel settings, as they were.
if [ -f "$dir/sysctls.saved" ]; then
  while read -r key value; do
    [ -n "$key" ] && printf '%s\n' "$value" >"/proc/sys/${key//.//}" 2>/dev/null
  done <"$dir/sysctls.saved"
fi

# The kubelet's device plugin directory is fixed (/var/lib/kubelet/device-plugins), whatever --root-dir says.
if [ "${MADE_KUBELET_DIR:-0}" = 1 ]; then
  rm -rf /var/lib/kubelet
else
  rm -f /var/lib/kubelet/device-plugins/{kubelet.sock,rootfs-test-kvm.sock,kubelet_internal_checkpoint}
fi

# containerd 1.6 puts its shims' sockets in /run/containerd/s whatever its state directory is.
rmdir /run/containerd/s /run/containerd/runc/k8s.io /run/containerd/runc /run/containerd 2>/dev/null

# 6. The scratch directory and the marker that names it.
[ "$(cat "$MARKER" 2>/dev/null)" = "$dir" ] && rm -f "$MARKER"
if [ "${CLUSTER_KEEP:-}" != 1 ]; then
  rm -rf "$dir" 2>/dev/null || log "could not remove $dir: $(awk '{print $5}' /proc/self/mountinfo | grep -c "^$dir/") mounts left"
fi
exit 0
