import { readFile } from "node:fs/promises";
import { z } from "zod";
import { artifact, osIdentity, sha256Hex } from "./common.js";

/** manifest.json, written last into a published output: what it is and how to verify every file. */
export const manifestSchema = z.object({
  buildKey: sha256Hex,
  toolVersion: z.string(),
  name: z.string(),
  os: osIdentity,
  sourceSHA256: sha256Hex,
  kernelVersion: z.string().optional(),
  packageCount: z.int().optional(),
  layout: z.enum(["flat", "compass-ci"]),
  builtAt: z.iso.datetime(),
  artifacts: z.array(artifact),
});

export type Manifest = z.infer<typeof manifestSchema>;

/** The manifest at `file`, or undefined when there is none or it is unreadable. */
export async function readManifest(file: string): Promise<Manifest | undefined> {
  const text = await readFile(file, "utf8").catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    const parsed = manifestSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
