import { readFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { parse } from "yaml";
import { parseWith } from "../../api/validate.js";
import { operatorConfigSchema, type OperatorConfig } from "../../controller/config.js";
import { startOperator, type OperatorOptions } from "../../controller/operator.js";
import { installSignalHandlers } from "../../runtime/index.js";
import type { AcceleratorRequest } from "../../steps/qemu/accelerator.js";
import { UsageError, type Command } from "../command.js";
import { defaultCacheDir } from "./build.js";

export const operatorCommand: Command = {
  name: "operator",
  summary: "Run the RootfsBuild controller (KubeVirt VMs and Jobs, or local processes)",
  usage:
    "rootfs operator [--backend kubevirt|local] [--config operator.yaml] [--kubeconfig FILE] [--storage-dir DIR] [--cache DIR] [--health-address :8080] [--leader-elect] [--workers N]",
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
        workers: { type: "string", default: "4" },
      },
    });
    const config = await loadConfig(values.config);
    const workers = Number(values.workers);
    if (!Number.isInteger(workers) || workers < 1)
      throw new UsageError("--workers must be a positive integer");
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
      workers,
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

function usage(message: string): never {
  throw new UsageError(message);
}
