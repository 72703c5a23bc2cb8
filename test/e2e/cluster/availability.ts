// Whether the real cluster (test/harness/cluster/) runs: it is opt-in (ROOTFS_E2E_CLUSTER=1, as
// `npm run test:cluster` and `scripts/dev.sh cluster` set it), and needs root, Debian's containerd, runc
// and CNI plugins, and the operator and worker images. Once opted in, missing pieces skip the suites, or
// fail them under CI=true.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { test } from "node:test";
import { operatorImage, skipWithoutImages, workerImage } from "../images/images.js";

const needed = {
  "/usr/bin/containerd": "apt-get install containerd",
  "/usr/sbin/runc": "apt-get install runc",
  "/usr/lib/cni/bridge": "apt-get install containernetworking-plugins",
  "/usr/sbin/iptables": "apt-get install iptables",
};

export async function skipWithoutCluster(): Promise<string | false> {
  if (process.env.ROOTFS_E2E_CLUSTER !== "1")
    return "opt-in (about 11 minutes warm): npm run test:cluster, or scripts/dev.sh cluster to set it up too";
  const missing = Object.entries(needed).filter(([file]) => !existsSync(file));
  const why =
    process.getuid?.() !== 0
      ? "needs root (containerd, the kubelet, a bridge and iptables)"
      : missing.length > 0
        ? `missing ${missing.map(([file, fix]) => `${file} (${fix})`).join(", ")}: scripts/install-system-packages.sh`
        : undefined;
  if (why === undefined) return skipWithoutImages([operatorImage, workerImage]);
  if (process.env.CI === "true") test("a real cluster can be started here", () => assert.fail(why));
  return why;
}
