import { readFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { parse } from "yaml";
import { parseWith } from "../../api/validate.js";
import { operatorConfigSchema, type OperatorConfig } from "../../controller/config.js";
import { startOperator, type OperatorOptions } from "../../controller/operator.js";
import { installSignalHandlers, type RateLimit } from "../../runtime/index.js";
import type { AcceleratorRequest } from "../../steps/qemu/accelerator.js";
import { UsageError, type Command } from "../command.js";
import { defaultCacheDir } from "./build.js";

export const operatorCommand: Command = {
  name: "operator",
  summary: "Run the RootfsBuild controller (KubeVirt VMs and Jobs, or local processes)",
  usage:
    "rootfs operator [--backend kubevirt|local] [--config operator.yaml] [--kubeconfig FILE] [--storage-dir DIR] [--cache DIR] [--health-address :8080] [--leader-elect] [--workers N]\n" +
    "       [--leader-elect-lease-duration 15s] [--leader-elect-renew-deadline 10s] [--leader-elect-retry-period 2s]\n" +
    "       [--kube-api-qps 20] [--kube-api-burst 30]\n" +
    "With --leader-elect only the replica holding the Lease rootfs-operator (in the config's namespace) reconciles.\n" +
    "A replica that dies holding it is replaced after the lease duration; the leader gives up when it cannot renew\n" +
    "within the renew deadline; candidates retry every retry period. Durations like 500ms, 15s, 1m30s.\n" +
    "API requests other than watches are limited to --kube-api-qps a second, in bursts of up to --kube-api-burst;\n" +
    "--kube-api-qps=-1 (or any value <= 0) turns the limit off.",
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        backend: { type: "string", default: "kubevirt" },
        config: { type: "string" },
        kubeconfig: { type: "string" },
        "storage-dir": { type: "string" },
        cache: { type: "string" },
        accel: { type: "string", default: "auto" },
        "health-address": { type: "string", default: ":8080" },
        "leader-elect": { type: "boolean", default: false },
        "leader-elect-lease-duration": { type: "string", default: "15s" },
        "leader-elect-renew-deadline": { type: "string", default: "10s" },
        "leader-elect-retry-period": { type: "string", default: "2s" },
        workers: { type: "string", default: "4" },
        "kube-api-qps": { type: "string", default: "20" },
        "kube-api-burst": { type: "string", default: "30" },
      },
    });
    const config = await loadConfig(values.config);
    const workers = Number(values.workers);
    if (!Number.isInteger(workers) || workers < 1)
      throw new UsageError("--workers must be a positive integer");
    const rateLimit = kubeApiRateLimit(values["kube-api-qps"], values["kube-api-burst"]);
    const leaderElectionTimings = {
      leaseDurationMs: flagDuration("leader-elect-lease-duration", values["leader-elect-lease-duration"]),
      renewDeadlineMs: flagDuration("leader-elect-renew-deadline", values["leader-elect-renew-deadline"]),
      retryPeriodMs: flagDuration("leader-elect-retry-period", values["leader-elect-retry-period"]),
    };
    if (leaderElectionTimings.leaseDurationMs <= leaderElectionTimings.renewDeadlineMs)
      throw new UsageError("--leader-elect-lease-duration must exceed --leader-elect-renew-deadline");
    if (leaderElectionTimings.renewDeadlineMs <= 1.2 * leaderElectionTimings.retryPeriodMs)
      throw new UsageError("--leader-elect-renew-deadline must exceed 1.2 × --leader-elect-retry-period");
    const cacheDir = path.resolve(values.cache ?? defaultCacheDir());
    const backend: OperatorOptions["backend"] =
      values.backend === "local"
        ? {
            kind: "local",
            storageDir: path.resolve(values["storage-dir"] ?? path.join(cacheDir, "storage")),
            cacheDir,
            accel: values.accel as AcceleratorRequest,
          }
        : values.backend === "kubevirt"
          ? { kind: "kubevirt" }
          : usage(`--backend must be kubevirt or local, not ${values.backend}`);
    const manager = await startOperator({
      config,
      backend,
      kubeconfig: values.kubeconfig,
      healthAddress: values["health-address"],
      leaderElection: values["leader-elect"],
      leaderElectionTimings,
      workers,
      rateLimit,
    });
    installSignalHandlers(manager);
    manager.log.info({ backend: backend.kind, workers }, "Operator started");
    await new Promise<never>(() => undefined);
    return 0;
  },
};

async function loadConfig(file: string | undefined): Promise<OperatorConfig> {
  const raw: unknown = file ? parse(await readFile(file, "utf8")) : {};
  return parseWith(operatorConfigSchema, raw ?? {}, file ?? "operator configuration");
}

/** --kube-api-qps and --kube-api-burst as a rate limit; false (no limit) for a QPS of 0 or less. */
export function kubeApiRateLimit(qps: string, burst: string): RateLimit | false {
  const perSecond = Number(qps);
  if (qps.trim() === "" || !Number.isFinite(perSecond))
    throw new UsageError(`--kube-api-qps must be a number (0 or less turns the limit off), not "${qps}"`);
  if (perSecond <= 0) return false;
  const atOnce = Number(burst);
  if (!/^\d+$/.test(burst) || atOnce < 1)
    throw new UsageError(`--kube-api-burst must be a positive integer, not "${burst}"`);
  return { qps: perSecond, burst: atOnce };
}

/** A Go-style duration flag ("500ms", "15s", "1m30s") in milliseconds. */
function flagDuration(flag: string, value: string): number {
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const parts = [...value.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  const ms = parts.reduce((sum, [, n, unit]) => sum + Number(n) * (units[unit ?? ""] ?? 0), 0);
  if (parts.map((p) => p[0]).join("") !== value || !(ms > 0))
    throw new UsageError(`--${flag} must be a positive duration such as 500ms, 15s or 1m30s, not "${value}"`);
  return ms;
}

function usage(message: string): never {
  throw new UsageError(message);
}
