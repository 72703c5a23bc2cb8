// Small bootable ISOs built from the fixture boot menus (see test/fixtures/iso/boot-menus.ts).
import { execFile } from "node:child_process";
import { copyFile, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import type { IsoFixture } from "../fixtures/iso/boot-menus.js";
import { ISO_FIXTURES_DIR, renderBootConfigs } from "../fixtures/iso/boot-menus.js";

export type { Family, IsoFixture } from "../fixtures/iso/boot-menus.js";
export {
  BOOT_CONFIGS_DIR,
  ISO_FIXTURES,
  ISO_FIXTURES_DIR,
  REPO_ROOT,
  isoFixture,
  kernelArgsFor,
  renderBootConfigs,
} from "../fixtures/iso/boot-menus.js";

const run = promisify(execFile);

export interface BuildOptions {
  /** Defaults to the fixture's label. */
  label?: string;
  /** Real files for isolinux/vmlinuz and isolinux/initrd.img, to boot the ISO in qemu. */
  biosKernel?: { kernel: string; initrd: string };
  /** More files for the ISO tree, by ISO path. */
  extraFiles?: Record<string, string>;
}

const SYSLINUX_MODULES = "/usr/lib/syslinux/modules/bios";
const ISOLINUX_BIN = "/usr/lib/ISOLINUX/isolinux.bin";
const ISOHYBRID_MBR = "/usr/lib/ISOLINUX/isohdpfx.bin";

async function writeTree(root: string, path: string, content: string | Buffer): Promise<void> {
  await mkdir(dirname(join(root, path)), { recursive: true });
  await writeFile(join(root, path), content);
}

async function makeEfiImage(image: string, files: Map<string, string>): Promise<void> {
  await mkdir(dirname(image), { recursive: true });
  await rm(image, { force: true });
  await run("mkfs.fat", ["-C", image, "2880"]);
  const dirs = new Set(
    [...files.keys()].flatMap((p) =>
      p
        .split("/")
        .slice(0, -1)
        .map((_, i, a) => a.slice(0, i + 1).join("/")),
    ),
  );
  for (const dir of [...dirs].sort()) await run("mmd", ["-i", image, `::/${dir}`]);
  for (const [path, content] of files) {
    const local = `${image}.${path.replace(/\W+/g, "_")}`;
    await writeFile(local, content);
    await run("mcopy", ["-i", image, local, `::/${path}`]);
  }
}

/** Builds a small bootable ISO of the fixture in `dir` and returns its path. */
export async function buildFixtureIso(
  fixture: IsoFixture,
  dir: string,
  options: BuildOptions = {},
): Promise<string> {
  const root = join(dir, `${fixture.name}-tree`);
  const iso = join(dir, `${fixture.name}.iso`);
  await rm(root, { recursive: true, force: true });
  await rm(iso, { force: true });
  const configs = renderBootConfigs(fixture);
  for (const [path, text] of configs) await writeTree(root, path, text);
  for (const path of fixture.bootFiles) await writeTree(root, path, `stand-in for ${path}\n`);
  for (const [path, text] of Object.entries(options.extraFiles ?? {})) await writeTree(root, path, text);
  if (options.biosKernel) {
    await copyFile(options.biosKernel.kernel, join(root, "isolinux/vmlinuz"));
    await copyFile(options.biosKernel.initrd, join(root, "isolinux/initrd.img"));
  }

  const args = [
    "-as",
    "mkisofs",
    "-o",
    iso,
    "-V",
    options.label ?? fixture.label,
    "-J",
    "-joliet-long",
    "-r",
  ];
  if (configs.has("isolinux/isolinux.cfg")) {
    await copyFile(ISOLINUX_BIN, join(root, "isolinux/isolinux.bin"));
    for (const module of ["ldlinux.c32", "vesamenu.c32", "libcom32.c32", "libutil.c32"]) {
      await copyFile(join(SYSLINUX_MODULES, module), join(root, "isolinux", module));
    }
    args.push("-isohybrid-mbr", ISOHYBRID_MBR, "-b", "isolinux/isolinux.bin", "-c", "isolinux/boot.cat");
    args.push("-no-emul-boot", "-boot-load-size", "4", "-boot-info-table");
  } else if (fixture.arch === "x86_64") {
    // Ubuntu boots BIOS through GRUB's eltorito.img; isolinux.bin stands in for it (never booted here).
    await writeTree(root, "boot/grub/i386-pc/eltorito.img", await readFile(ISOLINUX_BIN));
    args.push("-b", "boot/grub/i386-pc/eltorito.img", "-c", "boot.catalog");
    args.push("-no-emul-boot", "-boot-load-size", "4", "-boot-info-table");
  }

  const efiFiles = new Map<string, string>();
  const bootEfi = fixture.arch === "x86_64" ? "EFI/BOOT/BOOTX64.EFI" : "EFI/BOOT/BOOTAA64.EFI";
  efiFiles.set(bootEfi, "stand-in for the EFI boot loader\n");
  const efiGrub = configs.get("EFI/BOOT/grub.cfg");
  if (efiGrub !== undefined) efiFiles.set("EFI/BOOT/grub.cfg", efiGrub);
  if (fixture.family === "debian") {
    efiFiles.set(
      "EFI/debian/grub.cfg",
      await readFile(join(ISO_FIXTURES_DIR, "debian-12-amd64", "efi-grub.cfg"), "utf8"),
    );
  }
  if (fixture.efiImage === undefined) {
    const image = join(dir, `${fixture.name}-efi.img`);
    await makeEfiImage(image, efiFiles);
    args.push("-append_partition", "2", "0xef", image, "-appended_part_as_gpt");
    args.push("-eltorito-alt-boot", "-e", "--interval:appended_partition_2:all::", "-no-emul-boot");
  } else {
    await makeEfiImage(join(root, fixture.efiImage), efiFiles);
    args.push("-eltorito-alt-boot", "-e", fixture.efiImage, "-no-emul-boot");
    if (configs.has("isolinux/isolinux.cfg")) args.push("-isohybrid-gpt-basdat");
  }
  await run("xorriso", [...args, root]);
  return iso;
}

/** Lists the ISO's files (paths without leading slash). */
export async function listIsoFiles(iso: string): Promise<string[]> {
  const { stdout } = await run("xorriso", ["-indev", iso, "-find", "/", "-type", "f"]);
  return stdout
    .split("\n")
    .filter((l) => l.startsWith("'"))
    .map((l) => l.slice(2, -1));
}

/** Reads one file out of an ISO. */
export async function readIsoFile(iso: string, path: string, dir: string): Promise<Buffer> {
  const local = join(dir, `read-${path.replace(/\W+/g, "_")}`);
  await run("xorriso", ["-osirrox", "on", "-indev", iso, "-extract", `/${path}`, local]);
  return readFile(local);
}
