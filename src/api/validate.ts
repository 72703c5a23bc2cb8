import type { z } from "zod";
import { rootfsBuild, type RootfsBuild } from "./rootfsbuild.js";

/** Raised for input that no retry will fix; its message names every offending field. */
export class InvalidObjectError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`${source} is invalid:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "InvalidObjectError";
  }
}

/** "spec.install.packages[3]" from zod's ["spec", "install", "packages", 3]. */
export function fieldPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, key) => {
    if (typeof key === "number") return `${acc}[${key}]`;
    return acc === "" ? String(key) : `${acc}.${String(key)}`;
  }, "");
}

export function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const where = fieldPath(issue.path);
    const message =
      issue.code === "unrecognized_keys"
        ? `unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(", ")}`
        : issue.message;
    return where === "" ? message : `${where}: ${message}`;
  });
}

export function parseWith<S extends z.ZodType>(schema: S, value: unknown, source: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new InvalidObjectError(source, describeIssues(result.error));
  return result.data;
}

export function parseRootfsBuild(value: unknown, source = "RootfsBuild"): RootfsBuild {
  return parseWith(rootfsBuild, value, source);
}
