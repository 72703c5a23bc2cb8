import { mkdir } from "node:fs/promises";
import { fileConsumer, programConsumer, type ByteConsumer } from "./byte-consumer.js";
import { CpioSink, FileCaptureSink, TarSink, type EntrySink } from "./entry-sinks.js";
import type { BootFiles } from "./kernel-files.js";
import { NewcArchive } from "./newc-archive.js";
import { compressorFor, isAncestorOf, isUnder, moduleRoots, type OutputPaths } from "./output-layout.js";
import type { Compression, ExtractOutputs } from "./types.js";

/** How bsdtar unpacks the guest's tar stream into the nfsroot: owners by number, modes, xattrs, ACLs. */
export const nfsrootUnpackFlags = ["-x", "-p", "--xattrs", "--acls", "--numeric-owner", "--no-fflags"];

export interface SinkPlan {
  outputs: ExtractOutputs;
  paths: OutputPaths;
  boot?: BootFiles;
  linkCounts?: ReadonlyMap<string, number>;
  /** Niceness for bsdtar and the compressors (0: the caller's priority). */
  helperNiceness?: number;
}

/** Starts every consumer the request asks for and wraps them as entry sinks of the single pass. */
export async function openSinks(plan: SinkPlan): Promise<EntrySink[]> {
  const { outputs, paths, boot } = plan;
  const niceness = plan.helperNiceness ?? 0;
  const sinks: EntrySink[] = [];
  const consumers: ByteConsumer[] = [];
  try {
    const tarConsumers: ByteConsumer[] = [];
    if (paths.nfsroot) {
      await mkdir(paths.nfsroot);
      const bsdtar = [...nfsrootUnpackFlags, "-C", paths.nfsroot, "-f", "-"];
      tarConsumers.push(track(await programConsumer("nfsroot", "bsdtar", bsdtar, undefined, niceness)));
    }
    if (paths.tarball) {
      const tarball = await compressed("tarball", outputs.tarball.compression, paths.tarball, niceness);
      tarConsumers.push(track(tarball));
    }
    if (tarConsumers.length > 0) sinks.push(new TarSink(tarConsumers));

    const roots = paths.modulesCgz && boot ? moduleRoots(boot.version) : [];
    if (paths.cgz) {
      const cgz = track(await compressed("cgz", outputs.cgz.compression, paths.cgz, niceness));
      sinks.push(new CpioSink(cgz, newArchive(plan), (entry) => !isUnder(entry.path, roots)));
    }
    if (paths.modulesCgz) {
      const compression = outputs.cgz.compression;
      const modules = track(await compressed("modules cgz", compression, paths.modulesCgz, niceness));
      const wanted = (path: string) => isUnder(path, roots) || isAncestorOf(path, roots);
      sinks.push(new CpioSink(modules, newArchive(plan), (entry) => wanted(entry.path)));
    }
    if (paths.kernel && boot) sinks.push(new FileCaptureSink(boot.kernel, track(fileConsumer(paths.kernel))));
    if (paths.initrd && boot?.initrd) {
      sinks.push(new FileCaptureSink(boot.initrd, track(fileConsumer(paths.initrd))));
    }
    return sinks;
  } catch (err) {
    await Promise.all(consumers.map((consumer) => consumer.abort()));
    throw err;
  }

  function track(consumer: ByteConsumer): ByteConsumer {
    consumers.push(consumer);
    return consumer;
  }
}

function newArchive(plan: SinkPlan): NewcArchive {
  return new NewcArchive(plan.linkCounts ?? new Map());
}

async function compressed(
  label: string,
  compression: Compression,
  path: string,
  niceness: number,
): Promise<ByteConsumer> {
  const compressor = compressorFor(compression);
  if (!compressor) return fileConsumer(path);
  const [command, args] = compressor;
  return programConsumer(label, command, args, path, niceness);
}
