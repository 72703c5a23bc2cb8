import assert from "node:assert/strict";
import { test } from "node:test";
import { bootLayoutOf, parseXorrisoListing } from "../../../src/iso/iso-layout.js";
import { parseXorrisoProgress } from "../../../src/iso/xorriso.js";

// Output of `xorriso -indev X -pvd_info -report_el_torito plain -find / -type f` (xorriso 1.5.4).
const FEDORA_LIKE = `Drive current: -indev 'x.iso'
PVD address  : 16s
Volume Id    : Fedora-S-dvd-x86_64-42
Volume Set Id: 
El Torito catalog  : 36  1
El Torito cat path : /isolinux/boot.cat
El Torito images   :   N  Pltf  B   Emul  Ld_seg  Hdpt  Ldsiz         LBA
El Torito boot img :   1  BIOS  y   none  0x0000  0x00      4         757
El Torito boot img :   2  UEFI  y   none  0x0000  0x00   2880          37
El Torito img path :   1  /isolinux/isolinux.bin
El Torito img opts :   1  boot-info-table isohybrid-suitable
El Torito img path :   2  /images/efiboot.img
'/EFI/BOOT/grub.cfg'
'/images/efiboot.img'
'/isolinux/isolinux.bin'
'/isolinux/isolinux.cfg'
'/isolinux/it'"'"'s.cfg'
'/boot/grub2/grub.cfg'
`;

const UBUNTU_LIKE = `Volume Id    : Ubuntu-Server 24.04 LTS amd64
El Torito boot img :   1  BIOS  y   none  0x0000  0x00      4          37
El Torito boot img :   2  UEFI  y   none  0x0000  0x00   2880         946
El Torito img path :   1  /boot/grub/i386-pc/eltorito.img
El Torito img blks :   2  720
'/boot/grub/grub.cfg'
'/boot/grub/i386-pc/eltorito.img'
`;

test("the listing gives label, El Torito platforms and image paths, and files", () => {
  const listing = parseXorrisoListing(FEDORA_LIKE);
  assert.equal(listing.volumeId, "Fedora-S-dvd-x86_64-42");
  assert.deepEqual(listing.elTorito, [
    { platform: "BIOS", path: "isolinux/isolinux.bin" },
    { platform: "UEFI", path: "images/efiboot.img" },
  ]);
  assert.ok(listing.files.includes("isolinux/it's.cfg"));
});

test("a Fedora-like ISO: isolinux, both GRUB menus, efiboot.img", () => {
  const layout = bootLayoutOf("x.iso", parseXorrisoListing(FEDORA_LIKE));
  assert.deepEqual(layout.isolinuxConfigs, ["isolinux/isolinux.cfg", "isolinux/it's.cfg"]);
  assert.deepEqual(layout.grubConfigs, ["EFI/BOOT/grub.cfg", "boot/grub2/grub.cfg"]);
  assert.deepEqual(layout.efiImages, ["images/efiboot.img"]);
  assert.equal(layout.biosBoot && layout.uefiBoot, true);
});

test("an Ubuntu-like ISO: GRUB for both, the EFI image is an appended partition", () => {
  const layout = bootLayoutOf("u.iso", parseXorrisoListing(UBUNTU_LIKE));
  assert.equal(layout.volumeId, "Ubuntu-Server 24.04 LTS amd64");
  assert.deepEqual(layout.grubConfigs, ["boot/grub/grub.cfg"]);
  assert.deepEqual(layout.efiImages, []);
  assert.deepEqual(layout.elTorito[1], { platform: "UEFI" });
});

test("paths match regardless of case, and keep the ISO's spelling", () => {
  const layout = bootLayoutOf("x.iso", {
    volumeId: "x",
    elTorito: [{ platform: "UEFI", path: "efi/boot/efiboot.img" }],
    files: ["efi/boot/GRUB.CFG", "IMAGES/EFIBOOT.IMG"],
  });
  assert.deepEqual(layout.grubConfigs, ["efi/boot/GRUB.CFG"]);
  assert.deepEqual(layout.efiImages, ["IMAGES/EFIBOOT.IMG", "efi/boot/efiboot.img"]);
});

test("no boot configuration at all names every path looked for", () => {
  assert.throws(
    () => bootLayoutOf("x.iso", { volumeId: "x", elTorito: [{ platform: "BIOS" }], files: ["README"] }),
    {
      message:
        "x.iso: ISO has no BIOS or UEFI boot configuration: looked for isolinux/isolinux.cfg, EFI/BOOT/grub.cfg, EFI/BOOT/BOOT.conf, " +
        "boot/grub2/grub.cfg, boot/grub/grub.cfg; is it an installer ISO?",
    },
  );
});

test("BIOS boot without a BIOS menu, missing El Torito and missing label are errors", () => {
  const efiOnly = ["EFI/BOOT/grub.cfg"];
  assert.throws(
    () => bootLayoutOf("x.iso", { volumeId: "x", elTorito: [{ platform: "BIOS" }], files: efiOnly }),
    /boots in BIOS mode but has no BIOS boot menu to patch: looked for isolinux\/isolinux.cfg/,
  );
  assert.throws(
    () => bootLayoutOf("x.iso", { volumeId: "x", elTorito: [], files: efiOnly }),
    /no El Torito boot images/,
  );
  assert.throws(
    () => bootLayoutOf("x.iso", { elTorito: [{ platform: "UEFI" }], files: efiOnly }),
    /has no volume label/,
  );
});

test("xorriso's mkisofs-style progress lines give percentages", () => {
  assert.equal(
    parseXorrisoProgress("xorriso : UPDATE :  42.17% done, estimate finish Thu Nov 26 2026"),
    42.17,
  );
  assert.equal(parseXorrisoProgress("xorriso : UPDATE :       1 files added in 1 seconds"), undefined);
});
