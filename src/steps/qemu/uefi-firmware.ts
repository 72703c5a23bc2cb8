import { existsSync } from "node:fs";
import { copyFile } from "node:fs/promises";
import { optionValue } from "./machine-args.js";

/** A UEFI firmware image and the template for its variable store, both padded for pflash. */
interface FirmwarePair {
  code: string;
  vars: string;
}

// Where distributions install aarch64 UEFI firmware for qemu.
const aarch64Firmware: FirmwarePair[] = [
  { code: "/usr/share/AAVMF/AAVMF_CODE.fd", vars: "/usr/share/AAVMF/AAVMF_VARS.fd" }, // Debian, Ubuntu
  {
    code: "/usr/share/edk2/aarch64/QEMU_EFI-pflash.raw", // Fedora, RHEL
    vars: "/usr/share/edk2/aarch64/vars-template-pflash.raw",
  },
  { code: "/usr/share/qemu/aavmf-aarch64-code.bin", vars: "/usr/share/qemu/aavmf-aarch64-vars.bin" }, // SUSE
];

/**
 * pflash arguments for aarch64 UEFI boot: the read-only firmware plus a private, writable copy of the
 * variable store at `varsCopy` (the installer writes boot entries there).
 */
export async function aarch64UefiArgs(varsCopy: string): Promise<string[]> {
  const firmware = aarch64Firmware.find((pair) => existsSync(pair.code) && existsSync(pair.vars));
  if (!firmware) {
    throw new Error(
      `No aarch64 UEFI firmware found (looked for ${aarch64Firmware.map((pair) => pair.code).join(", ")}); ` +
        "install qemu-efi-aarch64 (Debian, Ubuntu) or edk2-aarch64 (Fedora)",
    );
  }
  await copyFile(firmware.vars, varsCopy);
  return [
    "-drive",
    `if=pflash,format=raw,unit=0,readonly=on,file=${optionValue(firmware.code)}`,
    "-drive",
    `if=pflash,format=raw,unit=1,file=${optionValue(varsCopy)}`,
  ];
}
