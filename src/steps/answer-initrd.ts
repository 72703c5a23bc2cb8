import { gzipSync } from "node:zlib";
import { extractFromIso, type IsoFile } from "../iso/index.js";
import type { AnswerFileEntry } from "../installers/index.js";
import { appendToInitramfs, newcArchive } from "./verify/newc-cpio.js";

/**
 * Copies each installer initrd out of the ISO into `dir` and appends the answer files to it as one more
 * gzip-compressed newc archive, as virt-install --initrd-inject does; returns the files that replace the
 * initrds on the ISO. The installer finds the answers at the root of its initramfs.
 */
export async function injectIntoInitrds(
  iso: string,
  initrds: readonly string[],
  files: readonly AnswerFileEntry[],
  dir: string,
): Promise<IsoFile[]> {
  const archive = gzipSync(
    newcArchive(
      files.map((file) => ({ type: "file", path: file.path, data: Buffer.from(file.content), mode: 0o600 })),
    ),
  );
  const locals = await extractFromIso(iso, initrds, dir);
  const replaced: IsoFile[] = [];
  for (const [isoPath, localPath] of locals) {
    await appendToInitramfs(localPath, archive);
    replaced.push({ isoPath: `/${isoPath}`, localPath });
  }
  return replaced;
}
