// Images reach the cluster's containerd from buildah's store as OCI archives (build-node-images.sh):
// no registry is reachable, so Pods run them with imagePullPolicy Never. containerd's content store is
// kept between clusters, so an archive is imported only when containerd lacks its manifest digest.
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { repoRoot } from "../../helpers/paths.js";
import { lastLineOf } from "../processes.js";

const run = promisify(execFile);

export interface NodeImage {
  name: string;
  archive: string;
  digest: string;
}

/** Runs build-node-images.sh (a second or so when nothing changed) and reads the images it lists. */
export async function nodeImages(): Promise<NodeImage[]> {
  const dir = await lastLineOf(path.join(repoRoot, "test/harness/cluster/build-node-images.sh"));
  const lines = (await readFile(path.join(dir, "images.tsv"), "utf8")).split("\n");
  return lines
    .filter((line) => line.trim() !== "" && !line.startsWith("#"))
    .map((line) => {
      const [name = "", archive = "", digest = ""] = line.split("\t");
      return { name, archive, digest };
    });
}

/** `ctr` against one containerd, in the CRI's namespace. */
export function ctr(socket: string) {
  return async (args: string[]): Promise<string> => {
    try {
      const { stdout } = await run("ctr", ["--address", socket, "--namespace", "k8s.io", ...args], {
        maxBuffer: 16 * 2 ** 20,
      });
      return stdout;
    } catch (err) {
      const stderr = (err as { stderr?: string }).stderr?.trim();
      throw new Error(`ctr ${args.join(" ")} failed: ${stderr || (err as Error).message}`);
    }
  };
}

/** Imports each image containerd does not hold at the same digest; returns the names imported. */
export async function importImages(socket: string, images: NodeImage[]): Promise<string[]> {
  const ctrl = ctr(socket);
  const listed = await ctrl(["images", "ls"]);
  const held = new Map(
    listed
      .split("\n")
      .slice(1)
      .map((line) => line.split(/\s+/))
      .map(([ref = "", , digest = ""]) => [ref, digest]),
  );
  const imported: string[] = [];
  for (const image of images) {
    if (held.get(image.name) === image.digest) continue;
    await ctrl(["images", "import", "--snapshotter", "overlayfs", image.archive]);
    imported.push(image.name);
  }
  return imported;
}

/** Containers a crashed earlier cluster left in the kept content store: their tasks died with it. */
export async function removeLeftoverContainers(socket: string): Promise<void> {
  const ctrl = ctr(socket);
  const ids = (await ctrl(["containers", "ls", "-q"])).split("\n").filter(Boolean);
  if (ids.length > 0) await ctrl(["containers", "rm", ...ids]);
}
