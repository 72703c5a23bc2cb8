// RootfsBuild fixtures from a base plus modifiers: rootfsBuild("b", withDistro("fedora", "42")).
import { apiVersion } from "../../src/api/group.js";

export type Manifest = Record<string, unknown> & {
  metadata: { name: string; namespace?: string };
  spec: Record<string, unknown>;
};
export type Modifier = (build: Manifest) => void;

export function rootfsBuild(name: string, ...modifiers: Modifier[]): Manifest {
  const build: Manifest = {
    apiVersion,
    kind: "RootfsBuild",
    metadata: { name },
    spec: {
      source: { iso: { url: "https://mirror.example/tiny.iso", checksum: `sha256:${"a".repeat(64)}` } },
      os: { distro: "openeuler", release: "24.03-LTS", arch: "x86_64" },
    },
  };
  for (const modify of modifiers) modify(build);
  return build;
}

/** Sets a value at a dotted path under the object, creating objects on the way. */
export function set(path: string, value: unknown): Modifier {
  return (build) => {
    const keys = path.split(".");
    let node: Record<string, unknown> = build;
    for (const key of keys.slice(0, -1)) {
      node[key] ??= {};
      node = node[key] as Record<string, unknown>;
    }
    const last = keys[keys.length - 1] as string;
    if (value === undefined) delete node[last];
    else node[last] = value;
  };
}

export const withDistro = (distro: string, release: string, arch = "x86_64"): Modifier =>
  set("spec.os", { distro, release, arch });
export const inNamespace = (namespace: string): Modifier => set("metadata.namespace", namespace);
