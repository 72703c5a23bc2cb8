import { UnresolvedReference, type RefResolver } from "../plan/answer-plan.js";
import { isForbidden } from "../runtime/api-error.js";
import { coreRefs, type KubeClient, type KubeObject } from "../runtime/kube-client.js";

interface DataObject extends KubeObject {
  data?: Record<string, string>;
}

/** Resolves a build's Secret and ConfigMap references from its own namespace. */
export function apiRefs(client: KubeClient, namespace: string): RefResolver {
  const lookup = async (kind: "Secret" | "ConfigMap", name: string, key: string): Promise<string> => {
    const ref = kind === "Secret" ? coreRefs.secret : coreRefs.configMap;
    const object = await client.getOrUndefined<DataObject>(ref, name, namespace).catch((err: unknown) => {
      if (!isForbidden(err)) throw err;
      // The chart grants Secret reads per namespace only (no cluster-wide Secret read).
      throw new UnresolvedReference(
        `The operator may not read ${kind} ${namespace}/${name}: grant it get on ${ref.plural} in ` +
          `namespace ${namespace} (Helm value secretReaderNamespaces), or apply the build where it may`,
      );
    });
    const raw = object?.data?.[key];
    if (raw === undefined) {
      const what = object ? `has no key "${key}"` : "does not exist";
      throw new UnresolvedReference(
        `${kind} ${namespace}/${name} ${what}: create it, or fix the reference in the RootfsBuild`,
      );
    }
    return kind === "Secret" ? Buffer.from(raw, "base64").toString("utf8") : raw;
  };
  return {
    secretValue: (name, key) => lookup("Secret", name, key),
    configMapValue: (name, key) => lookup("ConfigMap", name, key),
  };
}
