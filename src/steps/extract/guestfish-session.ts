import { spawn, type ChildProcessByStdio } from "node:child_process";
import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { access } from "node:fs/promises";
import type { Readable, Writable } from "node:stream";
import { ByteReader } from "./byte-reader.js";

/** guestfish failed or exited; `detail` is what it said on stderr, condensed. */
export class GuestfishError extends Error {
  override name = "GuestfishError";
  constructor(readonly detail: string) {
    super(detail);
  }
}

// Broken nested KVM can make qemu abort at launch (without saying "kvm" unless debugging is on)
// instead of falling back to TCG. A launch that fails with KVM allowed is therefore retried once on
// TCG; if that works, later extracts in this process go straight to TCG.
let kvmUnusable = false;

/**
 * One guestfish process driven over stdin/stdout, so the appliance boots once for inspection and
 * the streaming pass. Each command is followed by `echo <marker>`; guestfish flushes after every
 * command and exits on the first error (non-interactive mode), which ends stdout.
 */
export class GuestfishSession {
  /** Whether the appliance runs on TCG: then it is the bottleneck, many times slower than on KVM. */
  onTcg = false;
  private readonly out: ByteReader;
  private readonly marker = `@@rootfs-extract-${randomBytes(8).toString("hex")}@@`;
  private stderr = "";
  private readonly exited: Promise<number | null>;

  private constructor(private readonly child: ChildProcessByStdio<Writable, Readable, Readable>) {
    this.out = ByteReader.from(child.stdout);
    child.stderr.setEncoding("latin1");
    child.stderr.on("data", (text: string) => {
      this.stderr = (this.stderr + text).slice(-64 * 1024);
    });
    child.stdin.on("error", () => {}); // EPIPE after an exit surfaces as the exit's error instead
    this.exited = new Promise((resolve) => {
      child.on("close", (code) => resolve(code));
      child.on("error", (err) => {
        this.stderr += `\n${err.message}`;
        resolve(null);
      });
    });
  }

  /** Starts guestfish read-only on `disk` and boots the appliance (on TCG if KVM is unusable). */
  static async launch(disk: string, format: "qcow2" | "raw"): Promise<GuestfishSession> {
    const forceTcg = kvmUnusable || tcgForced();
    const session = GuestfishSession.spawn(disk, format, kvmUnusable);
    try {
      await session.run("run");
      session.onTcg = forceTcg || !(await kvmDeviceUsable());
      return session;
    } catch (err) {
      if (forceTcg || !(err instanceof GuestfishError)) throw err;
      const retry = GuestfishSession.spawn(disk, format, true);
      await retry.run("run"); // if this fails too, its error is the informative one
      kvmUnusable = true;
      retry.onTcg = true;
      return retry;
    }
  }

  private static spawn(disk: string, format: string, forceTcg: boolean): GuestfishSession {
    const settings = process.env.LIBGUESTFS_BACKEND_SETTINGS;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      LIBGUESTFS_BACKEND: process.env.LIBGUESTFS_BACKEND ?? "direct",
      ...(forceTcg && { LIBGUESTFS_BACKEND_SETTINGS: settings ? `${settings}:force_tcg` : "force_tcg" }),
    };
    const args = ["--ro", `--format=${format}`, "-a", disk];
    const child = spawn("guestfish", args, { stdio: ["pipe", "pipe", "pipe"], env });
    return new GuestfishSession(child);
  }

  /** Runs guestfish command lines and returns their output lines (latin1). Fails if guestfish exits. */
  async run(...commands: string[]): Promise<string[]> {
    this.send(...commands);
    return this.readUntilMarker();
  }

  /**
   * Starts a command that writes a file to stdout ("tar-out / - …") and returns the reader positioned
   * at its first byte. Call `finishStream()` after consuming exactly the file.
   */
  startStream(command: string): ByteReader {
    this.send(command);
    return this.out;
  }

  /** Waits until the streamed command reported success (the marker follows its trailing padding). */
  async finishStream(): Promise<void> {
    await this.readUntilMarker();
  }

  /** Ends the session cleanly; rejects if guestfish reports an error on the way out. */
  async close(): Promise<void> {
    this.child.stdin.end("exit\n");
    const code = await this.exited;
    if (code !== 0) throw this.error(`guestfish exited with status ${code}`);
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGKILL");
  }

  /** The condensed stderr of a failed session, to explain a broken stream. */
  async failure(fallback: string): Promise<GuestfishError> {
    const timeout = new Promise((resolve) => setTimeout(resolve, 2000).unref());
    await Promise.race([this.exited, timeout]);
    return this.error(fallback);
  }

  private send(...commands: string[]): void {
    this.child.stdin.write(`${commands.join("\n")}\necho ${this.marker}\n`);
  }

  private async readUntilMarker(): Promise<string[]> {
    const lines: string[] = [];
    for (;;) {
      const line = await this.out.readLine();
      if (line === undefined) {
        await this.exited;
        throw this.error("guestfish exited unexpectedly");
      }
      if (line.replace(/^\0+/, "") === this.marker) {
        this.stderr = ""; // what came before belongs to commands that succeeded or were allowed to fail
        return lines;
      }
      lines.push(line);
    }
  }

  private error(fallback: string): GuestfishError {
    const said = condenseStderr(this.stderr);
    return new GuestfishError(said || fallback);
  }
}

/** Without read-write access to /dev/kvm, libguestfs's qemu falls back to TCG on its own. */
function kvmDeviceUsable(): Promise<boolean> {
  return access("/dev/kvm", constants.R_OK | constants.W_OK).then(
    () => true,
    () => false,
  );
}

function tcgForced(): boolean {
  return /\bforce_tcg\b/.test(process.env.LIBGUESTFS_BACKEND_SETTINGS ?? "");
}

/** libguestfs's generic advice after a failed launch, which would bury the actual error. */
const boilerplate =
  /^(libguestfs: (warning|trace)|This usually means|Do:|export LIBGUESTFS_|and run the command again|https?:\/\/libguestfs\.org|You can also run|into a bug report|To see full error messages)/;

/** guestfish's error lines without "*stdin*:12: libguestfs: error:" prefixes and boilerplate, joined. */
export function condenseStderr(stderr: string): string {
  const lines = stderr
    .split("\n")
    .map((line) => line.replace(/^\*stdin\*:\d+:\s*/, "").trim())
    .filter((line) => line !== "" && !boilerplate.test(line));
  const text = [...new Set(lines)].join("; ").replace(/libguestfs: error: /g, "");
  return text.length > 1500 ? `…${text.slice(-1500)}` : text;
}

/** Quotes one guestfish argument (double quotes; guestfish understands backslash escapes). */
export function guestfishQuote(arg: string): string {
  return `"${arg.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}
