import { createHash } from "node:crypto";
import { microTime } from "../runtime/kube-time.js";
import {
  coreRefs,
  isAlreadyExists,
  isConflict,
  isNotFound,
  type KubeClient,
  type KubeObject,
} from "../runtime/kube-client.js";
import type { Informer } from "../runtime/informer.js";
import { scopeId, type CatalogScope } from "./catalog.js";

export interface ClaimLease extends KubeObject {
  spec: {
    holderIdentity?: string;
    leaseDurationSeconds?: number;
    acquireTime?: string;
    renewTime?: string;
    leaseTransitions?: number;
  };
}

/** One build key in one catalog scope: builds of it wait for each other, nobody else's. */
export interface ClaimTarget {
  key: string;
  scope: CatalogScope;
}

/** What a build may do about its key's claim, as far as the cache tells. */
export type ClaimView =
  /** Nobody holds it, or its holder is gone or stopped renewing: try to take it. */
  | { state: "free" }
  /** This build holds it; renew it when a third of its duration has passed. */
  | { state: "ours"; renewDue: boolean }
  /** Another live build holds it and renews it; unless renewed, it lapses in `lapsesInMs`. */
  | { state: "held"; holder: string; lapsesInMs: number };

export const claimLabel = "rootfs.dev/claim";

/**
 * One build per build key and scope does the work: the first to create the key's Lease holds it and
 * renews it while its work runs; the others wait for the catalog entry it will publish. A holder whose
 * build is gone, or that let the Lease lapse, is replaced.
 */
export class KeyClaims {
  constructor(
    private readonly client: KubeClient,
    private readonly namespace: string,
    private readonly durationMs: number,
    /** Label-selected cache of the claim Leases in `namespace`. */
    private readonly leases: Informer<ClaimLease>,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The claim as the cache has it; no request. */
  view(target: ClaimTarget, holder: string, holderAlive: (holder: string) => boolean): ClaimView {
    const lease = this.leases.get(`${this.namespace}/${claimLeaseName(target)}`);
    return lease ? this.judge(lease, holder, holderAlive) : { state: "free" };
  }

  /**
   * Takes the claim, or renews it: create, else (after a fresh read) renew ours or replace a lapsed one.
   * Returns the claim as it now stands.
   */
  async take(target: ClaimTarget, holder: string, holderAlive: (h: string) => boolean): Promise<ClaimView> {
    const name = claimLeaseName(target);
    try {
      await this.client.create(coreRefs.lease, this.lease(name, holder));
      return { state: "ours", renewDue: false };
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
    }
    const current = await this.client.getOrUndefined<ClaimLease>(coreRefs.lease, name, this.namespace);
    if (!current) return this.take(target, holder, holderAlive);
    const view = this.judge(current, holder, holderAlive);
    if (view.state === "held") return view;
    const taking = view.state === "free";
    const spec = {
      ...current.spec,
      holderIdentity: holder,
      leaseDurationSeconds: Math.ceil(this.durationMs / 1000),
      renewTime: microTime(this.now()),
      ...(taking && {
        acquireTime: microTime(this.now()),
        leaseTransitions: (current.spec.leaseTransitions ?? 0) + 1,
      }),
    };
    try {
      await this.client.replace(coreRefs.lease, { ...current, spec });
      return { state: "ours", renewDue: false };
    } catch (err) {
      // Someone else changed it since the read: judge again on the next pass.
      if (isConflict(err) || isNotFound(err)) return this.view(target, holder, holderAlive);
      throw err;
    }
  }

  /** Gives the claim up if this holder has it. */
  async release(target: ClaimTarget, holder: string): Promise<void> {
    const name = claimLeaseName(target);
    const current = await this.client.getOrUndefined<ClaimLease>(coreRefs.lease, name, this.namespace);
    if (current?.spec.holderIdentity !== holder) return;
    await this.client
      .delete(coreRefs.lease, name, this.namespace, {
        preconditions: { resourceVersion: current.metadata.resourceVersion },
      })
      .catch((err: unknown) => {
        if (!isNotFound(err) && !isConflict(err)) throw err;
      });
  }

  private judge(lease: ClaimLease, holder: string, holderAlive: (h: string) => boolean): ClaimView {
    const current = lease.spec.holderIdentity ?? "";
    const renewed = Date.parse(lease.spec.renewTime ?? lease.spec.acquireTime ?? "");
    const durationMs = (lease.spec.leaseDurationSeconds ?? 0) * 1000;
    const age = Number.isNaN(renewed) ? Infinity : this.now().getTime() - renewed;
    if (current === holder) return { state: "ours", renewDue: age > durationMs / 3 };
    if (current === "" || !holderAlive(current) || age > durationMs) return { state: "free" };
    return { state: "held", holder: current, lapsesInMs: durationMs - age };
  }

  private lease(name: string, holder: string): ClaimLease {
    const now = microTime(this.now());
    return {
      apiVersion: "coordination.k8s.io/v1",
      kind: "Lease",
      metadata: {
        name,
        namespace: this.namespace,
        labels: { "app.kubernetes.io/managed-by": "rootfs-operator", [claimLabel]: "true" },
      },
      spec: {
        holderIdentity: holder,
        leaseDurationSeconds: Math.ceil(this.durationMs / 1000),
        acquireTime: now,
        renewTime: now,
        leaseTransitions: 0,
      },
    };
  }
}

/** The Lease of a claim: one per build key and scope. */
export function claimLeaseName(target: ClaimTarget): string {
  const id = createHash("sha256")
    .update(`${scopeId(target.scope)}/${target.key}`)
    .digest("hex");
  return `rootfs-claim-${id.slice(0, 40)}`;
}

/** How a build names itself as a holder: namespace/name/uid, so a re-created build is a new holder. */
export function holderOf(build: { metadata: { name: string; namespace?: string; uid?: string } }): string {
  return `${build.metadata.namespace ?? ""}/${build.metadata.name}/${build.metadata.uid ?? ""}`;
}
