// Reads the cgz and tarball outputs back with the standard tools (GNU cpio, GNU tar), independently
// of our own readers and writers.
import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

type Compression = "gzip" | "zstd" | "none";

const decompress: Record<Compression, string> = { gzip: "gzip -dc", zstd: "zstd -dc", none: "cat" };

/** The names in a (compressed) newc cpio archive, without "./". */
export async function cpioNames(archive: string, compression: Compression): Promise<string[]> {
  const { stdout } = await run(
    "sh",
    ["-c", `${decompress[compression]} "$1" | cpio -it --quiet`, "sh", archive],
    {
      encoding: "latin1",
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  return stdout.split("\n").filter(Boolean).map(clean);
}

export async function fileInCpio(archive: string, compression: Compression, name: string): Promise<string> {
  const command = `${decompress[compression]} "$1" | cpio -i --quiet --to-stdout "$2"`;
  const { stdout } = await run("sh", ["-c", command, "sh", archive, name], { encoding: "latin1" });
  return stdout;
}

/** `cpio -itv` lines for one name (type, mode, owners, link count as GNU cpio understood them). */
export async function cpioVerbose(archive: string, compression: Compression, name: string): Promise<string> {
  const command = `${decompress[compression]} "$1" | cpio -itv --quiet --numeric-uid-gid "$2"`;
  const { stdout } = await run("sh", ["-c", command, "sh", archive, name], { encoding: "latin1" });
  return stdout.trim();
}

export async function tarNames(archive: string, compression: Compression): Promise<string[]> {
  const command = `${decompress[compression]} "$1" | tar -tf -`;
  const { stdout } = await run("sh", ["-c", command, "sh", archive], {
    encoding: "latin1",
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout.split("\n").filter(Boolean).map(clean);
}

export async function fileInTar(archive: string, compression: Compression, name: string): Promise<string> {
  const command = `${decompress[compression]} "$1" | tar -xOf - "./$2"`;
  const { stdout } = await run("sh", ["-c", command, "sh", archive, name], { encoding: "latin1" });
  return stdout;
}

function clean(name: string): string {
  const trimmed = name.replace(/^\.\//, "").replace(/\/$/, "");
  return trimmed === "" ? "." : trimmed;
}
