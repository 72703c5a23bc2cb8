import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import { newcArchive, type CpioEntry } from "../../../src/steps/verify/newc-cpio.js";

const run = promisify(execFile);

export interface TinyRootfsOptions {
  /** Leave out /bin/sh (and bash), so nothing can run the check script. */
  withoutShell?: boolean;
  /** Host commands to leave out. */
  omit?: string[];
}

const commands = ["bash", "uname", "id", "cat", "ls", "mkdir", "mount", "sleep"];

/**
 * A merged-/usr rootfs made of the host's bash, a few coreutils (plus mount) and their shared libraries,
 * with /bin/sh pointing at bash, written as a gzip'd newc cpio like the extract step's rootfs.cgz.
 */
export async function buildTinyRootfsCgz(target: string, options: TinyRootfsOptions = {}): Promise<void> {
  const omitted = new Set([...(options.omit ?? []), ...(options.withoutShell ? ["bash"] : [])]);
  const wanted = commands.filter((command) => !omitted.has(command));
  const files = new Map<string, string>(); // path in the rootfs → host file
  for (const command of wanted) {
    const binary = onPath(command);
    files.set(`usr/bin/${command}`, binary);
    for (const library of await sharedLibraries(binary)) files.set(underUsr(library), library);
  }
  const entries: CpioEntry[] = [
    ...["usr", "usr/bin", "usr/sbin", "usr/lib", "usr/lib64", "etc", "proc", "dev", "tmp"].map(
      (dir): CpioEntry => ({ type: "dir", path: dir }),
    ),
    ...["bin", "sbin", "lib", "lib64"].map((link): CpioEntry => ({
      type: "symlink",
      path: link,
      target: `usr/${link}`,
    })),
    ...directoriesOf([...files.keys()]).map((dir): CpioEntry => ({ type: "dir", path: dir })),
    { type: "file", path: "etc/os-release", data: await readFile("/etc/os-release") },
  ];
  for (const [inRootfs, host] of files) {
    entries.push({ type: "file", path: inRootfs, data: await readFile(host), mode: 0o755 });
  }
  if (!options.withoutShell) entries.push({ type: "symlink", path: "usr/bin/sh", target: "bash" });
  await writeFile(target, gzipSync(newcArchive(entries)));
}

function onPath(command: string): string {
  for (const dir of ["/usr/bin", "/bin", "/usr/sbin", "/sbin"]) {
    const candidate = path.join(dir, command);
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`${command} not found on the host`);
}

/** The absolute library paths `ldd` lists for `binary`, the dynamic loader included. */
async function sharedLibraries(binary: string): Promise<string[]> {
  const { stdout } = await run("ldd", [binary]);
  return [...stdout.matchAll(/(?:=>\s*)?(\/\S+)\s+\(0x/g)].flatMap((match) => (match[1] ? [match[1]] : []));
}

/** /lib/x/libc.so.6 → usr/lib/x/libc.so.6: the rootfs's /lib is a symlink into /usr, as on the host. */
function underUsr(file: string): string {
  const relative = file.replace(/^\/+/, "");
  return relative.startsWith("usr/") ? relative : `usr/${relative}`;
}

function directoriesOf(files: string[]): string[] {
  const dirs = new Set<string>();
  for (const file of files) {
    for (let dir = path.dirname(file); dir !== "." && dir !== "usr"; dir = path.dirname(dir)) dirs.add(dir);
  }
  const existing = new Set(["usr/bin", "usr/sbin", "usr/lib", "usr/lib64"]);
  return [...dirs].filter((dir) => !existing.has(dir)).sort();
}

/** A rootfs whose /bin/sh and tools are one static busybox (of any architecture), as a gzip'd cpio. */
export async function buildBusyboxRootfsCgz(busybox: string, target: string): Promise<void> {
  const applets = ["sh", "uname", "id", "cat", "ls", "mkdir", "mount", "sleep", "poweroff"];
  const entries: CpioEntry[] = [
    ...["bin", "etc", "proc", "dev"].map((dir): CpioEntry => ({ type: "dir", path: dir })),
    { type: "file", path: "bin/busybox", data: await readFile(busybox), mode: 0o755 },
    ...applets.map((applet): CpioEntry => ({ type: "symlink", path: `bin/${applet}`, target: "busybox" })),
    { type: "file", path: "etc/os-release", data: Buffer.from('PRETTY_NAME="busybox test rootfs"\n') },
  ];
  await writeFile(target, gzipSync(newcArchive(entries)));
}
