// What a running install Pod says about itself, read from its log through the apiserver (pods/log,
// served by the kubelet): the accelerator qemu uses (the worker's first lines) and its latest progress
// line. Display only: bounded, and never trusted for a decision.
import type { KubeClient, Logger } from "../../runtime/index.js";
import { workerContainer } from "../builders/index.js";
import type { ObservedPod } from "./snapshot.js";

export interface InstallLog {
  /** "KVM", or "TCG (KVM unavailable: <why>)". */
  accel?: string;
  percent?: number;
  text?: string;
}

export type InstallLogReader = (pod: ObservedPod) => Promise<InstallLog | undefined>;

const headBytes = 4096;
const tailLines = 100;
const maxText = 200;

export function podLogInstallProgress(client: KubeClient, log: Logger): InstallLogReader {
  return async (pod) => {
    const { namespace = "", name } = pod.metadata;
    const base =
      `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(name)}/log` +
      `?container=${workerContainer}`;
    try {
      const [head, tail] = await Promise.all([
        client.raw("GET", `${base}&limitBytes=${headBytes}`),
        client.raw("GET", `${base}&tailLines=${tailLines}&limitBytes=65536`),
      ]);
      const text = (body: unknown) => (typeof body === "string" ? body : "");
      return parseInstallLog(text(head), text(tail));
    } catch (err) {
      log.debug({ err, pod: name }, "Could not read the install Pod's log");
      return undefined;
    }
  };
}

/**
 * The worker prints its steps as "[install] <percent>% <text>" (rootfs's progress printer) amid the
 * installer's console lines; describeAccelerator's line says which accelerator it chose.
 */
export function parseInstallLog(head: string, tail: string): InstallLog {
  const accelLine = head
    .split("\n")
    .find((line) => /^\[install\] .*\bInstall is using (KVM|TCG)\b/.test(line));
  const whyNot = /KVM unavailable \((.*)\); Install is using TCG/.exec(accelLine ?? "")?.[1];
  const accel =
    accelLine === undefined
      ? undefined
      : whyNot
        ? `TCG (KVM unavailable: ${whyNot})`
        : /Install is using KVM/.test(accelLine)
          ? "KVM"
          : "TCG";
  const progress = tail
    .split("\n")
    .map((line) => /^\[install\] (?:(\d{1,3})% )?(.+)$/.exec(line.trim()))
    .filter((match): match is RegExpExecArray => match !== null)
    .at(-1);
  return {
    ...(accel && { accel: accel.slice(0, maxText) }),
    ...(progress?.[1] && { percent: Math.min(100, Number(progress[1])) }),
    ...(progress?.[2] && { text: progress[2].slice(0, maxText) }),
  };
}
