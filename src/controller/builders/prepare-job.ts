import { parseDuration, parseQuantity } from "../../api/quantity.js";
import type { BuildContext } from "./build-context.js";
import { allChildNames, prepareSecretName } from "./child-names.js";
import type { Job } from "./core-types.js";
import { sharedChildMeta, type OwnerObject } from "./object-meta.js";
import { prepareConfigPath, workerPodTemplate } from "./worker-pod.js";

export const isoMountPath = "/iso";
export const isoImagePath = `${isoMountPath}/disk.img`;
/** Where the fetch container leaves the verified source ISO for the remaster container (the Pod's /tmp). */
export const sourceIsoPath = "/tmp/source.iso";
/** The init container that downloads; while it runs the build is Fetching, then Remastering. */
export const fetchContainer = "fetch";

/**
 * Fetches the source ISO (an init container) and remasters it into the shared ISO PVC, both configured
 * by the prepare Secret. Shared like the PVC; it has no ttlSecondsAfterFinished because the controller
 * reads its outcome.
 */
export function prepareJob(ctx: BuildContext, isoPvc: OwnerObject & { isoBytes: number }): Job {
  const names = allChildNames(ctx);
  const meta = sharedChildMeta(ctx, names.prepareJob, "prepare");
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: meta,
    spec: {
      backoffLimit: 2,
      activeDeadlineSeconds: Math.ceil(parseDuration(ctx.build.spec.install.timeout) / 1000),
      template: workerPodTemplate(ctx, {
        labels: meta.labels,
        configSecret: prepareSecretName(ctx, isoPvc),
        init: {
          name: fetchContainer,
          command: ["rootfs", "worker", "fetch", "--config", prepareConfigPath, "--out", sourceIsoPath],
        },
        command: [
          ...["rootfs", "worker", "remaster", "--config", prepareConfigPath],
          ...["--source", sourceIsoPath, "--out", isoImagePath],
        ],
        env: [],
        mounts: [{ name: "iso", mountPath: isoMountPath }],
        volumes: [{ name: "iso", persistentVolumeClaim: { claimName: names.isoPvc } }],
        // The fetch container downloads the whole source ISO into /tmp.
        scratchBytes: isoPvc.isoBytes + parseQuantity(ctx.config.workerResources.scratch),
      }),
    },
  };
}
