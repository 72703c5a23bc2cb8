// CPU time and peak RSS of every helper process a contender starts (pigz, zstd, bsdtar, cpio, gzip,
// tar, find, cat), without touching the code under test: a directory of shims put first on PATH runs
// each program under GNU time, which writes a record per process, named after the program and the
// file its stdout goes to (so the cgz's pigz and the tarball's pigz are told apart).
import { execFile } from "node:child_process";
import { chmod, mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** The helpers bench:pack's contenders start; bench:extract adds guestfish (whose record includes qemu). */
export const packPrograms = ["pigz", "zstd", "bsdtar", "cpio", "gzip", "tar", "find", "cat"];

export interface ProcessUsage {
  program: string;
  /** Where its stdout went (a file, "pipe:[…]", or /dev/null). */
  output: string;
  userSeconds: number;
  systemSeconds: number;
  maxRssKiB: number;
}

export class ProcessLog {
  private constructor(
    readonly binDir: string,
    private readonly recordDir: string,
  ) {}

  /** Writes shims for `programs` into `dir`/bin; records go to `dir`/records. */
  static async create(dir: string, programs: string[]): Promise<ProcessLog> {
    const binDir = path.join(dir, "bin");
    const recordDir = path.join(dir, "records");
    await mkdir(binDir, { recursive: true });
    await mkdir(recordDir, { recursive: true });
    for (const program of programs) {
      const real = (await run("sh", ["-c", `command -v ${program}`])).stdout.trim();
      const record = `${recordDir}/${program}.$$`;
      const shim =
        "#!/bin/sh\n" +
        "out=$(readlink /proc/$$/fd/1 2>/dev/null)\n" +
        `printf '%s\\n' "$out" > "${record}.out"\n` +
        `exec /usr/bin/time -f '%U %S %M' -o "${record}" ${real} "$@"\n`;
      await writeFile(path.join(binDir, program), shim);
      await chmod(path.join(binDir, program), 0o755);
    }
    return new ProcessLog(binDir, recordDir);
  }

  /** The environment that routes the programs through the shims. */
  env(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
    return { ...base, PATH: `${this.binDir}:${base.PATH ?? "/usr/bin:/bin"}` };
  }

  /** The records written since the last call, which are then removed. */
  async take(): Promise<ProcessUsage[]> {
    const names = (await readdir(this.recordDir)).filter((name) => !name.endsWith(".out"));
    const usages: ProcessUsage[] = [];
    for (const name of names) {
      const file = path.join(this.recordDir, name);
      const lines = (await readFile(file, "utf8")).trim().split("\n");
      const [user = "0", system = "0", rss = "0"] = (lines.at(-1) ?? "").split(" ");
      const output = await readFile(`${file}.out`, "utf8").catch(() => "?");
      usages.push({
        program: name.slice(0, name.lastIndexOf(".")),
        output: path.basename(output.trim()),
        userSeconds: Number(user),
        systemSeconds: Number(system),
        maxRssKiB: Number(rss),
      });
      await rm(file);
      await rm(`${file}.out`, { force: true });
    }
    return usages;
  }
}
