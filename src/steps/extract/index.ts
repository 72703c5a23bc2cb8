import { mkdir, readdir, rm } from "node:fs/promises";
import { ByteProgress, type ProgressListener } from "../../plan/progress.js";
import { StepFailure } from "../../reasons/step-failure.js";
import { TruncatedStreamError } from "./byte-reader.js";
import type { EntrySink } from "./entry-sinks.js";
import { GuestfishError, GuestfishSession } from "./guestfish-session.js";
import { imageProblem } from "./image-diagnosis.js";
import { inspectAndMount, NoOperatingSystemError, type GuestFacts } from "./inspect-guest.js";
import { tcgHelperNiceness } from "./helper-priority.js";
import { openSinks } from "./open-sinks.js";
import { outputPaths } from "./output-layout.js";
import { streamEntries, type PassStats } from "./single-pass.js";
import { TarFormatError, TarReader } from "./tar-reader.js";
import type { ExtractRequest, ExtractResult } from "./types.js";

export type { ExtractOutputs, ExtractRequest, ExtractResult, Compression } from "./types.js";
export type { PostProcess } from "./post-process.js";

// numericowner: the appliance's /etc/passwd is not the guest's. xattrs carries security.capability,
// security.selinux and the binary POSIX ACLs; acls adds the ACL text GNU tar/bsdtar restore from.
// (selinux:true would only repeat security.selinux as RHT.security.selinux.)
export const tarOutCommand = "tar-out / - numericowner:true xattrs:true acls:true";

/**
 * Extracts an installed disk into the requested outputs in one read of the guest: libguestfs
 * inspects and mounts the OS read-only, streams it as tar, and every output is fed from that stream.
 * On failure nothing is left in `outDir`.
 */
export async function extract(req: ExtractRequest): Promise<ExtractResult> {
  const createdOutDir = await claimOutDir(req.outDir);
  const say = messenger(req.onProgress);
  let session: GuestfishSession | undefined;
  let sinks: EntrySink[] = [];
  try {
    say(`Starting the libguestfs appliance for ${req.disk}`);
    session = await GuestfishSession.launch(req.disk, req.format).catch(async (err: unknown) => {
      const problem = await imageProblem(req.disk, req.format);
      const detail = problem ? new Error(problem, { cause: err }) : err;
      throw failure(`Cannot open the disk image ${req.disk}`, detail, diskHint(req));
    });
    const needLinkCounts = req.outputs.cgz.enabled;
    const facts = await inspectAndMount(session, { needLinkCounts }).catch((err: unknown) => {
      if (err instanceof NoOperatingSystemError) {
        throw failure(
          `No operating system found on ${req.disk}`,
          err,
          "check that the install finished and wrote to this disk",
        );
      }
      throw failure(`Cannot inspect ${req.disk}`, err, diskHint(req));
    });
    say(`Found ${facts.os.product ?? `${facts.os.distro} ${facts.os.version}`} on ${facts.root}`);
    if (req.outputs.kernel && !facts.boot) {
      throw new StepFailure(
        "ExtractFailed",
        `No kernel (vmlinuz-<version>) found in /boot of ${req.disk}; check that the installer installed a kernel package, or turn outputs.kernel off`,
      );
    }
    const paths = outputPaths(req.outDir, req.outputs, facts.boot);
    // On TCG the appliance is the bottleneck: the helpers must not take its CPU.
    const helperNiceness = session.onTcg ? tcgHelperNiceness : 0;
    if (session.onTcg)
      say(`Lowered the compressors and bsdtar to nice ${helperNiceness}: the appliance runs on TCG`);
    const linkCounts = facts.linkCounts;
    sinks = await openSinks({ outputs: req.outputs, paths, boot: facts.boot, linkCounts, helperNiceness });
    const stats = await streamGuest(session, sinks, req, facts);
    await Promise.all(sinks.map((sink) => sink.finish())).catch((err: unknown) => {
      throw err instanceof StepFailure
        ? err
        : failure(`Writing the outputs in ${req.outDir} failed`, err, outputHint);
    });
    await session.close().catch((err: unknown) => {
      throw failure(`guestfish failed after streaming ${req.disk}`, err, diskHint(req));
    });
    say(`Extracted ${stats.files} entries, ${stats.bytes} bytes`);
    return {
      ...paths,
      ...(facts.boot && { kernelVersion: facts.boot.version }),
      ...(facts.packageCount !== undefined && { packageCount: facts.packageCount }),
      os: facts.os,
      files: stats.files,
      bytes: stats.bytes,
    };
  } catch (err) {
    session?.kill();
    await Promise.all(sinks.map((sink) => sink.abort()));
    await removeOutputs(req.outDir, createdOutDir);
    throw err instanceof StepFailure ? err : failure(`Extracting ${req.disk} failed`, err, outputHint);
  }
}

async function streamGuest(
  session: GuestfishSession,
  sinks: EntrySink[],
  req: ExtractRequest,
  facts: GuestFacts,
): Promise<PassStats> {
  const progress = new ByteProgress("extract", req.onProgress, facts.usedBytes);
  const reader = new TarReader(session.startStream(tarOutCommand));
  try {
    const stats = await streamEntries(reader, sinks, req.postProcess, progress);
    await session.finishStream();
    progress.finish();
    return stats;
  } catch (err) {
    // A stream cut short means guestfish failed: what it said explains more than the truncation.
    const guestSide = err instanceof TarFormatError || err instanceof TruncatedStreamError;
    if (guestSide || err instanceof GuestfishError) {
      const said = err instanceof GuestfishError ? err : await session.failure(errorText(err));
      throw failure(`Reading the filesystems of ${req.disk} failed`, said, diskHint(req));
    }
    throw failure(`Writing the outputs in ${req.outDir} failed`, err, outputHint);
  }
}

const outputHint = "check free space and permissions there, and that bsdtar, pigz and zstd are installed";

function diskHint(req: ExtractRequest): string {
  return `check that ${req.disk} is a complete ${req.format} image (qemu-img check) of a finished install`;
}

function failure(what: string, err: unknown, hint: string): StepFailure {
  return new StepFailure("ExtractFailed", `${what}: ${errorText(err)}; ${hint}`, { cause: err });
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The staging directory must be empty (or absent) so that cleaning up can remove everything in it. */
async function claimOutDir(outDir: string): Promise<boolean> {
  const created = (await mkdir(outDir, { recursive: true })) !== undefined;
  const existing = await readdir(outDir);
  if (existing.length > 0) {
    throw new StepFailure(
      "ExtractFailed",
      `The staging directory ${outDir} is not empty (${existing.slice(0, 3).join(", ")}…); pass a fresh directory`,
    );
  }
  return created;
}

async function removeOutputs(outDir: string, createdOutDir: boolean): Promise<void> {
  if (createdOutDir) return rm(outDir, { recursive: true, force: true });
  for (const name of await readdir(outDir).catch(() => [])) {
    await rm(`${outDir}/${name}`, { recursive: true, force: true });
  }
}

function messenger(listener: ProgressListener | undefined): (text: string) => void {
  return (text) => listener?.({ step: "extract", kind: "message", text });
}
