import { spawn } from "node:child_process";

export interface RunToolOptions {
  /** What we were trying to do, for the error message: "read the boot layout of /isos/x.iso". */
  doing: string;
  /** What the user should check if the tool fails. */
  hint?: string;
  /** Called for every stderr line as it arrives (xorriso reports progress there). */
  onStderrLine?: (line: string) => void;
}

export interface RunToolResult {
  stdout: string;
  stderr: string;
}

const INSTALL_HINTS: Record<string, string> = {
  xorriso:
    "install the xorriso package (Debian/Ubuntu: apt-get install xorriso; Fedora/openEuler: dnf install xorriso)",
  mcopy:
    "install the mtools package (Debian/Ubuntu: apt-get install mtools; Fedora/openEuler: dnf install mtools)",
  mdir: "install the mtools package (Debian/Ubuntu: apt-get install mtools; Fedora/openEuler: dnf install mtools)",
};

const STDERR_TAIL_LINES = 8;

/** Runs an external tool without a shell and returns its output; failures become errors that say what to do. */
export function runTool(
  command: string,
  args: readonly string[],
  options: RunToolOptions,
): Promise<RunToolResult> {
  return new Promise((resolve, reject) => {
    // LC_ALL=C keeps xorriso's and mtools' messages in the English we parse.
    const child = spawn(command, args, {
      env: { ...process.env, LC_ALL: "C", LANG: "C", MTOOLS_SKIP_CHECK: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let pendingLine = "";
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => {
      stderr.push(chunk);
      if (!options.onStderrLine) return;
      const lines = (pendingLine + chunk.toString("utf8")).split(/\r?\n|\r/);
      pendingLine = lines.pop() ?? "";
      for (const line of lines) options.onStderrLine(line);
    });
    child.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") {
        const install = INSTALL_HINTS[command] ?? `install ${command}`;
        reject(new Error(`Could not ${options.doing}: ${command} is not installed; ${install}`));
      } else {
        reject(new Error(`Could not ${options.doing}: starting ${command} failed: ${error.message}`));
      }
    });
    child.on("close", (code, signal) => {
      const result = {
        stdout: Buffer.concat(stdout).toString("utf8"),
        stderr: Buffer.concat(stderr).toString("utf8"),
      };
      if (pendingLine && options.onStderrLine) options.onStderrLine(pendingLine);
      if (code === 0) {
        resolve(result);
        return;
      }
      const status = signal ? `was killed by ${signal}` : `exited with status ${code}`;
      const tail = result.stderr.trim().split("\n").slice(-STDERR_TAIL_LINES).join("\n");
      const hint = options.hint ? `\n${options.hint}` : "";
      reject(new Error(`Could not ${options.doing}: ${command} ${status}:\n${tail}${hint}`));
    });
  });
}
