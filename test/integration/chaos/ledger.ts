// What the operator made, as the apiserver's watches tell it: every uid a name ever had and every owner an
// object ever named. A twin made and forgotten before a crash shows here even if no cache or status
// remembers it.
import { children } from "../kubevirt-backend/fake-cluster.js";
import { namespace, operatorNamespace, type Env } from "../kubevirt-backend/env.js";
import { rootfsImageRef } from "../../../src/controller/rootfs-refs.js";
import { coreRefs, Informer, type KubeObject, type ResourceRef } from "../../../src/runtime/index.js";

/** One object the operator made, over its whole life (until the ledger stops). */
export interface Made {
  ref: ResourceRef;
  uid: string;
  namespace?: string;
  name: string;
  labels: Record<string, string>;
  /** Every owner uid the object named at any time (shared children gain and lose owners). */
  owners: Set<string>;
  /** The last version seen. */
  object: KubeObject;
  /** The watch said it was deleted. */
  deleted: boolean;
}

const managedBy = "app.kubernetes.io/managed-by=rootfs-operator";

/** The kinds the operator creates (Pods and VMIs are the test's, playing the cluster). */
export const madeKinds: { ref: ResourceRef; namespace?: string }[] = [
  { ref: coreRefs.secret, namespace },
  { ref: coreRefs.pvc, namespace },
  { ref: coreRefs.job, namespace },
  { ref: children.install, namespace },
  { ref: rootfsImageRef },
  // Build-key claims; the leader-election Lease carries no such label.
  { ref: coreRefs.lease, namespace: operatorNamespace },
];

export class Ledger {
  private readonly byUid = new Map<string, Made>();
  private readonly stop = new AbortController();
  private readonly informers: Informer[];

  private constructor(env: Env) {
    this.informers = madeKinds.map(({ ref, namespace }) => {
      const informer = new Informer(env.client, ref, { namespace, labelSelector: managedBy });
      informer.onChange((object, _key, deleted) => this.record(ref, object, deleted));
      return informer;
    });
  }

  /** Watches from now; objects that already exist are recorded too. */
  static async start(env: Env): Promise<Ledger> {
    const ledger = new Ledger(env);
    for (const informer of ledger.informers) informer.start(ledger.stop.signal);
    await Promise.all(ledger.informers.map((i) => i.waitForSync(ledger.stop.signal)));
    return ledger;
  }

  /** Everything recorded, optionally of one kind. */
  all(ref?: ResourceRef): Made[] {
    return [...this.byUid.values()].filter((m) => ref === undefined || m.ref.plural === ref.plural);
  }

  /** What ever named `uid` among its owners. */
  ownedBy(uid: string): Made[] {
    return this.all().filter((m) => m.owners.has(uid));
  }

  async close(): Promise<void> {
    this.stop.abort();
    await Promise.all(this.informers.map((i) => i.stopped()));
  }

  private record(ref: ResourceRef, object: KubeObject, deleted: boolean): void {
    const uid = object.metadata.uid ?? "";
    let made = this.byUid.get(uid);
    if (!made) {
      made = {
        ref,
        uid,
        namespace: object.metadata.namespace,
        name: object.metadata.name,
        labels: {},
        owners: new Set(),
        object,
        deleted: false,
      };
      this.byUid.set(uid, made);
    }
    made.object = object;
    made.labels = { ...made.labels, ...object.metadata.labels };
    for (const owner of object.metadata.ownerReferences ?? []) made.owners.add(owner.uid);
    made.deleted ||= deleted;
  }
}

/** "<Kind> <namespace>/<name>" */
export function describe(made: Made): string {
  return `${made.ref.kind} ${made.namespace ? `${made.namespace}/` : ""}${made.name}`;
}
