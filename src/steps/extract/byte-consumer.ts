import { spawn } from "node:child_process";
import { createWriteStream } from "node:fs";
import { open } from "node:fs/promises";
import { atNiceness } from "./helper-priority.js";
import { OutputPipe, type Pending } from "./output-pipe.js";

/** Where a stream of bytes ends up: a file, or a program reading stdin (compressor, bsdtar). */
export interface ByteConsumer {
  /** Await the result, when there is one, before writing more (see Pending). */
  write(data: Buffer): Pending;
  /** Ends the input and waits until everything is written (and the program succeeded). */
  finish(): Promise<void>;
  /** Stops at once; resolves when nothing will write to the output any more. */
  abort(): Promise<void>;
}

/** Debian packages that provide the programs we pipe into, for "not installed" messages. */
const packageOf: Record<string, string> = { pigz: "pigz", zstd: "zstd", bsdtar: "libarchive-tools" };

export function fileConsumer(path: string): ByteConsumer {
  const stream = createWriteStream(path, { flags: "wx", highWaterMark: 1024 * 1024 });
  const pipe = new OutputPipe(stream);
  const abort = () =>
    new Promise<void>((resolve) => {
      if (stream.closed) return resolve();
      stream.once("close", () => resolve());
      stream.destroy();
    });
  return { write: (data) => pipe.write(data), finish: () => pipe.end(), abort };
}

/**
 * Runs `command` with our bytes on its stdin and, if `outputPath` is given, its stdout in that file.
 * `label` names the output in error messages. A `niceness` above 0 lowers the program's priority.
 */
export async function programConsumer(
  label: string,
  command: string,
  args: string[],
  outputPath?: string,
  niceness = 0,
): Promise<ByteConsumer> {
  const output = outputPath ? await open(outputPath, "wx") : undefined;
  const [program, programArgs] = atNiceness(command, args, niceness);
  const child = spawn(program, programArgs, { stdio: ["pipe", output ? output.fd : "ignore", "pipe"] });
  const { stdin, stderr: errors } = child;
  if (!stdin || !errors) throw new Error(`${label}: ${command} started without pipes`);
  let stderr = "";
  errors.setEncoding("utf8");
  errors.on("data", (text: string) => {
    stderr = (stderr + text).slice(-8 * 1024);
  });
  const missing = `; install the ${packageOf[command] ?? command} package`;
  const exited = new Promise<void>((resolve, reject) => {
    child.on("error", (err: NodeJS.ErrnoException) => {
      const hint = err.code === "ENOENT" ? missing : "";
      reject(new Error(`${label}: cannot run ${command}: ${err.message}${hint}`));
    });
    child.on("close", (code, signal) => {
      if (code === 0) return resolve();
      // nice itself ran, but not the program: status 127, "No such file or directory" on stderr
      if (code === 127 && program !== command)
        return reject(new Error(`${label}: cannot run ${command}${missing}`));
      const status = signal ? `was killed by ${signal}` : `exited with status ${code}`;
      reject(new Error(`${label}: ${command} ${status}: ${stderr.trim() || "(no message)"}`));
    });
  }).finally(() => output?.close());
  exited.catch(() => {}); // observed through finish(); a failure also breaks the pipe we write to
  const pipe = new OutputPipe(stdin);
  // A program that fails stops reading; its exit status and stderr explain more than EPIPE does.
  const explain = async (err: unknown): Promise<never> => {
    await exited;
    throw err;
  };
  return {
    write: (data) => pipe.write(data)?.catch(explain),
    async finish() {
      await pipe.end().catch(explain);
      await exited;
    },
    async abort() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited.catch(() => {});
    },
  };
}
