/** What an installer ISO boots with, decided from xorriso's reports (parsed here, run in probe.ts). */

export interface ElToritoImage {
  /** "BIOS", "UEFI", or the platform id xorriso printed for anything else. */
  platform: string;
  /** Path inside the ISO; absent for images outside the file tree (e.g. Ubuntu's appended EFI partition). */
  path?: string;
}

export interface IsoListing {
  volumeId?: string;
  elTorito: ElToritoImage[];
  /** Paths of all files, without the leading slash. */
  files: string[];
}

export interface IsoBootLayout {
  /** As recorded, case and spaces included: installers find their media by it (`hd:LABEL=`). */
  volumeId: string;
  elTorito: ElToritoImage[];
  biosBoot: boolean;
  uefiBoot: boolean;
  /** isolinux/isolinux.cfg first, then the other isolinux/*.cfg files it may include. */
  isolinuxConfigs: string[];
  grubConfigs: string[];
  /** FAT images holding the UEFI boot loader and possibly a grub.cfg. */
  efiImages: string[];
  /** Every file on the ISO, without the leading slash. */
  files: string[];
}

export const ISOLINUX_CONFIG = "isolinux/isolinux.cfg";
// EFI/BOOT/BOOT.conf: the copy of the UEFI menu that Macs' firmware boots (lorax writes it, mkksiso patches it).
export const GRUB_CONFIGS = [
  "EFI/BOOT/grub.cfg",
  "EFI/BOOT/BOOT.conf",
  "boot/grub2/grub.cfg",
  "boot/grub/grub.cfg",
] as const;
export const EFI_IMAGES = ["images/efiboot.img", "boot/grub/efi.img"] as const;
const BIOS_GRUB_CONFIGS = ["boot/grub2/grub.cfg", "boot/grub/grub.cfg"];

/** Reads xorriso's single-quoted path output: 'a b' or 'it'"'"'s'. */
function unquoteXorrisoPath(text: string): string {
  let out = "";
  for (const match of text.matchAll(/'([^']*)'|"([^"]*)"|\\(.)|([^'"\\]+)/g)) {
    out += match[1] ?? match[2] ?? match[3] ?? match[4] ?? "";
  }
  return out;
}

/** Parses the stdout of `xorriso -indev X -pvd_info -report_el_torito plain -find / -type f`. */
export function parseXorrisoListing(stdout: string): IsoListing {
  const listing: IsoListing = { elTorito: [], files: [] };
  const imagesByNumber = new Map<string, ElToritoImage>();
  for (const line of stdout.split("\n")) {
    const volume = /^Volume Id\s*:\s?(.*)$/.exec(line);
    const image = /^El Torito boot img\s*:\s*(\d+)\s+(\S+)/.exec(line);
    const imagePath = /^El Torito img path\s*:\s*(\d+)\s+(.*)$/.exec(line);
    if (volume) {
      listing.volumeId = (volume[1] ?? "").trimEnd();
    } else if (image) {
      const entry: ElToritoImage = { platform: image[2] ?? "" };
      imagesByNumber.set(image[1] ?? "", entry);
      listing.elTorito.push(entry);
    } else if (imagePath) {
      const entry = imagesByNumber.get(imagePath[1] ?? "");
      if (entry) entry.path = (imagePath[2] ?? "").trim().replace(/^\/+/, "");
    } else if (line.startsWith("'")) {
      listing.files.push(unquoteXorrisoPath(line).replace(/^\/+/, ""));
    }
  }
  return listing;
}

/** The file's real path on the ISO, matched without regard to case (release and daily ISOs differ). */
function findPath(files: readonly string[], wanted: string): string | undefined {
  const lower = wanted.toLowerCase();
  return files.find((file) => file.toLowerCase() === lower);
}

function unique(paths: readonly (string | undefined)[]): string[] {
  return [...new Set(paths.filter((path): path is string => path !== undefined))];
}

export function bootLayoutOf(iso: string, listing: IsoListing): IsoBootLayout {
  const { files, elTorito } = listing;
  if (!listing.volumeId?.trim()) {
    throw new Error(
      `${iso} has no volume label (ISO 9660 volume id); installers locate their media by it, ` +
        "so it cannot be remastered: use the distribution's original installer ISO",
    );
  }
  const rootIsolinux = findPath(files, ISOLINUX_CONFIG);
  const isolinuxConfigs = rootIsolinux
    ? [rootIsolinux, ...files.filter((f) => /^isolinux\/[^/]+\.cfg$/i.test(f) && f !== rootIsolinux).sort()]
    : [];
  const grubConfigs = unique(GRUB_CONFIGS.map((path) => findPath(files, path)));
  const uefiImagePaths = elTorito.filter((image) => image.platform === "UEFI").map((image) => image.path);
  const efiImages = unique([...EFI_IMAGES.map((path) => findPath(files, path)), ...uefiImagePaths]);
  const layout: IsoBootLayout = {
    volumeId: listing.volumeId,
    elTorito,
    biosBoot: elTorito.some((image) => image.platform === "BIOS"),
    uefiBoot: elTorito.some((image) => image.platform === "UEFI"),
    isolinuxConfigs,
    grubConfigs,
    efiImages,
    files,
  };

  const looked = [ISOLINUX_CONFIG, ...GRUB_CONFIGS].join(", ");
  if (isolinuxConfigs.length === 0 && grubConfigs.length === 0) {
    throw new Error(
      `${iso}: ISO has no BIOS or UEFI boot configuration: looked for ${looked}; is it an installer ISO?`,
    );
  }
  if (elTorito.length === 0) {
    throw new Error(
      `${iso}: ISO has no El Torito boot images, so it cannot boot as a CD/DVD; use the distribution's installer ISO`,
    );
  }
  const biosMenus = [
    ...isolinuxConfigs,
    ...grubConfigs.filter((path) => BIOS_GRUB_CONFIGS.includes(path.toLowerCase())),
  ];
  if (layout.biosBoot && biosMenus.length === 0) {
    throw new Error(
      `${iso}: ISO boots in BIOS mode but has no BIOS boot menu to patch: looked for ${ISOLINUX_CONFIG}, ` +
        `${BIOS_GRUB_CONFIGS.join(", ")}; this layout is not supported yet, please report it`,
    );
  }
  if (layout.uefiBoot && grubConfigs.length === 0 && efiImages.length === 0) {
    throw new Error(
      `${iso}: ISO boots in UEFI mode but has no GRUB menu to patch: looked for ${[...GRUB_CONFIGS, ...EFI_IMAGES].join(", ")}; ` +
        "this layout is not supported yet, please report it",
    );
  }
  return layout;
}
