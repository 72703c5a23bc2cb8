import { spawn } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { stringify } from "yaml";
import { repoRoot } from "../helpers/paths.js";

// The real-Debian inputs, made (or found in the cache) by the idempotent scripts in test/harness/debian/.

const scripts = path.join(repoRoot, "test", "harness", "debian");

/** Runs a harness script, its progress on our stderr; resolves with the path on its last stdout line. */
function runScript(name: string, args: string[] = []): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(scripts, name), args, { stdio: ["ignore", "pipe", "inherit"] });
    let stdout = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      const last = stdout.trim().split("\n").at(-1) ?? "";
      if (code === 0 && last !== "") resolve(last);
      else reject(new Error(`${name} failed (exit ${String(code)}); see its messages above`));
    });
  });
}

export interface LocalMirror {
  /** The mirror root, with dists/ and pool/. */
  root: string;
  /** Packages the archive reachable here did not serve (404), so the mirror lacks them. */
  missing: string[];
}

export async function localMirror(): Promise<LocalMirror> {
  const root = await runScript("mirror.sh");
  const missing = (await readFile(path.join(root, "..", "missing.txt"), "utf8")).split("\n").filter(Boolean);
  return { root, missing };
}

export const netbootIso = (): Promise<string> => runScript("netboot-iso.sh");

export const debootstrapDisk = (mirror: LocalMirror): Promise<string> =>
  runScript("debootstrap-disk.sh", [mirror.root]);

const cli = path.join(repoRoot, "dist", "src", "cli", "main.js");

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** Each output line with the milliseconds since the start at which it arrived. */
  lines: { at: number; text: string }[];
  durationMs: number;
}

/** Runs the rootfs CLI, its output passed through to ours with each line's arrival time recorded. */
export function rootfsCli(args: string[]): Promise<CliRun> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    const run: CliRun = { code: 1, stdout: "", stderr: "", lines: [], durationMs: 0 };
    const record = (stream: "stdout" | "stderr") => (d: Buffer) => {
      const text = d.toString();
      run[stream] += text;
      for (const line of text.split("\n").filter(Boolean))
        run.lines.push({ at: Date.now() - started, text: line });
      process.stderr.write(text);
    };
    child.stdout.on("data", record("stdout"));
    child.stderr.on("data", record("stderr"));
    child.on("close", (code) => resolve({ ...run, code: code ?? 1, durationMs: Date.now() - started }));
  });
}

/**
 * When each step's first line arrived, and each of `marks` first matched a line, in seconds: the phase
 * timings the report's table gives.
 */
export function phaseStarts(run: CliRun, marks: Record<string, RegExp> = {}): Record<string, number> {
  const starts: Record<string, number> = {};
  for (const { at, text } of run.lines) {
    const step = /^\[(\w+)\]/.exec(text)?.[1];
    const names = [step, ...Object.keys(marks).filter((name) => marks[name]?.test(text))];
    for (const name of names)
      if (name !== undefined && !(name in starts)) starts[name] = Math.round(at / 1000);
  }
  return { ...starts, end: Math.round(run.durationMs / 1000) };
}

/** Writes a Debian 12 x86_64 RootfsBuild with `spec` (source, install, …) to DIR/build.yaml; returns its path. */
export async function debianBuildFile(
  dir: string,
  name: string,
  spec: Record<string, unknown>,
): Promise<string> {
  const build = {
    apiVersion: "rootfs.dev/v1alpha1",
    kind: "RootfsBuild",
    metadata: { name },
    spec: { os: { distro: "debian", release: "12", arch: "x86_64" }, ...spec },
  };
  const file = path.join(dir, "build.yaml");
  await writeFile(file, stringify(build));
  return file;
}
