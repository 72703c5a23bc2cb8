import { readFile } from "node:fs/promises";
import { parseAllDocuments } from "yaml";
import { InvalidObjectError, parseRootfsBuild } from "../api/validate.js";
import type { RootfsBuild } from "../api/rootfsbuild.js";
import { UnresolvedReference, type RefResolver } from "../plan/answer-plan.js";

interface DataObject {
  kind: "Secret" | "ConfigMap";
  name: string;
  data: Record<string, string>;
}

/** A RootfsBuild YAML file as the CLI reads it: the build, plus the Secrets and ConfigMaps beside it. */
export interface BuildFile {
  build: RootfsBuild;
  refs: RefResolver;
}

/**
 * Reads the one RootfsBuild in `file` and validates it with the API's schema. Secrets and ConfigMaps
 * in the same file answer the build's references, so the file that `kubectl apply` takes works here too.
 */
export async function readBuildFile(file: string): Promise<BuildFile> {
  const text = await readFile(file, "utf8").catch((err: NodeJS.ErrnoException) => {
    throw new Error(`Cannot read ${file}: ${err.message}`);
  });
  const builds: unknown[] = [];
  const objects: DataObject[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0)
      throw new InvalidObjectError(
        file,
        doc.errors.map((e) => e.message),
      );
    const value = doc.toJS() as Record<string, unknown> | null;
    if (value?.kind === "RootfsBuild") builds.push(value);
    const data = dataObject(value);
    if (data) objects.push(data);
  }
  if (builds.length !== 1) {
    throw new Error(`${file} must hold exactly one RootfsBuild (kind: RootfsBuild); found ${builds.length}`);
  }
  return { build: parseRootfsBuild(builds[0], file), refs: fileRefs(file, objects) };
}

function dataObject(value: Record<string, unknown> | null): DataObject | undefined {
  if (value?.kind !== "Secret" && value?.kind !== "ConfigMap") return undefined;
  const name = (value.metadata as { name?: string } | undefined)?.name ?? "";
  const decoded = Object.entries((value.data as Record<string, string> | undefined) ?? {}).map(([k, v]) => [
    k,
    value.kind === "Secret" ? Buffer.from(v, "base64").toString("utf8") : v,
  ]);
  const plain = Object.entries((value.stringData as Record<string, string> | undefined) ?? {});
  return {
    kind: value.kind,
    name,
    data: Object.fromEntries([...decoded, ...plain]) as Record<string, string>,
  };
}

function fileRefs(file: string, objects: DataObject[]): RefResolver {
  const lookup = (kind: DataObject["kind"], name: string, key: string): Promise<string> => {
    const object = objects.find((o) => o.kind === kind && o.name === name);
    const value = object?.data[key];
    if (value === undefined) {
      const what = object ? `has no key "${key}"` : "is not in the file";
      return Promise.reject(
        new UnresolvedReference(`${kind} ${name} ${what}: add it to ${file} next to the RootfsBuild`),
      );
    }
    return Promise.resolve(value);
  };
  return {
    secretValue: (name, key) => lookup("Secret", name, key),
    configMapValue: (name, key) => lookup("ConfigMap", name, key),
  };
}
