import { microTime } from "../runtime/leader-election.js";
import {
  coreRefs,
  isAlreadyExists,
  isConflict,
  isNotFound,
  type KubeClient,
  type KubeObject,
} from "../runtime/kube-client.js";

interface Lease extends KubeObject {
  spec: { holderIdentity?: string; acquireTime?: string };
}

export type ClaimResult = { owned: true } | { owned: false; holder: string };

/**
 * One build per build key does the work: the first to create the key's Lease holds it, the others
 * wait for the catalog entry it will publish. A holder whose build is gone is replaced.
 */
export class KeyClaims {
  constructor(
    private readonly client: KubeClient,
    private readonly namespace: string,
  ) {}

  leaseName(key: string): string {
    return `rootfs-claim-${key.slice(0, 40)}`;
  }

  async claim(key: string, holder: string, holderAlive: (holder: string) => boolean): Promise<ClaimResult> {
    const name = this.leaseName(key);
    const lease: Lease = {
      apiVersion: "coordination.k8s.io/v1",
      kind: "Lease",
      metadata: {
        name,
        namespace: this.namespace,
        labels: { "app.kubernetes.io/managed-by": "rootfs-operator" },
      },
      spec: { holderIdentity: holder, acquireTime: microTime(new Date()) },
    };
    try {
      await this.client.create(coreRefs.lease, lease);
      return { owned: true };
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
    }
    const current = await this.client.get<Lease>(coreRefs.lease, name, this.namespace);
    if (!current) return this.claim(key, holder, holderAlive);
    const currentHolder = current.spec.holderIdentity ?? "";
    if (currentHolder === holder) return { owned: true };
    if (holderAlive(currentHolder)) return { owned: false, holder: currentHolder };
    try {
      await this.client.replace(coreRefs.lease, { ...current, spec: { ...lease.spec } });
      return { owned: true };
    } catch (err) {
      if (isConflict(err) || isNotFound(err)) return this.claim(key, holder, holderAlive);
      throw err;
    }
  }

  async release(key: string, holder: string): Promise<void> {
    const current = await this.client.get<Lease>(coreRefs.lease, this.leaseName(key), this.namespace);
    if (current?.spec.holderIdentity !== holder) return;
    await this.client.delete(coreRefs.lease, current.metadata.name, this.namespace, {
      preconditions: { resourceVersion: current.metadata.resourceVersion },
    });
  }
}

/** How a build names itself as a holder: namespace/name/uid, so a re-created build is a new holder. */
export function holderOf(build: { metadata: { name: string; namespace?: string; uid?: string } }): string {
  return `${build.metadata.namespace ?? ""}/${build.metadata.name}/${build.metadata.uid ?? ""}`;
}
