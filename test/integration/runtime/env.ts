// Shared setup for the runtime integration tests: a real control plane and a client for it.

import { startControlPlane, type ControlPlane } from "../../harness/control-plane.js";
import { KubeClient, coreRefs } from "../../../src/runtime/kube-client.js";
import { createLogger, silentLogger, type Logger } from "../../../src/runtime/logger.js";

export interface TestEnv {
  cp: ControlPlane;
  client: KubeClient;
  /** Creates a namespace with a unique name. */
  namespace(prefix: string): Promise<string>;
  stop(): Promise<void>;
}

let seq = 0;

export async function startEnv(opts: { extraApiServerArgs?: string[] } = {}): Promise<TestEnv> {
  const cp = await startControlPlane(
    opts.extraApiServerArgs ? { extraApiServerArgs: opts.extraApiServerArgs } : {},
  );
  const client = KubeClient.load({ kubeconfig: cp.kubeconfigPath });
  return {
    cp,
    client,
    async namespace(prefix) {
      const name = `${prefix}-${process.pid}-${++seq}`;
      await client.create(coreRefs.namespace, { metadata: { name } });
      return name;
    },
    async stop() {
      client.close();
      await cp.stop();
    },
  };
}

export async function eventually<T>(
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A CRD with a status subresource, for status/finalizer tests. */
export const widgetCrd = {
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: "widgets.test.rootfs.dev" },
  spec: {
    group: "test.rootfs.dev",
    scope: "Namespaced",
    names: { plural: "widgets", singular: "widget", kind: "Widget", listKind: "WidgetList" },
    versions: [
      {
        name: "v1",
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: {
          openAPIV3Schema: {
            type: "object",
            properties: {
              spec: { type: "object", properties: { size: { type: "integer" } } },
              status: {
                type: "object",
                properties: {
                  phase: { type: "string" },
                  observedGeneration: { type: "integer" },
                  passes: { type: "integer" },
                },
              },
            },
          },
        },
      },
    ],
  },
};

export const widgetRef = {
  group: "test.rootfs.dev",
  version: "v1",
  plural: "widgets",
  kind: "Widget",
  namespaced: true,
};

/** Creates the Widget CRD and waits until it is served. */
export async function installWidgetCrd(env: TestEnv): Promise<void> {
  await env.client.create(coreRefs.customResourceDefinition, widgetCrd);
  await eventually(async () => {
    try {
      await env.client.list(widgetRef, { limit: 1 });
      return true;
    } catch {
      return false;
    }
  }, "widgets to be served");
}

/** Silent unless LOG_LEVEL is set (e.g. LOG_LEVEL=debug when a test fails). */
export function testLogger(): Logger {
  return process.env.LOG_LEVEL ? createLogger() : silentLogger();
}
