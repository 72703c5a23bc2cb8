import { invalidAnswerFile } from "./errors.js";
import { printMarkerCommand } from "./install-markers.js";
import { consoleFor, targetDisk } from "./machine.js";
import { parsePreseed, preseedLine, type PreseedEntry } from "./preseed-document.js";
import type { PreseedProfile } from "./profile.js";
import { preseedSource } from "./preseed-source.js";
import {
  checkedLocale,
  checkedPackages,
  checkedRootHash,
  checkedTimezone,
  checkNoSelinux,
} from "./request-checks.js";
import type { AnswerFileRequest } from "./request.js";

// debian-installer preseed for an unattended install at priority=critical onto one disk, powering off at
// the end. User lines replace ours for the same question; late_command is chained instead.

const lateCommand = "preseed/late_command";

// debian-installer shows its dialogs on the console, but a component that fails without one (a library
// missing from the mirror, a crashing step) says so only in its syslog: copy that log's error lines to
// the console, where the build reads them. In the background, with every inherited descriptor closed:
// early_command runs under debconf, which waits for its pipes (3 and up) to close, so a background job
// holding one hangs the installer.
const installerErrorsToConsole =
  "(tail -f /var/log/syslog | grep -iE 'error|fail' >/dev/console) </dev/null >/dev/null 2>&1 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- &";

export function preseedFor(profile: PreseedProfile, request: AnswerFileRequest): string {
  checkNoSelinux(request);
  if (request.userAnswerFile !== undefined) return completeUserPreseed(request.userAnswerFile);
  const fragments = request.fragments.map((text, i) =>
    checked(parsePreseed(text, `preseed fragment ${i + 1}`)),
  );
  const theirs = fragments.flat();
  const answered = new Set(theirs.map((e) => e.question).filter((q) => q !== lateCommand));
  const ours = generatedPreseed(profile, request).filter((e) => !answered.has(e.question));
  const entries = [...ours, ...theirs].filter((e) => e.question !== lateCommand);
  return render([...entries, finalLateCommand(ours, theirs)], profile);
}

function generatedPreseed(profile: PreseedProfile, request: AnswerFileRequest): PreseedEntry[] {
  const d = (question: string, type: string, value: string) => preseedLine("d-i", question, type, value);
  const root = request.rootPassword;
  const locked = root.kind === "locked";
  const packages = checkedPackages(request, "no-groups");
  return [
    d("preseed/early_command", "string", installerErrorsToConsole),
    d("debian-installer/locale", "string", checkedLocale(request)),
    d("keyboard-configuration/xkb-keymap", "select", "us"),
    d("netcfg/get_hostname", "string", "debian"),
    d("netcfg/get_domain", "string", "localdomain"),
    d("hw-detect/load_firmware", "boolean", "false"),
    ...preseedSource(request),
    d("apt-setup/disable-cdrom-entries", "boolean", "true"),
    d("passwd/root-login", "boolean", "true"),
    d("passwd/make-user", "boolean", "false"),
    // "!" is no crypt hash, so nothing can log in as root; late_command locks the account as well.
    d("passwd/root-password-crypted", "password", root.kind === "locked" ? "!" : checkedRootHash(root.hash)),
    d("clock-setup/utc", "boolean", "true"),
    d("time/zone", "string", checkedTimezone(request)),
    d("clock-setup/ntp", "boolean", "false"),
    d("partman-auto/disk", "string", `/dev/${targetDisk}`),
    d("partman-auto/method", "string", "regular"),
    d("partman-auto/choose_recipe", "select", "atomic"),
    d("partman/default_filesystem", "string", request.rootFsType),
    d("partman-lvm/device_remove_lvm", "boolean", "true"),
    d("partman-md/device_remove_md", "boolean", "true"),
    d("partman-partitioning/confirm_write_new_label", "boolean", "true"),
    d("partman-efi/non_efi_system", "boolean", "true"),
    d("partman/choose_partition", "select", "finish"),
    d("partman/confirm", "boolean", "true"),
    d("partman/confirm_nooverwrite", "boolean", "true"),
    preseedLine("tasksel", "tasksel/first", "multiselect", ""),
    ...(packages.length > 0 ? [d("pkgsel/include", "string", packages.join(" "))] : []),
    d("pkgsel/update-policy", "select", "none"),
    preseedLine("popularity-contest", "popularity-contest/participate", "boolean", "false"),
    d("grub-installer/only_debian", "boolean", "true"),
    d("grub-installer/with_other_os", "boolean", "true"),
    d("grub-installer/bootdev", "string", `/dev/${targetDisk}`),
    // UEFI VMs often lose NVRAM boot entries; the removable-media path always boots.
    d("grub-installer/force-efi-extra-removable", "boolean", "true"),
    d("debian-installer/add-kernel-opts", "string", consoleFor(profile.arch).kernelArg),
    d("cdrom-detect/eject", "boolean", "false"),
    d("finish-install/reboot_in_progress", "note", ""),
    d("debian-installer/exit/poweroff", "boolean", "true"),
    ...(locked ? [d(lateCommand, "string", "in-target usermod --lock root")] : []),
  ];
}

// Rejects answers that would keep the VM running after the install.
function checked(entries: PreseedEntry[]): PreseedEntry[] {
  for (const e of entries) {
    if (
      (e.question === "debian-installer/exit/poweroff" && e.value !== "true") ||
      (e.question === "debian-installer/exit/halt" && e.value === "true") ||
      (e.question === "debian-installer/exit/always_halt" && e.value === "true")
    ) {
      throw invalidAnswerFile(
        `Preseed answer "${e.raw.join(" ")}" keeps the install VM running, but the build waits for it to power off; remove it.`,
      );
    }
  }
  return entries;
}

// One late_command running ours, then the user's, then the marker; "&&" so a failing command stops the
// chain (debian-installer then shows "Failed to run preseeded command") and the marker means success.
function finalLateCommand(...sources: PreseedEntry[][]): PreseedEntry {
  const commands = sources
    .flat()
    .filter((e) => e.question === lateCommand)
    .map((e) => `( ${e.value} )`);
  return preseedLine(
    "d-i",
    lateCommand,
    "string",
    [...commands, printMarkerCommand("finished")].join(" && "),
  );
}

function completeUserPreseed(text: string): string {
  const theirs = checked(parsePreseed(text, "the user preseed"));
  const asked = new Set(theirs.map((e) => e.question));
  const required = [
    preseedLine("d-i", "finish-install/reboot_in_progress", "note", ""),
    preseedLine("d-i", "debian-installer/exit/poweroff", "boolean", "true"),
  ].filter((e) => !asked.has(e.question));
  const kept = theirs.filter((e) => e.question !== lateCommand);
  const added = [...required, finalLateCommand(theirs)];
  return (
    [
      ...kept.flatMap((e) => e.raw),
      "# Added by rootfs-operator: the build needs the VM to power off and the end of the install marked.",
      ...added.flatMap((e) => e.raw),
    ].join("\n") + "\n"
  );
}

function render(entries: PreseedEntry[], profile: PreseedProfile): string {
  const header = `# Generated by rootfs-operator for debian ${profile.release} (${profile.codename}) ${profile.arch}.`;
  return [header, ...entries.flatMap((e) => e.raw)].join("\n") + "\n";
}
