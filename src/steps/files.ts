import { createHash, type Hash } from "node:crypto";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";

export async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export async function hashFile(file: string, hash: Hash, onBytes?: (n: number) => void): Promise<void> {
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
    hash.update(chunk as Buffer);
    onBytes?.((chunk as Buffer).length);
  }
}

export async function sha256OfFile(file: string): Promise<string> {
  const hash = createHash("sha256");
  await hashFile(file, hash);
  return hash.digest("hex");
}
