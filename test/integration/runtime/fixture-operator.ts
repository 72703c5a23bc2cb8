// A minimal operator process for signals.test.ts: a leader-elected manager
// with one ConfigMap controller whose "slow" object takes a second to reconcile.
// Usage: node fixture-operator.js <kubeconfig> <namespace>

import { coreRefs } from "../../../src/runtime/kube-client.js";
import { createLogger } from "../../../src/runtime/logger.js";
import { installSignalHandlers, Manager } from "../../../src/runtime/manager.js";

const [kubeconfig, namespace] = process.argv.slice(2);
if (!kubeconfig || !namespace) throw new Error("usage: fixture-operator <kubeconfig> <namespace>");

const manager = new Manager({
  kubeconfig,
  healthAddress: "127.0.0.1:0",
  log: createLogger({ level: "info" }),
  leaderElection: {
    namespace,
    name: "fixture-lock",
    leaseDurationMs: 2000,
    renewDeadlineMs: 1500,
    retryPeriodMs: 500,
  },
});
const informer = manager.addInformer(coreRefs.configMap, { namespace });
manager.addController({
  name: "configmaps",
  watches: [{ informer }],
  reconciler: {
    async reconcile(key, ctx) {
      if (!key.endsWith("/slow")) return undefined;
      ctx.log.info("Slow reconcile started");
      await new Promise((r) => setTimeout(r, 1000));
      ctx.log.info("Slow reconcile finished");
      return undefined;
    },
  },
});
installSignalHandlers(manager);
await manager.start();
